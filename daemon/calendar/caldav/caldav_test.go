package caldav_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/calendar/caldav"
	"github.com/leadup/leadup/daemon/calendar/caldav/caldavtest"
	"github.com/leadup/leadup/daemon/clock"
)

// now is a Monday; the window of a 14-day lookahead then runs from Sunday
// 1 March 09:00 UTC to Monday 23 March 09:00 UTC.
var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const lookahead = 14 * 24 * time.Hour

// The work calendar's objects.
const (
	// weekly is a series in an IANA zone with an exception and a moved
	// instance: 2 March 09:00Z, 9 March excluded, 16 March moved to 17
	// March 13:00Z; 23 March is at the window's end and left out.
	weekly = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:weekly-1on1@test
DTSTAMP:20260201T000000Z
DTSTART;TZID=Europe/Berlin:20260216T100000
DTEND;TZID=Europe/Berlin:20260216T103000
RRULE:FREQ=WEEKLY;BYDAY=MO
EXDATE;TZID=Europe/Berlin:20260309T100000
SUMMARY:1:1 with Dana
ORGANIZER;CN=Dana:mailto:dana@boss.test
ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@leadup.test
END:VEVENT
BEGIN:VEVENT
UID:weekly-1on1@test
DTSTAMP:20260201T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20260316T100000
DTSTART;TZID=Europe/Berlin:20260317T140000
DTEND;TZID=Europe/Berlin:20260317T143000
SUMMARY:1:1 with Dana (moved)
ORGANIZER;CN=Dana:mailto:dana@boss.test
END:VEVENT
END:VCALENDAR
`
	allDay = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:offsite@test
DTSTAMP:20260201T000000Z
DTSTART;VALUE=DATE:20260305
DTEND;VALUE=DATE:20260306
SUMMARY:Offsite
END:VEVENT
END:VCALENDAR
`
	// customZone uses a zone that only its VTIMEZONE defines: +05:30.
	customZone = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VTIMEZONE
TZID:Custom/Office
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0530
TZOFFSETTO:+0530
TZNAME:OFC
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:custom-zone@test
DTSTAMP:20260201T000000Z
DTSTART;TZID=Custom/Office:20260304T153000
DTEND;TZID=Custom/Office:20260304T163000
SUMMARY:Planning
END:VEVENT
END:VCALENDAR
`
	// windowsZone names its zone the way Outlook does: 09:00 PST.
	windowsZone = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:vendor@test
DTSTAMP:20260201T000000Z
DTSTART;TZID=Pacific Standard Time:20260305T090000
DTEND;TZID=Pacific Standard Time:20260305T100000
SUMMARY:Vendor call
END:VEVENT
END:VCALENDAR
`
	cancelled = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:cancelled@test
DTSTAMP:20260201T000000Z
DTSTART:20260304T120000Z
DTEND:20260304T130000Z
STATUS:CANCELLED
SUMMARY:Cancelled sync
END:VEVENT
END:VCALENDAR
`
	standup = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:standup@test
DTSTAMP:20260201T000000Z
DTSTART:20260303T080000Z
DTEND:20260303T081500Z
SUMMARY:Team standup
END:VEVENT
END:VCALENDAR
`
	task = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VTODO
UID:todo@test
DTSTAMP:20260201T000000Z
SUMMARY:Write the report
END:VTODO
END:VCALENDAR
`
)

// budget is an event on both calendars, titled differently on each.
func budget(title string) string {
	return `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:budget@test
DTSTAMP:20260201T000000Z
DTSTART:20260306T150000Z
DTEND:20260306T160000Z
SUMMARY:` + title + `
X-HOSTILE:1
END:VEVENT
END:VCALENDAR
`
}

// wantAll is the full listing of the populated server.
var wantAll = []string{
	"2026-03-02T09:00:00Z 1:1 with Dana",
	"2026-03-03T08:00:00Z Team standup",
	"2026-03-04T10:00:00Z Planning",
	"2026-03-05T00:00:00Z Offsite (all day)",
	"2026-03-05T17:00:00Z Vendor call",
	"2026-03-06T15:00:00Z Budget review",
	"2026-03-17T13:00:00Z 1:1 with Dana (moved)",
}

// populate gives the server a work and a team calendar, and a task list.
func populate(t testing.TB, s *caldavtest.Server) {
	s.AddCalendar("work", "Work")
	s.AddCalendar("team", "Team", "VEVENT")
	s.AddCalendar("tasks", "Tasks", "VTODO")
	s.Put(t, "work", "weekly", weekly)
	s.Put(t, "work", "offsite", allDay)
	s.Put(t, "work", "planning", customZone)
	s.Put(t, "work", "vendor", windowsZone)
	s.Put(t, "work", "cancelled", cancelled)
	s.Put(t, "work", "budget", budget("Budget review"))
	s.Put(t, "team", "standup", standup)
	s.Put(t, "team", "budget", budget("Budget review (team copy)"))
	s.Put(t, "tasks", "todo", task)
}

// meter is a transport that counts requests and the bytes both ways:
// request and status lines, headers and bodies.
type meter struct {
	rt       http.RoundTripper
	mu       sync.Mutex
	requests int
	bytes    int64
}

func (m *meter) RoundTrip(req *http.Request) (*http.Response, error) {
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, req.URL.RequestURI(), req.URL.Host)
	req.Header.Write(&head)
	m.add(int64(head.Len()) + max(req.ContentLength, 0))
	m.mu.Lock()
	m.requests++
	m.mu.Unlock()
	resp, err := m.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	head.Reset()
	fmt.Fprintf(&head, "HTTP/1.1 %s\r\n", resp.Status)
	resp.Header.Write(&head)
	m.add(int64(head.Len()))
	resp.Body = &meteredBody{ReadCloser: resp.Body, m: m}
	return resp, nil
}

func (m *meter) add(n int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bytes += n
}

// take returns the requests and bytes since the last take.
func (m *meter) take() (int, int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, b := m.requests, m.bytes
	m.requests, m.bytes = 0, 0
	return r, b
}

type meteredBody struct {
	io.ReadCloser
	m *meter
}

func (b *meteredBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.m.add(int64(n))
	return n, err
}

type fixture struct {
	srv   *caldavtest.Server
	clock *clock.Instant
	meter *meter
	src   *caldav.Source
	log   *bytes.Buffer
}

// newFixture starts a populated server and a Source for its url path,
// with edit applied to the options.
func newFixture(t testing.TB, path string, edit func(*caldav.Options)) *fixture {
	t.Helper()
	fx := &fixture{srv: caldavtest.NewServer(t), clock: clock.NewInstant(now), log: &bytes.Buffer{}}
	populate(t, fx.srv)
	fx.meter = &meter{rt: &http.Transport{}}
	o := caldav.Options{
		URL:        fx.srv.URL + path,
		Username:   caldavtest.User,
		Password:   caldavtest.Password,
		Lookahead:  lookahead,
		Location:   time.UTC,
		Self:       []string{"alice@leadup.test"},
		HTTPClient: &http.Client{Transport: fx.meter},
		Clock:      fx.clock,
		Log:        slog.New(slog.NewTextHandler(fx.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&o)
	}
	src, err := caldav.New(o)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	fx.src = src
	return fx
}

func (fx *fixture) sync(t testing.TB, cur string) calendar.Changes {
	t.Helper()
	ch, err := fx.src.Sync(context.Background(), cur)
	if err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	return ch
}

// summary lists events as "start title", all-day ones marked.
func summary(evs []calendar.Event) []string {
	var out []string
	for _, ev := range evs {
		s := ev.Start.UTC().Format(time.RFC3339) + " " + ev.Title
		if ev.AllDay {
			s += " (all day)"
		}
		out = append(out, s)
	}
	return out
}

func sameList(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

func TestDiscovery(t *testing.T) {
	work := []string{
		"2026-03-02T09:00:00Z 1:1 with Dana",
		"2026-03-04T10:00:00Z Planning",
		"2026-03-05T00:00:00Z Offsite (all day)",
		"2026-03-05T17:00:00Z Vendor call",
		"2026-03-06T15:00:00Z Budget review",
		"2026-03-17T13:00:00Z 1:1 with Dana (moved)",
	}
	for _, tc := range []struct {
		name string
		path string
		want []string
	}{
		{"server root", "/", wantAll},
		{"principal", caldavtest.Principal, wantAll},
		{"calendar home", caldavtest.Home, wantAll},
		{"calendar collection", caldavtest.Home + "work/", work},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, tc.path, nil)
			ch := fx.sync(t, "")
			if !ch.Full {
				t.Fatalf("first Sync() is not a full listing")
			}
			if got := summary(ch.Events); !sameList(got, tc.want) {
				t.Errorf("Sync() listed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if reqs, _ := fx.meter.take(); ch.Requests != reqs {
				t.Errorf("Sync() counted %d requests, the transport saw %d", ch.Requests, reqs)
			}
		})
	}
}

func TestFullSync(t *testing.T) {
	fx := newFixture(t, "/", nil)
	ch := fx.sync(t, "")
	w := calendar.ListingWindow(now, lookahead)
	if !ch.Full || ch.Window != w {
		t.Fatalf("Sync() = full %t window %v, want a full listing of %v", ch.Full, ch.Window, w)
	}
	if got := summary(ch.Events); !sameList(got, wantAll) {
		t.Fatalf("Sync() listed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantAll, "\n"))
	}
	for _, ev := range ch.Events {
		switch ev.Title {
		case "1:1 with Dana":
			if ev.UID != "weekly-1on1@test" || ev.RecurringEventID == "" || ev.OriginalStart.IsZero() {
				t.Errorf("instance = UID %q series %q original %v, want the series' UID and original start", ev.UID, ev.RecurringEventID, ev.OriginalStart)
			}
			if ev.OrganizerEmail() != "dana@boss.test" || len(ev.Attendees) != 1 || !ev.Attendees[0].Self {
				t.Errorf("instance organizer %q attendees %+v, want Dana and the user as Self", ev.OrganizerEmail(), ev.Attendees)
			}
		case "1:1 with Dana (moved)":
			if want := time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC); !ev.OriginalStart.Equal(want) {
				t.Errorf("moved instance's OriginalStart = %v, want %v", ev.OriginalStart, want)
			}
		case "Offsite":
			if !ev.End.Equal(time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("all-day event ends %v, want 6 March 00:00 UTC", ev.End)
			}
		}
	}
	// One PROPFIND to learn what the root is, discovery through the
	// principal, the markers, and one REPORT per calendar with events.
	var reports []string
	for _, r := range fx.srv.Seen() {
		if strings.HasPrefix(r, "REPORT") {
			reports = append(reports, r)
		}
	}
	if want := []string{"REPORT " + caldavtest.Home + "work/ 1", "REPORT " + caldavtest.Home + "team/ 1"}; !sameList(reports, want) {
		t.Errorf("REPORTs = %q, want %q", reports, want)
	}
}

func TestQuietPoll(t *testing.T) {
	fx := newFixture(t, "/", nil)
	first := fx.sync(t, "")
	fx.meter.take()
	fx.srv.Reset()
	fx.clock.Advance(time.Hour)
	ch := fx.sync(t, first.Cursor)
	reqs, n := fx.meter.take()
	if ch.Full || len(ch.Events) != 0 {
		t.Errorf("quiet Sync() = full %t with %d events, want an empty incremental change", ch.Full, len(ch.Events))
	}
	if ch.Requests != 1 || reqs != 1 {
		t.Errorf("quiet Sync() = %d requests (transport saw %d: %q), want 1", ch.Requests, reqs, fx.srv.Seen())
	}
	if n >= 4096 {
		t.Errorf("quiet Sync() moved %d bytes, want under 4 KB", n)
	}
	if got := fx.srv.Seen(); len(got) != 1 || got[0] != "PROPFIND "+caldavtest.Home+" 1" {
		t.Errorf("quiet Sync() sent %q, want one Depth 1 PROPFIND on the home", got)
	}
	if ch.Cursor != first.Cursor {
		t.Errorf("quiet Sync() changed the cursor:\n%s\n%s", first.Cursor, ch.Cursor)
	}
}

func TestQuietPollOneCalendar(t *testing.T) {
	fx := newFixture(t, caldavtest.Home+"team/", nil)
	first := fx.sync(t, "")
	fx.srv.Reset()
	ch := fx.sync(t, first.Cursor)
	if ch.Full || ch.Requests != 1 {
		t.Errorf("quiet Sync() = full %t, %d requests, want an empty change from 1", ch.Full, ch.Requests)
	}
	if got := fx.srv.Seen(); len(got) != 1 || got[0] != "PROPFIND "+caldavtest.Home+"team/ 0" {
		t.Errorf("quiet Sync() sent %q, want one Depth 0 PROPFIND on the calendar", got)
	}
}

func TestChangeAndDeletion(t *testing.T) {
	fx := newFixture(t, "/", nil)
	ch := fx.sync(t, "")

	fx.srv.Put(t, "work", "vendor", strings.Replace(windowsZone, "Vendor call", "Vendor call (agenda)", 1))
	fx.srv.Reset()
	ch = fx.sync(t, ch.Cursor)
	if !ch.Full {
		t.Fatalf("Sync() after a change is not a full listing")
	}
	if got := summary(ch.Events); !strings.Contains(strings.Join(got, "\n"), "2026-03-05T17:00:00Z Vendor call (agenda)") {
		t.Errorf("Sync() after a change listed\n%s\nwant the new title", strings.Join(got, "\n"))
	}
	if got := len(fx.srv.Seen()); ch.Requests != 3 || got != 3 {
		t.Errorf("Sync() after a change = %d requests (server saw %d), want 3: the poll and a REPORT per calendar", ch.Requests, got)
	}

	fx.srv.Remove("work", "offsite")
	ch = fx.sync(t, ch.Cursor)
	if !ch.Full {
		t.Fatalf("Sync() after a deletion is not a full listing")
	}
	for _, ev := range ch.Events {
		if ev.Title == "Offsite" {
			t.Errorf("Sync() after the deletion still lists %q", ev.Title)
		}
	}
	if len(ch.Events) != len(wantAll)-1 {
		t.Errorf("Sync() after the deletion listed %d events, want %d", len(ch.Events), len(wantAll)-1)
	}
	if ch = fx.sync(t, ch.Cursor); ch.Full || ch.Requests != 1 {
		t.Errorf("Sync() after that = full %t, %d requests, want a quiet poll", ch.Full, ch.Requests)
	}
}

func TestWindowSlides(t *testing.T) {
	fx := newFixture(t, "/", nil)
	ch := fx.sync(t, "")
	fx.clock.Advance(6 * 24 * time.Hour) // now+lookahead still inside the window
	if ch = fx.sync(t, ch.Cursor); ch.Full {
		t.Fatalf("Sync() 6 days later is a full listing, want a quiet poll")
	}
	fx.clock.Advance(2 * 24 * time.Hour) // now+lookahead passes the window's end
	ch = fx.sync(t, ch.Cursor)
	if want := calendar.ListingWindow(fx.clock.Now(), lookahead); !ch.Full || ch.Window != want {
		t.Errorf("Sync() 8 days later = full %t window %v, want a full listing of %v", ch.Full, ch.Window, want)
	}
}

func TestSameEventOnTwoCalendars(t *testing.T) {
	for _, tc := range []struct {
		name      string
		calendars []string
		want      string
	}{
		{"server order", nil, "Budget review"},
		{"configured order", []string{"team", "Work"}, "Budget review (team copy)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, "/", func(o *caldav.Options) { o.Calendars = tc.calendars })
			ch := fx.sync(t, "")
			var got []string
			for _, ev := range ch.Events {
				if ev.UID == "budget@test" {
					got = append(got, ev.Title)
				}
			}
			if len(got) != 1 || got[0] != tc.want {
				t.Errorf("Sync() listed the shared event as %q, want once as %q", got, tc.want)
			}
		})
	}
}

func TestCalendarsByName(t *testing.T) {
	fx := newFixture(t, "/", func(o *caldav.Options) { o.Calendars = []string{"TEAM"} })
	ch := fx.sync(t, "")
	want := []string{"2026-03-03T08:00:00Z Team standup", "2026-03-06T15:00:00Z Budget review (team copy)"}
	if got := summary(ch.Events); !sameList(got, want) {
		t.Errorf("Sync() of Team listed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The home is not polled for a single calendar.
	fx.srv.Reset()
	fx.sync(t, ch.Cursor)
	if got := fx.srv.Seen(); len(got) != 1 || got[0] != "PROPFIND "+caldavtest.Home+"team/ 0" {
		t.Errorf("poll sent %q, want one Depth 0 PROPFIND on the calendar", got)
	}
}

func TestCalendarNotFound(t *testing.T) {
	fx := newFixture(t, "/", func(o *caldav.Options) { o.Calendars = []string{"Work", "Holidays"} })
	_, err := fx.src.Sync(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), `"Holidays" not found`) || !strings.Contains(err.Error(), `"Work"`) {
		t.Errorf("Sync() = %v, want an error naming the missing calendar and those there are", err)
	}
}

func TestLayoutChange(t *testing.T) {
	fx := newFixture(t, "/", func(o *caldav.Options) { o.Calendars = []string{"Team", "Work"} })
	ch := fx.sync(t, "")

	// The team calendar is deleted: the poll misses it, discovery runs
	// again, and the configured name is now missing.
	fx.srv.RemoveCalendar("team")
	_, err := fx.src.Sync(context.Background(), ch.Cursor)
	if err == nil || !strings.Contains(err.Error(), `"Team" not found`) {
		t.Errorf("Sync() after the calendar went = %v, want an error naming it", err)
	}

	// With every calendar wanted, a new one is found the same way.
	fx = newFixture(t, "/", nil)
	ch = fx.sync(t, "")
	fx.srv.RemoveCalendar("team")
	fx.srv.AddCalendar("team2", "Team")
	fx.srv.Put(t, "team2", "standup", standup)
	ch = fx.sync(t, ch.Cursor)
	if !ch.Full || !strings.Contains(strings.Join(summary(ch.Events), "\n"), "Team standup") {
		t.Errorf("Sync() after the calendar moved = full %t %q, want a full listing with the moved calendar", ch.Full, summary(ch.Events))
	}
	if !strings.Contains(fx.log.String(), "discovering the calendars again") {
		t.Errorf("no log of the rediscovery:\n%s", fx.log)
	}
}

func TestUnauthorized(t *testing.T) {
	fx := newFixture(t, "/", func(o *caldav.Options) { o.Password = "wrong-password-77" })
	ch, err := fx.src.Sync(context.Background(), "")
	if !errors.Is(err, caldav.ErrRefused) || !strings.Contains(err.Error(), "username or app password") {
		t.Fatalf("Sync() = %v, want ErrRefused", err)
	}
	if strings.Contains(err.Error(), "wrong-password-77") || strings.Contains(fx.log.String(), "wrong-password-77") {
		t.Errorf("the password appears in the error or log: %v\n%s", err, fx.log)
	}
	if ch.Requests != 1 || len(fx.clock.Waits()) != 0 {
		t.Errorf("Sync() = %d requests, %d waits, want 1 and no retry", ch.Requests, len(fx.clock.Waits()))
	}
}

func TestServerErrorsRetried(t *testing.T) {
	fx := newFixture(t, "/", nil)
	ch := fx.sync(t, "")
	fx.srv.FailNext(2)
	ch = fx.sync(t, ch.Cursor)
	if ch.Full || ch.Requests != 3 {
		t.Errorf("Sync() through two 503s = full %t, %d requests, want a quiet poll in 3", ch.Full, ch.Requests)
	}
	if len(fx.clock.Waits()) != 2 || fx.clock.Waits()[0] < 500*time.Millisecond || fx.clock.Waits()[1] < time.Second {
		t.Errorf("waits = %v, want two growing backoffs", fx.clock.Waits())
	}

	fx.srv.FailNext(100)
	_, err := fx.src.Sync(context.Background(), ch.Cursor)
	if err == nil || !strings.Contains(err.Error(), "giving up after 7 attempts") {
		t.Errorf("Sync() against a failing server = %v, want it to give up after 7 attempts", err)
	}
}

func TestHostileData(t *testing.T) {
	fx := newFixture(t, "/", nil)
	hostile := []string{
		// Malformed content lines and parameters inside a good event.
		"ATTENDEE;CN=\"unterminated:mailto:x@test",
		"X-PARAM;" + strings.Repeat("A=B;", 2000) + "C=D:v",
		"no colon at all",
		// A component left open: it must not swallow what follows.
		"BEGIN:VALARM",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:broken@test",
		"DTSTART:not-a-date",
		"SUMMARY:Broken",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:unclosed@test",
		"DTSTART:20260310T100000Z",
		"SUMMARY:Unclosed",
	}
	fx.srv.SetRewrite(func(b []byte) []byte {
		var esc bytes.Buffer
		xml.EscapeText(&esc, []byte(strings.Join(hostile, "\n")))
		b = bytes.Replace(b, []byte("X-HOSTILE:1"), esc.Bytes(), 1)
		// A per-resource failure in the multistatus (RFC 4918 section 13).
		gone := []byte(`<response xmlns="DAV:"><href>` + caldavtest.Home + `work/gone.ics</href><status>HTTP/1.1 403 Forbidden</status></response>`)
		if i := bytes.LastIndex(b, []byte("</")); i >= 0 {
			b = append(b[:i:i], append(gone, b[i:]...)...)
		}
		return b
	})
	ch := fx.sync(t, "")
	got := summary(ch.Events)
	for _, want := range []string{"1:1 with Dana", "Planning", "Offsite", "Vendor call", "Team standup"} {
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("Sync() of hostile data lost %q; listed\n%s", want, strings.Join(got, "\n"))
		}
	}
	if strings.Contains(strings.Join(got, "\n"), "Broken") {
		t.Errorf("Sync() listed an event without a usable start:\n%s", strings.Join(got, "\n"))
	}
	if !strings.Contains(fx.log.String(), "would not send") {
		t.Errorf("no warning about the failed resource:\n%s", fx.log)
	}
}

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		url, name, err string
	}{
		{url: "https://dav.example.com/remote.php/dav/?x=1#y", name: "caldav:dav.example.com/remote.php/dav/"},
		{url: "https://dav.example.com", name: "caldav:dav.example.com/"},
		{url: "http://127.0.0.1:5232/alice/", name: "caldav:127.0.0.1:5232/alice/"},
		{url: "http://localhost/dav/", name: "caldav:localhost/dav/"},
		{url: "http://[::1]:8080/", name: "caldav:[::1]:8080/"},
		{url: "http://dav.example.com/", err: "use https"},
		{url: "https://alice:secret@dav.example.com/", err: "not in the URL"},
		{url: "ftp://dav.example.com/", err: "must be https"},
		{url: "https:///nohost", err: "no host"},
		{url: "https://dav.example.com/%zz", err: "not valid"},
	} {
		src, err := caldav.New(caldav.Options{URL: tc.url, Username: "alice", Password: "secret", Lookahead: lookahead})
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "secret") {
				t.Errorf("New(%q) = %v, want an error with %q and no password", tc.url, err, tc.err)
			}
		case err != nil:
			t.Errorf("New(%q) = %v", tc.url, err)
		case src.Name() != tc.name:
			t.Errorf("New(%q).Name() = %q, want %q", tc.url, src.Name(), tc.name)
		}
	}
}

func TestUnreadableCursor(t *testing.T) {
	fx := newFixture(t, "/", nil)
	ch := fx.sync(t, "{not json")
	if !ch.Full || len(ch.Events) != len(wantAll) {
		t.Errorf("Sync() of an unreadable cursor = full %t with %d events, want a full listing", ch.Full, len(ch.Events))
	}
}

func TestResponseCap(t *testing.T) {
	fx := newFixture(t, "/", func(o *caldav.Options) { o.MaxBytes = 2000 })
	_, err := fx.src.Sync(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), "larger than 2000 bytes") {
		t.Errorf("Sync() with a 2000-byte cap = %v, want the cap's error", err)
	}
}

// generate puts n single events, one every 15 minutes of working time
// from now on, into the work calendar, with a shared VTIMEZONE.
func generate(t testing.TB, s *caldavtest.Server, n int) {
	for i := range n {
		day, slot := i/32, i%32
		start := now.Add(time.Duration(day%14)*24*time.Hour + time.Duration(slot)*15*time.Minute)
		s.Put(t, "work", fmt.Sprintf("gen-%d", i), fmt.Sprintf(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:gen-%d@test
DTSTAMP:20260201T000000Z
DTSTART;TZID=Europe/Berlin:%s
DURATION:PT30M
SUMMARY:Generated meeting %d
ORGANIZER;CN=Dana:mailto:dana@boss.test
ATTENDEE;CN=Alice;PARTSTAT=ACCEPTED:mailto:alice@leadup.test
ATTENDEE;CN=Bob;PARTSTAT=NEEDS-ACTION:mailto:bob@leadup.test
DESCRIPTION:Agenda: numbers\, plans and the week ahead.
END:VEVENT
END:VCALENDAR
`, i, start.In(berlin).Format("20060102T150405"), i))
	}
}

