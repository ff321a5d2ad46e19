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
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/replytoken"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
)

// noticeEnv is a composer over a real store, in Berlin, with two bosses.
type noticeEnv struct {
	ctx context.Context
	loc *time.Location
	now time.Time
	st  *store.Store
	cfg *config.Config
	c   *Composer
}

func newNoticeEnv(t *testing.T, now func(*noticeEnv) time.Time) *noticeEnv {
	t.Helper()
	e := &noticeEnv{ctx: context.Background()}
	var err error
	if e.loc, err = time.LoadLocation("Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	e.now = now(e)
	e.st, err = store.Open(e.ctx, filepath.Join(t.TempDir(), store.FileName), store.Options{Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.st.Close() })
	tokens, err := replytoken.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	rnd, err := render.New("")
	if err != nil {
		t.Fatal(err)
	}
	e.cfg = &config.Config{
		Location: e.loc,
		Bosses: []config.Boss{
			{Name: "Dana Whitfield", Emails: []string{"dana@example.com"}},
			{Name: "Sam Okafor", Emails: []string{"sam@example.com"}},
		},
		Brief:    config.Brief{Before: []time.Duration{time.Hour}, ChangeNotices: true},
		Followup: config.Followup{After: 5 * time.Minute},
		Mail:     config.Mail{From: &netmail.Address{Address: "leadup@example.com"}, To: &netmail.Address{Address: "me@example.com"}},
	}
	e.c = New(Options{Config: e.cfg, Render: rnd, Store: e.st, Tokens: tokens, Now: func() time.Time { return e.now }})
	return e
}

func (e *noticeEnv) meeting(id, boss, title string, start time.Time, oneOnOne bool) meeting.Meeting {
	email := "dana@example.com"
	if boss == "Sam Okafor" {
		email = "sam@example.com"
	}
	return meeting.Meeting{Key: "cal/" + id, Calendar: "cal", Status: meeting.Active, Boss: boss, BossEmail: email,
		OneOnOne: oneOnOne, Event: calendar.Event{ID: id, Title: title, Start: start, End: start.Add(30 * time.Minute)}}
}

func (e *noticeEnv) sync(t *testing.T, ms ...meeting.Meeting) {
	t.Helper()
	if _, err := e.st.ApplySync(e.ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: ms}); err != nil {
		t.Fatalf("ApplySync() = %v", err)
	}
}

// sent records that the brief of m with lead went out, for m's start then.
func (e *noticeEnv) sent(t *testing.T, m meeting.Meeting, lead time.Duration) {
	t.Helper()
	v := schedule.BriefVariant(lead)
	if _, err := e.st.Enqueue(e.ctx, outbox.Message{MessageID: "brief." + v + "." + m.Event.ID + "@example.com", MeetingKey: m.Key,
		Kind: outbox.KindBrief, Variant: v, MeetingStart: m.Event.Start, NextAttempt: m.Event.Start.Add(-lead),
		Expires: m.Event.Start, EnvelopeFrom: "leadup@example.com", EnvelopeTo: []string{"me@example.com"}, Subject: "Prep"}); err != nil {
		t.Fatalf("Enqueue(brief) = %v", err)
	}
}

func (e *noticeEnv) add(t *testing.T, it meetinglog.Item) {
	t.Helper()
	if _, err := e.st.AddItem(e.ctx, it); err != nil {
		t.Fatalf("AddItem() = %v", err)
	}
}

