package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"golang.org/x/oauth2"

	"github.com/leadup/leadup/daemon/mail/mailtest"
)

func newServer(t *testing.T, o mailtest.Options) *mailtest.Server {
	t.Helper()
	srv, err := mailtest.NewServer(o)
	if err != nil {
		t.Fatalf("mailtest.NewServer(%+v) = %v", o, err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// client returns an SMTP for srv that trusts its certificate.
func client(srv *mailtest.Server, sec Security) *SMTP {
	return &SMTP{
		Host:      "127.0.0.1",
		Port:      srv.Port(),
		Security:  sec,
		Auth:      AuthNone,
		Timeout:   5 * time.Second,
		TLSConfig: &tls.Config{RootCAs: srv.CertPool()},
	}
}

func staticPassword(pw string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) { return pw, nil }
}

const testMsg = "From: me@example.com\r\nTo: you@example.com\r\nSubject: hi\r\nMessage-ID: <t.1@example.com>\r\n\r\nHello.\r\n"

// checkErr checks that err is an *Error with the given op, permanence and
// (if code is not 0) reply code.
func checkErr(t *testing.T, call string, err error, op string, perm bool, code int) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("%s = nil, want a %s error", call, op)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s = %v (%T), want an *Error", call, err, err)
	}
	if e.Op != op || e.Permanent != perm || (code != 0 && e.Code != code) {
		t.Errorf("%s = %v; Op %q Permanent %v Code %d, want Op %q Permanent %v Code %d", call, err, e.Op, e.Permanent, e.Code, op, perm, code)
	}
	if IsPermanent(err) != perm {
		t.Errorf("IsPermanent(%v) = %v, want %v", err, !perm, perm)
	}
	return e
}

func TestSendSecurity(t *testing.T) {
	tests := []struct {
		name string
		opts mailtest.Options
		sec  Security
		host string
	}{
		{"plaintext to loopback", mailtest.Options{}, SecurityNone, "127.0.0.1"},
		{"plaintext to localhost", mailtest.Options{}, SecurityNone, "localhost"},
		{"starttls", mailtest.Options{StartTLS: true}, SecurityStartTLS, "127.0.0.1"},
		{"starttls by name", mailtest.Options{StartTLS: true}, SecurityStartTLS, "localhost"},
		{"implicit tls", mailtest.Options{TLS: true}, SecurityTLS, "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.opts)
			s := client(srv, tt.sec)
			s.Host = tt.host
			to := []string{"you@example.com", "boss@example.com"}
			if err := s.Send(t.Context(), "me@example.com", to, []byte(testMsg)); err != nil {
				t.Fatalf("Send() = %v", err)
			}
			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("server received %d messages, want 1", len(got))
			}
			r := got[0]
			if r.From != "me@example.com" || strings.Join(r.To, ",") != strings.Join(to, ",") {
				t.Errorf("envelope = %q → %q, want %q → %q", r.From, r.To, "me@example.com", to)
			}
			if string(r.Data) != testMsg {
				t.Errorf("data = %q, want %q", r.Data, testMsg)
			}
			if r.MessageID != "t.1@example.com" {
				t.Errorf("MessageID = %q, want t.1@example.com", r.MessageID)
			}
		})
	}
}

// invalidatingSource hands out its tokens in turn, moving to the next one
// only when invalidated, like googleauth.TokenSource.
type invalidatingSource struct {
	mu          sync.Mutex
	tokens      []string
	invalidated int
}

func (s *invalidatingSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &oauth2.Token{AccessToken: s.tokens[min(s.invalidated, len(s.tokens)-1)], TokenType: "Bearer"}, nil
}

func (s *invalidatingSource) Invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invalidated++
}

type errSource struct{ err error }

func (s errSource) Token() (*oauth2.Token, error) { return nil, s.err }

