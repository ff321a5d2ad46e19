//go:build !unix

package ics

import "os"

// openNonblocking opens path for reading; see open_unix.go.
func openNonblocking(path string) (*os.File, error) {
	return os.Open(path)
}
