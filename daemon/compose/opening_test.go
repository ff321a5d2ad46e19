package compose

import (
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/schedule"
)

// TestBriefOpeningRotates composes consecutive briefs with a boss through
// a real store: the opening names the overdue item and the decision
// needed, and its coaching prompt changes from one brief to the next,
// counted per boss.
func TestBriefOpeningRotates(t *testing.T) {
	day := 24 * time.Hour
	e := newNoticeEnv(t, func(e *noticeEnv) time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, e.loc) })
	at := func(d int) time.Time { return time.Date(2026, 11, 23+d, 10, 0, 0, 0, e.loc) }
	next := e.meeting("dana-next", "Dana Whitfield", "Dana / me", at(1), true)
	later := e.meeting("dana-later", "Dana Whitfield", "Dana / me", at(8), true)
	sams := e.meeting("sam-next", "Sam Okafor", "Skip-level", at(2), true)
	e.sync(t, next, later, sams)
	e.add(t, meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Action, Owner: "me",
		Text: "Send the headcount plan", Created: e.now.Add(-10 * day), Due: e.now.Add(-2 * day)})
	e.add(t, meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Point, Owner: "me",
		Text: "decision: one cut-over or two?", Created: e.now.Add(-day)})

	opening := func(j schedule.Job) (lines []string, prompt string) {
		t.Helper()
		_, r, err := e.c.Preview(e.ctx, j)
		if err != nil {
			t.Fatalf("Preview(brief for %s) = %v", j.Meeting.Key, err)
		}
		text := strings.ReplaceAll(r.Text, "\r\n", "\n")
		_, rest, ok := strings.Cut(text, "\nYOUR OPENING\n")
		if !ok {
			t.Fatalf("the brief has no opening:\n%s", text)
		}
		block, _, _ := strings.Cut(rest, "\n\n")
		lines = strings.Split(block, "\n")
		return lines[:len(lines)-1], lines[len(lines)-1]
	}
	first := schedule.BriefJob(next, day)
	lines, p0 := opening(first)
	checkText(t, "the opening", strings.Join(lines, "\n"), []string{
		"- Overdue: Send the headcount plan (was due Sat 21 Nov). New date: ________",
		"- The decision you need: one cut-over or two?",
	}, []string{"Results:", "Dana has"})
	if _, again := opening(first); again != p0 {
		t.Errorf("previewing the same brief twice gave %q, then %q", p0, again)
	}
	// Each brief sent moves the next one on: the 1-hour brief of the same
	// meeting, then the next meeting's.
	jobs := []schedule.Job{first, schedule.BriefJob(next, time.Hour), schedule.BriefJob(later, day)}
	prev := p0
	for i := 1; i < len(jobs); i++ {
		e.sent(t, jobs[i-1].Meeting, jobs[i-1].Lead)
		if _, p := opening(jobs[i]); p == prev {
			t.Errorf("brief %d with Dana has the prompt of the one before: %q", i+1, p)
		} else {
			prev = p
		}
	}
	e.sent(t, later, day)
	if n, err := e.st.BriefsSent(e.ctx, "Dana Whitfield"); err != nil || n != 3 {
		t.Errorf("BriefsSent(Dana) = %d, %v; want 3", n, err)
	}
	// Sam's count is his own: his first brief starts the rotation.
	sam := schedule.BriefJob(sams, time.Hour)
	d, err := e.c.briefData(e.ctx, sam, e.c.renderMeeting(sams, e.c.boss(sams)), e.c.boss(sams), e.now)
	if err != nil || d.BriefsSent != 0 {
		t.Errorf("briefData(Sam) = BriefsSent %d, %v; want 0", d.BriefsSent, err)
	}
}
