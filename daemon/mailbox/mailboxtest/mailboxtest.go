// Package mailboxtest runs an in-process IMAP server on loopback for tests:
// the mailbox package's own and end-to-end harnesses. It is go-imap's
// imapserver over imapmemserver, so clients meet a real IMAP4rev1 server
// (RFC 3501) with real TLS, STARTTLS and SASL exchanges, plus what the
// memory server lacks: an IDLE (RFC 2177) that reports changes made just
// before it started, Gmail's XOAUTH2, counters of logins and IDLEs, a copy
// of the wire, and a way to drop every connection as a failing network
// would.
package mailboxtest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"

	"github.com/leadup/leadup/internal/syncbuf"
)

// Options configure a Server.
type Options struct {
	// Username and Password are the one account's credentials, accepted
	// through LOGIN and AUTHENTICATE PLAIN.
	Username, Password string
	// TLS serves TLS from the first byte (RFC 8314), like port 993;
	// StartTLS offers STARTTLS (RFC 3501 §6.2.1), like port 143. Both use
	// the self-signed certificate in CertPool.
	TLS, StartTLS bool
	// Mechanisms are the AUTHENTICATE mechanisms offered, of "PLAIN" and
	// "XOAUTH2"; none means LOGIN only. XOAUTH2 is added when XOAUTH2Token
	// is set.
	Mechanisms []string
	// XOAUTH2Token, if set, is the bearer token AUTHENTICATE XOAUTH2
	// accepts for Username.
	XOAUTH2Token string
	// Caps are the extensions advertised beside IMAP4rev1, such as MOVE
	// and UIDPLUS. imapserver always advertises IDLE, UNSELECT and ENABLE.
	Caps []imap.Cap
	// NoIdle hides IDLE from the capabilities and refuses the command, as
	// a server without RFC 2177 would. It cannot be combined with
	// StartTLS, whose upgraded connection the server no longer sees.
	NoIdle bool
}

// Server is an IMAP server on 127.0.0.1 with one account and an INBOX.
// Its methods are safe for concurrent use.
type Server struct {
	opts Options
	mem  *imapmemserver.Server
	user *imapmemserver.User
	srv  *imapserver.Server
	ln   net.Listener
	port int
	pool *x509.CertPool

	logins atomic.Int32 // LOGIN and AUTHENTICATE attempts
	idles  atomic.Int32 // IDLE commands
	// idled is closed, and replaced, as each IDLE starts on the server,
	// which is a little after the client sees the continuation.
	idleMu sync.Mutex
	idled  chan struct{}

	wire syncbuf.Buffer

	mu    sync.Mutex
	conns []net.Conn

	closeOnce sync.Once
	closeErr  error
}

// NewServer starts a server listening on 127.0.0.1 at a free port, with
// an empty INBOX. Its certificate is generated afresh, self-signed, for
// 127.0.0.1 and "localhost". Close stops it.
func NewServer(o Options) (*Server, error) {
	if o.Username == "" {
		return nil, errors.New("mailboxtest: Options.Username is empty")
	}
	if o.NoIdle && o.StartTLS {
		return nil, errors.New("mailboxtest: NoIdle cannot be combined with StartTLS")
	}
	if o.XOAUTH2Token != "" && !slices.Contains(o.Mechanisms, "XOAUTH2") {
		o.Mechanisms = append(slices.Clone(o.Mechanisms), "XOAUTH2")
	}
	s := &Server{
		opts:  o,
		mem:   imapmemserver.New(),
		user:  imapmemserver.NewUser(o.Username, o.Password),
		idled: make(chan struct{}),
	}
	s.mem.AddUser(s.user)
	if err := s.user.Create("INBOX", nil); err != nil {
		return nil, fmt.Errorf("create INBOX: %w", err)
	}

	caps := imap.CapSet{imap.CapIMAP4rev1: {}}
	for _, c := range o.Caps {
		caps[c] = struct{}{}
	}
	var tlsCfg *tls.Config
	if o.TLS || o.StartTLS {
		cert, pool, err := selfSigned()
		if err != nil {
			return nil, err
		}
		s.pool = pool
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	so := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &session{s: s}, nil, nil
		},
		Caps: caps,
		// Plaintext authentication is what a loopback test server is for;
		// clients decide whether they allow it.
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
		DebugWriter:  &s.wire,
	}
	if o.StartTLS {
		so.TLSConfig = tlsCfg
	}
	s.srv = imapserver.New(so)

	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s.port = raw.Addr().(*net.TCPAddr).Port
	var ln net.Listener = &trackingListener{Listener: raw, s: s}
	if o.TLS {
		ln = tls.NewListener(ln, tlsCfg)
	}
	if o.NoIdle {
		// Above TLS, where the capabilities are in the clear.
		ln = idleHidingListener{ln}
	}
	s.ln = ln
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server and drops open connections.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = s.srv.Close()
		s.DropConns()
	})
	return s.closeErr
}

