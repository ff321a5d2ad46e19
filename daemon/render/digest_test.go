package render

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// texts returns the texts of items, for comparison.
func texts(items []meetinglog.Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Text)
	}
	return out
}

func TestStatusUpdateRule(t *testing.T) {
	now := fixedNow(t)
	day := 24 * time.Hour
	b := DigestBoss{
		Boss: sampleBoss(),
		Open: []meetinglog.Item{
			{ID: 1, Owner: "me", Text: "on track", Created: now.Add(-day), Due: now.Add(day)},
			{ID: 2, Owner: "me", Text: "no date", Created: now.Add(-2 * day)},
			{ID: 3, Owner: "Dana Whitfield", Text: "hers, by name", Created: now.Add(-3 * day)},
			{ID: 4, Owner: "boss", Text: "hers, blocked on legal", Created: now.Add(-3 * day)},
			{ID: 5, Owner: "me", Text: "Blocked: no staging environment", Created: now.Add(-day)},
			{ID: 6, Owner: "Priya", Text: "review, waiting for the vendor", Created: now.Add(-day), Due: now.Add(-2 * day)},
			{ID: 7, Owner: "me", Text: "late", Created: now.Add(-9 * day), Due: now.Add(-day)},
			{ID: 8, Owner: "me", Text: "Get the deploy unblocked", Created: now.Add(-day)},
			{ID: 9, Owner: "me", Text: "Migration on hold until Q2", Created: now.Add(-day)},
			{ID: 10, Owner: "me", Text: "due today", Created: now.Add(-day), Due: now},
		},
		Closed: []meetinglog.Item{
			{ID: 11, Owner: "me", Text: "mine, done", Created: now.Add(-9 * day), Done: now.Add(-day)},
			{ID: 12, Owner: "boss", Text: "hers, done", Created: now.Add(-9 * day), Done: now.Add(-day)},
			{ID: 13, Owner: "Priya", Text: "Priya's, done", Created: now.Add(-9 * day), Done: now.Add(-2 * day)},
		},
	}
	b.Open = prepItems(b.Open, b.Boss, now.Location(), byDue)
	b.Closed = prepItems(b.Closed, b.Boss, now.Location(), byDone)
	u := statusUpdate(now, b)
	for _, c := range []struct {
		name string
		got  []meetinglog.Item
		want string
	}{
		{"Done", u.Done, "Priya's, done|mine, done"},
		{"Needed", u.Needed, "hers, by name|hers, blocked on legal"},
		{"Blocked", u.Blocked, "review, waiting for the vendor|Blocked: no staging environment|Migration on hold until Q2"},
		{"Late", u.Late, "late"},
		{"InProgress", u.InProgress, "due today|on track|no date|Get the deploy unblocked"},
	} {
		if got := strings.Join(texts(c.got), "|"); got != c.want {
			t.Errorf("%s = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestStatusUpdateBottomLine(t *testing.T) {
	it := []meetinglog.Item{{Text: "x"}}
	two := []meetinglog.Item{{Text: "x"}, {Text: "y"}}
	tests := []struct {
		u    StatusUpdate
		want string
	}{
		{StatusUpdate{}, "Quick update for the week: nothing open between us, and nothing blocked."},
		{StatusUpdate{Done: two}, "Quick update for the week: 2 done and nothing blocked."},
		{StatusUpdate{Done: it, InProgress: two}, "Quick update for the week: 1 done, 2 in progress and nothing blocked."},
		{StatusUpdate{Needed: it}, "Quick update for the week: 1 thing I need from you (below)."},
		{StatusUpdate{Needed: two, Blocked: it, Late: it, InProgress: it},
			"Quick update for the week: 2 things I need from you and 2 items blocked or at risk (below); 1 in progress."},
		{StatusUpdate{Late: it, Done: it}, "Quick update for the week: 1 item blocked or at risk (below); 1 done."},
	}
	for _, tt := range tests {
		if got := tt.u.BottomLine(); got != tt.want {
			t.Errorf("BottomLine() = %q\nwant           %q", got, tt.want)
		}
	}
}

func TestDigestSections(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	oneBoss := SampleDigest(now)
	oneBoss.Bosses = oneBoss.Bosses[:1]
	oneBoss.Meetings = oneBoss.Meetings[:2]
	onlyTheirs := emptyDigest(SampleDigest(now))
	onlyTheirs.Bosses[0].Open = SampleDigest(now).Bosses[0].Open[1:2]
	noFeedback := SampleDigest(now)
	noFeedback.Bosses[0].Feedback = nil
	tests := []struct {
		name    string
		data    DigestData
		present []string // in this order
		absent  []string
	}{
		{"full", SampleDigest(now), []string{"Your week with Dana and Sam, Fri 20 Nov to Fri 27 Nov.", "NEXT WEEK", "WITH DANA",
			"Open, overdue first:\n- [12] ", "(you, 3 days overdue)", "Done this week:", "Decided this week:",
			"STATUS UPDATE FOR DANA", "Ordered as Dana asked: risks first and at most 3 items a part (feedback [13] ",
			`reply "applied 13"`, "Hi Dana,", "Blocked or at risk:\n- ", "Need from you:\n- ", "Done:\n- ", "In progress:\n- ",
			"Next week:\n- Our 1:1, Tue 1 Dec", "WITH SAM", "Nothing open, done or decided with Sam this week.",
			"STATUS UPDATE FOR SAM", "Hi Sam,", "nothing open between us, and nothing blocked.", "Next week:\n- Our 1:1, Thu 3 Dec",
			"leadup items done 12"},
			[]string{"Intro me to Jordan in finance\n"}},
		{"no feedback about updates", noFeedback, []string{"STATUS UPDATE FOR DANA", "Hi Dana,", "Done:\n- ", "In progress:\n- ",
			"Blocked or at risk:\n- ", "Need from you:\n- ", "Next week:"}, []string{"Ordered as", "Bottom line:", "more\n"}},
		{"one boss", oneBoss, []string{"Your week with Dana, ", "2 meetings next week", "STATUS UPDATE FOR DANA"}, []string{"Sam"}},
		{"late", func() DigestData { d := SampleDigest(now); d.Late = true; d.Now = d.Due.Add(20 * time.Hour); return d }(),
			[]string{"This digest is late: it was due Fri 27 Nov 16:00."}, nil},
		{"quiet", emptyDigest(SampleDigest(now)), []string{"A quiet week: nothing logged, nothing open, no meetings ahead.",
			"No meetings with Dana and Sam on your calendar.", "Nothing is logged with Dana this week",
			"Next week: no meeting with you on the calendar yet."},
			[]string{"Done:", "In progress:", "Happy to go into detail", "- \n"}},
		{"only what Dana owes", onlyTheirs, []string{"Better still: say by when you need it from Dana.",
			"1 thing I need from you (below).", "Done: nothing finished this week.", "In progress: nothing else open.",
			"Blocked or at risk: nothing.", "Need from you:\n- Approve the contractor budget"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Digest(tt.data)
			if err != nil {
				t.Fatalf("Digest() = %v", err)
			}
			inOrder(t, got.Text, tt.present)
			for _, s := range tt.absent {
				if strings.Contains(got.Text, s) {
					t.Errorf("text has %q:\n%s", s, got.Text)
				}
			}
			// Never an empty bullet, never a rule line a mail client could
			// take for a signature.
			if regexp.MustCompile(`(?m)^-\s*$`).MatchString(got.Text) || strings.Contains(got.HTML, "<li></li>") ||
				regexp.MustCompile(`<ul[^>]*>\s*</ul>`).MatchString(got.HTML) {
				t.Errorf("an empty list item or list:\n%s", got.Text)
			}
			if m := ruleLine(got.Text); m != "" {
				t.Errorf("text has a rule line %q", m)
			}
		})
	}
}

func TestDigestSubject(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	late := SampleDigest(now)
	late.Late = true
	tests := []struct {
		data DigestData
		want string
	}{
		{SampleDigest(now), "Your week to Fri 27 Nov: 3 done, 5 open (1 overdue), 2 decisions, 3 meetings next week"},
		{late, "[late] Your week to Fri 27 Nov: 3 done, 5 open (1 overdue), 2 decisions, 3 meetings next week"},
		{emptyDigest(SampleDigest(now)), "Your week to Fri 27 Nov: a quiet one"},
	}
	for _, tt := range tests {
		got, err := r.Digest(tt.data)
		if err != nil || got.Subject != tt.want {
			t.Errorf("Digest() subject = %q, %v; want %q", got.Subject, err, tt.want)
		}
	}
}

func TestDigestUntrustedAndSelfContained(t *testing.T) {
	r := newRenderer(t)
	d := SampleDigest(fixedNow(t))
	d.Bosses[0].Open[0].Text = "<script>alert('x')</script>\x07 ring\u202e"
	d.Bosses[0].Decisions[0].Text = `<img src="https://tracker.example/p.gif">`
	d.Meetings[1].Meeting.Title = "Plan\r\nBcc: victim@example.com"
	got, err := r.Digest(d)
	if err != nil {
		t.Fatalf("Digest() = %v", err)
	}
	for _, bad := range []string{"<script", "<img", "tracker.example/p.gif\"", "@import", "<link", "url(", "Bcc: victim@example.com\n"} {
		if strings.Contains(got.HTML, bad) {
			t.Errorf("HTML has %q", bad)
		}
	}
	if strings.Contains(got.Text, "\nBcc:") {
		t.Error("a title broke a line of the text part")
	}
	for _, part := range []struct{ name, s string }{{"text", got.Text}, {"HTML", got.HTML}} {
		for _, r := range part.s {
			if r != '\n' && isControl(r) {
				t.Errorf("%s has control character %U", part.name, r)
			}
		}
	}
	for _, want := range []string{"max-width:600px", `name="viewport"`, "display:none"} {
		if !strings.Contains(got.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(got.HTML, "href=") {
		t.Error("the digest links to something: it has nothing to link to")
	}
}

func TestDigestOverride(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "digest.subject.tmpl", `Week to {{day .Due}}: {{.BossNames}}`)
	writeFile(t, dir, "mine.txt.tmpl", `{{define "status-update"}}Dear {{first .Boss.Name}}: {{.U.BottomLine}}`+"\n"+`{{end}}`)
	r, err := New(dir)
	if err != nil {
		t.Fatalf("New(%s) = %v", dir, err)
	}
	got, err := r.Digest(SampleDigest(fixedNow(t)))
	if err != nil {
		t.Fatalf("Digest() = %v", err)
	}
	if got.Subject != "Week to Fri 27 Nov: Dana and Sam" {
		t.Errorf("subject = %q, want the user's", got.Subject)
	}
	if !strings.Contains(got.Text, "Dear Dana: Quick update") || strings.Contains(got.Text, "Hi Dana,") {
		t.Errorf("text does not use the user's status-update block:\n%s", got.Text)
	}

	broken := t.TempDir()
	writeFile(t, broken, "digest.txt.tmpl", `{{range .Bosses}}{{.Update.Nothing}}{{end}}`)
	if _, err := New(broken); err == nil || !strings.Contains(err.Error(), "Nothing") {
		t.Errorf("New(digest template with a wrong field) = %v, want an error at start-up", err)
	}
}

func writeFile(t *testing.T, dir, name, src string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
}
