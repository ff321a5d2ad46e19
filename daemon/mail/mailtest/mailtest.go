// Package mailtest runs an in-process SMTP server on loopback for tests:
// the mail package's own, other packages' and end-to-end harnesses. It is
// a real go-smtp server, so clients meet real TLS, STARTTLS (RFC 3207) and
// SASL exchanges (RFC 4954), and it can be told to fail in the ways real
// servers do: a 4xx or 5xx reply at a given stage, an outage, or a crash
// right after it has accepted a message.
package mailtest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure a Server.
type Options struct {
	TLS      bool // implicit TLS listener (RFC 8314), like port 465
	StartTLS bool // offer STARTTLS on the plaintext listener, like port 587
	// Username and Password, if set, are required through AUTH PLAIN or
	// AUTH LOGIN. Without TLS or StartTLS, AUTH is offered in plaintext;
	// with StartTLS, only after it, as real servers do.
	Username, Password string
	// XOAUTH2Token, if set, is the bearer token AUTH XOAUTH2 accepts.
	XOAUTH2Token string
	// EchoAuth makes a refused AUTH answer with what the client sent, the
	// password or token included, as a careless server might: tests check
	// that the client shows none of it.
	EchoAuth bool
}

// Received is a message the server accepted.
type Received struct {
	From      string    // envelope sender (MAIL FROM)
	To        []string  // envelope recipients (RCPT TO)
	Data      []byte    // the message as sent, with CRLF line endings
	MessageID string    // the Message-ID header without angle brackets, or ""
	At        time.Time // when the server accepted it
}

// Server is an SMTP server on 127.0.0.1. Its methods are safe for
// concurrent use.
type Server struct {
	Addr string // "127.0.0.1:port"

	opts    Options
	srv     *smtp.Server
	ln      net.Listener
	pool    *x509.CertPool
	certPEM []byte
	served  chan struct{} // closed when Serve returns

	closeOnce sync.Once
	closeErr  error

	mu      sync.Mutex
	msgs    []Received
	arrived chan struct{} // closed, and replaced, whenever a message is recorded
	faults  []fault
	down    bool
	onData  func(Received)
}

type fault struct {
	stage string
	err   *smtp.SMTPError
}

// NewServer starts a server listening on 127.0.0.1 at a free port. Its
// certificate is generated afresh, self-signed, for 127.0.0.1, ::1 and
// "localhost"; clients trust it through CertPool. Close stops it.
func NewServer(o Options) (*Server, error) {
	cert, pool, certPEM, err := selfSigned()
	if err != nil {
		return nil, fmt.Errorf("generate certificate: %w", err)
	}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s := &Server{
		Addr:    tcp.Addr().String(),
		opts:    o,
		pool:    pool,
		certPEM: certPEM,
		served:  make(chan struct{}),
		arrived: make(chan struct{}),
	}
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}

	var ln net.Listener = &gateListener{Listener: tcp, s: s}
	if o.TLS {
		ln = tls.NewListener(ln, tlsConfig)
	}
	s.ln = ln

	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout = 2 * time.Minute
	srv.WriteTimeout = 2 * time.Minute
	srv.MaxMessageBytes = 10 << 20
	if o.TLS || o.StartTLS {
		// go-smtp offers STARTTLS whenever it has a TLS config and the
		// connection is not TLS yet; on the implicit-TLS listener it is.
		srv.TLSConfig = tlsConfig
	} else {
		srv.AllowInsecureAuth = true
	}
	s.srv = srv

	go func() {
		defer close(s.served)
		srv.Serve(ln)
	}()
	return s, nil
}

// Close stops the server and drops open connections.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = s.srv.Close()
		// go-smtp closes only the listeners Serve has registered; Serve
		// runs on its own goroutine and may not have got that far.
		s.ln.Close()
		<-s.served
	})
	return s.closeErr
}

// Port returns the port the server listens on.
func (s *Server) Port() int {
	return s.ln.Addr().(*net.TCPAddr).Port
}

