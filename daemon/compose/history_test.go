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

// TestBriefsRememberPerBoss follows four weeks with one boss: a 1:1 the
// user replied to, a group meeting nobody replied to, a cancelled 1:1, then
// the next 1:1 and the next group meeting. "Last time" comes from the last
// meeting with a log: for a 1:1 the last 1:1 with one, for a group meeting
// the last meeting of any kind with one. Feedback not yet applied has a
// section of its own in every brief, and is left out of "last time".
func TestBriefsRememberPerBoss(t *testing.T) {
	ctx := context.Background()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, loc)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.FileName), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mtg := func(id, title string, start time.Time, oneOnOne bool) meeting.Meeting {
		return meeting.Meeting{Key: "cal/" + id, Calendar: "cal", Status: meeting.Active, Boss: "Dana Whitfield",
			BossEmail: "dana@example.com", OneOnOne: oneOnOne,
			Event: calendar.Event{ID: id, Title: title, Start: start, End: start.Add(time.Hour)}}
	}
	first := mtg("first", "Dana / me", time.Date(2026, 11, 3, 10, 0, 0, 0, loc), true)
	review := mtg("review", "Billing migration review", time.Date(2026, 11, 10, 14, 0, 0, 0, loc), false)
	cancelled := mtg("cancelled", "Dana / me", time.Date(2026, 11, 17, 10, 0, 0, 0, loc), true)
	next := mtg("next", "Dana / me", time.Date(2026, 11, 24, 10, 0, 0, 0, loc), true)
	planning := mtg("planning", "Q1 planning", time.Date(2026, 11, 26, 15, 0, 0, 0, loc), false)
	if _, err := st.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal",
		Meetings: []meeting.Meeting{first, review, cancelled, next, planning}}); err != nil {
		t.Fatal(err)
	}
	cancelled.Status = meeting.Cancelled
	if _, err := st.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{cancelled}}); err != nil {
		t.Fatal(err)
	}

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
	// lastTime returns the "last time" section of the brief of m, sent a
	// day before it: from its heading to the next blank line and heading;
	// and sets openFeedback to the brief's section of feedback to act on.
	var openFeedback string
	lastTime := func(m meeting.Meeting) string {
		t.Helper()
		now = m.Event.Start.Add(-24 * time.Hour)
		_, r, err := c.Preview(ctx, schedule.BriefJob(m, 24*time.Hour))
		if err != nil {
			t.Fatalf("Preview(brief of %s) = %v", m.Key, err)
		}
		text := strings.ReplaceAll(r.Text, "\r\n", "\n")
		if i := strings.Index(text, "\nFEEDBACK FROM DANA, TO ACT ON\n"); i >= 0 {
			section, _, _ := strings.Cut(text[i+1:], "\n\n")
			openFeedback = section
		} else {
			openFeedback = ""
		}
		i := strings.Index(text, "\nLAST TIME")
		if i < 0 {
			return ""
		}
		section := text[i+1:]
		if j := strings.Index(section, "\nTALKING POINTS"); j >= 0 {
			section = section[:j]
		}
		if j := strings.Index(section, "\n\nAnything to raise?"); j >= 0 {
			section = section[:j]
		}
		return strings.TrimSpace(section)
	}
	reply := func(id string, m meeting.Meeting, items ...meetinglog.Item) {
		t.Helper()
		now = m.Event.End.Add(2 * time.Hour)
		r := meetinglog.Reply{MessageID: id + "@example.com", MeetingKey: m.Key, Boss: m.Boss, Subject: "Re: " + m.Event.Title, Received: now}
		if _, err := st.RecordReply(ctx, meetinglog.Record{Reply: r, Items: items}); err != nil {
			t.Fatalf("RecordReply(%s) = %v", id, err)
		}
	}
	want := func(step, got string, lines ...string) {
		t.Helper()
		if got != strings.Join(lines, "\n") {
			t.Errorf("%s: last time is\n%s\nwant\n%s", step, got, strings.Join(lines, "\n"))
		}
	}

	want("before anything was logged", lastTime(first))
	reply("first", first,
		meetinglog.Item{Kind: meetinglog.Decision, Text: "Keep the March date"},
		meetinglog.Item{Kind: meetinglog.Feedback, Owner: "boss", Text: "Lead with the risk and the date"},
		meetinglog.Item{Kind: meetinglog.Note, Text: "Dana presents the plan to the board on the 30th"},
		meetinglog.Item{Kind: meetinglog.Action, Owner: "me", Text: "Send the cut-over plan"})

	// A group meeting goes on from the last meeting of any kind with a log,
	// and names it.
	// The feedback, not yet applied, is in a section of its own.
	want("the group meeting's brief", lastTime(review),
		"LAST TIME (Dana / me, Tue 3 Nov, 6 days ago)",
		"Decided:", "- Keep the March date", "",
		"Notes:", "- Dana presents the plan to the board on the 30th")
	want("the group meeting's open feedback", openFeedback,
		"FEEDBACK FROM DANA, TO ACT ON",
		`- [1] Lead with the risk and the date (6 days ago) – reply "applied 1" once you have`,
		"Show Dana what you changed for each: acting on feedback counts when it is seen.")
	if _, _, err := st.ApplyItems(ctx, []int64{1}); err != nil {
		t.Fatalf("ApplyItems(1) = %v", err)
	}

	// No reply to the group meeting, the next 1:1 cancelled: the 1:1 after
	// them still carries the first 1:1, and says when it was.
	firstLog := []string{
		"Decided:", "- Keep the March date", "",
		"Feedback:", "- Lead with the risk and the date", "",
		"Notes:", "- Dana presents the plan to the board on the 30th"}
	want("the next 1:1's brief", lastTime(next), append([]string{"LAST TIME (Tue 3 Nov, 2 weeks ago)"}, firstLog...)...)

	// The group meeting logged after all: a 1:1 still goes on from the last
	// 1:1, and the next group meeting from the group meeting.
	reply("review", review,
		meetinglog.Item{Kind: meetinglog.Decision, Text: "Move the EU accounts first"},
		meetinglog.Item{Kind: meetinglog.Note, Text: "Finance wants a rollback plan"})
	want("the next 1:1's brief, the group meeting logged", lastTime(next), append([]string{"LAST TIME (Tue 3 Nov, 2 weeks ago)"}, firstLog...)...)
	want("the next group meeting's brief", lastTime(planning),
		"LAST TIME (Billing migration review, Tue 10 Nov, 2 weeks ago)",
		"Decided:", "- Move the EU accounts first", "",
		"Notes:", "- Finance wants a rollback plan")

	// Once the next 1:1 is logged, it is last time for the group meeting
	// after it.
	reply("next", next, meetinglog.Item{Kind: meetinglog.Feedback, Owner: "boss", Text: "Good call on the rollback plan"},
		meetinglog.Item{Kind: meetinglog.Decision, Text: "Roll back region by region"})
	want("the group meeting after a logged 1:1", lastTime(planning),
		"LAST TIME (Dana / me, Tue 24 Nov, yesterday)",
		"Decided:", "- Roll back region by region")
	if !strings.Contains(openFeedback, "] Good call on the rollback plan (yesterday)") || strings.Contains(openFeedback, "Lead with the risk") {
		t.Errorf("the group meeting's open feedback is\n%s\nwant the new feedback alone", openFeedback)
	}
}
