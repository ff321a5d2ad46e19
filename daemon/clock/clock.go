// Package clock lets long-running loops ask for the time and for timers
// through an interface, so that tests drive time by hand instead of sleeping.
package clock

import (
	"context"
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

// Loop runs a daemon loop until ctx ends: it calls step at once, then again
// each time the wait step returned has passed or kick fires (a nil kick
// never does). A kicked loop stops its timer first, so an armed timer always
// means the loop is asleep, which is what tests wait for.
func Loop(ctx context.Context, c Clock, kick <-chan struct{}, step func(context.Context) time.Duration) {
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
		wait := step(ctx)
		if ctx.Err() != nil {
			return
		}
		timer.Reset(wait)
	}
}
