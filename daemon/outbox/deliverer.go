package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/leadup/leadup/daemon/clock"
)

// Retry backoff: 30 s doubling to 10 min, with jitter. An SMTP server that
// is down for an hour is noticed within ten minutes of its return.
const (
	retryBase = 30 * time.Second
	retryCap  = 10 * time.Minute
	// maxIdle bounds a sleep with nothing queued, and a sleep until a
	// distant attempt: timers run on the monotonic clock, which stops
	// while a laptop is suspended.
	maxIdle = 5 * time.Minute
	// sendTimeout bounds one SMTP exchange, which runs on to its end even
	// when the daemon is asked to stop: cutting it off mid-DATA would only
	// make its outcome unknown.
	sendTimeout = 2 * time.Minute
)

// Crash points, named for the Options.Crash test hook.
const (
	CrashSending   = "sending"   // marked sending, before any SMTP
	CrashDelivered = "delivered" // the server accepted DATA; "sent" not recorded yet
	CrashRetry     = "retry"     // a failed attempt was recorded; waiting to retry
)

// Options configure a Deliverer.
type Options struct {
	Store    Store
	Sender   Sender
	Verifier Verifier // nil when there is no mailbox to check
	// IsPermanent says whether a Send error is final (a 5xx reply, a
	// rejected login) rather than worth a retry.
	IsPermanent func(error) bool
	Clock       clock.Clock
	Log         *slog.Logger
	// OnSent, if set, is called after a message is recorded as sent.
	OnSent func(Message)
	// Crash, if set, is called at each crash point: crash tests kill the
	// process there.
	Crash func(point string)
	// Backoff returns the wait after a number of failed attempts; Backoff
	// (the function) by default.
	Backoff func(attempts int) time.Duration
}

// Deliverer sends what the outbox holds. Run it once per outbox.
type Deliverer struct {
	// Probe says whether the loop is stuck (for the systemd watchdog).
	Probe clock.Probe
	o     Options
	kick  chan struct{}
}

// NewDeliverer returns a Deliverer; call Run.
func NewDeliverer(o Options) *Deliverer {
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.IsPermanent == nil {
		o.IsPermanent = func(error) bool { return false }
	}
	if o.OnSent == nil {
		o.OnSent = func(Message) {}
	}
	if o.Crash == nil {
		o.Crash = func(string) {}
	}
	if o.Backoff == nil {
		o.Backoff = Backoff
	}
	return &Deliverer{o: o, kick: make(chan struct{}, 1)}
}

// Kick tells the Deliverer that a message was queued. It never blocks.
func (d *Deliverer) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Run delivers queued messages as they fall due until ctx ends. It first
// settles the messages an unclean stop left in sending. It returns what
// stopped it, never nil: context.Cause(ctx) when ctx ended, or the guard's
// error when panics repeated.
func (d *Deliverer) Run(ctx context.Context) error {
	// A panic in a step (a message that trips a bug) fails that step only;
	// panics that repeat end Run with an error.
	guard := clock.NewGuard("deliverer", d.o.Clock, d.o.Log)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	clock.Loop(ctx, d.o.Clock, d.kick, &d.Probe, func(ctx context.Context) time.Duration {
		var wait time.Duration
		var err error
		if perr := guard.Do(func() { wait, err = d.step(ctx) }); perr != nil {
			err = perr
			if gerr := guard.Err(); gerr != nil {
				cancel(gerr)
			}
		}
		if err != nil && ctx.Err() == nil {
			d.o.Log.Error("outbox", "err", err)
			return retryBase
		}
		return wait
	})
	// Loop returns only once ctx has ended: the cause is what stopped it.
	return context.Cause(ctx)
}

// step settles interrupted sends, delivers everything due, and returns how
// long to sleep.
func (d *Deliverer) step(ctx context.Context) (time.Duration, error) {
	if err := d.settleUnfinished(ctx); err != nil {
		return 0, err
	}
	if err := d.DeliverDue(ctx); err != nil {
		return 0, err
	}
	next, ok, err := d.o.Store.NextAttempt(ctx)
	if err != nil || !ok {
		return maxIdle, err
	}
	return min(max(next.Sub(d.o.Clock.Now()), 0), maxIdle), nil
}

