package schedule

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
)

// series returns n Active meetings with boss, every gap from first, each
// lasting length.
func series(boss string, first time.Time, gap, length time.Duration, n int) []meeting.Meeting {
	var ms []meeting.Meeting
	for i := range n {
		s := first.Add(time.Duration(i) * gap)
		ms = append(ms, meeting.Meeting{Key: fmt.Sprintf("cal/%s-%03d", boss, i), Status: meeting.Active, Boss: boss,
			Event: calendar.Event{ID: fmt.Sprint(i), Title: fmt.Sprintf("%s #%d", boss, i), Start: s, End: s.Add(length)}})
	}
	return ms
}

// keysOf lists the meeting keys of jobs, with their kinds.
func keysOf(js []Job) []string {
	var out []string
	for _, j := range js {
		out = append(out, strings.TrimPrefix(j.Meeting.Key, "cal/")+":"+j.Kind)
	}
	return out
}

func TestPlanMeetingCap(t *testing.T) {
	ms := series("Dana", start, 30*time.Minute, 20*time.Minute, 12)
	c := Config{Leads: []time.Duration{time.Hour}, FollowupAfter: 5 * time.Minute, Location: time.UTC}
	_, upcoming, capped := PlanCapped(start.Add(-48*time.Hour), c, ms, nil, time.Time{})
	if len(upcoming) != 16 {
		t.Errorf("upcoming = %q, want the brief and follow-up of the first 8 meetings", keysOf(upcoming))
	}
	for _, j := range upcoming {
		if j.Meeting.Event.Start.After(start.Add(7 * 30 * time.Minute)) {
			t.Errorf("job %s planned for a meeting past the cap", j.Describe())
		}
	}
	if len(capped) != 1 || capped[0].Limit != LimitMeetings || capped[0].Boss != "Dana" || capped[0].Day != "2026-11-24" ||
		capped[0].Max != 8 || len(capped[0].Jobs) != 8 {
		t.Errorf("capped = %+v, want the 8 jobs of the last 4 meetings under %s", capped, LimitMeetings)
	}
	// Another boss, another day: their own caps.
	other := append(series("Sam", start, 30*time.Minute, 20*time.Minute, 3), series("Dana", start.Add(24*time.Hour), time.Hour, 20*time.Minute, 3)...)
	_, upcoming, _ = PlanCapped(start.Add(-48*time.Hour), c, append(ms, other...), nil, time.Time{})
	if len(upcoming) != 16+12 {
		t.Errorf("with other bosses and days: %d jobs upcoming, want %d", len(upcoming), 16+12)
	}
}

func TestPlanEmailCap(t *testing.T) {
	ms := series("Dana", start, time.Hour, 30*time.Minute, 8)
	c := Config{Leads: []time.Duration{24 * time.Hour, time.Hour}, FollowupAfter: 5 * time.Minute, Location: time.UTC}
	_, upcoming, capped := PlanCapped(start.Add(-48*time.Hour), c, ms, nil, time.Time{})
	if len(upcoming) != 20 {
		t.Fatalf("upcoming: %d jobs, want 20 of 24", len(upcoming))
	}
	// Earliest first: the four left out are the last due.
	if len(capped) != 1 || capped[0].Limit != LimitEmails || len(capped[0].Jobs) != 4 ||
		!capped[0].Jobs[0].Due.After(upcoming[len(upcoming)-1].Due) {
		t.Errorf("capped = %+v, want the 4 latest jobs under %s", capped, LimitEmails)
	}
	// Emails already in the outbox count.
	existing := map[string][]outbox.Message{}
	for i := range 5 {
		k := ms[i].Key
		existing[k] = []outbox.Message{{MeetingKey: k, Kind: outbox.KindBrief, Variant: BriefVariant(24 * time.Hour), State: outbox.StateSent}}
	}
	existing[ms[5].Key] = []outbox.Message{{MeetingKey: ms[5].Key, Kind: outbox.KindBrief, Variant: "9", State: outbox.StateFailed}}
	_, upcoming, _ = PlanCapped(start.Add(-48*time.Hour), c, ms, existing, time.Time{})
	if len(upcoming) != 15 {
		t.Errorf("with 5 sent and 1 failed: %d jobs upcoming, want 15", len(upcoming))
	}
	c.EmailsPerBossPerDay = 2
	_, upcoming, _ = PlanCapped(start.Add(-48*time.Hour), c, ms, nil, time.Time{})
	if got, want := strings.Join(keysOf(upcoming), " "), "Dana-000:brief Dana-001:brief"; got != want {
		t.Errorf("with emails_per_boss_per_day = 2: upcoming = %s, want %s", got, want)
	}
}

