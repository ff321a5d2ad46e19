package render

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the golden files need Europe/Berlin and America/New_York everywhere

	"github.com/leadup/leadup/daemon/meetinglog"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden/")

// fixedNow is the time of the golden files: Monday 23 November 2026, 08:00
// in Berlin; the sample boss is in New York.
func fixedNow(t testing.TB) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("LoadLocation() = %v", err)
	}
	return time.Date(2026, time.November, 23, 8, 0, 0, 0, loc)
}

func newRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := New("")
	if err != nil {
		t.Fatalf("New(\"\") = %v", err)
	}
	return r
}

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("create %s: %v", filepath.Dir(path), err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("write %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file: %v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run go test -update to accept):\n%s", path, firstDiff(string(want), got))
	}
}

// firstDiff shows the first line where want and got differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, w, g)
		}
	}
	return "(no line differs)"
}

func TestGolden(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	late := SampleBrief(now)
	late.Late = true
	late.Now = late.Meeting.Start.Add(-20 * time.Minute)
	group := SampleBrief(now)
	group.Meeting.Title = "Billing migration: go/no-go"
	group.Meeting.OneOnOne = false
	group.Meeting.BossDeclined = true
	group.Meeting.Others = []Person{{Name: "Priya Nair"}, {Name: "Tom Berg"}, {Email: "ops-lead@example.com"}}
	cancelled := SampleNotice(now)
	cancelled.Change = ChangeCancelled
	cancelled.Meeting.Start, cancelled.Meeting.End = cancelled.OldStart, cancelled.OldStart.Add(30*time.Minute)

	tests := []struct {
		name   string
		render func() (Rendered, error)
	}{
		{"brief", func() (Rendered, error) { return r.Brief(SampleBrief(now)) }},
		{"brief-empty", func() (Rendered, error) { return r.Brief(emptyBrief(SampleBrief(now))) }},
		{"brief-late", func() (Rendered, error) { return r.Brief(late) }},
		{"brief-group-declined", func() (Rendered, error) { return r.Brief(group) }},
		{"followup", func() (Rendered, error) { return r.Followup(SampleFollowup(now)) }},
		{"notice", func() (Rendered, error) { return r.Notice(SampleNotice(now)) }},
		{"notice-cancelled", func() (Rendered, error) { return r.Notice(cancelled) }},
		{"confirm", func() (Rendered, error) { return r.Confirm(SampleConfirm(now)) }},
		{"correction", func() (Rendered, error) { return r.Confirm(SampleCorrection(now)) }},
		{"digest", func() (Rendered, error) { return r.Digest(SampleDigest(now)) }},
		{"digest-empty", func() (Rendered, error) { return r.Digest(emptyDigest(SampleDigest(now))) }},
		{"catchup", func() (Rendered, error) { return r.Catchup(SampleCatchup(now)) }},
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

func TestBriefSections(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	sections := []string{"YOUR OPENING", "THE MEETING", "From the invitation:", "Attached:", "FOLLOW-THROUGH", "Yours:",
		"Dana's:", "Others:", "Done since last time", "LAST TIME", "Decided:", "Feedback:", "TALKING POINTS",
		"HOW DANA LIKES TO WORK", "Priorities:", "Style:"}
	tests := []struct {
		name    string
		data    BriefData
		present []string // in this order
		absent  []string
	}{
		{"full", SampleBrief(now), sections, nil},
		{"empty", emptyBrief(SampleBrief(now)), []string{"YOUR OPENING", "THE MEETING"}, sections[2:]},
		{"only theirs", func() BriefData {
			d := emptyBrief(SampleBrief(now))
			d.OpenItems = owned("boss", sampleOpen(now))
			return d
		}(), []string{"FOLLOW-THROUGH", "Dana's:"}, []string{"Yours:", "Others:", "Done since last time", "LAST TIME"}},
		{"feedback only", func() BriefData {
			d := emptyBrief(SampleBrief(now))
			d.LastFeedback = SampleBrief(now).LastFeedback
			return d
		}(), []string{"LAST TIME", "Feedback:"}, []string{"(Tue", "Decided:", "FOLLOW-THROUGH"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Brief(tt.data)
			if err != nil {
				t.Fatalf("Brief() = %v", err)
			}
			inOrder(t, got.Text, tt.present)
			for _, s := range tt.absent {
				if strings.Contains(got.Text, s) {
					t.Errorf("text has %q, want the section left out:\n%s", s, got.Text)
				}
			}
		})
	}
}

func TestBriefOpenItemsOldestFirst(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	d := emptyBrief(SampleBrief(now))
	d.OpenItems = []meetinglog.Item{
		{ID: 3, Owner: "me", Text: "third", Created: now.Add(-1 * time.Hour)},
		{ID: 1, Owner: "Dana Whitfield", Text: "theirs", Created: now.Add(-48 * time.Hour)},
		{ID: 2, Owner: "ME", Text: "first", Created: now.Add(-72 * time.Hour), Due: now.Add(-24 * time.Hour)},
	}
	got, err := r.Brief(d)
	if err != nil {
		t.Fatalf("Brief() = %v", err)
	}
	want := "Yours:\n- first (open 3 days, 1 day overdue)\n- third (new today)\n\nDana's:\n- theirs (open 2 days)\n"
	if !strings.Contains(got.Text, want) {
		t.Errorf("Brief() text lacks\n%s\ngot:\n%s", want, got.Text)
	}
}

// ruleLine returns the first line of s that mail clients may take for the
// start of a signature or of quoted text: three or more of one of -_*=~ and
// nothing else but spaces.
func ruleLine(s string) string {
	for line := range strings.SplitSeq(s, "\n") {
		t := strings.ReplaceAll(strings.TrimSpace(line), " ", "")
		if len(t) >= 3 && strings.ContainsRune("-_*=~", rune(t[0])) && strings.Count(t, t[:1]) == len(t) {
			return line
		}
	}
	return ""
}

func TestFollowupHasNoRules(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	f := SampleFollowup(now)
	f.Meeting.Title = "----------"
	f.OpenItems = append(f.OpenItems, meetinglog.Item{ID: 99, Owner: "me", Text: "___", Created: now})
	noItems := SampleFollowup(now)
	noItems.OpenItems = nil
	tests := []struct {
		name string
		data FollowupData
	}{
		{"sample", SampleFollowup(now)},
		{"no open items", noItems},
		{"hostile texts", f},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Followup(tt.data)
			if err != nil {
				t.Fatalf("Followup() = %v", err)
			}
			if m := ruleLine(got.Text); m != "" {
				t.Errorf("text has a rule line %q:\n%s", m, got.Text)
			}
			for _, bad := range []string{"<hr", "border-top", "border-bottom"} {
				if strings.Contains(strings.ToLower(got.HTML), bad) {
					t.Errorf("HTML has %q", bad)
				}
			}
			for _, h := range []string{"\nDecisions:\n", "\nAction items:\n", "\nFeedback:\n", "\nNext time:\n"} {
				if !strings.Contains(got.Text, h) {
					t.Errorf("text lacks %q", h)
				}
			}
			for line := range strings.Lines(got.Text) {
				if isPlaceholderLine(line) {
					t.Errorf("text has an empty bullet %q to delete:\n%s", line, got.Text)
				}
			}
			if n := strings.Count(got.Text, "Reply above this line"); n != 1 || !strings.HasPrefix(got.Text, "Reply above this line") {
				t.Errorf("text says \"Reply above this line\" %d times, want once, on top:\n%s", n, got.Text)
			}
		})
	}
	got, _ := r.Followup(SampleFollowup(now))
	if !strings.Contains(got.Text, `reply "done 12" to close one`) || !strings.Contains(got.Text, "- [12] ") {
		t.Errorf("follow-up does not list items with ids:\n%s", got.Text)
	}
}

