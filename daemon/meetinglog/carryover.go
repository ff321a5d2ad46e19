package meetinglog

import (
	"context"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
)

// ClosedLookback is how far back "closed since the last meeting" reaches
// when there was no earlier meeting with the boss.
const ClosedLookback = 14 * 24 * time.Hour

// Carryover is what a meeting with a boss brings forward from the log: the
// open action items, what was closed since the previous meeting, that
// meeting's decisions and feedback, and the talking points not yet raised.
type Carryover struct {
	Open        []Item
	ClosedSince []Item
	// LastMeeting is the start of the previous meeting with the boss, zero
	// if there was none; LastDecisions and LastFeedback were logged for it.
	LastMeeting   time.Time
	LastDecisions []Item
	LastFeedback  []Item
	TalkingPoints []Item
}

// Reader is the part of the stored log that CarryOver reads.
type Reader interface {
	// OpenActions returns the open action items with boss, oldest first.
	OpenActions(ctx context.Context, boss string) ([]Item, error)
	// PreviousMeeting returns the latest active meeting with boss that
	// started before before, and false if there is none.
	PreviousMeeting(ctx context.Context, boss string, before time.Time) (meeting.Meeting, bool, error)
	// MeetingItems returns the items of a kind logged for a meeting.
	MeetingItems(ctx context.Context, key string, kind Kind) ([]Item, error)
	// ClosedActionsSince returns the action items with boss closed at or
	// after since, in the order they were closed.
	ClosedActionsSince(ctx context.Context, boss string, since time.Time) ([]Item, error)
	// OpenTalkingPoints returns the talking points for boss not yet
	// raised, oldest first.
	OpenTalkingPoints(ctx context.Context, boss string) ([]Item, error)
}

// CarryOver gathers what the meeting m brings forward, as of now. "Closed
// since" reaches back to the previous meeting with the boss, or
// ClosedLookback before now when there was none.
func CarryOver(ctx context.Context, r Reader, m meeting.Meeting, now time.Time) (Carryover, error) {
	var c Carryover
	var err error
	if c.Open, err = r.OpenActions(ctx, m.Boss); err != nil {
		return c, err
	}
	since := now.Add(-ClosedLookback)
	prev, ok, err := r.PreviousMeeting(ctx, m.Boss, m.Event.Start)
	if err != nil {
		return c, err
	}
	if ok {
		c.LastMeeting = prev.Event.Start
		since = prev.Event.Start
		if c.LastDecisions, err = r.MeetingItems(ctx, prev.Key, Decision); err != nil {
			return c, err
		}
		if c.LastFeedback, err = r.MeetingItems(ctx, prev.Key, Feedback); err != nil {
			return c, err
		}
	}
	if c.ClosedSince, err = r.ClosedActionsSince(ctx, m.Boss, since); err != nil {
		return c, err
	}
	if c.TalkingPoints, err = r.OpenTalkingPoints(ctx, m.Boss); err != nil {
		return c, err
	}
	return c, nil
}

// RaisedAt is when the talking points queued for a meeting count as raised:
// a reply about the meeting closes those queued before it started.
func RaisedAt(m meeting.Meeting) time.Time { return m.Event.Start }

// Ahead returns items as they count for a meeting still ahead when: notes
// about it are things to raise there, talking points. The slice is changed
// in place.
func Ahead(items []Item, m meeting.Meeting, when time.Time) []Item {
	if !m.Event.End.After(when) {
		return items
	}
	for i := range items {
		if items[i].Kind == Note {
			items[i].Kind = Point
		}
	}
	return items
}
