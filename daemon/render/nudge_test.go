package render

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// TestGoldenNudge covers the nudge's variants: the cadence outrun with
// nothing booked (the sample), two 1:1s in a row missed with the next one
// booked, and no meeting seen since leadup began watching, with nothing
// logged and a rhythm read off the calendar rather than agreed.
func TestGoldenNudge(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	quiet := SampleNudge(now)

	missed := SampleNudge(now)
	first, second := *missed.Last, *missed.Last
	first.Start, first.End = first.Start.AddDate(0, 0, 7), first.End.AddDate(0, 0, 7)
	second.Start, second.End = second.Start.AddDate(0, 0, 14), second.End.AddDate(0, 0, 14)
	next := second
	next.Start, next.End = next.Start.AddDate(0, 0, 9), next.End.AddDate(0, 0, 9)
	missed.Reason, missed.Next = NudgeCancelled, &next
	missed.Missed = []Missed{{Meeting: first, Why: "cancelled"}, {Meeting: second, Why: "declined by Dana"}}

	unseen := NudgeData{Now: quiet.Now, Location: quiet.Location, Boss: Boss{Name: "Sam Okafor", Email: "sam@example.com",
		OneOnOneEvery: 7 * 24 * time.Hour}, Reason: NudgeQuiet, Every: 7 * 24 * time.Hour,
		Since: quiet.Now.AddDate(0, 0, -10)}

	for _, tt := range []struct {
		name string
		d    NudgeData
	}{
		{"nudge", quiet},
		{"nudge-cancelled", missed},
		{"nudge-unseen", unseen},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Nudge(tt.d)
			if err != nil {
				t.Fatalf("Nudge() = %v", err)
			}
			golden(t, tt.name+".subject", got.Subject+"\n")
			golden(t, tt.name+".txt", got.Text)
			golden(t, tt.name+".html", got.HTML)
		})
	}
}

// TestNudgeAsk checks the draft asking for time: a mailto: link to the
// boss whose body, decoded, is the note the text part shows, and which
// names no more than the user chose to share.
func TestNudgeAsk(t *testing.T) {
	r := newRenderer(t)
	d := SampleNudge(fixedNow(t))
	got, err := r.Nudge(d)
	if err != nil {
		t.Fatalf("Nudge() = %v", err)
	}
	i := strings.Index(got.HTML, `href="mailto:dana@example.com?subject=Time%20to%20catch%20up%3F&amp;body=`)
	if i < 0 {
		t.Fatalf("no link asking Dana for time in:\n%s", got.HTML)
	}
	href := got.HTML[i+len(`href="`):]
	href = strings.ReplaceAll(href[:strings.IndexByte(href, '"')], "&amp;", "&")
	u, err := url.Parse(href)
	if err != nil {
		t.Fatalf("url.Parse(%q) = %v", href, err)
	}
	body := u.Query().Get("body")
	want := "Hi Dana,\r\n\r\nIt's been 3 weeks since we last met, and I'd like to keep you in the loop. " +
		"There are a few things I'd like your view on. Could we find 20 minutes this week?\r\n\r\nThanks,\r\nAlex\r\n"
	if body != want {
		t.Errorf("the note's body = %q, want %q", body, want)
	}
	if !strings.Contains(got.Text, strings.ReplaceAll(want, "\r\n", "\n")) {
		t.Errorf("the text part does not show the note:\n%s", got.Text)
	}
}

// TestNudgeHostileText: names and items come from the configuration and
// from email; a nudge escapes them in HTML and keeps them on one line.
func TestNudgeHostileText(t *testing.T) {
	r := newRenderer(t)
	d := SampleNudge(fixedNow(t))
	d.Boss.Name = "Dana <script>alert(1)</script>\nBcc: x@evil.example"
	d.Open = append(d.Open, meetinglog.Item{ID: 99, Kind: meetinglog.Action, Owner: "me",
		Text: `<img src=x onerror=alert(1)> "quoted" & more`, Created: d.Now.AddDate(0, 0, -2)})
	got, err := r.Nudge(d)
	if err != nil {
		t.Fatalf("Nudge() = %v", err)
	}
	for _, bad := range []string{"<script>", "<img src=x"} {
		if strings.Contains(got.HTML, bad) {
			t.Errorf("HTML has %q unescaped", bad)
		}
	}
	if strings.Contains(got.Subject, "\n") || strings.Contains(got.Subject, "Bcc:") && strings.Contains(got.Subject, "\r") {
		t.Errorf("subject %q spans lines", got.Subject)
	}
}

func TestFollowRecordSentence(t *testing.T) {
	ft := func(due, onTime, late, open int) meetinglog.FollowThrough {
		return meetinglog.FollowThrough{Due: due, OnTime: onTime, Late: late, Open: open}
	}
	for _, tt := range []struct {
		name       string
		this, last meetinglog.FollowThrough
		want       string
	}{
		{"both months", ft(5, 4, 0, 1), ft(4, 2, 2, 0),
			"In December so far you closed 4 of 5 commitments on time (1 overdue); in November, 2 of 4."},
		{"late and overdue", ft(3, 1, 1, 1), ft(0, 0, 0, 0),
			"In December so far you closed 1 of 3 commitments on time (1 late and 1 overdue)."},
		{"all on time", ft(1, 1, 0, 0), ft(0, 0, 0, 0),
			"In December so far you closed 1 of 1 commitment on time."},
		{"only last month", ft(0, 0, 0, 0), ft(2, 2, 0, 0),
			"Nothing has fallen due in December yet; in November you closed 2 of 2 commitments on time."},
		{"nothing", ft(0, 0, 0, 0), ft(0, 0, 0, 0), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := FollowRecord{This: tt.this, Last: tt.last, ThisMonth: time.December, LastMonth: time.November}
			if got := r.Sentence(); got != tt.want {
				t.Errorf("Sentence() = %q, want %q", got, tt.want)
			}
		})
	}
}

// BenchmarkRenderNudge renders the sample nudge: subject, text and HTML,
// with its status update rendered a second time as the body of its link.
func BenchmarkRenderNudge(b *testing.B) {
	r := newRenderer(b)
	d := SampleNudge(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	for b.Loop() {
		if _, err := r.Nudge(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderDigest renders the sample digest, two bosses.
func BenchmarkRenderDigest(b *testing.B) {
	r := newRenderer(b)
	d := SampleDigest(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	for b.Loop() {
		if _, err := r.Digest(d); err != nil {
			b.Fatal(err)
		}
	}
}