// isPlaceholderLine reports a line with a bullet and nothing else.
func isPlaceholderLine(line string) bool {
	switch strings.TrimSpace(line) {
	case "-", "–", "—", "•", "*", "·":
		return true
	}
	return false
}

func TestUntrustedStrings(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	d := SampleBrief(now)
	d.Meeting.Title = "Sync\r\nBcc: victim@example.com <b>bold</b>\x1b[31m"
	d.Meeting.ConferenceURL = "javascript:alert(1)"
	d.Meeting.CalendarURL = "data:text/html,<script>alert(1)</script>"
	d.Meeting.Place = "<img src=x onerror=alert(1)>"
	d.Meeting.Attachments = []Attachment{{Title: "evil", URL: "javascript:alert(2)"}}
	d.OpenItems[0].Text = "<script>alert('x')</script>\x07 ring\u202e reversed"
	d.Boss.Style = "line one\r\nline two\x00"
	d.Meeting.OneOnOne = false

	got, err := r.Brief(d)
	if err != nil {
		t.Fatalf("Brief() = %v", err)
	}
	if strings.ContainsAny(got.Subject, "\r\n") {
		t.Errorf("subject %q has a line break", got.Subject)
	}
	if want := "Prep: Sync Bcc: victim@example.com <b>bold</b>[31m with Dana, Tue 24 Nov 16:00"; got.Subject != want {
		t.Errorf("subject = %q, want %q", got.Subject, want)
	}
	for _, part := range []struct{ name, s string }{{"text", got.Text}, {"HTML", got.HTML}} {
		for _, r := range part.s {
			if r != '\n' && isControl(r) {
				t.Errorf("%s has control character %U", part.name, r)
			}
		}
	}
	for _, bad := range []string{"<script", "javascript:", "data:text", "<b>bold", "<img"} {
		if strings.Contains(got.HTML, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	if m := regexp.MustCompile(`<[^>]*\son\w+=`).FindString(got.HTML); m != "" {
		t.Errorf("HTML has an event handler: %q", m)
	}
	for _, bad := range []string{"javascript:", "data:text"} {
		if strings.Contains(got.Text, bad) {
			t.Errorf("text contains %q", bad)
		}
	}
	if !strings.Contains(got.HTML, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") {
		t.Errorf("HTML does not show the item's text escaped")
	}
	if !strings.Contains(got.Text, "- <script>alert('x')</script> ring reversed") {
		t.Errorf("text does not show the item's text as written:\n%s", got.Text)
	}
}

func TestOverrides(t *testing.T) {
	write := func(t *testing.T, files map[string]string) string {
		t.Helper()
		dir := t.TempDir()
		for name, src := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	now := fixedNow(t)
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string // a substring of New's error; "" for none
		check   func(t *testing.T, r *Renderer)
	}{
		{
			name:  "subject replaced",
			files: map[string]string{"brief.subject.tmpl": "Before {{first .Boss.Name}}: {{dayTime .Meeting.Start}}\n"},
			check: func(t *testing.T, r *Renderer) {
				got, err := r.Brief(SampleBrief(now))
				if err != nil || got.Subject != "Before Dana: Tue 24 Nov 16:00" {
					t.Errorf("Brief() = %q, %v; want the user's subject", got.Subject, err)
				}
			},
		},
		{
			name: "define replaced in both parts",
			files: map[string]string{
				"mine.txt.tmpl":  `{{define "item"}}* {{.Text}}` + "\n" + `{{end}}`,
				"mine.html.tmpl": `{{define "item"}}<li>ITEM {{.Text}}</li>{{end}}`,
			},
			check: func(t *testing.T, r *Renderer) {
				got, err := r.Brief(SampleBrief(now))
				if err != nil {
					t.Fatalf("Brief() = %v", err)
				}
				if !strings.Contains(got.Text, "\n* Send Dana the Q1 headcount plan draft\n") {
					t.Errorf("text does not use the user's item block:\n%s", got.Text)
				}
				if !strings.Contains(got.HTML, "<li>ITEM Send Dana") {
					t.Errorf("HTML does not use the user's item block")
				}
				if !strings.Contains(got.Text, "YOUR OPENING") {
					t.Errorf("the rest of the built-in brief is gone")
				}
			},
		},
		{
			name:    "syntax error names the file",
			files:   map[string]string{"followup.txt.tmpl": "Decisions:\n{{if .Boss}}\n"},
			wantErr: "followup.txt.tmpl",
		},
		{
			name:    "HTML syntax error names the file",
			files:   map[string]string{"notice.html.tmpl": "<p>{{.Change</p>"},
			wantErr: "notice.html.tmpl",
		},
		{
			name:    "missing field fails at start-up",
			files:   map[string]string{"brief.txt.tmpl": "{{.Meeting.Titel}}\n"},
			wantErr: "Titel",
		},
		{
			name:    "missing field in an optional section fails at start-up",
			files:   map[string]string{"notice.subject.tmpl": `{{if eq .Change "cancelled"}}{{.Boss.Nmae}}{{end}}`},
			wantErr: "Nmae",
		},
		{
			name:    "unknown function",
			files:   map[string]string{"brief.html.tmpl": "{{frobnicate .}}"},
			wantErr: "frobnicate",
		},
		{
			name:    "unknown kind of file",
			files:   map[string]string{"brief.tmpl": "x"},
			wantErr: "brief.tmpl",
		},
		{
			name:  "other files ignored",
			files: map[string]string{"README": "notes", "brief.subject.tmpl~": "{{"},
			check: func(t *testing.T, r *Renderer) {
				if _, err := r.Brief(SampleBrief(now)); err != nil {
					t.Errorf("Brief() = %v", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := write(t, tt.files)
			r, err := New(dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New(%s) = %v, want an error naming %q", dir, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%s) = %v", dir, err)
			}
			tt.check(t, r)
		})
	}
	if _, err := New(filepath.Join(t.TempDir(), "absent")); err == nil {
		t.Errorf("New(missing directory) succeeded")
	}
}

func TestNotice(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	base := SampleNotice(now)
	sameDay := base
	sameDay.Meeting.Start = base.OldStart.Add(90 * time.Minute)
	sameDay.Meeting.End = sameDay.Meeting.Start.Add(30 * time.Minute)
	noOld := base
	noOld.OldStart = time.Time{}
	other := base
	other.Change = "updated"
	untitled := base
	untitled.Meeting.Title = ""
	cancelledGroup := base
	cancelledGroup.Change, cancelledGroup.Meeting.Title, cancelledGroup.Meeting.OneOnOne = ChangeCancelled, "Q4 planning", false
	tests := []struct {
		name          string
		data          NoticeData
		subject       string
		firstSentence string
	}{
		{"moved", base, "Moved: Weekly sync (1:1 with Dana), now Wed 25 Nov 14:30",
			"Weekly sync (1:1 with Dana) moved from Tue 24 Nov 16:00 to Wed 25 Nov 14:30 (your brief had the old time)."},
		{"moved within the day", sameDay, "Moved: Weekly sync (1:1 with Dana), now Tue 24 Nov 17:30",
			"Weekly sync (1:1 with Dana) moved from 16:00 to 17:30 on Tue 24 Nov (your brief had the old time)."},
		{"moved, old time unknown", noOld, "Moved: Weekly sync (1:1 with Dana), now Wed 25 Nov 14:30",
			"Weekly sync (1:1 with Dana) moved to Wed 25 Nov 14:30 (your brief had the old time)."},
		{"other change", other, "Changed: Weekly sync (1:1 with Dana), Wed 25 Nov 14:30",
			"Weekly sync (1:1 with Dana) on Wed 25 Nov 14:30 has changed since your brief went out."},
		{"moved, untitled", untitled, "Moved: 1:1 with Dana, now Wed 25 Nov 14:30",
			"Your 1:1 with Dana moved from Tue 24 Nov 16:00 to Wed 25 Nov 14:30 (your brief had the old time)."},
		{"cancelled group", cancelledGroup, "Cancelled: Q4 planning with Dana, Wed 25 Nov 14:30",
			"Q4 planning with Dana on Wed 25 Nov 14:30 was cancelled."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Notice(tt.data)
			if err != nil {
				t.Fatalf("Notice() = %v", err)
			}
			if got.Subject != tt.subject {
				t.Errorf("subject = %q, want %q", got.Subject, tt.subject)
			}
			if !strings.HasPrefix(got.Text, tt.firstSentence) {
				t.Errorf("text = %q, want it to start %q", got.Text, tt.firstSentence)
			}
		})
	}
}

func TestConcurrentRenders(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	want, err := r.Brief(SampleBrief(now))
	if err != nil {
		t.Fatalf("Brief() = %v", err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 10 {
				got, err := r.Brief(SampleBrief(now))
				if err != nil || got != want {
					t.Errorf("concurrent Brief() differs or failed: %v", err)
					return
				}
				if _, err := r.Followup(SampleFollowup(now)); err != nil {
					t.Errorf("Followup() = %v", err)
				}
			}
		})
	}
	wg.Wait()
}

func TestHTMLShell(t *testing.T) {
	r := newRenderer(t)
	got, err := r.Brief(SampleBrief(fixedNow(t)))
	if err != nil {
		t.Fatalf("Brief() = %v", err)
	}
	for _, want := range []string{"max-width:600px", "width:100%", `name="viewport"`, "display:none", "You: 3 open, 1 overdue"} {
		if !strings.Contains(got.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "<img", "@import", "<link", "url("} {
		if strings.Contains(got.HTML, bad) {
			t.Errorf("HTML has %q", bad)
		}
	}
	// Every link is http, https or mailto.
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(got.HTML, -1) {
		if !regexp.MustCompile(`^(https?://|mailto:)`).MatchString(m[1]) {
			t.Errorf("link %q is not http, https or mailto", m[1])
		}
	}
}

// benchBrief is a heavy brief: 50 open items, a description, priorities,
// decisions, feedback and talking points.
func benchBrief(now time.Time) BriefData {
	d := SampleBrief(now)
	d.OpenItems = nil
	owners := []string{"me", "boss", "Priya Nair", "me"}
	for i := range 50 {
		it := meetinglog.Item{ID: int64(100 + i), Kind: meetinglog.Action, Owner: owners[i%len(owners)],
			Text:    fmt.Sprintf("Action item number %d: follow up on the vendor contract & the <migration> plan", i),
			Created: now.Add(-time.Duration(i*11) * time.Hour)}
		if i%3 == 0 {
			it.Due = now.Add(time.Duration(i-20) * 24 * time.Hour)
		}
		d.OpenItems = append(d.OpenItems, it)
	}
	return d
}

func BenchmarkRenderBrief50Items(b *testing.B) {
	r := newRenderer(b)
	d := benchBrief(fixedNow(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Brief(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(""); err != nil {
			b.Fatal(err)
		}
	}
}

// inOrder fails the test unless text contains each of want, in that order.
func inOrder(t *testing.T, text string, want []string) {
	t.Helper()
	at := 0
	for _, s := range want {
		i := strings.Index(text[at:], s)
		if i < 0 {
			t.Fatalf("text has no %q after offset %d:\n%s", s, at, text)
		}
		at += i + len(s)
	}
}
