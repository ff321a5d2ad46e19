// Package daemon assembles leadup from its parts: it opens the store, builds
// the calendar source with its Google credentials, the scheduler, the
// composer and the outbox's deliverer, and runs the loops. The commands in
// cmd/leadup are thin layers over it, and tests start it without signals or
// a terminal.
//
// Open wires the parts with plain functions (openCalendar, openMailbox,
// openSender…), which Check, behind `leadup check`, calls one at a time and
// tries once, so its verdicts are about exactly what the daemon would run.
// Close tears them down by name, last opened first (lifecycle.go).
//
// Serve is the daemon's life under systemd (serve.go):
//
//   - Ready (READY=1) once the store is open, the configuration valid and
//     the first calendar sync attempted; the scheduler's plan feeds STATUS=.
//   - Watchdog: each loop carries a clock.Probe, the time its current step
//     began. WATCHDOG=1 is sent every half interval only while no loop has
//     been inside one step for longer than WatchdogSec, so a hung SMTP
//     exchange or a deadlock gets leadup restarted.
//   - Reload (SIGHUP): RELOADING=1, then the file is loaded and a second
//     Daemon opened beside the running one; only if that works are the old
//     loops stopped between two steps and the new ones started. A broken
//     file is logged and changes nothing.
//   - Stop (SIGTERM): STOPPING=1, the loops' context ends, an SMTP exchange
//     under way finishes on its detached context and is recorded, the store
//     closes. A loop that stops for any other reason stops the daemon, and
//     systemd restarts it.
package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/calendar/caldav"
	"github.com/leadup/leadup/daemon/calendar/google"
	"github.com/leadup/leadup/daemon/calendar/graph"
	"github.com/leadup/leadup/daemon/calendar/ics"
	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/compose"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/googleauth"
	"github.com/leadup/leadup/daemon/ingest"
	"github.com/leadup/leadup/daemon/mail"
	"github.com/leadup/leadup/daemon/mailbox"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/msauth"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/replytoken"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
	"github.com/leadup/leadup/daemon/systemd"
)

// Options are what the daemon needs besides its configuration.
type Options struct {
	Config    *config.Config
	Log       *slog.Logger // defaults to discarding
	Clock     clock.Clock  // defaults to the system clock
	UserAgent string       // sent to Google, e.g. "leadup/1.0"
	// Sender overrides the SMTP client built from the configuration (tests).
	Sender outbox.Sender
	// Crash, if set, is called at the crash points of the scheduler and the
	// outbox; crash tests kill the process there.
	Crash func(point string)
	// RetryBackoff overrides the outbox's retry backoff (tests).
	RetryBackoff func(attempts int) time.Duration
	// MailboxTLS, if set, is the base TLS configuration of the IMAP
	// connection (tests trust their own certificate with it).
	MailboxTLS *tls.Config
	// Notifier, if set, tells systemd about readiness, status, stopping,
	// and pings its watchdog (see Run).
	Notifier *systemd.Notifier
	// ReadOnly assembles the daemon for the commands that only report on
	// the state (status, items, log, preview, meetings -offline), so that
	// they work on a read-only state directory, beside a running daemon,
	// and as another user: see Open.
	ReadOnly bool
}

// Daemon is an assembled leadup. Close it when done.
type Daemon struct {
	cfg       *config.Config
	log       *slog.Logger
	clock     clock.Clock
	store     *store.Store
	tokens    *googleauth.TokenSource
	source    calendar.Source
	tracker   *meeting.Tracker
	composer  *compose.Composer
	scheduler *schedule.Scheduler
	deliverer *outbox.Deliverer
	ingester  *ingest.Ingester
	sender    outbox.Sender
	watcher   *mailbox.Watcher // nil without [imap]
	notifier  *systemd.Notifier
	opts      Options // as given to Open, to open the daemon again on reload
	closeOnce sync.Once
	closeErr  error

	// throwawayKey is set when a read-only daemon found no reply token
	// key and mints with a key kept nowhere (see ThrowawayReplyKey).
	throwawayKey bool
}

