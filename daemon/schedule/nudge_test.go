package schedule

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
)

const nudgeDay = 24 * time.Hour

// lastMet is when the user last met Dana in the nudge tests; offsets in
// their wants count from it.
var lastMet = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

// met returns a 1:1 with Dana of the given status, days after lastMet.
func met(id string, status meeting.Status, days float64) meeting.Meeting {
	s := lastMet.Add(time.Duration(days * float64(nudgeDay)))
	return meeting.Meeting{Key: "cal/" + id, Status: status, Boss: "Dana", OneOnOne: true,
		Event: calendar.Event{ID: id, Title: "1:1 " + id, Start: s, End: s.Add(30 * time.Minute)}}
}

func group(m meeting.Meeting) meeting.Meeting {
	m.OneOnOne = false
	return m
}

func bossDeclined(m meeting.Meeting) meeting.Meeting {
	m.BossDeclined = true
	return m
}

// starts returns the times days after lastMet.
func starts(days ...float64) []time.Time {
	var out []time.Time
	for _, d := range days {
		out = append(out, lastMet.Add(time.Duration(d*float64(nudgeDay))))
	}
	return out
}

// offset renders t as days and the rest after lastMet: "17d12h0m0s".
func offset(t time.Time) string {
	d := t.Sub(lastMet)
	days, rest := d/nudgeDay, d%nudgeDay
	if rest == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%s", days, rest)
}

// describeNudges renders nudge jobs as one line each, for comparison:
// "variant reason @due [late] every=… agreed|rhythm [since=…] missed=[…]
// next=… expires=…", times as offsets after lastMet.
func describeNudges(js []Job) []string {
	var out []string
	for _, j := range js {
		if j.Kind != outbox.KindNudge || j.Nudge == nil {
			out = append(out, fmt.Sprintf("not a nudge: %s %+v", j.Kind, j))
			continue
		}
		n := j.Nudge
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s @%s", j.Variant, n.Reason, offset(j.Due))
		if j.Late {
			b.WriteString(" late")
		}
		fmt.Fprintf(&b, " every=%dd", n.Every/nudgeDay)
		if n.Agreed {
			b.WriteString(" agreed")
		} else {
			b.WriteString(" rhythm")
		}
		if n.Last.Key == "" {
			fmt.Fprintf(&b, " since=%s", offset(n.Since))
		}
		var missed []string
		for _, m := range n.Missed {
			missed = append(missed, m.Event.ID)
		}
		next := "-"
		if n.Next.Key != "" {
			next = n.Next.Event.ID
		}
		fmt.Fprintf(&b, " missed=[%s] next=%s expires=%s", strings.Join(missed, " "), next, offset(j.Expires))
		out = append(out, b.String())
	}
	return out
}

func TestNudgeVariant(t *testing.T) {
	last := met("last", meeting.Active, 0)
	if got, want := NudgeVariant("Dana", last), "Dana|cal/last@1793613600"; got != want {
		t.Errorf("NudgeVariant(Dana, last) = %q, want %q", got, want)
	}
	if got, want := NudgeVariant("Dana", meeting.Meeting{}), "Dana|"; got != want {
		t.Errorf("NudgeVariant(Dana, none) = %q, want %q", got, want)
	}
	// A moved meeting keeps its key: the start tells the gaps apart.
	moved := last
	moved.Event.Start = moved.Event.Start.Add(time.Hour)
	if NudgeVariant("Dana", moved) == NudgeVariant("Dana", last) {
		t.Errorf("NudgeVariant() is %q for the meeting at two starts", NudgeVariant("Dana", last))
	}
}

func TestNudgeGrace(t *testing.T) {
	tests := []struct {
		name  string
		every time.Duration
		want  time.Duration
	}{
		{name: "a quarter of two weeks", every: 14 * nudgeDay, want: 84 * time.Hour},
		{name: "a quarter of a week", every: 7 * nudgeDay, want: 42 * time.Hour},
		{name: "at least a day", every: 2 * nudgeDay, want: nudgeDay},
		{name: "four days: exactly a day", every: 4 * nudgeDay, want: nudgeDay},
		{name: "no cadence", every: 0, want: nudgeDay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nudgeGrace(tt.every); got != tt.want {
				t.Errorf("nudgeGrace(%s) = %s, want %s", tt.every, got, tt.want)
			}
		})
	}
}

