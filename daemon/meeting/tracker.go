package meeting

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/clock"
)

// Store is what the Tracker needs from the state store.
type Store interface {
	SyncState(ctx context.Context, calendar string) (SyncState, error)
	ApplySync(ctx context.Context, u SyncUpdate) ([]Change, error)
}

// maxErrorBackoff caps the wait between polls while syncs keep failing.
const maxErrorBackoff = 30 * time.Minute

// Tracker keeps the store's meetings in step with one calendar: it polls the
// Source, classifies what changed with the Rule, and stores the result with
// the new cursor in one transaction.
type Tracker struct {
	// Probe says whether the loop is stuck (for the systemd watchdog).
	Probe clock.Probe

	source    calendar.Source
	store     Store
	rule      *Rule // fixed: a reload opens a new daemon, with a new Tracker
	poll      time.Duration
	clock     clock.Clock
	log       *slog.Logger
	onChange  func([]Change)
	afterSync func(SyncResult)
	// lastSync is when a sync last succeeded (Unix nanoseconds), for health checks.
	lastSync atomic.Int64
}

// TrackerOptions configure a Tracker.
type TrackerOptions struct {
	Source calendar.Source
	Store  Store
	Rule   *Rule
	Poll   time.Duration // time between syncs
	Clock  clock.Clock   // defaults to the system clock
	Log    *slog.Logger
	// OnChange, if set, is called after a sync that changed stored meetings.
	// It must not block: the scheduler uses it to re-plan.
	OnChange func([]Change)
	// AfterSync, if set, is called after every successful sync.
	AfterSync func(SyncResult)
}

// NewTracker returns a Tracker; call Run or Sync.
func NewTracker(o TrackerOptions) *Tracker {
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.OnChange == nil {
		o.OnChange = func([]Change) {}
	}
	if o.AfterSync == nil {
		o.AfterSync = func(SyncResult) {}
	}
	return &Tracker{source: o.Source, store: o.Store, rule: o.Rule, poll: o.Poll, clock: o.Clock, log: o.Log,
		onChange: o.OnChange, afterSync: o.AfterSync}
}

// LastSync returns when a sync last succeeded; zero if none has.
func (t *Tracker) LastSync() time.Time {
	if n := t.lastSync.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// SyncResult reports one sync.
type SyncResult struct {
	Full     bool
	Events   int // events the source reported
	Requests int // API requests it took
	Changes  []Change
}

// Sync runs one sync now.
func (t *Tracker) Sync(ctx context.Context) (SyncResult, error) {
	name := t.source.Name()
	rule := t.rule
	st, err := t.store.SyncState(ctx, name)
	if err != nil {
		return SyncResult{}, err
	}
	cursor := st.Cursor
	fp := rule.Fingerprint()
	if st.Rule != fp && cursor != "" {
		t.log.Info("boss rule changed; classifying every event again", "calendar", name)
		cursor = ""
	}
	ch, err := t.source.Sync(ctx, cursor)
	if err != nil {
		return SyncResult{Requests: ch.Requests}, fmt.Errorf("sync %s: %w", name, err)
	}
	// Invitation text is anyone's: clean it once here, before it is
	// classified, logged, stored or rendered.
	calendar.SanitizeAll(ch.Events)
	u := SyncUpdate{
		Calendar: name,
		Full:     ch.Full,
		Window:   ch.Window,
		Meetings: make([]Meeting, 0, len(ch.Events)),
		Cursor:   ch.Cursor,
		Rule:     fp,
	}
	for _, ev := range ch.Events {
		u.Meetings = append(u.Meetings, rule.Classify(name, ev))
	}
	changes, err := t.store.ApplySync(ctx, u)
	if err != nil {
		return SyncResult{Requests: ch.Requests}, err
	}
	t.lastSync.Store(t.clock.Now().UnixNano())
	t.logChanges(name, u.Meetings, changes)
	res := SyncResult{Full: ch.Full, Events: len(ch.Events), Requests: ch.Requests, Changes: changes}
	t.log.Debug("calendar synced", "calendar", name, "full", res.Full, "events", res.Events,
		"requests", res.Requests, "changes", len(changes))
	if len(changes) > 0 {
		t.onChange(changes)
	}
	t.afterSync(res)
	return res, nil
}

// loggedChanges is how many changes of one sync are logged a line each;
// the rest are summed up in one line, so that a calendar flooded by one
// invitation cannot flood the log too.
const loggedChanges = 20

// logChanges logs what a sync changed: the first loggedChanges a line each,
// then one line counting the rest by what happened to them.
func (t *Tracker) logChanges(name string, ms []Meeting, changes []Change) {
	rest := map[string]int{}
	for i, c := range changes {
		if i >= loggedChanges {
			rest[describe(c)]++
			continue
		}
		m := findMeeting(ms, c.Key)
		t.log.Info("meeting "+describe(c), "meeting", c.Key, "boss", m.Boss, "title", m.Event.Title,
			"start", m.Event.Start, "why", m.Why)
	}
	if len(rest) > 0 {
		args := []any{"calendar", name, "more", len(changes) - loggedChanges}
		for _, what := range slices.Sorted(maps.Keys(rest)) {
			args = append(args, what, rest[what])
		}
		t.log.Info("and more meetings changed", args...)
	}
}

// Run syncs every poll interval until ctx ends, the first time at once
// unless a sync succeeded less than a poll ago. A failed sync is logged and
// retried with a growing delay, up to maxErrorBackoff (or the poll, if
// longer). It returns what stopped it, never nil: context.Cause(ctx) when
// ctx ended, or the guard's error when panics repeated.
func (t *Tracker) Run(ctx context.Context) error {
	failures := 0
	// The poll doubled at each failure in a row. No jitter: one daemon
	// polls one calendar, so there is no herd to spread, and the Google
	// client already jitters its own retries within a sync.
	backoff := clock.Backoff{Base: t.poll, Cap: max(maxErrorBackoff, t.poll)}
	// A panic in a sync (an event that trips a bug) fails that sync only;
	// panics that repeat end Run with an error.
	guard := clock.NewGuard("calendar tracker", t.clock, t.log)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	clock.Loop(ctx, t.clock, nil, &t.Probe, func(ctx context.Context) time.Duration {
		// A sync that succeeded less than a poll ago (the daemon syncs once
		// before it reports ready) is as good as one now.
		if last := t.LastSync(); !last.IsZero() && failures == 0 {
			if since := t.clock.Now().Sub(last); since >= 0 && since < t.poll {
				return t.poll - since
			}
		}
		var err error
		if perr := guard.Do(func() { _, err = t.Sync(ctx) }); perr != nil {
			err = perr
			if gerr := guard.Err(); gerr != nil {
				cancel(gerr)
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return 0
			}
			failures++
			delay := backoff.Max(failures)
			t.log.Error("calendar sync failed", "calendar", t.source.Name(), "err", err, "retry_in", delay)
			return delay
		}
		failures = 0
		return t.poll
	})
	// Loop returns only once ctx has ended: the cause is what stopped it.
	return context.Cause(ctx)
}

func findMeeting(ms []Meeting, key string) Meeting {
	for i := range ms {
		if ms[i].Key == key {
			return ms[i]
		}
	}
	return Meeting{Key: key}
}

func describe(c Change) string {
	switch {
	case c.Before == "" && c.After == Active:
		return "found"
	case c.Before == c.After && c.Moved:
		return "moved"
	case c.Before == c.After:
		return "updated"
	default:
		return string(c.After)
	}
}
