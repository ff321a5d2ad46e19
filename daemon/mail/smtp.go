package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"github.com/leadup/leadup/internal/loopback"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"golang.org/x/oauth2"

	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/xoauth2"
)

// Security is how the connection to the SMTP server is protected: a value
// of smtp.security, whose values and default ports config defines.
type Security string

// The kinds of Security.
const (
	// SecurityStartTLS connects in plaintext and upgrades with STARTTLS
	// (RFC 3207), usually on port 587. A server that does not offer
	// STARTTLS is an error: there is no fallback to plaintext.
	SecurityStartTLS Security = config.SecurityStartTLS
	// SecurityTLS is implicit TLS from the first byte (RFC 8314), usually
	// on port 465.
	SecurityTLS Security = config.SecurityTLS
	// SecurityNone sends in plaintext. It is allowed to loopback hosts
	// only (a local relay such as OpenSMTPD).
	SecurityNone Security = config.SecurityNone
)

// Auth is the SASL mechanism used to authenticate (RFC 4954): a value of
// smtp.auth.
type Auth string

// The mechanisms Send can use.
const (
	AuthPlain   Auth = config.AuthPlain   // PLAIN (RFC 4616) with Username and Password
	AuthLogin   Auth = config.AuthLogin   // LOGIN with Username and Password
	AuthXOAUTH2 Auth = config.AuthXOAUTH2 // XOAUTH2 with Username and a token from Tokens
	AuthNone    Auth = config.AuthNone    // no authentication
)

