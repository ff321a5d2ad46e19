// Package mailbox watches the user's IMAP mailbox (RFC 9051, RFC 3501) for
// replies to leadup's follow-ups and hands each new message to a Handler.
//
// Progress is kept as a checkpoint per mailbox, the mailbox's UIDVALIDITY and
// the highest UID fully dealt with, so that a restart resumes where the last
// run stopped (RFC 9051 §2.3.1.1: a UID means the same message for as long as
// UIDVALIDITY does not change). New mail is noticed with IDLE (RFC 2177) or,
// failing that, by polling.
//
// The watcher is careful with the user's mail: it fetches with BODY.PEEK so
// reading never sets \Seen, it changes the flags only of messages its Handler
// claimed, and it never deletes anything but the source of a message it has
// just copied to ProcessedMailbox, by UID.
package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"github.com/leadup/leadup/internal/loopback"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/config"
)

// Security is how the connection to the IMAP server is protected.
type Security string

// The kinds of Security.
const (
	// SecurityTLS is implicit TLS, on port 993 by default (RFC 8314).
	SecurityTLS Security = config.SecurityTLS
	// SecurityStartTLS upgrades a plaintext connection with STARTTLS
	// (RFC 9051 §6.2.1), on port 143 by default. A server that does not
	// offer STARTTLS is refused, never used in plaintext.
	SecurityStartTLS Security = config.SecurityStartTLS
	// SecurityNone speaks plaintext. It is allowed to loopback hosts only
	// (a local Dovecot, a test server).
	SecurityNone Security = config.SecurityNone
)

// Auth is how the watcher logs in.
type Auth string

// The kinds of Auth. IMAP has no anonymous access to a personal mailbox, so
// there is no "none".
const (
	// AuthPlain logs in with Username and Password: AUTHENTICATE PLAIN
	// (RFC 4616) when the server offers it, else the LOGIN command.
	AuthPlain Auth = config.AuthPlain
	// AuthXOAUTH2 logs in with Username and an OAuth 2.0 access token from
	// Tokens, as Gmail and Microsoft 365 require
	// (https://developers.google.com/gmail/imap/xoauth2-protocol).
	AuthXOAUTH2 Auth = config.AuthXOAUTH2
)

// Defaults for the zero values in Options.
const (
	DefaultMailbox = "INBOX"
	DefaultPoll    = time.Minute
	// DefaultReIdle stays well inside the 29 minutes after which RFC 2177
	// lets a server drop an idle client.
	DefaultReIdle  = 25 * time.Minute
	DefaultMaxSize = 2 << 20
	DefaultTimeout = 30 * time.Second
)

const (
	// maxReIdle is RFC 2177's limit: servers may log out a client idle for
	// more than 30 minutes, and clients should re-issue IDLE at least every
	// 29.
	maxReIdle = 29 * time.Minute
	// rescanWindow is how far back a first run, or a run after UIDVALIDITY
	// changed, looks for mail. The Handler deduplicates by Message-ID, so
	// handing it old messages again is safe; looking further back would only
	// cost time.
	rescanWindow = 7 * 24 * time.Hour
	// minBackoff and maxBackoff bound the wait between reconnections:
	// minBackoff after the first failure, doubling to maxBackoff.
	minBackoff = time.Second
	maxBackoff = 5 * time.Minute
	// fetchChunk is how many messages one metadata FETCH asks for, so that
	// a long absence does not turn into one command that outlives Timeout.
	fetchChunk = 100
)

