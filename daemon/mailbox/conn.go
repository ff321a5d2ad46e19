package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"github.com/leadup/leadup/daemon/xoauth2"
)

// logoutTimeout bounds the LOGOUT sent when a session ends: it is a
// courtesy, and shutting down must not wait long on a dead server.
const logoutTimeout = 5 * time.Second

// session is one logged-in connection to the server.
type session struct {
	c       *imapclient.Client
	caps    imap.CapSet
	timeout time.Duration
	// exists is signalled when the server reports the selected mailbox's
	// message count unasked, which is how new mail shows up (an EXISTS
	// response, RFC 9051 §7.4.1), during IDLE or after any command.
	exists chan struct{}

	uidValidity uint32
	uidNext     imap.UID

	warnedNoMove bool
}

// connect dials the server, logs in and learns its capabilities.
func (w *Watcher) connect(ctx context.Context) (*session, error) {
	s := &session{timeout: w.o.Timeout, exists: make(chan struct{}, 1)}
	opts := &imapclient.Options{
		TLSConfig: w.tlsConfig(),
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			// Called on imapclient's reader goroutine, which it blocks:
			// only signal.
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages == nil {
					return
				}
				select {
				case s.exists <- struct{}{}:
				default:
				}
			},
		},
	}
	c, err := w.dial(ctx, opts)
	if err != nil {
		return nil, err
	}
	s.c = c
	if err := s.do(ctx, "greeting", c.WaitGreeting); err != nil {
		c.Close()
		return nil, err
	}
	if err := w.login(ctx, s); err != nil {
		c.Close()
		return nil, err
	}
	// Capabilities change with authentication (RFC 9051 §7.2.2): IDLE,
	// MOVE and UIDPLUS are often listed only once logged in.
	if s.caps, err = s.capability(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return s, nil
}

// dial opens the connection and, for SecurityTLS and SecurityStartTLS,
// completes the TLS handshake, all within Timeout.
func (w *Watcher) dial(ctx context.Context, opts *imapclient.Options) (*imapclient.Client, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, w.o.Timeout, fmt.Errorf("no answer within %v", w.o.Timeout))
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", w.addr)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	switch w.o.Security {
	case SecurityTLS:
		cfg := opts.TLSConfig.Clone()
		if cfg.NextProtos == nil {
			cfg.NextProtos = []string{"imap"} // the ALPN id, as imapclient.DialTLS sends
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("tls handshake: %w", err)
		}
		return imapclient.New(tc, opts), nil
	case SecurityStartTLS:
		// NewStartTLS runs STARTTLS and the handshake with no context;
		// closing the connection is what unblocks it. A server that does
		// not offer STARTTLS answers BAD, and we go no further: falling
		// back to plaintext would hand the password to anyone on the path.
		type result struct {
			c   *imapclient.Client
			err error
		}
		done := make(chan result, 1)
		go func() {
			c, err := imapclient.NewStartTLS(conn, opts)
			done <- result{c, err}
		}()
		select {
		case r := <-done:
			if r.err != nil {
				return nil, fmt.Errorf("starttls: %w", r.err)
			}
			return r.c, nil
		case <-ctx.Done():
			conn.Close()
			if r := <-done; r.c != nil {
				r.c.Close()
			}
			return nil, fmt.Errorf("starttls: %w", context.Cause(ctx))
		}
	default:
		return imapclient.New(conn, opts), nil
	}
}

func (w *Watcher) tlsConfig() *tls.Config {
	cfg := &tls.Config{}
	if w.o.TLSConfig != nil {
		cfg = w.o.TLSConfig.Clone()
	}
	cfg.ServerName = w.o.Host
	if cfg.MinVersion < tls.VersionTLS12 {
		cfg.MinVersion = tls.VersionTLS12
	}
	return cfg
}

// authError is a login the server refused. Retrying soon cannot help: the
// credentials have to change first.
type authError struct {
	err    error
	reason string // from an XOAUTH2 challenge, see xoauth2.Reason
}

// Error shows of the server's NO or BAD only its type and response code:
// a server that repeats the command in its text would otherwise put the
// password into the log.
func (e *authError) Error() string {
	if ie, ok := errors.AsType[*imap.Error](e.err); ok {
		msg := "login rejected: " + string(ie.Type)
		if ie.Code != "" {
			msg += " [" + string(ie.Code) + "]"
		}
		msg += " (the server's text is not shown, as it may repeat the credentials)"
		if e.reason != "" {
			msg += " (server said " + e.reason + ")"
		}
		return msg
	}
	return "login rejected: " + e.err.Error()
}
func (e *authError) Unwrap() error { return e.err }

// asAuthError marks a NO or BAD reply to LOGIN or AUTHENTICATE as an
// authError; other failures (the connection dropped) stay as they are.
func asAuthError(err error) error {
	if rejected(err) {
		return &authError{err: err}
	}
	return err
}

// rejected reports whether err carries the server's NO or BAD.
func rejected(err error) bool {
	_, ok := errors.AsType[*imap.Error](err)
	return ok
}

