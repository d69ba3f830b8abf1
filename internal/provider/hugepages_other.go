//go:build !linux

package provider

// adviseHugePages does nothing but on Linux.
func adviseHugePages([]byte) {}
