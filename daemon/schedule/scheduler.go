package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
)

const (
	// maxSleep bounds the wait for the next job. Timers run on the
	// monotonic clock, which stops while a laptop sleeps; waking at least
	// this often keeps a resumed machine from sending hours late.
	maxSleep = 5 * time.Minute
	// retryAfterError is the wait after a failed plan or a job that could
	// not be written, so that a persistent fault does not spin.
	retryAfterError = time.Minute
	// CrashQueued is the crash point after a job is written to the outbox.
	CrashQueued = "queued"
)

// Store is what the scheduler needs from the state store.
type Store interface {
	// MeetingsSince returns the meetings of any status that end after t.
	// They may be light (enough to plan: key, status, boss, start, end).
	MeetingsSince(ctx context.Context, t time.Time) ([]meeting.Meeting, error)
	// Meeting returns one meeting in full.
	Meeting(ctx context.Context, key string) (meeting.Meeting, error)
	OutboxForMeetings(ctx context.Context, keys []string) (map[string][]outbox.Message, error)
	// OutboxWithoutMeeting returns the rows of no meeting (digests,
	// catch-ups, nudges) created at or after since.
	OutboxWithoutMeeting(ctx context.Context, since time.Time) ([]outbox.Message, error)
	// FirstRecorded returns when the store first recorded a meeting or an
	// email; zero for a new store.
	FirstRecorded(ctx context.Context) (time.Time, error)
	// Contact returns the meetings with boss around at (see
	// meeting.Contact), 1:1s up to ahead past at.
	Contact(ctx context.Context, boss string, at time.Time, ahead time.Duration) (meeting.Contact, error)
	Enqueue(ctx context.Context, m outbox.Message) (bool, error)
}

// Composer writes the email for a job: rendered, encoded, addressed.
type Composer interface {
	Compose(ctx context.Context, j Job) (outbox.Message, error)
}

// Options configure a Scheduler.
type Options struct {
	Store    Store
	Composer Composer
	Config   Config
	Clock    clock.Clock
	Log      *slog.Logger
	// Queued is called after jobs were written to the outbox: the
	// deliverer's Kick.
	Queued func()
	// Crash, if set, is called at crash points (tests kill the process).
	Crash func(point string)
	// Planned, if set, is told after every plan which job is next (nil
	// when none is planned): the daemon's status line.
	Planned func(next *Job)
}

// Scheduler sleeps until the next job is due, or until Kick says the
// meetings changed, then writes the due jobs to the outbox.
type Scheduler struct {
	// Probe says whether the loop is stuck (for the systemd watchdog).
	Probe clock.Probe
	// o.Config is fixed: a reload opens a new daemon, with a new Scheduler.
	o    Options
	kick chan struct{}
	// warned logs each cap of [limits] once, not on every plan.
	warned warnings
}

// New returns a Scheduler; call Run.
func New(o Options) *Scheduler {
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Queued == nil {
		o.Queued = func() {}
	}
	if o.Crash == nil {
		o.Crash = func(string) {}
	}
	if o.Planned == nil {
		o.Planned = func(*Job) {}
	}
	s := &Scheduler{o: o, kick: make(chan struct{}, 1)}
	// A new Scheduler has always started with a kick pending (setting its
	// configuration used to kick), so Run's first plan is followed at once
	// by a second. Redundant but cheap, and kept so that a start does
	// exactly what it did.
	s.Kick()
	return s
}

// Kick makes the scheduler re-plan now. It never blocks; the calendar
// tracker calls it when meetings change.
func (s *Scheduler) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run plans and dispatches until ctx ends. It returns what stopped it,
// never nil: context.Cause(ctx) when ctx ended, or the guard's error when
// panics repeated.
func (s *Scheduler) Run(ctx context.Context) error {
	// A panic in a step (a meeting that trips a bug) fails that step only;
	// panics that repeat end Run with an error.
	guard := clock.NewGuard("scheduler", s.o.Clock, s.o.Log)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	clock.Loop(ctx, s.o.Clock, s.kick, &s.Probe, func(ctx context.Context) time.Duration {
		var next time.Time
		var err error
		if perr := guard.Do(func() { next, err = s.Tick(ctx) }); perr != nil {
			err = perr
			if gerr := guard.Err(); gerr != nil {
				cancel(gerr)
			}
		}
		switch {
		case err != nil:
			if ctx.Err() == nil {
				s.o.Log.Error("scheduling failed", "err", err)
			}
			return retryAfterError
		case next.IsZero():
			return maxSleep
		}
		return min(max(next.Sub(s.o.Clock.Now()), 0), maxSleep)
	})
	// Loop returns only once ctx has ended: the cause is what stopped it.
	return context.Cause(ctx)
}