// Addr returns "127.0.0.1:port".
func (s *Server) Addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

// Port returns the port the server listens on.
func (s *Server) Port() int { return s.port }

// CertPool returns a pool holding the server's self-signed certificate,
// for a client's tls.Config.RootCAs; nil without TLS or StartTLS.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// Logins returns how many LOGIN and AUTHENTICATE attempts the server has
// seen, not counting those of Flags and Client.
func (s *Server) Logins() int { return int(s.logins.Load()) }

// Idles returns how many IDLE commands the server has started.
func (s *Server) Idles() int { return int(s.idles.Load()) }

// WaitForIdles blocks until the server has started at least n IDLE
// commands, or ctx ends.
func (s *Server) WaitForIdles(ctx context.Context, n int) error {
	for {
		s.idleMu.Lock()
		ch := s.idled
		s.idleMu.Unlock()
		if got := s.Idles(); got >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("server saw %d IDLE commands, want %d: %w", s.Idles(), n, ctx.Err())
		}
	}
}

// Wire returns everything the server has read and written so far, as
// imapserver's debug output (TLS decrypted).
func (s *Server) Wire() string { return s.wire.String() }

// CreateMailbox creates a mailbox, as a user would in their mail app.
func (s *Server) CreateMailbox(name string) error {
	if err := s.user.Create(name, nil); err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	return nil
}

// DeleteMailbox deletes a mailbox and its messages.
func (s *Server) DeleteMailbox(name string) error {
	if err := s.user.Delete(name); err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	return nil
}

// UIDValidity returns the mailbox's UIDVALIDITY.
func (s *Server) UIDValidity(mailbox string) (uint32, error) {
	st, err := s.user.Status(mailbox, &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		return 0, fmt.Errorf("status %s: %w", mailbox, err)
	}
	return st.UIDValidity, nil
}

// Append adds a message to mailbox as a delivery would, with the given
// internal date and flags, and returns its UID. Clients in IDLE on the
// mailbox learn of it within milliseconds.
func (s *Server) Append(mailbox string, raw []byte, date time.Time, flags ...imap.Flag) (imap.UID, error) {
	data, err := s.user.Append(mailbox, bytes.NewReader(raw), &imap.AppendOptions{Time: date, Flags: flags})
	if err != nil {
		return 0, fmt.Errorf("append to %s: %w", mailbox, err)
	}
	return data.UID, nil
}

// Flags returns the flags of every message in mailbox by UID, lower-cased
// and sorted, as a second client sees them.
func (s *Server) Flags(mailbox string) (map[imap.UID][]string, error) {
	c, err := s.Client()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return nil, fmt.Errorf("select %s: %w", mailbox, err)
	}
	bufs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch flags in %s: %w", mailbox, err)
	}
	got := map[imap.UID][]string{}
	for _, b := range bufs {
		fl := []string{}
		for _, f := range b.Flags {
			fl = append(fl, strings.ToLower(string(f)))
		}
		slices.Sort(fl)
		got[b.UID] = fl
	}
	if err := c.Logout().Wait(); err != nil {
		return nil, fmt.Errorf("logout: %w", err)
	}
	return got, nil
}

// Client returns a second, inspecting client, logged in with LOGIN. Its
// login is not counted by Logins. Close it when done.
func (s *Server) Client() (*imapclient.Client, error) {
	var (
		c   *imapclient.Client
		err error
	)
	switch {
	case s.opts.TLS:
		c, err = imapclient.DialTLS(s.Addr(), &imapclient.Options{TLSConfig: &tls.Config{RootCAs: s.pool}})
	case s.opts.StartTLS:
		c, err = imapclient.DialStartTLS(s.Addr(), &imapclient.Options{TLSConfig: &tls.Config{RootCAs: s.pool}})
	default:
		c, err = imapclient.DialInsecure(s.Addr(), nil)
	}
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	err = c.Login(s.opts.Username, s.opts.Password).Wait()
	s.logins.Add(-1)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("login: %w", err)
	}
	return c, nil
}

