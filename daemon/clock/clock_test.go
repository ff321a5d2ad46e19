package clock

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFakeTimerFiresInOrder(t *testing.T) {
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	f := NewFake(start)
	a := f.NewTimer(2 * time.Minute)
	b := f.NewTimer(time.Minute)
	if got := f.Timers(); got != 2 {
		t.Fatalf("Timers() = %d, want 2", got)
	}
	f.Advance(59 * time.Second)
	select {
	case <-b.C():
		t.Fatal("timer fired early")
	default:
	}
	f.Advance(time.Second)
	select {
	case got := <-b.C():
		if want := start.Add(time.Minute); !got.Equal(want) {
			t.Errorf("fired with %v, want %v", got, want)
		}
	default:
		t.Fatal("timer did not fire at its due time")
	}
	if next, ok := f.NextDue(); !ok || !next.Equal(start.Add(2*time.Minute)) {
		t.Errorf("NextDue() = %v, %v; want %v", next, ok, start.Add(2*time.Minute))
	}
	a.Stop()
	if got := f.Timers(); got != 0 {
		t.Errorf("Timers() after Stop = %d, want 0", got)
	}
}

func TestFakeResetDropsStaleValue(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	tm := f.NewTimer(time.Second)
	f.Advance(time.Second) // fires, value waits in the channel
	tm.Reset(time.Minute)
	select {
	case <-tm.C():
		t.Fatal("stale value received after Reset")
	default:
	}
	f.Advance(time.Minute)
	select {
	case <-tm.C():
	default:
		t.Fatal("timer did not fire after Reset")
	}
}

func TestBlockUntil(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	ch := f.BlockUntil(1)
	select {
	case <-ch:
		t.Fatal("BlockUntil(1) closed with no timer armed")
	default:
	}
	go f.NewTimer(time.Hour)
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("BlockUntil(1) not closed after a timer was armed")
	}
}

func TestSleepReturnsOnCancel(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Sleep(ctx, f, time.Hour) }()
	<-f.BlockUntil(1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep() = %v, want context.Canceled", err)
	}
}

func TestSleepWakes(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	done := make(chan error)
	go func() { done <- Sleep(context.Background(), f, time.Hour) }()
	<-f.BlockUntil(1)
	f.Advance(time.Hour)
	if err := <-done; err != nil {
		t.Fatalf("Sleep() = %v, want nil", err)
	}
}

func TestLoop(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	kick := make(chan struct{}, 1)
	steps := make(chan time.Time, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		Loop(ctx, f, kick, nil, func(context.Context) time.Duration {
			steps <- f.Now()
			return time.Hour
		})
		close(done)
	}()
	if got := <-steps; !got.Equal(time.Unix(0, 0)) {
		t.Errorf("first step at %v, want at once", got)
	}
	<-f.BlockUntil(1)
	kick <- struct{}{}
	<-steps
	// Kicked, the loop stopped its timer and armed a new one: one timer,
	// due an hour after the kick, not two.
	<-f.BlockUntil(1)
	if n := f.Timers(); n != 1 {
		t.Errorf("%d timers armed after a kick, want 1", n)
	}
	f.Advance(time.Hour)
	if got := <-steps; !got.Equal(time.Unix(3600, 0)) {
		t.Errorf("timed step at %v, want 1h", got)
	}
	cancel()
	<-done
}

func TestProbe(t *testing.T) {
	f := NewFake(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	var p Probe
	inside, release := make(chan struct{}), make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		Loop(ctx, f, nil, &p, func(context.Context) time.Duration {
			close(inside)
			<-release
			return time.Hour
		})
		close(done)
	}()
	<-inside
	f.Advance(10 * time.Minute) // the step is stuck for ten minutes
	if got := p.Busy(f.Now()); got != 10*time.Minute {
		t.Errorf("Busy() inside a step = %v, want 10m", got)
	}
	close(release)
	<-f.BlockUntil(1)
	if got := p.Busy(f.Now()); got != 0 {
		t.Errorf("Busy() asleep = %v, want 0", got)
	}
	cancel()
	<-done
}
