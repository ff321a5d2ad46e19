package ics

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the same zone data on every machine

	"github.com/leadup/leadup/daemon/calendar"
)

// Identifiers from the fixtures.
const (
	oneOnOne   = "7kukuqrfedlm2f9t7ktcl0qk2s@google.com"
	staff      = "1h2j3k4l5m6n7o8p9q0r@google.com"
	monthEnd   = "5a6b7c8d9e0f@google.com"
	klaus      = "040000008200E00074C5B7101A82E008000000008062306C6261D5010000000000000000100000006E3E1C2A9C9D8A4C8F0F1C6E4A9B1F2C"
	nyCall     = "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5D601000000000000000010000000AAAABBBBCCCCDDDDEEEEFFFF00001111"
	vendorDemo = "040000008200E00074C5B7101A82E00800000000F0E1D2C3B4A5D60100000000000000001000000012121212343434345656565678787878"
	outOfOff   = "040000008200E00074C5B7101A82E00800000000ABABABABABABD601000000000000000010000000CDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCD"
	planning   = "9f7a2c1e-3b4d-4c5e-8f6a-1b2c3d4e5f60"
)

var (
	october = calendar.Window{Start: utc("2025-10-01T00:00"), End: utc("2025-12-01T00:00")}
	chicago = mustLoad("America/Chicago")
)

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// logBuffer returns a logger that writes text lines to a buffer.
func logBuffer() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

func parseFile(t *testing.T, name string, o ParseOptions) *Calendar {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if o.Location == nil {
		o.Location = chicago
	}
	cal, err := Parse(f, o)
	if err != nil {
		t.Fatalf("Parse(%s) = %v", name, err)
	}
	return cal
}

// lines renders events one a line: ID, start and end in UTC, title, and
// the flags that matter, so that a whole listing compares at once.
func lines(evs []calendar.Event) []string {
	var out []string
	for _, e := range evs {
		s := fmt.Sprintf("%s %s %s %q", e.ID, e.Start.Format("01-02T15:04Z"), e.End.Format("01-02T15:04Z"), e.Title)
		if e.AllDay {
			s += " allday"
		}
		if e.Status != calendar.StatusConfirmed {
			s += " " + e.Status
		}
		if e.Type != calendar.TypeDefault {
			s += " " + e.Type
		}
		out = append(out, s)
	}
	return out
}

func diffLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	t.Errorf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
}

