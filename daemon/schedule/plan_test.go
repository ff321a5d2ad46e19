package schedule

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin everywhere

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
)

var (
	start = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	end   = start.Add(30 * time.Minute)
	cfg   = Config{Leads: []time.Duration{24 * time.Hour, time.Hour}, FollowupAfter: 5 * time.Minute, ChangeNotices: true}
)

func mtg(status meeting.Status, s time.Time) meeting.Meeting {
	return meeting.Meeting{Key: "cal/m", Status: status, Boss: "Dana",
		Event: calendar.Event{ID: "m", Title: "1:1", Start: s, End: s.Add(30 * time.Minute)}}
}

// sent is an outbox row: kind, variant, the start it told, its state.
func sent(id int64, kind, variant string, told time.Time, state string) outbox.Message {
	return outbox.Message{ID: id, MeetingKey: "cal/m", Kind: kind, Variant: variant, MeetingStart: told, State: state}
}

// describe renders jobs as "kind/variant@due[ late]" for comparison.
func describe(js []Job) []string {
	var out []string
	for _, j := range js {
		s := fmt.Sprintf("%s/%s@%s", j.Kind, j.Variant, j.Due.Sub(start))
		if j.Late {
			s += " late"
		}
		if j.Change != "" {
			s += fmt.Sprintf(" %s from %s", j.Change, j.OldStart.Sub(start))
		}
		out = append(out, s)
	}
	return out
}