func TestSendAuth(t *testing.T) {
	const (
		user     = "me@example.com"
		password = "correct horse battery staple"
		token    = "ya29.good-token"
	)
	tests := []struct {
		name     string
		opts     mailtest.Options
		sec      Security
		auth     Auth
		password string
		tokens   oauth2.TokenSource
		wantOp   string // "" for success
		wantPerm bool
		wantCode int
		secret   string // must not appear in the error
	}{
		{name: "plain", opts: mailtest.Options{StartTLS: true, Username: user, Password: password}, sec: SecurityStartTLS, auth: AuthPlain, password: password},
		{name: "plain over implicit tls", opts: mailtest.Options{TLS: true, Username: user, Password: password}, sec: SecurityTLS, auth: AuthPlain, password: password},
		{name: "plain on loopback without tls", opts: mailtest.Options{Username: user, Password: password}, sec: SecurityNone, auth: AuthPlain, password: password},
		{name: "plain wrong password", opts: mailtest.Options{StartTLS: true, Username: user, Password: password}, sec: SecurityStartTLS, auth: AuthPlain, password: "hunter2-wrong",
			wantOp: "auth", wantPerm: true, wantCode: 535, secret: "hunter2-wrong"},
		{name: "plain wrong password, echoed by the server", opts: mailtest.Options{StartTLS: true, Username: user, Password: password, EchoAuth: true}, sec: SecurityStartTLS, auth: AuthPlain, password: "hunter2-wrong",
			wantOp: "auth", wantPerm: true, wantCode: 535, secret: "hunter2-wrong"},
		{name: "login wrong password, echoed by the server", opts: mailtest.Options{StartTLS: true, Username: user, Password: password, EchoAuth: true}, sec: SecurityStartTLS, auth: AuthLogin, password: "hunter2-wrong",
			wantOp: "auth", wantPerm: true, wantCode: 535, secret: "hunter2-wrong"},
		{name: "xoauth2 wrong token, echoed by the server", opts: mailtest.Options{StartTLS: true, XOAUTH2Token: token, EchoAuth: true}, sec: SecurityStartTLS, auth: AuthXOAUTH2,
			tokens: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "ya29.revoked-token"}),
			wantOp: "auth", wantPerm: true, wantCode: 535, secret: "ya29.revoked-token"},
		{name: "login", opts: mailtest.Options{StartTLS: true, Username: user, Password: password}, sec: SecurityStartTLS, auth: AuthLogin, password: password},
		{name: "login wrong password", opts: mailtest.Options{StartTLS: true, Username: user, Password: password}, sec: SecurityStartTLS, auth: AuthLogin, password: "hunter2-wrong",
			wantOp: "auth", wantPerm: true, wantCode: 535, secret: "hunter2-wrong"},
		{name: "xoauth2", opts: mailtest.Options{StartTLS: true, XOAUTH2Token: token}, sec: SecurityStartTLS, auth: AuthXOAUTH2,
			tokens: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})},
		{name: "xoauth2 wrong token", opts: mailtest.Options{StartTLS: true, XOAUTH2Token: token}, sec: SecurityStartTLS, auth: AuthXOAUTH2,
			tokens: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "ya29.revoked-token"}),
			wantOp: "auth", wantPerm: true, wantCode: 535, secret: "ya29.revoked-token"},
		{name: "xoauth2 stale token is refreshed once", opts: mailtest.Options{StartTLS: true, XOAUTH2Token: token}, sec: SecurityStartTLS, auth: AuthXOAUTH2,
			tokens: &invalidatingSource{tokens: []string{"ya29.stale", token}}},
		{name: "xoauth2 still wrong after refresh", opts: mailtest.Options{StartTLS: true, XOAUTH2Token: token}, sec: SecurityStartTLS, auth: AuthXOAUTH2,
			tokens: &invalidatingSource{tokens: []string{"ya29.stale", "ya29.also-stale"}},
			wantOp: "auth", wantPerm: true, wantCode: 535, secret: "ya29.also-stale"},
		{name: "token refresh refused", opts: mailtest.Options{StartTLS: true, XOAUTH2Token: token}, sec: SecurityStartTLS, auth: AuthXOAUTH2,
			tokens: errSource{fmt.Errorf("refresh: %w", &oauth2.RetrieveError{ErrorCode: "invalid_grant"})},
			wantOp: "credentials", wantPerm: true},
		{name: "token endpoint unreachable", opts: mailtest.Options{StartTLS: true, XOAUTH2Token: token}, sec: SecurityStartTLS, auth: AuthXOAUTH2,
			tokens:   errSource{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}},
			wantOp:   "credentials",
			wantPerm: false},
		{name: "server requires auth, none configured", opts: mailtest.Options{StartTLS: true, Username: user, Password: password}, sec: SecurityStartTLS, auth: AuthNone,
			wantOp: "mail from", wantPerm: true, wantCode: 530},
		{name: "server offers no auth", opts: mailtest.Options{StartTLS: true}, sec: SecurityStartTLS, auth: AuthPlain, password: password,
			wantOp: "auth", wantPerm: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.opts)
			s := client(srv, tt.sec)
			s.Auth = tt.auth
			s.Username = user
			calls := 0
			s.Password = func(context.Context) (string, error) { calls++; return tt.password, nil }
			s.Tokens = tt.tokens

			err := s.Send(t.Context(), user, []string{"boss@example.com"}, []byte(testMsg))
			if tt.wantOp == "" {
				if err != nil {
					t.Fatalf("Send() = %v", err)
				}
				if n := len(srv.Messages()); n != 1 {
					t.Errorf("server received %d messages, want 1", n)
				}
			} else {
				checkErr(t, "Send()", err, tt.wantOp, tt.wantPerm, tt.wantCode)
				if n := len(srv.Messages()); n != 0 {
					t.Errorf("server received %d messages, want 0", n)
				}
				if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
					t.Errorf("Send() = %v, which shows the secret", err)
				}
			}
			if (tt.auth == AuthPlain || tt.auth == AuthLogin) && calls != 1 {
				t.Errorf("Password called %d times, want once per Send", calls)
			}
		})
	}
}

