package render

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// TestGoldenProfile renders the brief with a boss profile and the notices
// with what they now lead to, against golden files.
func TestGoldenProfile(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	noNext := SampleCancelled(now)
	noNext.Next = nil
	later := SampleNotice(now)
	later.BriefDue, later.BriefLead = later.Meeting.Start.Add(-24*time.Hour), 24*time.Hour
	tests := []struct {
		name   string
		render func() (Rendered, error)
	}{
		{"brief-profile", func() (Rendered, error) { return r.Brief(withSampleProfile(SampleBrief(now))) }},
		{"notice-cancelled-next", func() (Rendered, error) { return r.Notice(SampleCancelled(now)) }},
		{"notice-cancelled-no-next", func() (Rendered, error) { return r.Notice(noNext) }},
		{"notice-moved-brief-later", func() (Rendered, error) { return r.Notice(later) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.render()
			if err != nil {
				t.Fatalf("render = %v", err)
			}
			golden(t, tt.name+".subject", got.Subject+"\n")
			golden(t, tt.name+".txt", got.Text)
			golden(t, tt.name+".html", got.HTML)
		})
	}
}

func TestCadence(t *testing.T) {
	day := 24 * time.Hour
	for _, tt := range []struct {
		every time.Duration
		want  string
	}{
		{0, ""}, {day, "every day"}, {7 * day, "every week"}, {14 * day, "every 2 weeks"},
		{10 * day, "every 10 days"}, {30 * day, "every 30 days"}, {28 * day, "every 4 weeks"},
	} {
		if got := (Boss{OneOnOneEvery: tt.every}).Cadence(); got != tt.want {
			t.Errorf("Boss{OneOnOneEvery: %v}.Cadence() = %q, want %q", tt.every, got, tt.want)
		}
	}
}

// TestBriefAbout checks the "About" block: only the keys set, and the
// cadence line only when the last 1:1 is longer ago than agreed.
func TestBriefAbout(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	day := 24 * time.Hour
	const cadence = "Your last 1:1 was 3 weeks ago; you agreed on every 2 weeks."
	full := withSampleProfile(SampleBrief(now))
	recent := full
	recent.LastOneOnOne = now.Add(-13 * day)
	onTheDay := full
	onTheDay.LastOneOnOne = now.Add(-14 * day)
	unknown := full
	unknown.LastOneOnOne = time.Time{}
	noCadence := full
	noCadence.Boss.OneOnOneEvery = 0
	only := SampleBrief(now)
	only.Boss.Stakeholders = []string{"Priya Nair"}
	tests := []struct {
		name      string
		data      BriefData
		want, not []string
	}{
		{"full", full, []string{"ABOUT DANA\n", "Listens to: Priya Nair (VP Finance) and Tom Berg (Head of SRE)\n",
			"Autonomy agreed: I decide on hiring and tooling within budget; scope and dates go to Dana first.\n",
			"Updates agreed: A written update every Friday;", cadence,
			"Learned from the log, what Dana asked for or valued:\n- Hiring decisions within the approved budget are mine (decided Fri 30 Oct)\n- Liked the one-page risk summary",
			"How you work best, to offer Dana: Deep work in the mornings"}, []string{"Stand-ups move to 9:30"}},
		{"1:1 within the cadence", recent, []string{"ABOUT DANA"}, []string{"Your last 1:1"}},
		{"1:1 on the day the cadence ends", onTheDay, []string{"ABOUT DANA"}, []string{"Your last 1:1"}},
		{"no 1:1 stored", unknown, []string{"ABOUT DANA"}, []string{"Your last 1:1"}},
		{"no cadence agreed", noCadence, []string{"ABOUT DANA"}, []string{"Your last 1:1"}},
		{"stakeholders only", only, []string{"ABOUT DANA\nListens to: Priya Nair\n\nTHE MEETING"},
			[]string{"Autonomy", "Updates", "Learned", "work best"}},
		{"nothing set", SampleBrief(now), nil, []string{"ABOUT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Brief(tt.data)
			if err != nil {
				t.Fatalf("Brief() = %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got.Text, w) {
					t.Errorf("Brief() text lacks %q:\n%s", w, got.Text)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got.Text, n) {
					t.Errorf("Brief() text has %q:\n%s", n, got.Text)
				}
			}
			if about, meeting := strings.Index(got.Text, "ABOUT"), strings.Index(got.Text, "THE MEETING"); about > meeting {
				t.Errorf("the About block comes after THE MEETING")
			}
			if strings.Contains(got.Text, "ABOUT") != strings.Contains(got.HTML, "About Dana") {
				t.Errorf("text and HTML disagree on the About block")
			}
		})
	}
}

func TestUrgentItems(t *testing.T) {
	now := fixedNow(t)
	day := 24 * time.Hour
	boss := Boss{Name: "Dana Whitfield"}
	next := now.Add(4 * day)
	open := []meetinglog.Item{
		{ID: 1, Kind: meetinglog.Action, Owner: "me", Text: "overdue", Due: now.Add(-2 * day)},
		{ID: 2, Kind: meetinglog.Action, Owner: "", Text: "due before the next meeting", Due: now.Add(2 * day)},
		{ID: 3, Kind: meetinglog.Action, Owner: "me", Text: "due after it", Due: now.Add(6 * day)},
		{ID: 4, Kind: meetinglog.Action, Owner: "me", Text: "no due date"},
		{ID: 5, Kind: meetinglog.Action, Owner: "Dana", Text: "the boss's, overdue", Due: now.Add(-2 * day)},
		{ID: 6, Kind: meetinglog.Action, Owner: "Priya", Text: "someone else's", Due: now.Add(-2 * day)},
	}
	points := []meetinglog.Item{
		{ID: 7, Kind: meetinglog.Point, Text: "Decision needed: one cut-over or two?"},
		{ID: 8, Kind: meetinglog.Point, Text: "Can we decide on the offsite date"},
		{ID: 9, Kind: meetinglog.Point, Text: "Approve the contractor budget"},
		{ID: 10, Kind: meetinglog.Point, Text: "How did the board meeting go?"},
	}
	var ids []int64
	for _, it := range UrgentItems(now, next, boss, open, points) {
		ids = append(ids, it.ID)
	}
	if want := []int64{1, 2, 7, 8, 9}; !slices.Equal(ids, want) {
		t.Errorf("UrgentItems() = %v, want %v", ids, want)
	}
}