func TestPlanOverdueFollowupCap(t *testing.T) {
	ms := series("Dana", start, time.Hour, 30*time.Minute, 6)
	ms = append(ms, series("Sam", start, time.Hour, 30*time.Minute, 2)...)
	c := Config{Leads: []time.Duration{time.Hour}, FollowupAfter: 5 * time.Minute, Location: time.UTC}
	now := start.Add(10 * time.Hour) // down since before the first meeting
	due, _, capped := PlanCapped(now, c, ms, nil, time.Time{})
	want := "Dana-003:followup Dana-004:followup Dana-005:followup Sam-000:followup Sam-001:followup :catchup"
	if got := strings.Join(keysOf(due), " "); got != want {
		t.Errorf("due = %s\nwant  %s", got, want)
	}
	if len(capped) != 1 || capped[0].Limit != LimitOverdue || capped[0].Boss != "Dana" || len(capped[0].Jobs) != 3 {
		t.Errorf("capped = %+v, want Dana's 3 oldest follow-ups", capped)
	}
	// One catch-up names the rest, due now.
	cu := due[len(due)-1]
	if got := strings.Join(keysOf(cu.Skipped), " "); got != "Dana-000:followup Dana-001:followup Dana-002:followup" {
		t.Errorf("catch-up names %s, want Dana's 3 oldest follow-ups", got)
	}
	if !cu.Due.Equal(now) || cu.Meeting.Key != "" || cu.Variant == "" {
		t.Errorf("catch-up = %+v", cu)
	}
	// The same follow-ups make the same catch-up: a crash before it is
	// queued cannot make two.
	if again, _, _ := PlanCapped(now.Add(time.Minute), c, ms, nil, time.Time{}); again[len(again)-1].Variant != cu.Variant {
		t.Errorf("second plan's catch-up has variant %q, first %q", again[len(again)-1].Variant, cu.Variant)
	}

	// Once the latest went out, and the catch-up with the older ones as
	// skipped, nothing is due: neither those follow-ups nor another catch-up.
	existing := map[string][]outbox.Message{}
	for _, j := range due[:len(due)-1] {
		existing[j.Meeting.Key] = []outbox.Message{{MeetingKey: j.Meeting.Key, Kind: outbox.KindFollowup, State: outbox.StateQueued}}
	}
	if due, _, _ := PlanCapped(now.Add(time.Minute), c, ms, existing, time.Time{}); strings.Join(keysOf(due), " ") != ":catchup" {
		t.Errorf("after the latest went out but not the catch-up: due = %q, want the catch-up", keysOf(due))
	}
	for _, j := range cu.Skipped {
		existing[j.Meeting.Key] = []outbox.Message{{MeetingKey: j.Meeting.Key, Kind: outbox.KindFollowup, State: outbox.StateSkipped}}
	}
	if due, _, capped := PlanCapped(now.Add(time.Minute), c, ms, existing, time.Time{}); len(due) != 0 || len(capped) != 0 {
		t.Errorf("after the catch-up: due = %q, capped %+v, want none", keysOf(due), capped)
	}
	// On time, a follow-up is not held back by the ones before it.
	if due, _, _ := PlanCapped(ms[5].Event.End.Add(5*time.Minute), c, ms[:6], existing, time.Time{}); len(due) != 0 {
		t.Errorf("due = %q", keysOf(due))
	}
	// Skipped follow-ups are not emails: they do not count against
	// emails_per_boss_per_day: 3 sent and 2 to come fit in 5.
	c.EmailsPerBossPerDay = 5
	later := series("Dana", start.Add(12*time.Hour), time.Hour, 30*time.Minute, 1)
	later[0].Key = "cal/Dana-late"
	if _, upcoming, _ := PlanCapped(now.Add(time.Minute), c, append(ms, later...), existing, time.Time{}); len(upcoming) != 2 {
		t.Errorf("upcoming = %q, want the brief and follow-up of the later meeting", keysOf(upcoming))
	}
}

