package calendar

import (
	"encoding/base64"
	"fmt"
	"slices"
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

// isClean is CleanText's fast path: whatever it calls clean, CleanText
// returns unchanged, and whatever CleanText returns is clean.
func TestIsCleanAgreesWithCleanText(t *testing.T) {
	for _, s := range []string{"", "a", " a", "a ", "a  b", "a b", "a\tb", "a\u200bb", "Dana Whitfield",
		"\xff", "x\u202ey", strings.Repeat("é", MaxTextRunes), strings.Repeat("é", MaxTextRunes+1),
		strings.Repeat("ab ", 100), "a\u00a0b", "tab\u3000space"} {
		if isClean(s) && CleanText(s) != s {
			t.Errorf("isClean(%q) but CleanText changes it to %q", s, CleanText(s))
		}
		if c := CleanText(s); !isClean(c) {
			t.Errorf("CleanText(%q) = %q, which isClean rejects", s, c)
		}
	}
}

func FuzzIsClean(f *testing.F) {
	f.Add("Dana  Whitfield")
	f.Add("x\u202ey")
	f.Fuzz(func(t *testing.T, s string) {
		if isClean(s) && CleanText(s) != s {
			t.Errorf("isClean(%q) but CleanText changes it", s)
		}
		if c := CleanText(s); !isClean(c) {
			t.Errorf("CleanText(%q) = %q, which isClean rejects", s, c)
		}
	})
}

// The instances of a series that share one attendee list keep sharing it:
// clean names are not copied at all, and a list that needs cleaning is
// cleaned once.
func TestSanitizeAllSharesLists(t *testing.T) {
	clean := make([]Attendee, 1000)
	dirty := make([]Attendee, 1000)
	for i := range clean {
		clean[i] = Attendee{Email: fmt.Sprintf("p%d@example.com", i), Name: fmt.Sprintf("Person %d", i)}
		dirty[i] = Attendee{Email: clean[i].Email, Name: clean[i].Name + "\u202e"}
	}
	evs := make([]Event, 0, 400)
	for i := range 200 {
		evs = append(evs, Event{ID: fmt.Sprint("c", i), Attendees: clean}, Event{ID: fmt.Sprint("d", i), Attendees: dirty})
	}
	allocs := testing.AllocsPerRun(5, func() {
		cp := slices.Clone(evs)
		SanitizeAll(cp)
	})
	SanitizeAll(evs)
	for i, ev := range evs {
		if i%2 == 0 && &ev.Attendees[0] != &clean[0] {
			t.Fatalf("event %s: a clean list was copied", ev.ID)
		}
		if i%2 == 1 && (&ev.Attendees[0] != &evs[1].Attendees[0] || ev.Attendees[0].Name != "Person 0") {
			t.Fatalf("event %s: the dirty list was not cleaned once for all: %q", ev.ID, ev.Attendees[0].Name)
		}
	}
	if dirty[0].Name != "Person 0\u202e" {
		t.Error("the source's list was changed in place")
	}
	// One clone of the events, one cleaned list and its 1,000 names, a
	// little for the map: not 200 lists.
	if allocs > 1100 {
		t.Errorf("SanitizeAll allocated %.0f times for 400 events sharing two lists", allocs)
	}
}
