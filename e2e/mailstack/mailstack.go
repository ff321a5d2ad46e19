// Package mailstack runs a real mail server for end-to-end tests: Dovecot
// (IMAP with STARTTLS and IDLE, LMTP) and OpenSMTPD (SMTP and submission),
// from Debian's packages, on loopback ports, through scripts/mailstack.
//
// Tests that use it run only with LEADUP_E2E=1, as root, with the packages
// installed; see scripts/mailstack for what the stack offers and how to
// install them.
package mailstack

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"
)

// The test domain and its two users, as scripts/mailstack creates them.
const (
	Domain = "leadup.test"
	// Me is the leadup user, the only one that may submit mail.
	Me = "me@" + Domain
	// Boss is someone who writes to Me.
	Boss = "boss@" + Domain
)

const (
	// startTimeout bounds the wait for the script's ready file; the script
	// gives the daemons 20 s itself, after making a certificate.
	startTimeout = 40 * time.Second
	// stopTimeout bounds the wait for the script to exit after SIGTERM; it
	// kills the daemons after 10 s itself.
	stopTimeout = 15 * time.Second
	// ioTimeout bounds each helper's whole SMTP or IMAP conversation.
	ioTimeout = 30 * time.Second
)

// Stack is a running mail server. Its fields are read-only.
type Stack struct {
	// Host is the address every port listens on: "127.0.0.1".
	Host string
	// SMTPPort takes mail for Domain from anyone, without TLS or AUTH, as
	// an MX would.
	SMTPPort int
	// SubmissionPort requires STARTTLS, then AUTH (PLAIN or LOGIN) as Me,
	// and takes mail for Domain only.
	SubmissionPort int
	// IMAPPort offers STARTTLS, IDLE, and LOGIN or AUTHENTICATE PLAIN by
	// address or local part, with or without TLS.
	IMAPPort int
	// Domain is the only domain the stack takes mail for.
	Domain string
	// CertFile is the server certificate, self-signed for localhost and
	// 127.0.0.1, in PEM: a child process trusts it with SSL_CERT_FILE.
	CertFile string
	// Users maps each address to its password.
	Users map[string]string
	// Dir holds the stack's configuration, mail and logs.
	Dir string

	roots *x509.CertPool
}

// Start runs a stack for the test and stops it when the test ends, logging
// the daemons' logs if the test failed. It skips the test unless
// LEADUP_E2E=1, and fails it if the stack cannot start, for instance because
// the packages are missing.
func Start(t testing.TB) *Stack {
	t.Helper()
	if os.Getenv("LEADUP_E2E") != "1" {
		t.Skip("end-to-end test: set LEADUP_E2E=1 to run it against Dovecot and OpenSMTPD")
	}
	script, err := findScript()
	if err != nil {
		t.Fatalf("find scripts/mailstack: %v", err)
	}
	dir := t.TempDir()
	// t.TempDir makes dir and its parent 0700, but Dovecot and OpenSMTPD
	// reach the mail as an unprivileged user; the script opens dir itself.
	if err := os.Chmod(filepath.Dir(dir), 0o711); err != nil {
		t.Fatal(err)
	}
	ports, err := freePorts(3)
	if err != nil {
		t.Fatalf("pick ports: %v", err)
	}
	s := &Stack{
		Host:           "127.0.0.1",
		SMTPPort:       ports[0],
		SubmissionPort: ports[1],
		IMAPPort:       ports[2],
		Domain:         Domain,
		CertFile:       filepath.Join(dir, "tls", "cert.pem"),
		Dir:            dir,
	}

	logPath := filepath.Join(dir, "mailstack.log")
	out, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(script, dir, strconv.Itoa(s.SMTPPort), strconv.Itoa(s.SubmissionPort), strconv.Itoa(s.IMAPPort))
	// A file, not a pipe: the daemons inherit no descriptor that Wait would
	// wait on.
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", script, err)
	}
	exited := make(chan struct{})
	var waitErr error
	// Set when a failure message already holds the script's own output.
	var scriptLogged bool
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Errorf("stop mail stack: %v", err)
		}
		timer := time.NewTimer(stopTimeout)
		defer timer.Stop()
		select {
		case <-exited:
		case <-timer.C:
			t.Errorf("mail stack still running %v after SIGTERM; killing it", stopTimeout)
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			logs := []string{"mailstack.log", "dovecot.log", "smtpd.log"}
			if scriptLogged {
				logs = logs[1:]
			}
			for _, name := range logs {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if errors.Is(err, os.ErrNotExist) {
					continue // the script stopped before starting that daemon
				} else if err != nil {
					t.Logf("%s: %v", name, err)
					continue
				}
				t.Logf("--- %s:\n%s", name, b)
			}
		}
	})

	ready := filepath.Join(dir, "ready")
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(logPath)
			scriptLogged = true
			t.Fatalf("%s exited before it was ready: %v\n%s", script, waitErr, b)
		case <-deadline.C:
			t.Fatalf("%s not ready after %v", script, startTimeout)
		case <-tick.C:
		}
	}

	if s.Users, err = readUsers(filepath.Join(dir, "users")); err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(s.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	s.roots = x509.NewCertPool()
	if !s.roots.AppendCertsFromPEM(pem) {
		t.Fatalf("no certificate in %s", s.CertFile)
	}
	return s
}

