package render

import (
	"html"
	"net/url"
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
		{"Done", u.Done, "mine, done"},
		{"Needed", u.Needed, "hers, by name|hers, blocked on legal"},
		{"Blocked", u.Blocked, "Blocked: no staging environment|Migration on hold until Q2"},
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
		{StatusUpdate{}, "Quick update for the week."},
		{StatusUpdate{Done: two}, "Quick update for the week: 2 done."},
		{StatusUpdate{Done: it, InProgress: two}, "Quick update for the week: 1 done and 2 in progress."},
		{StatusUpdate{Decisions: it}, "Quick update for the week: 1 decision to confirm."},
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
	noFeedback.Bosses[0].Boss.Style = ""
	unsigned := SampleDigest(now)
	unsigned.Me = ""
	tests := []struct {
		name    string
		data    DigestData
		present []string // in this order
		absent  []string
	}{
		{"full", SampleDigest(now), []string{"Your week with Dana and Sam, Fri 20 Nov to Fri 27 Nov.", "NEXT WEEK", "WITH DANA",
			"Open, overdue first:\n- [12] ", "(you, 3 days overdue)", "Done this week:", "Decided this week:",
			"STATUS UPDATE FOR DANA", "Before you send it: fill in the new date of what is late",
			"Ordered as Dana asked: risks first, a bottom line on top and at most 3 items a part (feedback [13] ",
			"; Dana's style in your configuration: “Headline first; numbers over adjectives.”)", `reply "applied 13"`,
			">> The update, to send Dana at dana@example.com with the subject “Update for the week to Fri 27 Nov”:\n\nHi Dana,\n\nBottom line: ",
			"Blocked or at risk:\n- ", "(was due Tue 24 Nov; new date: ____)", "Need from you:\n- ",
			"Confirming: keep the March deadline; drop invoice export from the first cut.\nConfirming: move the EU cut-over to two weeknight windows.",
			"Done:\n- ", "In progress:\n- ", "Next week:\n- Our 1:1, Tue 1 Dec", "Happy to go into detail on any of it.\n\nThanks,\nAlex\n\n<< End of the update.",
			"WITH SAM", "Nothing open, done or decided with Sam this week.",
			"STATUS UPDATE FOR SAM", "Hi Sam,", "Quick update for the week.", "Next week:\n- Our 1:1, Thu 3 Dec",
			"leadup items done 12"},
			[]string{"Intro me to Jordan in finance\n", "Priya Nair, due Thu 3 Dec", "Ready to send", "Better still", "nothing blocked"}},
		{"no feedback about updates", noFeedback, []string{"STATUS UPDATE FOR DANA", "Hi Dana,", "Done:\n- ", "In progress:\n- ",
			"Blocked or at risk:\n- ", "Need from you:\n- ", "Confirming: ", "Next week:"}, []string{"Ordered as", "Bottom line:", "more\n"}},
		{"unsigned", unsigned, []string{"Happy to go into detail on any of it.\n\n<< End of the update."}, []string{"Thanks,", "Alex"}},
		{"one boss", oneBoss, []string{"Your week with Dana, ", "2 meetings next week", "STATUS UPDATE FOR DANA"}, []string{"Sam"}},
		{"late", func() DigestData { d := SampleDigest(now); d.Late = true; d.Now = d.Due.Add(20 * time.Hour); return d }(),
			[]string{"This digest is late: it was due Fri 27 Nov 16:00."}, nil},
		{"quiet", emptyDigest(SampleDigest(now)), []string{"A quiet week: nothing logged, nothing open, no meetings ahead.",
			"No meetings with Dana and Sam on your calendar.", "Nothing is logged with Dana this week"},
			[]string{"Done:", "In progress:", "Happy to go into detail", "- \n", "Next week:", "nothing blocked", "nothing finished"}},
		{"only what Dana owes", onlyTheirs, []string{"Before you send it: add by when you need it from Dana.",
			"1 thing I need from you (below).", "Need from you:\n- Approve the contractor budget"},
			[]string{"Done:", "In progress:", "Blocked or at risk:", "Confirming:", "nothing blocked", "nothing finished", "nothing else open", "nothing.", "Nothing to fill in"}},
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
	if hrefs := regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(got.HTML, -1); len(hrefs) != 2 {
		t.Errorf("the digest has %d links, want one Send link per boss", len(hrefs))
	} else {
		for _, h := range hrefs {
			if !strings.HasPrefix(h[1], "mailto:") || strings.ContainsAny(h[1], "<> \"'") {
				t.Errorf("link %q: want only a percent-encoded mailto: URL", h[1])
			}
		}
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

// TestGoldenDigest pins the status update under different bosses: no
// asks, risks first from feedback, bottom line first from the configured
// style, and a late item waiting for its new date.
func TestGoldenDigest(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	dana := func(feedback []meetinglog.Item, style string) DigestData {
		d := SampleDigest(now)
		d.Bosses, d.Meetings = d.Bosses[:1], d.Meetings[:2]
		d.Bosses[0].Feedback, d.Bosses[0].Boss.Style = feedback, style
		return d
	}
	late := dana(nil, "")
	late.Bosses[0].Open = late.Bosses[0].Open[:1]
	late.Bosses[0].Closed, late.Bosses[0].Decisions = nil, nil
	tests := []struct {
		name string
		data DigestData
	}{
		{"digest-default", dana(nil, "")},
		{"digest-risks-first", dana([]meetinglog.Item{{ID: 13, Kind: meetinglog.Feedback, Owner: "boss",
			Text: "Lead with the risks, please", Created: now.Add(-240 * time.Hour)}}, "")},
		{"digest-bottom-line", dana(nil, "Bottom line first.\nNumbers over adjectives.")},
		{"digest-late-item", late},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Digest(tt.data)
			if err != nil {
				t.Fatalf("Digest() = %v", err)
			}
			golden(t, tt.name+".txt", got.Text)
			golden(t, tt.name+".html", got.HTML)
		})
	}
}

// updateOf returns the status update to send boss (a first name) from the
// text part of a digest: what lies between the two marked lines.
func updateOf(t *testing.T, text, boss string) string {
	t.Helper()
	start := strings.Index(text, ">> The update, to send "+boss)
	if start < 0 {
		t.Fatalf("no update for %s in:\n%s", boss, text)
	}
	rest := text[start:]
	rest = rest[strings.Index(rest, ":\n\n")+3:]
	end := strings.Index(rest, "\n<< End of the update.")
	if end < 0 {
		t.Fatalf("the update for %s does not end:\n%s", boss, text)
	}
	return strings.TrimSpace(rest[:end])
}

func TestStatusUpdateLeavesEmptyPartsOut(t *testing.T) {
	r := newRenderer(t)
	d := SampleDigest(fixedNow(t))
	d.Bosses = d.Bosses[:1]
	b := &d.Bosses[0]
	b.Open, b.Decisions, b.Feedback, b.Boss.Style = nil, nil, nil, ""
	if parts := statusUpdate(d.Now, DigestBoss{Closed: prepItems(b.Closed, b.Boss, time.UTC, byDone)}).Parts(); len(parts) != 1 || parts[0].Kind != "done" {
		t.Errorf("Parts() of an update with only done items = %+v, want the done part alone", parts)
	}
	got, err := r.Digest(d)
	if err != nil {
		t.Fatalf("Digest() = %v", err)
	}
	u := updateOf(t, got.Text, "Dana")
	if !strings.Contains(u, "Done:\n- ") || !strings.Contains(u, "Quick update for the week: 2 done.") {
		t.Errorf("update lacks what was done:\n%s", u)
	}
	for _, s := range []string{"In progress", "Blocked", "at risk", "Need from you", "Confirming", "nothing", "Nothing"} {
		if strings.Contains(u, s) {
			t.Errorf("update has %q, an empty part:\n%s", s, u)
		}
	}
	if !strings.Contains(got.Text, "Nothing to fill in: it can go as written.") {
		t.Errorf("no word that the update can go as written:\n%s", got.Text)
	}
}

func TestStatusUpdateBossItemsOnlyUnderNeed(t *testing.T) {
	r := newRenderer(t)
	d := SampleDigest(fixedNow(t))
	b := &d.Bosses[0]
	b.Open = append(b.Open, meetinglog.Item{ID: 30, Kind: meetinglog.Action, Owner: "Dana Whitfield",
		Text: "Sign off the vendor contract, blocked on legal", Created: d.Due.Add(-48 * time.Hour), Due: d.Due.Add(-24 * time.Hour)})
	got, err := r.Digest(d)
	if err != nil {
		t.Fatalf("Digest() = %v", err)
	}
	u := updateOf(t, got.Text, "Dana")
	need := strings.Index(u, "Need from you:\n")
	if need < 0 {
		t.Fatalf("no Need from you part:\n%s", u)
	}
	part := u[need:]
	if i := strings.Index(part, "\n\n"); i >= 0 {
		part = part[:i]
	}
	for _, s := range []string{"Approve the contractor budget", "Sign off the vendor contract"} {
		if strings.Count(u, s) != 1 || !strings.Contains(part, s) {
			t.Errorf("%q is not once, under Need from you:\n%s", s, u)
		}
	}
	// The boss's own done item and others' items are not the user's to report.
	for _, s := range []string{"Intro me to Jordan", "Security review", "Priya"} {
		if strings.Contains(u, s) {
			t.Errorf("update has %q, not the user's:\n%s", s, u)
		}
	}
	// No word to the user inside the update.
	for _, s := range []string{"Ready to send", "Better still", "Before you send", "leadup", "applied", "Ordered as"} {
		if strings.Contains(u, s) {
			t.Errorf("update has %q, meant for the user:\n%s", s, u)
		}
	}
}

// sendHref returns the decoded href of the "Send to" link for boss.
func sendHref(t *testing.T, page, boss string) *url.URL {
	t.Helper()
	m := regexp.MustCompile(`<a href="([^"]*)"[^>]*>Send to ` + boss + `</a>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no Send to %s link in:\n%s", boss, page)
	}
	if strings.Contains(m[1], "ZgotmplZ") || strings.Contains(m[1], "+") || strings.Contains(m[1], " ") {
		t.Errorf("Send link %q: escaped wrong", m[1])
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatalf("url.Parse(%q) = %v", m[1], err)
	}
	return u
}

func TestStatusUpdateSendLink(t *testing.T) {
	r := newRenderer(t)
	d := SampleDigest(fixedNow(t))
	d.Bosses[0].Open[2].Text = "Runbook & rollback plan: 50% done = on track? #ops + a+b"
	got, err := r.Digest(d)
	if err != nil {
		t.Fatalf("Digest() = %v", err)
	}
	u := sendHref(t, got.HTML, "Dana")
	q := u.Query()
	if u.Scheme != "mailto" || u.Opaque != "dana@example.com" {
		t.Errorf("Send link goes to %s:%s, want mailto:dana@example.com", u.Scheme, u.Opaque)
	}
	if s := q.Get("subject"); s != "Update for the week to Fri 27 Nov" {
		t.Errorf("subject = %q", s)
	}
	want := strings.ReplaceAll(updateOf(t, got.Text, "Dana"), "\n", "\r\n")
	if body := q.Get("body"); body != want {
		t.Errorf("body =\n%q\nwant the update as the text part has it:\n%q", body, want)
	}
	if !strings.Contains(q.Get("body"), "Runbook & rollback plan: 50% done = on track? #ops + a+b") {
		t.Errorf("body lost characters: %q", q.Get("body"))
	}
	if strings.Contains(got.HTML, "paste the update") {
		t.Error("a short update asks to be pasted")
	}
}

func TestStatusUpdateSendLinkCap(t *testing.T) {
	long := strings.Repeat("Moved another slice of accounts to the new billing system. ", 40)
	if link, paste := sendLink("dana@example.com", "Update", long); !paste || strings.Contains(string(link), "body=") ||
		string(link) != "mailto:dana@example.com?subject=Update" {
		t.Errorf("sendLink(long body) = %q, %v; want the subject alone and paste", link, paste)
	}
	if link, paste := sendLink("dana@example.com", "Update", "Hi Dana,\nAll well."); paste || len(link) > MaxMailto ||
		string(link) != "mailto:dana@example.com?subject=Update&body=Hi%20Dana%2C%0D%0AAll%20well." {
		t.Errorf("sendLink(short body) = %q, %v", link, paste)
	}
	// Right at the cap the body still fits; a byte over, it does not.
	head := len("mailto:dana@example.com?subject=Update&body=")
	if _, paste := sendLink("dana@example.com", "Update", strings.Repeat("a", MaxMailto-head)); paste {
		t.Error("a link of MaxMailto characters left the body out")
	}
	if _, paste := sendLink("dana@example.com", "Update", strings.Repeat("a", MaxMailto-head+1)); !paste {
		t.Error("a link over MaxMailto characters kept the body")
	}

	r := newRenderer(t)
	d := SampleDigest(fixedNow(t))
	b := &d.Bosses[0]
	b.Feedback, b.Boss.Style = nil, ""
	for i := range 30 {
		b.Closed = append(b.Closed, meetinglog.Item{ID: int64(40 + i), Kind: meetinglog.Action, Owner: "me",
			Text: "Moved another slice of EU accounts to the new billing system", Created: d.Due.Add(-72 * time.Hour), Done: d.Due.Add(-time.Hour)})
	}
	got, err := r.Digest(d)
	if err != nil {
		t.Fatalf("Digest() = %v", err)
	}
	u := sendHref(t, got.HTML, "Dana")
	if u.Query().Has("body") || u.Query().Get("subject") != "Update for the week to Fri 27 Nov" || u.Opaque != "dana@example.com" {
		t.Errorf("Send link of a long update = %s, want the address and subject only", u)
	}
	if !strings.Contains(got.HTML, "paste the update") {
		t.Error("a long update does not say to paste it")
	}
	if sam := sendHref(t, got.HTML, "Sam"); !sam.Query().Has("body") {
		t.Error("Sam's short update lost its body to Dana's long one")
	}
}
