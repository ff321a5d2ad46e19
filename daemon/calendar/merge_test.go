package calendar

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// scripted is a Source that answers each Sync with the next of its
// replies and records the cursors it was given.
type scripted struct {
	name    string
	replies []Changes
	errs    []error
	got     []string
}

func (s *scripted) Name() string { return s.name }

func (s *scripted) Sync(_ context.Context, cur string) (Changes, error) {
	s.got = append(s.got, cur)
	n := len(s.got) - 1
	if n < len(s.errs) && s.errs[n] != nil {
		return Changes{Requests: 1}, s.errs[n]
	}
	if n >= len(s.replies) {
		return Changes{Cursor: s.name + "-quiet", Requests: 1}, nil
	}
	ch := s.replies[n]
	ch.Requests = 1
	if ch.Cursor == "" {
		ch.Cursor = s.name + "-" + string(rune('a'+n))
	}
	return ch, nil
}

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

func ev(id, uid, title string) Event {
	return Event{ID: id, UID: uid, Title: title, Status: StatusConfirmed, Start: t0, End: t0.Add(30 * time.Minute)}
}

func gone(id string) Event { return Event{ID: id, Status: StatusCancelled} }

func full(w Window, evs ...Event) Changes { return Changes{Full: true, Window: w, Events: evs} }

func incr(evs ...Event) Changes { return Changes{Events: evs} }

