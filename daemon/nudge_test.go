package daemon_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/schedule"
)

// nudgeSettings agree a 1:1 every two weeks with Sam (the stack's second
// boss: these lines land in his [[boss]] table) and turn the digest off, so
// that a nudge is the only email of its kind.
const nudgeSettings = "one_on_one_every = \"14d\"\n\n[digest]\nweekly = \"\"\n"

// lastOneOnOne is the 1:1 with Sam the nudge tests start from: Monday 2
// November 2026, 10:00 in Berlin. With a 14-day cadence and a quarter of
// it as grace, the nudge falls due 17.5 days later, on Thursday 19
// November at 22:00.
func lastOneOnOne(t testing.TB) (met, nudgeDue time.Time) {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("LoadLocation() = %v", err)
	}
	met = time.Date(2026, 11, 2, 10, 0, 0, 0, loc)
	return met, met.Add(14*24*time.Hour + 84*time.Hour)
}

// nudgeRows returns the nudges in the outbox.
func nudgeRows(t *testing.T, rows []outbox.Message) []outbox.Message {
	t.Helper()
	var out []outbox.Message
	for _, r := range rows {
		if r.Kind == outbox.KindNudge {
			out = append(out, r)
		}
	}
	return out
}

// noNudgePlanned checks that the plan has no nudge, due or upcoming.
func noNudgePlanned(t *testing.T, plan func(context.Context) ([]schedule.Job, []schedule.Job, error)) {
	t.Helper()
	due, upcoming, err := plan(context.Background())
	if err != nil {
		t.Fatalf("Plan() = %v", err)
	}
	for _, j := range append(due, upcoming...) {
		if j.Kind == outbox.KindNudge {
			t.Errorf("plan has %s due %v, want no nudge: the gap has had its own", j.Describe(), j.Due)
		}
	}
}

// TestNudgeOnceAcrossRestart: leadup saw the 1:1 with Sam; 17.5 days on,
// with nothing booked, one nudge goes out at its time, and neither a
// restart nor later plans send another for the same gap.
func TestNudgeOnceAcrossRestart(t *testing.T) {
	met, due := lastOneOnOne(t)
	s := newStack(t, nudgeSettings)
	s.meetingWith("1on1", "Sam / me", "sam@example.com", met, 30*time.Minute)
	sawCalendar(t, s, clockAt(met.Add(-2*time.Hour), 0))
	// The meeting took place: leadup was at work during it.
	sawCalendar(t, s, clockAt(met.Add(time.Hour), 0))

	clk := clockAt(due, 3*time.Second)
	d, stop := runFor(t, s, clk)
	msgs := s.wait(t, 1)
	p := parse(t, msgs[0])
	if late := clk.at(msgs[0].At).Sub(due); late < 0 || late > 10*time.Second {
		t.Errorf("nudge arrived %v after its due time, want within seconds", late)
	}
	if p.subject != "2 weeks since you last met Sam" || p.header.Get("X-Leadup-Kind") != "nudge" {
		t.Errorf("subject %q, kind %q; want the nudge about Sam", p.subject, p.header.Get("X-Leadup-Kind"))
	}
	for _, want := range []string{
		"It has been 2 weeks since you last met Sam (1:1 with Sam, Mon 2 Nov); you agreed to meet every 2 weeks.",
		"Nothing is booked with Sam.",
		"STATUS UPDATE FOR SAM",
		"Hi Sam,",
		"The note asking for time",
		"Could we find 20 minutes this week?",
	} {
		if !strings.Contains(p.text, want) {
			t.Errorf("nudge lacks %q:\n%s", want, p.text)
		}
	}
	if !strings.Contains(p.html, `href="mailto:sam@example.com?subject=Time%20to%20catch%20up%3F&amp;body=Hi%20Sam%2C`) {
		t.Errorf("nudge HTML has no link asking Sam for time:\n%s", p.html)
	}
	noNudgePlanned(t, d.Plan)
	stop()

	// Back a day later, and a week later: the gap is the same one.
	for _, after := range []time.Duration{24 * time.Hour, 7 * 24 * time.Hour} {
		d2, stop2 := runFor(t, s, clockAt(due.Add(after), 0))
		if _, err := d2.SyncMeetings(context.Background()); err != nil {
			t.Fatal(err)
		}
		quiet(t, s, 1)
		noNudgePlanned(t, d2.Plan)
		rows, err := d2.Store().OutboxWithoutMeeting(context.Background(), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if n := nudgeRows(t, rows); len(n) != 1 || n[0].State != outbox.StateSent {
			t.Errorf("nudges in the outbox = %+v, want one, sent", n)
		}
		stop2()
	}
}

// TestNudgeWaitsForTheBookedMeeting: with the next 1:1 booked soon after
// the nudge would fall due, its brief does the work and no nudge goes out;
// a meeting booked far off still brings one, which names it.
func TestNudgeWaitsForTheBookedMeeting(t *testing.T) {
	met, due := lastOneOnOne(t)
	t.Run("booked a day after", func(t *testing.T) {
		s := newStack(t, nudgeSettings)
		s.meetingWith("1on1", "Sam / me", "sam@example.com", met, 30*time.Minute)
		sawCalendar(t, s, clockAt(met.Add(time.Hour), 0))
		s.meetingWith("next", "Sam / me", "sam@example.com", due.Add(24*time.Hour), 30*time.Minute)
		d, _ := runFor(t, s, clockAt(due.Add(time.Minute), 0))
		if _, err := d.SyncMeetings(context.Background()); err != nil {
			t.Fatal(err)
		}
		quiet(t, s, 0)
		noNudgePlanned(t, d.Plan)
	})
	t.Run("booked a week after", func(t *testing.T) {
		s := newStack(t, nudgeSettings)
		s.meetingWith("1on1", "Sam / me", "sam@example.com", met, 30*time.Minute)
		sawCalendar(t, s, clockAt(met.Add(time.Hour), 0))
		s.meetingWith("next", "Sam / me", "sam@example.com", due.Add(7*24*time.Hour), 30*time.Minute)
		runFor(t, s, clockAt(due.Add(time.Minute), 0))
		p := parse(t, s.wait(t, 1)[0])
		if want := "The next meeting booked is 1:1 with Sam, Thu 26 Nov, 22:00–22:30."; !strings.Contains(p.text, want) {
			t.Errorf("nudge lacks %q:\n%s", want, p.text)
		}
	})
}

// TestNudgeCrashRightAfterQueued kills the daemon (SIGKILL, in a child
// process) the moment the nudge is in the outbox: the next run sends it,
// once, and plans no second one for the gap.
func TestNudgeCrashRightAfterQueued(t *testing.T) {
	met, due := lastOneOnOne(t)
	s := newStack(t, nudgeSettings)
	s.meetingWith("1on1", "Sam / me", "sam@example.com", met, 30*time.Minute)
	sawCalendar(t, s, clockAt(met.Add(time.Hour), 0))
	// Due 5 s after the first child starts: time to start under -race.
	clk := clockAt(due, 5*time.Second)
	crashOnceQueued(t, s, clk, "nudge")
	msgs := s.smtp.Messages()
	if len(msgs) != 1 || !strings.HasPrefix(strings.Trim(msgs[0].MessageID, "<>"), "leadup.nudge.") {
		t.Fatalf("%d messages arrived (first %q), want the nudge once", len(msgs), msgs[0].MessageID)
	}
	d, err := daemon.Open(context.Background(), daemon.Options{Config: s.loadConfig(t), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	noNudgePlanned(t, d.Plan)
}
