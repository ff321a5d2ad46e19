package render

import (
	"strings"
	"time"
)

// ConfirmData is what the confirmation of a logged reply is made from: what
// leadup understood, so that a misunderstanding shows at once.
type ConfirmData struct {
	Meeting Meeting // the meeting the reply was about; zero Start for talking points sent between meetings
	Boss    Boss
	Now     time.Time
	// Subject is the subject of the email being confirmed; the confirmation
	// answers it in the same thread.
	Subject   string
	Decisions []Item
	Actions   []Item
	Feedback  []Item
	Notes     []Item
	Topics    []Item
	Closed    []Item   // action items the reply closed
	NotFound  []int64  // "done" numbers that matched no open item
	Unplaced  []string // lines it could not make sense of
}

// Nothing reports whether the reply logged and closed nothing.
func (d ConfirmData) Nothing() bool {
	return len(d.Decisions)+len(d.Actions)+len(d.Feedback)+len(d.Notes)+len(d.Topics)+len(d.Closed) == 0
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
	for _, list := range []*[]Item{&d.Decisions, &d.Actions, &d.Feedback, &d.Notes, &d.Topics, &d.Closed} {
		*list = prepItems(*list, d.Boss, loc, byCreated)
	}
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
		Subject:   "Re: Follow-up: 1:1 with Dana",
		Decisions: []Item{{ID: 31, Kind: KindDecision, Text: "Move the EU cut-over to two weeknight windows", Created: at}},
		Actions: []Item{
			{ID: 32, Kind: KindAction, Owner: "boss", Text: "Intro me to Jordan in finance", Created: at, Due: due},
			{ID: 33, Kind: KindAction, Owner: "me", Text: "Send the revised runbook", Created: at},
		},
		Feedback: []Item{{ID: 34, Kind: KindFeedback, Text: "Great call on the latency work; share the dashboard with the team", Created: at}},
		Topics:   []Item{{ID: 35, Kind: KindPoint, Text: "Hiring plan for Q2", Created: at}},
		Closed:   []Item{{ID: 12, Kind: KindAction, Owner: "me", Text: "Send Dana the Q1 headcount plan draft", Created: at.AddDate(0, 0, -24), Done: at}},
		NotFound: []int64{14},
		Unplaced: []string{"done"},
	}
}
