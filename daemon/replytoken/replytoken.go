// Package replytoken mints and checks the tokens that tie a reply to the
// follow-up it answers. A token travels in the follow-up's Message-ID and,
// when the user's Reply-To allows it, in a plus-address
// (me+leadup-TOKEN@example.com), so a reply carries it back in In-Reply-To,
// References or To.
//
// A token is 24 bytes in lowercase base32 (39 characters, no padding):
//
//	meeting ref (5) | expiry day (3) | HMAC-SHA256 (first 16 bytes)
//
// The meeting ref is the first 5 bytes of SHA-256 of the meeting key; the
// expiry is a day number since 1970; the MAC, keyed by a 32-byte secret kept
// in the state directory, covers both. Without the secret nobody can forge a
// token, change its meeting or extend it.
package replytoken

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// KeyFile is the secret's file name in the state directory.
const KeyFile = "reply-token.key"

const (
	keySize    = 32
	refSize    = 5
	daySize    = 3
	macSize    = 16 // 128 bits
	rawSize    = refSize + daySize + macSize
	macContext = "leadup reply token v1"
	day        = 24 * time.Hour
)

// Len is the length of a token.
var Len = encoding.EncodedLen(rawSize)

// Errors from Verify.
var (
	ErrMalformed = errors.New("not a reply token")
	ErrForged    = errors.New("reply token does not verify")
	ErrExpired   = errors.New("reply token expired")
)

var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Minter mints and verifies tokens with one key.
type Minter struct{ key []byte }

// New returns a Minter for key, which must be 32 bytes.
func New(key []byte) (*Minter, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("reply token key: %d bytes, want %d", len(key), keySize)
	}
	return &Minter{key: append([]byte(nil), key...)}, nil
}

// LoadOrCreate reads the key from dir/KeyFile, creating it with mode 0600
// from crypto/rand on first start. A key file others can read is made
// private, with a warning on log (which may be nil): whoever reads the key
// can mint tokens that pass for leadup's.
func LoadOrCreate(dir string, log *slog.Logger) (*Minter, error) {
	path := filepath.Join(dir, KeyFile)
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if log != nil {
			log.Warn("reply token key was readable by others; making it private", "path", path, "mode", fmt.Sprintf("%#o", fi.Mode().Perm()))
		}
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("chmod reply token key: %w", err)
		}
	}
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key = make([]byte, keySize)
		rand.Read(key) // never fails (Go 1.24+)
		switch err = writeNew(path, key); {
		case errors.Is(err, fs.ErrExist):
			// Another process created it first: use theirs.
			key, err = os.ReadFile(path)
		case err != nil:
			return nil, err
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read reply token key: %w", err)
	}
	return New(key)
}

// Load reads the key from dir/KeyFile as LoadOrCreate does, but creates and
// changes nothing, for the commands that only read the state directory
// (which may be read-only, or another user's): a missing key is an error
// wrapping fs.ErrNotExist, and a key file others can read is only warned
// about on log (which may be nil), since the next "leadup run" fixes it.
func Load(dir string, log *slog.Logger) (*Minter, error) {
	path := filepath.Join(dir, KeyFile)
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 && log != nil {
		log.Warn("reply token key is readable by others; \"leadup run\" makes it private", "path", path, "mode", fmt.Sprintf("%#o", fi.Mode().Perm()))
	}
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read reply token key: %w", err)
	}
	return New(key)
}

// Throwaway returns a Minter with a random key that is kept nowhere, for
// rendering an email when the state directory has no key yet and may not
// get one: its tokens look like real ones, but no leadup will ever accept
// them.
func Throwaway() *Minter {
	key := make([]byte, keySize)
	rand.Read(key) // never fails (Go 1.24+)
	return &Minter{key: key}
}

// writeNew creates path exclusively with mode 0600 and syncs it.
func writeNew(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create state directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create reply token key: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("write reply token key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("write reply token key: %w", err)
	}
	return f.Close()
}

// Ref returns the reference a token minted for subject carries, in hex.
func Ref(subject string) string {
	sum := sha256.Sum256([]byte(subject))
	return hex.EncodeToString(sum[:refSize])
}

// Mint returns a token for subject, what a reply to it answers (a meeting's
// follow-up, one of its briefs, a confirmation: see outbox.TokenSubject),
// that is valid until the end of the (UTC) day of expires.
func (m *Minter) Mint(subject string, expires time.Time) string {
	var raw [rawSize]byte
	sum := sha256.Sum256([]byte(subject))
	copy(raw[:refSize], sum[:refSize])
	d := expires.Unix() / int64(day/time.Second)
	raw[refSize], raw[refSize+1], raw[refSize+2] = byte(d>>16), byte(d>>8), byte(d)
	copy(raw[refSize+daySize:], m.mac(raw[:refSize+daySize]))
	return encoding.EncodeToString(raw[:])
}

// Verify checks token at now and returns the reference it carries (compare
// it with Ref of what it claims to answer) and its expiry. An authentic
// token past its expiry returns ErrExpired together with its reference and
// expiry: the MAC proves it was minted here, so the caller may still honour
// it within a grace period.
func (m *Minter) Verify(token string, now time.Time) (ref string, expires time.Time, err error) {
	if len(token) != Len {
		return "", time.Time{}, ErrMalformed
	}
	raw, err := encoding.DecodeString(strings.ToLower(token))
	if err != nil || len(raw) != rawSize {
		return "", time.Time{}, ErrMalformed
	}
	if !hmac.Equal(raw[refSize+daySize:], m.mac(raw[:refSize+daySize])) {
		return "", time.Time{}, ErrForged
	}
	d := int64(raw[refSize])<<16 | int64(raw[refSize+1])<<8 | int64(raw[refSize+2])
	expires = time.Unix((d+1)*int64(day/time.Second), 0).Add(-time.Second)
	ref = hex.EncodeToString(raw[:refSize])
	if now.After(expires) {
		return ref, expires, ErrExpired
	}
	return ref, expires, nil
}

func (m *Minter) mac(data []byte) []byte {
	h := hmac.New(sha256.New, m.key)
	h.Write([]byte(macContext))
	h.Write(data)
	return h.Sum(nil)[:macSize]
}

// Candidates returns every run of exactly Len base32 characters in s,
// delimited by other characters or the ends: where a token may sit in a
// plus-address ("me+leadup-TOKEN@…") or a Message-ID. It does not verify
// them; most strings have none, and Verify rejects the rest.
func Candidates(s string) []string {
	s = strings.ToLower(s)
	var out []string
	for i := 0; i < len(s); {
		if !isTokenChar(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isTokenChar(s[j]) {
			j++
		}
		if j-i == Len {
			out = append(out, s[i:j])
		}
		i = j
	}
	return out
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

func isTokenChar(c byte) bool { return c >= 'a' && c <= 'z' || c >= '2' && c <= '7' }
