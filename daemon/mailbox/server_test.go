package mailbox

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"

	"github.com/leadup/leadup/daemon/clock"
)

const (
	testUser     = "alice@example.com"
	testPassword = "correct horse battery staple"
	goodToken    = "ya29.fresh-token"
	// waitFor bounds every wait on an event: long enough for a loaded
	// machine running -race, short enough to fail a hung test quickly.
	waitFor = 10 * time.Second
)

// serverConfig describes a test IMAP server.
type serverConfig struct {
	// caps are the extensions advertised beside IMAP4rev1 (IDLE, UNSELECT
	// and ENABLE always are).
	caps []imap.Cap
	// mechs are the AUTHENTICATE mechanisms; none means LOGIN only.
	mechs []string
	// implicitTLS serves TLS from the first byte; startTLS offers
	// STARTTLS. Both use the certificate in the server's pool.
	implicitTLS, startTLS bool
}

// testServer is go-imap's imapmemserver on a loopback port, with hooks to
// count logins and IDLEs, capture the wire and drop connections.
type testServer struct {
	mem  *imapmemserver.Server
	user *imapmemserver.User
	srv  *imapserver.Server
	port int
	pool *x509.CertPool
	cfg  serverConfig

	logins atomic.Int32 // LOGIN and AUTHENTICATE attempts
	idles  atomic.Int32 // IDLE commands
	// idled is signalled as each IDLE starts on the server, which is a
	// little after the client sees the continuation.
	idled chan struct{}

	wire lockedBuffer

	mu    sync.Mutex
	conns []net.Conn
}

func newTestServer(t *testing.T, cfg serverConfig) *testServer {
	t.Helper()
	ts := &testServer{
		mem:   imapmemserver.New(),
		user:  imapmemserver.NewUser(testUser, testPassword),
		cfg:   cfg,
		idled: make(chan struct{}, 100),
	}

	ts.mem.AddUser(ts.user)
	if err := ts.user.Create("INBOX", nil); err != nil {
		t.Fatalf("Create(INBOX) = %v", err)
	}

	caps := imap.CapSet{imap.CapIMAP4rev1: {}}
	for _, c := range cfg.caps {
		caps[c] = struct{}{}
	}
	var tlsCfg *tls.Config
	if cfg.implicitTLS || cfg.startTLS {
		var cert tls.Certificate
		cert, ts.pool = selfSigned(t)
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &testSession{ts: ts}, nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
		DebugWriter:  &ts.wire,
	}
	if cfg.startTLS {
		opts.TLSConfig = tlsCfg
	}
	ts.srv = imapserver.New(opts)

	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("net.Listen() = %v", err)
	}
	ts.port = raw.Addr().(*net.TCPAddr).Port
	var ln net.Listener = trackingListener{raw, ts}
	if cfg.implicitTLS {
		ln = tls.NewListener(ln, tlsCfg)
	}
	go ts.srv.Serve(ln)
	t.Cleanup(func() { ts.srv.Close() })
	return ts
}

// trackingListener remembers the connections it accepts, so that a test
// can drop them as a failing server or network would.
type trackingListener struct {
	net.Listener
	ts *testServer
}

func (l trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.ts.mu.Lock()
		l.ts.conns = append(l.ts.conns, c)
		l.ts.mu.Unlock()
	}
	return c, err
}

// awaitIdles waits until the server has seen n IDLE commands.
func (ts *testServer) awaitIdles(t *testing.T, n int32) {
	t.Helper()
	deadline := time.After(waitFor)
	for ts.idles.Load() < n {
		select {
		case <-ts.idled:
		case <-deadline:
			t.Fatalf("server saw %d IDLE commands within %v, want %d", ts.idles.Load(), waitFor, n)
		}
	}
}

// dropConns closes every connection accepted so far.
func (ts *testServer) dropConns() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, c := range ts.conns {
		c.Close()
	}
	ts.conns = nil
}

// testSession is imapmemserver's session with counted logins, the SASL
// mechanisms of serverConfig, and an IDLE that reports changes made before
// it started.
type testSession struct {
	*imapmemserver.UserSession // nil until logged in
	ts                         *testServer
}

func (s *testSession) Login(username, password string) error {
	s.ts.logins.Add(1)
	if err := s.ts.user.Login(username, password); err != nil {
		return err
	}
	s.UserSession = imapmemserver.NewUserSession(s.ts.user)
	return nil
}