func find(t *testing.T, evs []calendar.Event, id string) calendar.Event {
	t.Helper()
	for _, e := range evs {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no event %s", id)
	return calendar.Event{}
}

func TestGoogleExport(t *testing.T) {
	cal := parseFile(t, "google.ics", ParseOptions{Self: []string{"ME@example.com"}})
	evs := cal.Expand(october)
	diffLines(t, "Expand(google.ics)", lines(evs), []string{
		oneOnOne + `_20251007T133000Z 10-07T13:30Z 10-07T14:00Z "Barbara / Me 1:1"`,
		// 10-14 is an EXDATE.
		staff + `_20251014T150000Z 10-14T15:00Z 10-14T16:00Z "Staff meeting"`,
		`budget-review-2025@google.com 10-15T19:00Z 10-15T20:00Z "Budget review"`,
		// 10-21 moved to Wednesday 14:00; 10-28 cancelled.
		oneOnOne + `_20251021T133000Z 10-22T18:00Z 10-22T18:30Z "Barbara / Me 1:1 (moved)"`,
		monthEnd + `_20251031T200000Z 10-31T20:00Z 10-31T20:30Z "Month-end review"`,
		`0a1b2c3d4e5f6a7b8c9d@google.com 11-03T00:00Z 11-05T00:00Z "Leadership offsite" allday`,
		// After the DST change 09:30 New York is 14:30Z.
		oneOnOne + `_20251104T143000Z 11-04T14:30Z 11-04T15:00Z "Barbara / Me 1:1"`,
		`3s4t5u6v7w8x@google.com_20251105T180000Z 11-05T18:00Z 11-05T18:30Z "Skip-level (you were invited to this one)" tentative`,
		oneOnOne + `_20251111T143000Z 11-11T14:30Z 11-11T15:00Z "Barbara / Me 1:1"`,
		staff + `_20251111T160000Z 11-11T16:00Z 11-11T17:00Z "Staff meeting"`,
		oneOnOne + `_20251118T143000Z 11-18T14:30Z 11-18T15:00Z "Barbara / Me 1:1"`,
		oneOnOne + `_20251125T143000Z 11-25T14:30Z 11-25T15:00Z "Barbara / Me 1:1"`,
		// COUNT=4 ends here.
		monthEnd + `_20251128T210000Z 11-28T21:00Z 11-28T21:30Z "Month-end review"`,
	})

	first := find(t, evs, oneOnOne+"_20251007T133000Z")
	want := calendar.Event{
		ID:               oneOnOne + "_20251007T133000Z",
		UID:              oneOnOne,
		RecurringEventID: oneOnOne,
		OriginalStart:    utc("2025-10-07T13:30"),
		Status:           calendar.StatusConfirmed,
		Type:             calendar.TypeDefault,
		Title:            "Barbara / Me 1:1",
		Description: "Weekly sync.\nAgenda: status, blockers; next steps.\n\n-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-\n" +
			"Join with Google Meet: https://meet.google.com/abc-defg-hij\n\nPlease do not edit this section.\n" +
			"-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-",
		Start:         utc("2025-10-07T13:30"),
		End:           utc("2025-10-07T14:00"),
		TimeZone:      "America/New_York",
		Organizer:     calendar.Person{Email: "boss@example.com", Name: "Barbara Boss"},
		ConferenceURL: "https://meet.google.com/abc-defg-hij",
		Updated:       time.Date(2025, 10, 20, 11, 59, 59, 0, time.UTC),
		Attendees: []calendar.Attendee{
			{Email: "boss@example.com", Name: "Barbara Boss", Organizer: true, Response: calendar.ResponseAccepted},
			{Email: "me@example.com", Name: "me@example.com", Self: true, Response: calendar.ResponseAccepted},
		},
	}
	if fmt.Sprintf("%+v", first) != fmt.Sprintf("%+v", want) {
		t.Errorf("first 1:1 =\n%+v\nwant\n%+v", first, want)
	}

	moved := find(t, evs, oneOnOne+"_20251021T133000Z")
	if !moved.OriginalStart.Equal(utc("2025-10-21T13:30")) || moved.RecurringEventID != oneOnOne ||
		moved.Attendees[1].Response != calendar.ResponseTentative {
		t.Errorf("moved instance = %+v", moved)
	}

	budget := find(t, evs, "budget-review-2025@google.com")
	if budget.RecurringEventID != "" || !budget.OriginalStart.IsZero() {
		t.Errorf("single event has series fields: %+v", budget)
	}
	if got := budget.Attendees[1]; got.Response != calendar.ResponseDeclined || !got.Self {
		t.Errorf("declined attendee = %+v", got)
	}
	if got := budget.Attendees[2]; !got.Optional || got.Self {
		t.Errorf("optional attendee = %+v", got)
	}
	if budget.ConferenceURL != "https://us02web.zoom.us/j/123456789?pwd=abcDEF" {
		t.Errorf("Zoom link from LOCATION = %q", budget.ConferenceURL)
	}
	if !strings.HasPrefix(budget.Description, `<b>Q4 numbers</b><br>See the <a href="https://docs.example.com/q4">`) {
		t.Errorf("HTML description = %q, want it unchanged", budget.Description)
	}
	wantAtt := []calendar.Attachment{{Title: "Q4 deck.pdf", URL: "https://drive.google.com/open?id=1AbC", MimeType: "application/pdf"}}
	if !slices.Equal(budget.Attachments, wantAtt) {
		t.Errorf("attachments = %+v, want %+v", budget.Attachments, wantAtt)
	}

	staffMeeting := find(t, evs, staff+"_20251014T150000Z")
	if room := staffMeeting.Attendees[2]; !room.Resource || room.Email != "c_188abc@resource.calendar.google.com" || room.Name != "HQ-3-Boardroom (12)" {
		t.Errorf("room = %+v", room)
	}
	if got := find(t, evs, monthEnd+"_20251031T200000Z").Organizer; !got.Self {
		t.Errorf("organizer = %+v, want Self", got)
	}
	offsite := find(t, evs, "0a1b2c3d4e5f6a7b8c9d@google.com")
	if !offsite.AllDay || offsite.TimeZone != "" || offsite.Location != "Lake House" {
		t.Errorf("all-day event = %+v", offsite)
	}
}

func TestOutlookExport(t *testing.T) {
	cal := parseFile(t, "outlook.ics", ParseOptions{Self: []string{"me@example.com"}})
	evs := cal.Expand(october)
	diffLines(t, "Expand(outlook.ics)", lines(evs), []string{
		// W. Europe Standard Time: 09:15 CEST, then CET after 10-26.
		klaus + `_20251020T071500Z 10-20T07:15Z 10-20T07:30Z "Weekly with Klaus"`,
		klaus + `_20251027T081500Z 10-27T10:00Z 10-27T10:15Z "Weekly with Klaus"`,
		// "Customized Time Zone" is known only from its VTIMEZONE.
		nyCall + `_20251030T140000Z 10-30T14:00Z 10-30T15:00Z "Call with the New York office"`,
		vendorDemo + ` 11-05T16:00Z 11-05T17:00Z "Vendor demo"`,
		nyCall + `_20251106T150000Z 11-06T15:00Z 11-06T16:00Z "Call with the New York office"`,
		// 11-03 is an EXDATE; UNTIL is 11-10 08:15Z, inclusive.
		klaus + `_20251110T081500Z 11-10T08:15Z 11-10T08:30Z "Weekly with Klaus"`,
		outOfOff + ` 11-24T00:00Z 11-29T00:00Z "Out of office" allday outOfOffice`,
	})
	first := find(t, evs, klaus+"_20251020T071500Z")
	if first.TimeZone != "Europe/Berlin" {
		t.Errorf("TimeZone = %q, want Europe/Berlin for W. Europe Standard Time", first.TimeZone)
	}
	if want := "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a%22x%22%7d"; first.ConferenceURL != want {
		t.Errorf("ConferenceURL = %q, want %q", first.ConferenceURL, want)
	}
	want := []calendar.Attendee{{Email: "Me@Example.com", Name: "Me Myself", Self: true, Response: calendar.ResponseNeedsAction}}
	if !slices.Equal(first.Attendees, want) {
		t.Errorf("attendees = %+v, want %+v", first.Attendees, want)
	}
	if first.Organizer != (calendar.Person{Email: "klaus.chef@example.de", Name: "Klaus Chef"}) {
		t.Errorf("organizer = %+v", first.Organizer)
	}
	moved := find(t, evs, klaus+"_20251027T081500Z")
	if moved.Attendees[0].Response != calendar.ResponseAccepted || !moved.OriginalStart.Equal(utc("2025-10-27T08:15")) {
		t.Errorf("moved instance = %+v", moved)
	}
	if tz := find(t, evs, nyCall+"_20251030T140000Z").TimeZone; tz != "" {
		t.Errorf("TimeZone of a VTIMEZONE-only zone = %q, want none", tz)
	}
	demo := find(t, evs, vendorDemo)
	if demo.TimeZone != "America/Los_Angeles" || demo.ConferenceURL != "https://acme.zoom.us/j/987654321" || !demo.Attendees[0].Optional {
		t.Errorf("vendor demo = %+v", demo)
	}
}

func TestNextcloudExport(t *testing.T) {
	log, buf := logBuffer()
	cal := parseFile(t, "nextcloud.ics", ParseOptions{Self: []string{"me@example.com"}, Log: log})
	evs := cal.Expand(october)
	diffLines(t, "Expand(nextcloud.ics)", lines(evs), []string{
		// COUNT=10 from 10-20; 10-22 (a DATE EXDATE) and 10-24 (a UTC
		// EXDATE) removed; Berlin leaves summer time on 10-26.
		planning + `_20251020T080000Z 10-20T08:00Z 10-20T08:45Z "Planning, Q4 ; budget \\ roadmap"`,
		planning + `_20251021T080000Z 10-21T08:00Z 10-21T08:45Z "Planning, Q4 ; budget \\ roadmap"`,
		`survivor@example.org 10-21T12:00Z 10-21T13:00Z "Survives its neighbours"`,
		planning + `_20251023T080000Z 10-23T08:00Z 10-23T08:45Z "Planning, Q4 ; budget \\ roadmap"`,
		planning + `_20251025T080000Z 10-25T08:00Z 10-25T08:45Z "Planning, Q4 ; budget \\ roadmap"`,
		planning + `_20251026T090000Z 10-26T09:00Z 10-26T09:45Z "Planning, Q4 ; budget \\ roadmap"`,
		planning + `_20251027T090000Z 10-27T09:00Z 10-27T09:45Z "Planning, Q4 ; budget \\ roadmap"`,
		planning + `_20251028T090000Z 10-28T09:00Z 10-28T09:45Z "Planning, Q4 ; budget \\ roadmap"`,
		`yoga-tu-th@example.org_20251028T170000Z 10-28T17:00Z 10-28T18:00Z "Yoga"`,
		planning + `_20251029T090000Z 10-29T09:00Z 10-29T09:45Z "Planning, Q4 ; budget \\ roadmap"`,
		`yoga-tu-th@example.org_20251030T170000Z 10-30T17:00Z 10-30T18:00Z "Yoga"`,
		// RDATEs: two date-times and a PERIOD with its own length.
		planning + `_20251101T110000Z 11-01T11:00Z 11-01T11:45Z "Planning, Q4 ; budget \\ roadmap"`,
		planning + `_20251102T110000Z 11-02T11:00Z 11-02T11:45Z "Planning, Q4 ; budget \\ roadmap"`,
		`yoga-tu-th@example.org_20251104T170000Z 11-04T17:00Z 11-04T18:00Z "Yoga"`,
		planning + `_20251105T150000Z 11-05T15:00Z 11-05T17:00Z "Planning, Q4 ; budget \\ roadmap"`,
		// UNTIL=20251106, a date, keeps that day.
		`yoga-tu-th@example.org_20251106T170000Z 11-06T17:00Z 11-06T18:00Z "Yoga"`,
	})
	p := find(t, evs, planning+"_20251020T080000Z")
	wantDesc := "Daily planning during the Q4 push.\nRoom: 4.12, second floor.\nThis description is deliberately long " +
		"so that the producer had to fold it over several lines, as RFC 5545 section 3.1 requires for lines longer than seventy-five octets."
	if p.Description != wantDesc {
		t.Errorf("Description =\n%q\nwant\n%q", p.Description, wantDesc)
	}
	wantAtt := []calendar.Attendee{
		{Email: "greta@example.org", Name: "Greta Lead", Organizer: true, Response: calendar.ResponseAccepted},
		{Email: "john.doe@example.org", Name: "Doe, John", Response: calendar.ResponseTentative},
		{Email: "ann@example.org", Name: `Ann "Annie" Smith`, Optional: true, Response: calendar.ResponseDeclined},
		{Email: "room412@example.org", Name: "Room 4.12", Resource: true, Response: calendar.ResponseAccepted},
		{Email: "me@example.com", Name: "Me", Self: true, Response: calendar.ResponseNeedsAction},
	}
	if !slices.Equal(p.Attendees, wantAtt) {
		t.Errorf("attendees =\n%+v\nwant\n%+v", p.Attendees, wantAtt)
	}
	if !p.Updated.Equal(utc("2025-10-01T08:00")) {
		t.Errorf("Updated = %v", p.Updated)
	}
	logs := buf.String()
	for _, want := range []string{"uid=no-start@example.org", "uid=bad-start@example.org", "skipped malformed lines", "lines=2"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestFastmailExport(t *testing.T) {
	log, buf := logBuffer()
	cal := parseFile(t, "fastmail.ics", ParseOptions{Log: log})
	evs := cal.Expand(october)
	diffLines(t, "Expand(fastmail.ics)", lines(evs), []string{
		// An all-day weekly series: COUNT=6, 10-17 excluded, 10-29 added.
		`focus-fridays@example.com_20251003T000000Z 10-03T00:00Z 10-04T00:00Z "Focus day" allday`,
		`focus-fridays@example.com_20251010T000000Z 10-10T00:00Z 10-11T00:00Z "Focus day" allday`,
		// An unknown TZID falls back to Options.Location (Chicago).
		`mars-1@example.com 10-23T17:00Z 10-23T18:00Z "Unknown zone one"`,
		`focus-fridays@example.com_20251024T000000Z 10-24T00:00Z 10-25T00:00Z "Focus day" allday`,
		`mars-2@example.com 10-24T17:00Z 10-24T18:00Z "Unknown zone two"`,
		// Europe/London behind a Mozilla prefix, in a second VCALENDAR.
		`thunderbird-1@example.com 10-27T09:00Z 10-27T10:00Z "From a second VCALENDAR"`,
		`focus-fridays@example.com_20251029T000000Z 10-29T00:00Z 10-30T00:00Z "Focus day" allday`,
		`focus-fridays@example.com_20251031T000000Z 10-31T00:00Z 11-01T00:00Z "Focus day" allday`,
		// Floating 08:30 in Chicago, after its DST change.
		`3b0e8c2a-9d1f-4b6e-a7c5-2f4d6e8a0b1c 11-06T14:30Z 11-06T15:30Z "Dentist"`,
		`focus-fridays@example.com_20251107T000000Z 11-07T00:00Z 11-08T00:00Z "Focus day" allday`,
	})
	if n := strings.Count(buf.String(), "unknown time zone"); n != 1 {
		t.Errorf("%d warnings about the unknown zone, want 1:\n%s", n, buf.String())
	}
	tb := find(t, evs, "thunderbird-1@example.com")
	if tb.TimeZone != "Europe/London" || tb.HTMLLink != "https://calendar.example.com/event/thunderbird-1" {
		t.Errorf("second calendar's event = %+v", tb)
	}
	if d := find(t, evs, "3b0e8c2a-9d1f-4b6e-a7c5-2f4d6e8a0b1c"); d.Location != "Dr. Molar, 12 Main St" || d.TimeZone != "" {
		t.Errorf("floating event = %+v", d)
	}
}

func TestExpandWindowBounds(t *testing.T) {
	cal := parseFile(t, "google.ics", ParseOptions{})
	// Half-open, and by overlap: the 1:1 of 11-04 runs 14:30-15:00Z.
	for _, tc := range []struct {
		name string
		w    calendar.Window
		want int
	}{
		{"ends at its start", calendar.Window{Start: utc("2025-11-04T12:00"), End: utc("2025-11-04T14:30")}, 0},
		{"starts at its end", calendar.Window{Start: utc("2025-11-04T15:00"), End: utc("2025-11-04T16:00")}, 0},
		{"overlaps its end", calendar.Window{Start: utc("2025-11-04T14:59"), End: utc("2025-11-04T16:00")}, 1},
		{"inside it", calendar.Window{Start: utc("2025-11-04T14:40"), End: utc("2025-11-04T14:50")}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n int
			for _, e := range cal.Expand(tc.w) {
				if e.RecurringEventID == oneOnOne {
					n++
				}
			}
			if n != tc.want {
				t.Errorf("Expand(%v) gave %d 1:1s, want %d", tc.w, n, tc.want)
			}
		})
	}
	// A moved instance shows where it went, not where it was.
	w := calendar.Window{Start: utc("2025-10-21T00:00"), End: utc("2025-10-22T00:00")}
	if evs := cal.Expand(w); len(evs) != 0 {
		t.Errorf("Expand(day the 1:1 moved away from) = %v, want nothing", lines(evs))
	}
}

func TestExpandCopiesSlices(t *testing.T) {
	cal := parseFile(t, "google.ics", ParseOptions{})
	evs := cal.Expand(october)
	evs[0].Attendees[0].Name = "changed"
	if again := cal.Expand(october); again[0].Attendees[0].Name == "changed" {
		t.Error("editing an expanded event changed the parsed calendar")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"HTML login page", "<!doctype html><html><body>Sign in</body></html>", "not an iCalendar file"},
		{"empty", "", "not an iCalendar file"},
		{"truncated", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20251001T100000Z\r\n", "truncated"},
		{"nested too deep, never closed", "BEGIN:VCALENDAR\n" + strings.Repeat("BEGIN:X\n", 100), "truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.in), ParseOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse() = %v, want an error about %q", err, tc.want)
			}
		})
	}
}

