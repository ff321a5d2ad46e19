package calendar

import (
	"mime"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on the text of an event, which anyone who can send the user an
// invitation controls. Google Calendar caps a title at 1,024 characters and
// an iCalendar feed caps nothing; no honest title, place or name needs more
// than MaxTextRunes, and leadup logs, stores and mails all three.
const (
	// MaxTextRunes is the most runes a title, location or person's name
	// keeps, the cut marked with "…".
	MaxTextRunes = 300
	// MaxDescriptionBytes is the most a description keeps. It is sanitised
	// as HTML when rendered, which reads only this much of it anyway.
	MaxDescriptionBytes = 64 << 10
)

// Sanitize returns ev with its untrusted text made safe to log, store and
// show: RFC 2047 encoded-words in the title decoded (a mail client would
// decode them once leadup put the title into a Subject), control, bidi and
// zero-width characters removed from the title, location and names, white
// space collapsed, those fields cut to MaxTextRunes and the description to
// MaxDescriptionBytes. A ConferenceURL that is not an https link to a known
// video service (see VideoURL) is dropped, so that "Join the call" never
// leads elsewhere.
func Sanitize(ev Event) Event {
	return sanitize(ev, nil)
}

// SanitizeAll sanitises evs in place, as Sanitize does each. The instances
// of one recurring series that a source lists may share one attendee list
// (an .ics feed's do); a list that needs no change stays shared, and one
// that does is cleaned once for all of them, so that a series with
// thousands of instances and guests costs no more than one event.
func SanitizeAll(evs []Event) {
	seen := make(map[*Attendee][]Attendee)
	for i := range evs {
		evs[i] = sanitize(evs[i], seen)
	}
}

// sanitize is Sanitize, remembering in seen (when not nil) the cleaned
// version of each attendee list by its first element.
func sanitize(ev Event, seen map[*Attendee][]Attendee) Event {
	ev.Title = CleanText(DecodeWords(ev.Title))
	ev.Location = CleanText(ev.Location)
	ev.Organizer.Name = CleanText(ev.Organizer.Name)
	ev.Attendees = cleanAttendees(ev.Attendees, seen)
	if i := slices.IndexFunc(ev.Attachments, func(a Attachment) bool { return !isClean(a.Title) }); i >= 0 {
		atts := slices.Clone(ev.Attachments)
		for j := i; j < len(atts); j++ {
			atts[j].Title = CleanText(atts[j].Title)
		}
		ev.Attachments = atts
	}
	ev.Description = capBytes(strings.ToValidUTF8(ev.Description, "\uFFFD"), MaxDescriptionBytes)
	ev.ConferenceURL = VideoURL(ev.ConferenceURL)
	return ev
}

// cleanAttendees returns atts with every name clean: atts itself when they
// all are, else a copy, made once per list when seen is given.
func cleanAttendees(atts []Attendee, seen map[*Attendee][]Attendee) []Attendee {
	i := slices.IndexFunc(atts, func(a Attendee) bool { return !isClean(a.Name) })
	if i < 0 {
		return atts
	}
	key := &atts[0]
	if out, ok := seen[key]; ok && len(out) == len(atts) {
		return out
	}
	out := slices.Clone(atts)
	for j := i; j < len(out); j++ {
		out[j].Name = CleanText(out[j].Name)
	}
	if seen != nil {
		seen[key] = out
	}
	return out
}

// isClean reports whether CleanText would return s as it is, without
// building anything: one line of at most MaxTextRunes runes, single
// spaces between words, nothing hidden.
func isClean(s string) bool {
	if len(s) > 4*MaxTextRunes {
		return false
	}
	n, space := 0, true // space: the previous rune was a space (or s starts)
	for _, r := range s {
		switch {
		case r == ' ':
			if space {
				return false
			}
			space = true
		case unicode.IsSpace(r), IsHidden(r):
			return false
		default:
			space = false
		}
		n++
	}
	return n <= MaxTextRunes && (n == 0 || !space)
}

// maxDecodeRounds bounds DecodeWords: an encoded-word may decode to
// another, and a title nested deeper than this is left as it is after
// the last round (still ASCII, and encoded again by the mail package).
const maxDecodeRounds = 3

// DecodeWords decodes the RFC 2047 encoded-words ("=?utf-8?b?…?=") in s,
// which some calendars leave in a SUMMARY copied from an email's Subject. A
// word in a charset Go does not know, or a malformed one, is left as it is.
func DecodeWords(s string) string {
	var d mime.WordDecoder
	for range maxDecodeRounds {
		if !strings.Contains(s, "=?") {
			break
		}
		out, err := d.DecodeHeader(s)
		if err != nil || out == s {
			break
		}
		s = out
	}
	return s
}

// CleanText makes s one line of at most MaxTextRunes runes: white space,
// line breaks included, collapsed to single spaces and trimmed, and the
// characters IsHidden reports removed.
func CleanText(s string) string {
	var b strings.Builder
	b.Grow(min(len(s), 4*MaxTextRunes))
	space, n, cut := false, 0, 0 // cut: b's length before the last rune within the cap
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case IsHidden(r):
			continue
		}
		if n == MaxTextRunes {
			// A rune past the cap: end at the last rune that leaves room
			// for the "…". The rest of s is not even looked at.
			return strings.TrimRightFunc(b.String()[:cut], unicode.IsSpace) + "…"
		}
		if space && b.Len() > 0 {
			if n == MaxTextRunes-1 {
				cut = b.Len()
			}
			b.WriteByte(' ')
			n++
			if n == MaxTextRunes {
				space = false
				continue // the space is dropped if nothing follows
			}
		}
		space = false
		if n == MaxTextRunes-1 {
			cut = b.Len()
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace)
}