// DropConns closes every connection accepted so far, as a failing server
// or network would. The server goes on accepting new ones.
func (s *Server) DropConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

// trackingListener remembers the connections it accepts, for DropConns.
type trackingListener struct {
	net.Listener
	s *Server
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.s.mu.Lock()
		l.s.conns = append(l.s.conns, c)
		l.s.mu.Unlock()
	}
	return c, err
}

// idleHidingListener removes IDLE from the capabilities the server
// writes: imapserver advertises it unconditionally with IMAP4rev1.
type idleHidingListener struct{ net.Listener }

func (l idleHidingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return idleHidingConn{c}, nil
}

type idleHidingConn struct{ net.Conn }

// Write rewrites the lines that list capabilities: the untagged
// CAPABILITY response and the CAPABILITY response code (RFC 3501 §7.2.1,
// §7.1). imapserver writes each response through a buffer flushed at its
// end, so a line is not split across writes.
func (c idleHidingConn) Write(p []byte) (int, error) {
	if !bytes.Contains(p, []byte("CAPABILITY")) {
		return c.Conn.Write(p)
	}
	lines := bytes.SplitAfter(p, []byte("\r\n"))
	for i, line := range lines {
		if !bytes.Contains(line, []byte("CAPABILITY ")) {
			continue
		}
		line = bytes.ReplaceAll(line, []byte(" IDLE "), []byte(" "))
		line = bytes.ReplaceAll(line, []byte(" IDLE]"), []byte("]"))
		line = bytes.ReplaceAll(line, []byte(" IDLE\r\n"), []byte("\r\n"))
		lines[i] = line
	}
	if _, err := c.Conn.Write(bytes.Join(lines, nil)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// session is imapmemserver's session with counted logins, the SASL
// mechanisms of Options, and an IDLE that reports changes made before it
// started.
type session struct {
	*imapmemserver.UserSession // nil until logged in
	s                          *Server
}

func (se *session) Login(username, password string) error {
	se.s.logins.Add(1)
	if err := se.s.user.Login(username, password); err != nil {
		return err
	}
	se.UserSession = imapmemserver.NewUserSession(se.s.user)
	return nil
}

func (se *session) AuthenticateMechanisms() []string { return se.s.opts.Mechanisms }

func (se *session) Authenticate(mech string) (sasl.Server, error) {
	switch {
	case mech == sasl.Plain && slices.Contains(se.s.opts.Mechanisms, mech):
		return sasl.NewPlainServer(func(identity, username, password string) error {
			return se.Login(username, password)
		}), nil
	case mech == "XOAUTH2" && slices.Contains(se.s.opts.Mechanisms, mech):
		return &xoauth2Server{se: se}, nil
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
}

// Idle polls the mailbox. imapmemserver's own Idle reports only what is
// queued after it starts, so a message appended between the client's last
// command and its IDLE would wait for the next change; Dovecot and Gmail
// report it at once.
func (se *session) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	if se.s.opts.NoIdle {
		return &imap.Error{Type: imap.StatusResponseTypeBad, Text: "IDLE not supported"}
	}
	se.s.idles.Add(1)
	se.s.idleMu.Lock()
	close(se.s.idled)
	se.s.idled = make(chan struct{})
	se.s.idleMu.Unlock()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := se.UserSession.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-tick.C:
		}
	}
}

// xoauth2Server accepts Options.XOAUTH2Token and answers anything else as
// Gmail does: a JSON error as a challenge, then NO once the client has
// answered it.
type xoauth2Server struct {
	se     *session
	failed bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed {
		return nil, true, &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "Invalid credentials"}
	}
	x.se.s.logins.Add(1)
	var user, token string
	for _, kv := range strings.Split(string(resp), "\x01") {
		if v, ok := strings.CutPrefix(kv, "user="); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(kv, "auth=Bearer "); ok {
			token = v
		}
	}
	o := x.se.s.opts
	if o.XOAUTH2Token != "" && user == o.Username && token == o.XOAUTH2Token {
		x.se.UserSession = imapmemserver.NewUserSession(x.se.s.user)
		return nil, true, nil
	}
	x.failed = true
	return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
}

// selfSigned makes a certificate for the loopback names, valid from an
// hour ago (clock skew) for a day.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("generate key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "leadup test IMAP server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("create certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("parse certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
