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

// reader is a log with one earlier meeting, or none, and the last meetings
// with a log: the last 1:1 and the last of any kind.
type reader struct {
	prev     *meeting.Meeting
	last1on1 *meeting.Meeting
	lastAny  *meeting.Meeting
	closed   time.Time // the since ClosedActionsSince was asked for
	// feedback is the open feedback, from any meeting.
	feedback []meetinglog.Item
}

func (r *reader) OpenActions(context.Context, string) ([]meetinglog.Item, error) {
	return []meetinglog.Item{{ID: 1, Kind: meetinglog.Action, Text: "open"}}, nil
}

func found(m *meeting.Meeting) (meeting.Meeting, bool, error) {
	if m == nil {
		return meeting.Meeting{}, false, nil
	}
	return *m, true, nil
}

func (r *reader) PreviousMeeting(context.Context, string, time.Time) (meeting.Meeting, bool, error) {
	return found(r.prev)
}

func (r *reader) LastLogged(_ context.Context, _ string, _ time.Time, oneOnOne bool) (meeting.Meeting, bool, error) {
	if oneOnOne {
		return found(r.last1on1)
	}
	return found(r.lastAny)
}

func (r *reader) MeetingItems(_ context.Context, key string, kind meetinglog.Kind) ([]meetinglog.Item, error) {
	return []meetinglog.Item{{ID: 2, MeetingKey: key, Kind: kind, Text: string(kind)}}, nil
}

func (r *reader) ClosedActionsSince(_ context.Context, _ string, since time.Time) ([]meetinglog.Item, error) {
	r.closed = since
	return nil, nil
}

func (r *reader) OpenFeedback(context.Context, string) ([]meetinglog.Item, error) {
	return r.feedback, nil
}

func (r *reader) MeetingsAhead(context.Context, string, time.Time) ([]meeting.Meeting, error) {
	return nil, nil
}

func (r *reader) OpenTalkingPoints(context.Context, string) ([]meetinglog.Item, error) {
	return []meetinglog.Item{{ID: 3, Kind: meetinglog.Point, Text: "raise it"}}, nil
}

func TestCarryOver(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	m := meeting.Meeting{Key: "cal/next", Boss: "Dana", OneOnOne: true, Event: calendar.Event{Start: now.Add(time.Hour), End: now.Add(2 * time.Hour)}}
	prev := meeting.Meeting{Key: "cal/prev", Boss: "Dana", Event: calendar.Event{Start: now.Add(-7 * day)}}
	logged := meeting.Meeting{Key: "cal/logged", Boss: "Dana", OneOnOne: true, Event: calendar.Event{Title: "Budget sync", Start: now.Add(-14 * day)}}

	r := &reader{prev: &prev, last1on1: &logged, lastAny: &prev}
	c, err := meetinglog.CarryOver(context.Background(), r, m, now)
	if err != nil {
		t.Fatalf("CarryOver() = %v", err)
	}
	if c.Last.Key != logged.Key || !r.closed.Equal(prev.Event.Start) {
		t.Errorf("CarryOver() last time from %q, closed since %v; want %q and the previous meeting's start %v",
			c.Last.Key, r.closed, logged.Key, prev.Event.Start)
	}
	for _, got := range []struct {
		kind  meetinglog.Kind
		items []meetinglog.Item
	}{{meetinglog.Decision, c.LastDecisions}, {meetinglog.Feedback, c.LastFeedback}, {meetinglog.Note, c.LastNotes}} {
		if len(got.items) != 1 || got.items[0].Kind != got.kind || got.items[0].MeetingKey != logged.Key {
			t.Errorf("CarryOver() %s items %+v; want those of %s", got.kind, got.items, logged.Key)
		}
	}
	if len(c.Open) != 1 || len(c.TalkingPoints) != 1 {
		t.Errorf("CarryOver() open %+v, points %+v; want one each", c.Open, c.TalkingPoints)
	}

	r = &reader{}
	if c, err = meetinglog.CarryOver(context.Background(), r, m, now); err != nil {
		t.Fatalf("CarryOver() with no earlier meeting = %v", err)
	}
	if c.Last.Key != "" || c.LastDecisions != nil || c.LastNotes != nil || !r.closed.Equal(now.Add(-meetinglog.ClosedLookback)) {
		t.Errorf("CarryOver() with no earlier meeting: last %q, decisions %+v, notes %+v, closed since %v; want none, none, none, %v",
			c.Last.Key, c.LastDecisions, c.LastNotes, r.closed, now.Add(-meetinglog.ClosedLookback))
	}
}

