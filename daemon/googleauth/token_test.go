package googleauth

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func testToken(access, refresh string, expiry time.Time, scope string) *oauth2.Token {
	tok := &oauth2.Token{AccessToken: access, TokenType: "Bearer", RefreshToken: refresh, Expiry: expiry}
	if scope != "" {
		tok = tok.WithExtra(map[string]any{"scope": scope})
	}
	return tok
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestWriteTokenReadToken(t *testing.T) {
	expiry := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		name  string
		tok   *oauth2.Token
		scope string
	}{
		{name: "with scope", tok: testToken("access-SECRET", "refresh-SECRET", expiry, fakeScope), scope: fakeScope},
		{name: "two scopes", tok: testToken("a", "r", expiry, fakeScope+" "+ScopeMail), scope: fakeScope + " " + ScopeMail},
		{name: "without scope", tok: testToken("a", "r", expiry, "")},
		{name: "refresh token only", tok: testToken("", "r", time.Time{}, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "state", "leadup")
			path := filepath.Join(dir, "token.json")
			if err := WriteToken(path, tt.tok); err != nil {
				t.Fatalf("WriteToken() = %v", err)
			}
			if m := fileMode(t, path); m != 0o600 {
				t.Errorf("token file mode = %#o, want 0600", m)
			}
			if m := fileMode(t, dir); m != 0o700 {
				t.Errorf("token directory mode = %#o, want 0700", m)
			}
			got, err := ReadToken(path)
			if err != nil {
				t.Fatalf("ReadToken() = %v", err)
			}
			if got.AccessToken != tt.tok.AccessToken || got.RefreshToken != tt.tok.RefreshToken ||
				got.TokenType != tt.tok.TokenType || !got.Expiry.Equal(tt.tok.Expiry) {
				t.Errorf("ReadToken() = %+v, want %+v", got, tt.tok)
			}
			if s := grantedScope(got); s != tt.scope {
				t.Errorf("ReadToken() scope = %q, want %q", s, tt.scope)
			}

			// The file still decodes as a plain oauth2.Token, for other tools.
			data, _ := os.ReadFile(path)
			var plain oauth2.Token
			if err := json.Unmarshal(data, &plain); err != nil || plain.RefreshToken != tt.tok.RefreshToken {
				t.Errorf("json.Unmarshal(token file, *oauth2.Token) = %+v, %v", plain, err)
			}
		})
	}
}

func TestWriteTokenReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token.json")
	if err := os.WriteFile(path, []byte(`{"access_token":"old","refresh_token":"old"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// A reader holding the old file keeps reading the old content: the new
	// token arrives by rename(2), not by rewriting the file in place.
	old, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()

	if err := WriteToken(path, testToken("new", "new", time.Now().Add(time.Hour), "")); err != nil {
		t.Fatalf("WriteToken() = %v", err)
	}
	if data, _ := io.ReadAll(old); !strings.Contains(string(data), `"old"`) {
		t.Errorf("old file descriptor reads %q, want the old content", data)
	}
	if m := fileMode(t, path); m != 0o600 {
		t.Errorf("token file mode after replacing a 0644 file = %#o, want 0600", m)
	}
	got, err := ReadToken(path)
	if err != nil || got.AccessToken != "new" {
		t.Errorf("ReadToken() = %+v, %v; want the new token", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only token.json (no temporary files left)", names)
	}
}

func TestWriteTokenErrors(t *testing.T) {
	notDir := writeFile(t, "file", "")
	if err := WriteToken(filepath.Join(notDir, "token.json"), testToken("a", "r", time.Time{}, "")); err == nil {
		t.Error("WriteToken() under a regular file = nil, want an error")
	}
	if err := WriteToken(filepath.Join(t.TempDir(), "token.json"), nil); err == nil {
		t.Error("WriteToken(nil) = nil, want an error")
	}
}

func TestReadTokenErrors(t *testing.T) {
	tests := []struct {
		name      string
		path      func(t *testing.T) string
		wantNoTok bool
		wantText  string
	}{
		{
			name:      "missing file",
			path:      func(t *testing.T) string { return filepath.Join(t.TempDir(), "token.json") },
			wantNoTok: true,
			wantText:  "leadup auth",
		},
		{
			name:      "empty token",
			path:      func(t *testing.T) string { return writeFile(t, "token.json", `{}`) },
			wantNoTok: true,
			wantText:  "leadup auth",
		},
		{
			name:     "malformed",
			path:     func(t *testing.T) string { return writeFile(t, "token.json", `{"access_token":`) },
			wantText: "parse token file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := ReadToken(tt.path(t))
			if err == nil {
				t.Fatalf("ReadToken() = %+v, nil; want an error", tok)
			}
			if errors.Is(err, ErrNoToken) != tt.wantNoTok || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("ReadToken() = %v; want errors.Is(ErrNoToken) = %v and %q in it", err, tt.wantNoTok, tt.wantText)
			}
		})
	}
}