// CertPool returns a pool holding the server's self-signed certificate,
// for a client's tls.Config.RootCAs.
func (s *Server) CertPool() *x509.CertPool {
	return s.pool
}

// CertPEM returns the server's certificate in PEM form, for a client in
// another process (for a Go program, the file SSL_CERT_FILE names).
func (s *Server) CertPEM() []byte {
	return slices.Clone(s.certPEM)
}

// Messages returns a copy of the messages accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.copyMessages()
}

func (s *Server) copyMessages() []Received {
	out := make([]Received, len(s.msgs))
	for i, m := range s.msgs {
		m.To = slices.Clone(m.To)
		m.Data = slices.Clone(m.Data)
		out[i] = m
	}
	return out
}

// WaitForMessages blocks until at least n messages have been accepted, and
// returns them all. If ctx ends first, it returns those there are and an
// error.
func (s *Server) WaitForMessages(ctx context.Context, n int) ([]Received, error) {
	for {
		s.mu.Lock()
		if len(s.msgs) >= n {
			out := s.copyMessages()
			s.mu.Unlock()
			return out, nil
		}
		arrived := s.arrived
		s.mu.Unlock()

		select {
		case <-arrived:
		case <-ctx.Done():
			got := s.Messages()
			return got, fmt.Errorf("wait for %d messages, got %d: %w", n, len(got), ctx.Err())
		}
	}
}

// FailNext queues a failure: the next command of the given stage ("mail",
// "rcpt" or "data") gets the reply code (4xx or 5xx) and msg. Failures are
// used in the order queued, each once, when its stage comes up while it is
// first in the queue; so FailNext("rcpt", 451, …) then FailNext("data",
// 554, …) fails the first transaction at RCPT and the next one at the end
// of DATA. A "data" failure is the reply to the final dot: the message was
// uploaded but not accepted. FailNext panics on an unknown stage or a code
// that is not 4xx or 5xx, which are mistakes in the test.
func (s *Server) FailNext(stage string, code int, msg string) {
	if stage != "mail" && stage != "rcpt" && stage != "data" {
		panic(fmt.Sprintf("mailtest: FailNext stage %q, want mail, rcpt or data", stage))
	}
	if code < 400 || code > 599 {
		panic(fmt.Sprintf("mailtest: FailNext code %d, want 4xx or 5xx", code))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{stage: stage, err: &smtp.SMTPError{
		Code:         code,
		EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0},
		Message:      msg,
	}})
}

func (s *Server) takeFault(stage string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 || s.faults[0].stage != stage {
		return nil
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f.err
}

// SetDown simulates an outage: while down, new connections are accepted
// and closed at once, before the greeting. Connections already open carry
// on.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

func (s *Server) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down
}

// OnData sets a function run after each message is accepted, once the 250
// reply to its final dot has been written to the connection: the moment
// the client may consider the message delivered. It runs on the
// connection's goroutine, which waits for it, so a test can, for example,
// kill a client process before it reads that reply or sends QUIT. The
// message is already in Messages. nil removes the hook.
func (s *Server) OnData(f func(r Received)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onData = f
}

// record stores an accepted message and returns the hook to run.
func (s *Server) record(r Received) func(Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.arrived)
	s.arrived = make(chan struct{})
	return s.onData
}

func (s *Server) requireAuth() bool {
	return s.opts.Username != "" || s.opts.XOAUTH2Token != ""
}

// gateListener closes connections while the server is down, and wraps the
// others so that the OnData hook can run right after the 250 is written.
type gateListener struct {
	net.Listener
	s *Server
}

func (l *gateListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.s.isDown() {
			c.Close()
			continue
		}
		return &hookConn{Conn: c}, nil
	}
}

// hookConn runs a function after the next write. go-smtp writes the reply
// to the final dot as soon as Session.Data returns and writes nothing in
// between, so the first write after Data is that reply, encrypted or not.
type hookConn struct {
	net.Conn
	mu    sync.Mutex
	after func()
}

func (c *hookConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.mu.Lock()
	after := c.after
	c.after = nil
	c.mu.Unlock()
	if after != nil {
		after()
	}
	return n, err
}

