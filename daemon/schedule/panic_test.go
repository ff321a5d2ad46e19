package schedule_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
)

// runPanicky runs a scheduler whose Planned callback, called at every
// step, panics the first panics times.
func runPanicky(t *testing.T, panics int) (fake *clock.Fake, steps chan struct{}, done chan error) {
	t.Helper()
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fake = clock.NewFake(now)
	steps = make(chan struct{}, 100)
	s := schedule.New(schedule.Options{Store: st, Composer: &composer{}, Clock: fake, Config: schedule.Config{Location: time.UTC},
		Planned: func(*schedule.Job) {
			steps <- struct{}{}
			if panics > 0 {
				panics--
				panic("plan bug")
			}
		}})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done = make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return fake, steps, done
}

// advance moves the clock from timer to timer until the scheduler has
// taken n steps or Run returned. A new scheduler has a kick pending, so
// its first steps may come with or without the clock moving.
func advance(t *testing.T, fake *clock.Fake, steps chan struct{}, done chan error, n int) error {
	t.Helper()
	for seen := 0; seen < n; {
		select {
		case <-steps:
			seen++
		case err := <-done:
			return err
		case <-fake.BlockUntil(1):
			select {
			case <-steps:
				seen++
				continue
			default:
			}
			next, _ := fake.NextDue()
			fake.Advance(max(next.Sub(fake.Now()), 0))
		case <-time.After(5 * time.Second):
			t.Fatalf("%d scheduler steps of %d", seen, n)
		}
	}
	return nil
}

func TestSchedulerSurvivesAPanic(t *testing.T) {
	fake, steps, done := runPanicky(t, 1)
	if err := advance(t, fake, steps, done, 3); err != nil {
		t.Fatalf("Run() = %v after one panic, want it running", err)
	}
	<-fake.BlockUntil(1)
	select {
	case err := <-done:
		t.Fatalf("Run() = %v after one panic, want it running", err)
	default:
	}
}

func TestSchedulerFailsOnRepeatedPanics(t *testing.T) {
	fake, steps, done := runPanicky(t, 100)
	err := advance(t, fake, steps, done, 10)
	if err == nil || !strings.Contains(err.Error(), "plan bug") {
		t.Errorf("Run() = %v, want an error about the panics", err)
	}
}
