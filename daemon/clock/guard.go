package clock

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Guard keeps a panic inside one step of a loop from ending the process:
// the loop goes on with its next step, and only panics that repeat make it
// fail. A bad calendar event or email that trips a bug then costs that one
// step, while a loop that panics at every step still ends the daemon with
// an error, and systemd restarts it.
type Guard struct {
	name  string
	clock Clock
	log   *slog.Logger
	// Limit panics within Window make Err return an error.
	limit  int
	window time.Duration

	mu     sync.Mutex
	recent []time.Time // when the last panics happened, at most limit
	total  int
	last   *PanicError
}

// Panics within GuardWindow that make a loop fail. The loops retry a failed
// step after at most a few minutes (the calendar tracker backs off from its
// poll interval), so three panics in half an hour is a step that keeps
// panicking, not bad luck.
const (
	GuardLimit  = 3
	GuardWindow = 30 * time.Minute
)

// NewGuard returns a guard for the loop called name, which logs to log.
func NewGuard(name string, c Clock, log *slog.Logger) *Guard {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Guard{name: name, clock: c, log: log, limit: GuardLimit, window: GuardWindow}
}

// PanicError is a panic recovered by a Guard.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Do calls f. If f panics, Do recovers, logs the panic and its stack at
// error level, counts it, and returns it as a *PanicError.
func (g *Guard) Do(f func()) (err error) {
	defer func() {
		if v := recover(); v != nil {
			pe := &PanicError{Value: v, Stack: debug.Stack()}
			g.record(pe)
			err = pe
		}
	}()
	f()
	return nil
}

func (g *Guard) record(pe *PanicError) {
	now := g.clock.Now()
	g.mu.Lock()
	g.total++
	g.last = pe
	g.recent = append(g.recent, now)
	if len(g.recent) > g.limit {
		g.recent = g.recent[len(g.recent)-g.limit:]
	}
	total := g.total
	g.mu.Unlock()
	g.log.Error("recovered from a panic; going on with the next step", "loop", g.name, "panic", fmt.Sprint(pe.Value),
		"panics", total, "stack", string(pe.Stack))
}

// Panics returns how many panics Do has recovered.
func (g *Guard) Panics() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.total
}

// Err returns an error once Limit panics happened within Window of each
// other, and nil before: the loop should then return it from Run.
func (g *Guard) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.recent) < g.limit {
		return nil
	}
	first, last := g.recent[0], g.recent[len(g.recent)-1]
	if last.Sub(first) > g.window {
		return nil
	}
	return fmt.Errorf("%d panics within %v, the last: %w", g.limit, last.Sub(first).Round(time.Second), g.last)
}