// findScript looks for scripts/mailstack in the module root, the first
// directory up from the working directory (the package's, under go test)
// that has a go.mod.
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "scripts", "mailstack"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// freePorts returns n distinct loopback ports that were free a moment ago.
// Another process may take one before the daemons do; loopback ports are
// plenty, so that is rare enough for tests.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		// Held open until all are picked, so that none repeats.
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// readUsers reads the script's "address password" lines.
func readUsers(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	users := make(map[string]string)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		addr, pass, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			return nil, fmt.Errorf("%s: bad line %q", path, sc.Text())
		}
		users[addr] = pass
	}
	return users, sc.Err()
}

// SMTPAddr is the host:port of SMTPPort.
func (s *Stack) SMTPAddr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.SMTPPort)) }

// SubmissionAddr is the host:port of SubmissionPort.
func (s *Stack) SubmissionAddr() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.SubmissionPort))
}

// IMAPAddr is the host:port of IMAPPort.
func (s *Stack) IMAPAddr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.IMAPPort)) }

// TLSConfig returns a client configuration that trusts only the stack's
// certificate, for the server name Host.
func (s *Stack) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.roots, ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// address turns a local part such as "me" into an address at Domain.
func (s *Stack) address(user string) string {
	if strings.Contains(user, "@") {
		return user
	}
	return user + "@" + s.Domain
}

// MaildirOf returns the Maildir of user ("me" or "me@leadup.test") whose
// new/ subdirectory is its INBOX's new mail. A file written to its tmp/ and
// renamed into new/ shows up over IMAP; it must be readable by nobody, the
// owner of the mail (0644 will do).
func (s *Stack) MaildirOf(user string) string {
	local, _, _ := strings.Cut(s.address(user), "@")
	return filepath.Join(s.Dir, "mail", local, "Maildir")
}

// Send hands msg to the SMTP port for delivery to to, as another mail
// server would, and fails the test if the server does not accept it.
func (s *Stack) Send(t testing.TB, from, to string, msg []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.SMTPAddr(), ioTimeout)
	if err != nil {
		t.Fatalf("Send: dial: %v", err)
	}
	conn.SetDeadline(time.Now().Add(ioTimeout))
	c := smtp.NewClient(conn)
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		t.Fatalf("Send: EHLO: %v", err)
	}
	if err := c.Mail(from, nil); err != nil {
		t.Fatalf("Send: MAIL FROM:<%s>: %v", from, err)
	}
	if err := c.Rcpt(to, nil); err != nil {
		t.Fatalf("Send: RCPT TO:<%s>: %v", to, err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatalf("Send: DATA: %v", err)
	}
	if _, err := w.Write(msg); err != nil {
		t.Fatalf("Send: write message: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Send: end of DATA: %v", err)
	}
	if err := c.Quit(); err != nil {
		t.Fatalf("Send: QUIT: %v", err)
	}
}

// DialIMAP logs user in over IMAP with STARTTLS, trusting the stack's
// certificate, and logs out when the test ends. opts may be nil; its
// TLSConfig, if nil, becomes TLSConfig().
func (s *Stack) DialIMAP(t testing.TB, user string, opts *imapclient.Options) *imapclient.Client {
	t.Helper()
	c, err := s.dialIMAP(user, opts, time.Time{})
	if err != nil {
		t.Fatalf("DialIMAP(%q): %v", user, err)
	}
	t.Cleanup(func() {
		c.Logout().Wait()
		c.Close()
	})
	return c
}