func TestRhythm(t *testing.T) {
	h := time.Hour
	tests := []struct {
		name   string
		starts []time.Time
		want   time.Duration
	}{
		{name: "none", want: 0},
		{name: "one", starts: starts(0), want: 0},
		{name: "two starts are one interval: not enough", starts: starts(-7, 0), want: 0},
		{name: "three weekly starts", starts: starts(-14, -7, 0), want: 7 * nudgeDay},
		{name: "a weekly series", starts: starts(-21, -14, -7, 0, 7, 14, 21, 28), want: 7 * nudgeDay},
		{name: "duplicates at one time are one meeting",
			starts: starts(-14, -14, -7, -7, 0), want: 7 * nudgeDay},
		{name: "duplicates do not make up the second interval",
			starts: starts(-7, -7, 0, 0), want: 0},
		{name: "events under 12 hours apart make no interval",
			starts: []time.Time{lastMet.Add(-7 * nudgeDay), lastMet.Add(-7*nudgeDay + 11*h), lastMet}, want: 0},
		{name: "events under 12 hours apart are one meeting",
			starts: append(starts(-14), lastMet.Add(-14*nudgeDay+11*h), lastMet.Add(-7*nudgeDay), lastMet), want: 7 * nudgeDay},
		{name: "the median, not the mean", starts: starts(-42, -35, -28, 0), want: 7 * nudgeDay},
		{name: "an even count: the mean of the middle two, rounded",
			starts: starts(-42, -35, -28, -14, 0), want: 11 * nudgeDay},
		{name: "rounded to whole days",
			starts: []time.Time{lastMet, lastMet.Add(6*nudgeDay + 20*h), lastMet.Add(13*nudgeDay + 23*h), lastMet.Add(21*nudgeDay + 0*h)},
			want:   7 * nudgeDay},
		{name: "twice a day: at least a day", starts: starts(0, 0.5, 1, 1.5), want: nudgeDay},
		{name: "less than yearly: at most a year (366 days)", starts: starts(0, 400, 800, 1200), want: 366 * nudgeDay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Rhythm(tt.starts); got != tt.want {
				t.Errorf("Rhythm(%v) = %s, want %s", tt.starts, got, tt.want)
			}
		})
	}
}

