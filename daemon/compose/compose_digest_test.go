package compose

import (
	"context"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin everywhere

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
)

// TestComposeDigest composes the digest of week 48 from a store holding a
// little of everything, some of it just outside the week: the digest takes
// what belongs to the week and each configured boss, under a Message-ID
// that depends on the week alone.
func TestComposeDigest(t *testing.T) {
	ctx := context.Background()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 11, 27, 16, 0, 0, 0, loc)
	now := due.Add(10 * time.Second)
	day := 24 * time.Hour
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.FileName), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	mtg := func(id, boss, email, title string, start time.Time, status meeting.Status) meeting.Meeting {
		return meeting.Meeting{Key: "cal/" + id, Calendar: "cal", Status: status, Boss: boss, BossEmail: email, OneOnOne: true,
			Event: calendar.Event{ID: id, Title: title, Start: start, End: start.Add(30 * time.Minute)}}
	}
	if _, err := st.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{
		mtg("past", "Dana Whitfield", "dana@example.com", "Last week's 1:1", due.Add(-3*day), meeting.Active),
		mtg("next", "Dana Whitfield", "dana@example.com", "Dana / me", due.Add(4*day), meeting.Active),
		mtg("skip", "Sam Okafor", "sam@example.com", "Skip-level", due.Add(6*day), meeting.Active),
		mtg("declined", "Sam Okafor", "sam@example.com", "Declined one", due.Add(5*day), meeting.Declined),
		mtg("far", "Dana Whitfield", "dana@example.com", "In two weeks", due.Add(8*day), meeting.Active),
	}}); err != nil {
		t.Fatal(err)
	}
	add := func(it meetinglog.Item) {
		t.Helper()
		if _, err := st.AddItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	add(meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Action, Owner: "me", Text: "Overdue runbook", Created: due.Add(-20 * day), Due: due.Add(-2 * day)})
	add(meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Action, Owner: "boss", Text: "Approve the budget", Created: due.Add(-9 * day)})
	add(meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Action, Owner: "me", Text: "Shipped the latency fix", Created: due.Add(-9 * day), Done: due.Add(-day)})
	add(meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Action, Owner: "me", Text: "Closed last week", Created: due.Add(-20 * day), Done: due.Add(-8 * day)})
	add(meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Decision, Text: "Keep the March date", Created: due.Add(-2 * day)})
	add(meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Decision, Text: "Decided long ago", Created: due.Add(-30 * day)})
	add(meetinglog.Item{Boss: "Pat Former", Kind: meetinglog.Action, Owner: "me", Text: "For a boss no longer configured", Created: due.Add(-day)})

	rnd, err := render.New("")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{
		Location: loc,
		Bosses: []config.Boss{
			{Name: "Dana Whitfield", Emails: []string{"dana@example.com"}},
			{Name: "Sam Okafor", Emails: []string{"sam@example.com"}},
		},
		Mail: config.Mail{From: &netmail.Address{Name: "leadup", Address: "leadup@example.com"}, To: &netmail.Address{Address: "me@example.com"}},
	}
	c := &Composer{cfg: cfg, render: rnd, store: st, now: func() time.Time { return now }}

	j := schedule.DigestJob(due, loc)
	msg, r, err := c.compose(ctx, j)
	if err != nil {
		t.Fatalf("compose(digest) = %v", err)
	}
	if !strings.HasPrefix(msg.MessageID, "leadup.digest.2026-W48.") || !strings.HasSuffix(msg.MessageID, "@example.com") {
		t.Errorf("Message-ID = %q, want leadup.digest.2026-W48.…@example.com", msg.MessageID)
	}
	if msg.MeetingKey != "" || msg.Kind != outbox.KindDigest || msg.Variant != "2026-W48" || msg.ReplyToken != "" ||
		!msg.Expires.Equal(due.Add(schedule.DigestWindow)) {
		t.Errorf("outbox message = %+v, want a digest of week 48 with no meeting and no token", msg)
	}
	for _, want := range []string{"Overdue runbook (you, 2 days overdue)", "Approve the budget", "Shipped the latency fix",
		"Keep the March date", "1:1 with Dana", "1:1 with Sam", "STATUS UPDATE FOR DANA", "STATUS UPDATE FOR SAM"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, r.Text)
		}
	}
	for _, bad := range []string{"Closed last week", "Decided long ago", "no longer configured", "Last week's", "Declined one", "In two weeks"} {
		if strings.Contains(r.Text, bad) {
			t.Errorf("digest has %q, from outside its week or bosses:\n%s", bad, r.Text)
		}
	}
	if !strings.Contains(string(msg.Body), "X-Leadup-Kind: digest") {
		t.Error("the message lacks its X-Leadup-Kind header")
	}

	// Composed again, later (a restart): the same Message-ID, so the
	// outbox takes it once.
	c.now = func() time.Time { return now.Add(time.Hour) }
	again, _, err := c.compose(ctx, j)
	if err != nil {
		t.Fatal(err)
	}
	if again.MessageID != msg.MessageID {
		t.Errorf("Message-ID changed between composes: %q, then %q", msg.MessageID, again.MessageID)
	}
	for i, m := range []outbox.Message{msg, again} {
		ok, err := st.Enqueue(ctx, m)
		if err != nil || ok != (i == 0) {
			t.Errorf("Enqueue #%d = %v, %v; want only the first to queue", i+1, ok, err)
		}
	}
	if other := MessageID(schedule.DigestJob(due.AddDate(0, 0, 7), loc), "", "example.com"); other == msg.MessageID {
		t.Error("two weeks' digests have one Message-ID")
	}
}