// Open opens the store and assembles the daemon. It talks to no server: a
// missing or expired Google token shows up on the first sync. A missing or
// broken email template is an error here, not when a message is due.
//
// With o.ReadOnly it creates, changes and writes nothing: see openReadOnly.
func Open(ctx context.Context, o Options) (*Daemon, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	cfg := o.Config
	rnd, err := render.New(cfg.TemplatesDir)
	if err != nil {
		return nil, &config.Error{File: cfg.Path, Key: "templates_dir", Msg: err.Error(), Fix: "fix or remove the template named"}
	}
	if o.ReadOnly {
		return openReadOnly(ctx, o, rnd)
	}
	if err := ensurePrivateDir(cfg.StateDir, o.Log); err != nil {
		return nil, err
	}
	minter, err := replytoken.LoadOrCreate(cfg.StateDir, o.Log)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, filepath.Join(cfg.StateDir, store.FileName), store.Options{Now: o.Clock.Now, Log: o.Log})
	if err != nil {
		return nil, err
	}
	d := &Daemon{cfg: cfg, log: o.Log, clock: o.Clock, store: st, notifier: o.Notifier, opts: o}
	if d.tokens, d.source, err = openCalendarAndTokens(ctx, o); err != nil {
		st.Close()
		return nil, err
	}

	var verifier outbox.Verifier
	if cfg.HasIMAP() {
		if d.watcher, err = openMailbox(o, d.tokens, st, d.handleMail); err != nil {
			st.Close()
			return nil, err
		}
		verifier = d.watcher
	}
	d.sender, verifier = openSender(o, d.tokens, verifier)
	d.deliverer = outbox.NewDeliverer(outbox.Options{
		Store:       st,
		Sender:      d.sender,
		Verifier:    verifier,
		IsPermanent: mail.IsPermanent,
		Clock:       o.Clock,
		Log:         o.Log,
		Crash:       o.Crash,
		Backoff:     o.RetryBackoff,
	})
	d.composer = compose.New(compose.Options{Config: cfg, Render: rnd, Store: st, Tokens: minter, Now: o.Clock.Now, Queued: d.deliverer.Kick})
	d.ingester = ingest.New(ingest.Options{Config: cfg, Store: st, Tokens: minter, Confirm: d.composer, Now: o.Clock.Now, Log: o.Log,
		TemplateHeadings: rnd.FollowupHeadings()})
	d.scheduler = schedule.New(schedule.Options{
		Store:    st,
		Composer: d.composer,
		Config:   scheduleConfig(cfg),
		Clock:    o.Clock,
		Log:      o.Log,
		Queued:   d.deliverer.Kick,
		Crash:    o.Crash,
		Planned:  d.status,
	})
	d.tracker = meeting.NewTracker(meeting.TrackerOptions{
		Source:   d.source,
		Store:    st,
		Rule:     meeting.NewRule(cfg.Bosses, cfg.Filter),
		Poll:     cfg.Calendar.Poll,
		Clock:    o.Clock,
		Log:      o.Log,
		OnChange: func([]meeting.Change) { d.scheduler.Kick() },
		AfterSync: func(r meeting.SyncResult) {
			// A full sync of a busy calendar briefly needs tens of MB that
			// the daemon then idles without for days: hand them back now
			// rather than when the scavenger gets round to it.
			if r.Full && r.Events >= fullSyncFreeThreshold {
				debug.FreeOSMemory()
			}
		},
	})
	return d, nil
}