func (s *testSession) AuthenticateMechanisms() []string { return s.ts.cfg.mechs }

func (s *testSession) Authenticate(mech string) (sasl.Server, error) {
	switch {
	case mech == sasl.Plain && slices.Contains(s.ts.cfg.mechs, mech):
		return sasl.NewPlainServer(func(identity, username, password string) error {
			return s.Login(username, password)
		}), nil
	case mech == "XOAUTH2" && slices.Contains(s.ts.cfg.mechs, mech):
		return &xoauth2Server{s: s}, nil
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
}

// Idle polls the mailbox. imapmemserver's own Idle reports only what is
// queued after it starts, so a message appended between the client's last
// command and its IDLE would wait for the next change; Dovecot and Gmail
// report it at once.
func (s *testSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	s.ts.idles.Add(1)
	select {
	case s.ts.idled <- struct{}{}:
	default:
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := s.UserSession.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-tick.C:
		}
	}
}

// xoauth2Server accepts goodToken and answers anything else as Gmail does:
// a JSON error as a challenge, then NO once the client has answered it.
type xoauth2Server struct {
	s      *testSession
	failed bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed {
		return nil, true, &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "Invalid credentials"}
	}
	x.s.ts.logins.Add(1)
	var user, token string
	for _, kv := range strings.Split(string(resp), "\x01") {
		if v, ok := strings.CutPrefix(kv, "user="); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(kv, "auth=Bearer "); ok {
			token = v
		}
	}
	if user == testUser && token == goodToken {
		x.s.UserSession = imapmemserver.NewUserSession(x.s.ts.user)
		return nil, true, nil
	}
	x.failed = true
	return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
}

// appendMsg adds a message to mailbox as a delivery would.
func (ts *testServer) appendMsg(t *testing.T, mailbox, raw string, date time.Time, flags ...imap.Flag) imap.UID {
	t.Helper()
	data, err := ts.user.Append(mailbox, strings.NewReader(raw), &imap.AppendOptions{Time: date, Flags: flags})
	if err != nil {
		t.Fatalf("Append(%s) = %v", mailbox, err)
	}
	return data.UID
}

// flags returns the flags of every message in mailbox, lower-cased and
// sorted, by UID, as seen by a second client.
func (ts *testServer) flags(t *testing.T, mailbox string) map[imap.UID][]string {
	t.Helper()
	c := ts.client(t)
	defer c.Close()
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("Select(%s) = %v", mailbox, err)
	}
	bufs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatalf("Fetch(1:* FLAGS) in %s = %v", mailbox, err)
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
	return got
}

// client logs in a second, inspecting client. Its login is not counted.
func (ts *testServer) client(t *testing.T) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(fmt.Sprintf("127.0.0.1:%d", ts.port), nil)
	if err != nil {
		t.Fatalf("DialInsecure() = %v", err)
	}
	if err := c.Login(testUser, testPassword).Wait(); err != nil {
		t.Fatalf("inspecting client Login() = %v", err)
	}
	ts.logins.Add(-1)
	return c
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("GenerateKey() = %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "leadup test IMAP server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("CreateCertificate() = %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("ParseCertificate() = %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// lockedBuffer is a bytes.Buffer safe for the server's concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// message returns a small RFC 5322 message.
func message(id, body string) string {
	return "From: Bob <bob@example.com>\r\n" +
		"To: Alice <alice@example.com>\r\n" +
		"Subject: Re: follow-up\r\n" +
		"Date: Mon, 02 Jan 2006 15:04:05 +0000\r\n" +
		"Message-ID: <" + id + ">\r\n" +
		"\r\n" + body + "\r\n"
}

// memStore is an in-memory CheckpointStore that records every save.
type memStore struct {
	mu    sync.Mutex
	m     map[string][2]uint32
	saves int
}

func (s *memStore) LoadCheckpoint(_ context.Context, mailbox string) (uint32, uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.m[mailbox]
	return v[0], v[1], nil
}

func (s *memStore) SaveCheckpoint(_ context.Context, mailbox string, uidValidity, lastUID uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][2]uint32{}
	}
	s.m[mailbox] = [2]uint32{uidValidity, lastUID}
	s.saves++
	return nil
}