// Tick plans at the current time, writes the due jobs to the outbox, and
// returns when the next job falls due (zero if none is planned).
func (s *Scheduler) Tick(ctx context.Context) (time.Time, error) {
	now := s.o.Clock.Now()
	due, upcoming, capped, err := current(ctx, s.o.Store, s.o.Config, now)
	if err != nil {
		return time.Time{}, err
	}
	s.warned.log(s.o.Log, now, capped)
	var next time.Time
	if len(upcoming) > 0 {
		next = upcoming[0].Due
		s.o.Planned(&upcoming[0])
	} else {
		s.o.Planned(nil)
	}
	queued, failed := 0, 0
	for _, j := range due {
		if err := s.dispatch(ctx, j); err != nil {
			if ctx.Err() != nil {
				return next, ctx.Err()
			}
			failed++
			s.o.Log.Error("could not write email", "meeting", j.Meeting.Key, "boss", j.Meeting.Boss, "kind", j.Kind,
				"variant", j.Variant, "err", err)
			continue
		}
		queued++
	}
	if queued > 0 {
		s.o.Queued()
	}
	if failed > 0 {
		// The failed jobs are still due: try again soon, not at once.
		retry := now.Add(retryAfterError)
		if next.IsZero() || retry.Before(next) {
			next = retry
		}
	}
	return next, nil
}

// digestLookback is how far back the digests in the outbox matter to a
// plan: a digest is queued within its ISO week or at most DigestWindow
// after, so the rows of the weeks Plan looks at were created since then.
const digestLookback = DigestWindow + 8*24*time.Hour

// Current works out the plan at now from what st holds: the meetings that
// may still need an email, their outbox rows, and the recent digests.
func Current(ctx context.Context, st Store, cfg Config, now time.Time) (due, upcoming []Job, err error) {
	due, upcoming, _, err = current(ctx, st, cfg, now)
	return due, upcoming, err
}

// current is Current, and reports what the caps of [limits] left out.
func current(ctx context.Context, st Store, cfg Config, now time.Time) (due, upcoming []Job, capped []Capped, err error) {
	// From the start of that day: the daily caps count every meeting
	// of the days that still have jobs.
	t := now.Add(-FollowupWindow - cfg.FollowupAfter).In(zone(cfg.Location))
	ms, err := st.MeetingsSince(ctx, time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location()))
	if err != nil {
		return nil, nil, nil, err
	}
	keys := make([]string, len(ms))
	for i, m := range ms {
		keys[i] = m.Key
	}
	existing, err := st.OutboxForMeetings(ctx, keys)
	if err != nil {
		return nil, nil, nil, err
	}
	if !cfg.Digest && !cfg.Nudges {
		due, upcoming, capped = PlanCapped(now, cfg, ms, existing, time.Time{})
		return due, upcoming, capped, nil
	}
	since, err := st.FirstRecorded(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	var contacts []meeting.Contact
	lookback := now.Add(-digestLookback)
	if cfg.Nudges && !since.IsZero() {
		for _, c := range cfg.Cadences {
			ct, err := st.Contact(ctx, c.Boss, now, rhythmAhead)
			if err != nil {
				return nil, nil, nil, err
			}
			contacts = append(contacts, ct)
			// A gap's nudge was queued after the gap began.
			if ct.Last.Key == "" {
				lookback = time.Time{}
			} else if ct.Last.Event.Start.Before(lookback) {
				lookback = ct.Last.Event.Start
			}
		}
	}
	if existing[""], err = st.OutboxWithoutMeeting(ctx, lookback); err != nil {
		return nil, nil, nil, err
	}
	due, upcoming, capped = PlanCapped(now, cfg, ms, existing, since)
	if cfg.Nudges {
		nd, nu := PlanNudges(now, cfg.Cadences, contacts, existing[""], since)
		due = append(due, nd...)
		upcoming = append(upcoming, nu...)
		slices.SortStableFunc(upcoming, func(a, b Job) int { return a.Due.Compare(b.Due) })
	}
	return due, upcoming, capped, nil
}

// rhythmAhead is how far past now the 1:1s that give a boss's rhythm are
// read: a series booked ahead shows it before any meeting took place.
const rhythmAhead = 90 * 24 * time.Hour

func (s *Scheduler) dispatch(ctx context.Context, j Job) error {
	if outbox.OfMeeting(j.Kind) {
		full, err := s.o.Store.Meeting(ctx, j.Meeting.Key)
		if err != nil {
			return err
		}
		j.Meeting = full
	}
	msg, err := s.o.Composer.Compose(ctx, j)
	if err != nil {
		return fmt.Errorf("compose %s: %w", j.Kind, err)
	}
	inserted, err := s.o.Store.Enqueue(ctx, msg)
	if err != nil {
		return err
	}
	s.o.Crash(CrashQueued)
	switch {
	case !inserted:
	case j.Kind == outbox.KindDigest:
		s.o.Log.Info("queued digest", "week", j.Variant, "due", j.Due, "late", j.Late, "message_id", msg.MessageID)
	case j.Kind == outbox.KindNudge && j.Nudge != nil:
		s.o.Log.Info("queued nudge", "boss", j.Nudge.Boss, "reason", j.Nudge.Reason, "last_met", j.Nudge.Last.Event.Start,
			"late", j.Late, "message_id", msg.MessageID)
	case j.Kind == outbox.KindCatchup:
		s.o.Log.Info("queued catch-up naming the follow-ups not sent after downtime", "follow_ups", len(j.Skipped),
			"titles", titles(j.Skipped), "message_id", msg.MessageID)
	default:
		s.o.Log.Info("queued "+j.Kind, "meeting", j.Meeting.Key, "boss", j.Meeting.Boss, "title", j.Meeting.Event.Title,
			"due", j.Due, "late", j.Late, "message_id", msg.MessageID)
	}
	return nil
}