// openReadOnly assembles the part of the daemon the reporting commands use:
// the store, opened with store.OpenReadOnly, the calendar source (for its
// name) and the composer (for previews). It builds nothing that writes:
// no tracker, scheduler, outbox deliverer, ingester or mailbox watcher, and
// the methods that would need them return an error wrapping
// store.ErrReadOnly. A state directory or key others can read is warned
// about, not fixed: "leadup run" fixes it.
//
// A missing reply token key is not created either: the composer mints with
// a throwaway key instead, and ThrowawayReplyKey says so, since a preview
// then shows tokens and a talking-points address no leadup accepts.
func openReadOnly(ctx context.Context, o Options, rnd *render.Renderer) (*Daemon, error) {
	cfg := o.Config
	warnOpenDir(cfg.StateDir, o.Log)
	st, err := store.OpenReadOnly(ctx, filepath.Join(cfg.StateDir, store.FileName), store.Options{Now: o.Clock.Now, Log: o.Log})
	if err != nil {
		return nil, err
	}
	d := &Daemon{cfg: cfg, log: o.Log, clock: o.Clock, store: st, notifier: o.Notifier, opts: o}
	minter, err := replytoken.Load(cfg.StateDir, o.Log)
	if errors.Is(err, fs.ErrNotExist) {
		o.Log.Info("no reply token key in the state directory; minting with a throwaway key",
			"path", filepath.Join(cfg.StateDir, replytoken.KeyFile))
		minter, d.throwawayKey = replytoken.Throwaway(), true
	} else if err != nil {
		st.Close()
		return nil, err
	}
	if d.tokens, d.source, err = openCalendarAndTokens(ctx, o); err != nil {
		st.Close()
		return nil, err
	}
	d.composer = compose.New(compose.Options{Config: cfg, Render: rnd, Store: st, Tokens: minter, Now: o.Clock.Now})
	return d, nil
}

// writable returns an error wrapping store.ErrReadOnly, naming what was
// asked for, if the daemon was opened with Options.ReadOnly: the parts that
// would do it were never built.
func (d *Daemon) writable(what string) error {
	if !d.opts.ReadOnly {
		return nil
	}
	return fmt.Errorf("%s: %w: %s", what, store.ErrReadOnly, filepath.Join(d.cfg.StateDir, store.FileName))
}

// idleGCPercent is the GOGC leadup runs with unless told otherwise.
const idleGCPercent = 25

// TuneGC sets the garbage collector's goal for leadup: the daemon idles
// with a live heap of a few MB and allocates little between polls, so a
// tight goal costs milliseconds of CPU an hour and keeps its memory near
// what it uses; and a command that reads a large calendar peaks a third
// lower. GOGC in the environment wins.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(idleGCPercent)
	}
}

// fullSyncFreeThreshold is the size of full sync after which the daemon
// returns its freed memory to the system at once.
const fullSyncFreeThreshold = 500

func scheduleConfig(cfg *config.Config) schedule.Config {
	sc := schedule.Config{Leads: cfg.Brief.Before, FollowupAfter: cfg.Followup.After, ChangeNotices: cfg.Brief.ChangeNotices,
		Digest: cfg.Digest.Enabled, DigestWeekly: cfg.Digest.Weekly, Location: cfg.Location, Nudges: cfg.Nudge.Enabled,
		MeetingsPerBossPerDay: cfg.Limits.MeetingsPerBossPerDay, EmailsPerBossPerDay: cfg.Limits.EmailsPerBossPerDay,
		OverdueFollowupsPerBoss: cfg.Limits.OverdueFollowupsPerBoss}
	for _, b := range cfg.Bosses {
		sc.Cadences = append(sc.Cadences, schedule.Cadence{Boss: b.Name, Every: b.OneOnOneEvery})
	}
	return sc
}

// The wiring below is free functions: each builds one part from the
// configuration and what it is given, and returns it. Open and Check both
// build the parts with them, so that check's verdicts are about exactly
// what the daemon runs.

// openCalendarAndTokens builds the Google token source, when the calendar
// or the mail sign-in needs one (nil otherwise), and the calendar source
// the configuration o.Config names.
func openCalendarAndTokens(ctx context.Context, o Options) (*googleauth.TokenSource, calendar.Source, error) {
	var tokens *googleauth.TokenSource
	if needsGoogle(o.Config) {
		var err error
		if tokens, err = openTokens(ctx, o.Config, o.Log); err != nil {
			return nil, nil, err
		}
	}
	src, err := openCalendar(ctx, o, tokens)
	if err != nil {
		return nil, nil, err
	}
	return tokens, src, nil
}

