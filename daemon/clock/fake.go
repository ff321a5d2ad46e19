package clock

import (
	"sort"
	"sync"
	"time"
)

// Fake is a Clock that only moves when told to. It is safe for concurrent
// use: a test advances it while the loop under test waits on its timers.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer
	waiters []waiter
}

type waiter struct {
	n  int
	ch chan struct{}
}

// NewFake returns a fake clock set to now.
func NewFake(now time.Time) *Fake { return &Fake{now: now} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// NewTimer returns a timer that fires when the fake time reaches now+d.
func (f *Fake) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{f: f, c: make(chan time.Time, 1)}
	t.Reset(d)
	return t
}

// Advance moves the time forward by d, firing every timer that falls due, in
// order of their due times.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	now := f.now
	var due []*fakeTimer
	for _, t := range f.timers {
		if t.armed && !t.when.After(now) {
			due = append(due, t)
		}
	}
	sort.Slice(due, func(i, j int) bool { return due[i].when.Before(due[j].when) })
	for _, t := range due {
		t.armed = false
		select {
		case t.c <- now:
		default:
		}
	}
	f.mu.Unlock()
}

// Timers returns how many timers are armed.
func (f *Fake) Timers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.armed()
}

// BlockUntil returns a channel that is closed once at least n timers are
// armed: a test waits on it to know that the loop under test has gone to sleep.
func (f *Fake) BlockUntil(n int) <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan struct{})
	if f.armed() >= n {
		close(ch)
		return ch
	}
	f.waiters = append(f.waiters, waiter{n: n, ch: ch})
	return ch
}

// NextDue returns when the earliest armed timer fires, and false if none is.
func (f *Fake) NextDue() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var next time.Time
	ok := false
	for _, t := range f.timers {
		if t.armed && (!ok || t.when.Before(next)) {
			next, ok = t.when, true
		}
	}
	return next, ok
}

func (f *Fake) armed() int {
	n := 0
	for _, t := range f.timers {
		if t.armed {
			n++
		}
	}
	return n
}

// notify wakes the BlockUntil waiters that are satisfied. f.mu is held.
func (f *Fake) notify() {
	armed := f.armed()
	kept := f.waiters[:0]
	for _, w := range f.waiters {
		if armed >= w.n {
			close(w.ch)
		} else {
			kept = append(kept, w)
		}
	}
	f.waiters = kept
}

type fakeTimer struct {
	f     *Fake
	c     chan time.Time
	when  time.Time
	armed bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Reset(d time.Duration) {
	f := t.f
	f.mu.Lock()
	defer f.mu.Unlock()
	t.drain()
	t.when = f.now.Add(d)
	if d <= 0 {
		t.armed = false
		t.c <- f.now
		return
	}
	if !t.armed {
		t.armed = true
		if !t.registered() {
			f.timers = append(f.timers, t)
		}
	}
	f.notify()
}

func (t *fakeTimer) Stop() {
	f := t.f
	f.mu.Lock()
	defer f.mu.Unlock()
	t.armed = false
	t.drain()
	for i, x := range f.timers {
		if x == t {
			f.timers = append(f.timers[:i], f.timers[i+1:]...)
			break
		}
	}
}

func (t *fakeTimer) registered() bool {
	for _, x := range t.f.timers {
		if x == t {
			return true
		}
	}
	return false
}

func (t *fakeTimer) drain() {
	select {
	case <-t.c:
	default:
	}
}

// Instant is a Clock for code that waits between retries: its time stands
// still but for Advance, and its timers fire at once. Waits lists every
// timer's duration, so that a test can check a backoff without sleeping.
// It is safe for concurrent use.
type Instant struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

// NewInstant returns an Instant clock set to now.
func NewInstant(now time.Time) *Instant { return &Instant{now: now} }

// Now returns the clock's time.
func (c *Instant) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that has already fired, and records d.
func (c *Instant) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	now := c.now
	c.mu.Unlock()
	f := NewFake(now)
	t := f.NewTimer(d)
	f.Advance(d)
	return t
}

// Advance moves the time forward by d.
func (c *Instant) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Waits returns the durations of the timers made since the last
// ResetWaits, in order.
func (c *Instant) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// ResetWaits forgets the timers made so far.
func (c *Instant) ResetWaits() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = nil
}