// DefaultTimeout bounds the dial, the TLS handshake and each SMTP command
// when SMTP.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// SMTP delivers messages to one submission server. Its fields are read at
// each Send, which opens and closes its own connection, so one SMTP may be
// used by concurrent Sends.
type SMTP struct {
	Host     string
	Port     int      // defaults to config.DefaultPort(Security): 465, 587 or 25
	Security Security // defaults to SecurityStartTLS
	Auth     Auth     // defaults to AuthNone
	Username string
	// Password returns the password for AuthPlain and AuthLogin. It is
	// called at each Send, before dialling, so a rotated secret is picked
	// up without a restart.
	Password func(ctx context.Context) (string, error)
	// Tokens supplies access tokens for AuthXOAUTH2. If it also has an
	// Invalidate() method, as googleauth.TokenSource does, a rejected token
	// is invalidated and a fresh one tried once on the same connection,
	// since a token can be revoked before its expiry.
	Tokens oauth2.TokenSource
	// Timeout bounds the dial, the TLS handshake, each command and the
	// upload of the message; DefaultTimeout if zero.
	Timeout time.Duration
	// TLSConfig is an optional base TLS configuration (tests set RootCAs).
	// ServerName is always set to Host, and MinVersion raised to TLS 1.2.
	TLSConfig *tls.Config
	// LocalName is the name given in EHLO; "localhost" if empty. (The EHLO
	// before STARTTLS always says "localhost": go-smtp v0.25.1 offers no
	// way to set it there.)
	LocalName string

	// dial replaces net.Dialer.DialContext in tests.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Send delivers msg to the recipients in one SMTP transaction. from and to
// are the envelope addresses (RFC 5321 reverse-path and forward-paths). A
// nil error means the server accepted the message for every recipient; an
// error is an *Error.
//
// A Send that fails after the message was uploaded but before the server's
// reply to it arrived (a timeout, a cancelled ctx) may still have been
// delivered: SMTP cannot tell (RFC 1047), so the caller has to check before
// retrying if a duplicate matters.
func (s *SMTP) Send(ctx context.Context, from string, to []string, msg []byte) error {
	if err := checkEnvelope("mail from", from); err != nil {
		return err
	}
	if len(to) == 0 {
		return permanent("rcpt to", "no recipients")
	}
	for _, rcpt := range to {
		if err := checkEnvelope("rcpt to", rcpt); err != nil {
			return err
		}
	}
	ss, err := s.open(ctx)
	if err != nil {
		return err
	}
	defer ss.close()

	c := ss.client
	if err := c.Mail(from, nil); err != nil {
		return classify(ctx, "mail from", err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return classify(ctx, "rcpt to", fmt.Errorf("<%s>: %w", rcpt, err))
		}
	}
	w, err := c.Data()
	if err != nil {
		return classify(ctx, "data", err)
	}
	// go-smtp clears the deadline once DATA's 354 is in, and sets one only
	// for the reply after the final dot: bound the upload ourselves, or a
	// server that stops reading would block the write for ever.
	if err := ss.conn.Conn.SetDeadline(time.Now().Add(ss.timeout)); err != nil {
		return classify(ctx, "data", err)
	}
	if _, err := w.Write(msg); err != nil {
		return classify(ctx, "data", err)
	}
	if err := w.Close(); err != nil {
		return classify(ctx, "data", err)
	}

	// The server has answered 250 to the final dot: it has taken
	// responsibility for the message (RFC 5321 §4.1.1.4). Whatever happens
	// to QUIT now must not be reported as a failure, or the outbox would
	// send the message again and the user would get it twice.
	_ = c.Quit()
	return nil
}

// Check connects, negotiates TLS and authenticates, then quits without
// sending, so that `leadup check` can prove the settings work.
func (s *SMTP) Check(ctx context.Context) error {
	ss, err := s.open(ctx)
	if err != nil {
		return err
	}
	defer ss.close()
	if err := ss.client.Quit(); err != nil {
		return classify(ctx, "quit", err)
	}
	return nil
}

// session is one open, authenticated connection.
type session struct {
	client  *smtp.Client
	conn    *deadlineConn
	timeout time.Duration
	stop    func() bool // stops the context watcher
}

func (ss *session) close() {
	ss.stop()
	ss.client.Close()
}

// settings are SMTP's fields with defaults applied and checked.
type settings struct {
	host, addr string
	security   Security
	auth       Auth
	timeout    time.Duration
	localName  string
}

func (s *SMTP) settings() (settings, error) {
	st := settings{
		host:      strings.TrimSuffix(strings.TrimPrefix(s.Host, "["), "]"),
		security:  s.Security,
		auth:      s.Auth,
		timeout:   s.Timeout,
		localName: s.LocalName,
	}
	if st.security == "" {
		st.security = SecurityStartTLS
	}
	if st.auth == "" {
		st.auth = AuthNone
	}
	if st.timeout <= 0 {
		st.timeout = DefaultTimeout
	}
	if st.localName == "" {
		st.localName = "localhost"
	}
	if st.host == "" {
		return st, permanent("config", "no SMTP host")
	}
	switch st.security {
	case SecurityTLS, SecurityStartTLS:
	case SecurityNone:
		// Without TLS the message, and the password if there is one, cross
		// the network in the clear: acceptable only to a relay on this
		// machine. Checked before dialling, so nothing leaves it.
		if !loopback.Host(st.host) {
			return st, permanent("config", "security %q is allowed only to a loopback host, not %q", st.security, st.host)
		}
		if st.auth != AuthNone && !loopback.Host(st.host) {
			return st, permanent("config", "auth %q without TLS is allowed only to a loopback host", st.auth)
		}
	default:
		return st, permanent("config", "unknown security %q (want starttls, tls or none)", st.security)
	}
	port := s.Port
	if port == 0 {
		port = config.DefaultPort(string(st.security))
	}
	if port <= 0 || port > 65535 {
		return st, permanent("config", "port %d out of range", port)
	}
	st.addr = net.JoinHostPort(st.host, strconv.Itoa(port))

	switch st.auth {
	case AuthNone:
	case AuthPlain, AuthLogin:
		if s.Username == "" || s.Password == nil {
			return st, permanent("config", "auth %q needs a username and a password", st.auth)
		}
	case AuthXOAUTH2:
		if s.Username == "" || s.Tokens == nil {
			return st, permanent("config", "auth %q needs a username and a token source", st.auth)
		}
	default:
		return st, permanent("config", "unknown auth %q (want plain, login, xoauth2 or none)", st.auth)
	}
	return st, nil
}

// checkEnvelope refuses envelope addresses that go-smtp would refuse with
// an unclassified error, or that this package does not support: non-ASCII
// ones would need SMTPUTF8 (RFC 6531).
func checkEnvelope(op, addr string) error {
	if addr == "" {
		return permanent(op, "empty address")
	}
	for i := 0; i < len(addr); i++ {
		if c := addr[i]; c <= ' ' || c > '~' || c == '<' || c == '>' {
			return permanent(op, "address %q: only printable ASCII without spaces or angle brackets is supported", addr)
		}
	}
	return nil
}

// open dials, negotiates TLS, greets and authenticates.
func (s *SMTP) open(ctx context.Context) (*session, error) {
	st, err := s.settings()
	if err != nil {
		return nil, err
	}

	// Fetch the secret before dialling, so that a slow password command
	// or token refresh does not hold a connection the server may drop.
	var password, token string
	switch st.auth {
	case AuthPlain, AuthLogin:
		if password, err = s.Password(ctx); err != nil {
			return nil, classify(ctx, "credentials", fmt.Errorf("get password: %w", err))
		}
	case AuthXOAUTH2:
		if token, err = xoauth2.Token(s.Tokens); err != nil {
			return nil, classify(ctx, "credentials", err)
		}
	}

	dial := s.dial
	if dial == nil {
		d := &net.Dialer{Timeout: st.timeout}
		dial = d.DialContext
	}
	raw, err := dial(ctx, "tcp", st.addr)
	if err != nil {
		return nil, classify(ctx, "dial", err)
	}
	// Closing the connection is the only way to interrupt go-smtp, whose
	// calls take no context.
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	conn := &deadlineConn{Conn: raw, timeout: st.timeout}
	fail := func(op string, err error) (*session, error) {
		stop()
		raw.Close()
		return nil, classify(ctx, op, err)
	}

	tlsConfig := s.tlsConfig(st.host)
	var c *smtp.Client
	switch st.security {
	case SecurityTLS:
		tc := tls.Client(conn, tlsConfig)
		hctx, cancel := context.WithTimeout(ctx, st.timeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			return fail("tls", err)
		}
		c = smtp.NewClient(tc)
	case SecurityStartTLS:
		// NewClientStartTLS reads the greeting, sends EHLO and STARTTLS
		// with go-smtp's default 5-minute timeouts, before we can set
		// ours; conn caps them. It refuses a server that does not offer
		// STARTTLS rather than carrying on in plaintext.
		c, err = smtp.NewClientStartTLS(conn, tlsConfig)
		if err != nil {
			return fail("starttls", err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	c.CommandTimeout = st.timeout
	c.SubmissionTimeout = st.timeout

	// After STARTTLS this is the first exchange over TLS, so the handshake
	// (and a certificate that does not verify) shows up here.
	helloOp := "hello"
	if st.security == SecurityStartTLS {
		helloOp = "starttls"
	}
	if err := c.Hello(st.localName); err != nil {
		return fail(helloOp, err)
	}

	ss := &session{client: c, conn: conn, timeout: st.timeout, stop: stop}
	if st.auth != AuthNone {
		if err := s.authenticate(ctx, c, st.auth, password, token); err != nil {
			ss.close()
			return nil, err
		}
	}
	return ss, nil
}

func (s *SMTP) tlsConfig(host string) *tls.Config {
	cfg := &tls.Config{}
	if s.TLSConfig != nil {
		cfg = s.TLSConfig.Clone()
	}
	cfg.ServerName = host
	if cfg.MinVersion < tls.VersionTLS12 {
		cfg.MinVersion = tls.VersionTLS12
	}
	return cfg
}

func (s *SMTP) authenticate(ctx context.Context, c *smtp.Client, mech Auth, password, token string) error {
	if ok, _ := c.Extension("AUTH"); !ok {
		return permanent("auth", "the server offers no AUTH, so %s authentication is impossible", mech)
	}
	var err error
	switch mech {
	case AuthPlain:
		err = c.Auth(sasl.NewPlainClient("", s.Username, password))
	case AuthLogin:
		err = c.Auth(&loginClient{username: s.Username, password: password})
	case AuthXOAUTH2:
		// go-smtp cancels an exchange whose Next fails, so a second
		// challenge can be refused.
		xo := &xoauth2.Client{Username: s.Username, Token: token, AbortRepeat: true}
		err = c.Auth(xo)
		if rejected(err) && xoauth2.Invalidate(s.Tokens) {
			token, terr := xoauth2.Token(s.Tokens)
			if terr != nil {
				return classify(ctx, "credentials", terr)
			}
			xo = &xoauth2.Client{Username: s.Username, Token: token, AbortRepeat: true}
			err = c.Auth(xo)
		}
		if reason := xo.Reason(); err != nil && reason != "" {
			err = fmt.Errorf("%w (server said %s)", redactAuth(err), reason)
		}
	}
	if err != nil {
		return classify(ctx, "auth", redactAuth(err))
	}
	return nil
}

// redactAuth replaces the text of a server's reply to AUTH with a fixed
// one, keeping the reply code: a server that echoes the exchange would
// otherwise put the password or token into the log and into the outbox's
// last_error.
func redactAuth(err error) error {
	se, ok := errors.AsType[*smtp.SMTPError](err)
	if !ok {
		return err
	}
	msg := "authentication failed"
	if se.Code < 500 || se.Code >= 600 {
		msg = "authentication not completed"
	}
	return &smtp.SMTPError{Code: se.Code, EnhancedCode: se.EnhancedCode,
		Message: msg + " (the server's text is not shown, as it may repeat the credentials)"}
}

// rejected reports whether err is a permanent SMTP reply.
func rejected(err error) bool {
	se, ok := errors.AsType[*smtp.SMTPError](err)
	return ok && se.Code >= 500 && se.Code < 600
}

// deadlineConn caps every deadline set on it at timeout from now, so that
// no exchange can wait longer than SMTP.Timeout even where go-smtp applies
// its own, much longer, defaults. A zero deadline (none) passes through:
// go-smtp clears deadlines between commands.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) cap(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	if limit := time.Now().Add(c.timeout); t.After(limit) {
		return limit
	}
	return t
}

func (c *deadlineConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.cap(t)) }
func (c *deadlineConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.cap(t)) }
func (c *deadlineConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.cap(t)) }
