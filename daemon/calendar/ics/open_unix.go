//go:build unix

package ics

import (
	"os"
	"syscall"
)

// openNonblocking opens path for reading without waiting: opening a FIFO
// blocks until a writer comes, and a file swapped for one after the stat
// must not hang the poll. O_NONBLOCK changes nothing for a regular file.
func openNonblocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