// A component nested past maxDepth costs the event that holds it, with a
// warning, not the calendar: the events around it are listed.
func TestParseSkipsEventNestedTooDeep(t *testing.T) {
	event := func(uid, inside string) string {
		return "BEGIN:VEVENT\nUID:" + uid + "\nDTSTART:20251020T100000Z\nSUMMARY:" + uid + "\n" + inside + "END:VEVENT\n"
	}
	deep := strings.Repeat("BEGIN:VALARM\nACTION:DISPLAY\n", 40)
	for _, tc := range []struct{ name, inside string }{
		{"closed", deep + strings.Repeat("END:VALARM\n", 40)},
		{"never closed", deep},
		{"closed by other names", deep + strings.Repeat("END:X\n", 60)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := "BEGIN:VCALENDAR\nVERSION:2.0\n" + event("before", "") + event("deep", tc.inside) + event("after", "") + "END:VCALENDAR\n"
			log, buf := logBuffer()
			cal, err := Parse(strings.NewReader(in), ParseOptions{Location: chicago, Log: log})
			if err != nil {
				t.Fatalf("Parse() = %v", err)
			}
			var got []string
			for _, e := range cal.Expand(october) {
				got = append(got, e.ID)
			}
			if want := []string{"after", "before"}; !slices.Equal(got, want) {
				t.Errorf("Expand() listed %q, want %q", got, want)
			}
			if !strings.Contains(buf.String(), "nested too deep") || !strings.Contains(buf.String(), "uid=deep") {
				t.Errorf("log does not name the skipped event:\n%s", buf.String())
			}
		})
	}
}
