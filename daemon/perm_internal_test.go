package daemon

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnsurePrivateDir(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	fresh := filepath.Join(t.TempDir(), "a", "state")
	if err := ensurePrivateDir(fresh, log); err != nil {
		t.Fatalf("ensurePrivateDir(new) = %v", err)
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("new state directory: %v, %v; want mode 0700", fi.Mode(), err)
	}
	if logs.Len() != 0 {
		t.Errorf("warning for a new state directory:\n%s", logs.String())
	}
	open := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(open, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o755); err != nil { // past the umask
		t.Fatal(err)
	}
	if err := ensurePrivateDir(open, log); err != nil {
		t.Fatalf("ensurePrivateDir(0755) = %v", err)
	}
	if fi, _ := os.Stat(open); fi.Mode().Perm() != 0o700 {
		t.Errorf("state directory left at %v, want 0700", fi.Mode().Perm())
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), open) {
		t.Errorf("no warning naming a state directory others could open:\n%s", logs.String())
	}
}