func TestSendPasswordError(t *testing.T) {
	srv := newServer(t, mailtest.Options{StartTLS: true, Username: "u", Password: "p"})
	s := client(srv, SecurityStartTLS)
	s.Auth, s.Username = AuthLogin, "u"
	s.Password = func(context.Context) (string, error) { return "", errors.New("password command: exit status 1") }
	err := s.Send(t.Context(), "me@example.com", []string{"you@example.com"}, []byte(testMsg))
	checkErr(t, "Send()", err, "credentials", false, 0)
}

func TestSendFaults(t *testing.T) {
	tests := []struct {
		name     string
		stage    string
		code     int
		wantOp   string
		wantPerm bool
	}{
		{"451 at MAIL", "mail", 451, "mail from", false},
		{"550 at MAIL", "mail", 550, "mail from", true},
		{"451 at RCPT", "rcpt", 451, "rcpt to", false},
		{"550 at RCPT", "rcpt", 550, "rcpt to", true},
		{"452 at DATA", "data", 452, "data", false},
		{"554 at DATA", "data", 554, "data", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, mailtest.Options{StartTLS: true})
			srv.FailNext(tt.stage, tt.code, "injected failure")
			s := client(srv, SecurityStartTLS)
			err := s.Send(t.Context(), "me@example.com", []string{"you@example.com"}, []byte(testMsg))
			checkErr(t, "Send()", err, tt.wantOp, tt.wantPerm, tt.code)
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server received %d messages, want 0", n)
			}

			// The fault is used up: the retry goes through.
			if err := s.Send(t.Context(), "me@example.com", []string{"you@example.com"}, []byte(testMsg)); err != nil {
				t.Fatalf("second Send() = %v", err)
			}
			if n := len(srv.Messages()); n != 1 {
				t.Errorf("server received %d messages after the retry, want 1", n)
			}
		})
	}
}