var berlin = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return l
}()

func TestManyEvents(t *testing.T) {
	fx := newFixture(t, caldavtest.Home+"work/", nil)
	generate(t, fx.srv, 500)
	ch := fx.sync(t, "")
	if n := len(ch.Events); n != 500+6 {
		t.Errorf("Sync() listed %d events, want %d", n, 506)
	}
}

// BenchmarkQuietPoll is a poll of two calendars where nothing changed.
func BenchmarkQuietPoll(b *testing.B) {
	fx := newFixture(b, "/", nil)
	ch := fx.sync(b, "")
	fx.meter.take()
	requests := 0
	b.ReportAllocs()
	for b.Loop() {
		c, err := fx.src.Sync(context.Background(), ch.Cursor)
		if err != nil || c.Full {
			b.Fatalf("Sync() = full %t, %v", c.Full, err)
		}
		requests += c.Requests
	}
	_, n := fx.meter.take()
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	b.ReportMetric(float64(n)/float64(b.N), "bytes/op")
}

// BenchmarkFullSync2000 is a full listing of a calendar with 2,000 events
// in the window, each its own object with its own VTIMEZONE, from a fresh
// cursor: the probe, the markers and the REPORT.
func BenchmarkFullSync2000(b *testing.B) {
	fx := newFixture(b, caldavtest.Home+"work/", nil)
	generate(b, fx.srv, 2000)
	fx.meter.take()
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		ch, err := fx.src.Sync(context.Background(), "")
		if err != nil || len(ch.Events) != 2006 {
			b.Fatalf("Sync() = %d events, %v", len(ch.Events), err)
		}
	}
	_, n := fx.meter.take()
	// The server shares the process, but answers from its cache: most of
	// the CPU time is the client's.
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(n)/float64(b.N), "bytes/op")
}