// openCalendar builds the calendar source o.Config names; a Google one
// needs the token source.
func openCalendar(ctx context.Context, o Options, tokens *googleauth.TokenSource) (calendar.Source, error) {
	switch o.Config.Calendar.Source {
	case config.SourceICS:
		return openICS(ctx, o)
	case config.SourceCalDAV:
		return openCalDAV(ctx, o)
	case config.SourceMicrosoft:
		return openGraph(ctx, o)
	}
	return openGoogle(ctx, o, tokens)
}

// needsGoogle reports whether leadup signs in to Google: for the calendar,
// or for the mail with XOAUTH2.
func needsGoogle(cfg *config.Config) bool {
	return cfg.Calendar.Source == config.SourceGoogle || cfg.NeedsGoogleMailScope()
}

// openTokens loads the OAuth client and the saved token.
func openTokens(ctx context.Context, cfg *config.Config, log *slog.Logger) (*googleauth.TokenSource, error) {
	var scopes []string
	if cfg.Calendar.Source == config.SourceGoogle {
		scopes = append(scopes, googleauth.ScopeCalendarEventsReadonly)
	}
	if cfg.NeedsGoogleMailScope() {
		scopes = append(scopes, googleauth.ScopeMail)
	}
	conf, err := googleauth.LoadClient(cfg.Google.ClientFile, scopes...)
	if err != nil {
		return nil, &config.Error{File: cfg.Path, Key: "google.client_file", Msg: err.Error(),
			Fix: "point it at the Desktop app OAuth client JSON downloaded from Google Cloud (see the README's Google setup)"}
	}
	return googleauth.NewTokenSource(ctx, conf, cfg.Google.TokenFile, log)
}

// openGoogle builds the Google Calendar source: one calendar, or several
// merged (calendar.Merged), the user's own first. Its HTTP client carries
// the saved OAuth token and writes back every refreshed one.
func openGoogle(ctx context.Context, o Options, tokens *googleauth.TokenSource) (calendar.Source, error) {
	cfg := o.Config
	// Not oauth2.NewClient: it wraps the source in a ReuseTokenSource whose
	// cache Invalidate could not reach. Our TokenSource caches by itself.
	client := &http.Client{Transport: &oauth2.Transport{Source: tokens, Base: http.DefaultTransport}}
	ids := cfg.Calendar.Calendars
	if len(ids) == 0 {
		ids = []string{cfg.Google.Calendar}
	}
	var srcs []calendar.Source
	for _, id := range ids {
		src, err := google.New(ctx, google.Options{
			CalendarID: id,
			Lookahead:  cfg.Calendar.Lookahead,
			Endpoint:   cfg.Google.Endpoint,
			HTTPClient: client,
			Tokens:     tokens,
			UserAgent:  o.UserAgent,
			Clock:      o.Clock,
			Log:        o.Log,

			MaxEvents:          cfg.Limits.EventsPerListing,
			MaxSeriesInstances: cfg.Limits.InstancesPerSeries,
		})
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, src)
	}
	if len(srcs) == 1 {
		return srcs[0], nil
	}
	return calendar.NewMerged(o.Log, srcs...), nil
}

// openMicrosoftTokens loads the saved Microsoft sign-in, which refreshes
// and saves itself like Google's.
func openMicrosoftTokens(ctx context.Context, cfg *config.Config, log *slog.Logger) (*googleauth.TokenSource, error) {
	conf := msauth.Config(cfg.Microsoft.ClientID, cfg.Microsoft.Tenant, cfg.Microsoft.Authority)
	return googleauth.NewTokenSourceFor(ctx, "Microsoft", conf, cfg.Microsoft.TokenFile, log)
}