func TestSendConnectionFailures(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T) *SMTP
		wantOp   string
		wantPerm bool
		check    func(t *testing.T, err error)
	}{
		{
			name: "starttls required but not offered",
			setup: func(t *testing.T) *SMTP {
				return client(newServer(t, mailtest.Options{}), SecurityStartTLS)
			},
			wantOp: "starttls", wantPerm: true,
		},
		{
			name: "self-signed certificate without its pool (starttls)",
			setup: func(t *testing.T) *SMTP {
				s := client(newServer(t, mailtest.Options{StartTLS: true}), SecurityStartTLS)
				s.TLSConfig = nil
				return s
			},
			wantOp: "starttls", wantPerm: true,
			check: func(t *testing.T, err error) {
				if _, ok := errors.AsType[x509.UnknownAuthorityError](err); !ok {
					t.Errorf("Send() = %v, want an x509.UnknownAuthorityError inside", err)
				}
			},
		},
		{
			name: "self-signed certificate without its pool (tls)",
			setup: func(t *testing.T) *SMTP {
				s := client(newServer(t, mailtest.Options{TLS: true}), SecurityTLS)
				s.TLSConfig = nil
				return s
			},
			wantOp: "tls", wantPerm: true,
			check: func(t *testing.T, err error) {
				if _, ok := errors.AsType[x509.UnknownAuthorityError](err); !ok {
					t.Errorf("Send() = %v, want an x509.UnknownAuthorityError inside", err)
				}
			},
		},
		{
			name: "certificate for another name",
			setup: func(t *testing.T) *SMTP {
				s := client(newServer(t, mailtest.Options{TLS: true}), SecurityTLS)
				s.dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
					var d net.Dialer
					return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", fmt.Sprint(s.Port)))
				}
				s.Host = "127.0.0.2" // not in the certificate; dial goes to 127.0.0.1
				s.Security = SecurityTLS
				return s
			},
			wantOp: "tls", wantPerm: true,
		},
		{
			name: "implicit tls to a plaintext server",
			setup: func(t *testing.T) *SMTP {
				s := client(newServer(t, mailtest.Options{StartTLS: true}), SecurityTLS)
				return s
			},
			wantOp: "tls", wantPerm: true,
		},
		{
			name: "server down",
			setup: func(t *testing.T) *SMTP {
				srv := newServer(t, mailtest.Options{StartTLS: true})
				srv.SetDown(true)
				return client(srv, SecurityStartTLS)
			},
			wantOp: "starttls", wantPerm: false,
		},
		{
			name: "connection refused",
			setup: func(t *testing.T) *SMTP {
				srv := newServer(t, mailtest.Options{StartTLS: true})
				s := client(srv, SecurityStartTLS)
				srv.Close() // nothing listens on the port any more
				return s
			},
			wantOp: "dial", wantPerm: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.setup(t)
			err := s.Send(t.Context(), "me@example.com", []string{"you@example.com"}, []byte(testMsg))
			checkErr(t, "Send()", err, tt.wantOp, tt.wantPerm, 0)
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}