// IsHidden reports the characters that must not reach a log line, a stored
// event or an email: C0 and C1 controls, U+FFFD (what invalid UTF-8 decodes
// to), the zero-width characters and marks U+200B–U+200F, the bidi embedding
// and override controls U+202A–U+202E, the isolates U+2066–U+2069, the Arabic
// letter mark U+061C and the byte-order mark U+FEFF. The bidi controls can
// make text read differently from what it is ("Trojan Source").
func IsHidden(r rune) bool {
	switch {
	case unicode.IsControl(r), r == utf8.RuneError, r == '\u061c', r == '\ufeff':
		return true
	case r >= '\u200b' && r <= '\u200f', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// capBytes cuts s to at most n bytes, at a rune boundary.
func capBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// videoHosts are the video services whose links are shown as "Join the
// call". A host matches exactly; one starting with "*." matches its
// subdomains only (company.zoom.us). Matching is by whole DNS labels, never
// by prefix or substring, so meet.google.com.evil.example does not match.
var videoHosts = []string{
	"meet.google.com",
	"zoom.us", "*.zoom.us",
	"zoom.com", "*.zoom.com",
	"teams.microsoft.com", "teams.live.com",
	"*.webex.com",
	"whereby.com", "*.whereby.com",
	"meet.jit.si",
	"chime.aws", "*.chime.aws",
	"meet.goto.com", "app.goto.com",
}

// VideoURL returns s, trimmed, if it is an https URL on the default port to
// one of the known video services (Google Meet, Zoom, Microsoft Teams,
// Webex, Whereby, Jitsi Meet, Amazon Chime, GoTo Meeting), else "".
func VideoURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || IsHidden(r) }) {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Opaque != "" {
		return ""
	}
	if p := u.Port(); p != "" && p != "443" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if !VideoHost(host) {
		return ""
	}
	return s
}

// VideoHost reports whether host (lower case, without a port) is one of
// the known video services' hosts.
func VideoHost(host string) bool {
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return false
	}
	for _, h := range videoHosts {
		if parent, ok := strings.CutPrefix(h, "*."); ok {
			if sub, found := strings.CutSuffix(host, "."+parent); found && sub != "" {
				return true
			}
		} else if host == h {
			return true
		}
	}
	return false
}
