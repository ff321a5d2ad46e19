package render

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leadup/leadup/daemon/calendar"
)

// hiddenRunes are the characters an invitation may use to make text read
// differently from what it is, or to start a header field.
const hiddenRunes = "\r\n\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff"

// TestHostileInvite renders briefs for invitations an outsider could send:
// the event is sanitised as the tracker does, then rendered again raw, as a
// meeting stored before sanitising would be.
func TestHostileInvite(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	encoded := "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte("\u202eCRLF\r\nBcc: x@evil")) + "?="
	tests := []struct {
		name  string
		title string
		check func(t *testing.T, got Rendered)
	}{
		{"encoded-word title", encoded, func(t *testing.T, got Rendered) {
			if !strings.Contains(got.Subject, "CRLF Bcc: x@evil") || strings.Contains(got.Subject, "=?") {
				t.Errorf("subject = %q, want the title decoded onto one line", got.Subject)
			}
		}},
		{"10,000-character title", strings.Repeat("A", 10000), func(t *testing.T, got Rendered) {
			long := strings.Repeat("A", calendar.MaxTextRunes)
			if strings.Contains(got.Text, long) || strings.Contains(got.HTML, long) {
				t.Errorf("a title of more than %d characters is shown whole", calendar.MaxTextRunes)
			}
			if !strings.Contains(got.Text, strings.Repeat("A", calendar.MaxTextRunes-1)+"…") {
				t.Errorf("text does not show the title cut at %d characters", calendar.MaxTextRunes)
			}
			if len(got.Text) > 8000 {
				t.Errorf("text is %d bytes", len(got.Text))
			}
		}},
	}
	for _, tt := range tests {
		for _, sanitised := range []bool{true, false} {
			name := tt.name + "/raw"
			if sanitised {
				name = tt.name + "/sanitised"
			}
			t.Run(name, func(t *testing.T) {
				d := SampleBrief(now)
				d.Meeting.OneOnOne = false
				d.Meeting.Title = tt.title
				d.Meeting.Place = "Room 4\u202e\r\nBcc: y@evil"
				d.Meeting.Others = []Person{{Name: "Eve\u2067" + strings.Repeat("e", 5000), Email: "eve@example.com"}}
				if sanitised {
					ev := calendar.Sanitize(calendar.Event{Title: d.Meeting.Title, Location: d.Meeting.Place,
						Attendees: []calendar.Attendee{{Name: d.Meeting.Others[0].Name, Email: d.Meeting.Others[0].Email}}})
					d.Meeting.Title, d.Meeting.Place, d.Meeting.Others[0].Name = ev.Title, ev.Location, ev.Attendees[0].Name
				}
				got, err := r.Brief(d)
				if err != nil {
					t.Fatalf("Brief() = %v", err)
				}
				if strings.ContainsAny(got.Subject, hiddenRunes) {
					t.Errorf("subject %q has a line break or hidden character", got.Subject)
				}
				if n := utf8.RuneCountInString(got.Subject); n > 200 {
					t.Errorf("subject has %d characters", n)
				}
				for _, part := range []struct{ name, s string }{{"text", got.Text}, {"HTML", got.HTML}} {
					if i := strings.IndexAny(part.s, hiddenRunes[2:]); i >= 0 {
						t.Errorf("%s has hidden character %U", part.name, []rune(part.s[i:])[0])
					}
					if strings.Contains(part.s, strings.Repeat("e", calendar.MaxTextRunes)) {
						t.Errorf("%s shows a guest's name of more than %d characters", part.name, calendar.MaxTextRunes)
					}
					for _, line := range strings.Split(part.s, "\n") {
						if strings.HasPrefix(strings.TrimSpace(line), "Bcc:") {
							t.Errorf("%s has a line starting %q", part.name, line)
						}
					}
				}
				tt.check(t, got)
			})
		}
	}
}

func TestJoinOnlyKnownVideoHosts(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	for _, tt := range []struct {
		url  string
		join bool
	}{
		{"https://meet.google.com/abc-defg-hij", true},
		{"https://us02web.zoom.us/j/123?pwd=x", true},
		{"https://teams.microsoft.com/l/meetup-join/1", true},
		{"https://meet.google.com.evil.example/abc-defg-hij", false},
		{"https://evil.example/meet.google.com/abc", false},
		{"https://zoom.us.evil.example/j/1", false},
		{"http://meet.google.com/abc-defg-hij", false},
	} {
		t.Run(tt.url, func(t *testing.T) {
			d := SampleBrief(now)
			d.Meeting.ConferenceURL = tt.url
			d.Meeting.Place = "Room 4"
			got, err := r.Brief(d)
			if err != nil {
				t.Fatalf("Brief() = %v", err)
			}
			join := strings.Contains(got.HTML, "Join the call")
			video := strings.Contains(got.Text, "Video: ")
			if join != tt.join || video != tt.join {
				t.Errorf("ConferenceURL %q: Join button %v, Video line %v; want %v", tt.url, join, video, tt.join)
			}
			if !tt.join && (strings.Contains(got.HTML, tt.url) || strings.Contains(got.Text, tt.url)) {
				t.Errorf("ConferenceURL %q is shown", tt.url)
			}
		})
	}
}

func TestAttachmentShowingAnotherHost(t *testing.T) {
	r := newRenderer(t)
	d := SampleBrief(fixedNow(t))
	d.Meeting.Attachments = []Attachment{
		{Title: "docs.google.com/budget", URL: "https://evil.example/budget"},
		{Title: "Q1 plan", URL: "https://docs.google.com/d/1"},
	}
	got, err := r.Brief(d)
	if err != nil {
		t.Fatalf("Brief() = %v", err)
	}
	for _, part := range []struct{ name, s, want string }{
		{"text", got.Text, "- docs.google.com/budget (goes to evil.example) <https://evil.example/budget>"},
		{"HTML", got.HTML, "docs.google.com/budget (goes to evil.example)</a>"},
		{"text", got.Text, "- Q1 plan <https://docs.google.com/d/1>"},
	} {
		if !strings.Contains(part.s, part.want) {
			t.Errorf("%s does not contain %q:\n%s", part.name, part.want, part.s)
		}
	}
}
