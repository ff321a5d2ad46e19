//go:build unix

package ics

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/clock"
)

// An ics_file that is not a regular file is refused at once: a FIFO would
// block the poll until a writer came.
func TestSyncFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "cal.ics")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("Mkfifo() = %v", err)
	}
	cases := []struct{ name, path, want string }{
		{"FIFO", fifo, "is a FIFO"},
		{"directory", dir, "is a directory"},
	}
	if st, err := os.Stat("/dev/null"); err == nil && st.Mode()&os.ModeDevice != 0 {
		cases = append(cases, struct{ name, path, want string }{"device", "/dev/null", "is a device"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSource(t, Options{File: tc.path}, clock.NewFake(syncNow))
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			done := make(chan error, 1)
			start := time.Now()
			go func() {
				_, err := s.Sync(ctx, "")
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "regular") {
					t.Errorf("Sync() = %v, want an error saying it %s", err, tc.want)
				}
				if d := time.Since(start); d > time.Second {
					t.Errorf("Sync() took %v", d)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Sync() of a non-regular file still blocked after 10 s")
			}
		})
	}
}

// A regular file replaced by a FIFO between the stat and the open must not
// block either: the open does not wait for a writer, and what was opened is
// checked again.
func TestOpenFIFODoesNotBlock(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "cal.ics")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("Mkfifo() = %v", err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := openNonblocking(fifo)
		if err != nil {
			done <- err
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			done <- err
			return
		}
		done <- regular(fifo, st)
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "is a FIFO") {
			t.Errorf("opening a FIFO and checking it = %v, want an error about a FIFO", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO blocked")
	}
}