// Options configures a Watcher. The zero value of each field is replaced by
// its default in New.
type Options struct {
	Host string
	// Port defaults to 993 for SecurityTLS and 143 otherwise.
	Port int
	// Security defaults to SecurityTLS. SecurityNone is refused unless Host
	// is a loopback address (127.0.0.0/8, ::1) or "localhost".
	Security Security
	// Auth defaults to AuthPlain.
	Auth     Auth
	Username string
	// Password returns the password for AuthPlain. It is called at each
	// login, so a rotated secret is picked up without a restart.
	Password func(ctx context.Context) (string, error)
	// Tokens supplies access tokens for AuthXOAUTH2. If it also has an
	// Invalidate() method, as googleauth.TokenSource does, a rejected token
	// is invalidated and a fresh one tried once on the same connection.
	Tokens oauth2.TokenSource
	// TLSConfig is an optional base TLS configuration (tests set RootCAs).
	// ServerName is always set to Host, and MinVersion raised to TLS 1.2.
	TLSConfig *tls.Config

	// Mailbox is the mailbox watched; DefaultMailbox if empty.
	Mailbox string
	// ProcessedMailbox, if set, is where handled messages are moved: with
	// MOVE (RFC 6851) if the server has it, else with COPY, \Deleted and a
	// UID EXPUNGE of just that message (RFC 4315). A server with neither
	// MOVE nor UIDPLUS cannot expunge one message without risking others
	// the user marked \Deleted, so there handled messages stay where they
	// are, marked \Seen. The mailbox is created if the server says it is
	// missing (TRYCREATE).
	ProcessedMailbox string

	// Idle makes the watcher wait for new mail with IDLE when the server
	// supports it, instead of polling.
	Idle bool
	// Poll is how often the mailbox is checked without IDLE, and how soon a
	// message the Handler asked to Retry is handed over again; DefaultPoll
	// if zero.
	Poll time.Duration
	// ReIdle is how often IDLE is stopped and re-issued, since servers and
	// middleboxes drop connections silent for too long; DefaultReIdle if
	// zero, at most 29 minutes (RFC 2177).
	ReIdle time.Duration
	// MaxSize is the largest message fetched; larger ones reach the
	// Handler with TooLarge set and no Raw. DefaultMaxSize if zero.
	MaxSize int64
	// Timeout bounds the dial, the TLS handshake, the login and each
	// command; DefaultTimeout if zero.
	Timeout time.Duration

	// Clock times the waits (polling, re-IDLE, reconnection backoff);
	// clock.System{} if nil. The per-command Timeout is a watchdog on the
	// network, not a wait, and runs on real time.
	Clock clock.Clock
	// Log receives connection events; nothing if nil. Message bodies,
	// passwords and tokens are never logged.
	Log *slog.Logger
	// Checkpoints keeps the progress across restarts. If nil, progress is
	// kept in memory only, and each start rescans the last seven days.
	Checkpoints CheckpointStore
	// Handler is called for each new message, one at a time, in UID order.
	// Run requires it; Delivered and Check do not.
	Handler func(ctx context.Context, m Message) Disposition
}

// Message is one message of the mailbox as handed to the Handler.
type Message struct {
	UID uint32
	// Raw is the full RFC 5322 message, fetched with BODY.PEEK[] so that
	// reading it does not set \Seen (RFC 9051 §6.4.5). It is nil if
	// TooLarge.
	Raw          []byte
	Size         int64 // RFC822.SIZE
	TooLarge     bool  // Size is over Options.MaxSize: Raw was not fetched
	InternalDate time.Time
}

// Disposition is the Handler's verdict on a message.
type Disposition int

// The Dispositions.
const (
	// Ignore means the message is not leadup's: it is left exactly as it
	// was, no flag touched.
	Ignore Disposition = iota
	// Handled means the message was leadup's and is processed: it is marked
	// \Seen, and moved to ProcessedMailbox if one is set.
	Handled
	// Retry means the message is leadup's but processing failed
	// transiently: it is left as it was and handed over again later. The
	// checkpoint does not move past it until it is Handled or Ignored.
	Retry
)

// String returns the disposition's name.
func (d Disposition) String() string {
	switch d {
	case Ignore:
		return "ignore"
	case Handled:
		return "handled"
	case Retry:
		return "retry"
	}
	return "Disposition(" + strconv.Itoa(int(d)) + ")"
}