func TestSendRefusedConfiguration(t *testing.T) {
	tests := []struct {
		name string
		s    SMTP
		from string
		to   []string
		op   string
	}{
		{"plaintext to a remote host", SMTP{Host: "192.0.2.1", Port: 25, Security: SecurityNone}, "me@example.com", []string{"you@example.com"}, "config"},
		{"plaintext with a password to a remote host", SMTP{Host: "192.0.2.1", Port: 587, Security: SecurityNone, Auth: AuthPlain, Username: "u", Password: staticPassword("p")}, "me@example.com", []string{"you@example.com"}, "config"},
		{"plaintext to a name that is not localhost", SMTP{Host: "mail.localhost.example", Security: SecurityNone}, "me@example.com", []string{"you@example.com"}, "config"},
		{"no host", SMTP{Security: SecurityTLS}, "me@example.com", []string{"you@example.com"}, "config"},
		{"unknown security", SMTP{Host: "192.0.2.1", Security: "ssl"}, "me@example.com", []string{"you@example.com"}, "config"},
		{"unknown auth", SMTP{Host: "192.0.2.1", Auth: "cram-md5"}, "me@example.com", []string{"you@example.com"}, "config"},
		{"port out of range", SMTP{Host: "192.0.2.1", Port: 70000}, "me@example.com", []string{"you@example.com"}, "config"},
		{"plain without password", SMTP{Host: "192.0.2.1", Auth: AuthPlain, Username: "u"}, "me@example.com", []string{"you@example.com"}, "config"},
		{"xoauth2 without tokens", SMTP{Host: "192.0.2.1", Auth: AuthXOAUTH2, Username: "u"}, "me@example.com", []string{"you@example.com"}, "config"},
		{"no recipients", SMTP{Host: "192.0.2.1"}, "me@example.com", nil, "rcpt to"},
		{"line break in sender", SMTP{Host: "192.0.2.1"}, "me@example.com\r\nRCPT TO:<x@y>", []string{"you@example.com"}, "mail from"},
		{"non-ASCII recipient", SMTP{Host: "192.0.2.1"}, "me@example.com", []string{"zoë@example.com"}, "rcpt to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			s.dial = func(context.Context, string, string) (net.Conn, error) {
				t.Errorf("dialled %s:%d; the configuration should be refused first", s.Host, s.Port)
				return nil, errors.New("no dialling in this test")
			}
			start := time.Now()
			err := s.Send(t.Context(), tt.from, tt.to, []byte(testMsg))
			checkErr(t, "Send()", err, tt.op, true, 0)
			if d := time.Since(start); d > time.Second {
				t.Errorf("Send() took %v to refuse the configuration", d)
			}
		})
	}
}

// silentServer accepts connections and never says anything.
func silentServer(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("net.Listen() = %v", err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}

func TestSendSilentServerTimesOut(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tests := []struct {
		sec Security
		op  string
	}{
		{SecurityNone, "hello"},
		{SecurityStartTLS, "starttls"}, // go-smtp's own 5-minute greeting timeout is capped
		{SecurityTLS, "tls"},
	}
	for _, tt := range tests {
		t.Run(string(tt.sec), func(t *testing.T) {
			s := &SMTP{Host: "127.0.0.1", Port: silentServer(t), Security: tt.sec, Timeout: timeout}
			start := time.Now()
			err := s.Send(t.Context(), "me@example.com", []string{"you@example.com"}, []byte(testMsg))
			elapsed := time.Since(start)
			checkErr(t, "Send()", err, tt.op, false, 0)
			if elapsed < timeout-50*time.Millisecond || elapsed > timeout+time.Second {
				t.Errorf("Send() returned after %v, want about %v", elapsed, timeout)
			}
		})
	}
}

func TestSendContextCancel(t *testing.T) {
	tests := []struct {
		sec Security
		op  string
	}{
		{SecurityNone, "hello"},
		{SecurityStartTLS, "starttls"},
		{SecurityTLS, "tls"},
	}
	for _, tt := range tests {
		t.Run(string(tt.sec), func(t *testing.T) {
			s := &SMTP{Host: "127.0.0.1", Port: silentServer(t), Security: tt.sec, Timeout: time.Minute}
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(100*time.Millisecond, cancel)
			start := time.Now()
			err := s.Send(ctx, "me@example.com", []string{"you@example.com"}, []byte(testMsg))
			elapsed := time.Since(start)
			checkErr(t, "Send()", err, tt.op, false, 0)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Send() = %v, want it to wrap context.Canceled", err)
			}
			if elapsed > 2*time.Second {
				t.Errorf("Send() returned %v after the cancel, want at once", elapsed)
			}
		})
	}
}

