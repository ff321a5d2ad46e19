package mailboxtest

import (
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

func TestServer(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		wantIdle bool
	}{
		{name: "plaintext", opts: Options{Username: "me@example.com", Password: "pw"}, wantIdle: true},
		{name: "implicit TLS", opts: Options{Username: "me@example.com", Password: "pw", TLS: true}, wantIdle: true},
		{name: "no IDLE", opts: Options{Username: "me@example.com", Password: "pw", NoIdle: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewServer(tt.opts)
			if err != nil {
				t.Fatalf("NewServer() = %v", err)
			}
			defer s.Close()
			uid, err := s.Append("INBOX", []byte("Subject: hi\r\n\r\nhello\r\n"), time.Now(), imap.FlagFlagged)
			if err != nil {
				t.Fatalf("Append() = %v", err)
			}
			c, err := s.Client()
			if err != nil {
				t.Fatalf("Client() = %v", err)
			}
			caps, err := c.Capability().Wait()
			c.Close()
			if err != nil {
				t.Fatalf("Capability() = %v", err)
			}
			if got := caps.Has(imap.CapIdle); got != tt.wantIdle {
				t.Errorf("IDLE advertised = %v, want %v (%v)", got, tt.wantIdle, caps)
			}
			flags, err := s.Flags("INBOX")
			if err != nil || len(flags[uid]) != 1 || flags[uid][0] != `\flagged` {
				t.Errorf("Flags() = %v, %v; want UID %d \\flagged", flags, err, uid)
			}
			if n := s.Logins(); n != 0 {
				t.Errorf("Logins() = %d after inspecting clients only, want 0", n)
			}
		})
	}
}