func TestPlan(t *testing.T) {
	h := time.Hour
	tests := []struct {
		name     string
		now      time.Time
		cfg      Config
		m        meeting.Meeting
		entries  []outbox.Message
		due      []string
		upcoming []string
	}{
		{name: "two days ahead: everything upcoming", now: start.Add(-48 * h), m: mtg(meeting.Active, start),
			upcoming: []string{"brief/86400@-24h0m0s", "brief/3600@-1h0m0s", "followup/@35m0s"}},
		{name: "the first brief is due on time", now: start.Add(-24 * h), m: mtg(meeting.Active, start),
			due: []string{"brief/86400@-24h0m0s"}, upcoming: []string{"brief/3600@-1h0m0s", "followup/@35m0s"}},
		{name: "after downtime the overdue brief goes out late", now: start.Add(-23 * h), m: mtg(meeting.Active, start),
			due: []string{"brief/86400@-24h0m0s late"}, upcoming: []string{"brief/3600@-1h0m0s", "followup/@35m0s"}},
		{name: "of two overdue briefs only the latest goes", now: start.Add(-30 * time.Minute), m: mtg(meeting.Active, start),
			due: []string{"brief/3600@-1h0m0s late"}, upcoming: []string{"followup/@35m0s"}},
		{name: "a later brief supersedes the skipped earlier one", now: start.Add(-20 * time.Minute), m: mtg(meeting.Active, start),
			entries:  []outbox.Message{sent(1, outbox.KindBrief, "3600", start, outbox.StateSent)},
			upcoming: []string{"followup/@35m0s"}},
		{name: "no brief once the meeting has started", now: start.Add(10 * time.Minute), m: mtg(meeting.Active, start),
			upcoming: []string{"followup/@35m0s"}},
		{name: "the follow-up on time", now: end.Add(5 * time.Minute), m: mtg(meeting.Active, start),
			entries: []outbox.Message{sent(1, outbox.KindBrief, "3600", start, outbox.StateSent)},
			due:     []string{"followup/@35m0s"}},
		{name: "the follow-up late, within a day", now: end.Add(23 * h), m: mtg(meeting.Active, start),
			due: []string{"followup/@35m0s late"}},
		{name: "the follow-up is dropped after a day", now: end.Add(25 * h), m: mtg(meeting.Active, start)},
		{name: "nothing twice", now: end.Add(time.Hour), m: mtg(meeting.Active, start),
			entries: []outbox.Message{
				sent(1, outbox.KindBrief, "86400", start, outbox.StateSent),
				sent(2, outbox.KindBrief, "3600", start, outbox.StateSent),
				sent(3, outbox.KindFollowup, "", start, outbox.StateQueued)}},
		{name: "moved after the brief: a notice", now: start.Add(-50 * time.Minute), m: mtg(meeting.Active, start.Add(2*h)),
			entries: []outbox.Message{sent(1, outbox.KindBrief, "3600", start, outbox.StateSent)},
			due:     []string{fmt.Sprintf("notice/moved@%d@-50m0s moved from 0s", start.Add(2*h).Unix())},
			// The 1h brief went out for the old time; the 24h one is superseded.
			upcoming: []string{"followup/@2h35m0s"}},
		{name: "moved by 15 minutes or less: no notice", now: start.Add(-50 * time.Minute), m: mtg(meeting.Active, start.Add(15*time.Minute)),
			entries:  []outbox.Message{sent(1, outbox.KindBrief, "3600", start, outbox.StateSent)},
			upcoming: []string{"followup/@50m0s"}},
		{name: "moved twice: a notice each time", now: start.Add(-50 * time.Minute), m: mtg(meeting.Active, start.Add(4*h)),
			entries: []outbox.Message{
				sent(1, outbox.KindBrief, "3600", start, outbox.StateSent),
				sent(2, outbox.KindNotice, fmt.Sprintf("moved@%d", start.Add(2*h).Unix()), start.Add(2*h), outbox.StateSent)},
			due:      []string{fmt.Sprintf("notice/moved@%d@-50m0s moved from 2h0m0s", start.Add(4*h).Unix())},
			upcoming: []string{"followup/@4h35m0s"}},
		{name: "moved before any brief: the jobs just move", now: start.Add(-48 * h), m: mtg(meeting.Active, start.Add(3*h)),
			upcoming: []string{"brief/86400@-21h0m0s", "brief/3600@2h0m0s", "followup/@3h35m0s"}},
		{name: "cancelled after the brief: a notice", now: start.Add(-50 * time.Minute), m: mtg(meeting.Cancelled, start),
			entries: []outbox.Message{sent(1, outbox.KindBrief, "3600", start, outbox.StateSent)},
			due:     []string{"notice/cancelled@-50m0s cancelled from 0s"}},
		{name: "cancelled before any brief: nothing", now: start.Add(-50 * time.Minute), m: mtg(meeting.Cancelled, start)},
		{name: "cancelled once it had started: nothing", now: start.Add(5 * time.Minute), m: mtg(meeting.Cancelled, start),
			entries: []outbox.Message{sent(1, outbox.KindBrief, "3600", start, outbox.StateSent)}},
		{name: "a failed brief never reached the user: no notice", now: start.Add(-50 * time.Minute), m: mtg(meeting.Cancelled, start),
			entries: []outbox.Message{sent(1, outbox.KindBrief, "3600", start, outbox.StateFailed)}},
		{name: "the cancellation notice goes once", now: start.Add(-40 * time.Minute), m: mtg(meeting.Cancelled, start),
			entries: []outbox.Message{sent(1, outbox.KindBrief, "3600", start, outbox.StateSent),
				sent(2, outbox.KindNotice, ChangeCancelled, start, outbox.StateSent)}},
		{name: "notices switched off", now: start.Add(-50 * time.Minute), m: mtg(meeting.Cancelled, start),
			cfg:     Config{Leads: cfg.Leads, FollowupAfter: cfg.FollowupAfter},
			entries: []outbox.Message{sent(1, outbox.KindBrief, "3600", start, outbox.StateSent)}},
		{name: "declined: nothing at all", now: start.Add(-24 * h), m: mtg(meeting.Declined, start)},
		{name: "no longer with a boss: nothing", now: start.Add(-24 * h), m: mtg(meeting.Unmatched, start)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			if tt.cfg.Leads != nil {
				c = tt.cfg
			}
			due, upcoming := Plan(tt.now, c, []meeting.Meeting{tt.m}, map[string][]outbox.Message{"cal/m": tt.entries}, time.Time{})
			if got := describe(due); !slices.Equal(got, tt.due) {
				t.Errorf("due = %q\nwant  %q", got, tt.due)
			}
			if got := describe(upcoming); !slices.Equal(got, tt.upcoming) {
				t.Errorf("upcoming = %q\nwant       %q", got, tt.upcoming)
			}
		})
	}
}

