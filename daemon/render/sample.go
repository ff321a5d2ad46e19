package render

import (
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// The sample data: a weekly 1:1 between the user, in now's zone, and Dana
// Whitfield, in New York, on the working day after now at 16:00. It is used
// by New's start-up check, by the tests and golden files, and to preview
// templates.

// sampleBossZone is the boss's zone in the samples, or a fixed stand-in
// where the system has no zone database.
func sampleBossZone(user *time.Location) *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		loc = time.FixedZone("New York", -5*3600)
	}
	if loc.String() == user.String() {
		return nil
	}
	return loc
}

// sampleStart returns 16:00 on the working day after now, in now's zone.
func sampleStart(now time.Time) time.Time {
	d := now
	for {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return time.Date(d.Year(), d.Month(), d.Day(), 16, 0, 0, 0, now.Location())
		}
	}
}

func sampleBoss() Boss {
	return Boss{
		Name:  "Dana Whitfield",
		Email: "dana@example.com",
		Style: "Headline first; numbers over adjectives.\n" +
			"Wants to hear about problems early, with a recommendation.\n" +
			"Likes a short written update the day before a big decision.",
		Priorities: []string{
			"Ship the billing migration by 31 March",
			"Hire two backend engineers this quarter",
			"Bring p95 checkout latency under 300 ms",
		},
	}
}

func sampleMeeting(start time.Time) Meeting {
	return Meeting{
		Key:           "primary/sample-weekly@20261124T150000Z",
		Title:         "Weekly sync",
		Start:         start,
		End:           start.Add(30 * time.Minute),
		Location:      start.Location(),
		BossLocation:  sampleBossZone(start.Location()),
		OneOnOne:      true,
		Place:         "Room 4.12 (Harbour)",
		ConferenceURL: "https://meet.google.com/abc-defg-hij",
		CalendarURL:   "https://calendar.google.com/calendar/event?eid=c2FtcGxlLXdlZWtseQ",
		Description: `Weekly check-in.<br><br><b>Agenda</b><ul>` +
			`<li>Billing migration: cut-over plan for the EU accounts</li>` +
			`<li>Hiring: feedback on the two final candidates</li>` +
			`<li>Q1 planning &amp; headcount</li></ul>` +
			`Running notes: <a href="https://docs.google.com/document/d/1a2b3c/edit">1:1 notes</a>`,
		Attachments: []Attachment{
			{Title: "Q1 headcount plan (draft)", URL: "https://docs.google.com/spreadsheets/d/4d5e6f/edit"},
		},
	}
}

// sampleOpen returns the open action items of the samples, as of now.
func sampleOpen(now time.Time) []meetinglog.Item {
	day := 24 * time.Hour
	return []meetinglog.Item{
		{ID: 12, Kind: meetinglog.Action, Owner: "me", Text: "Send Dana the Q1 headcount plan draft",
			Created: now.Add(-21 * day), Due: now.Add(-3 * day)},
		{ID: 15, Kind: meetinglog.Action, Owner: "boss", Text: "Approve the contractor budget for the migration",
			Created: now.Add(-14 * day)},
		{ID: 17, Kind: meetinglog.Action, Owner: "me", Text: "Write up the EU cut-over runbook",
			Created: now.Add(-9 * day), Due: now.Add(3 * day)},
		{ID: 19, Kind: meetinglog.Action, Owner: "Priya Nair", Text: "Security review of the new billing service",
			Created: now.Add(-6 * day), Due: now.Add(10 * day)},
		{ID: 21, Kind: meetinglog.Action, Owner: "me", Text: "Book debriefs with both final candidates",
			Created: now.Add(-1 * day), Due: now.Add(1 * day)},
	}
}