// DeliverDue makes one pass over the messages due now, without settling
// interrupted ones: for a one-shot process ("leadup ingest") beside a
// running daemon, whose sends in progress must not look interrupted.
func (d *Deliverer) DeliverDue(ctx context.Context) error {
	for ctx.Err() == nil {
		m, ok, err := d.o.Store.NextDue(ctx, d.o.Clock.Now())
		if err != nil || !ok {
			return err
		}
		if err := d.deliver(ctx, m); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// settleUnfinished decides the fate of messages left in sending: sent if
// the mailbox has them, else queued to go again under the same Message-ID.
func (d *Deliverer) settleUnfinished(ctx context.Context) error {
	ms, err := d.o.Store.Unfinished(ctx)
	if err != nil {
		return err
	}
	for _, m := range ms {
		now := d.o.Clock.Now()
		if d.o.Verifier != nil {
			found, err := d.o.Verifier.Delivered(ctx, m.MessageID)
			if err != nil {
				// Resending blind could duplicate; wait for the mailbox.
				return fmt.Errorf("check mailbox for interrupted message %s: %w", m.MessageID, err)
			}
			if found {
				d.o.Log.Info("interrupted message had gone out", "message_id", m.MessageID, "meeting", m.MeetingKey, "kind", m.Kind)
				if err := d.o.Store.MarkSent(ctx, m.ID, now); err != nil {
					return err
				}
				d.o.OnSent(m)
				continue
			}
		}
		d.o.Log.Warn("a send was interrupted; sending again with the same Message-ID",
			"message_id", m.MessageID, "meeting", m.MeetingKey, "kind", m.Kind)
		if err := d.o.Store.MarkRetry(ctx, m.ID, now, "interrupted before its outcome was recorded", now); err != nil {
			return err
		}
	}
	return nil
}

// deliver makes one attempt at m. It returns an error only when the store
// fails; a failed send is recorded on the message.
func (d *Deliverer) deliver(ctx context.Context, m Message) error {
	now := d.o.Clock.Now()
	log := d.o.Log.With("message_id", m.MessageID, "meeting", m.MeetingKey, "kind", m.Kind)
	if now.After(m.Expires) {
		log.Warn("giving up on a message that is no longer useful", "expired", m.Expires, "attempts", m.Attempts, "last_error", m.LastError)
		return d.o.Store.MarkFailed(ctx, m.ID, "expired after "+plural(m.Attempts, "attempt")+": "+m.LastError, now)
	}
	if err := d.o.Store.MarkSending(ctx, m.ID, now); errors.Is(err, ErrNotFound) {
		return nil // another process claimed it
	} else if err != nil {
		return err
	}
	d.o.Crash(CrashSending)

	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	err := d.o.Sender.Send(sctx, m.EnvelopeFrom, m.EnvelopeTo, m.Body)
	cancel()
	// Record the outcome even when asked to stop meanwhile: a sent message
	// left marked sending would go out again after the restart.
	ctx = context.WithoutCancel(ctx)
	now = d.o.Clock.Now()
	if err == nil {
		d.o.Crash(CrashDelivered)
		if err := d.o.Store.MarkSent(ctx, m.ID, now); err != nil {
			return err
		}
		log.Info("sent", "subject", m.Subject, "late", m.Late, "attempts", m.Attempts+1)
		d.o.OnSent(m)
		return nil
	}

	attempts := m.Attempts + 1
	if d.o.IsPermanent(err) {
		log.Error("delivery failed for good", "err", err, "attempts", attempts)
		return d.o.Store.MarkFailed(ctx, m.ID, err.Error(), now)
	}
	next := now.Add(d.o.Backoff(attempts))
	if next.After(m.Expires) {
		log.Error("delivery failed and the message expires before another attempt", "err", err, "attempts", attempts)
		return d.o.Store.MarkFailed(ctx, m.ID, "expired: "+err.Error(), now)
	}
	log.Warn("delivery failed; will retry", "err", err, "attempts", attempts, "next_attempt", next)
	if err := d.o.Store.MarkRetry(ctx, m.ID, next, err.Error(), now); err != nil {
		return err
	}
	d.o.Crash(CrashRetry)
	return nil
}

// Backoff returns the wait after the given number of failed attempts: 30 s
// doubling to 10 min, jittered to between half and all of that.
func Backoff(attempts int) time.Duration {
	return clock.Backoff{Base: retryBase, Cap: retryCap}.Delay(attempts)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// ErrNotFound is returned by stores for a message that does not exist.
var ErrNotFound = errors.New("no such message")