func TestWarningsOnce(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	var w warnings
	ms := series("Dana", start, time.Hour, 30*time.Minute, 8)
	c := Config{Leads: []time.Duration{24 * time.Hour, time.Hour}, FollowupAfter: 5 * time.Minute, Location: time.UTC}
	for i := range 5 {
		now := start.Add(-48*time.Hour + time.Duration(i)*time.Minute)
		_, _, capped := PlanCapped(now, c, ms, nil, time.Time{})
		w.log(log, now, capped)
	}
	if n := strings.Count(buf.String(), "level=WARN"); n != 1 {
		t.Errorf("logged %d warnings over 5 plans, want 1:\n%s", n, buf.String())
	}
	if !strings.Contains(buf.String(), "limit=limits.emails_per_boss_per_day") {
		t.Errorf("warning does not name the key:\n%s", buf.String())
	}
}

// minutely is the attack of a recurring invite, RRULE:FREQ=MINUTELY;INTERVAL=2,
// that started an hour before now, expanded over the next day: organised by
// organizer, with Dana among the guests and the user not having answered.
func minutely(now time.Time, organizer string) []calendar.Event {
	var evs []calendar.Event
	first := now.Add(-time.Hour)
	for s := first; s.Before(now.Add(25 * time.Hour)); s = s.Add(2 * time.Minute) {
		evs = append(evs, calendar.Event{
			ID: "spam_" + s.UTC().Format("20060102T150405Z"), RecurringEventID: "spam", OriginalStart: s,
			Status: calendar.StatusConfirmed, Type: calendar.TypeDefault, Title: "Sync", Start: s, End: s.Add(time.Minute),
			Organizer: calendar.Person{Email: organizer},
			Attendees: []calendar.Attendee{
				{Email: organizer, Organizer: true, Response: calendar.ResponseAccepted},
				{Email: "dana@example.com", Response: calendar.ResponseNeedsAction},
				{Email: "me@example.com", Self: true, Response: calendar.ResponseNeedsAction},
			},
		})
	}
	return evs
}

// TestMinutelyInvite runs the recurring invite every 2 minutes through the
// boss rule and the planner, as leadup run would for a day.
func TestMinutelyInvite(t *testing.T) {
	bosses := []config.Boss{{Name: "Dana", Emails: []string{"dana@example.com"}}}
	rule := meeting.NewRule(bosses, config.Filter{GroupMeetings: true})
	now := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	c := Config{Leads: []time.Duration{24 * time.Hour, time.Hour}, FollowupAfter: 5 * time.Minute, ChangeNotices: true, Location: time.UTC}

	// run plans every step for a day, queues what is due, and returns the
	// emails queued by day.
	run := func(t *testing.T, organizer string, step time.Duration) map[string]int {
		var ms []meeting.Meeting
		for _, ev := range minutely(now, organizer) {
			ms = append(ms, rule.Classify("google:primary", ev))
		}
		existing := map[string][]outbox.Message{}
		perDay := map[string]int{}
		for at := now; at.Before(now.Add(24 * time.Hour)); at = at.Add(step) {
			due, _ := Plan(at, c, ms, existing, time.Time{})
			for _, j := range due {
				// As the store does: a catch-up's follow-ups are kept as skipped.
				for _, sk := range j.Skipped {
					existing[sk.Meeting.Key] = append(existing[sk.Meeting.Key], outbox.Message{MeetingKey: sk.Meeting.Key,
						Kind: sk.Kind, State: outbox.StateSkipped})
				}
				existing[j.Meeting.Key] = append(existing[j.Meeting.Key], outbox.Message{MeetingKey: j.Meeting.Key,
					Kind: j.Kind, Variant: j.Variant, MeetingStart: j.Meeting.Event.Start, State: outbox.StateSent})
				perDay[j.Meeting.Event.Start.Format(time.DateOnly)]++
			}
			if at == now {
				if len(due) > config.DefaultEmailsPerBossPerDay {
					t.Errorf("at start: %d emails due at once", len(due))
				}
			}
		}
		return perDay
	}

	t.Run("an outsider's unanswered invite sends nothing", func(t *testing.T) {
		if got := run(t, "mallory@outside.example", 2*time.Minute); len(got) != 0 {
			t.Errorf("emails by day = %v, want none", got)
		}
	})
	t.Run("the boss's own invite is capped", func(t *testing.T) {
		got := run(t, "dana@example.com", 6*time.Minute)
		if len(got) == 0 {
			t.Fatal("no email at all: the boss's invite should still get some")
		}
		for day, n := range got {
			if n > config.DefaultEmailsPerBossPerDay {
				t.Errorf("%s: %d emails, want at most %d", day, n, config.DefaultEmailsPerBossPerDay)
			}
		}
	})
}
