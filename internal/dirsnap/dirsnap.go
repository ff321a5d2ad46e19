// Package dirsnap describes a directory for the tests that prove a command
// left it as it was: the directory's own mode and modification time, and
// each entry's name, mode, size, modification time and a hash of its
// contents. Two descriptions are equal when nothing was created, removed,
// written or touched there; a difference shows which entry changed.
package dirsnap

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Take describes dir, one line for the directory and one for each entry.
// The entries named in volatile are described by name and mode only: files
// whose contents another process may rewrite at any time, such as SQLite's
// -shm index beside a running writer.
func Take(dir string, volatile ...string) (string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("snapshot %s: %w", dir, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, ". %v %s\n", fi.Mode(), fi.ModTime().Format(time.RFC3339Nano))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("snapshot %s: %w", dir, err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			return "", fmt.Errorf("snapshot %s: %w", dir, err)
		}
		if slices.Contains(volatile, e.Name()) {
			fmt.Fprintf(&b, "%s %v (volatile)\n", e.Name(), info.Mode())
			continue
		}
		sum := "-"
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				return "", fmt.Errorf("snapshot %s: %w", dir, err)
			}
			sum = fmt.Sprintf("%x", sha256.Sum256(data))
		}
		fmt.Fprintf(&b, "%s %v %d %s %s\n", e.Name(), info.Mode(), info.Size(), info.ModTime().Format(time.RFC3339Nano), sum)
	}
	return b.String(), nil
}

// Must is Take for a test: it fails the test if dir cannot be read.
func Must(t testing.TB, dir string, volatile ...string) string {
	t.Helper()
	s, err := Take(dir, volatile...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