func (w *Watcher) login(ctx context.Context, s *session) error {
	// A PREAUTH greeting (RFC 9051 §7.1.4) means the server already knows
	// who we are. imapclient refuses one on a STARTTLS connection, where it
	// would skip the upgrade.
	if s.c.State() == imap.ConnStateAuthenticated {
		return nil
	}
	caps, err := s.capability(ctx)
	if err != nil {
		return err
	}
	if w.o.Auth == AuthXOAUTH2 {
		return w.loginXOAUTH2(ctx, s, caps)
	}
	pw, err := w.o.Password(ctx)
	if err != nil {
		return fmt.Errorf("get IMAP password: %w", err)
	}
	switch {
	case caps.Has(imap.AuthCap(sasl.Plain)):
		// AUTHENTICATE PLAIN carries any UTF-8 password, where LOGIN's
		// arguments are strings the server may read as ASCII.
		err = s.do(ctx, "authenticate PLAIN", func() error {
			return s.c.Authenticate(sasl.NewPlainClient("", w.o.Username, pw))
		})
	case caps.Has(imap.CapLoginDisabled):
		return &authError{err: errors.New("the server offers neither AUTHENTICATE PLAIN nor LOGIN")}
	default:
		err = s.do(ctx, "login", func() error {
			return s.c.Login(w.o.Username, pw).Wait()
		})
	}
	return asAuthError(err)
}

func (w *Watcher) loginXOAUTH2(ctx context.Context, s *session, caps imap.CapSet) error {
	if !caps.Has(imap.AuthCap("XOAUTH2")) {
		return &authError{err: errors.New("the server does not offer AUTHENTICATE XOAUTH2")}
	}
	token, err := xoauth2.Token(w.o.Tokens)
	if err != nil {
		return err
	}
	// Not AbortRepeat: imapclient gives up on Next's error without
	// answering, which would leave the connection unusable.
	xo := &xoauth2.Client{Username: w.o.Username, Token: token}
	err = s.do(ctx, "authenticate XOAUTH2", func() error { return s.c.Authenticate(xo) })
	if rejected(err) && xoauth2.Invalidate(w.o.Tokens) {
		if token, err = xoauth2.Token(w.o.Tokens); err != nil {
			return err
		}
		xo = &xoauth2.Client{Username: w.o.Username, Token: token}
		err = s.do(ctx, "authenticate XOAUTH2", func() error { return s.c.Authenticate(xo) })
	}
	if reason := xo.Reason(); err != nil && reason != "" {
		if rejected(err) {
			return &authError{err: err, reason: reason}
		}
		return fmt.Errorf("%w (server said %s)", err, reason)
	}
	return asAuthError(err)
}

// do runs fn, which waits on the server, bounded by ctx and Timeout.
func (s *session) do(ctx context.Context, op string, fn func() error) error {
	return s.doWithin(ctx, s.timeout, op, fn)
}

func (s *session) doWithin(ctx context.Context, d time.Duration, op string, fn func() error) error {
	ctx, cancel := context.WithTimeoutCause(ctx, d, fmt.Errorf("no answer within %v", d))
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// go-imap v2's commands take no context, and its own read timeout
		// is off while a command waits. Closing the connection fails every
		// pending command, which is what unblocks fn; the session is dead
		// after this anyway.
		s.c.Close()
		<-done
		err = context.Cause(ctx)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

func (s *session) capability(ctx context.Context) (imap.CapSet, error) {
	var caps imap.CapSet
	err := s.do(ctx, "capability", func() (err error) {
		caps, err = s.c.Capability().Wait()
		return err
	})
	return caps, err
}

// selectMailbox opens name with SELECT, or with EXAMINE if readOnly
// (RFC 9051 §6.3.3), which changes nothing, not even \Recent.
func (s *session) selectMailbox(ctx context.Context, name string, readOnly bool) error {
	op := "select " + name
	if readOnly {
		op = "examine " + name
	}
	var data *imap.SelectData
	err := s.do(ctx, op, func() (err error) {
		data, err = s.c.Select(name, &imap.SelectOptions{ReadOnly: readOnly}).Wait()
		return err
	})
	if err != nil {
		return err
	}
	if data.UIDValidity == 0 {
		// RFC 9051 §6.3.2 makes UIDVALIDITY a required part of the reply;
		// a checkpoint without it would mean nothing.
		return fmt.Errorf("%s: the server sent no UIDVALIDITY", op)
	}
	s.uidValidity, s.uidNext = data.UIDValidity, data.UIDNext
	return nil
}

// search runs UID SEARCH and returns the UIDs found, in ascending order.
func (s *session) search(ctx context.Context, op string, criteria *imap.SearchCriteria) ([]imap.UID, error) {
	var data *imap.SearchData
	err := s.do(ctx, op, func() (err error) {
		data, err = s.c.UIDSearch(criteria, nil).Wait()
		return err
	})
	if err != nil {
		return nil, err
	}
	set, _ := data.All.(imap.UIDSet)
	// Nums rather than AllUIDs, which panics on a set with "*" in it: a
	// server bug should not take the daemon down.
	uids, ok := set.Nums()
	if !ok {
		return nil, fmt.Errorf("%s: the server answered with a range ending in *", op)
	}
	slices.Sort(uids)
	return slices.Compact(uids), nil
}

// logout ends the session politely, within logoutTimeout, and closes the
// connection.
func (s *session) logout() {
	_ = s.doWithin(context.Background(), min(s.timeout, logoutTimeout), "logout", func() error {
		return s.c.Logout().Wait()
	})
	s.c.Close()
}