func TestSendAlreadyCancelled(t *testing.T) {
	srv := newServer(t, mailtest.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := client(srv, SecurityNone).Send(ctx, "me@example.com", []string{"you@example.com"}, []byte(testMsg))
	checkErr(t, "Send()", err, "dial", false, 0)
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
}

// TestSendQuitFailureIsDelivery checks the exactly-once rule: once the
// server has answered 250 to the message, a connection that dies before
// QUIT completes is not a failed delivery.
func TestSendQuitFailureIsDelivery(t *testing.T) {
	srv := newServer(t, mailtest.Options{StartTLS: true})
	var hooked atomic.Int32
	srv.OnData(func(mailtest.Received) {
		hooked.Add(1)
		srv.Close() // drops the connection before QUIT is answered
	})
	err := client(srv, SecurityStartTLS).Send(t.Context(), "me@example.com", []string{"you@example.com"}, []byte(testMsg))
	if err != nil {
		t.Fatalf("Send() = %v, want nil: the server accepted the message", err)
	}
	if hooked.Load() != 1 || len(srv.Messages()) != 1 {
		t.Errorf("OnData ran %d times, %d messages received; want 1 and 1", hooked.Load(), len(srv.Messages()))
	}
}

// TestSendSilentAfterData checks that a server that goes quiet once it has
// accepted the message (QUIT unanswered) neither holds Send beyond Timeout
// nor makes it fail.
func TestSendSilentAfterData(t *testing.T) {
	srv := newServer(t, mailtest.Options{})
	release := make(chan struct{})
	srv.OnData(func(mailtest.Received) { <-release })
	defer close(release)
	s := client(srv, SecurityNone)
	s.Timeout = 300 * time.Millisecond
	// The hook runs after the 250 is written, so this Send succeeds; what
	// hangs is QUIT, which must neither block nor fail the Send.
	start := time.Now()
	if err := s.Send(t.Context(), "me@example.com", []string{"you@example.com"}, []byte(testMsg)); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send() took %v with a server stuck after DATA, want about %v", d, s.Timeout)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		password string
		wantErr  bool
	}{
		{"good password", "pw", false},
		{"wrong password", "nope", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, mailtest.Options{StartTLS: true, Username: "u", Password: "pw"})
			s := client(srv, SecurityStartTLS)
			s.Auth, s.Username, s.Password = AuthPlain, "u", staticPassword(tt.password)
			err := s.Check(t.Context())
			if tt.wantErr {
				checkErr(t, "Check()", err, "auth", true, 535)
			} else if err != nil {
				t.Errorf("Check() = %v", err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("Check() sent %d messages, want 0", n)
			}
		})
	}
}