// TestCarryOverFeedback: open feedback from any meeting is carried over
// until applied, and last time's feedback leaves out what is still open,
// so that no feedback shows twice.
func TestCarryOverFeedback(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	m := meeting.Meeting{Key: "cal/next", Boss: "Dana", OneOnOne: true, Event: calendar.Event{Start: now.Add(time.Hour), End: now.Add(2 * time.Hour)}}
	logged := meeting.Meeting{Key: "cal/logged", Boss: "Dana", OneOnOne: true, Event: calendar.Event{Start: now.Add(-24 * time.Hour)}}
	old := meetinglog.Item{ID: 4, Row: 40, MeetingKey: "cal/older", Kind: meetinglog.Feedback, Text: "Lead with the risks"}
	// MeetingItems gives last time's feedback the number 2: open too.
	last := meetinglog.Item{ID: 2, MeetingKey: logged.Key, Kind: meetinglog.Feedback, Text: "feedback"}
	r := &reader{last1on1: &logged, feedback: []meetinglog.Item{old, last}}
	c, err := meetinglog.CarryOver(context.Background(), r, m, now)
	if err != nil {
		t.Fatalf("CarryOver() = %v", err)
	}
	if len(c.OpenFeedback) != 2 || c.OpenFeedback[0].ID != 4 || c.OpenFeedback[1].ID != 2 {
		t.Errorf("CarryOver() open feedback %+v; want 4 and 2", c.OpenFeedback)
	}
	if len(c.LastFeedback) != 0 {
		t.Errorf("CarryOver() last feedback %+v; want none: it is open, and shown as such", c.LastFeedback)
	}
	r.feedback = []meetinglog.Item{old}
	if c, err = meetinglog.CarryOver(context.Background(), r, m, now); err != nil {
		t.Fatalf("CarryOver() = %v", err)
	}
	if len(c.LastFeedback) != 1 || c.LastFeedback[0].ID != 2 {
		t.Errorf("CarryOver() last feedback %+v; want 2, applied since", c.LastFeedback)
	}
}

func TestWithout(t *testing.T) {
	a := meetinglog.Item{ID: 1, Row: 10}
	b := meetinglog.Item{ID: 2, Row: 20}
	c := meetinglog.Item{ID: 3} // no row: by number
	got := meetinglog.Without([]meetinglog.Item{a, b, c}, []meetinglog.Item{{ID: 99, Row: 20}, {ID: 3}})
	if len(got) != 1 || got[0].ID != 1 {
		t.Errorf("Without() = %+v, want item 1 alone", got)
	}
	if got := meetinglog.Without([]meetinglog.Item{{}}, []meetinglog.Item{{}}); len(got) != 1 {
		t.Errorf("Without(unnumbered) = %+v: an item with neither row nor number is never dropped", got)
	}
}

// TestLastTime: a 1:1 continues the last 1:1 with a log, and only without
// one the last meeting of any kind; a group meeting continues the last
// meeting of any kind.
func TestLastTime(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	oneOnOne := &meeting.Meeting{Key: "cal/1on1", OneOnOne: true}
	group := &meeting.Meeting{Key: "cal/group"}
	tests := []struct {
		name     string
		oneOnOne bool
		last1on1 *meeting.Meeting
		lastAny  *meeting.Meeting
		want     string
	}{
		{"1:1 after a logged group meeting", true, oneOnOne, group, oneOnOne.Key},
		{"1:1 with no logged 1:1", true, nil, group, group.Key},
		{"group meeting after a logged 1:1", false, oneOnOne, group, group.Key},
		{"group meeting, the 1:1 logged last", false, oneOnOne, oneOnOne, oneOnOne.Key},
		{"nothing logged", true, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := meeting.Meeting{Key: "cal/next", Boss: "Dana", OneOnOne: tt.oneOnOne, Event: calendar.Event{Start: now}}
			got, ok, err := meetinglog.LastTime(context.Background(), &reader{last1on1: tt.last1on1, lastAny: tt.lastAny}, m)
			if err != nil || got.Key != tt.want || ok != (tt.want != "") {
				t.Errorf("LastTime() = %q, %t, %v; want %q", got.Key, ok, err, tt.want)
			}
		})
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