// plan is the schedule's plan as the daemon makes it, over every stored
// meeting and its outbox rows.
func (e *noticeEnv) plan(t *testing.T) (due, upcoming []schedule.Job) {
	t.Helper()
	ms, err := e.st.MeetingsSince(e.ctx, e.now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, len(ms))
	for i, m := range ms {
		keys[i] = m.Key
	}
	rows, err := e.st.OutboxForMeetings(e.ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	cfg := schedule.Config{Leads: e.cfg.Brief.Before, FollowupAfter: e.cfg.Followup.After, ChangeNotices: true, Location: e.loc}
	return schedule.Plan(e.now, cfg, ms, rows, time.Time{})
}

// notice returns the text of the notice the plan has due for key.
func (e *noticeEnv) notice(t *testing.T, key string) string {
	t.Helper()
	due, _ := e.plan(t)
	for _, j := range due {
		if j.Kind == outbox.KindNotice && j.Meeting.Key == key {
			m, err := e.st.Meeting(e.ctx, key) // the whole meeting, as the scheduler loads it
			if err != nil {
				t.Fatal(err)
			}
			j.Meeting = m
			_, r, err := e.c.Preview(e.ctx, j)
			if err != nil {
				t.Fatalf("Preview(notice for %s) = %v", key, err)
			}
			return strings.ReplaceAll(r.Text, "\r\n", "\n")
		}
	}
	t.Fatalf("the plan has no notice due for %s: %+v", key, due)
	return ""
}

func checkText(t *testing.T, what, text string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
	for _, n := range not {
		if strings.Contains(text, n) {
			t.Errorf("%s has %q:\n%s", what, n, text)
		}
	}
}

// TestCancelledNotice cancels a 1:1 whose brief went out: the notice names
// the next meeting with that boss (not another boss's, not one the boss
// declined) and drafts a note with the user's overdue and due-soon items
// and the decision asks; without a next meeting or anything urgent, it says
// so and drafts nothing.
func TestCancelledNotice(t *testing.T) {
	day := 24 * time.Hour
	e := newNoticeEnv(t, func(e *noticeEnv) time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, e.loc) })
	oneOnOne := e.meeting("dana-1", "Dana Whitfield", "Dana / me", time.Date(2026, 11, 23, 16, 0, 0, 0, e.loc), true)
	declined := e.meeting("dana-declined", "Dana Whitfield", "Budget review", time.Date(2026, 11, 25, 11, 0, 0, 0, e.loc), false)
	declined.BossDeclined = true
	samsFirst := e.meeting("sam-other", "Sam Okafor", "Skip-level", time.Date(2026, 11, 20, 10, 0, 0, 0, e.loc), true)
	next := e.meeting("dana-2", "Dana Whitfield", "Dana / me", time.Date(2026, 11, 30, 16, 0, 0, 0, e.loc), true)
	sams := e.meeting("sam-1", "Sam Okafor", "Skip-level", time.Date(2026, 11, 26, 10, 0, 0, 0, e.loc), true)
	e.sync(t, oneOnOne, declined, samsFirst, next, sams)
	e.sent(t, oneOnOne, time.Hour)
	e.sent(t, sams, time.Hour)

	dana := "Dana Whitfield"
	e.add(t, meetinglog.Item{Boss: dana, Kind: meetinglog.Action, Owner: "me", Text: "Send the headcount plan", Created: e.now.Add(-20 * day), Due: e.now.Add(-3 * day)})
	e.add(t, meetinglog.Item{Boss: dana, Kind: meetinglog.Action, Owner: "me", Text: "Write the cut-over runbook", Created: e.now.Add(-5 * day), Due: e.now.Add(3 * day)})
	e.add(t, meetinglog.Item{Boss: dana, Kind: meetinglog.Action, Owner: "me", Text: "Plan the Q2 offsite", Created: e.now.Add(-5 * day), Due: e.now.Add(20 * day)})
	e.add(t, meetinglog.Item{Boss: dana, Kind: meetinglog.Action, Owner: "boss", Text: "Approve the contractor budget", Created: e.now.Add(-5 * day), Due: e.now.Add(-1 * day)})
	e.add(t, meetinglog.Item{Boss: dana, Kind: meetinglog.Point, Owner: "me", Text: "Decision needed: one weekend cut-over or two weeknights?", Created: e.now.Add(-2 * day)})
	e.add(t, meetinglog.Item{Boss: dana, Kind: meetinglog.Point, Owner: "me", Text: "How did the board meeting go?", Created: e.now.Add(-2 * day)})
	e.add(t, meetinglog.Item{Boss: "Sam Okafor", Kind: meetinglog.Action, Owner: "me", Text: "Sam's overdue item", Created: e.now.Add(-9 * day), Due: e.now.Add(-30 * day)})

	oneOnOne.Status = meeting.Cancelled
	sams.Status = meeting.Cancelled
	e.sync(t, oneOnOne, sams)

	checkText(t, "the notice of the cancelled 1:1 with Dana", e.notice(t, oneOnOne.Key), []string{
		"Your 1:1 with Dana on Mon 23 Nov 16:00 was cancelled. Your open items and talking points carry over to the next one, which is on Mon 30 Nov at 16:00.",
		"Some of it should not wait until then. A note you can send Dana now; give what is late a new date first:\n\nHi Dana,\n\nSince our 1:1 on Mon 23 Nov was cancelled, here is what I wanted to raise.\n",
		"Where things stand:\n- Send the headcount plan (late: it was due Fri 20 Nov)\n- Write the cut-over runbook (due Thu 26 Nov)\n",
		"A decision I need from you:\n- Decision needed: one weekend cut-over or two weeknights?\n",
		"Happy to go into detail here or in a short call, before our next 1:1 on Mon 30 Nov.",
	}, []string{"Budget review", "Skip-level", "Q2 offsite", "contractor budget", "board meeting", "Sam's"})

	// Sam: the next meeting with him is the one cancelled, the one before
	// it is past, and his only item is overdue.
	checkText(t, "the notice of the cancelled skip-level", e.notice(t, sams.Key), []string{
		"No other meeting with Sam is on your calendar yet: your open items and talking points wait for the next one.",
		"Some of it should not wait. A note you can send Sam now",
		"- Sam's overdue item (late: it was due Sat 24 Oct)",
		"Happy to go into detail here or in a short call.\n",
	}, []string{"Dana", "until then"})
}

