package render

import (
	htmltemplate "html/template"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// Reasons for a nudge, as schedule gives them.
const (
	NudgeQuiet     = "quiet"     // longer than the cadence without a meeting
	NudgeCancelled = "cancelled" // two 1:1s in a row did not take place
)

// NudgeData is what a nudge is made from: the user and one boss have gone
// too long without meeting. It says how long, offers a line asking for
// time, lists what is open, and carries a status update to send now.
type NudgeData struct {
	Now      time.Time
	Location *time.Location // the user's zone
	Boss     Boss
	Reason   string // NudgeQuiet or NudgeCancelled
	// Every is the cadence the gap outran, 0 when none is known; Agreed
	// says it is the one agreed (one_on_one_every) rather than the rhythm
	// of the boss's 1:1s.
	Every  time.Duration
	Agreed bool
	// Last is the last meeting held with the boss; nil when leadup has
	// seen none since it began watching, at Since.
	Last  *Meeting
	Since time.Time
	// Missed are the meetings since Last that did not take place.
	Missed []Missed
	// Next is the next meeting booked with the boss; nil when none.
	Next *Meeting
	// Late says the nudge is sent after downtime.
	Late bool
	// Open are the open action items with the boss, anyone's; Closed the
	// actions closed and Decisions the decisions logged since Last (or
	// Since); Feedback all of the boss's, which orders the update.
	Open, Closed, Decisions, Feedback []meetinglog.Item
	// Me is the user's name, to sign with; "" when unknown.
	Me string
	// Update and Ask are worked out by Nudge: the status update to send
	// now, and a mailto: URL of a draft to the boss asking for time.
	Update StatusUpdate
	Ask    htmltemplate.URL
	// AskText is the draft Ask opens, for the plain-text part.
	AskText string
}

// Missed is a meeting that did not take place, and why: "cancelled",
// "declined by you", "declined by Dana".
type Missed struct {
	Meeting Meeting
	Why     string
}

// Gap is how long since the user and the boss last met (or leadup began
// watching): "3 weeks", "10 days".
func (d NudgeData) Gap() string {
	from := d.Since
	if d.Last != nil {
		from = d.Last.Start
	}
	return age(d.Now, from)
}

// Nudge renders a nudge.
func (r *Renderer) Nudge(d NudgeData) (Rendered, error) {
	loc := zone(d.Location)
	d.Location = loc
	d.Now = d.Now.In(loc)
	d.Since = d.Since.In(loc)
	d.Boss = prepBoss(d.Boss)
	if d.Last != nil {
		m := prepMeeting(*d.Last, loc)
		d.Last = &m
	}
	if d.Next != nil {
		m := prepMeeting(*d.Next, loc)
		d.Next = &m
	}
	missed := make([]Missed, len(d.Missed))
	for i, m := range d.Missed {
		missed[i] = Missed{Meeting: prepMeeting(m.Meeting, loc), Why: oneline(m.Why)}
	}
	d.Missed = missed
	b := DigestBoss{Boss: d.Boss,
		Open:      prepItems(d.Open, d.Boss, loc, byDue),
		Closed:    prepItems(d.Closed, d.Boss, loc, byDone),
		Decisions: prepItems(d.Decisions, d.Boss, loc, byCreated),
		Feedback:  prepItems(d.Feedback, d.Boss, loc, byCreated),
	}
	if d.Next != nil {
		b.Meetings = []Meeting{*d.Next}
	}
	d.Open, d.Closed, d.Decisions, d.Feedback = b.Open, b.Closed, b.Decisions, b.Feedback
	u := statusUpdate(d.Now, b)
	u.Span, u.Ahead = "since we last met", "Coming up"
	if d.Last == nil {
		u.Span = "on where things stand"
	}
	if me := oneline(d.Me); me != "" {
		u.Me = first(me)
	}
	u.Subject = "Quick update " + u.Span
	b.Update = u
	body, err := r.statusText(b, d.Now)
	if err != nil {
		return Rendered{}, err
	}
	u.Send, u.Paste = sendLink(d.Boss.Email, u.Subject, body)
	d.Update = u
	d.AskText = d.askText()
	d.Ask, _ = sendLink(d.Boss.Email, d.AskSubject(), d.AskText)
	return r.render("nudge", d)
}

// AskSubject is the subject of the draft asking the boss for time.
func (NudgeData) AskSubject() string { return "Time to catch up?" }

// askText is the draft asking the boss for time: short, with the reason
// in the boss's terms, signed like the update.
func (d NudgeData) askText() string {
	var b strings.Builder
	b.WriteString("Hi " + first(d.Boss.Name) + ",\n\n")
	switch {
	case d.Reason == NudgeCancelled:
		b.WriteString("Our last two 1:1s fell through, and I'd like to keep you in the loop.")
	case d.Last != nil:
		b.WriteString("It's been " + d.Gap() + " since we last met, and I'd like to keep you in the loop.")
	default:
		b.WriteString("I'd like to keep you in the loop on where things stand.")
	}
	switch n := len(d.Update.Needed) + len(d.Update.Blocked) + len(d.Update.Late); {
	case n == 1:
		b.WriteString(" There is one thing I'd like your view on.")
	case n > 1:
		b.WriteString(" There are a few things I'd like your view on.")
	case len(d.Update.Decisions) > 0:
		b.WriteString(" I'd also like to confirm a decision or two with you.")
	}
	b.WriteString(" Could we find 20 minutes this week?")
	if d.Next != nil {
		b.WriteString(" Or we can keep " + nextName(*d.Next) + " on " + day(d.Next.Start) + " if that suits you better.")
	}
	b.WriteString("\n")
	if d.Update.Me != "" {
		b.WriteString("\nThanks,\n" + d.Update.Me + "\n")
	}
	return b.String()
}

// nextName names a meeting as the user would to the boss: "our 1:1", or
// its title.
func nextName(m Meeting) string {
	if m.OneOnOne || m.Title == "" {
		return "our 1:1"
	}
	return m.Title
}

// SampleNudge returns a nudge for the template check and previews: three
// weeks since the last 1:1 with Dana, whose cadence is every two weeks,
// with nothing booked, and the sample digest's items.
func SampleNudge(now time.Time) NudgeData {
	dg := SampleDigest(now)
	now = dg.Now // the items are dated from the digest's due time
	dana := dg.Bosses[0]
	boss := dana.Boss
	boss.OneOnOneEvery = 14 * 24 * time.Hour
	last := sampleMeeting(now.AddDate(0, 0, -21))
	return NudgeData{
		Now: now, Location: now.Location(), Boss: boss, Reason: NudgeQuiet,
		Every: boss.OneOnOneEvery, Agreed: true, Last: &last,
		Open: dana.Open, Closed: dana.Closed, Decisions: dana.Decisions, Feedback: dana.Feedback,
		Me: "Alex Morgan",
	}
}
