package replytoken

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func minter(t testing.TB, b byte) *Minter {
	t.Helper()
	m, err := New(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMintVerify(t *testing.T) {
	m := minter(t, 1)
	tok := m.Mint("google:primary/abc", now.Add(30*24*time.Hour))
	if len(tok) != Len || Len != 39 || strings.ToLower(tok) != tok {
		t.Fatalf("Mint() = %q (%d chars), want 39 lowercase base32 characters", tok, len(tok))
	}
	ref, exp, err := m.Verify(tok, now)
	if err != nil || ref != Ref("google:primary/abc") {
		t.Fatalf("Verify() = %q, %v, want ref %q", ref, err, Ref("google:primary/abc"))
	}
	if want := time.Date(2026, 12, 23, 23, 59, 59, 0, time.UTC); !exp.Equal(want) {
		t.Errorf("expiry = %v, want the end of that day %v", exp, want)
	}
	if _, _, err := m.Verify(strings.ToUpper(tok), now); err != nil {
		t.Errorf("Verify(upper case) = %v; mail software may change case", err)
	}
	if m.Mint("google:primary/abc", now) == m.Mint("google:primary/abd", now) {
		t.Error("two meetings got the same token")
	}
}

func TestVerifyRejects(t *testing.T) {
	m := minter(t, 1)
	tok := m.Mint("k", now.Add(48*time.Hour))
	if _, _, err := minter(t, 2).Verify(tok, now); !errors.Is(err, ErrForged) {
		t.Errorf("Verify with another key = %v, want ErrForged", err)
	}
	if _, _, err := m.Verify(tok, now.Add(72*time.Hour)); !errors.Is(err, ErrExpired) {
		t.Errorf("Verify after expiry = %v, want ErrExpired", err)
	}
	if _, _, err := m.Verify(tok, now.Add(48*time.Hour).Truncate(24*time.Hour).Add(23*time.Hour)); err != nil {
		t.Errorf("Verify on the expiry day = %v, want valid", err)
	}
	// Any change to any byte is caught.
	raw, _ := encoding.DecodeString(tok)
	for i := range raw {
		bad := append([]byte(nil), raw...)
		bad[i] ^= 0x40
		if _, _, err := m.Verify(encoding.EncodeToString(bad), now); !errors.Is(err, ErrForged) {
			t.Errorf("Verify with byte %d changed = %v, want ErrForged", i, err)
		}
	}
	for _, s := range []string{"", "short", strings.Repeat("1", Len), strings.Repeat("a", Len+1)} {
		if _, _, err := m.Verify(s, now); !errors.Is(err, ErrMalformed) {
			t.Errorf("Verify(%q) = %v, want ErrMalformed", s, err)
		}
	}
}

func TestCandidates(t *testing.T) {
	tok := minter(t, 1).Mint("k", now)
	tests := []struct {
		in   string
		want []string
	}{
		{"me+leadup-" + tok + "@example.com", []string{tok}},
		{"me+" + tok + "@example.com", []string{tok}},
		{"<followup.leadup." + tok + "@example.com>", []string{tok}},
		{"Me+Leadup-" + strings.ToUpper(tok) + "@Example.com", []string{tok}},
		{"<a@b> <followup." + tok + "@example.com> <x." + tok + "@y>", []string{tok, tok}},
		{"me+leadup-" + tok + "x@example.com", nil}, // one character too many
		{"nothing here", nil},
	}
	for _, tt := range tests {
		if got := Candidates(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Candidates(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLoadOrCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	a, err := LoadOrCreate(dir, nil)
	if err != nil {
		t.Fatalf("LoadOrCreate() = %v", err)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != 32 {
		t.Fatalf("key file = %v, %v; want 32 bytes, mode 0600", fi, err)
	}
	b, err := LoadOrCreate(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok := a.Mint("k", now)
	if _, _, err := b.Verify(tok, now); err != nil {
		t.Errorf("a token minted before a restart does not verify after it: %v", err)
	}
	os.WriteFile(filepath.Join(dir, KeyFile), []byte("short"), 0o600)
	if _, err := LoadOrCreate(dir, nil); err == nil {
		t.Error("LoadOrCreate with a truncated key = nil error")
	}
}

func FuzzVerify(f *testing.F) {
	m := minter(f, 1)
	f.Add(m.Mint("k", now))
	f.Add("me+leadup-" + m.Mint("k", now) + "@example.com")
	f.Add(strings.Repeat("z", Len))
	f.Fuzz(func(t *testing.T, s string) {
		if ref, _, err := m.Verify(s, now); err == nil && ref != Ref("k") {
			t.Errorf("Verify(%q) accepted a token it did not mint", s)
		}
		for _, tok := range Candidates(s) {
			if len(tok) != Len || !isToken(tok) {
				t.Errorf("Candidates(%q) returned %q", s, tok)
			}
		}
	})
}

func TestLoadOrCreateMakesTheKeyPrivate(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOrCreate(dir, nil); err != nil {
		t.Fatalf("LoadOrCreate() = %v", err)
	}
	path := filepath.Join(dir, KeyFile)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new key file: %v, %v; want mode 0600", fi.Mode(), err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	if _, err := LoadOrCreate(dir, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatalf("LoadOrCreate() = %v", err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file left at %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("no warning for a key file others could read:\n%s", logs.String())
	}
}
