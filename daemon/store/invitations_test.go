package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
)

// awaiting returns an event with Dana that awaits the user's answer to an
// invitation from an outsider, classified as the rule does.
func awaiting(id string, start time.Time) meeting.Meeting {
	return meeting.Meeting{Key: "cal/" + id, Calendar: "cal", Status: meeting.Unmatched, Awaiting: true, Boss: "Dana",
		Why: "awaiting your answer", Event: calendar.Event{ID: id, Title: "Pitch " + id, Start: start, End: start.Add(time.Hour),
			Organizer: calendar.Person{Email: "mallory@outside.example"}}}
}

// An invitation awaiting an answer is listed until it is answered,
// cancelled or gone from a full sync, and is never a meeting.
func TestInvitations(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	w := calendar.Window{Start: t0.Add(-24 * time.Hour), End: t0.Add(14 * 24 * time.Hour)}
	a, b, c := awaiting("a", t0.Add(2*time.Hour)), awaiting("b", t0.Add(26*time.Hour)), awaiting("c", t0.Add(50*time.Hour))
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Full: true, Window: w, Meetings: []meeting.Meeting{a, b, c}, Cursor: "1"}); err != nil {
		t.Fatal(err)
	}
	list := func() string {
		t.Helper()
		ms, err := s.Invitations(ctx, t0, t0.Add(14*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, m := range ms {
			if !m.Awaiting || m.Boss != "Dana" || m.Event.Organizer.Email != "mallory@outside.example" {
				t.Errorf("invitation %+v", m)
			}
			out += m.Event.ID
		}
		return out
	}
	if got := list(); got != "abc" {
		t.Fatalf("invitations = %q, want abc", got)
	}
	if ms, err := s.Meetings(ctx, Query{}); err != nil || len(ms) != 0 {
		t.Errorf("meetings = %v, %v; an invitation awaiting an answer is none", ms, err)
	}

	// Accepted: a meeting now, no longer an invitation. Moved: listed at
	// its new time.
	accepted := a
	accepted.Status, accepted.Awaiting = meeting.Active, false
	moved := b
	moved.Event.Start, moved.Event.End = t0.Add(60*time.Hour), t0.Add(61*time.Hour)
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{accepted, moved}, Cursor: "2"}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "cb" {
		t.Errorf("after accepting a and moving b: invitations = %q, want cb", got)
	}
	// A full sync that lists c only: b was withdrawn.
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Full: true, Window: w, Meetings: []meeting.Meeting{accepted, c}, Cursor: "3"}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "c" {
		t.Errorf("after a full sync without b: invitations = %q, want c", got)
	}
	// Another calendar's sync leaves them be; a day after it ends, it goes.
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "other", Full: true, Window: w, Cursor: "1"}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "c" {
		t.Errorf("after another calendar's sync: invitations = %q, want c", got)
	}
	s.now = func() time.Time { return c.Event.End.Add(invitationKeep + time.Minute) }
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Cursor: "4"}); err != nil {
		t.Fatal(err)
	}
	if ms, err := s.Invitations(ctx, time.Time{}, t0.Add(100*24*time.Hour)); err != nil || len(ms) != 0 {
		t.Errorf("a day after it ended: %d invitations, %v", len(ms), err)
	}
}

// A catch-up and the follow-ups it names go in together, once.
func TestEnqueueCatchup(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var ms []meeting.Meeting
	for i := range 3 {
		ms = append(ms, meeting.Meeting{Key: fmt.Sprintf("cal/m%d", i), Calendar: "cal", Status: meeting.Active, Boss: "Dana",
			Event: calendar.Event{ID: fmt.Sprintf("m%d", i), Title: "1:1", Start: t0.Add(time.Duration(i) * time.Hour), End: t0.Add(time.Duration(i)*time.Hour + 30*time.Minute)}})
	}
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: ms, Cursor: "1"}); err != nil {
		t.Fatal(err)
	}
	cu := outbox.Message{MessageID: "leadup.catchup.x@example.com", Kind: outbox.KindCatchup, Variant: "x",
		NextAttempt: t0, Expires: t0.Add(24 * time.Hour), EnvelopeFrom: "a@example.com", EnvelopeTo: []string{"b@example.com"},
		Subject: "No follow-up", Body: []byte("Subject: x\r\n\r\nx\r\n")}
	for i, m := range ms[:2] {
		cu.Skipped = append(cu.Skipped, outbox.Message{MessageID: fmt.Sprintf("leadup.skipped.%d@example.com", i), MeetingKey: m.Key,
			Kind: outbox.KindFollowup, MeetingStart: m.Event.Start, Expires: t0.Add(24 * time.Hour), EnvelopeFrom: "a@example.com"})
	}
	// A broken skipped row (its meeting does not exist) fails the whole:
	// the catch-up is not queued without them.
	bad := cu
	bad.Skipped = append(append([]outbox.Message(nil), cu.Skipped...), outbox.Message{MessageID: "leadup.skipped.bad@example.com",
		MeetingKey: "cal/nope", Kind: outbox.KindFollowup, EnvelopeFrom: "a@example.com"})
	if _, err := s.Enqueue(ctx, bad); err == nil {
		t.Fatal("Enqueue with a skipped row of no meeting succeeded")
	}
	if rows, _ := s.RecentOutbox(ctx, t0.Add(-time.Hour), 10); len(rows) != 0 {
		t.Fatalf("a failed Enqueue left %d rows", len(rows))
	}

	for i, want := range []bool{true, false} {
		ok, err := s.Enqueue(ctx, cu)
		if err != nil || ok != want {
			t.Fatalf("Enqueue #%d = %t, %v; want %t", i+1, ok, err, want)
		}
	}
	got, err := s.OutboxForMeetings(ctx, []string{ms[0].Key, ms[1].Key, ms[2].Key})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		rows := got[m.Key]
		if i < 2 && (len(rows) != 1 || rows[0].State != outbox.StateSkipped || rows[0].Kind != outbox.KindFollowup || rows[0].Variant != "") {
			t.Errorf("meeting %d: rows %+v, want one skipped follow-up", i, rows)
		}
		if i == 2 && len(rows) != 0 {
			t.Errorf("meeting 2: rows %+v, want none", rows)
		}
	}
	if m, ok, err := s.NextDue(ctx, t0); err != nil || !ok || m.Kind != outbox.KindCatchup {
		t.Errorf("NextDue = %+v, %t, %v; want the catch-up (skipped rows are never due)", m, ok, err)
	}
}
