package fieldtable

import "syscall"

// adviseHugePages asks Linux to back b with transparent huge pages where
// the system allows them for regions that ask (the default "madvise"
// setting): a state of tens of megabytes is then first touched in 2 MiB
// pages instead of 4 KiB ones, thousands fewer page faults. Only advice:
// an error (an old kernel, THP disabled) changes nothing.
func adviseHugePages(b []byte) {
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
}
