package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
)

// TestPointsRaisedOnlyWhenSaid: a reply to a follow-up that says nothing
// of a talking point leaves it open, and the next brief carries it; "done
// N" on its number raises it, and the confirmation counts it as closed.
func TestPointsRaisedOnlyWhenSaid(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	past := activeMeeting("past", t0.Add(-2*time.Hour))
	next := activeMeeting("next", t0.Add(7*24*time.Hour))
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{past, next}}); err != nil {
		t.Fatal(err)
	}
	hiring, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Point, Text: "Hiring plan", Created: t0.Add(-48 * time.Hour)})
	budget, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Point, Text: "Budget", Created: t0.Add(-47 * time.Hour)})
	samsPoint, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Sam", Kind: meetinglog.Point, Text: "Sam's point", Created: t0.Add(-46 * time.Hour)})

	reply := func(id string, done ...int64) meetinglog.Logged {
		t.Helper()
		// A reply about the meeting that does not mention its points.
		got, err := s.RecordReply(ctx, meetinglog.Record{
			Reply: meetinglog.Reply{MessageID: id, MeetingKey: past.Key, Boss: "Dana", Subject: "Re: Follow-up", Received: t0},
			Items: []meetinglog.Item{{Kind: meetinglog.Decision, Text: "ship it"}}, Done: done,
		})
		if err != nil {
			t.Fatalf("RecordReply(%s) = %v", id, err)
		}
		return got
	}
	brief := func() []int64 {
		t.Helper()
		c, err := meetinglog.CarryOver(ctx, s, next, t0)
		if err != nil {
			t.Fatalf("CarryOver() = %v", err)
		}
		var ids []int64
		for _, p := range c.TalkingPoints {
			ids = append(ids, p.ID)
		}
		return ids
	}

	reply("silent@x")
	if got := brief(); !slices.Equal(got, []int64{hiring, budget}) {
		t.Errorf("after a reply silent on them, the next brief's points = %v, want %d and %d", got, hiring, budget)
	}

	got := reply("done@x", hiring, samsPoint)
	if !slices.Equal(got.Closed, []int64{hiring}) || !slices.Equal(got.NotFound, []int64{samsPoint}) {
		t.Errorf("RecordReply(done %d %d) closed %v, not found %v; want %d raised and Sam's point not found",
			hiring, samsPoint, got.Closed, got.NotFound, hiring)
	}
	if got := brief(); !slices.Equal(got, []int64{budget}) {
		t.Errorf("after \"done %d\", the next brief's points = %v, want only %d", hiring, got, budget)
	}
	if again := reply("again@x", hiring); !slices.Equal(again.AlreadyClosed, []int64{hiring}) {
		t.Errorf("RecordReply(done %d again) = %+v, want it already raised", hiring, again)
	}
	// "undo" on the reply that raised it opens it again.
	if _, err := s.RecordReply(ctx, meetinglog.Record{
		Reply: meetinglog.Reply{MessageID: "undo@x", MeetingKey: past.Key, Boss: "Dana", Received: t0},
		Fixes: []meetinglog.Fix{{Op: meetinglog.FixUndoReply, Reply: "done@x"}},
	}); err != nil {
		t.Fatalf("RecordReply(undo) = %v", err)
	}
	if got := brief(); !slices.Contains(got, hiring) {
		t.Errorf("after undoing the reply that raised %d, the next brief's points = %v, want it back", hiring, got)
	}
}

// TestPointsGroupAndOneOnOne: a group meeting's brief shows only the point
// addressed to it; the 1:1's brief shows the rest.
func TestPointsGroupAndOneOnOne(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	oneOnOne := activeMeeting("1on1", t0.Add(48*time.Hour))
	review := activeMeeting("review", t0.Add(24*time.Hour))
	review.OneOnOne, review.Event.Title = false, "Roadmap Review"
	review.Event.Attendees = []calendar.Attendee{{Email: "priya@example.com"}}
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{oneOnOne, review}}); err != nil {
		t.Fatal(err)
	}
	hiring, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Point, Text: "Hiring plan"})
	scope, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Point, Text: "[roadmap review] Q3 scope"})
	for _, tt := range []struct {
		m    meeting.Meeting
		want []int64
	}{{review, []int64{scope}}, {oneOnOne, []int64{hiring}}} {
		c, err := meetinglog.CarryOver(ctx, s, tt.m, t0)
		if err != nil {
			t.Fatalf("CarryOver(%s) = %v", tt.m.Key, err)
		}
		var ids []int64
		for _, p := range c.TalkingPoints {
			ids = append(ids, p.ID)
		}
		if !slices.Equal(ids, tt.want) {
			t.Errorf("CarryOver(%s) talking points = %v, want %v", tt.m.Event.Title, ids, tt.want)
		}
	}
}

func TestMeetingsAhead(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	past := activeMeeting("past", t0.Add(-time.Hour))
	soon := activeMeeting("soon", t0.Add(time.Hour))
	later := activeMeeting("later", t0.Add(48*time.Hour))
	other := activeMeeting("other", t0.Add(2*time.Hour))
	other.Boss = "Sam"
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{later, past, soon, other}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.MeetingsAhead(ctx, "Dana", t0)
	if err != nil {
		t.Fatalf("MeetingsAhead() = %v", err)
	}
	var ks []string
	for _, m := range got {
		ks = append(ks, m.Key)
	}
	if want := []string{soon.Key, later.Key}; !slices.Equal(ks, want) {
		t.Errorf("MeetingsAhead() = %q, want %q", ks, want)
	}
	if len(got) > 0 && (got[0].Event.Title != soon.Event.Title || !got[0].OneOnOne || !got[0].Event.Start.Equal(soon.Event.Start)) {
		t.Errorf("MeetingsAhead()[0] = %+v, want the title, 1:1 and start of %s", got[0], soon.Key)
	}
}