// TestCancelledNoticeNothingUrgent: nothing overdue or due soon, no
// decision to ask for: no note to send.
func TestCancelledNoticeNothingUrgent(t *testing.T) {
	e := newNoticeEnv(t, func(e *noticeEnv) time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, e.loc) })
	m := e.meeting("dana-1", "Dana Whitfield", "", time.Date(2026, 11, 23, 16, 0, 0, 0, e.loc), true)
	e.sync(t, m)
	e.sent(t, m, time.Hour)
	e.add(t, meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Action, Owner: "me", Text: "Plan the offsite", Due: e.now.Add(30 * 24 * time.Hour)})
	m.Status = meeting.Cancelled
	e.sync(t, m)
	checkText(t, "the notice", e.notice(t, m.Key), []string{
		"Your 1:1 with Dana on Mon 23 Nov 16:00 was cancelled. No other meeting with Dana is on your calendar yet",
	}, []string{"Hi Dana", "offsite"})
}

// TestMovedNoticeSaysWhetherABriefComes moves a meeting after its brief went
// out and checks that the notice says what the schedule's plan then does:
// a brief of a lead time already sent is not sent again; one of a lead time
// not sent yet comes later, or at once when its time has passed.
func TestMovedNoticeSaysWhetherABriefComes(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name  string
		leads []time.Duration
		sent  []time.Duration // briefs out before the move
		now   time.Duration   // before the old start
		to    time.Duration   // the new start, after now
		want  string
	}{
		{"the only brief went out: none again", []time.Duration{day}, []time.Duration{day}, 20 * time.Hour, 7 * day,
			"No new brief will come: each brief goes out once, so keep the one you have for the new time."},
		{"moved later, a shorter lead not sent yet", []time.Duration{day, time.Hour}, []time.Duration{day}, 20 * time.Hour, 7 * day,
			"A brief for the new time will reach you Mon 30 Nov 15:00, 1 hour before."},
		{"moved sooner, the shorter lead's time passed", []time.Duration{day, time.Hour}, []time.Duration{day}, 20 * time.Hour, 30 * time.Minute,
			"A brief for the new time follows this notice."},
		{"both briefs went out", []time.Duration{day, time.Hour}, []time.Duration{day, time.Hour}, 30 * time.Minute, 3 * time.Hour,
			"No new brief will come"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := time.Date(2026, 11, 24, 16, 0, 0, 0, time.UTC)
			e := newNoticeEnv(t, func(e *noticeEnv) time.Time {
				old = time.Date(2026, 11, 24, 16, 0, 0, 0, e.loc)
				return old.Add(-tt.now)
			})
			e.cfg.Brief.Before = tt.leads
			m := e.meeting("dana-1", "Dana Whitfield", "Dana / me", old, true)
			e.sync(t, m)
			for _, l := range tt.sent {
				e.sent(t, m, l)
			}
			if tt.name == "moved later, a shorter lead not sent yet" {
				// A week after the old start, so that the due time in
				// the want is easy to read: Mon 30 Nov 16:00.
				tt.to = old.AddDate(0, 0, 6).Sub(e.now)
			}
			m.Event.Start = e.now.Add(tt.to)
			m.Event.End = m.Event.Start.Add(30 * time.Minute)
			e.sync(t, m)

			text := e.notice(t, m.Key)
			checkText(t, "the notice", text, []string{tt.want}, nil)

			// What the plan does for the moved meeting: the notice's word.
			due, upcoming := e.plan(t)
			var brief *schedule.Job
			for _, j := range append(due, upcoming...) {
				if j.Kind == outbox.KindBrief && j.Meeting.Key == m.Key {
					brief = &j
					break
				}
			}
			switch {
			case brief == nil:
				if !strings.Contains(text, "No new brief will come") {
					t.Errorf("the plan has no brief for the new time, the notice says:\n%s", text)
				}
			case !brief.Due.After(e.now):
				if !strings.Contains(text, "follows this notice") {
					t.Errorf("the plan has the brief due now, the notice says:\n%s", text)
				}
			default:
				if w := "will reach you " + brief.Due.In(e.loc).Format("Mon 2 Jan 15:04"); !strings.Contains(text, w) {
					t.Errorf("the plan has the brief due %v, the notice says:\n%s", brief.Due, text)
				}
			}
		})
	}
}

