package daemon_test

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	calendarapi "google.golang.org/api/calendar/v3"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/googleauth"
	"github.com/leadup/leadup/daemon/mail/mailtest"
	"github.com/leadup/leadup/daemon/mailbox/mailboxtest"
)

// stack is leadup's world in one test: a fake Calendar API, an SMTP server,
// optionally an IMAP server, and a configuration that points at them, on
// loopback.
type stack struct {
	google *googletest.Server
	smtp   *mailtest.Server
	imap   *mailboxtest.Server // nil without withIMAP
	dir    string
	config string // path
}

// stackOption adds a server to a stack before its configuration is
// written, and returns the configuration that points at it.
type stackOption func(t testing.TB, s *stack) (settings string)

// imapPassword is the password of the user's mailbox on the IMAP server
// withIMAP starts.
const imapPassword = "correct horse battery staple"

// withIMAP starts an IMAP server holding the user's INBOX and configures
// the daemon to watch it, with IDLE, over plaintext to loopback.
func withIMAP(t testing.TB, s *stack) string {
	t.Helper()
	var err error
	s.imap, err = mailboxtest.NewServer(mailboxtest.Options{
		Username:   "me@example.com",
		Password:   imapPassword,
		Mechanisms: []string{"PLAIN"},
	})
	if err != nil {
		t.Fatalf("mailboxtest.NewServer() = %v", err)
	}
	t.Cleanup(func() { s.imap.Close() })
	return fmt.Sprintf(`
[imap]
host = "127.0.0.1"
port = %d
security = "none"
auth = "plain"
username = "me@example.com"
password = %q
`, s.imap.Port(), imapPassword)
}

func newStack(t testing.TB, settings string, opts ...stackOption) *stack {
	t.Helper()
	s := &stack{google: googletest.NewServer(), dir: t.TempDir()}
	t.Cleanup(s.google.Close)
	var err error
	if s.smtp, err = mailtest.NewServer(mailtest.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.smtp.Close() })
	for _, o := range opts {
		settings += o(t, s)
	}
	client := `{"installed":{"client_id":"id","client_secret":"s","auth_uri":"http://127.0.0.1:1/a","token_uri":"http://127.0.0.1:1/t"}}`
	if err := os.WriteFile(filepath.Join(s.dir, "client_secret.json"), []byte(client), 0o600); err != nil {
		t.Fatal(err)
	}
	tok := &oauth2.Token{AccessToken: "a", RefreshToken: "r", TokenType: "Bearer", Expiry: time.Now().Add(24 * time.Hour)}
	if err := googleauth.WriteToken(filepath.Join(s.dir, "state", "google-token.json"), tok); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`timezone = "Europe/Berlin"
state_dir = "state"

[google]
endpoint = %q
poll = "10s"

[mail]
from = "leadup <leadup@example.com>"
to = "Me <me@example.com>"
reply_to = "me+leadup-{token}@example.com"

[smtp]
host = "127.0.0.1"
port = %d
security = "none"
auth = "none"

[[boss]]
name = "Dana Whitfield"
emails = ["dana@example.com"]
style = "Bottom line first."
priorities = ["Ship the billing migration"]

[[boss]]
name = "Sam Okafor"
emails = ["sam@example.com"]
%s`, s.google.Endpoint(), s.smtp.Port(), settings)
	s.config = filepath.Join(s.dir, "config.toml")
	if err := os.WriteFile(s.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *stack) loadConfig(t testing.TB) *config.Config {
	t.Helper()
	cfg, err := config.Load(s.config, nil)
	if err != nil {
		t.Fatalf("config.Load() = %v", err)
	}
	return cfg
}

// start runs the daemon until the test ends.
func (s *stack) start(t testing.TB, o daemon.Options) *daemon.Daemon {
	t.Helper()
	if o.Config == nil {
		o.Config = s.loadConfig(t)
	}
	d, err := daemon.Open(context.Background(), o)
	if err != nil {
		t.Fatalf("daemon.Open() = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run() = %v", err)
		}
		d.Close()
	})
	return d
}

// meetingWith puts a meeting with the boss at email on the calendar.
func (s *stack) meetingWith(id, title, email string, start time.Time, d time.Duration, edit ...func(*calendarapi.Event)) {
	ev := &calendarapi.Event{
		Id: id, Summary: title,
		Start:     &calendarapi.EventDateTime{DateTime: start.Format(time.RFC3339Nano)},
		End:       &calendarapi.EventDateTime{DateTime: start.Add(d).Format(time.RFC3339Nano)},
		Organizer: &calendarapi.EventOrganizer{Email: email},
		Attendees: []*calendarapi.EventAttendee{
			{Email: email, Organizer: true, ResponseStatus: "accepted"},
			{Email: "me@example.com", Self: true, ResponseStatus: "accepted"},
		},
	}
	for _, f := range edit {
		f(ev)
	}
	s.google.Put("primary", ev)
}

func (s *stack) wait(t testing.TB, n int) []mailtest.Received {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs, err := s.smtp.WaitForMessages(ctx, n)
	if err != nil {
		t.Fatalf("waiting for %d messages: %v (have %d)", n, err, len(s.smtp.Messages()))
	}
	return msgs
}

// parsed is a received message, decoded.
type parsed struct {
	header      mail.Header
	subject     string
	text, html  string
	messageID   string
	replyTo     string
	autoSubmit  string
	inReplyTo   string
	contentType string
}

func parse(t testing.TB, r mailtest.Received) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		t.Fatalf("ReadMessage() = %v", err)
	}
	var p parsed
	p.header = msg.Header
	dec := new(mime.WordDecoder)
	p.subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	p.messageID = strings.Trim(msg.Header.Get("Message-ID"), "<>")
	p.replyTo = msg.Header.Get("Reply-To")
	p.autoSubmit = msg.Header.Get("Auto-Submitted")
	p.inReplyTo = strings.Trim(msg.Header.Get("In-Reply-To"), "<>")
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type: %v", err)
	}
	p.contentType = mt
	if mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %s, want multipart/alternative", mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("NextPart() = %v", err)
		}
		b, _ := io.ReadAll(part)
		switch ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct {
		case "text/plain":
			p.text = string(b)
		case "text/html":
			p.html = string(b)
		}
	}
	return p
}
