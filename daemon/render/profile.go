package render

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// This file holds what the brief's "About" block and the notices need
// beyond the meeting itself: the boss's profile from the config, the
// cadence of 1:1s, and what a cancelled meeting leaves to say in writing.

// Cadence says how often the boss and the user agreed to meet one on one:
// "every week", "every 2 weeks", "every 10 days"; "" when unset.
func (b Boss) Cadence() string {
	days := int(b.OneOnOneEvery / (24 * time.Hour))
	switch {
	case b.OneOnOneEvery <= 0:
		return ""
	case days == 0:
		return "every " + span(b.OneOnOneEvery)
	case days == 1:
		return "every day"
	case days == 7:
		return "every week"
	case days%7 == 0:
		return "every " + strconv.Itoa(days/7) + " weeks"
	}
	return "every " + strconv.Itoa(days) + " days"
}

// CadenceSlipped reports whether the last 1:1 is longer ago than the
// cadence agreed with the boss, counting calendar days. It is false when
// either is unknown: with no 1:1 stored, leadup cannot tell a slipped
// cadence from one it has not watched.
func (d BriefData) CadenceSlipped() bool {
	if d.Boss.OneOnOneEvery <= 0 || d.LastOneOnOne.IsZero() {
		return false
	}
	every := int((d.Boss.OneOnOneEvery + 12*time.Hour) / (24 * time.Hour))
	return daysBetween(d.LastOneOnOne.In(d.Now.Location()), d.Now) > max(every, 1)
}

// HasAbout reports whether the brief has anything for its "About" block.
func (d BriefData) HasAbout() bool {
	b := d.Boss
	return len(b.Stakeholders) > 0 || b.Autonomy != "" || b.Updates != "" || d.CadenceSlipped() ||
		len(d.Learned) > 0 || d.WorksBest != ""
}

// prepProfile makes the profile of a brief safe and compact to print: one
// line each, times in loc. It runs after prepBoss and prepLast.
func prepProfile(d BriefData, loc *time.Location) BriefData {
	b := &d.Boss
	var ss []string
	for _, s := range b.Stakeholders {
		if s = oneline(s); s != "" {
			ss = append(ss, s)
		}
	}
	b.Stakeholders = ss
	b.Autonomy = strings.Join(splitLines(b.Autonomy), " ")
	b.Updates = strings.Join(splitLines(b.Updates), " ")
	d.WorksBest = strings.Join(splitLines(d.WorksBest), " ")
	if !d.LastOneOnOne.IsZero() {
		d.LastOneOnOne = d.LastOneOnOne.In(loc)
	}
	learned := prepItems(without(without(d.Learned, d.LastFeedback), d.LastDecisions), d.Boss, loc, byCreated)
	slices.Reverse(learned) // newest first
	if len(learned) > 2 {
		learned = learned[:2]
	}
	d.Learned = learned
	return d
}

// without returns the items not in drop: "last time" already shows
// those. An item is matched by its store row, or, without one, by its kind,
// number and when it was logged.
func without(items, drop []meetinglog.Item) []meetinglog.Item {
	var out []meetinglog.Item
	for _, it := range items {
		if !slices.ContainsFunc(drop, func(d meetinglog.Item) bool {
			if it.Row != 0 && d.Row != 0 {
				return it.Row == d.Row
			}
			return strings.EqualFold(string(it.Kind), string(d.Kind)) && it.ID == d.ID && it.Created.Equal(d.Created)
		}) {
			out = append(out, it)
		}
	}
	return out
}

// prepNotice readies the parts of a notice that prepMeeting and prepBoss
// do not: the next meeting and the urgent items.
func prepNotice(d NoticeData, loc *time.Location) NoticeData {
	if d.Next != nil {
		n := prepMeeting(*d.Next, loc)
		d.Next = &n
	}
	var actions, points []meetinglog.Item
	for _, it := range prepItems(d.Urgent, d.Boss, loc, byDue) {
		if it.Kind == meetinglog.Point {
			points = append(points, it)
		} else {
			actions = append(actions, it)
		}
	}
	d.Urgent = append(actions, points...)
	if !d.BriefDue.IsZero() {
		d.BriefDue = d.BriefDue.In(loc)
	}
	return d
}

// UrgentActions returns the user's action items among urgent, in order.
func (d NoticeData) UrgentActions() []meetinglog.Item {
	var out []meetinglog.Item
	for _, it := range d.Urgent {
		if it.Kind != meetinglog.Point {
			out = append(out, it)
		}
	}
	return out
}

