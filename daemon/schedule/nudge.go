package schedule

import (
	"slices"
	"strconv"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
)

// Reasons for a nudge.
const (
	// NudgeQuiet: no meeting with the boss for longer than the cadence.
	NudgeQuiet = "quiet"
	// NudgeCancelled: the last two 1:1s with the boss did not take place.
	NudgeCancelled = "cancelled"
)

const (
	// nudgeBookedSlack: a gap that the next meeting booked closes within
	// this long after the nudge would fall due gets none; the brief before
	// that meeting does the work.
	nudgeBookedSlack = 48 * time.Hour
	// NudgeWindow is how long a nudge stays worth sending when no meeting
	// is booked: the gap is still open, so a nudge delayed by an outage
	// still says something true, but not forever.
	NudgeWindow = 7 * 24 * time.Hour
	// cancelledInARow is how many 1:1s in a row must not take place for a
	// nudge, whatever the cadence.
	cancelledInARow = 2
	// rhythmRecent is how far back the 1:1s that give an unagreed cadence
	// are read.
	rhythmRecent = 120 * 24 * time.Hour
)

// Cadence is how often the user expects to meet one boss: the 1:1 cadence
// agreed (config's one_on_one_every), or 0 to read it off the rhythm of
// their 1:1s.
type Cadence struct {
	Boss  string
	Every time.Duration
}

// Nudge is what a nudge job is about: a gap in the meetings with one boss.
// A gap starts at the last meeting held with the boss and ends at the next
// one held; at most one nudge goes out per gap.
type Nudge struct {
	Boss   string
	Reason string // NudgeQuiet or NudgeCancelled
	// Every is the cadence the gap is measured against, 0 when none is
	// known; Agreed says it is the one agreed rather than read off the
	// 1:1s.
	Every  time.Duration
	Agreed bool
	// Last is the last meeting held with the boss (light); Key "" when
	// leadup has seen none, and Since is then when it began watching.
	Last  meeting.Meeting
	Since time.Time
	// Missed are the meetings with the boss since Last that did not take
	// place: cancelled, or declined by either of them.
	Missed []meeting.Meeting
	// Next is the next meeting booked with the boss; Key "" when none.
	Next meeting.Meeting
}

// NudgeVariant is the outbox variant of the nudge about the gap after
// last, the last meeting held with boss (Key "" when none was seen): one
// gap, one variant, whatever the reason and however often it is planned.
func NudgeVariant(boss string, last meeting.Meeting) string {
	if last.Key == "" {
		return boss + "|"
	}
	return boss + "|" + last.Key + "@" + strconv.FormatInt(last.Event.Start.Unix(), 10)
}

// nudgeGrace is how far past the cadence a gap may run before a nudge: a
// quarter of it, at least a day, so that a meeting moved by a day or two
// is not a gap.
func nudgeGrace(every time.Duration) time.Duration {
	return max(every/4, 24*time.Hour)
}

// PlanNudges plans the nudges at now, one per boss at most: a nudge falls
// due when the gap since the last meeting held with a boss (or since
// leadup began watching, since, when it has seen none) outruns the cadence
// by nudgeGrace, unless the next meeting booked closes it within
// nudgeBookedSlack after; or when two 1:1s in a row since the last meeting
// held did not take place, at the start of the second. The cadence is the
// one agreed, or the median interval of the boss's latest 1:1s of the last
// four months; with neither, only missed 1:1s bring a nudge. existing are the outbox rows of
// no meeting: a gap whose nudge is among them gets no other. Nothing is
// planned for a new store (since zero): there is no gap to speak of yet.
func PlanNudges(now time.Time, cadences []Cadence, contacts []meeting.Contact, existing []outbox.Message, since time.Time) (due, upcoming []Job) {
	if since.IsZero() {
		return nil, nil
	}
	sent := make(map[string]bool)
	for _, e := range existing {
		if e.Kind == outbox.KindNudge {
			sent[e.Variant] = true
		}
	}
	for _, c := range contacts {
		j, ok := nudgeJob(now, agreedCadence(cadences, c.Boss), c, since)
		if !ok || sent[j.Variant] {
			continue
		}
		if now.Before(j.Due) {
			upcoming = append(upcoming, j)
			continue
		}
		if j.Expires.After(now) {
			j.Late = now.Sub(j.Due) > lateGrace
			due = append(due, j)
		}
	}
	return due, upcoming
}

func agreedCadence(cs []Cadence, boss string) time.Duration {
	for _, c := range cs {
		if c.Boss == boss {
			return c.Every
		}
	}
	return 0
}

// nudgeJob works out the nudge for one boss's gap, if one is called for.
func nudgeJob(now time.Time, agreed time.Duration, c meeting.Contact, since time.Time) (Job, bool) {
	n := Nudge{Boss: c.Boss, Last: c.Last, Every: agreed, Agreed: agreed > 0}
	if !n.Agreed {
		// Only a rhythm still kept says what to expect: 1:1s that ended
		// long ago (a former boss kept on as a skip-level) bring none.
		recent := slices.DeleteFunc(slices.Clone(c.OneOnOnes), func(t time.Time) bool { return t.Before(now.Add(-rhythmRecent)) })
		n.Every = Rhythm(recent)
	}
	start := c.Last.Event.Start
	if c.Last.Key == "" {
		start, n.Since = since, since
	}
	var missed1on1 []meeting.Meeting
	for _, m := range c.After {
		if m.Status == meeting.Active && !m.BossDeclined {
			n.Next = m
			break
		}
		// Cancelled, or declined by the user or the boss.
		n.Missed = append(n.Missed, m)
		if m.OneOnOne {
			missed1on1 = append(missed1on1, m)
		}
	}
	var due time.Time
	if n.Every > 0 {
		due = start.Add(n.Every + nudgeGrace(n.Every))
		n.Reason = NudgeQuiet
		if n.Next.Key != "" && n.Next.Event.Start.Before(due.Add(nudgeBookedSlack)) {
			due = time.Time{}
		}
	}
	if len(missed1on1) >= cancelledInARow {
		if at := missed1on1[cancelledInARow-1].Event.Start; due.IsZero() || at.Before(due) {
			due, n.Reason = at, NudgeCancelled
		}
	}
	if due.IsZero() {
		return Job{}, false
	}
	// Only what has happened by the time it goes out.
	at := due
	if now.After(at) {
		at = now
	}
	n.Missed = slices.DeleteFunc(n.Missed, func(m meeting.Meeting) bool { return m.Event.Start.After(at) })
	expires := at.Add(NudgeWindow)
	if n.Next.Key != "" {
		expires = n.Next.Event.Start
	}
	return Job{Kind: outbox.KindNudge, Variant: NudgeVariant(c.Boss, c.Last), Due: due, Expires: expires, Nudge: &n}, true
}

// Rhythm returns the interval of a series of 1:1s from their starts,
// earliest first: the median of the intervals of at least 12 hours (two
// events at one time are one meeting seen twice), rounded to whole days,
// between a day and a year. 0 when fewer than two intervals say.
func Rhythm(starts []time.Time) time.Duration {
	var gaps []time.Duration
	for i := 1; i < len(starts); i++ {
		if d := starts[i].Sub(starts[i-1]); d >= 12*time.Hour {
			gaps = append(gaps, d)
		}
	}
	if len(gaps) < 2 {
		return 0
	}
	slices.Sort(gaps)
	median := gaps[len(gaps)/2]
	if len(gaps)%2 == 0 {
		median = (gaps[len(gaps)/2-1] + median) / 2
	}
	const day = 24 * time.Hour
	return min(max(median.Round(day), day), 366*day)
}