func (s *memStore) get(mailbox string) [2]uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[mailbox]
}

// recorder is a Handler that records what it is given and answers with
// decide (Ignore if nil).
type recorder struct {
	decide func(m Message, call int) Disposition
	ch     chan Message
	mu     sync.Mutex
	calls  map[uint32]int
}

func newRecorder(decide func(m Message, call int) Disposition) *recorder {
	return &recorder{decide: decide, ch: make(chan Message, 100), calls: map[uint32]int{}}
}

func (r *recorder) handle(_ context.Context, m Message) Disposition {
	r.mu.Lock()
	r.calls[m.UID]++
	call := r.calls[m.UID]
	r.mu.Unlock()
	r.ch <- m
	if r.decide == nil {
		return Ignore
	}
	return r.decide(m, call)
}

// next returns the next message handed over, failing after waitFor.
func (r *recorder) next(t *testing.T) Message {
	t.Helper()
	select {
	case m := <-r.ch:
		return m
	case <-time.After(waitFor):
		t.Fatalf("Handler not called within %v", waitFor)
		return Message{}
	}
}

// none fails if a message was handed over and not yet taken by next.
func (r *recorder) none(t *testing.T) {
	t.Helper()
	select {
	case m := <-r.ch:
		t.Fatalf("Handler called for UID %d, want no call", m.UID)
	default:
	}
}

// logRecorder is a slog.Handler that keeps every record as text.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
	attrs []slog.Attr
	root  *logRecorder
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Level, r.Message)
	for _, a := range h.attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	root := h.rootOf()
	root.mu.Lock()
	root.lines = append(root.lines, b.String())
	root.mu.Unlock()
	return nil
}

func (h *logRecorder) WithAttrs(as []slog.Attr) slog.Handler {
	return &logRecorder{attrs: append(slices.Clone(h.attrs), as...), root: h.rootOf()}
}

func (h *logRecorder) WithGroup(string) slog.Handler { return h }

func (h *logRecorder) rootOf() *logRecorder {
	if h.root != nil {
		return h.root
	}
	return h
}

func (h *logRecorder) text() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.lines, "\n")
}

// fixture is a Watcher wired to a test server, a fake clock, a recorder
// and a log.
type fixture struct {
	ts     *testServer
	w      *Watcher
	clock  *clock.Fake
	rec    *recorder
	store  *memStore
	logs   *logRecorder
	events chan string
}

// newFixture makes a Watcher for ts with the test defaults (plaintext to
// loopback, plain auth, IDLE, a fake clock), changed by mod.
func newFixture(t *testing.T, ts *testServer, rec *recorder, mod func(*Options)) *fixture {
	t.Helper()
	fx := &fixture{
		ts:     ts,
		clock:  clock.NewFake(time.Now()),
		rec:    rec,
		store:  &memStore{},
		logs:   &logRecorder{},
		events: make(chan string, 1000),
	}
	o := Options{
		Host:        "127.0.0.1",
		Port:        ts.port,
		Security:    SecurityNone,
		Auth:        AuthPlain,
		Username:    testUser,
		Password:    func(context.Context) (string, error) { return testPassword, nil },
		Idle:        true,
		Timeout:     waitFor,
		Clock:       fx.clock,
		Log:         slog.New(fx.logs),
		Checkpoints: fx.store,
	}
	if rec != nil {
		o.Handler = rec.handle
	}
	if mod != nil {
		mod(&o)
	}
	w, err := New(o)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	w.trace = func(e string) {
		select {
		case fx.events <- e:
		default:
		}
	}
	fx.w = w
	return fx
}

// run starts Run and returns a function that stops it and checks that it
// returned nil promptly; it is also registered as a cleanup.
func (fx *fixture) run(t *testing.T) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fx.w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run() = %v, want nil after cancel", err)
				}
			case <-time.After(waitFor):
				t.Errorf("Run() did not return within %v of cancel", waitFor)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// await waits for the watcher to reach event, skipping others.
func (fx *fixture) await(t *testing.T, event string) {
	t.Helper()
	deadline := time.After(waitFor)
	for {
		select {
		case e := <-fx.events:
			if e == event {
				return
			}
		case <-deadline:
			t.Fatalf("watcher did not reach %q within %v; log:\n%s", event, waitFor, fx.logs.text())
		}
	}
}