// dialIMAP logs user in; deadline, unless zero, bounds the whole session.
func (s *Stack) dialIMAP(user string, opts *imapclient.Options, deadline time.Time) (*imapclient.Client, error) {
	addr := s.address(user)
	pass, ok := s.Users[addr]
	if !ok {
		return nil, fmt.Errorf("no user %s", addr)
	}
	o := imapclient.Options{}
	if opts != nil {
		o = *opts
	}
	if o.TLSConfig == nil {
		o.TLSConfig = s.TLSConfig()
	}
	conn, err := net.DialTimeout("tcp", s.IMAPAddr(), ioTimeout)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	conn.SetDeadline(deadline)
	c, err := imapclient.NewStartTLS(conn, &o)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("starttls: %w", err)
	}
	if err := c.Login(addr, pass).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("login: %w", err)
	}
	return c, nil
}

// Message is a message in a user's INBOX.
type Message struct {
	UID   imap.UID
	Flags []imap.Flag
	// Subject is decoded from RFC 2047 encoded words where it can be.
	Subject string
	// The other fields hold the header's values as they are.
	MessageID, From, To, InReplyTo, AutoSubmitted string
	Header                                        mail.Header
	// Body follows the header, in its transfer encoding.
	Body []byte
	// Raw is the whole message.
	Raw []byte
}

// Messages returns the messages in user's INBOX in UID order, without
// marking them \Seen.
func (s *Stack) Messages(t testing.TB, user string) []Message {
	t.Helper()
	msgs, err := s.messages(user)
	if err != nil {
		t.Fatalf("Messages(%q): %v", user, err)
	}
	return msgs
}

func (s *Stack) messages(user string) ([]Message, error) {
	c, err := s.dialIMAP(user, nil, time.Now().Add(ioTimeout))
	if err != nil {
		return nil, err
	}
	defer c.Close()
	sel, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("select INBOX: %w", err)
	}
	if sel.NumMessages == 0 {
		return nil, nil
	}
	whole := &imap.FetchItemBodySection{Peek: true}
	bufs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: sel.NumMessages}}, &imap.FetchOptions{
		UID:         true,
		Flags:       true,
		BodySection: []*imap.FetchItemBodySection{whole},
	}).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	var msgs []Message
	for _, b := range bufs {
		m, err := parseMessage(b.FindBodySection(whole))
		if err != nil {
			return nil, fmt.Errorf("message UID %d: %w", b.UID, err)
		}
		m.UID, m.Flags = b.UID, b.Flags
		msgs = append(msgs, m)
	}
	slices.SortFunc(msgs, func(a, b Message) int { return cmp.Compare(a.UID, b.UID) })
	if err := c.Logout().Wait(); err != nil {
		return nil, fmt.Errorf("logout: %w", err)
	}
	return msgs, nil
}

func parseMessage(raw []byte) (Message, error) {
	m := Message{Raw: raw}
	pm, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return m, err
	}
	h := pm.Header
	m.Header = h
	m.Subject = h.Get("Subject")
	if dec, err := new(mime.WordDecoder).DecodeHeader(m.Subject); err == nil {
		m.Subject = dec
	}
	m.MessageID = h.Get("Message-Id")
	m.From = h.Get("From")
	m.To = h.Get("To")
	m.InReplyTo = h.Get("In-Reply-To")
	m.AutoSubmitted = h.Get("Auto-Submitted")
	m.Body, err = io.ReadAll(pm.Body)
	return m, err
}

// WaitMessage polls user's INBOX until a message satisfies match and
// returns it, or fails the test after timeout.
func (s *Stack) WaitMessage(t testing.TB, user string, match func(Message) bool, timeout time.Duration) Message {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		msgs, err := s.messages(user)
		if err != nil {
			t.Fatalf("WaitMessage(%q): %v", user, err)
		}
		for _, m := range msgs {
			if match(m) {
				return m
			}
		}
		select {
		case <-deadline.C:
			var seen []string
			for _, m := range msgs {
				seen = append(seen, fmt.Sprintf("UID %d %s %q", m.UID, m.MessageID, m.Subject))
			}
			t.Fatalf("WaitMessage(%q): no match after %v among %d messages: %v", user, timeout, len(msgs), seen)
		case <-tick.C:
		}
	}
}
