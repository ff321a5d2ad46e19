package schedule_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin everywhere

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
)

// composer writes a stand-in message whose Message-ID, like the daemon's,
// derives from the job's kind and variant, and counts its calls.
type composer struct{ calls int }

func (c *composer) Compose(_ context.Context, j schedule.Job) (outbox.Message, error) {
	c.calls++
	return outbox.Message{MessageID: "leadup." + j.Kind + "." + j.Variant + "@example.com", MeetingKey: j.Meeting.Key,
		Kind: j.Kind, Variant: j.Variant, Late: j.Late, NextAttempt: j.Due, Expires: j.Expires,
		EnvelopeFrom: "leadup@example.com", EnvelopeTo: []string{"me@example.com"}, Subject: j.Describe(), Body: []byte("x")}, nil
}

// digestWorld is a store in a temporary directory that the test opens
// again for each "run" of the scheduler, as a restarted daemon would.
type digestWorld struct {
	t    *testing.T
	path string
	loc  *time.Location
	due  time.Time // Fri 27 Nov 2026 16:00 in Berlin: ISO week 48
}

func newDigestWorld(t *testing.T) *digestWorld {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("LoadLocation() = %v", err)
	}
	return &digestWorld{t: t, path: filepath.Join(t.TempDir(), store.FileName), loc: loc,
		due: time.Date(2026, 11, 27, 16, 0, 0, 0, loc)}
}

// run starts a scheduler at now on the store, ticks once (what Run does
// first), and returns the time it would wake up and what was written.
func (w *digestWorld) run(now time.Time, seed func(*store.Store)) (next time.Time, composed int) {
	w.t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, w.path, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		w.t.Fatalf("store.Open() = %v", err)
	}
	defer st.Close()
	if seed != nil {
		seed(st)
	}
	c := &composer{}
	s := schedule.New(schedule.Options{Store: st, Composer: c, Clock: clock.NewFake(now),
		Config: schedule.Config{Digest: true, DigestWeekly: config.Weekly{Day: time.Friday, Hour: 16}, Location: w.loc}})
	next, err = s.Tick(ctx)
	if err != nil {
		w.t.Fatalf("Tick() at %v = %v", now, err)
	}
	return next, c.calls
}

// digests returns the digests in the outbox, by week.
func (w *digestWorld) digests() map[string]outbox.Message {
	w.t.Helper()
	st, err := store.Open(context.Background(), w.path, store.Options{})
	if err != nil {
		w.t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.OutboxWithoutMeeting(context.Background(), time.Time{})
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]outbox.Message{}
	for _, r := range rows {
		if _, dup := out[r.Variant]; dup {
			w.t.Errorf("two digests for %s", r.Variant)
		}
		out[r.Variant] = r
	}
	return out
}

// TestSchedulerDigestRestartAfterQueued: the scheduler queues the digest
// on time; a scheduler started again right after (a restarted daemon)
// neither composes nor queues it again, and sleeps until next week's.
func TestSchedulerDigestRestartAfterQueued(t *testing.T) {
	w := newDigestWorld(t)
	next, _ := w.run(w.due.Add(-time.Hour), nil)
	if !next.Equal(w.due) {
		t.Errorf("an hour before, the scheduler wakes at %v, want %v", next, w.due)
	}
	if _, n := w.run(w.due, nil); n != 1 {
		t.Fatalf("at the due time: %d composed, want the digest", n)
	}
	got := w.digests()
	if d, ok := got["2026-W48"]; !ok || d.Late || d.State != outbox.StateQueued || len(got) != 1 {
		t.Fatalf("digests = %+v, want week 48 queued on time", got)
	}
	for _, after := range []time.Duration{time.Second, time.Minute, 5 * time.Hour} {
		next, n := w.run(w.due.Add(after), nil)
		if n != 0 {
			t.Errorf("restarted %v after: %d composed, want none", after, n)
		}
		if want := w.due.AddDate(0, 0, 7); !next.Equal(want) {
			t.Errorf("restarted %v after: wakes at %v, want next week's %v", after, next, want)
		}
	}
	if got := w.digests(); len(got) != 1 {
		t.Errorf("digests after restarts = %d, want 1", len(got))
	}
}

// TestSchedulerDigestAcrossDowntime: leadup was at work before the due
// time, then down across it. Back within the window it sends the digest
// once, late; back after it, it skips that week for good.
func TestSchedulerDigestAcrossDowntime(t *testing.T) {
	w := newDigestWorld(t)
	seen := func(st *store.Store) {
		start := w.due.Add(4 * 24 * time.Hour)
		m := meeting.Meeting{Key: "cal/m", Calendar: "cal", Status: meeting.Active, Boss: "Dana", BossEmail: "dana@example.com",
			Event: calendar.Event{ID: "m", Title: "1:1", Start: start, End: start.Add(30 * time.Minute)}}
		if _, err := st.ApplySync(context.Background(), meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{m}}); err != nil {
			t.Fatal(err)
		}
	}
	// Up on Thursday: the calendar is synced; down before Friday 16:00.
	if _, n := w.run(w.due.Add(-26*time.Hour), seen); n != 0 {
		t.Fatalf("on Thursday: %d composed, want none", n)
	}
	// Back on Saturday morning: the digest goes out, late.
	if _, n := w.run(w.due.Add(17*time.Hour), nil); n != 1 {
		t.Fatalf("back on Saturday: %d composed, want the late digest", n)
	}
	if d := w.digests()["2026-W48"]; !d.Late {
		t.Errorf("digest after downtime = %+v, want it marked late", d)
	}
	// Restarted again: nothing more.
	if _, n := w.run(w.due.Add(18*time.Hour), nil); n != 0 {
		t.Errorf("restarted on Saturday: %d composed, want none", n)
	}
	// Down the next Friday until the Tuesday after: week 49 is skipped,
	// then and on every later start; week 50 is planned.
	for _, at := range []time.Duration{4 * 24 * time.Hour, 5 * 24 * time.Hour} {
		next, n := w.run(w.due.AddDate(0, 0, 7).Add(at), nil)
		if n != 0 {
			t.Errorf("%v after week 49's due time: %d composed, want none", at, n)
		}
		if want := w.due.AddDate(0, 0, 14); !next.Equal(want) {
			t.Errorf("%v after week 49's due time: wakes at %v, want week 50's %v", at, next, want)
		}
	}
	if got := w.digests(); len(got) != 1 {
		t.Errorf("digests = %d, want only week 48's", len(got))
	}
}

// TestSchedulerDigestNewStore: a first start after the due time makes up
// no digest for a week leadup did not watch.
func TestSchedulerDigestNewStore(t *testing.T) {
	w := newDigestWorld(t)
	if _, n := w.run(w.due.Add(2*time.Hour), nil); n != 0 {
		t.Errorf("first start 2h after the due time: %d composed, want none", n)
	}
	if got := w.digests(); len(got) != 0 {
		t.Errorf("digests = %v, want none", got)
	}
}