// openGraph builds the Microsoft 365 source. Its HTTP client carries the
// saved Microsoft token and writes back every refreshed one.
func openGraph(ctx context.Context, o Options) (calendar.Source, error) {
	cfg := o.Config
	tokens, err := openMicrosoftTokens(ctx, cfg, o.Log)
	if err != nil {
		return nil, err
	}
	src, err := graph.New(graph.Options{
		Calendar:   cfg.Microsoft.Calendar,
		Lookahead:  cfg.Calendar.Lookahead,
		Endpoint:   cfg.Microsoft.Endpoint,
		HTTPClient: &http.Client{Transport: &oauth2.Transport{Source: tokens, Base: http.DefaultTransport}},
		Tokens:     tokens,
		Me:         cfg.Calendar.Me,
		UserAgent:  o.UserAgent,
		Clock:      o.Clock,
		Log:        o.Log,

		MaxEvents:          cfg.Limits.EventsPerListing,
		MaxSeriesInstances: cfg.Limits.InstancesPerSeries,
	})
	if err != nil {
		return nil, &config.Error{File: cfg.Path, Key: "microsoft.endpoint", Msg: err.Error(), Fix: "check [microsoft]"}
	}
	return src, nil
}

// openCalDAV builds the CalDAV source: the server, the account and its app
// password, read now from wherever it comes from.
func openCalDAV(ctx context.Context, o Options) (calendar.Source, error) {
	cfg := o.Config
	c := cfg.Calendar
	password, err := cfg.CalDAV.Password.Reveal(ctx)
	if err != nil {
		return nil, &config.Error{File: cfg.Path, Key: "calendar.password", Msg: err.Error(),
			Fix: "check the file or command that gives the app password"}
	}
	src, err := caldav.New(caldav.Options{
		URL:                cfg.CalDAV.URL,
		Username:           cfg.CalDAV.Username,
		Password:           password,
		Calendars:          c.Calendars,
		Lookahead:          c.Lookahead,
		Location:           cfg.Location,
		Self:               c.Me,
		Clock:              o.Clock,
		Log:                o.Log,
		MaxInstances:       cfg.Limits.EventsPerListing,
		MaxSeriesInstances: cfg.Limits.InstancesPerSeries,
	})
	if err != nil {
		return nil, &config.Error{File: cfg.Path, Key: "calendar.caldav_url", Msg: err.Error(), Fix: "check caldav_url"}
	}
	return src, nil
}

// openICS builds the iCalendar source: a published feed or a file.
func openICS(ctx context.Context, o Options) (calendar.Source, error) {
	cfg := o.Config
	c := cfg.Calendar
	so := ics.Options{
		File:               c.ICSFile,
		Lookahead:          c.Lookahead,
		MaxInstances:       cfg.Limits.EventsPerListing,
		MaxSeriesInstances: cfg.Limits.InstancesPerSeries,
		Self:               c.Me,
		Location:           cfg.Location,
		UserAgent:          o.UserAgent,
		Clock:              o.Clock,
		Log:                o.Log,
	}
	if c.ICSURL.IsSet() {
		u, err := c.RevealICSURL(ctx)
		if err != nil {
			if ce, ok := errors.AsType[*config.Error](err); ok {
				ce.File = cfg.Path
				return nil, ce
			}
			return nil, &config.Error{File: cfg.Path, Key: "calendar.ics_url", Msg: err.Error(), Fix: "check the file or command that gives the address"}
		}
		so.URL = u
	}
	src, err := ics.New(so)
	if err != nil {
		return nil, &config.Error{File: cfg.Path, Key: "calendar", Msg: err.Error(), Fix: "check ics_url or ics_file"}
	}
	return src, nil
}

