// Package graphtest is an in-process fake of the part of Microsoft Graph
// v1.0 that leadup's Microsoft calendar back end uses, in the spirit of
// net/http/httptest:
//
//   - GET me/calendars, paged;
//   - GET me/calendarView/delta and me/calendars/{id}/calendarView/delta:
//     a full round over startDateTime/endDateTime, paged with
//     @odata.nextLink and an opaque $skiptoken, ending with an
//     @odata.deltaLink whose $deltatoken returns only what changed since,
//     deleted events (and events that left the window) as
//     {"id":…,"@removed":{"reason":"deleted"}}.
//
// It behaves like Graph where a client could get it wrong: it honours
// Prefer: odata.maxpagesize (with a small default otherwise) and Prefer:
// outlook.timezone; it serves full, heavy event payloads, since calendarView
// delta cannot be narrowed with $select and refuses the query options the
// documentation says it does not support; it answers 410 with Graph's error
// body for an expired token (ExpireDeltaTokens), 429 with Retry-After
// (Throttle), 401 without an accepted bearer token (RequireTokens).
//
// Without Prefer: outlook.timezone="UTC" it answers in the mailbox's own
// zone, labelled with a Windows zone name ("Pacific Standard Time" by
// default, see SetMailboxZone). Graph's documentation says UTC is assumed
// then; the fake is stricter on purpose, so that a client relying on the
// default is caught.
//
// Every request is logged with the size of the body written, for tests and
// benchmarks of how much a client asks for (Requests).
//
// The package does not import testing, so an end-to-end harness binary can
// use it too.
package graphtest

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	// The mailbox zone must load where /usr/share/zoneinfo is missing.
	_ "time/tzdata"
)

// DefaultCalendar is the id of the mailbox's default calendar, which
// me/calendarView serves. Its name is "Calendar", as in Outlook.
const DefaultCalendar = "AAMkADefaultCalendarId="

// DefaultPageSize is the page size without Prefer: odata.maxpagesize. It is
// small, so that a client that forgets the preference pays in requests.
const DefaultPageSize = 10

// Event is an event as a test describes it; the server renders it as
// Graph's event resource. Times are instants; the server writes them in the
// zone the request prefers.
type Event struct {
	ID      string // assigned by Put when empty
	ICalUID string // defaults to one derived from ID
	Subject string
	Body    string // the body's content
	// BodyType is "html" (the default, wrapped in an HTML document as
	// Outlook does) or "text".
	BodyType string
	Location string
	// Start and End are instants. For an all-day event they are midnight
	// UTC of the first day and of the day after the last.
	Start, End  time.Time
	AllDay      bool
	Cancelled   bool // isCancelled
	IsOrganizer bool
	ShowAs      string // defaults to "busy"
	// Type is "singleInstance" (the default), "occurrence" or
	// "exception"; seriesMaster events are never listed by calendarView.
	Type           string
	SeriesMasterID string
	OriginalStart  time.Time // for occurrences and exceptions
	Organizer      Address
	Attendees      []Attendee
	// Response is the user's own answer (responseStatus): "none",
	// "organizer", "tentativelyAccepted", "accepted", "declined" or
	// "notResponded". Defaults to "organizer" for IsOrganizer, else "none".
	Response         string
	JoinURL          string // onlineMeeting.joinUrl
	OnlineMeetingURL string
	WebLink          string    // defaults to an Outlook on the web link
	Modified         time.Time // lastModifiedDateTime; set by the server
}

// Address is Graph's emailAddress.
type Address struct {
	Name    string
	Address string
}

// Attendee is one of an event's attendees.
type Attendee struct {
	Address
	Type     string // "required" (the default), "optional" or "resource"
	Response string // "none" (the default), "accepted", "declined", …
}

// Request is one request the server answered, as Requests reports it.
type Request struct {
	Method string
	// Path is the request's URL path, unescaped.
	Path  string
	Query url.Values
	// Prefer holds the request's Prefer header values, as sent.
	Prefer []string
	// Status is the HTTP status code of the response.
	Status int
	// BodyBytes is the size of the response body. The server never
	// compresses, so this is what a client decodes.
	BodyBytes int
}

// Server is a fake Microsoft Graph on loopback. All methods are safe for
// concurrent use.
type Server struct {
	// URL is the server's base URL, "http://127.0.0.1:PORT", without a
	// trailing slash. Clients want Endpoint instead.
	URL string

	ts *httptest.Server

	mu sync.Mutex
	// version numbers every change on every calendar. Delta tokens carry
	// the version reached, so "changed since the token" is a comparison.
	version int64
	// epoch is bumped by ExpireDeltaTokens: tokens of an older epoch answer
	// 410.
	epoch     int64
	ids       int64
	calendars map[string]*calendarState
	order     []string // calendar ids in creation order
	// tokens is nil until RequireTokens is called; nil accepts any request.
	tokens    map[string]bool
	failures  []failure
	snapshots map[string]*snapshot
	snapOrder []string // oldest first, for eviction
	nextSnap  int64
	requests  []Request
	zone      *time.Location
	zoneName  string
	now       func() time.Time
}

