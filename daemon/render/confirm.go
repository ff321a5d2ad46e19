package render

import (
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// What a confirmation confirms (ConfirmData.Kind).
const (
	ConfirmLogged    = "logged"    // a reply about a meeting, logged
	ConfirmTopics    = "topics"    // talking points queued
	ConfirmCorrected = "corrected" // a reply to a confirmation: fixes applied
	ConfirmTooLate   = "too late"  // a reply about a meeting long past: nothing logged
)

// ConfirmData is what the confirmation of a logged reply is made from: what
// leadup understood, so that a misunderstanding shows at once, and what it
// guessed, quoting the line, so that one reply line fixes it.
type ConfirmData struct {
	Kind    string  // one of the Confirm* constants; "" is ConfirmLogged
	Meeting Meeting // the meeting the reply was about; zero Start for talking points sent between meetings
	Boss    Boss
	Now     time.Time
	// Subject is the subject of the email being confirmed; the confirmation
	// answers it in the same thread.
	Subject string
	// Why nothing was logged, for ConfirmTooLate.
	Why string
	// The items logged as written, by kind.
	Decisions []meetinglog.Item
	Actions   []meetinglog.Item
	Feedback  []meetinglog.Item
	Notes     []meetinglog.Item
	Topics    []meetinglog.Item
	// Guessed are the items whose kind or owner leadup read from the
	// wording, each with its Source line.
	Guessed       []meetinglog.Item
	Closed        []meetinglog.Item // action items the reply closed
	AlreadyClosed []meetinglog.Item // "done" numbers of action items closed earlier
	NotFound      []int64           // "done" numbers that matched no action item
	// Applied is the feedback the reply closed ("applied 4", or "done 4"
	// on feedback), AlreadyApplied the feedback it named that was applied
	// earlier, and NotFeedback the "applied" numbers that are no feedback
	// from the boss.
	Applied        []meetinglog.Item
	AlreadyApplied []meetinglog.Item
	NotFeedback    []int64
	Fixes          []Fix    // corrections, in order
	Unplaced       []string // lines it could not make sense of
	// Dropped is how many items past the limit of one email were not
	// logged, and Limit that limit.
	Dropped, Limit int
}

// Fix is one correction of a reply to a confirmation, as applied.
type Fix struct {
	Source string // the line as typed
	Op     string // "owner", "due", "kind", "text", "undo", "undo reply"
	// Item is the item after the fix; before it for "undo".
	Item meetinglog.Item
	// Removed and Reopened are what "undo" (the whole email) took back.
	Removed, Reopened []meetinglog.Item
	// Problem says why the fix was not applied; "" if it was.
	Problem string
}

// Nothing reports whether the reply logged, closed and fixed nothing.
func (d ConfirmData) Nothing() bool {
	return len(d.Decisions)+len(d.Actions)+len(d.Feedback)+len(d.Notes)+len(d.Topics)+len(d.Guessed)+len(d.Closed)+len(d.Applied)+len(d.Fixes) == 0
}

// Written reports whether any item was logged as written.
func (d ConfirmData) Written() bool {
	return len(d.Decisions)+len(d.Actions)+len(d.Feedback)+len(d.Notes)+len(d.Topics) > 0
}

// ThreadSubject is the confirmation's subject: a reply to Subject.
func (d ConfirmData) ThreadSubject() string {
	s := oneline(d.Subject)
	if l := strings.ToLower(s); strings.HasPrefix(l, "re:") || strings.HasPrefix(l, "aw:") || strings.HasPrefix(l, "sv:") {
		return s
	}
	return "Re: " + s
}

// Confirm renders the confirmation of a logged reply.
func (r *Renderer) Confirm(d ConfirmData) (Rendered, error) {
	loc := zone(d.Meeting.Location)
	d.Meeting = prepMeeting(d.Meeting, loc)
	d.Boss = prepBoss(d.Boss)
	d.Now = d.Now.In(loc)
	if d.Kind == "" {
		d.Kind = ConfirmLogged
	}
	for _, list := range []*[]meetinglog.Item{&d.Decisions, &d.Actions, &d.Feedback, &d.Notes, &d.Topics, &d.Guessed, &d.Closed, &d.AlreadyClosed, &d.Applied, &d.AlreadyApplied} {
		*list = prepItems(*list, d.Boss, loc, byCreated)
	}
	fixes := make([]Fix, 0, len(d.Fixes))
	for _, f := range d.Fixes {
		f.Source, f.Problem = oneline(f.Source), oneline(f.Problem)
		if it := prepItems([]meetinglog.Item{f.Item}, d.Boss, loc, byCreated); len(it) == 1 {
			f.Item = it[0]
		}
		f.Removed = prepItems(f.Removed, d.Boss, loc, byCreated)
		f.Reopened = prepItems(f.Reopened, d.Boss, loc, byCreated)
		fixes = append(fixes, f)
	}
	d.Fixes = fixes
	d.Why = oneline(d.Why)
	for i, l := range d.Unplaced {
		d.Unplaced[i] = oneline(l)
	}
	return r.render("confirm", d)
}

// SampleConfirm returns a confirmation of a reply to SampleFollowup.
func SampleConfirm(now time.Time) ConfirmData {
	f := SampleFollowup(now)
	at := f.Now.Add(20 * time.Minute)
	due := at.AddDate(0, 0, 3)
	return ConfirmData{
		Meeting:   f.Meeting,
		Boss:      f.Boss,
		Now:       at,
		Subject:   "Re: Follow-up: " + meetingName(f.Meeting, f.Boss) + ", " + dayTime(f.Meeting.Start.In(f.Meeting.Location)),
		Decisions: []meetinglog.Item{{Kind: meetinglog.Decision, Text: "Move the EU cut-over to two weeknight windows", Created: at}},
		Actions: []meetinglog.Item{
			{ID: 13, Kind: meetinglog.Action, Owner: "boss", Text: "Intro me to Jordan in finance", Created: at, Due: due},
			{ID: 14, Kind: meetinglog.Action, Owner: "me", Text: "Send the revised runbook", Created: at},
		},
		Feedback: []meetinglog.Item{{ID: 15, Kind: meetinglog.Feedback, Text: "Great call on the latency work; share the dashboard with the team", Created: at}},
		Topics:   []meetinglog.Item{{ID: 16, Kind: meetinglog.Point, Text: "Hiring plan for Q2", Created: at}},
		Guessed: []meetinglog.Item{
			{ID: 17, Kind: meetinglog.Action, Owner: "boss", Text: "send the budget", Created: at, Due: at.AddDate(0, 0, 7),
				Source: "Dana will send the budget by next Tue", Inferred: true},
			{ID: 18, Kind: meetinglog.Decision, Text: "going with option B for the vendor", Created: at,
				Source: "going with option B for the vendor", Inferred: true},
		},
		Closed:        []meetinglog.Item{{ID: 12, Kind: meetinglog.Action, Owner: "me", Text: "Send Dana the Q1 headcount plan draft", Created: at.AddDate(0, 0, -24), Done: at}},
		AlreadyClosed: []meetinglog.Item{{ID: 9, Kind: meetinglog.Action, Owner: "me", Text: "Book the offsite venue", Created: at.AddDate(0, 0, -30), Done: at.AddDate(0, 0, -6)}},
		NotFound:      []int64{21},
		Applied: []meetinglog.Item{{ID: 7, Kind: meetinglog.Feedback, Owner: "boss", Text: "Bring two options and a recommendation with each problem",
			Created: at.AddDate(0, 0, -35), Done: at}},
		NotFeedback: []int64{12},
		Unplaced:    []string{"done"},
	}
}

// SampleCorrection returns a confirmation of corrections to SampleConfirm.
func SampleCorrection(now time.Time) ConfirmData {
	c := SampleConfirm(now)
	at := c.Now.Add(time.Hour)
	fixed := c.Guessed[0]
	fixed.Owner, fixed.Inferred, fixed.Due = "Priya", false, at.AddDate(0, 0, 3)
	return ConfirmData{
		Kind: ConfirmCorrected, Meeting: c.Meeting, Boss: c.Boss, Now: at, Subject: c.Subject,
		Fixes: []Fix{
			{Source: "17 owner Priya", Op: "owner", Item: fixed},
			{Source: "17 due Fri", Op: "due", Item: fixed},
			{Source: "15 is a decision", Op: "kind", Item: meetinglog.Item{ID: 15, Kind: meetinglog.Decision, Text: c.Feedback[0].Text, Created: c.Now}},
			{Source: "undo 14", Op: "undo", Item: c.Actions[1]},
			{Source: "undo 99", Op: "undo", Problem: "no item has the number 99"},
		},
	}
}
