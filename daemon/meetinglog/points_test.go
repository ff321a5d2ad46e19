package meetinglog_test

import (
	"slices"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
)

// TestRoutePoints: a talking point goes to the next 1:1 by default; a group
// meeting gets only the points addressed to it, by a tag naming its title,
// by its title in their text, or by a reply to its brief; an addressed
// point whose meeting is gone goes back to the 1:1s.
func TestRoutePoints(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	at := func(key, title string, oneOnOne bool, start time.Time) meeting.Meeting {
		return meeting.Meeting{Key: key, Boss: "Dana", OneOnOne: oneOnOne,
			Event: calendar.Event{Title: title, Start: start, End: start.Add(time.Hour)}}
	}
	oneOnOne := at("cal/1on1", "Dana / Sam", true, now.Add(2*day))
	review := at("cal/review", "Roadmap Review", false, now.Add(day))
	allHands := at("cal/allhands", "All hands", false, now.Add(3*day))
	ahead := []meeting.Meeting{review, oneOnOne, allHands}
	point := func(id int64, text, key string) meetinglog.Item {
		return meetinglog.Item{ID: id, Kind: meetinglog.Point, Text: text, MeetingKey: key, Created: now.Add(-day)}
	}
	points := []meetinglog.Item{
		point(1, "Hiring plan", ""),
		point(2, "[roadmap review] Q3 scope", ""),
		point(3, "push back on the roadmap review scope", ""),
		point(4, "[offsite] venue", ""),                            // no such meeting: the 1:1s
		point(5, "ask about the all hands agenda", "cal/allhands"), // a reply to its brief
		point(6, "the budget council numbers", "cal/past"),         // its meeting is gone
		point(7, "[review roadmap] wrong order", ""),
		point(8, "promotion timeline", "cal/1on1"), // a reply to the 1:1's brief
	}
	ids := func(items []meetinglog.Item) []int64 {
		var out []int64
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name  string
		m     meeting.Meeting
		ahead []meeting.Meeting
		want  []int64
	}{
		{"1:1 gets the rest", oneOnOne, ahead, []int64{1, 4, 6, 7, 8}},
		{"group gets its addressed points", review, ahead, []int64{2, 3}},
		{"group by a reply to its brief", allHands, ahead, []int64{5}},
		{"group with no 1:1 ahead gets the rest too", allHands, []meeting.Meeting{review, allHands}, []int64{1, 4, 5, 6, 7, 8}},
		{"follow-up of a group meeting, once over", review, []meeting.Meeting{oneOnOne, allHands}, []int64{2, 3}},
		// The tag names its words in order; the text, the whole title.
		{"the next review once this one is over", at("cal/review2", "Q3 Roadmap Review – Platform", false, now.Add(8*day)),
			[]meeting.Meeting{oneOnOne, allHands, at("cal/review2", "Q3 Roadmap Review – Platform", false, now.Add(8*day))}, []int64{2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(meetinglog.RoutePoints(points, tt.m, tt.ahead)); !slices.Equal(got, tt.want) {
				t.Errorf("RoutePoints(%s) = %v, want %v", tt.m.Event.Title, got, tt.want)
			}
		})
	}
	// With the review gone, its points go back to the 1:1.
	if got := ids(meetinglog.RoutePoints(points, oneOnOne, []meeting.Meeting{oneOnOne, allHands})); !slices.Equal(got, []int64{1, 2, 3, 4, 6, 7, 8}) {
		t.Errorf("RoutePoints(1:1, no review ahead) = %v, want the review's points back", got)
	}
}

func TestPointTag(t *testing.T) {
	for _, tt := range []struct{ text, tag, rest string }{
		{"[roadmap review] Q3 scope", "roadmap review", "Q3 scope"},
		{"  [Board] numbers", "Board", "numbers"},
		{"[12] not a tag", "", "[12] not a tag"},
		{"no tag", "", "no tag"},
		{"[unclosed tag", "", "[unclosed tag"},
	} {
		if tag, rest := meetinglog.PointTag(tt.text); tag != tt.tag || rest != tt.rest {
			t.Errorf("PointTag(%q) = %q, %q; want %q, %q", tt.text, tag, rest, tt.tag, tt.rest)
		}
	}
}