type calendarState struct {
	id, name string
	events   map[string]*record
}

// record is one stored version of an event. Records are not modified once
// stored (but for their render cache): a change stores a new record, so a
// snapshot can hold records without copying them.
type record struct {
	ev      Event
	raw     []byte // a PutRaw item, served as is
	version int64
	deleted bool

	mu    sync.Mutex
	cache map[string][]byte // rendered JSON by zone name
}

// failure is one injected error answer.
type failure struct {
	status     int
	code       string
	retryAfter time.Duration
}

// NewServer starts a fake Graph on 127.0.0.1 with an empty default
// calendar. The caller should Close it when done.
func NewServer() *Server {
	s := &Server{
		calendars: map[string]*calendarState{},
		snapshots: map[string]*snapshot{},
		now:       time.Now,
	}
	s.SetMailboxZone("America/Los_Angeles", "Pacific Standard Time")
	s.AddCalendar(DefaultCalendar, "Calendar")
	s.ts = httptest.NewServer(s.handler())
	s.URL = s.ts.URL
	return s
}

// Close shuts the server down and waits for outstanding requests.
func (s *Server) Close() { s.ts.Close() }

// Endpoint is the API base URL to give to a client, ending in "/v1.0/".
func (s *Server) Endpoint() string { return s.URL + "/v1.0/" }