// listing renders events as sorted "id:title" (cancelled: "id:-").
func listing(evs []Event) string {
	var out []string
	for _, e := range evs {
		t := e.Title
		if e.Status == StatusCancelled {
			t = "-"
		}
		out = append(out, e.ID+":"+t)
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

func TestMerged(t *testing.T) {
	ctx := context.Background()
	w1 := Window{Start: t0.Add(-24 * time.Hour), End: t0.Add(21 * 24 * time.Hour)}
	w2 := Window{Start: t0.Add(-23 * time.Hour), End: t0.Add(20 * 24 * time.Hour)}
	own := &scripted{name: "google:primary", replies: []Changes{
		full(w1, ev("a", "uid-a", "1:1 (own copy)"), ev("b", "uid-b", "Staff")),
		incr(),
		incr(gone("a")),
	}}
	team := &scripted{name: "google:team", replies: []Changes{
		full(w2, ev("a", "uid-a", "1:1 (team copy)"), ev("t", "uid-t", "Team sync")),
		incr(gone("a")),
		incr(),
	}}
	m := NewMerged(nil, own, team)
	if m.Name() != "google:primary" {
		t.Errorf("Name() = %q, want the first calendar's", m.Name())
	}

	// A stored cursor from before: the first sync lists in full anyway.
	ch, err := m.Sync(ctx, `{"calendars":{"google:primary":"old","google:team":"old"}}`)
	if err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	if own.got[0] != "" || team.got[0] != "" {
		t.Errorf("first sync passed cursors %q, %q; want full listings", own.got[0], team.got[0])
	}
	if !ch.Full || ch.Window != (Window{Start: w2.Start, End: w2.End}) || ch.Requests != 2 {
		t.Errorf("first sync: full %t, window %v, %d requests; want full over both windows' overlap, 2 requests", ch.Full, ch.Window, ch.Requests)
	}
	if got, want := listing(ch.Events), "a:1:1 (own copy) b:Staff t:Team sync"; got != want {
		t.Errorf("first sync = %s, want %s", got, want)
	}

	// The team calendar drops the 1:1: the user's own copy still holds.
	ch, err = m.Sync(ctx, ch.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if own.got[1] != "google:primary-a" || team.got[1] != "google:team-a" {
		t.Errorf("second sync passed cursors %q, %q; want each calendar's own", own.got[1], team.got[1])
	}
	if got, want := listing(ch.Events), "a:1:1 (own copy)"; ch.Full || got != want {
		t.Errorf("second sync = full %t, %s; want %s", ch.Full, got, want)
	}

	// Now the user's calendar drops it too: cancelled.
	ch, err = m.Sync(ctx, ch.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := listing(ch.Events), "a:-"; got != want {
		t.Errorf("third sync = %s, want %s", got, want)
	}

	// A quiet poll: nothing.
	if ch, err = m.Sync(ctx, ch.Cursor); err != nil || len(ch.Events) != 0 || ch.Full || ch.Requests != 2 {
		t.Errorf("quiet poll = %+v, %v; want nothing, 2 requests", ch, err)
	}
}

func TestMergedInstancesAndIDs(t *testing.T) {
	ctx := context.Background()
	w := Window{Start: t0.Add(-24 * time.Hour), End: t0.Add(21 * 24 * time.Hour)}
	inst := func(id string, orig time.Time, title string) Event {
		e := ev(id, "series-uid", title)
		e.RecurringEventID, e.OriginalStart = "series", orig
		return e
	}
	second := t0.Add(7 * 24 * time.Hour)
	own := &scripted{name: "own", replies: []Changes{
		full(w),
		incr(inst("own-2", second, "1:1, accepted")),
		incr(Event{ID: "own-2", RecurringEventID: "series", OriginalStart: second, Status: StatusCancelled}),
	}}
	team := &scripted{name: "team", replies: []Changes{
		full(w, inst("team-1", t0, "1:1"), inst("team-2", second, "1:1")),
		incr(),
		incr(gone("team-2")),
	}}
	m := NewMerged(nil, own, team)
	ch, err := m.Sync(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := listing(ch.Events), "team-1:1:1 team-2:1:1"; got != want {
		t.Errorf("first sync = %s, want the two instances once each: %s", got, want)
	}
	// The same instance turns up on the user's calendar under another id:
	// it keeps the id it was first reported with, and the user's copy.
	if ch, err = m.Sync(ctx, ch.Cursor); err != nil {
		t.Fatal(err)
	}
	if got, want := listing(ch.Events), "team-2:1:1, accepted"; got != want {
		t.Errorf("second sync = %s, want %s", got, want)
	}
	// Deleted from both: cancelled, with what its key is made of.
	if ch, err = m.Sync(ctx, ch.Cursor); err != nil {
		t.Fatal(err)
	}
	if len(ch.Events) != 1 || ch.Events[0].ID != "team-2" || ch.Events[0].Status != StatusCancelled ||
		ch.Events[0].RecurringEventID != "series" || !ch.Events[0].OriginalStart.Equal(second) {
		t.Errorf("third sync = %+v, want instance team-2 cancelled with its series and original start", ch.Events)
	}
}

func TestMergedFullFromOne(t *testing.T) {
	ctx := context.Background()
	w := Window{Start: t0.Add(-24 * time.Hour), End: t0.Add(21 * 24 * time.Hour)}
	slid := Window{Start: t0, End: t0.Add(22 * 24 * time.Hour)}
	own := &scripted{name: "own", replies: []Changes{
		full(w, ev("a", "uid-a", "1:1"), ev("old", "uid-old", "Gone by now")),
		full(slid, ev("a", "uid-a", "1:1")),
	}}
	team := &scripted{name: "team", replies: []Changes{
		full(w, ev("t", "uid-t", "Team sync")),
		incr(ev("t2", "uid-t2", "New on the team calendar")),
	}}
	m := NewMerged(nil, own, team)
	ch, err := m.Sync(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	// One calendar lists in full: so does the merge, with everything the
	// others hold, over the span all their listings cover.
	if ch, err = m.Sync(ctx, ch.Cursor); err != nil {
		t.Fatal(err)
	}
	if got, want := listing(ch.Events), "a:1:1 t2:New on the team calendar t:Team sync"; !ch.Full || got != want {
		t.Errorf("sync = full %t, %s; want full, %s", ch.Full, got, want)
	}
	if want := (Window{Start: slid.Start, End: w.End}); ch.Window != want {
		t.Errorf("window = %v, want %v", ch.Window, want)
	}
}

func TestMergedErrors(t *testing.T) {
	ctx := context.Background()
	w := Window{Start: t0, End: t0.Add(time.Hour)}
	own := &scripted{name: "own", replies: []Changes{full(w, ev("a", "uid-a", "1:1"))}}
	team := &scripted{name: "team", errs: []error{errors.New("503")}}
	m := NewMerged(nil, own, team)
	if _, err := m.Sync(ctx, ""); err == nil || !strings.Contains(err.Error(), "sync team: 503") {
		t.Errorf("Sync() = %v, want the team calendar's error", err)
	}
	// Not ready: the next sync lists both in full again.
	team.replies = []Changes{{}, full(w)}
	own.replies = append(own.replies, full(w, ev("a", "uid-a", "1:1")))
	ch, err := m.Sync(ctx, "")
	if err != nil || !ch.Full || listing(ch.Events) != "a:1:1" {
		t.Errorf("Sync() after a failure = %+v, %v; want a full listing", ch, err)
	}
	if own.got[1] != "" {
		t.Errorf("own calendar got cursor %q after the failed first sync, want a full listing", own.got[1])
	}
}
