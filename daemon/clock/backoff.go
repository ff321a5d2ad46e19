package clock

import (
	"math/rand/v2"
	"time"
)

// Backoff is a truncated exponential backoff: after n failures in a row the
// wait is Base doubled n−1 times, and never more than Cap. Every loop that
// retries something (the calendar's requests, the outbox's deliveries, the
// mailbox's reconnections, the calendar tracker's polls) uses one, so that
// they all grow and cap their waits the same way.
//
// The zero Rand draws from math/rand/v2. A Backoff is a value: copy it
// freely; it keeps no count of failures, the caller does.
type Backoff struct {
	Base time.Duration // the wait after the first failure
	Cap  time.Duration // the longest wait; at least Base
	// Rand, if set, returns a random duration in [0, n) for Delay's
	// jitter, as math/rand/v2's N does. Tests set it so that a delay is
	// known in advance.
	Rand func(n time.Duration) time.Duration
}

// Max returns the wait after failures failures in a row, without jitter:
// Base·2^(failures−1), at most Cap. Failures below one count as one.
func (b Backoff) Max(failures int) time.Duration {
	if b.Base <= 0 {
		return 0
	}
	d := b.Base
	for i := 1; i < failures; i++ {
		if d > b.Cap-d { // 2d > Cap, without overflowing
			return b.Cap
		}
		d *= 2
	}
	return min(d, b.Cap)
}

// Delay returns Max(failures) with "equal jitter": a random wait in [d/2, d].
// Clients that failed together, such as the installs whose mail server
// restarted, then come back spread out rather than in step, while each
// wait still grows with the failures.
func (b Backoff) Delay(failures int) time.Duration {
	d := b.Max(failures)
	n := rand.N[time.Duration]
	if b.Rand != nil {
		n = b.Rand
	}
	return d/2 + n(d/2+1)
}