// openMailbox builds the IMAP watcher from the configuration. It keeps its
// progress in checkpoints (nil: in memory) and hands every new message to
// handle (nil for a watcher that is only checked, never run).
func openMailbox(o Options, tokens *googleauth.TokenSource, checkpoints mailbox.CheckpointStore,
	handle func(context.Context, mailbox.Message) mailbox.Disposition) (*mailbox.Watcher, error) {
	cfg := o.Config
	c := cfg.IMAP
	mo := mailbox.Options{
		Host:             c.Host,
		Port:             c.Port,
		Security:         mailbox.Security(c.Security),
		Auth:             mailbox.Auth(c.Auth),
		Username:         c.Username,
		Mailbox:          c.Mailbox,
		ProcessedMailbox: c.ProcessedMailbox,
		Idle:             c.Idle,
		Poll:             c.Poll,
		MaxSize:          cfg.Reply.MaxSize,
		Timeout:          c.Timeout,
		Clock:            o.Clock,
		Log:              o.Log,
		Checkpoints:      checkpoints,
		Handler:          handle,
	}
	if c.Password.IsSet() {
		mo.Password = c.Password.Reveal
	}
	if c.Auth == config.AuthXOAUTH2 {
		mo.Tokens = tokens
	}
	if o.MailboxTLS != nil {
		mo.TLSConfig = o.MailboxTLS
	}
	w, err := mailbox.New(mo)
	if err != nil {
		return nil, &config.Error{File: cfg.Path, Key: "imap", Msg: err.Error(), Fix: "check the [imap] settings"}
	}
	return w, nil
}

// handleMail is the mailbox watcher's Handler: every new message goes to
// the ingester; only the user's own replies are marked read or moved.
func (d *Daemon) handleMail(ctx context.Context, m mailbox.Message) mailbox.Disposition {
	if m.TooLarge {
		d.log.Warn("email too large to read; left alone", "uid", m.UID, "bytes", m.Size, "max", d.cfg.Reply.MaxSize)
		return mailbox.Ignore
	}
	res, err := d.ingester.Ingest(ctx, m.Raw)
	if err != nil {
		d.log.Error("could not log email; will try again", "uid", m.UID, "err", err)
		return mailbox.Retry
	}
	if res.Outcome == ingest.Ignored {
		return mailbox.Ignore
	}
	return mailbox.Handled
}

// openSender builds what sends the mail: o.Sender if given, else the
// Maildir or the SMTP client the configuration names (nil with neither). A
// Maildir is its own verifier; otherwise verifier, the mailbox that says
// whether an interrupted send arrived, is returned as given.
func openSender(o Options, tokens *googleauth.TokenSource, verifier outbox.Verifier) (outbox.Sender, outbox.Verifier) {
	cfg := o.Config
	switch {
	case o.Sender != nil:
		return o.Sender, verifier
	case cfg.Mail.Transport == config.TransportMaildir:
		// The Maildir itself says exactly what was delivered.
		md := &mail.Maildir{Dir: cfg.Mail.Maildir}
		return md, md
	case cfg.HasSMTP():
		return openSMTP(cfg, tokens), verifier
	}
	return nil, verifier
}

// openSMTP builds the SMTP client from the configuration.
func openSMTP(cfg *config.Config, tokens *googleauth.TokenSource) *mail.SMTP {
	c := cfg.SMTP
	s := &mail.SMTP{
		Host:     c.Host,
		Port:     c.Port,
		Security: mail.Security(c.Security),
		Auth:     mail.Auth(c.Auth),
		Username: c.Username,
		Timeout:  c.Timeout,
	}
	if c.Password.IsSet() {
		s.Password = c.Password.Reveal
	}
	if c.Auth == config.AuthXOAUTH2 {
		s.Tokens = tokens
	}
	return s
}

// Close releases the store. Closing again does nothing.
func (d *Daemon) Close() error {
	// Named, last-first, each step bounded in time: see lifecycle.go.
	d.closeOnce.Do(func() { d.closeErr = d.teardown().close() })
	return d.closeErr
}