// TestRoundTrip composes a message, sends it and reads what the server got.
func TestRoundTrip(t *testing.T) {
	srv := newServer(t, mailtest.Options{StartTLS: true, Username: "me@example.com", Password: "pw"})
	m := &Message{
		From:      &mail.Address{Name: "leadup", Address: "me@example.com"},
		To:        []*mail.Address{{Name: "Me", Address: "me@example.com"}},
		Subject:   "Prep: 1:1 with Zoë — Tue 24 Nov",
		Text:      "Agenda:\n. starts with a dot\n" + strings.Repeat("Zoë · ", 100) + "\n",
		HTML:      "<ul><li>Zoë</li></ul>\n",
		MessageID: "brief-1h.3f2a9c0d1e2b@" + MessageIDDomain(&mail.Address{Address: "me@example.com"}),
		Date:      time.Date(2026, 11, 24, 8, 30, 0, 0, time.UTC),
		Headers:   map[string]string{"X-Leadup-Meeting": "primary/abc"},
	}
	raw, err := m.Bytes()
	if err != nil {
		t.Fatalf("Bytes() = %v", err)
	}
	s := client(srv, SecurityStartTLS)
	s.Auth, s.Username, s.Password = AuthLogin, "me@example.com", staticPassword("pw")
	if err := s.Send(t.Context(), m.From.Address, []string{m.To[0].Address}, raw); err != nil {
		t.Fatalf("Send() = %v", err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	got, err := srv.WaitForMessages(ctx, 1)
	if err != nil {
		t.Fatalf("WaitForMessages(1) = %v", err)
	}
	r := got[0]
	if r.MessageID != m.MessageID {
		t.Errorf("received Message-ID %q, want %q", r.MessageID, m.MessageID)
	}
	if !bytes.Equal(r.Data, raw) {
		t.Errorf("received data differs from what was sent:\n%s\nwant:\n%s", r.Data, raw)
	}
	p := parseMessage(t, r.Data)
	if p.subject != m.Subject || p.text != m.Text || p.html != m.HTML {
		t.Errorf("received subject %q, text %q, HTML %q; want %q, %q, %q", p.subject, p.text, p.html, m.Subject, m.Text, m.HTML)
	}
	checkAddresses(t, "From", p.from, []*mail.Address{m.From})
}

func TestLoginClient(t *testing.T) {
	tests := []struct {
		name       string
		challenges []string
		want       []string
	}{
		{"usual prompts", []string{"Username:", "Password:"}, []string{"u", "pw"}},
		{"lower-case prompts", []string{"username:", "password:"}, []string{"u", "pw"}},
		{"unusual wording", []string{"User Name", "Secret"}, []string{"u", "pw"}},
		{"password prompt only", []string{"Password:"}, []string{"pw"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &loginClient{username: "u", password: "pw"}
			mech, ir, err := c.Start()
			if mech != "LOGIN" || ir != nil || err != nil {
				t.Fatalf("Start() = %q, %q, %v; want LOGIN, nil, nil", mech, ir, err)
			}
			for i, ch := range tt.challenges {
				resp, err := c.Next([]byte(ch))
				if err != nil || string(resp) != tt.want[i] {
					t.Errorf("Next(%q) = %q, %v; want %q", ch, resp, err, tt.want[i])
				}
			}
		})
	}
	c := &loginClient{username: "u", password: "pw"}
	c.Next([]byte("Username:"))
	c.Next([]byte("Password:"))
	if _, err := c.Next([]byte("More?")); err == nil {
		t.Errorf("Next() after two prompts = nil error, want one")
	}
}

func TestClassify(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		err      error
		wantPerm bool
		wantCode int
	}{
		{"421", context.Background(), &smtp.SMTPError{Code: 421}, false, 421},
		{"451 wrapped", context.Background(), fmt.Errorf("rcpt: %w", &smtp.SMTPError{Code: 451}), false, 451},
		{"535", context.Background(), &smtp.SMTPError{Code: 535}, true, 535},
		{"554", context.Background(), &smtp.SMTPError{Code: 554}, true, 554},
		{"EOF", context.Background(), io.EOF, false, 0},
		{"unexpected EOF", context.Background(), io.ErrUnexpectedEOF, false, 0},
		{"timeout", context.Background(), &net.OpError{Op: "read", Err: errTimeout{}}, false, 0},
		{"unknown authority", context.Background(), &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, true, 0},
		{"hostname mismatch", context.Background(), x509.HostnameError{Host: "x"}, true, 0},
		{"expired", context.Background(), x509.CertificateInvalidError{Reason: x509.Expired}, true, 0},
		{"not TLS", context.Background(), tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, true, 0},
		{"invalid_grant", context.Background(), &oauth2.RetrieveError{ErrorCode: "invalid_grant"}, true, 0},
		{"token endpoint 503", context.Background(), &oauth2.RetrieveError{ErrorCode: "temporarily_unavailable"}, false, 0},
		{"cancelled", cancelled, errors.New("use of closed network connection"), false, 0},
		{"already classified", context.Background(), fmt.Errorf("x: %w", &Error{Op: "config", Permanent: true, Err: errors.New("y")}), true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := classify(tt.ctx, "data", tt.err)
			if e.Permanent != tt.wantPerm || e.Code != tt.wantCode {
				t.Errorf("classify(%v) = Permanent %v Code %d, want %v %d", tt.err, e.Permanent, e.Code, tt.wantPerm, tt.wantCode)
			}
		})
	}
}

type errTimeout struct{}

func (errTimeout) Error() string   { return "i/o timeout" }
func (errTimeout) Timeout() bool   { return true }
func (errTimeout) Temporary() bool { return true }

func TestIsPermanent(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("x"), false},
		{"transient", &Error{Op: "dial", Err: io.EOF}, false},
		{"permanent, wrapped", fmt.Errorf("deliver: %w", &Error{Op: "data", Code: 554, Permanent: true, Err: errors.New("no")}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsPermanent(tt.err); got != tt.want {
				t.Errorf("IsPermanent(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
