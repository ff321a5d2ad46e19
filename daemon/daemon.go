// Package daemon assembles leadup from its parts: it opens the store, builds
// the calendar source with its Google credentials, and runs the loops. The
// commands in cmd/leadup are thin layers over it, and tests start it without
// signals or a terminal.
package daemon

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/calendar/google"
	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/googleauth"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/store"
)

// Options are what the daemon needs besides its configuration.
type Options struct {
	Config    *config.Config
	Log       *slog.Logger // defaults to discarding
	Clock     clock.Clock  // defaults to the system clock
	UserAgent string       // sent to Google, e.g. "leadup/1.0"
}

// Daemon is an assembled leadup. Close it when done.
type Daemon struct {
	cfg     *config.Config
	log     *slog.Logger
	clock   clock.Clock
	store   *store.Store
	source  calendar.Source
	tracker *meeting.Tracker
}

// Open opens the store and builds the calendar source. It talks to no server:
// a missing or expired Google token shows up on the first sync.
func Open(ctx context.Context, o Options) (*Daemon, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	cfg := o.Config
	st, err := store.Open(ctx, filepath.Join(cfg.StateDir, store.FileName), store.Options{Now: o.Clock.Now, Log: o.Log})
	if err != nil {
		return nil, err
	}
	src, err := openGoogle(ctx, cfg, o)
	if err != nil {
		st.Close()
		return nil, err
	}
	d := &Daemon{cfg: cfg, log: o.Log, clock: o.Clock, store: st, source: src}
	d.tracker = meeting.NewTracker(meeting.TrackerOptions{
		Source: src,
		Store:  st,
		Rule:   meeting.NewRule(cfg.Bosses, cfg.Filter),
		Poll:   cfg.Google.Poll,
		Clock:  o.Clock,
		Log:    o.Log,
	})
	return d, nil
}

// openGoogle builds the Google Calendar source. Its HTTP client carries the
// saved OAuth token and writes back every refreshed one.
func openGoogle(ctx context.Context, cfg *config.Config, o Options) (*google.Source, error) {
	conf, err := googleauth.LoadClient(cfg.Google.ClientFile, googleauth.ScopeCalendarEventsReadonly)
	if err != nil {
		return nil, &config.Error{File: cfg.Path, Key: "google.client_file", Msg: err.Error(),
			Fix: "point it at the Desktop app OAuth client JSON downloaded from Google Cloud (see the README's Google setup)"}
	}
	ts, err := googleauth.NewTokenSource(ctx, conf, cfg.Google.TokenFile, o.Log)
	if err != nil {
		return nil, err
	}
	// Not oauth2.NewClient: it wraps the source in a ReuseTokenSource whose
	// cache Invalidate could not reach. Our TokenSource caches by itself.
	client := &http.Client{Transport: &oauth2.Transport{Source: ts, Base: http.DefaultTransport}}
	return google.New(ctx, google.Options{
		CalendarID: cfg.Google.Calendar,
		Lookahead:  cfg.Google.Lookahead,
		Endpoint:   cfg.Google.Endpoint,
		HTTPClient: client,
		Tokens:     ts,
		UserAgent:  o.UserAgent,
		Clock:      o.Clock,
		Log:        o.Log,
	})
}

// Close releases the store.
func (d *Daemon) Close() error { return d.store.Close() }

// SyncMeetings syncs the calendar once now.
func (d *Daemon) SyncMeetings(ctx context.Context) (meeting.SyncResult, error) {
	return d.tracker.Sync(ctx)
}

// UpcomingMeetings returns the active meetings with a boss that have not
// ended yet and start within the next `within`, earliest first.
func (d *Daemon) UpcomingMeetings(ctx context.Context, within time.Duration) ([]meeting.Meeting, error) {
	now := d.clock.Now()
	return d.store.Meetings(ctx, store.Query{From: now, To: now.Add(within), Statuses: []meeting.Status{meeting.Active}})
}

// LastSync returns when the calendar was last synced, per the store.
func (d *Daemon) LastSync(ctx context.Context) (time.Time, error) {
	st, err := d.store.SyncState(ctx, d.source.Name())
	if err != nil {
		return time.Time{}, err
	}
	return st.SyncedAt, nil
}