// TestBriefAboutTheBoss composes a brief through a real store: the profile
// from the config, how the user works best, the last 1:1 against the
// agreed cadence, and what the boss asked for or valued.
func TestBriefAboutTheBoss(t *testing.T) {
	day := 24 * time.Hour
	e := newNoticeEnv(t, func(e *noticeEnv) time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, e.loc) })
	e.cfg.Bosses[0].Stakeholders = []string{"Priya Nair (VP Finance)"}
	e.cfg.Bosses[0].OneOnOneEvery = 14 * day
	e.cfg.Bosses[0].Autonomy = "Hiring within budget is mine."
	e.cfg.Bosses[0].Updates = "Written, every Friday."
	e.cfg.Me.WorksBest = "Mornings for deep work."
	at := func(d int) time.Time { return time.Date(2026, 11, 23+d, 10, 0, 0, 0, e.loc) }
	last := e.meeting("dana-past", "Dana Whitfield", "Dana / me", at(-21), true)
	declined := e.meeting("dana-declined", "Dana Whitfield", "Dana / me", at(-7), true)
	declined.BossDeclined = true
	group := e.meeting("dana-group", "Dana Whitfield", "Planning", at(-2), false)
	sams := e.meeting("sam-past", "Sam Okafor", "Skip-level", at(-1), true)
	next := e.meeting("dana-next", "Dana Whitfield", "Dana / me", at(1), true)
	e.sync(t, last, declined, group, sams, next)
	e.add(t, meetinglog.Item{Boss: "Dana Whitfield", MeetingKey: last.Key, Kind: meetinglog.Decision,
		Text: "Keep the March date", Created: at(-21).Add(2 * time.Hour)})
	e.add(t, meetinglog.Item{Boss: "Dana Whitfield", MeetingKey: group.Key, Kind: meetinglog.Decision,
		Text: "Move the EU accounts first", Created: at(-2).Add(2 * time.Hour)})
	e.add(t, meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Decision,
		Text: "Too old to count", Created: at(-120)})

	brief := func() string {
		t.Helper()
		_, r, err := e.c.Preview(e.ctx, schedule.BriefJob(next, time.Hour))
		if err != nil {
			t.Fatalf("Preview(brief) = %v", err)
		}
		text := strings.ReplaceAll(r.Text, "\r\n", "\n")
		i, j := strings.Index(text, "ABOUT DANA"), strings.Index(text, "THE MEETING")
		if i < 0 || j < i {
			t.Fatalf("the brief has no About block before THE MEETING:\n%s", text)
		}
		return text[i:j]
	}
	about := brief()
	checkText(t, "the About block", about, []string{
		"Listens to: Priya Nair (VP Finance)\n",
		"Autonomy agreed: Hiring within budget is mine.\n",
		"Updates agreed: Written, every Friday.\n",
		"Your last 1:1 was 3 weeks ago; you agreed on every 2 weeks.\n",
		"How you work best, to offer Dana: Mornings for deep work.\n",
	}, []string{"Too old to count"})
	// "Last time" for this 1:1 is the last 1:1 with a log: its decision
	// shows there, so the About block does not repeat it.
	if strings.Contains(about, "Keep the March date") {
		t.Errorf("the About block repeats last time's decision:\n%s", about)
	}
	if !strings.Contains(about, "Learned from the log, what Dana asked for or valued:\n- Move the EU accounts first (decided Sat 21 Nov)\n") {
		t.Errorf("the About block lacks the group meeting's decision:\n%s", about)
	}

	// A 1:1 ten days ago is within the cadence: no line.
	e.sync(t, e.meeting("dana-recent", "Dana Whitfield", "Dana / me", at(-10), true))
	if about := brief(); strings.Contains(about, "Your last 1:1") {
		t.Errorf("the cadence line shows with a 1:1 ten days ago:\n%s", about)
	}
}
