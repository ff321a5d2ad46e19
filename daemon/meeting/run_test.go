package meeting_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/store"
	"github.com/leadup/leadup/internal/syncbuf"
)

// panickySource panics on the syncs its script marks true.
type panickySource struct {
	mu     sync.Mutex
	panics []bool
	done   chan struct{}
}

func (s *panickySource) Name() string { return "test:cal" }

func (s *panickySource) Sync(ctx context.Context, cursor string) (calendar.Changes, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() { s.done <- struct{}{} }()
	if len(s.panics) > 0 {
		p := s.panics[0]
		s.panics = s.panics[1:]
		if p {
			panic("bad event")
		}
	}
	return calendar.Changes{Cursor: "c"}, nil
}

func runPanicky(t *testing.T, panics []bool) (*panickySource, *clock.Fake, *syncbuf.Buffer, context.CancelFunc, chan error) {
	t.Helper()
	src := &panickySource{panics: panics, done: make(chan struct{}, 10)}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fake := clock.NewFake(now)
	logs := &syncbuf.Buffer{}
	tr := meeting.NewTracker(meeting.TrackerOptions{
		Source: src, Store: st, Rule: meeting.NewRule(bosses, config.Filter{}), Poll: 2 * time.Minute, Clock: fake,
		Log: slog.New(slog.NewTextHandler(logs, nil)),
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx) }()
	return src, fake, logs, cancel, done
}

func waitSync(t *testing.T, src *panickySource, n int) {
	t.Helper()
	select {
	case <-src.done:
	case <-time.After(5 * time.Second):
		t.Fatalf("sync %d did not happen", n)
	}
}

func TestTrackerRunSurvivesAPanic(t *testing.T) {
	src, fake, logs, cancel, done := runPanicky(t, []bool{true, false})
	waitSync(t, src, 1)
	<-fake.BlockUntil(1)
	if out := logs.String(); !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "bad event") ||
		!strings.Contains(out, "goroutine") {
		t.Errorf("log after a panic lacks the panic at error level with its stack:\n%s", out)
	}
	// A panic is a failed sync: the next comes a poll later.
	if next, _ := fake.NextDue(); next.Sub(fake.Now()) != 2*time.Minute {
		t.Errorf("after a panic: next sync in %v, want 2m", next.Sub(fake.Now()))
	}
	fake.Advance(2 * time.Minute)
	waitSync(t, src, 2)
	<-fake.BlockUntil(1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v, want context.Canceled after one panic and cancel", err)
	}
}

func TestTrackerRunFailsOnRepeatedPanics(t *testing.T) {
	src, fake, _, _, done := runPanicky(t, []bool{true, true, true})
	waitSync(t, src, 1)
	for i, wait := range []time.Duration{2 * time.Minute, 4 * time.Minute} {
		<-fake.BlockUntil(1)
		fake.Advance(wait)
		waitSync(t, src, i+2)
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "bad event") {
			t.Errorf("Run() = %v, want an error about the panics", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run() still running after three panics in a row")
	}
}