func TestPlanSeveralMeetingsInOrder(t *testing.T) {
	a := mtg(meeting.Active, start.Add(5*time.Hour))
	b := mtg(meeting.Active, start)
	b.Key, b.Boss = "cal/n", "Sam"
	_, upcoming := Plan(start.Add(-48*time.Hour), Config{Leads: []time.Duration{time.Hour}}, []meeting.Meeting{a, b}, nil, time.Time{})
	var keys []string
	for _, j := range upcoming {
		keys = append(keys, j.Meeting.Key+":"+j.Kind)
	}
	want := "cal/n:brief cal/n:followup cal/m:brief cal/m:followup"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("upcoming = %s, want %s", got, want)
	}
}

// describeDigests renders digest jobs as "week@due[ late]", the due time in
// Berlin.
func describeDigests(t *testing.T, js []Job) []string {
	t.Helper()
	var out []string
	for _, j := range js {
		if j.Kind != outbox.KindDigest || !j.Meeting.Event.Start.IsZero() {
			t.Errorf("job %+v is not a digest", j)
		}
		if !j.Expires.Equal(j.Due.Add(DigestWindow)) {
			t.Errorf("digest %s expires %v, want %v after its due time", j.Variant, j.Expires, DigestWindow)
		}
		s := j.Variant + "@" + j.Due.In(berlin(t)).Format("Mon 2 Jan 15:04 MST")
		if j.Late {
			s += " late"
		}
		out = append(out, s)
	}
	return out
}

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("LoadLocation() = %v", err)
	}
	return loc
}

