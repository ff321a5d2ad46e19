package mailtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func start(t *testing.T, o Options) *Server {
	t.Helper()
	s, err := NewServer(o)
	if err != nil {
		t.Fatalf("NewServer(%+v) = %v", o, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func msg(id string) string {
	return "Message-ID: <" + id + ">\r\nSubject: test\r\n\r\nbody\r\n"
}

// send delivers one message over a plaintext connection with go-smtp's
// client, optionally authenticating first.
func send(s *Server, a sasl.Client, id string) error {
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if a != nil {
		if err := c.Auth(a); err != nil {
			return err
		}
	}
	if err := c.SendMail("from@example.com", []string{"to@example.com"}, strings.NewReader(msg(id))); err != nil {
		return err
	}
	return c.Quit()
}

func code(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func TestFailNextInOrder(t *testing.T) {
	s := start(t, Options{})
	s.FailNext("rcpt", 451, "try later")
	s.FailNext("data", 554, "rejected")
	s.FailNext("mail", 421, "closing")

	want := []int{451, 554, 421, 0}
	for i, w := range want {
		if got := code(send(s, nil, "m@x")); got != w {
			t.Errorf("send #%d: reply code %d, want %d", i+1, got, w)
		}
	}
	if got := s.Messages(); len(got) != 1 {
		t.Errorf("Messages() has %d messages, want 1 (only the last send succeeds)", len(got))
	}
}

func TestFailNextPanicsOnMistakes(t *testing.T) {
	tests := []struct {
		name  string
		stage string
		code  int
	}{
		{"unknown stage", "quit", 451},
		{"success code", "rcpt", 250},
	}
	s := start(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("FailNext(%q, %d) did not panic", tt.stage, tt.code)
				}
			}()
			s.FailNext(tt.stage, tt.code, "x")
		})
	}
}

func TestSetDown(t *testing.T) {
	s := start(t, Options{})
	s.SetDown(true)
	if err := send(s, nil, "a@x"); err == nil {
		t.Fatalf("send while down = nil, want an error")
	}
	s.SetDown(false)
	if err := send(s, nil, "b@x"); err != nil {
		t.Fatalf("send after recovery = %v", err)
	}
	if got := s.Messages(); len(got) != 1 || got[0].MessageID != "b@x" {
		t.Errorf("Messages() = %+v, want only b@x", got)
	}
}

func TestOnData(t *testing.T) {
	s := start(t, Options{})
	seen := make(chan Received, 1)
	s.OnData(func(r Received) {
		// The message is already recorded when the hook runs.
		if n := len(s.Messages()); n != 1 {
			t.Errorf("Messages() in the hook has %d messages, want 1", n)
		}
		seen <- r
	})
	if err := send(s, nil, "hook@x"); err != nil {
		t.Fatalf("send() = %v", err)
	}
	select {
	case r := <-seen:
		if r.MessageID != "hook@x" || r.From != "from@example.com" || len(r.To) != 1 || r.To[0] != "to@example.com" {
			t.Errorf("hook got %+v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OnData hook did not run")
	}
}

func TestWaitForMessages(t *testing.T) {
	s := start(t, Options{})
	go func() {
		for _, id := range []string{"1@x", "2@x"} {
			send(s, nil, id)
		}
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	got, err := s.WaitForMessages(ctx, 2)
	if err != nil || len(got) != 2 || got[0].MessageID != "1@x" || got[1].MessageID != "2@x" {
		t.Fatalf("WaitForMessages(2) = %+v, %v; want 1@x and 2@x", got, err)
	}

	// A copy: changing it does not change the server's.
	got[0].Data[0] = 'X'
	got[0].To[0] = "changed"
	if again := s.Messages(); again[0].Data[0] == 'X' || again[0].To[0] == "changed" {
		t.Errorf("Messages() shares memory with an earlier result")
	}

	short, cancel2 := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel2()
	got, err = s.WaitForMessages(short, 3)
	if !errors.Is(err, context.DeadlineExceeded) || len(got) != 2 {
		t.Errorf("WaitForMessages(3) = %d messages, %v; want 2 and a deadline error", len(got), err)
	}
}

func TestAuth(t *testing.T) {
	tests := []struct {
		name     string
		client   sasl.Client
		wantCode int
	}{
		{"plain", sasl.NewPlainClient("", "u", "pw"), 0},
		{"plain wrong", sasl.NewPlainClient("", "u", "bad"), 535},
		{"login with initial response", sasl.NewLoginClient("u", "pw"), 0},
		{"login wrong", sasl.NewLoginClient("u", "bad"), 535},
		{"no auth", nil, 530},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Options{Username: "u", Password: "pw"})
			if got := code(send(s, tt.client, "a@x")); got != tt.wantCode {
				t.Errorf("send() reply code %d, want %d", got, tt.wantCode)
			}
		})
	}
}

func TestTLS(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		dial func(addr string, cfg *tls.Config) (*smtp.Client, error)
	}{
		{"implicit", Options{TLS: true}, smtp.DialTLS},
		{"starttls", Options{StartTLS: true}, smtp.DialStartTLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, tt.opts)
			for _, host := range []string{"127.0.0.1", "localhost"} {
				c, err := tt.dial(s.Addr, &tls.Config{RootCAs: s.CertPool(), ServerName: host})
				if err != nil {
					t.Fatalf("dial %s with ServerName %s = %v", s.Addr, host, err)
				}
				if err := c.Noop(); err != nil {
					t.Errorf("Noop() over TLS to %s = %v", host, err)
				}
				c.Close()
			}

			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(s.CertPEM()) {
				t.Errorf("CertPEM() = %q, not a certificate", s.CertPEM())
			}
		})
	}
}

func TestCloseTwice(t *testing.T) {
	s, err := NewServer(Options{})
	if err != nil {
		t.Fatalf("NewServer() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	s.Close()
	if _, err := smtp.Dial(s.Addr); err == nil {
		t.Errorf("Dial(%s) after Close = nil error, want connection refused", s.Addr)
	}
}
