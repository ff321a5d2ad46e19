package clock

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestGuard(t *testing.T) {
	f := NewFake(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	var logs bytes.Buffer
	g := NewGuard("test loop", f, slog.New(slog.NewTextHandler(&logs, nil)))
	if err := g.Do(func() {}); err != nil {
		t.Fatalf("Do(no panic) = %v", err)
	}
	boom := func() { panic("boom") }
	err := g.Do(boom)
	if pe, ok := errors.AsType[*PanicError](err); !ok || pe.Value != "boom" {
		t.Fatalf("Do(panic) = %v, want a *PanicError with the value", err)
	}
	if out := logs.String(); !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "boom") ||
		!strings.Contains(out, "guard_test.go") || !strings.Contains(out, `loop="test loop"`) {
		t.Errorf("log of a panic lacks the level, value, loop or stack:\n%s", out)
	}
	if err := g.Err(); err != nil {
		t.Errorf("Err() after one panic = %v", err)
	}
	// Panics spread out more than the window apart are bad luck.
	f.Advance(GuardWindow)
	g.Do(boom)
	f.Advance(GuardWindow)
	g.Do(boom)
	if err := g.Err(); err != nil {
		t.Errorf("Err() after panics %v apart = %v", GuardWindow, err)
	}
	// Three within the window are a loop that keeps failing.
	f.Advance(time.Minute)
	g.Do(boom)
	f.Advance(time.Minute)
	g.Do(boom)
	if err := g.Err(); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("Err() after three panics in two minutes = %v, want an error", err)
	}
	if n := g.Panics(); n != 5 {
		t.Errorf("Panics() = %d, want 5", n)
	}
}