func TestPlanNudges(t *testing.T) {
	const v = "Dana|cal/last@1793613600" // the gap after last
	last := met("last", meeting.Active, 0)
	dana := func(after ...meeting.Meeting) meeting.Contact {
		return meeting.Contact{Boss: "Dana", Last: last, After: after}
	}
	fortnightly := []Cadence{{Boss: "Dana", Every: 14 * nudgeDay}}
	unagreed := []Cadence{{Boss: "Dana"}}
	nudgeRow := func(kind, variant string) outbox.Message {
		return outbox.Message{ID: 1, Kind: kind, Variant: variant, State: outbox.StateSent}
	}
	tests := []struct {
		name     string
		now      float64       // days after lastMet
		plus     time.Duration // and this
		cadences []Cadence
		contacts []meeting.Contact
		existing []outbox.Message
		since    time.Time // zero: a month before lastMet
		newStore bool
		due      []string
		upcoming []string
	}{
		{name: "10 days since: upcoming at the cadence and a quarter",
			now: 10, cadences: fortnightly, contacts: []meeting.Contact{dana()},
			upcoming: []string{v + " quiet @17d12h0m0s every=14d agreed missed=[] next=- expires=24d12h0m0s"}},
		{name: "20 days since, nothing booked: due now, late",
			now: 20, cadences: fortnightly, contacts: []meeting.Contact{dana()},
			due: []string{v + " quiet @17d12h0m0s late every=14d agreed missed=[] next=- expires=27d"}},
		{name: "due on the dot: not late",
			now: 17.5, cadences: fortnightly, contacts: []meeting.Contact{dana()},
			due: []string{v + " quiet @17d12h0m0s every=14d agreed missed=[] next=- expires=24d12h0m0s"}},
		{name: "a minute after due: not late",
			now: 17.5, plus: time.Minute, cadences: fortnightly, contacts: []meeting.Contact{dana()},
			due: []string{v + " quiet @17d12h0m0s every=14d agreed missed=[] next=- expires=24d12h1m0s"}},
		{name: "a minute and a second after due: late",
			now: 17.5, plus: time.Minute + time.Second, cadences: fortnightly, contacts: []meeting.Contact{dana()},
			due: []string{v + " quiet @17d12h0m0s late every=14d agreed missed=[] next=- expires=24d12h1m1s"}},
		{name: "a second before due: upcoming",
			now: 17.5, plus: -time.Second, cadences: fortnightly, contacts: []meeting.Contact{dana()},
			upcoming: []string{v + " quiet @17d12h0m0s every=14d agreed missed=[] next=- expires=24d12h0m0s"}},
		{name: "a week after due, still nothing booked: the gap is still open",
			now: 60, cadences: fortnightly, contacts: []meeting.Contact{dana()},
			due: []string{v + " quiet @17d12h0m0s late every=14d agreed missed=[] next=- expires=67d"}},
		{name: "the next meeting booked within the slack: no nudge",
			now: 10, cadences: fortnightly, contacts: []meeting.Contact{dana(met("next", meeting.Active, 17.5+47.0/24))}},
		{name: "the next meeting booked before due: no nudge",
			now: 10, cadences: fortnightly, contacts: []meeting.Contact{dana(met("next", meeting.Active, 16))}},
		{name: "the next meeting booked at the end of the slack: a nudge until it",
			now: 10, cadences: fortnightly, contacts: []meeting.Contact{dana(met("next", meeting.Active, 19.5))},
			upcoming: []string{v + " quiet @17d12h0m0s every=14d agreed missed=[] next=next expires=19d12h0m0s"}},
		{name: "the next meeting booked far after due: a nudge until it",
			now: 20, cadences: fortnightly, contacts: []meeting.Contact{dana(met("next", meeting.Active, 30))},
			due: []string{v + " quiet @17d12h0m0s late every=14d agreed missed=[] next=next expires=30d"}},
		{name: "the next meeting starting now: the nudge has expired",
			now: 20, cadences: fortnightly, contacts: []meeting.Contact{dana(met("next", meeting.Active, 20))}},
		{name: "two 1:1s cancelled in a row: at the start of the second",
			now: 15, cadences: fortnightly,
			contacts: []meeting.Contact{dana(met("c1", meeting.Cancelled, 7), met("c2", meeting.Cancelled, 14))},
			due:      []string{v + " cancelled @14d late every=14d agreed missed=[c1 c2] next=- expires=22d"}},
		{name: "two 1:1s cancelled in a row, no cadence",
			now: 15, cadences: unagreed,
			contacts: []meeting.Contact{dana(met("c1", meeting.Cancelled, 7), met("c2", meeting.Cancelled, 14))},
			due:      []string{v + " cancelled @14d late every=0d rhythm missed=[c1 c2] next=- expires=22d"}},
		{name: "two 1:1s cancelled in a row, the cadence not outrun",
			now: 15, cadences: []Cadence{{Boss: "Dana", Every: 28 * nudgeDay}},
			contacts: []meeting.Contact{dana(met("c1", meeting.Cancelled, 7), met("c2", meeting.Cancelled, 14))},
			due:      []string{v + " cancelled @14d late every=28d agreed missed=[c1 c2] next=- expires=22d"}},
		{name: "the second cancelled 1:1 ahead: upcoming at its start",
			now: 8, cadences: unagreed,
			contacts: []meeting.Contact{dana(met("c1", meeting.Cancelled, 7), met("c2", meeting.Cancelled, 14))},
			upcoming: []string{v + " cancelled @14d every=0d rhythm missed=[c1 c2] next=- expires=21d"}},
		{name: "two cancelled, then the next booked: a cancelled nudge until it",
			now: 15, cadences: fortnightly,
			contacts: []meeting.Contact{dana(met("c1", meeting.Cancelled, 7), met("c2", meeting.Cancelled, 14), met("next", meeting.Active, 16))},
			due:      []string{v + " cancelled @14d late every=14d agreed missed=[c1 c2] next=next expires=16d"}},
		{name: "one cancelled, then one booked: no cancelled nudge",
			now: 8, cadences: unagreed,
			contacts: []meeting.Contact{dana(met("c1", meeting.Cancelled, 7), met("next", meeting.Active, 14),
				met("c3", meeting.Cancelled, 21), met("c4", meeting.Cancelled, 28))}},
		{name: "declined by the boss, then by the user: both missed",
			now: 15, cadences: unagreed,
			contacts: []meeting.Contact{dana(bossDeclined(met("bd", meeting.Active, 7)), met("ud", meeting.Declined, 14))},
			due:      []string{v + " cancelled @14d late every=0d rhythm missed=[bd ud] next=- expires=22d"}},
		{name: "a group meeting cancelled is missed, but not a missed 1:1",
			now: 15, cadences: unagreed,
			contacts: []meeting.Contact{dana(group(met("team", meeting.Cancelled, 7)), met("c2", meeting.Cancelled, 14))}},
		{name: "a group meeting cancelled is among the missed",
			now: 20, cadences: fortnightly,
			contacts: []meeting.Contact{dana(group(met("team", meeting.Cancelled, 7)), met("c2", meeting.Cancelled, 14))},
			due:      []string{v + " quiet @17d12h0m0s late every=14d agreed missed=[team c2] next=- expires=27d"}},
		{name: "missed by due: not those after",
			now: 10, cadences: fortnightly,
			contacts: []meeting.Contact{dana(group(met("team", meeting.Cancelled, 5)), met("c1", meeting.Cancelled, 16), met("c2", meeting.Cancelled, 25))},
			upcoming: []string{v + " quiet @17d12h0m0s every=14d agreed missed=[team c1] next=- expires=24d12h0m0s"}},
		{name: "missed by now: not those after",
			now: 20, cadences: fortnightly,
			contacts: []meeting.Contact{dana(group(met("team", meeting.Cancelled, 5)), met("c1", meeting.Cancelled, 16), met("c2", meeting.Cancelled, 25))},
			due:      []string{v + " quiet @17d12h0m0s late every=14d agreed missed=[team c1] next=- expires=27d"}},
		{name: "missed by now, later",
			now: 26, cadences: fortnightly,
			contacts: []meeting.Contact{dana(group(met("team", meeting.Cancelled, 5)), met("c1", meeting.Cancelled, 16), met("c2", meeting.Cancelled, 25))},
			due:      []string{v + " quiet @17d12h0m0s late every=14d agreed missed=[team c1 c2] next=- expires=33d"}},
		{name: "once per gap",
			now: 20, cadences: fortnightly, contacts: []meeting.Contact{dana()},
			existing: []outbox.Message{nudgeRow(outbox.KindNudge, v)}},
		{name: "once per gap, whatever the reason",
			now: 15, cadences: fortnightly,
			contacts: []meeting.Contact{dana(met("c1", meeting.Cancelled, 7), met("c2", meeting.Cancelled, 14))},
			existing: []outbox.Message{nudgeRow(outbox.KindNudge, v)}},
		{name: "a row of another kind with that variant does not count",
			now: 20, cadences: fortnightly, contacts: []meeting.Contact{dana()},
			existing: []outbox.Message{nudgeRow(outbox.KindDigest, v)},
			due:      []string{v + " quiet @17d12h0m0s late every=14d agreed missed=[] next=- expires=27d"}},
		{name: "a new gap: a new variant and a new nudge",
			now: 20, cadences: fortnightly, contacts: []meeting.Contact{dana()},
			existing: []outbox.Message{nudgeRow(outbox.KindNudge, "Dana|cal/before@1791799200")},
			due:      []string{v + " quiet @17d12h0m0s late every=14d agreed missed=[] next=- expires=27d"}},
		{name: "a new store: nothing",
			now: 20, cadences: fortnightly, contacts: []meeting.Contact{dana()}, newStore: true},
		{name: "no meeting seen: anchored at since",
			now: 20, cadences: fortnightly, since: lastMet,
			contacts: []meeting.Contact{{Boss: "Dana"}},
			due:      []string{"Dana| quiet @17d12h0m0s late every=14d agreed since=0d missed=[] next=- expires=27d"}},
		{name: "no meeting seen, 1:1s cancelled since",
			now: 15, cadences: fortnightly, since: lastMet,
			contacts: []meeting.Contact{{Boss: "Dana", After: []meeting.Meeting{met("c1", meeting.Cancelled, 7), met("c2", meeting.Cancelled, 14)}}},
			due:      []string{"Dana| cancelled @14d late every=14d agreed since=0d missed=[c1 c2] next=- expires=22d"}},
		{name: "no cadence agreed: the rhythm of weekly 1:1s",
			now: 10, cadences: unagreed,
			contacts: []meeting.Contact{{Boss: "Dana", Last: last, OneOnOnes: starts(-21, -14, -7, 0)}},
			due:      []string{v + " quiet @8d18h0m0s late every=7d rhythm missed=[] next=- expires=17d"}},
		{name: "no cadence agreed: the rhythm counts a series booked ahead",
			now: 5, cadences: unagreed,
			contacts: []meeting.Contact{{Boss: "Dana", Last: last, OneOnOnes: starts(0, 14, 28)}},
			upcoming: []string{v + " quiet @17d12h0m0s every=14d rhythm missed=[] next=- expires=24d12h0m0s"}},
		{name: "no cadence agreed, weekly 1:1s that ended four months ago: no rhythm",
			now: 130, cadences: unagreed,
			contacts: []meeting.Contact{{Boss: "Dana", Last: last, OneOnOnes: starts(-21, -14, -7, 0)}}},
		{name: "no cadence agreed, the rhythm read off the last four months only",
			now: 130, cadences: unagreed,
			contacts: []meeting.Contact{{Boss: "Dana", Last: met("recent", meeting.Active, 120),
				OneOnOnes: starts(-21, -14, -7, 0, 100, 110, 120)}},
			upcoming: []string{"Dana|cal/recent@" + fmt.Sprint(lastMet.Add(120*nudgeDay).Unix()) +
				" quiet @132d12h0m0s every=10d rhythm missed=[] next=- expires=139d12h0m0s"}},
		{name: "no cadence agreed, two 1:1s: no rhythm, no quiet nudge",
			now: 60, cadences: unagreed,
			contacts: []meeting.Contact{{Boss: "Dana", Last: last, OneOnOnes: starts(-7, 0)}}},
		{name: "no cadence agreed, duplicates: no rhythm",
			now: 60, cadences: unagreed,
			contacts: []meeting.Contact{{Boss: "Dana", Last: last, OneOnOnes: starts(-7, -7, 0, 0)}}},
		{name: "the cadence agreed wins over the rhythm",
			now: 10, cadences: fortnightly,
			contacts: []meeting.Contact{{Boss: "Dana", Last: last, OneOnOnes: starts(-21, -14, -7, 0)}},
			upcoming: []string{v + " quiet @17d12h0m0s every=14d agreed missed=[] next=- expires=24d12h0m0s"}},
		{name: "a short cadence: a day's grace",
			now: 2, cadences: []Cadence{{Boss: "Dana", Every: 2 * nudgeDay}}, contacts: []meeting.Contact{dana()},
			upcoming: []string{v + " quiet @3d every=2d agreed missed=[] next=- expires=10d"}},
		{name: "a boss without a cadence entry: none agreed",
			now: 20, cadences: []Cadence{{Boss: "Sam", Every: 7 * nudgeDay}}, contacts: []meeting.Contact{dana()}},
		{name: "two bosses, each by its own cadence",
			now: 20, cadences: []Cadence{{Boss: "Dana", Every: 14 * nudgeDay}, {Boss: "Sam", Every: 28 * nudgeDay}},
			contacts: []meeting.Contact{dana(), {Boss: "Sam", Last: func() meeting.Meeting {
				m := met("last", meeting.Active, 0)
				m.Boss = "Sam"
				return m
			}()}},
			due:      []string{v + " quiet @17d12h0m0s late every=14d agreed missed=[] next=- expires=27d"},
			upcoming: []string{"Sam|cal/last@1793613600 quiet @35d every=28d agreed missed=[] next=- expires=42d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := lastMet.Add(time.Duration(tt.now*float64(nudgeDay)) + tt.plus)
			since := tt.since
			if since.IsZero() {
				since = lastMet.AddDate(0, -1, 0)
			}
			if tt.newStore {
				since = time.Time{}
			}
			due, upcoming := PlanNudges(now, tt.cadences, tt.contacts, tt.existing, since)
			if got := describeNudges(due); !slices.Equal(got, tt.due) {
				t.Errorf("PlanNudges(%s) due = %q\nwant %q", offset(now), got, tt.due)
			}
			if got := describeNudges(upcoming); !slices.Equal(got, tt.upcoming) {
				t.Errorf("PlanNudges(%s) upcoming = %q\nwant %q", offset(now), got, tt.upcoming)
			}
		})
	}
}

