package meetinglog_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
)

// reader is a log with one earlier meeting, or none.
type reader struct {
	prev   *meeting.Meeting
	closed time.Time // the since ClosedActionsSince was asked for
}

func (r *reader) OpenActions(context.Context, string) ([]meetinglog.Item, error) {
	return []meetinglog.Item{{ID: 1, Kind: meetinglog.Action, Text: "open"}}, nil
}

func (r *reader) PreviousMeeting(context.Context, string, time.Time) (meeting.Meeting, bool, error) {
	if r.prev == nil {
		return meeting.Meeting{}, false, nil
	}
	return *r.prev, true, nil
}

func (r *reader) MeetingItems(_ context.Context, key string, kind meetinglog.Kind) ([]meetinglog.Item, error) {
	return []meetinglog.Item{{ID: 2, MeetingKey: key, Kind: kind, Text: string(kind)}}, nil
}

func (r *reader) ClosedActionsSince(_ context.Context, _ string, since time.Time) ([]meetinglog.Item, error) {
	r.closed = since
	return nil, nil
}

func (r *reader) OpenTalkingPoints(context.Context, string) ([]meetinglog.Item, error) {
	return []meetinglog.Item{{ID: 3, Kind: meetinglog.Point, Text: "raise it"}}, nil
}

func TestCarryOver(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	m := meeting.Meeting{Key: "cal/next", Boss: "Dana", Event: calendar.Event{Start: now.Add(time.Hour), End: now.Add(2 * time.Hour)}}
	prev := meeting.Meeting{Key: "cal/prev", Boss: "Dana", Event: calendar.Event{Start: now.Add(-7 * 24 * time.Hour)}}

	r := &reader{prev: &prev}
	c, err := meetinglog.CarryOver(context.Background(), r, m, now)
	if err != nil {
		t.Fatalf("CarryOver() = %v", err)
	}
	if !c.LastMeeting.Equal(prev.Event.Start) || !r.closed.Equal(prev.Event.Start) {
		t.Errorf("CarryOver() last meeting %v, closed since %v; want both %v", c.LastMeeting, r.closed, prev.Event.Start)
	}
	if len(c.LastDecisions) != 1 || c.LastDecisions[0].Kind != meetinglog.Decision || c.LastDecisions[0].MeetingKey != prev.Key ||
		len(c.LastFeedback) != 1 || c.LastFeedback[0].Kind != meetinglog.Feedback {
		t.Errorf("CarryOver() decisions %+v, feedback %+v; want the previous meeting's", c.LastDecisions, c.LastFeedback)
	}
	if len(c.Open) != 1 || len(c.TalkingPoints) != 1 {
		t.Errorf("CarryOver() open %+v, points %+v; want one each", c.Open, c.TalkingPoints)
	}

	r = &reader{}
	if c, err = meetinglog.CarryOver(context.Background(), r, m, now); err != nil {
		t.Fatalf("CarryOver() with no earlier meeting = %v", err)
	}
	if !c.LastMeeting.IsZero() || c.LastDecisions != nil || !r.closed.Equal(now.Add(-meetinglog.ClosedLookback)) {
		t.Errorf("CarryOver() with no earlier meeting: last %v, decisions %+v, closed since %v; want none, none, %v",
			c.LastMeeting, c.LastDecisions, r.closed, now.Add(-meetinglog.ClosedLookback))
	}
}

func TestAhead(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	items := func() []meetinglog.Item {
		return []meetinglog.Item{{Kind: meetinglog.Note}, {Kind: meetinglog.Action}, {Kind: meetinglog.Decision}}
	}
	kinds := func(items []meetinglog.Item) []meetinglog.Kind {
		var out []meetinglog.Kind
		for _, it := range items {
			out = append(out, it.Kind)
		}
		return out
	}
	ahead := meeting.Meeting{Event: calendar.Event{Start: now.Add(time.Hour), End: now.Add(2 * time.Hour)}}
	if got, want := kinds(meetinglog.Ahead(items(), ahead, now)), []meetinglog.Kind{meetinglog.Point, meetinglog.Action, meetinglog.Decision}; !slices.Equal(got, want) {
		t.Errorf("Ahead(meeting ahead) = %v, want %v", got, want)
	}
	past := meeting.Meeting{Event: calendar.Event{Start: now.Add(-2 * time.Hour), End: now.Add(-time.Hour)}}
	if got, want := kinds(meetinglog.Ahead(items(), past, now)), []meetinglog.Kind{meetinglog.Note, meetinglog.Action, meetinglog.Decision}; !slices.Equal(got, want) {
		t.Errorf("Ahead(meeting past) = %v, want %v", got, want)
	}
}

func TestKindNoun(t *testing.T) {
	for k, want := range map[meetinglog.Kind]string{meetinglog.Action: "action item", meetinglog.Point: "talking point", meetinglog.Decision: "decision"} {
		if got := k.Noun(); got != want {
			t.Errorf("%q.Noun() = %q, want %q", k, got, want)
		}
	}
}