func TestPlanDigest(t *testing.T) {
	loc := berlin(t)
	fri := config.Weekly{Day: time.Friday, Hour: 16}
	due := time.Date(2026, 11, 27, 16, 0, 0, 0, loc) // ISO week 48
	h := time.Hour
	digest := func(id int64, week string, state string) outbox.Message {
		return outbox.Message{ID: id, Kind: outbox.KindDigest, Variant: week, State: state}
	}
	tests := []struct {
		name     string
		now      time.Time
		weekly   config.Weekly
		off      bool
		since    time.Time // zero: a new store
		entries  []outbox.Message
		due      []string
		upcoming []string
	}{
		{name: "a day ahead: upcoming", now: due.Add(-24 * h),
			upcoming: []string{"2026-W48@Fri 27 Nov 16:00 CET"}},
		{name: "on time", now: due,
			due: []string{"2026-W48@Fri 27 Nov 16:00 CET"}, upcoming: []string{"2026-W49@Fri 4 Dec 16:00 CET"}},
		{name: "on time, the timer a little late, on a new store", now: due.Add(20 * time.Second),
			due: []string{"2026-W48@Fri 27 Nov 16:00 CET"}, upcoming: []string{"2026-W49@Fri 4 Dec 16:00 CET"}},
		{name: "after downtime: late, once", now: due.Add(2 * h), since: due.Add(-30 * 24 * h),
			due: []string{"2026-W48@Fri 27 Nov 16:00 CET late"}, upcoming: []string{"2026-W49@Fri 4 Dec 16:00 CET"}},
		{name: "after a weekend shut: Monday morning, late", now: due.Add(65 * h), since: due.Add(-h),
			due: []string{"2026-W48@Fri 27 Nov 16:00 CET late"}, upcoming: []string{"2026-W49@Fri 4 Dec 16:00 CET"}},
		{name: "at the end of the window: still late", now: due.Add(DigestWindow), since: due.Add(-h),
			due: []string{"2026-W48@Fri 27 Nov 16:00 CET late"}, upcoming: []string{"2026-W49@Fri 4 Dec 16:00 CET"}},
		{name: "past the window: skipped", now: due.Add(DigestWindow + time.Minute), since: due.Add(-h),
			upcoming: []string{"2026-W49@Fri 4 Dec 16:00 CET"}},
		{name: "a new store does not make up a week it did not watch", now: due.Add(2 * h),
			upcoming: []string{"2026-W49@Fri 4 Dec 16:00 CET"}},
		{name: "first at work after the due time: skipped", now: due.Add(2 * h), since: due.Add(h),
			upcoming: []string{"2026-W49@Fri 4 Dec 16:00 CET"}},
		{name: "queued already: never twice", now: due.Add(time.Minute), since: due.Add(-h),
			entries:  []outbox.Message{digest(1, "2026-W48", outbox.StateQueued)},
			upcoming: []string{"2026-W49@Fri 4 Dec 16:00 CET"}},
		{name: "failed is done with too", now: due.Add(5 * h), since: due.Add(-h),
			entries:  []outbox.Message{digest(1, "2026-W48", outbox.StateFailed)},
			upcoming: []string{"2026-W49@Fri 4 Dec 16:00 CET"}},
		{name: "moved to later in a week that had its digest: the next week's", now: due.Add(-48 * h), since: due.Add(-30 * 24 * h),
			entries:  []outbox.Message{digest(1, "2026-W48", outbox.StateSent)}, // sent on Monday, when it was due on Mondays
			upcoming: []string{"2026-W49@Fri 4 Dec 16:00 CET"}},
		{name: "moved to earlier in the week: due at once", now: due.Add(-48 * h), weekly: config.Weekly{Day: time.Monday, Hour: 9},
			since:    due.Add(-30 * 24 * h),
			due:      []string{"2026-W48@Mon 23 Nov 09:00 CET late"},
			upcoming: []string{"2026-W49@Mon 30 Nov 09:00 CET"}},
		{name: "switched off", now: due, off: true},
		{name: "the week summer time ends: still 16:00 on the wall clock", now: time.Date(2026, 10, 30, 15, 30, 0, 0, loc),
			since:    due.Add(-60 * 24 * h),
			upcoming: []string{"2026-W44@Fri 30 Oct 16:00 CET"}},
		{name: "the week summer time ends: on time", now: time.Date(2026, 10, 30, 16, 0, 0, 0, loc),
			due: []string{"2026-W44@Fri 30 Oct 16:00 CET"}, upcoming: []string{"2026-W45@Fri 6 Nov 16:00 CET"}},
		{name: "the ISO week at New Year", now: time.Date(2027, 1, 1, 16, 0, 0, 0, loc),
			due: []string{"2026-W53@Fri 1 Jan 16:00 CET"}, upcoming: []string{"2027-W01@Fri 8 Jan 16:00 CET"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{Digest: !tt.off, DigestWeekly: fri, Location: loc}
			if tt.weekly != (config.Weekly{}) {
				c.DigestWeekly = tt.weekly
			}
			dueJobs, upcoming := Plan(tt.now, c, nil, map[string][]outbox.Message{"": tt.entries}, tt.since)
			if got := describeDigests(t, dueJobs); !slices.Equal(got, tt.due) {
				t.Errorf("due = %q\nwant  %q", got, tt.due)
			}
			if got := describeDigests(t, upcoming); !slices.Equal(got, tt.upcoming) {
				t.Errorf("upcoming = %q\nwant       %q", got, tt.upcoming)
			}
		})
	}
}

func TestPlanDigestAmongMeetings(t *testing.T) {
	c := cfg
	c.Digest, c.DigestWeekly, c.Location = true, config.Weekly{Day: time.Tuesday, Hour: 9}, time.UTC
	// start is Tue 24 Nov 10:00 UTC: the digest at 09:00 comes between the
	// two briefs.
	_, upcoming := Plan(start.Add(-48*time.Hour), c, []meeting.Meeting{mtg(meeting.Active, start)}, nil, time.Time{})
	var got []string
	for _, j := range upcoming {
		got = append(got, j.Describe())
	}
	want := []string{"brief for 1:1 with Dana", "weekly digest for 2026-W48", "brief for 1:1 with Dana", "followup for 1:1 with Dana"}
	if !slices.Equal(got, want) {
		t.Errorf("upcoming = %q\nwant       %q", got, want)
	}
}