// SampleBrief returns a realistic brief as of now, with every section
// filled: a 1:1 on the next working day at 16:00, open items on both sides
// (one overdue), feedback not yet applied, results since last time, last
// week's decisions, feedback and notes, talking points, and the boss's
// style and priorities.
func SampleBrief(now time.Time) BriefData {
	start := sampleStart(now)
	day := 24 * time.Hour
	last := start.Add(-7 * day)
	d := BriefData{
		Meeting:      sampleMeeting(start),
		Boss:         sampleBoss(),
		Now:          now,
		Lead:         24 * time.Hour,
		TopicAddress: "sam+leadup-abcdefghijklmnopqrstuvwxyz234567abcdefg@example.com",
		OpenItems:    sampleOpen(now),
		ClosedSince: []meetinglog.Item{
			{ID: 9, Kind: meetinglog.Action, Owner: "me", Text: "Moved the first 10% of EU accounts to the new billing system, with no incidents",
				Created: now.Add(-20 * day), Done: now.Add(-5 * day)},
			{ID: 14, Kind: meetinglog.Action, Owner: "me", Text: "Brought p95 checkout latency from 420 ms to 310 ms",
				Created: now.Add(-13 * day), Done: now.Add(-2 * day)},
		},
		LastMeeting: last,
		LastTitle:   sampleMeeting(last).Title,
		LastDecisions: []meetinglog.Item{
			{ID: 10, Kind: meetinglog.Decision, Owner: "boss", Text: "Keep the March deadline; drop invoice export from the first cut",
				Created: last.Add(time.Hour)},
			{ID: 11, Kind: meetinglog.Decision, Owner: "me", Text: "Alex owns the hiring loop end to end",
				Created: last.Add(time.Hour)},
		},
		LastFeedback: []meetinglog.Item{
			{ID: 13, Kind: meetinglog.Feedback, Owner: "boss", Text: "The migration update was too detailed: lead with the risk and the date, details on request",
				Created: last.Add(time.Hour)},
			{ID: 8, Kind: meetinglog.Feedback, Owner: "boss", Text: "Good call pausing the rollout when the error rate rose",
				Created: last.Add(time.Hour), Done: now.Add(-2 * day)},
		},
		LastNotes: sampleLastNotes(last),
		TalkingPoints: []meetinglog.Item{
			{ID: 16, Kind: meetinglog.Point, Owner: "me", Text: "Decision needed: one weekend cut-over or two weeknight windows?",
				Created: now.Add(-4 * day)},
			{ID: 18, Kind: meetinglog.Point, Owner: "me", Text: "Propose moving this 1:1 to Thursdays, after the release review",
				Created: now.Add(-3 * day)},
			{ID: 20, Kind: meetinglog.Point, Owner: "me", Text: "Feedback on how late scope changes land on the team (ask first)",
				Created: now.Add(-2 * day)},
		},
	}
	d.OpenFeedback = sampleOpenFeedback(now, d.LastFeedback[:1])
	return d
}

// SampleFollowup returns a realistic follow-up: the sample 1:1 (on the
// working day after now), as of five minutes after it ended, with the open
// items and talking points of the sample brief, and the agenda of its
// description.
func SampleFollowup(now time.Time) FollowupData {
	m := sampleMeeting(sampleStart(now))
	return FollowupData{
		Meeting:       m,
		Boss:          sampleBoss(),
		Now:           m.End.Add(5 * time.Minute),
		OpenItems:     sampleOpen(now),
		TalkingPoints: SampleBrief(now).TalkingPoints,
	}
}

// SampleNotice returns a realistic notice as of now: the sample 1:1, briefed
// for 16:00 on the working day after now, moved to 14:30 the day after.
func SampleNotice(now time.Time) NoticeData {
	old := sampleStart(now)
	m := sampleMeeting(old.AddDate(0, 0, 1).Add(-90 * time.Minute))
	return NoticeData{
		Meeting:  m,
		Boss:     sampleBoss(),
		Now:      now,
		Change:   ChangeMoved,
		OldStart: old,
	}
}
