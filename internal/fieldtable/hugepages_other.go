//go:build !linux

package fieldtable

// adviseHugePages does nothing but on Linux.
func adviseHugePages([]byte) {}