// DecisionAsks returns the talking points among urgent: the decisions to
// ask the boss for.
func (d NoticeData) DecisionAsks() []meetinglog.Item {
	var out []meetinglog.Item
	for _, it := range d.Urgent {
		if it.Kind == meetinglog.Point {
			out = append(out, it)
		}
	}
	return out
}

// BriefWithNotice reports whether the brief for the new time goes out now,
// with the notice, rather than later.
func (d NoticeData) BriefWithNotice() bool {
	return !d.BriefDue.IsZero() && !d.BriefDue.After(d.Now)
}

// decisionText finds a talking point that asks for a decision: "Decision
// needed: …", "decide on …", "approve …", "sign-off on …", "go/no-go".
var decisionText = regexp.MustCompile(`(?i)\b(decisions?|decide|approve|approval|sign[- ]?off|go/no-go)\b`)

// UrgentItems picks, from the open action items and talking points with
// boss, what a cancelled meeting should not leave waiting: the user's
// action items overdue at now or due before until (by date, in now's
// zone), and the talking points that ask for a decision. The caller picks
// until: the next meeting with the boss, or a week ahead.
func UrgentItems(now, until time.Time, boss Boss, open, points []meetinglog.Item) []meetinglog.Item {
	var out []meetinglog.Item
	for _, it := range open {
		if it.Kind != meetinglog.Action || !it.Done.IsZero() || it.Due.IsZero() ||
			normalOwner(oneline(it.Owner), boss) != "me" {
			continue
		}
		if overdue(now, it) || daysBetween(now, it.Due) < daysBetween(now, until) || !it.Due.After(until) {
			out = append(out, it)
		}
	}
	for _, it := range points {
		if it.Done.IsZero() && decisionText.MatchString(it.Text) {
			out = append(out, it)
		}
	}
	return out
}

// withSampleProfile returns d, the sample brief, with a boss profile:
// stakeholders, a weekly 1:1 last held three weeks ago, the autonomy and
// updates agreed, what Dana valued last month, and how the user works
// best.
func withSampleProfile(d BriefData) BriefData {
	day := 24 * time.Hour
	d.Boss.Stakeholders = []string{"Priya Nair (VP Finance)", "Tom Berg (Head of SRE)"}
	d.Boss.OneOnOneEvery = 14 * day
	d.Boss.Autonomy = "I decide on hiring and tooling within budget;\nscope and dates go to Dana first."
	d.Boss.Updates = "A written update every Friday; a message the same day for anything that slips."
	d.LastOneOnOne = d.Now.Add(-21*day + 8*time.Hour)
	d.WorksBest = "Deep work in the mornings, meetings after 13:00. I think best with a written question a day ahead."
	d.Learned = []meetinglog.Item{
		{ID: 6, Kind: meetinglog.Feedback, Owner: "boss", Text: "Liked the one-page risk summary before the board meeting: more of those",
			Created: d.Now.Add(-30 * day)},
		{ID: 0, Kind: meetinglog.Decision, Owner: "boss", Text: "Hiring decisions within the approved budget are mine",
			Created: d.Now.Add(-24 * day)},
		{ID: 0, Kind: meetinglog.Decision, Owner: "boss", Text: "Stand-ups move to 9:30",
			Created: d.Now.Add(-40 * day)},
	}
	return d
}

// noticeSamples returns the notices New's check renders besides the plain
// moved and cancelled ones: a cancellation with a next meeting and urgent
// items, and moves with a brief to come later and with one due at once.
func noticeSamples(now time.Time) []NoticeData {
	c := SampleCancelled(now)
	later := SampleNotice(now)
	later.BriefDue, later.BriefLead = later.Meeting.Start.Add(-time.Hour), time.Hour
	at := later
	at.BriefDue = now
	return []NoticeData{c, later, at}
}

// SampleCancelled returns a realistic cancellation as of now: the sample
// 1:1 on the working day after now is cancelled; the next one is a week
// later; one of the user's items is overdue, one is due before then, and a
// talking point asks Dana for a decision.
func SampleCancelled(now time.Time) NoticeData {
	start := sampleStart(now)
	m := sampleMeeting(start)
	next := sampleMeeting(start.AddDate(0, 0, 7))
	next.Key = "primary/sample-weekly@next"
	b := sampleBoss()
	brief := SampleBrief(now)
	return NoticeData{
		Meeting:  m,
		Boss:     b,
		Now:      now,
		Change:   ChangeCancelled,
		OldStart: start,
		Next:     &next,
		Urgent:   UrgentItems(now, next.Start, b, brief.OpenItems, brief.TalkingPoints),
	}
}
