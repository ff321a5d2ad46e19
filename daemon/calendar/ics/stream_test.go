package ics

import (
	"fmt"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"
)

// A VTIMEZONE may come after the events that use it, and each VCALENDAR
// of a stream has its own.
func TestTimezoneAfterItsEvents(t *testing.T) {
	vtz := func(tzid, offset string) string {
		return "BEGIN:VTIMEZONE\nTZID:" + tzid + "\nBEGIN:STANDARD\nDTSTART:19700101T000000\n" +
			"TZOFFSETFROM:" + offset + "\nTZOFFSETTO:" + offset + "\nEND:STANDARD\nEND:VTIMEZONE\n"
	}
	body := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART;TZID=Here:20251020T100000\nEND:VEVENT\n" + vtz("Here", "+0200") + "END:VCALENDAR\n" +
		"BEGIN:VCALENDAR\n" + vtz("Here", "-0300") + "BEGIN:VEVENT\nUID:b\nDTSTART;TZID=Here:20251020T100000\nEND:VEVENT\nEND:VCALENDAR\n"
	cal, err := Parse(strings.NewReader(body), ParseOptions{Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	diffLines(t, "Expand", lines(cal.Expand(span("2025-10-01", "2025-11-01"))),
		[]string{`a 10-20T08:00Z 10-20T08:00Z ""`, `b 10-20T13:00Z 10-20T13:00Z ""`})
}

// decode builds only the components asked for, hands each over with the
// bytes it spans, and decodeComponent reads those bytes back to the same.
func TestDecodeStreams(t *testing.T) {
	in := "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nBEGIN:VEVENT\r\nUID:e\r\nSUMMARY:fol\r\n ded\r\n" +
		"BEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	var got []*ical.Component
	var raws []string
	_, err := decode([]byte(in), decodeOptions{build: isEvent, nested: true}, func(cal int, c *ical.Component, raw []byte) {
		if cal != 0 {
			t.Errorf("cal = %d", cal)
		}
		got, raws = append(got, c), append(raws, string(raw))
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != ical.CompEvent || got[0].Props.Get(ical.PropSummary).Value != "folded" || len(got[0].Children) != 1 {
		t.Fatalf("decode built %+v", got)
	}
	if want := "BEGIN:VEVENT\r\nUID:e\r\nSUMMARY:fol\r\n ded\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\n"; raws[0] != want {
		t.Errorf("raw = %q, want %q", raws[0], want)
	}
	again := decodeComponent([]byte(raws[0]))
	if again == nil || again.Props.Get(ical.PropUID).Value != "e" || len(again.Children) != 1 {
		t.Errorf("decodeComponent() = %+v", again)
	}
}

// The lines of a feed are counted once, however many passes read it, and
// a malformed one is logged once.
func TestMalformedLinesCountedOnce(t *testing.T) {
	body := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20251020T100000Z\nNOT A LINE\nEND:VEVENT\n" +
		"BEGIN:VTIMEZONE\nTZID:X\nALSO NOT\nEND:VTIMEZONE\nEND:VCALENDAR\n"
	log, buf := logBuffer()
	if _, err := Parse(strings.NewReader(body), ParseOptions{Log: log}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "skipped malformed lines"); n != 1 || !strings.Contains(buf.String(), "lines=2") {
		t.Errorf("log:\n%s", buf.String())
	}
}

// An event keeps maxAttendees attendees and the user's own entry past
// them, with one warning for the feed.
func TestAttendeesBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\n")
	for _, uid := range []string{"a", "b"} {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:%s\nDTSTART:20251020T100000Z\nRRULE:FREQ=DAILY;COUNT=3\n", uid)
		for i := range maxAttendees + 10 {
			fmt.Fprintf(&b, "ATTENDEE:mailto:p%d@example.com\n", i)
		}
		b.WriteString("ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com\nEND:VEVENT\n")
	}
	b.WriteString("END:VCALENDAR\n")
	log, buf := logBuffer()
	cal, err := Parse(strings.NewReader(b.String()), ParseOptions{Self: []string{"me@example.com"}, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Expand(span("2025-10-01", "2025-11-01"))
	if len(evs) != 6 {
		t.Fatalf("Expand listed %d events, want 6", len(evs))
	}
	for _, e := range evs {
		last := e.Attendees[len(e.Attendees)-1]
		if len(e.Attendees) != maxAttendees+1 || !last.Self || last.Response != "accepted" {
			t.Errorf("%s: %d attendees, the last %+v", e.ID, len(e.Attendees), last)
		}
	}
	if n := strings.Count(buf.String(), "more properties than are kept"); n != 1 || !strings.Contains(buf.String(), "components=2") {
		t.Errorf("log:\n%s", buf.String())
	}
	// The listing's copies are its own, and the instances share one.
	evs[0].Attendees[0].Name = "changed"
	if again := cal.Expand(span("2025-10-01", "2025-11-01")); again[0].Attendees[0].Name == "changed" {
		t.Error("editing a listed event changed the calendar")
	}
}

// Of a flood of dates and overrides, the latest are kept, and each kind
// is warned about once.
func TestDatesAndOverridesBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:s\nDTSTART:20000101T100000Z\nDURATION:PT1M\nRDATE:")
	first := time.Date(2000, 1, 1, 10, 0, 0, 0, time.UTC)
	n := maxDates + 500
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(first.AddDate(0, 0, i).Format("20060102T150405Z"))
	}
	b.WriteString("\nEND:VEVENT\n")
	for i := range maxOverrides + 30 {
		at := first.AddDate(0, 0, i).Format("20060102T150405Z")
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:s\nRECURRENCE-ID:%s\nDTSTART:%s\nSUMMARY:moved\nEND:VEVENT\n", at, at)
	}
	b.WriteString("END:VCALENDAR\n")
	log, buf := logBuffer()
	cal, err := Parse(strings.NewReader(b.String()), ParseOptions{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	s := cal.series[0]
	if got := len(s.master.rec.rdates); got != maxDates {
		t.Errorf("%d RDATEs kept, want %d", got, maxDates)
	}
	if got := len(s.overrides); got != maxOverrides {
		t.Errorf("%d overrides kept, want %d", got, maxOverrides)
	}
	last := first.AddDate(0, 0, n-1)
	if evs := cal.Expand(span(last.Format("2006-01-02"), last.AddDate(0, 0, 1).Format("2006-01-02"))); len(evs) != 1 {
		t.Errorf("the last RDATE is not listed: %v", lines(evs))
	}
	for _, msg := range []string{"more RDATEs or EXDATEs than are kept", "more changed instances than are kept"} {
		if c := strings.Count(buf.String(), msg); c != 1 {
			t.Errorf("%d warnings %q:\n%s", c, msg, buf.String())
		}
	}
}

// A flood of unusable events logs a few lines and a count, not a line
// each.
func TestWarningsSummarised(t *testing.T) {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "BEGIN:VEVENT\nUID:bad-%d\nEND:VEVENT\n", i)
	}
	b.WriteString("END:VCALENDAR\n")
	log, buf := logBuffer()
	if _, err := Parse(strings.NewReader(b.String()), ParseOptions{Log: log}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "skipping unusable calendar event"); n != maxEachWarning+1 {
		t.Errorf("%d warnings:\n%s", n, buf.String())
	}
	if !strings.Contains(buf.String(), fmt.Sprintf("more=%d", 1000-maxEachWarning)) {
		t.Errorf("no count of the rest:\n%s", buf.String())
	}
}

// Long text is kept up to what calendar.Sanitize keeps, escapes undone.
func TestTextBounded(t *testing.T) {
	body := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20251020T100000Z\nSUMMARY:" + strings.Repeat(`a\,`, 10_000) +
		"\nDESCRIPTION:" + strings.Repeat(`line\n`, 100_000) + "\nEND:VEVENT\nEND:VCALENDAR\n"
	cal, err := Parse(strings.NewReader(body), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e := cal.Expand(span("2025-10-01", "2025-11-01"))[0]
	if len(e.Title) != maxTextBytes || !strings.HasPrefix(e.Title, "a,a,") {
		t.Errorf("title of %d bytes: %.20q", len(e.Title), e.Title)
	}
	if len(e.Description) < 64<<10-4 || len(e.Description) > 64<<10 || !strings.HasPrefix(e.Description, "line\nline\n") {
		t.Errorf("description of %d bytes: %.20q", len(e.Description), e.Description)
	}
}