func (c *hookConn) setAfter(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.after = f
}

// session is one SMTP connection's state.
type session struct {
	s      *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (se *session) AuthMechanisms() []string {
	var mechs []string
	if se.s.opts.Username != "" {
		mechs = append(mechs, sasl.Plain, sasl.Login)
	}
	if se.s.opts.XOAUTH2Token != "" {
		mechs = append(mechs, "XOAUTH2")
	}
	return mechs
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	o := se.s.opts
	checkPassword := func(username, password string) error {
		if o.Username == "" || username != o.Username || password != o.Password {
			if o.EchoAuth {
				return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8},
					Message: "no such user " + username + " with password " + password}
			}
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}
	switch {
	case mech == sasl.Plain && o.Username != "":
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return smtp.ErrAuthFailed
			}
			return checkPassword(username, password)
		}), nil
	case mech == sasl.Login && o.Username != "":
		return &loginServer{check: checkPassword}, nil
	case mech == "XOAUTH2" && o.XOAUTH2Token != "":
		return &xoauth2Server{token: o.XOAUTH2Token, echo: o.EchoAuth, ok: func() { se.authed = true }}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.requireAuth() && !se.authed {
		// RFC 4954 §6: the reply to MAIL before AUTH.
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	if err := se.s.takeFault("mail"); err != nil {
		return err
	}
	se.from, se.to = from, nil
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := se.s.takeFault("rcpt"); err != nil {
		return err
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := se.s.takeFault("data"); err != nil {
		return err
	}
	rec := Received{From: se.from, To: slices.Clone(se.to), Data: data, MessageID: messageID(data), At: time.Now()}
	if hook := se.s.record(rec); hook != nil {
		if hc := connOf(se.conn); hc != nil {
			hc.setAfter(func() { hook(rec) })
		} else {
			hook(rec) // not reached: every connection is a hookConn
		}
	}
	return nil
}

func (se *session) Reset() {
	se.from, se.to = "", nil
}

func (se *session) Logout() error { return nil }

// connOf finds the hookConn under c, below TLS if there is TLS.
func connOf(c *smtp.Conn) *hookConn {
	nc := c.Conn()
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	hc, _ := nc.(*hookConn)
	return hc
}

func messageID(data []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(m.Header.Get("Message-Id")), "<"), ">")
}

// loginServer is the server side of AUTH LOGIN, which go-sasl lacks. It
// takes the user name as an initial response or prompts for it.
type loginServer struct {
	user     string
	haveUser bool
	check    func(username, password string) error
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch {
	case !l.haveUser && resp == nil:
		return []byte("Username:"), false, nil
	case !l.haveUser:
		l.user, l.haveUser = string(resp), true
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(resp))
	}
}

// xoauth2Server is the server side of XOAUTH2, behaving like Gmail: a
// refused token gets a 334 challenge with a JSON error, and the final 535
// only after the client's (empty) answer.
type xoauth2Server struct {
	token  string
	echo   bool // answer a refused token with the client's initial response
	ok     func()
	failed bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed {
		return nil, true, smtp.ErrAuthFailed
	}
	if resp == nil {
		return []byte{}, false, nil // ask for the initial response
	}
	var token string
	for _, kv := range strings.Split(string(resp), "\x01") {
		if t, ok := strings.CutPrefix(kv, "auth=Bearer "); ok {
			token = t
		}
	}
	if token == "" || token != x.token {
		x.failed = true
		if x.echo {
			return append([]byte("refused: "), resp...), false, nil
		}
		return []byte(`{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}`), false, nil
	}
	x.ok()
	return nil, true, nil
}

// selfSigned makes a certificate for the loopback names, valid from an
// hour ago (clock skew) for a year.
func selfSigned() (tls.Certificate, *x509.CertPool, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "mailtest", Organization: []string{"leadup tests"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		// A CA certificate that is its own leaf, like httptest's, so that
		// a pool holding it verifies the server.
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, certPEM, nil
}
