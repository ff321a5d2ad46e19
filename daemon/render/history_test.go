package render

import (
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// TestBriefLastTime renders the "last time" section in its shapes: it says
// when the meeting was, names it when it is not this meeting's series, and
// shows its notes, even alone.
func TestBriefLastTime(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	day := 24 * time.Hour
	note := meetinglog.Item{Kind: meetinglog.Note, Text: "Board review moved to the 30th", Created: now.Add(-13 * day)}
	tests := []struct {
		name      string
		edit      func(d *BriefData)
		text      []string // lines of the text part
		html      []string // fragments of the HTML part
		textNot   []string
		htmlNotIn []string
	}{
		{"same series", func(d *BriefData) {},
			[]string{"LAST TIME (Tue 17 Nov, 6 days ago)", "Decided:", "Feedback:", "Notes:"},
			[]string{">Last time</h2>", "Tue 17 Nov, 6 days ago</span></p>", ">Notes</p>"},
			[]string{"Weekly sync, "}, nil},
		{"another meeting, two weeks ago", func(d *BriefData) {
			d.LastMeeting, d.LastTitle = time.Date(2026, time.November, 9, 10, 0, 0, 0, time.UTC), "Budget sync"
		}, []string{"LAST TIME (Budget sync, Mon 9 Nov, 2 weeks ago)"},
			[]string{`>Budget sync · <span style="white-space:nowrap;">Mon 9 Nov, 2 weeks ago</span></p>`}, nil, nil},
		{"notes alone", func(d *BriefData) {
			d.LastDecisions, d.LastFeedback, d.LastNotes = nil, nil, []meetinglog.Item{note}
		}, []string{"LAST TIME (Tue 17 Nov, 6 days ago)", "Notes:", "- Board review moved to the 30th"},
			[]string{">Notes</p>", "<li style=\"margin:0 0 6px 0;\">Board review moved to the 30th</li>"},
			[]string{"Decided:", "Feedback:"}, []string{">Decided</p>"}},
		{"a title on two lines, hostile", func(d *BriefData) {
			d.LastTitle = "Budget\nSUBJECT: <b>sync</b>"
		}, []string{"LAST TIME (Budget SUBJECT: <b>sync</b>, Tue 17 Nov, 6 days ago)"},
			[]string{"Budget SUBJECT: &lt;b&gt;sync&lt;/b&gt; · "}, nil, []string{"<b>sync</b>"}},
		{"no date", func(d *BriefData) { d.LastMeeting, d.LastTitle = time.Time{}, "" },
			[]string{"LAST TIME", "Decided:"}, []string{">Last time</h2>"}, []string{"LAST TIME ("}, []string{"ago</span></p>"}},
		{"nothing logged", func(d *BriefData) { d.LastDecisions, d.LastFeedback, d.LastNotes = nil, nil, nil },
			nil, nil, []string{"LAST TIME"}, []string{">Last time</h2>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := SampleBrief(now)
			tt.edit(&d)
			got, err := r.Brief(d)
			if err != nil {
				t.Fatalf("Brief() = %v", err)
			}
			lines := strings.Split(got.Text, "\n")
			for _, want := range tt.text {
				found := false
				for _, l := range lines {
					found = found || l == want
				}
				if !found {
					t.Errorf("the text has no line %q:\n%s", want, got.Text)
				}
			}
			for _, bad := range tt.textNot {
				if strings.Contains(got.Text, bad) {
					t.Errorf("the text has %q:\n%s", bad, got.Text)
				}
			}
			for _, want := range tt.html {
				if !strings.Contains(got.HTML, want) {
					t.Errorf("the HTML lacks %q", want)
				}
			}
			for _, bad := range tt.htmlNotIn {
				if strings.Contains(got.HTML, bad) {
					t.Errorf("the HTML has %q", bad)
				}
			}
		})
	}
}
