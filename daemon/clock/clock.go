// Package clock lets long-running loops ask for the time and for timers
// through an interface, so that tests drive time by hand instead of sleeping.
// It also holds what those loops share about time: Loop, Probe and Guard,
// and the Backoff they wait by after failures.
package clock

import (
	"context"
	"sync/atomic"
	"time"
)

// Clock tells the time and makes timers.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is the part of *time.Timer that loops use.
type Timer interface {
	C() <-chan time.Time
	// Reset changes the timer to fire after d. Like time.Timer.Reset since
	// Go 1.23, no stale value is received after Reset or Stop returns.
	Reset(d time.Duration)
	Stop()
}

// System is the real clock.
type System struct{}

// Now returns time.Now().
func (System) Now() time.Time { return time.Now() }

// NewTimer returns a real timer.
func (System) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time   { return t.t.C }
func (t systemTimer) Reset(d time.Duration) { t.t.Reset(d) }
func (t systemTimer) Stop()                 { t.t.Stop() }

// Sleep waits for d on c, returning early with ctx's error when ctx ends.
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := c.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	}
}

// Probe tells whether a loop is stuck: Loop marks when each step begins
// and clears the mark when it ends, so a loop asleep between steps is not
// busy at all, and one blocked inside a step for long is stuck. The
// systemd watchdog stops its pings then. The zero value is ready to use.
type Probe struct {
	since atomic.Int64 // Unix nanoseconds the current step began; 0 between steps
}

// Enter marks that a step began at now. Loop calls it; a loop written
// without Loop calls it around each of its steps.
func (p *Probe) Enter(now time.Time) {
	if p != nil {
		p.since.Store(max(now.UnixNano(), 1)) // 0 means between steps
	}
}

// Leave marks that the step ended.
func (p *Probe) Leave() {
	if p != nil {
		p.since.Store(0)
	}
}

// Busy returns for how long the current step has run at now, 0 between
// steps.
func (p *Probe) Busy(now time.Time) time.Duration {
	if p == nil {
		return 0
	}
	if since := p.since.Load(); since != 0 {
		return now.Sub(time.Unix(0, since))
	}
	return 0
}

// Loop runs a daemon loop until ctx ends: it calls step at once, then again
// each time the wait step returned has passed or kick fires (a nil kick
// never does). A kicked loop stops its timer first, so an armed timer always
// means the loop is asleep, which is what tests wait for. probe, if not nil,
// is marked busy while step runs.
func Loop(ctx context.Context, c Clock, kick <-chan struct{}, probe *Probe, step func(context.Context) time.Duration) {
	timer := c.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C():
		case <-kick:
		}
		timer.Stop()
		probe.Enter(c.Now())
		wait := step(ctx)
		probe.Leave()
		if ctx.Err() != nil {
			return
		}
		timer.Reset(wait)
	}
}