// SetClock makes the server read the time from now, for lastModifiedDateTime.
// The default is time.Now.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetMailboxZone sets the zone the server answers in when a request does
// not prefer UTC: iana is loaded, label is what timeZone says (Graph uses
// Windows names, such as "W. Europe Standard Time"). It panics if iana does
// not load: that is a bug in the test.
func (s *Server) SetMailboxZone(iana, label string) {
	loc, err := time.LoadLocation(iana)
	if err != nil {
		panic(fmt.Sprintf("graphtest: SetMailboxZone(%q): %v", iana, err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.zone, s.zoneName = loc, label
}

// AddCalendar creates a calendar, or renames one. me/calendars lists
// calendars in the order they were created.
func (s *Server) AddCalendar(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calendarLocked(id).name = name
}

func (s *Server) calendarLocked(id string) *calendarState {
	c := s.calendars[id]
	if c == nil {
		c = &calendarState{id: id, name: id, events: map[string]*record{}}
		s.calendars[id] = c
		s.order = append(s.order, id)
	}
	return c
}

// Put creates or replaces an event on a calendar, which is created if it
// does not exist, and returns its id (ev.ID, or a new one). A replace is a
// change that later delta rounds report. Put panics if ev has no start or
// ends before it starts: that is a bug in the test.
func (s *Server) Put(calendarID string, ev Event) string {
	if ev.Start.IsZero() || ev.End.Before(ev.Start) {
		panic(fmt.Sprintf("graphtest: Put(%q, %q): bad start or end", calendarID, ev.ID))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev.ID == "" {
		s.ids++
		ev.ID = newID(s.ids)
	}
	ev.Attendees = slices.Clone(ev.Attendees)
	s.storeLocked(calendarID, &record{ev: ev})
	return ev.ID
}

// PutRaw stores an item served verbatim in the value array of delta pages,
// such as malformed or hostile JSON; start and end place it in windows. It
// is listed under id for changes and deletion.
func (s *Server) PutRaw(calendarID, id string, start, end time.Time, raw []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.storeLocked(calendarID, &record{ev: Event{ID: id, Start: start, End: end}, raw: slices.Clone(raw)})
}

func (s *Server) storeLocked(calendarID string, r *record) {
	s.version++
	r.version = s.version
	if r.ev.Modified.IsZero() {
		r.ev.Modified = s.now().UTC()
	}
	s.calendarLocked(calendarID).events[r.ev.ID] = r
}

// Update changes a stored event: fn gets a copy to edit. The id cannot be
// changed. fn runs with the server locked, so it must not call the server.
func (s *Server) Update(calendarID, id string, fn func(ev *Event)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookupLocked(calendarID, id)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	ev := old.ev
	ev.Attendees = slices.Clone(ev.Attendees)
	ev.Modified = time.Time{}
	fn(&ev)
	ev.ID = id
	if old.raw == nil && (ev.Start.IsZero() || ev.End.Before(ev.Start)) {
		return fmt.Errorf("update %q: bad start or end", id)
	}
	s.storeLocked(calendarID, &record{ev: ev, raw: old.raw})
	return nil
}

// Delete deletes an event: later delta rounds report it as @removed.
func (s *Server) Delete(calendarID, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookupLocked(calendarID, id)
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	s.storeLocked(calendarID, &record{ev: old.ev, raw: old.raw, deleted: true})
	return nil
}

func (s *Server) lookupLocked(calendarID, id string) (*record, error) {
	c := s.calendars[calendarID]
	if c == nil {
		return nil, fmt.Errorf("no calendar %q", calendarID)
	}
	r := c.events[id]
	if r == nil || r.deleted {
		return nil, fmt.Errorf("no event %q on calendar %q", id, calendarID)
	}
	return r, nil
}

// AddSeries stores count occurrences of a series, every interval apart
// from master.Start, as calendarView lists them: type "occurrence",
// seriesMasterId master.ID, originalStart the occurrence's start. It
// returns their ids. The master itself is not listed.
func (s *Server) AddSeries(calendarID string, master Event, count int, every time.Duration) []string {
	d := master.End.Sub(master.Start)
	var ids []string
	for i := range count {
		ev := master
		ev.Start = master.Start.Add(time.Duration(i) * every)
		ev.End = ev.Start.Add(d)
		ev.ID = master.ID + "_" + ev.Start.UTC().Format("20060102T150405Z")
		ev.Type = "occurrence"
		ev.SeriesMasterID = master.ID
		ev.OriginalStart = ev.Start
		ids = append(ids, s.Put(calendarID, ev))
	}
	return ids
}

// MoveOccurrence moves one occurrence of a series to start at start,
// making it an exception that keeps its originalStart.
func (s *Server) MoveOccurrence(calendarID, id string, start time.Time) error {
	return s.Update(calendarID, id, func(ev *Event) {
		d := ev.End.Sub(ev.Start)
		ev.Start, ev.End = start, start.Add(d)
		ev.Type = "exception"
	})
}

// Generate stores n meetings on a calendar, one every step from start,
// each with a few attendees and a body, as a busy mailbox has them.
func (s *Server) Generate(calendarID string, n int, start time.Time, step time.Duration) {
	for i := range n {
		at := start.Add(time.Duration(i) * step)
		s.Put(calendarID, Event{
			Subject:   fmt.Sprintf("Project sync %d", i),
			Body:      "<p>Agenda: status, risks, next steps.</p><p>Join on time, please.</p>",
			Location:  "Room " + strconv.Itoa(100+i%40),
			Start:     at,
			End:       at.Add(30 * time.Minute),
			Organizer: Address{Name: "Dana Whitfield", Address: "dana@example.com"},
			Attendees: []Attendee{
				{Address: Address{Name: "Dana Whitfield", Address: "dana@example.com"}, Response: "accepted"},
				{Address: Address{Name: "Me", Address: "me@example.com"}, Response: "accepted"},
				{Address: Address{Name: "Sam Ortiz", Address: "sam@example.com"}, Type: "optional"},
				{Address: Address{Name: "Room 12", Address: "room12@example.com"}, Type: "resource", Response: "accepted"},
			},
			Response: "accepted",
			JoinURL:  "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + strconv.Itoa(i),
		})
	}
}

// ExpireDeltaTokens makes every delta and skip token issued so far answer
// 410 Gone, as Graph does once it has dropped a token's sync state.
func (s *Server) ExpireDeltaTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.epoch++
}

// Throttle makes the next n requests answer 429 Too Many Requests with
// Retry-After (in whole seconds; none if retryAfter is 0).
func (s *Server) Throttle(n int, retryAfter time.Duration) {
	for range n {
		s.FailNext(429, "ApplicationThrottled", retryAfter)
	}
}

// FailNext makes the next request (after those already queued) answer
// status with Graph's error body carrying code, and Retry-After if
// retryAfter is not 0.
func (s *Server) FailNext(status int, code string, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{status: status, code: code, retryAfter: retryAfter})
}

// RequireTokens makes the server accept only requests with one of tokens
// as bearer token; others get 401. With no tokens, no request is accepted.
func (s *Server) RequireTokens(tokens ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]bool{}
	for _, t := range tokens {
		s.tokens[t] = true
	}
}

// Requests returns the requests answered since the start or the last
// ResetStats, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// ResetStats forgets the requests answered so far.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// newID makes an id shaped like Graph's: long, base64-like.
func newID(n int64) string {
	return fmt.Sprintf("AAMkAGI2TG93AAA-fake-%012d-BGAAAAAAAEOAAAAAAAAkPn0bAAAAAAENAAA=", n)
}

// overlaps reports whether an event from start to end overlaps [min, max),
// with calendarView's bounds: it ends after min and starts before max.
func overlaps(start, end, min, max time.Time) bool {
	return end.After(min) && start.Before(max)
}

// jsonString encodes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// foldedEq compares ASCII names case-insensitively, as Graph does for
// paths and query option names.
func foldedEq(a, b string) bool { return strings.EqualFold(a, b) }
