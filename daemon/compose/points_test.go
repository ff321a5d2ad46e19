package compose

import (
	"context"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/replytoken"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
)

// TestTalkingPointsNeverLost: the follow-up of a 1:1 lists its talking
// points, the agenda of its invitation and the open items, each with what
// to reply; a reply silent on a point leaves it for the next 1:1's brief;
// the roadmap review's brief shows only the point addressed to it.
func TestTalkingPointsNeverLost(t *testing.T) {
	ctx := context.Background()
	loc := time.UTC
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, loc)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.FileName), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mtg := func(id, title string, start time.Time, oneOnOne bool) meeting.Meeting {
		return meeting.Meeting{Key: "cal/" + id, Calendar: "cal", Status: meeting.Active, Boss: "Dana Whitfield",
			BossEmail: "dana@example.com", OneOnOne: oneOnOne,
			Event: calendar.Event{ID: id, Title: title, Start: start, End: start.Add(time.Hour),
				Description: "Agenda:\n1. Budget\n2. Hiring plan"}}
	}
	first := mtg("first", "Dana / me", time.Date(2026, 11, 3, 10, 0, 0, 0, loc), true)
	review := mtg("review", "Roadmap review", time.Date(2026, 11, 5, 14, 0, 0, 0, loc), false)
	next := mtg("next", "Dana / me", time.Date(2026, 11, 10, 10, 0, 0, 0, loc), true)
	if _, err := st.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{first, review, next}}); err != nil {
		t.Fatal(err)
	}
	add := func(it meetinglog.Item) int64 {
		t.Helper()
		it.Boss = "Dana Whitfield"
		n, err := st.AddItem(ctx, it)
		if err != nil {
			t.Fatalf("AddItem(%q) = %v", it.Text, err)
		}
		return n
	}
	add(meetinglog.Item{Kind: meetinglog.Point, Text: "Hiring plan"})
	add(meetinglog.Item{Kind: meetinglog.Point, Text: "[roadmap review] Q3 scope"})
	add(meetinglog.Item{Kind: meetinglog.Action, Owner: "me", Text: "Send the runbook"})

	tokens, err := replytoken.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	rnd, err := render.New("")
	if err != nil {
		t.Fatal(err)
	}
	c := New(Options{
		Config: &config.Config{
			Location: loc,
			Bosses:   []config.Boss{{Name: "Dana Whitfield", Emails: []string{"dana@example.com"}}},
			Mail:     config.Mail{From: &netmail.Address{Address: "leadup@example.com"}, To: &netmail.Address{Address: "me@example.com"}},
		},
		Render: rnd, Store: st, Tokens: tokens,
		Now: func() time.Time { return now },
	})
	text := func(j schedule.Job) string {
		t.Helper()
		_, r, err := c.Preview(ctx, j)
		if err != nil {
			t.Fatalf("Preview(%s of %s) = %v", j.Kind, j.Meeting.Key, err)
		}
		return r.Text
	}
	has := func(what, text string, want, not []string) {
		t.Helper()
		for _, s := range want {
			if !strings.Contains(text, s) {
				t.Errorf("%s lacks %q:\n%s", what, s, text)
			}
		}
		for _, s := range not {
			if strings.Contains(text, s) {
				t.Errorf("%s has %q:\n%s", what, s, text)
			}
		}
	}

	now = first.Event.End.Add(5 * time.Minute)
	has("the 1:1's follow-up", text(schedule.FollowupJob(first, 5*time.Minute)), []string{
		"On the agenda: Budget; Hiring plan.",
		"- [1] Hiring plan (raised? reply \"done 1\")",
		"- [3] Send the runbook (you; done or new date?)",
	}, []string{"Q3 scope"})

	// The reply to the follow-up says nothing of the points.
	if _, err := st.RecordReply(ctx, meetinglog.Record{
		Reply: meetinglog.Reply{MessageID: "reply@x", MeetingKey: first.Key, Boss: "Dana Whitfield", Received: now},
		Items: []meetinglog.Item{{Kind: meetinglog.Decision, Text: "Keep the March date"}},
	}); err != nil {
		t.Fatal(err)
	}
	// Before the review, its point is its own; the 1:1 gets the rest.
	now = review.Event.Start.Add(-24 * time.Hour)
	has("the review's brief", text(schedule.BriefJob(review, 24*time.Hour)), []string{"- [roadmap review] Q3 scope"}, []string{"- Hiring plan"})
	has("the next 1:1's brief, before the review", text(schedule.BriefJob(next, 24*time.Hour)), []string{"- Hiring plan"}, []string{"Q3 scope"})
	// The review's follow-up asks about its point only.
	now = review.Event.End.Add(5 * time.Minute)
	has("the review's follow-up", text(schedule.FollowupJob(review, 5*time.Minute)), []string{"- [2] [roadmap review] Q3 scope (raised? reply \"done 2\")"}, []string{"Hiring plan (raised"})
	// Not raised there, it is not lost: with no review ahead, the next 1:1
	// carries it.
	now = next.Event.Start.Add(-24 * time.Hour)
	has("the next 1:1's brief, after the review", text(schedule.BriefJob(next, 24*time.Hour)), []string{"- Hiring plan", "- [roadmap review] Q3 scope"}, nil)
}