// TestPlanNudgesOverTime follows one gap: upcoming, due, queued; then the
// user meets the boss and a new gap begins, with a nudge of its own.
func TestPlanNudgesOverTime(t *testing.T) {
	cadences := []Cadence{{Boss: "Dana", Every: 14 * nudgeDay}}
	since := lastMet.AddDate(0, -1, 0)
	first := met("last", meeting.Active, 0)
	at := func(days float64) time.Time { return lastMet.Add(time.Duration(days * float64(nudgeDay))) }

	due, upcoming := PlanNudges(at(17), cadences, []meeting.Contact{{Boss: "Dana", Last: first}}, nil, since)
	if len(due) != 0 || len(upcoming) != 1 || !upcoming[0].Due.Equal(at(17.5)) {
		t.Fatalf("PlanNudges(17d) = %q, %q; want one upcoming at 17d12h", describeNudges(due), describeNudges(upcoming))
	}
	due, _ = PlanNudges(at(17.5), cadences, []meeting.Contact{{Boss: "Dana", Last: first}}, nil, since)
	if len(due) != 1 {
		t.Fatalf("PlanNudges(17d12h) due = %q, want one", describeNudges(due))
	}
	queued := []outbox.Message{{ID: 7, Kind: due[0].Kind, Variant: due[0].Variant, State: outbox.StateQueued}}
	if due, upcoming := PlanNudges(at(18), cadences, []meeting.Contact{{Boss: "Dana", Last: first}}, queued, since); len(due)+len(upcoming) != 0 {
		t.Errorf("PlanNudges(18d) after the nudge was queued = %q, %q; want nothing", describeNudges(due), describeNudges(upcoming))
	}

	// They meet at 19 days: a new gap.
	second := met("second", meeting.Active, 19)
	due, upcoming = PlanNudges(at(20), cadences, []meeting.Contact{{Boss: "Dana", Last: second}}, queued, since)
	want := []string{fmt.Sprintf("Dana|cal/second@%d quiet @36d12h0m0s every=14d agreed missed=[] next=- expires=43d12h0m0s", at(19).Unix())}
	if got := describeNudges(upcoming); len(due) != 0 || !slices.Equal(got, want) {
		t.Errorf("PlanNudges(20d) after meeting again = %q, %q; want upcoming %q", describeNudges(due), got, want)
	}
}
