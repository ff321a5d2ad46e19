package googleauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/oauth2"
)

// ErrNoToken is returned, wrapped, when there is no saved Google token yet.
var ErrNoToken = errors.New("no Google token")

// tokenFile is the token file's content: the JSON encoding of oauth2.Token
// plus the scope Google granted. oauth2.Token's own encoding drops the
// response's extra fields, and the granted scope can be narrower than the
// requested one (the consent screen lets users untick scopes). "scope" is
// the name RFC 6749 §5.1 gives it, and a reader that decodes the file as a
// plain oauth2.Token ignores it.
type tokenFile struct {
	oauth2.Token
	Scope string `json:"scope,omitempty"`
}

// ReadToken reads a token file written by WriteToken. A plain JSON-encoded
// oauth2.Token is accepted too. The granted scope, if the file records one,
// is available as tok.Extra("scope").
func ReadToken(path string) (*oauth2.Token, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s does not exist; run `leadup auth` to sign leadup in to your calendar", ErrNoToken, path)
	}
	if err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	var f tokenFile
	if err := json.Unmarshal(data, &f); err != nil {
		// The error of encoding/json quotes no input, so no secret leaks.
		return nil, fmt.Errorf("parse token file %s: %w", path, err)
	}
	if f.AccessToken == "" && f.RefreshToken == "" {
		return nil, fmt.Errorf("%w: %s holds no token; run `leadup auth` again", ErrNoToken, path)
	}
	tok := &f.Token
	if f.Scope != "" {
		tok = tok.WithExtra(map[string]any{"scope": f.Scope})
	}
	return tok, nil
}

// WriteToken saves tok to path with mode 0600, creating the parent
// directory with mode 0700 if needed. The write is atomic: readers see the
// old file or the new one, never a torn one, even after a crash. The scope
// in tok.Extra("scope") is saved too.
func WriteToken(path string, tok *oauth2.Token) (err error) {
	if tok == nil {
		return errors.New("write token: nil token")
	}
	f := tokenFile{Token: *tok, Scope: grantedScope(tok)}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode token: %w", err)
	}
	data = append(data, '\n')

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create token directory: %w", err)
	}
	// The temporary file must be in the same directory: rename(2) is only
	// atomic within one file system. os.CreateTemp creates it 0600, so the
	// token is never readable by others, not even for a moment.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary token file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// Chmod explicitly in case CreateTemp's mode ever changes; a umask can
	// only take bits away, never add them.
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("chmod temporary token file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write temporary token file: %w", err)
	}
	// Sync before rename, or a crash can leave the new name pointing at
	// an empty file on file systems that reorder metadata and data.
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync temporary token file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close temporary token file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename token file: %w", err)
	}
	// Sync the directory so that the rename itself survives a crash.
	// Windows cannot sync a directory, and NTFS journals the rename.
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open token directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync token directory: %w", err)
	}
	return nil
}

// grantedScope returns the space-separated scope (RFC 6749 §3.3) recorded in
// tok's extra fields, or "".
func grantedScope(tok *oauth2.Token) string {
	s, _ := tok.Extra("scope").(string)
	return strings.TrimSpace(s)
}
