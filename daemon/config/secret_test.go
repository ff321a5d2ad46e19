package config

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func ptr(s string) *string { return &s }

func TestSecretFromRaw(t *testing.T) {
	cleanEnv(t)
	base := t.TempDir()
	creds := t.TempDir()
	if err := os.WriteFile(filepath.Join(creds, "smtp-password"), []byte("from-creds\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "pw"), []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "crlf"), []byte("hunter2\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "two"), []byte("hunter2\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "empty"), nil, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name                  string
		credsDir              string
		inline, file, command *string
		wantSet               bool
		wantErrKey            string // from secretFromRaw
		wantErrMsg            string
		want                  string // from Reveal
		wantRevealErr         string
	}{
		{name: "unset"},
		{name: "inline", inline: ptr("hunter2"), wantSet: true, want: "hunter2"},
		{name: "relative file", file: ptr("pw"), wantSet: true, want: "hunter2"},
		{name: "absolute file", file: ptr(filepath.Join(base, "pw")), wantSet: true, want: "hunter2"},
		{name: "crlf file", file: ptr("crlf"), wantSet: true, want: "hunter2"},
		{name: "only one newline trimmed", file: ptr("two"), wantSet: true, want: "hunter2\n"},
		{name: "empty file", file: ptr("empty"), wantSet: true, wantRevealErr: "smtp.password_file: " + filepath.Join(base, "empty") + " is empty"},
		{name: "missing file", file: ptr("nope"), wantSet: true, wantRevealErr: "smtp.password_file: read secret: open " + filepath.Join(base, "nope")},
		{name: "credentials dir", credsDir: creds, file: ptr("smtp-password"), wantSet: true, want: "from-creds"},
		{name: "credentials dir without that name", credsDir: creds, file: ptr("pw"), wantSet: true, want: "hunter2"},
		{name: "credentials dir ignores paths", credsDir: creds, file: ptr("./pw"), wantSet: true, want: "hunter2"},
		{name: "command", command: ptr("printf 'hunter2\\n'"), wantSet: true, want: "hunter2"},
		{name: "command runs in a shell", command: ptr("echo hun | sed 's/$/ter2/'"), wantSet: true, want: "hunter2"},
		{name: "failing command", command: ptr("echo hunter2; echo 'vault locked' >&2; exit 1"), wantSet: true,
			wantRevealErr: "smtp.password_command: exit status 1: vault locked"},
		{name: "silent command", command: ptr("true"), wantSet: true, wantRevealErr: "smtp.password_command: command printed nothing"},
		{name: "inline and file", inline: ptr("a"), file: ptr("pw"),
			wantErrKey: "smtp.password_file", wantErrMsg: "conflicts with smtp.password"},
		{name: "file and command", file: ptr("pw"), command: ptr("true"),
			wantErrKey: "smtp.password_command", wantErrMsg: "conflicts with smtp.password_file"},
		{name: "empty inline", inline: ptr(""), wantErrKey: "smtp.password", wantErrMsg: "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CREDENTIALS_DIRECTORY", tt.credsDir)
			s, e := secretFromRaw("smtp.password", tt.inline, tt.file, tt.command, base)
			if tt.wantErrKey != "" {
				if e == nil || e.Key != tt.wantErrKey || !strings.Contains(e.Msg, tt.wantErrMsg) {
					t.Fatalf("secretFromRaw() error = %#v; want key %q, message containing %q", e, tt.wantErrKey, tt.wantErrMsg)
				}
				return
			}
			if e != nil {
				t.Fatalf("secretFromRaw() = %v", e)
			}
			if s.IsSet() != tt.wantSet {
				t.Fatalf("secretFromRaw().IsSet() = %v, want %v", s.IsSet(), tt.wantSet)
			}
			if !tt.wantSet {
				if _, err := s.Reveal(t.Context()); err == nil {
					t.Errorf("Reveal() of an unset secret = nil error")
				}
				return
			}
			got, err := s.Reveal(t.Context())
			if tt.wantRevealErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantRevealErr) {
					t.Fatalf("Reveal() = %q, %v; want error starting %q", got, err, tt.wantRevealErr)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("Reveal() error %q contains the secret", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Reveal() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSecretCommandTimeout(t *testing.T) {
	s, e := secretFromRaw("imap.password", nil, nil, ptr("sleep 30"), t.TempDir())
	if e != nil {
		t.Fatalf("secretFromRaw() = %v", e)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Reveal(ctx)
	if err == nil || !strings.HasPrefix(err.Error(), "imap.password_command: ") {
		t.Errorf("Reveal(sleep 30) = %v; want an error naming imap.password_command", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Reveal(sleep 30) returned after %v; want soon after the context's deadline", d)
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	const value = "hunter2"
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte(value), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                  string
		inline, file, command *string
	}{
		{name: "inline", inline: ptr(value)},
		{name: "file", file: ptr(file)},
		{name: "command", command: ptr("echo " + value)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e := secretFromRaw("smtp.password", tt.inline, tt.file, tt.command, dir)
			if e != nil {
				t.Fatalf("secretFromRaw() = %v", e)
			}
			type holder struct {
				Exported Secret
				hidden   Secret
				ptr      *Secret
			}
			h := holder{Exported: s, hidden: s, ptr: &s}
			var out bytes.Buffer
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
				fmt.Fprintf(&out, verb+"\n", s)
				fmt.Fprintf(&out, verb+"\n", h)
				fmt.Fprintf(&out, verb+"\n", &h)
			}
			fmt.Fprintln(&out, s, h, []Secret{s}, map[string]Secret{"k": s})
			log := slog.New(slog.NewTextHandler(&out, nil))
			log.Info("x", "secret", s, "holder", h)
			slog.New(slog.NewJSONHandler(&out, nil)).Info("x", "secret", s, "holder", h)
			for _, leak := range []string{value, file, "68756e74657232" /* hex */, "echo"} {
				if strings.Contains(out.String(), leak) {
					t.Errorf("printing a Secret leaked %q:\n%s", leak, out.String())
				}
			}
			if !strings.Contains(out.String(), "[redacted]") {
				t.Errorf("printing a Secret did not show [redacted]:\n%s", out.String())
			}
		})
	}
}

func TestParserSecret(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte("hunter2"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o640); err != nil {
		t.Fatal(err)
	}
	data := []byte("[smtp]\npassword = \"a\"\npassword_file = \"pw\"\n")
	var buf bytes.Buffer
	p := &parser{file: "c.toml", dir: dir, log: slog.New(slog.NewTextHandler(&buf, nil)), idx: indexKeys(data)}

	if s := p.secret("smtp.password", ptr("a"), ptr("pw"), nil); s.IsSet() {
		t.Errorf("parser.secret(inline and file).IsSet() = true")
	}
	if len(p.errs) != 1 || p.errs[0].Error() != "c.toml:3: smtp.password_file: conflicts with smtp.password: set only one of smtp.password, smtp.password_file and smtp.password_command" {
		t.Errorf("parser.secret(inline and file) errors = %v", p.errs)
	}

	if s := p.secret("smtp.password", nil, ptr("pw"), nil); !s.IsSet() {
		t.Errorf("parser.secret(file).IsSet() = false")
	}
	if !strings.Contains(buf.String(), "chmod 600 "+file) || !strings.Contains(buf.String(), "key=smtp.password_file") {
		t.Errorf("parser.secret(file with mode 0640) logged %q; want a chmod warning", buf.String())
	}
}

func TestCheckPrivate(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		mode os.FileMode // 0: do not create
		want string      // substring; "" means no warning
	}{
		{"private", 0o600, ""},
		{"owner read-only", 0o400, ""},
		{"world-readable", 0o644, "is readable by other users (mode 0644): run chmod 600 "},
		{"group-readable", 0o640, "(mode 0640)"},
		{"group-writable", 0o620, "is writable by other users (mode 0620)"},
		{"missing", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			if tt.mode != 0 {
				if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.mode); err != nil {
					t.Fatal(err)
				}
			}
			got := CheckPrivate(path)
			if tt.want == "" && got != "" || tt.want != "" && (!strings.Contains(got, tt.want) || !strings.HasPrefix(got, path)) {
				t.Errorf("CheckPrivate(%s with mode %04o) = %q, want %q", path, tt.mode, got, tt.want)
			}
		})
	}
	t.Run("quotes odd paths", func(t *testing.T) {
		path := filepath.Join(dir, "it's here.json")
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		want := `chmod 600 '` + strings.ReplaceAll(path, "'", `'\''`) + `'`
		if got := CheckPrivate(path); !strings.HasSuffix(got, want) {
			t.Errorf("CheckPrivate(%q) = %q, want suffix %q", path, got, want)
		}
	})
}

func TestCleanStderr(t *testing.T) {
	long := strings.Repeat("é", 150) // 300 bytes
	tests := []struct{ name, in, want string }{
		{name: "one line", in: "vault locked\n", want: "vault locked"},
		{name: "first three lines", in: "\n  gpg: decryption failed\nno secret key\n\nthird\nfourth\n", want: "gpg: decryption failed / no secret key / third"},
		{name: "escapes and control characters", in: "\x1b[31merror:\x1b[0m bad\x07 pass\rphrase\x00\n", want: "error: bad passphrase"},
		{name: "capped at a rune boundary", in: long, want: strings.Repeat("é", 100) + "…"},
		{name: "nothing", in: "\n \n", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanStderr(tt.in); got != tt.want {
				t.Errorf("cleanStderr(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFailingCommandStderrIsCapped(t *testing.T) {
	s, e := secretFromRaw("smtp.password", nil, nil, ptr(`printf '\033[31mvault locked\033[0m\n' >&2; head -c 5000 /dev/zero | tr '\0' x >&2; exit 1`), t.TempDir())
	if e != nil {
		t.Fatal(e)
	}
	_, err := s.Reveal(t.Context())
	if err == nil {
		t.Fatal("Reveal() of a failing command = nil error")
	}
	if msg := err.Error(); len(msg) > 300 || strings.ContainsAny(msg, "\x1b\n") {
		t.Errorf("Reveal() = %q (%d bytes), want one short line", msg, len(msg))
	}
}
