package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
)

// TestLastLogged follows a boss's meetings over a month as things get
// logged for them: LastLogged finds the latest meeting with a log, of the
// kind asked for, whatever its status, and skips the rest.
func TestLastLogged(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	week := 7 * 24 * time.Hour
	oneOnOne := func(id string, start time.Time) meeting.Meeting { return activeMeeting(id, start) }
	group := func(id string, start time.Time) meeting.Meeting {
		m := activeMeeting(id, start)
		m.OneOnOne = false
		return m
	}
	first := oneOnOne("first", t0.Add(-4*week))
	team := group("team", t0.Add(-3*week))
	skipped := oneOnOne("skipped", t0.Add(-2*week))
	briefed := oneOnOne("briefed", t0.Add(-week))
	sams := oneOnOne("sams", t0.Add(-week/2))
	sams.Boss = "Sam"
	next := oneOnOne("next", t0)
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal",
		Meetings: []meeting.Meeting{first, team, skipped, briefed, sams, next}}); err != nil {
		t.Fatal(err)
	}
	reply := func(id string, m meeting.Meeting, received time.Time, items ...meetinglog.Item) {
		t.Helper()
		r := meetinglog.Reply{MessageID: id + "@example.com", MeetingKey: m.Key, Boss: m.Boss, Subject: "Re: " + m.Event.Title, Received: received}
		if _, err := s.RecordReply(ctx, meetinglog.Record{Reply: r, Items: items}); err != nil {
			t.Fatalf("RecordReply(%s) = %v", id, err)
		}
	}
	check := func(step string, oneOnOne bool, want string) {
		t.Helper()
		got, ok, err := s.LastLogged(ctx, "Dana", next.Event.Start, oneOnOne)
		if err != nil {
			t.Fatalf("%s: LastLogged(1:1 %t) = %v", step, oneOnOne, err)
		}
		if got.Key != want || ok != (want != "") {
			t.Errorf("%s: LastLogged(1:1 %t) = %q, %t; want %q", step, oneOnOne, got.Key, ok, want)
		}
	}

	check("nothing logged", true, "")
	check("nothing logged", false, "")

	// A reply to a brief, before the meeting, queues points for it: no log
	// of how it went. Nor does a meeting with another boss count.
	reply("brief-reply", briefed, briefed.Event.Start.Add(-time.Hour), meetinglog.Item{Kind: meetinglog.Point, Text: "raise the budget"})
	reply("sams", sams, sams.Event.End, meetinglog.Item{Kind: meetinglog.Decision, Text: "Sam decided"})
	check("points and another boss", true, "")
	check("points and another boss", false, "")

	reply("first", first, first.Event.End, meetinglog.Item{Kind: meetinglog.Decision, Text: "keep March"})
	reply("team", team, team.Event.End, meetinglog.Item{Kind: meetinglog.Feedback, Text: "shorter updates"})
	check("a 1:1 and a group meeting logged", true, first.Key)
	check("a 1:1 and a group meeting logged", false, team.Key)

	// Cancelled, yet something was logged for it: it took place in some
	// form.
	skipped.Status = meeting.Cancelled
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{skipped}}); err != nil {
		t.Fatal(err)
	}
	check("cancelled, no log", true, first.Key)
	if _, err := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", MeetingKey: skipped.Key, Kind: meetinglog.Note, Text: "met in the corridor instead"}); err != nil {
		t.Fatal(err)
	}
	check("cancelled, with a note", true, skipped.Key)

	// A reply after the meeting that logged nothing new ("done 12") is a
	// log too: the user said how it went.
	reply("done-only", briefed, briefed.Event.End)
	check("a reply with no items", true, briefed.Key)
	check("a reply with no items", false, briefed.Key)

	// Nothing at or after before counts, the meeting itself included.
	reply("next", next, next.Event.End, meetinglog.Item{Kind: meetinglog.Decision, Text: "too late"})
	check("the meeting itself logged", true, briefed.Key)
}

// TestLastLoggedPlan shows how SQLite runs the query: over the meetings
// table and the items_by_meeting index today, and, with the two indexes the
// query was written for, only over the boss's meetings from the latest back.
func TestLastLoggedPlan(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	plan := func() string {
		t.Helper()
		rows, err := s.db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+lastLoggedQuery, "Dana", t0.Unix(), true)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			b.WriteString(detail + "\n")
		}
		return b.String()
	}
	p := plan()
	t.Logf("plan:\n%s", p)
	for _, idx := range []string{"meetings_by_boss", "items_by_meeting", "replies_by_meeting"} {
		if !strings.Contains(p, idx) {
			t.Errorf("the plan does not use %s:\n%s", idx, p)
		}
	}
	// Sorting meetings of the same start by key, the tie-break, is all
	// that is left ("FOR LAST TERM OF ORDER BY"): the walk stops at the
	// first start with a logged meeting.
	if strings.Contains(p, "TEMP B-TREE FOR ORDER BY") {
		t.Errorf("the plan sorts instead of walking meetings_by_boss backwards:\n%s", p)
	}
}

// BenchmarkLastLogged looks for the last logged 1:1 in three years of
// weekly meetings with three bosses, half of them replied to, when the only
// logged 1:1 with the boss asked about is the first: the longest walk. It
// runs with the schema's indexes, then with the two the query was written
// for (see TestLastLoggedPlan).
func BenchmarkLastLogged(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir()+"/"+FileName, Options{Now: func() time.Time { return t0 }})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const weeks = 156
	var ms []meeting.Meeting
	for w := range weeks {
		for i, boss := range []string{"Dana", "Sam", "Lee"} {
			m := activeMeeting(fmt.Sprintf("%s-%d", boss, w), t0.Add(-time.Duration(weeks-w)*7*24*time.Hour+time.Duration(i)*time.Hour))
			m.Boss = boss
			ms = append(ms, m)
		}
	}
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: ms}); err != nil {
		b.Fatal(err)
	}
	for i, m := range ms {
		if m.Boss == "Dana" && i > 0 || i%2 == 1 {
			continue
		}
		r := meetinglog.Reply{MessageID: m.Key + "@example.com", MeetingKey: m.Key, Boss: m.Boss, Received: m.Event.End}
		if _, err := s.RecordReply(ctx, meetinglog.Record{Reply: r, Items: []meetinglog.Item{{Kind: meetinglog.Decision, Text: "x"}}}); err != nil {
			b.Fatal(err)
		}
	}
	run := func(b *testing.B) {
		for b.Loop() {
			if m, ok, err := s.LastLogged(ctx, "Dana", t0, true); err != nil || !ok || m.Key != ms[0].Key {
				b.Fatalf("LastLogged() = %q, %t, %v; want %q", m.Key, ok, err, ms[0].Key)
			}
		}
	}
	run(b)
}
