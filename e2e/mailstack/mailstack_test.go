package mailstack_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/leadup/leadup/e2e/mailstack"
)

// deliveryTimeout bounds how long a message may take from the SMTP server
// to the IMAP mailbox; on loopback it takes well under a second.
const deliveryTimeout = 15 * time.Second

// newMessage returns a message with a Message-ID unique to the test.
func newMessage(t *testing.T, from, to, subject string) (msg []byte, messageID string) {
	t.Helper()
	messageID = fmt.Sprintf("<%s.%d@%s>", strings.ReplaceAll(t.Name(), "/", "."), time.Now().UnixNano(), mailstack.Domain)
	msg = []byte("From: " + from + "\r\n" +
		"To: " + to + "\r\n" +
		"Subject: " + subject + "\r\n" +
		"Message-ID: " + messageID + "\r\n" +
		"Date: " + time.Now().Format(time.RFC1123Z) + "\r\n" +
		"Auto-Submitted: auto-generated\r\n" +
		"\r\n" +
		"Hello from " + t.Name() + ".\r\n")
	return msg, messageID
}

func byMessageID(id string) func(mailstack.Message) bool {
	return func(m mailstack.Message) bool { return m.MessageID == id }
}

func TestStack(t *testing.T) {
	begin := time.Now()
	s := mailstack.Start(t)
	t.Logf("mail stack ready in %v (SMTP %d, submission %d, IMAP %d, dir %s)",
		time.Since(begin).Round(time.Millisecond), s.SMTPPort, s.SubmissionPort, s.IMAPPort, s.Dir)

	t.Run("SMTP to IMAP", func(t *testing.T) {
		msg, id := newMessage(t, mailstack.Boss, mailstack.Me, "Plain SMTP")
		s.Send(t, mailstack.Boss, mailstack.Me, msg)
		m := s.WaitMessage(t, "me", byMessageID(id), deliveryTimeout)
		if m.Subject != "Plain SMTP" || m.From != mailstack.Boss || m.To != mailstack.Me ||
			m.AutoSubmitted != "auto-generated" {
			t.Errorf("got Subject %q From %q To %q Auto-Submitted %q", m.Subject, m.From, m.To, m.AutoSubmitted)
		}
		if want := "Hello from " + t.Name() + ".\r\n"; string(m.Body) != want {
			t.Errorf("Body = %q, want %q", m.Body, want)
		}
		if m.UID == 0 {
			t.Error("UID = 0")
		}
		for _, f := range m.Flags {
			if f == imap.FlagSeen {
				t.Errorf("Flags = %v: Messages marked it \\Seen", m.Flags)
			}
		}
	})

	t.Run("SMTP refuses unknown users", func(t *testing.T) {
		c, err := smtp.Dial(s.SMTPAddr())
		if err != nil {
			t.Fatalf("Dial() = %v", err)
		}
		defer c.Close()
		if err := c.Mail(mailstack.Boss, nil); err != nil {
			t.Fatalf("Mail() = %v", err)
		}
		err = c.Rcpt("nobody@"+mailstack.Domain, nil)
		if se, ok := errors.AsType[*smtp.SMTPError](err); !ok || se.Code/100 != 5 {
			t.Errorf("Rcpt(unknown user) = %v, want a 5xx reply", err)
		}
	})

	t.Run("submission with STARTTLS and AUTH", func(t *testing.T) {
		c, err := smtp.DialStartTLS(s.SubmissionAddr(), s.TLSConfig())
		if err != nil {
			t.Fatalf("DialStartTLS() = %v", err)
		}
		defer c.Close()
		if err := c.Auth(sasl.NewPlainClient("", mailstack.Me, s.Users[mailstack.Me])); err != nil {
			t.Fatalf("Auth(PLAIN) = %v", err)
		}
		msg, id := newMessage(t, mailstack.Me, mailstack.Boss, "Submitted")
		if err := c.SendMail(mailstack.Me, []string{mailstack.Boss}, bytes.NewReader(msg)); err != nil {
			t.Fatalf("SendMail() = %v", err)
		}
		// Relaying elsewhere is refused, even when authenticated.
		if err := c.Mail(mailstack.Me, nil); err != nil {
			t.Fatalf("Mail() = %v", err)
		}
		if err := c.Rcpt("someone@example.com", nil); err == nil {
			t.Error("Rcpt(someone@example.com) = nil, want relay denied")
		}
		c.Quit()
		s.WaitMessage(t, "boss", byMessageID(id), deliveryTimeout)
	})

	t.Run("submission refuses AUTH without TLS", func(t *testing.T) {
		c, err := smtp.Dial(s.SubmissionAddr())
		if err != nil {
			t.Fatalf("Dial() = %v", err)
		}
		defer c.Close()
		if err := c.Hello("localhost"); err != nil {
			t.Fatalf("Hello() = %v", err)
		}
		if ok, _ := c.Extension("AUTH"); ok {
			t.Error("AUTH offered before STARTTLS")
		}
		err = c.Auth(sasl.NewPlainClient("", mailstack.Me, s.Users[mailstack.Me]))
		// The server's refusal, not go-smtp's own.
		se, ok := errors.AsType[*smtp.SMTPError](err)
		if !ok || se.Code/100 != 5 {
			t.Fatalf("Auth(PLAIN) without TLS = %v, want a 5xx reply", err)
		}
		t.Logf("Auth(PLAIN) without TLS = %v", err)
	})

	t.Run("Maildir drop", func(t *testing.T) {
		msg, id := newMessage(t, mailstack.Boss, mailstack.Me, "Dropped")
		dir := s.MaildirOf("me")
		// Maildir delivery: write in tmp/, then rename into new/.
		name := fmt.Sprintf("%d.test.localhost", time.Now().UnixNano())
		tmp := filepath.Join(dir, "tmp", name)
		if err := os.WriteFile(tmp, msg, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "new", name)); err != nil {
			t.Fatal(err)
		}
		m := s.WaitMessage(t, mailstack.Me, byMessageID(id), deliveryTimeout)
		if m.Subject != "Dropped" {
			t.Errorf("Subject = %q, want %q", m.Subject, "Dropped")
		}
	})

	t.Run("IMAP IDLE", func(t *testing.T) {
		exists := make(chan uint32, 16)
		c := s.DialIMAP(t, "me", &imapclient.Options{
			UnilateralDataHandler: &imapclient.UnilateralDataHandler{
				Mailbox: func(d *imapclient.UnilateralDataMailbox) {
					if d.NumMessages != nil {
						exists <- *d.NumMessages
					}
				},
			},
		})
		caps, err := c.Capability().Wait()
		if err != nil {
			t.Fatalf("Capability() = %v", err)
		}
		if _, ok := caps[imap.CapIdle]; !ok {
			t.Fatalf("capabilities %v lack IDLE", caps)
		}
		sel, err := c.Select("INBOX", nil).Wait()
		if err != nil {
			t.Fatalf("Select(INBOX) = %v", err)
		}
		idle, err := c.Idle()
		if err != nil {
			t.Fatalf("Idle() = %v", err)
		}
		msg, _ := newMessage(t, mailstack.Boss, mailstack.Me, "While idling")
		s.Send(t, mailstack.Boss, mailstack.Me, msg)
		timer := time.NewTimer(deliveryTimeout)
		defer timer.Stop()
	wait:
		for {
			select {
			case n := <-exists:
				if n > sel.NumMessages {
					break wait
				}
			case <-timer.C:
				t.Fatalf("no EXISTS above %d within %v of IDLE", sel.NumMessages, deliveryTimeout)
			}
		}
		if err := idle.Close(); err != nil {
			t.Fatalf("IdleCommand.Close() = %v", err)
		}
		if err := idle.Wait(); err != nil {
			t.Fatalf("IdleCommand.Wait() = %v", err)
		}
	})
}

// TestParallelStacks runs two stacks at once: each smtpd has its own queue
// and control socket, and mail sent to one stays there.
func TestParallelStacks(t *testing.T) {
	a := mailstack.Start(t)
	b := mailstack.Start(t)
	msgA, idA := newMessage(t, mailstack.Boss, mailstack.Me, "To A")
	msgB, idB := newMessage(t, mailstack.Boss, mailstack.Me, "To B")
	a.Send(t, mailstack.Boss, mailstack.Me, msgA)
	b.Send(t, mailstack.Boss, mailstack.Me, msgB)
	a.WaitMessage(t, "me", byMessageID(idA), deliveryTimeout)
	b.WaitMessage(t, "me", byMessageID(idB), deliveryTimeout)
	for _, m := range a.Messages(t, "me") {
		if m.MessageID == idB {
			t.Errorf("stack A has B's message %s", idB)
		}
	}
	for _, m := range b.Messages(t, "me") {
		if m.MessageID == idA {
			t.Errorf("stack B has A's message %s", idA)
		}
	}
}