// SyncMeetings syncs the calendar once now.
func (d *Daemon) SyncMeetings(ctx context.Context) (meeting.SyncResult, error) {
	if err := d.writable("sync the calendar"); err != nil {
		return meeting.SyncResult{}, err
	}
	return d.tracker.Sync(ctx)
}

// UpcomingMeetings returns the active meetings with a boss that have not
// ended yet and start within the next `within`, earliest first.
func (d *Daemon) UpcomingMeetings(ctx context.Context, within time.Duration) ([]meeting.Meeting, error) {
	now := d.clock.Now()
	return d.store.Meetings(ctx, store.Query{From: now, To: now.Add(within), Statuses: []meeting.Status{meeting.Active}})
}

// Invitations returns the events within the given time from now that
// would be meetings with a boss but await the user's answer to an
// invitation from someone else: leadup sends nothing for them.
func (d *Daemon) Invitations(ctx context.Context, within time.Duration) ([]meeting.Meeting, error) {
	now := d.clock.Now()
	return d.store.Invitations(ctx, now, now.Add(within))
}

// LastSync returns when the calendar was last synced, per the store.
func (d *Daemon) LastSync(ctx context.Context) (time.Time, error) {
	st, err := d.store.SyncState(ctx, d.source.Name())
	if err != nil {
		return time.Time{}, err
	}
	return st.SyncedAt, nil
}

// status tells systemd what comes next: "next: brief for 1:1 with Dana at
// Tue 09:30".
func (d *Daemon) status(next *schedule.Job) {
	if !d.notifier.Enabled() {
		return
	}
	if next == nil {
		d.notifier.Status("idle: no email planned")
		return
	}
	d.notifier.Status(fmt.Sprintf("next: %s at %s", next.Describe(), next.Due.In(d.cfg.Location).Format("Mon 15:04")))
}

// Preview composes the email for a job without queuing it, and returns
// the message and its rendered parts.
func (d *Daemon) Preview(ctx context.Context, j schedule.Job) (outbox.Message, render.Rendered, error) {
	return d.composer.Preview(ctx, j)
}

// Plan returns the plan as it stands now: the jobs due (not yet queued) and
// those upcoming, for status reports.
func (d *Daemon) Plan(ctx context.Context) (due, upcoming []schedule.Job, err error) {
	return schedule.Current(ctx, d.store, scheduleConfig(d.cfg), d.clock.Now())
}

// Ingest processes one email from the user: a reply to a follow-up, or
// talking points (see package ingest).
func (d *Daemon) Ingest(ctx context.Context, raw []byte) (ingest.Result, error) {
	if err := d.writable("log an email"); err != nil {
		return ingest.Result{}, err
	}
	return d.ingester.Ingest(ctx, raw)
}

// DeliverDue sends what the outbox has due now, once, without waiting for
// retries: for one-shot commands beside a running daemon.
func (d *Daemon) DeliverDue(ctx context.Context) error {
	if err := d.writable("deliver the outbox"); err != nil {
		return err
	}
	if d.sender == nil {
		return nil
	}
	return d.deliverer.DeliverDue(ctx)
}

// Store returns the daemon's store, for status reports.
func (d *Daemon) Store() *store.Store { return d.store }

// TopicAddress returns the install's secret address for talking points
// between meetings (config.Mail.TopicAddress), "" without one, and "" when
// there is no reply token key yet to derive it from (ThrowawayReplyKey).
func (d *Daemon) TopicAddress() string {
	if d.throwawayKey {
		return ""
	}
	return d.composer.TopicAddress()
}

// ThrowawayReplyKey reports whether the daemon, opened read-only on a state
// directory that has no reply token key yet ("leadup run" creates it),
// mints reply tokens with a random key kept nowhere: the tokens and the
// talking-points address in a preview are then not the ones leadup will
// send, and no leadup accepts them.
func (d *Daemon) ThrowawayReplyKey() bool { return d.throwawayKey }

// Clock returns the daemon's clock.
func (d *Daemon) Clock() clock.Clock { return d.clock }
