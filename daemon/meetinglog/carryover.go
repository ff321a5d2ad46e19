package meetinglog

import (
	"context"
	"slices"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
)

// ClosedLookback is how far back "closed since the last meeting" reaches
// when there was no earlier meeting with the boss.
const ClosedLookback = 14 * 24 * time.Hour

// Carryover is what a meeting with a boss brings forward from the log: the
// open action items, the feedback from the boss not yet applied, what was
// closed since the previous meeting, what was logged for the last meeting
// with a log ("last time": its decisions, feedback and notes), and the
// talking points not yet raised that go to this meeting (PointsFor).
type Carryover struct {
	Open []Item
	// OpenFeedback is all the boss's feedback not yet applied, from any
	// meeting, oldest first: it stays in every brief until the user
	// replies "applied 4". LastFeedback leaves it out, so that no feedback
	// shows twice.
	OpenFeedback []Item
	ClosedSince  []Item
	// Last is the meeting "last time" is from (see LastTime); its Key is ""
	// if there is none. LastDecisions, LastFeedback and LastNotes were
	// logged for it.
	Last          meeting.Meeting
	LastDecisions []Item
	LastFeedback  []Item
	LastNotes     []Item
	TalkingPoints []Item
}

// Reader is the part of the stored log that CarryOver reads.
type Reader interface {
	// OpenActions returns the open action items with boss, oldest first.
	OpenActions(ctx context.Context, boss string) ([]Item, error)
	// PreviousMeeting returns the latest active meeting with boss that
	// started before before, and false if there is none.
	PreviousMeeting(ctx context.Context, boss string, before time.Time) (meeting.Meeting, bool, error)
	// LastLogged returns the latest meeting with boss that started before
	// before and has a log, of any status; with oneOnOne, only a 1:1. A
	// meeting has a log when an item other than a talking point is tied to
	// it, or a reply about it arrived once it had started (a reply to its
	// brief before it, which only queues points, does not count). false if
	// there is none.
	LastLogged(ctx context.Context, boss string, before time.Time, oneOnOne bool) (meeting.Meeting, bool, error)
	// MeetingItems returns the items of a kind logged for a meeting.
	MeetingItems(ctx context.Context, key string, kind Kind) ([]Item, error)
	// ClosedActionsSince returns the action items with boss closed at or
	// after since, in the order they were closed.
	ClosedActionsSince(ctx context.Context, boss string, since time.Time) ([]Item, error)
	// OpenTalkingPoints returns the talking points for boss not yet
	// raised, oldest first.
	OpenTalkingPoints(ctx context.Context, boss string) ([]Item, error)
	// MeetingsAhead returns the active meetings with boss that start at or
	// after from, earliest first: where the talking points go (PointsFor).
	MeetingsAhead(ctx context.Context, boss string, from time.Time) ([]meeting.Meeting, error)
	// OpenFeedback returns the feedback from boss not yet applied, oldest
	// first.
	OpenFeedback(ctx context.Context, boss string) ([]Item, error)
}

// CarryOver gathers what the meeting m brings forward, as of now.
//
// "Closed since" reaches back to the previous meeting with the boss still
// on the calendar (PreviousMeeting), or ClosedLookback before now when there
// was none: what was done before a meeting that took place could be
// reported there.
//
// "Last time" is the meeting LastTime picks.
func CarryOver(ctx context.Context, r Reader, m meeting.Meeting, now time.Time) (Carryover, error) {
	var c Carryover
	var err error
	if c.Open, err = r.OpenActions(ctx, m.Boss); err != nil {
		return c, err
	}
	if c.OpenFeedback, err = r.OpenFeedback(ctx, m.Boss); err != nil {
		return c, err
	}
	since := now.Add(-ClosedLookback)
	prev, ok, err := r.PreviousMeeting(ctx, m.Boss, m.Event.Start)
	if err != nil {
		return c, err
	}
	if ok {
		since = prev.Event.Start
	}
	last, ok, err := LastTime(ctx, r, m)
	if err != nil {
		return c, err
	}
	if ok {
		c.Last = last
		for _, k := range []struct {
			kind Kind
			to   *[]Item
		}{{Decision, &c.LastDecisions}, {Feedback, &c.LastFeedback}, {Note, &c.LastNotes}} {
			if *k.to, err = r.MeetingItems(ctx, last.Key, k.kind); err != nil {
				return c, err
			}
		}
		c.LastFeedback = Without(c.LastFeedback, c.OpenFeedback)
	}
	if c.ClosedSince, err = r.ClosedActionsSince(ctx, m.Boss, since); err != nil {
		return c, err
	}
	if c.TalkingPoints, err = PointsFor(ctx, r, m, now); err != nil {
		return c, err
	}
	return c, nil
}

// LastTime returns the meeting whose log the brief of m carries as "last
// time", and false if there is none. It is the latest meeting with the boss
// before m that has a log (see Reader.LastLogged), so that a meeting
// cancelled, declined or not replied to in between does not hide what was
// decided before it:
//
//   - for a 1:1, the last 1:1 with a log: a group meeting's log does not
//     stand in for the previous 1:1's, which is the conversation a 1:1
//     continues. Only when no earlier 1:1 has a log (the first 1:1 since
//     leadup started) does it fall back to the last meeting of any kind;
//     the brief names that meeting, so it reads as what it was;
//   - for a group meeting, the last meeting of any kind with a log: what
//     was last agreed with the boss, wherever it was, is what the group
//     builds on.
func LastTime(ctx context.Context, r Reader, m meeting.Meeting) (meeting.Meeting, bool, error) {
	if m.OneOnOne {
		last, ok, err := r.LastLogged(ctx, m.Boss, m.Event.Start, true)
		if err != nil || ok {
			return last, ok, err
		}
	}
	return r.LastLogged(ctx, m.Boss, m.Event.Start, false)
}

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

// Without returns the items of items that are not in drop (by row, or by
// number when a row is unknown), in order: last time's feedback without
// the feedback still open, which the brief shows on its own.
func Without(items, drop []Item) []Item {
	if len(items) == 0 || len(drop) == 0 {
		return items
	}
	out := make([]Item, 0, len(items))
	for _, it := range items {
		if !slices.ContainsFunc(drop, func(d Item) bool { return sameItem(it, d) }) {
			out = append(out, it)
		}
	}
	return out
}

// sameItem reports whether a and b are one item of the log.
func sameItem(a, b Item) bool {
	if a.Row != 0 && b.Row != 0 {
		return a.Row == b.Row
	}
	return a.ID != 0 && a.ID == b.ID
}
