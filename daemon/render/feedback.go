package render

import (
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// prepFeedback readies the brief's open feedback: sorted oldest first, on
// one line each, in loc; and takes it out of last time's feedback and of
// what the boss valued lately (Learned), which would otherwise show it a
// second time. It runs before prepLast and prepProfile, after prepBoss.
func prepFeedback(d BriefData, loc *time.Location) BriefData {
	d.OpenFeedback = prepItems(d.OpenFeedback, d.Boss, loc, byCreated)
	d.LastFeedback = meetinglog.Without(d.LastFeedback, d.OpenFeedback)
	d.Learned = meetinglog.Without(d.Learned, d.OpenFeedback)
	return d
}

// sampleOpenFeedback returns the sample brief's open feedback: an ask from
// five weeks ago, and last meeting's feedback (given as last), not yet
// applied.
func sampleOpenFeedback(now time.Time, last []meetinglog.Item) []meetinglog.Item {
	out := []meetinglog.Item{
		{ID: 7, Kind: meetinglog.Feedback, Owner: "boss", Text: "Bring two options and a recommendation with each problem",
			Created: now.Add(-35 * 24 * time.Hour)},
	}
	return append(out, last...)
}