// CheckpointStore keeps the watcher's progress in each mailbox.
type CheckpointStore interface {
	// LoadCheckpoint returns the last UIDVALIDITY and the highest UID fully
	// handled (0,0 if none).
	LoadCheckpoint(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error)
	// SaveCheckpoint records them.
	SaveCheckpoint(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error
}

// Watcher watches one mailbox. Run, Delivered and Check may be called
// concurrently: each uses its own connection.
type Watcher struct {
	// Probe is busy while the watcher hands messages over (a pass over the
	// mailbox), not while it waits for mail: the systemd watchdog reads it.
	Probe clock.Probe

	o           Options
	addr        string
	log         *slog.Logger
	checkpoints CheckpointStore
	// guard recovers a panic in a pass or in the Handler.
	guard *clock.Guard
	// backoff times the reconnections; a test may set its Rand.
	backoff clock.Backoff

	// trace, when set by a test, is told of the points where the watcher
	// waits ("idle", "poll", "backoff"), after the wait's
	// timer is armed, so that a test can advance a fake clock at the right
	// moment instead of sleeping.
	trace func(event string)
}

// New checks o, fills in the defaults and returns a Watcher. It makes no
// connection.
func New(o Options) (*Watcher, error) {
	if o.Host == "" {
		return nil, errors.New("mailbox: no IMAP host")
	}
	if o.Security == "" {
		o.Security = SecurityTLS
	}
	switch o.Security {
	case SecurityTLS, SecurityStartTLS:
	case SecurityNone:
		// Refused here, before any dial, so a password never crosses a
		// network in the clear because of a configuration slip.
		if !loopback.Host(o.Host) {
			return nil, fmt.Errorf("mailbox: security %q is allowed only to a loopback host, not %q", o.Security, o.Host)
		}
	default:
		return nil, fmt.Errorf("mailbox: unknown security %q (want tls, starttls or none)", o.Security)
	}
	if o.Port == 0 {
		o.Port = config.DefaultIMAPPort(string(o.Security))
	}
	if o.Port < 0 || o.Port > 65535 {
		return nil, fmt.Errorf("mailbox: port %d out of range", o.Port)
	}
	if o.Auth == "" {
		o.Auth = AuthPlain
	}
	if o.Username == "" {
		return nil, errors.New("mailbox: no IMAP username")
	}
	switch o.Auth {
	case AuthPlain:
		if o.Password == nil {
			return nil, errors.New("mailbox: auth plain needs a password")
		}
	case AuthXOAUTH2:
		if o.Tokens == nil {
			return nil, errors.New("mailbox: auth xoauth2 needs a token source")
		}
	default:
		return nil, fmt.Errorf("mailbox: unknown auth %q (want plain or xoauth2)", o.Auth)
	}
	if o.Mailbox == "" {
		o.Mailbox = DefaultMailbox
	}
	if o.ProcessedMailbox != "" && strings.EqualFold(o.ProcessedMailbox, o.Mailbox) {
		return nil, fmt.Errorf("mailbox: processed mailbox %q is the watched mailbox", o.ProcessedMailbox)
	}
	if o.Poll < 0 || o.ReIdle < 0 || o.MaxSize < 0 || o.Timeout < 0 {
		return nil, errors.New("mailbox: poll, re-idle, max size and timeout cannot be negative")
	}
	if o.Poll == 0 {
		o.Poll = DefaultPoll
	}
	if o.ReIdle == 0 {
		o.ReIdle = DefaultReIdle
	}
	if o.ReIdle > maxReIdle {
		return nil, fmt.Errorf("mailbox: re-idle %v is over the 29 minutes RFC 2177 allows", o.ReIdle)
	}
	if o.MaxSize == 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cp := o.Checkpoints
	if cp == nil {
		cp = &memCheckpoints{}
	}
	addr := net.JoinHostPort(o.Host, strconv.Itoa(o.Port))
	return &Watcher{
		o:           o,
		addr:        addr,
		log:         log.With("server", addr, "mailbox", o.Mailbox),
		checkpoints: cp,
		guard:       clock.NewGuard("mailbox watcher", o.Clock, log),
		backoff:     clock.Backoff{Base: minBackoff, Cap: maxBackoff},
	}, nil
}

// Run watches the mailbox until ctx ends, handing each new message to the
// Handler. A failed connection is logged and retried, forever, with a
// backoff from 1 s doubling to 5 min; a rejected login waits the full 5 min
// each time, since only a new password (a reload) can fix it. A panic in a
// pass is a failed connection, and one in the Handler ignores the message
// (see deliver). Run returns what stopped it, never nil:
// context.Cause(ctx) when ctx ends, and an error if Options.Handler is nil
// or if panics repeat.
func (w *Watcher) Run(ctx context.Context) error {
	if w.o.Handler == nil {
		return errors.New("mailbox: Run needs a Handler")
	}
	// failures counts the connections in a row that failed before a full
	// pass; a rejected login does not count, since it waits maxBackoff.
	failures := 0
	for ctx.Err() == nil {
		var progressed bool
		var err error
		if perr := w.guard.Do(func() { progressed, err = w.watch(ctx) }); perr != nil {
			err = perr
		}
		if gerr := w.guard.Err(); gerr != nil {
			return gerr
		}
		if ctx.Err() != nil {
			break
		}
		if progressed {
			failures = 0
		}
		var wait time.Duration
		if _, ok := errors.AsType[*authError](err); ok {
			wait = maxBackoff
			w.log.Error("IMAP login rejected; check the credentials", "user", w.o.Username, "err", err, "retry_in", wait)
		} else {
			// Jitter keeps a fleet of watchers that lost the same server
			// from hammering it in step when it comes back.
			failures++
			wait = w.backoff.Delay(failures)
			w.log.Warn("IMAP connection failed; reconnecting", "err", err, "retry_in", wait.Round(time.Millisecond))
		}
		if w.sleep(ctx, wait, "backoff") != nil {
			break
		}
	}
	return context.Cause(ctx)
}

// sleep waits for d on the clock, or until ctx ends.
func (w *Watcher) sleep(ctx context.Context, d time.Duration, event string) error {
	t := w.o.Clock.NewTimer(d)
	defer t.Stop()
	w.tracef(event)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	}
}

func (w *Watcher) tracef(event string) {
	if w.trace != nil {
		w.trace(event)
	}
}

// memCheckpoints is the CheckpointStore used when none is given.
type memCheckpoints struct {
	mu sync.Mutex
	m  map[string][2]uint32
}

func (s *memCheckpoints) LoadCheckpoint(_ context.Context, mailbox string) (uint32, uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.m[mailbox]
	return v[0], v[1], nil
}

func (s *memCheckpoints) SaveCheckpoint(_ context.Context, mailbox string, uidValidity, lastUID uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string][2]uint32)
	}
	s.m[mailbox] = [2]uint32{uidValidity, lastUID}
	return nil
}
