package replytoken

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadCreatesAndChangesNothing: Load reads the key LoadOrCreate made,
// but a missing key is an error, not a new file, and a key others can read
// is warned about, not made private.
func TestLoadCreatesAndChangesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if _, err := Load(dir, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(no key) = %v, want fs.ErrNotExist", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(no key) created %s: %v", dir, err)
	}

	made, err := LoadOrCreate(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, KeyFile)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	loaded, err := Load(dir, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	if _, _, err := made.Verify(loaded.Mint("meeting", now), now); err != nil {
		t.Errorf("a token minted with the loaded key does not verify with the created one: %v", err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("key mode = %v after Load, want 0644 left alone", fi.Mode().Perm())
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), path) {
		t.Errorf("no warning naming the key others can read:\n%s", logs.String())
	}
}

// TestThrowaway: a throwaway key mints tokens of the usual shape that no
// other key accepts, and differs each time.
func TestThrowaway(t *testing.T) {
	a, b := Throwaway(), Throwaway()
	tok := a.Mint("meeting", now)
	if len(tok) != Len || !isToken(tok) {
		t.Errorf("throwaway token %q is not shaped like a token", tok)
	}
	if _, _, err := a.Verify(tok, now); err != nil {
		t.Errorf("a throwaway token does not verify with its own key: %v", err)
	}
	if _, _, err := b.Verify(tok, now); !errors.Is(err, ErrForged) {
		t.Errorf("another throwaway key accepts the token: %v", err)
	}
}
