package mailbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/mailbox/mailboxtest"
)

const (
	testUser     = "alice@example.com"
	testPassword = "correct horse battery staple"
	goodToken    = "ya29.fresh-token"
	// waitFor bounds every wait on an event: long enough for a loaded
	// machine running -race, short enough to fail a hung test quickly.
	waitFor = 10 * time.Second
)

// testServer is a mailboxtest server with helpers that fail the test.
type testServer struct{ *mailboxtest.Server }

// newTestServer starts a server for testUser, stopped when the test ends.
func newTestServer(t *testing.T, o mailboxtest.Options) *testServer {
	t.Helper()
	if o.Username == "" {
		o.Username, o.Password = testUser, testPassword
	}
	srv, err := mailboxtest.NewServer(o)
	if err != nil {
		t.Fatalf("mailboxtest.NewServer() = %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return &testServer{srv}
}

// awaitIdles waits until the server has seen n IDLE commands.
func (ts *testServer) awaitIdles(t *testing.T, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := ts.WaitForIdles(ctx, n); err != nil {
		t.Fatalf("WaitForIdles(%d) = %v", n, err)
	}
}

// appendMsg adds a message to mailbox as a delivery would.
func (ts *testServer) appendMsg(t *testing.T, mailbox, raw string, date time.Time, flags ...imap.Flag) imap.UID {
	t.Helper()
	uid, err := ts.Append(mailbox, []byte(raw), date, flags...)
	if err != nil {
		t.Fatalf("Append(%s) = %v", mailbox, err)
	}
	return uid
}

// flags returns the flags of every message in mailbox, lower-cased and
// sorted, by UID, as seen by a second client.
func (ts *testServer) flags(t *testing.T, mailbox string) map[imap.UID][]string {
	t.Helper()
	got, err := ts.Flags(mailbox)
	if err != nil {
		t.Fatalf("Flags(%s) = %v", mailbox, err)
	}
	return got
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
		Port:        ts.Port(),
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
// returned context.Canceled promptly; it is also registered as a cleanup.
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
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Run() = %v, want context.Canceled after cancel", err)
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
