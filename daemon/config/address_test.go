package config

import (
	"bytes"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReplyAddress(t *testing.T) {
	const tok = "abcdefghijklmnopqrstuvwxyz234567abcdefg"
	tests := []struct{ configured, token, want string }{
		{"me+leadup-{token}@example.com", tok, "me+leadup-" + tok + "@example.com"},
		{"me+leadup-{token}@example.com", "", "me@example.com"},
		{"{token}@reply.example.com", tok, tok + "@reply.example.com"},
		{"{token}@reply.example.com", "", ""},
		{"me+leadup@example.com", tok, "me+leadup-" + tok + "@example.com"},
		{"me+leadup@example.com", "", "me+leadup@example.com"},
		{"me@example.com", tok, "me@example.com"},
		{"", tok, ""},
	}
	for _, tt := range tests {
		if got := (Mail{ReplyTo: tt.configured}).ReplyAddress(tt.token); got != tt.want {
			t.Errorf("ReplyAddress(%q, %q) = %q, want %q", tt.configured, tt.token, got, tt.want)
		}
	}
}

func TestTopicAddress(t *testing.T) {
	const tok = "abcdefghijklmnopqrstuvwxyz234567abcdefg"
	to := &mail.Address{Name: "Sam", Address: "sam+inbox@example.com"}
	tests := []struct{ replyTo, want string }{
		{"sam+leadup-{token}@example.com", "sam+leadup-" + tok + "@example.com"},
		{"sam+leadup@example.com", "sam+leadup-" + tok + "@example.com"},
		{"", "sam+leadup-" + tok + "@example.com"},                   // from mail.to, without its own tag
		{"leadup@example.com", "sam+leadup-" + tok + "@example.com"}, // no place for a token there
	}
	for _, tt := range tests {
		if got := (Mail{ReplyTo: tt.replyTo, To: to}).TopicAddress(tok); got != tt.want {
			t.Errorf("TopicAddress(reply_to %q) = %q, want %q", tt.replyTo, got, tt.want)
		}
	}
	if got := (Mail{}).TopicAddress(tok); got != "" {
		t.Errorf("TopicAddress without mail.to = %q, want none", got)
	}
}

// TestInlineICSURLWarning: an inline ics_url is a secret (the address is
// the key to the calendar), so a config file holding one that others can
// read gets the same warning as an inline password.
func TestInlineICSURLWarning(t *testing.T) {
	cleanEnv(t)
	for _, tt := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o644, true}} {
		dir := t.TempDir()
		path := filepath.Join(dir, "config.toml")
		data := "[calendar]\nsource = \"ics\"\nics_url = \"https://calendar.example.com/private-s3cr3t/basic.ics\"\n" + minimal
		if err := os.WriteFile(path, []byte(data), tt.mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(path, tt.mode)
		var buf bytes.Buffer
		if _, err := Load(path, slog.New(slog.NewTextHandler(&buf, nil))); err != nil {
			t.Fatalf("Load() = %v", err)
		}
		got := buf.String()
		if warned := strings.Contains(got, "key=calendar.ics_url") && strings.Contains(got, "chmod 600"); warned != tt.warn {
			t.Errorf("mode %04o: logged %q; want a warning: %t", tt.mode, got, tt.warn)
		}
		if strings.Contains(got, "s3cr3t") {
			t.Errorf("the log holds the address: %q", got)
		}
	}
}
