package calendar

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitizeEncodedWordTitle(t *testing.T) {
	hostile := "\u202eCRLF\r\nBcc: x@evil"
	ev := Event{Title: "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte(hostile)) + "?="}
	got := Sanitize(ev).Title
	if want := "CRLF Bcc: x@evil"; got != want {
		t.Errorf("Sanitize(encoded-word title).Title = %q, want %q", got, want)
	}
}

func TestDecodeWords(t *testing.T) {
	inner := "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte("Budget \u202eQ3")) + "?="
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "1:1 Dana / Sam", "1:1 Dana / Sam"},
		{"q", "=?UTF-8?Q?Caf=C3=A9_sync?=", "Café sync"},
		{"nested", "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte(inner)) + "?=", "Budget \u202eQ3"},
		{"unknown charset", "=?x-unknown?q?abc?=", "=?x-unknown?q?abc?="},
		{"malformed", "=?utf-8?b?!!!?=", "=?utf-8?b?!!!?="},
		{"not a word", "a =? b", "a =? b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DecodeWords(tc.in); got != tc.want {
				t.Errorf("DecodeWords(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"simple", "Weekly 1:1", "Weekly 1:1"},
		{"line breaks", " a\r\n\tb  c \n", "a b c"},
		{"bidi", "x\u202egpj.exe\u202c\u2066\u2069\u061c", "xgpj.exe"},
		{"zero width", "me\u200bet\u200c\u200d\u200e\u200f\ufeff", "meet"},
		{"controls", "a\x00b\x7fc\u0085d", "abc d"}, // U+0085 is a line break
		{"invalid utf-8", "a\xffb", "ab"},
		{"accents kept", "Réunion à Zürich", "Réunion à Zürich"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanText(tc.in); got != tc.want {
				t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCleanTextCaps(t *testing.T) {
	exact := strings.Repeat("é", MaxTextRunes)
	if got := CleanText(exact); got != exact {
		t.Errorf("CleanText(%d runes) cut it to %d", MaxTextRunes, utf8.RuneCountInString(got))
	}
	for _, in := range []string{
		strings.Repeat("A", 10000),
		strings.Repeat("é", 10000),
		strings.Repeat("ab ", 5000),
		strings.Repeat("\u202e", 5000) + strings.Repeat("x", 5000),
	} {
		got := CleanText(in)
		if n := utf8.RuneCountInString(got); n > MaxTextRunes || !strings.HasSuffix(got, "…") || !utf8.ValidString(got) {
			t.Errorf("CleanText(%.10q… %d bytes) = %d runes ending %q, want at most %d ending with …",
				in, len(in), n, got[max(0, len(got)-8):], MaxTextRunes)
		}
	}
}

func TestSanitizeFields(t *testing.T) {
	long := strings.Repeat("x", 10000)
	ev := Event{
		Title:         long,
		Location:      "Room\u202e 4\r\nB",
		Description:   strings.Repeat("d", 2*MaxDescriptionBytes),
		Organizer:     Person{Name: "Eve\u2067", Email: "eve@example.com"},
		Attendees:     []Attendee{{Name: "Dana\nBcc: x", Email: "dana@example.com"}},
		Attachments:   []Attachment{{Title: "a\u200bb", URL: "https://example.com/a"}},
		ConferenceURL: "https://meet.google.com.evil.example/abc",
	}
	orig := ev.Attendees[0]
	got := Sanitize(ev)
	if n := utf8.RuneCountInString(got.Title); n != MaxTextRunes {
		t.Errorf("Sanitize: title of %d runes, want %d", n, MaxTextRunes)
	}
	if got.Location != "Room 4 B" || got.Organizer.Name != "Eve" || got.Attendees[0].Name != "Dana Bcc: x" || got.Attachments[0].Title != "ab" {
		t.Errorf("Sanitize: location %q, organizer %q, attendee %q, attachment %q",
			got.Location, got.Organizer.Name, got.Attendees[0].Name, got.Attachments[0].Title)
	}
	if len(got.Description) != MaxDescriptionBytes {
		t.Errorf("Sanitize: description of %d bytes, want %d", len(got.Description), MaxDescriptionBytes)
	}
	if got.ConferenceURL != "" {
		t.Errorf("Sanitize: ConferenceURL = %q, want it dropped", got.ConferenceURL)
	}
	if ev.Attendees[0] != orig {
		t.Errorf("Sanitize changed the caller's attendees: %+v", ev.Attendees[0])
	}
}

func TestVideoURL(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"https://meet.google.com/abc-defg-hij", true},
		{" https://meet.google.com/abc-defg-hij ", true},
		{"https://MEET.google.com/abc", true},
		{"https://zoom.us/j/1", true},
		{"https://us02web.zoom.us/j/1?pwd=x", true},
		{"https://teams.microsoft.com/l/meetup-join/1", true},
		{"https://teams.live.com/meet/1", true},
		{"https://acme.webex.com/meet/dana", true},
		{"https://whereby.com/dana", true},
		{"https://meet.google.com:443/abc", true},
		{"https://meet.google.com.evil.example/abc", false},
		{"https://evil.example/meet.google.com", false},
		{"https://evil-meet.google.com.example/", false},
		{"https://notzoom.us/j/1", false},
		{"https://zoom.us.evil.example/j/1", false},
		{"https://webex.com/meet", false}, // only its subdomains
		{"https://evilmeet.google.com/abc", false},
		{"https://teams.microsoft.com@evil.example/", false},
		{"https://meet.google.com:8443/abc", false},
		{"http://meet.google.com/abc", false},
		{"javascript:alert(1)", false},
		{"https://meet.google.com/\u202eabc", false},
		{"meet.google.com/abc", false},
		{"", false},
	} {
		got := VideoURL(tc.in)
		if tc.ok && got != strings.TrimSpace(tc.in) || !tc.ok && got != "" {
			t.Errorf("VideoURL(%q) = %q, want ok %v", tc.in, got, tc.ok)
		}
	}
}
