package render

import (
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/meetinglog"
)

// prepLast returns d with its "last time" part ready to print: the meeting's
// start in loc, its title cleaned as prepMeeting cleans a title, and what
// was logged for it sorted and on one line each. It runs after d.Boss is
// prepared, whose name tells the boss's items.
func prepLast(d BriefData, loc *time.Location) BriefData {
	if !d.LastMeeting.IsZero() {
		d.LastMeeting = d.LastMeeting.In(loc)
	}
	d.LastTitle = calendar.CleanText(calendar.DecodeWords(d.LastTitle))
	d.LastDecisions = prepItems(d.LastDecisions, d.Boss, loc, byCreated)
	d.LastFeedback = prepItems(d.LastFeedback, d.Boss, loc, byCreated)
	d.LastNotes = prepItems(d.LastNotes, d.Boss, loc, byCreated)
	return d
}

// lastTimeSamples returns full with its "last time" part in the shapes New's
// check renders besides full and empty: from a meeting of another title, of
// unknown date, and with notes alone.
func lastTimeSamples(full BriefData) []BriefData {
	other := full
	other.LastTitle = "Billing migration review"
	undated := full
	undated.LastMeeting, undated.LastTitle = time.Time{}, ""
	notesOnly := full
	notesOnly.LastDecisions, notesOnly.LastFeedback = nil, nil
	noNotes := full
	noNotes.LastNotes = nil
	return []BriefData{other, undated, notesOnly, noNotes}
}

// sampleLastNotes returns the notes of the sample's last meeting, which
// started at last.
func sampleLastNotes(last time.Time) []meetinglog.Item {
	return []meetinglog.Item{
		{Kind: meetinglog.Note, Owner: "me", Text: "Dana is presenting the migration plan to the board on the 30th",
			Created: last.Add(time.Hour)},
	}
}
