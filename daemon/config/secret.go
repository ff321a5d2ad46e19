package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// redacted is what a Secret shows instead of its value.
const redacted = "[redacted]"

// secretCommandTimeout bounds an X_command, so a password manager waiting
// for a PIN nobody will type cannot hang start-up.
const secretCommandTimeout = 10 * time.Second

// Secret is a password or key that never has to be written inline.
//
// A secret key X in the file has three spellings, of which at most one may
// be set: X (the value itself), X_file (a file holding it) and X_command (a
// shell command printing it). The value is only read by Reveal, when needed.
//
// Secret prints as "[redacted]" through fmt and slog. Printing a struct
// that holds one in an unexported field bypasses those methods, and fmt then
// shows strings and even dereferences pointers (with a verb like %s); so the
// value, path or command is held in a closure, which fmt only ever prints as
// an address.
type Secret struct {
	s *secret
}

type secret struct {
	key  string // "smtp.password"
	kind secretKind
	src  func() string // the value, the file's absolute path or the command
}

type secretKind int

const (
	secretInline secretKind = iota
	secretFile
	secretCommand
)

// IsSet reports whether one of the three spellings was given.
func (s Secret) IsSet() bool { return s.s != nil }

// String implements fmt.Stringer without showing the secret.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer (%#v) without showing the secret.
func (s Secret) GoString() string { return "config.Secret{" + redacted + "}" }

// LogValue implements slog.LogValuer without showing the secret.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Reveal returns the secret: the inline value; the content of X_file less
// one trailing newline; or what X_command prints on standard output less
// trailing newlines, run with "/bin/sh -c" and killed after 10 seconds.
// Errors name the key and, for a command, include its standard error, but
// never the secret.
func (s Secret) Reveal(ctx context.Context) (string, error) {
	switch {
	case s.s == nil:
		return "", errors.New("reveal secret: not set")
	case s.s.kind == secretFile:
		return s.readFile()
	case s.s.kind == secretCommand:
		return s.run(ctx)
	default:
		return s.s.src(), nil
	}
}

func (s Secret) readFile() (string, error) {
	key := s.s.key + "_file"
	path := s.s.src()
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: read secret: %w", key, err)
	}
	v := string(b)
	if strings.HasSuffix(v, "\r\n") {
		v = v[:len(v)-2]
	} else {
		v = strings.TrimSuffix(v, "\n")
	}
	if v == "" {
		return "", fmt.Errorf("%s: %s is empty", key, path)
	}
	return v, nil
}

func (s Secret) run(ctx context.Context) (string, error) {
	key := s.s.key + "_command"
	ctx, cancel := context.WithTimeout(ctx, secretCommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", s.s.src())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	killGroupOnCancel(cmd)
	// A grandchild that escaped the group and keeps the pipes open must
	// not keep us waiting past the timeout.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() != nil && err != nil {
		err = fmt.Errorf("%w (gave up after %s)", ctx.Err(), secretCommandTimeout)
	}
	if err != nil {
		msg := cleanStderr(stderr.String())
		if msg == "" {
			return "", fmt.Errorf("%s: %w", key, err)
		}
		return "", fmt.Errorf("%s: %w: %s", key, err, msg)
	}
	v := strings.TrimRight(stdout.String(), "\r\n")
	if v == "" {
		return "", fmt.Errorf("%s: command printed nothing on standard output", key)
	}
	return v, nil
}

// permissionWarning returns CheckPrivate's warning for an X_file secret.
func (s Secret) permissionWarning() string {
	if s.s == nil || s.s.kind != secretFile {
		return ""
	}
	return CheckPrivate(s.s.src())
}

// secretFromRaw builds the Secret for key from its three spellings as
// decoded (nil when absent). At most one may be set. A relative X_file is
// resolved against baseDir (the config file's directory), except that a
// bare name found in $CREDENTIALS_DIRECTORY is taken from there, which is
// how systemd's LoadCredential= hands secrets to a service.
//
// The returned Error has only Key, Msg and Fix; the caller adds the file
// and line.
func secretFromRaw(key string, inline, file, command *string, baseDir string) (Secret, *Error) {
	type variant struct {
		key string
		v   *string
	}
	var set []variant
	for _, v := range []variant{{key, inline}, {key + "_file", file}, {key + "_command", command}} {
		if v.v == nil {
			continue
		}
		if *v.v == "" {
			return Secret{}, &Error{Key: v.key, Msg: "is empty", Fix: "give a value, or remove the line"}
		}
		set = append(set, v)
	}
	switch len(set) {
	case 0:
		return Secret{}, nil
	case 1:
	default:
		return Secret{}, &Error{
			Key: set[1].key,
			Msg: "conflicts with " + set[0].key,
			Fix: "set only one of " + key + ", " + key + "_file and " + key + "_command",
		}
	}
	var kind secretKind
	var v string
	switch {
	case inline != nil:
		kind, v = secretInline, *inline
	case command != nil:
		kind, v = secretCommand, *command
	default:
		kind, v = secretFile, secretPath(*file, baseDir)
	}
	return Secret{s: &secret{key: key, kind: kind, src: func() string { return v }}}, nil
}

// secretPath resolves an X_file value; see secretFromRaw.
func secretPath(name, baseDir string) string {
	if dir := os.Getenv("CREDENTIALS_DIRECTORY"); dir != "" && !strings.Contains(name, "/") {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return resolvePath(name, baseDir)
}

// maxStderr is how much of a failing command's standard error goes into
// the error, and from there into the log and the terminal.
const maxStderr = 200

// ansiEscape is a terminal escape sequence (colours, cursor moves).
var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)

// cleanStderr makes a failing command's standard error fit for one log
// line: its first lines (at most three), without terminal escapes and
// control characters, at most maxStderr bytes. A password manager's
// error is a line or two; anything longer is noise, and control
// characters could rewrite the terminal that shows the log.
func cleanStderr(s string) string {
	s = ansiEscape.ReplaceAllString(s, "")
	var lines []string
	for line := range strings.Lines(s) {
		line = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || r == utf8.RuneError {
				return -1
			}
			return r
		}, line)
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
		if len(lines) == 3 {
			break
		}
	}
	msg := strings.Join(lines, " / ")
	if len(msg) <= maxStderr {
		return msg
	}
	cut := maxStderr
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "…"
}
