// Package googletest is an in-process fake of the Google Calendar API v3
// events.list endpoint, in the spirit of net/http/httptest.
//
// It answers the requests google.golang.org/api/calendar/v3 sends for
// Events.List the way Google does: paged full syncs from a server-side
// snapshot, incremental syncs with tombstones, 410 when a sync token has
// expired, Google-style JSON errors, partial responses (the fields
// parameter), and heavy event payloads, so that a client that forgets
// fields pays for it. Tests shape the calendar with Put, Update, Delete and
// the recurring-series helpers, and inject trouble with FailNext,
// SetPageSizes and ExpireSyncTokens.
//
// Only singleEvents=true listings are served: recurring events are stored as
// their expanded instances, which is what leadup asks Google for.
//
// The package does not import testing, so an end-to-end harness binary can
// use it too.
package googletest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"time"

	// AddWeekly, MoveInstance and Generate need IANA zones. A harness binary
	// may run where /usr/share/zoneinfo is missing, and a silent fallback to
	// UTC would hide exactly the DST bugs the fake exists to expose.
	_ "time/tzdata"

	calendarapi "google.golang.org/api/calendar/v3"
)

// Event statuses and kinds as Google spells them.
const (
	statusConfirmed = "confirmed"
	statusCancelled = "cancelled"
	kindEvent       = "calendar#event"
	kindEvents      = "calendar#events"
	// primaryID always exists, as it does for every Google account.
	primaryID = "primary"
	// updatedLayout is how Google writes created and updated: UTC, milliseconds.
	updatedLayout = "2006-01-02T15:04:05.000Z07:00"
	dateLayout    = "2006-01-02"
)

// Server is a fake Google Calendar API serving events.list on loopback.
// All methods are safe for concurrent use.
type Server struct {
	// URL is the server's base URL, "http://127.0.0.1:PORT", without a
	// trailing slash. Clients want Endpoint instead.
	URL string

	ts *httptest.Server

	mu  sync.Mutex
	now func() time.Time
	// version numbers every change on every calendar. Sync tokens carry the
	// version a calendar had reached, so "changed since the token" is a
	// comparison.
	version int64
	// epoch is bumped by ExpireSyncTokens; tokens minted in an older epoch
	// answer 410.
	epoch     int64
	ids       int64 // for events put without an id
	calendars map[string]*calendar
	// tokens is nil until AcceptTokens is called; nil accepts any bearer.
	tokens    map[string]bool
	failures  []failure
	pageSizes []int
	snapshots map[int64]*snapshot
	snapOrder []int64 // oldest first, for eviction
	nextSnap  int64
	requests  []Request
}

// calendar is one calendar's state.
type calendar struct {
	id      string
	latest  int64     // version of the newest change in this calendar
	updated time.Time // time of that change
	events  map[string]*record
	// series holds the masters added by AddWeekly. They are never listed
	// (singleEvents=true lists instances only) but DeleteSeries needs them.
	series map[string]*calendarapi.Event
}

// record is one stored version of an event. Records are not modified once
// stored (but for a cache): an edit stores a new record. That lets a snapshot hold
// records without copying them, and lets the handler render them after
// releasing the lock.
type record struct {
	ev         *calendarapi.Event
	version    int64
	start, end time.Time // zero when the event has no times (a tombstone)
	updated    time.Time
	// body is the JSON the event is listed as: the full event, or the bare
	// tombstone Google sends once it is cancelled.
	body []byte

	// mu guards partials, the only part of a record that changes: a cache
	// of body narrowed by fields selections, keyed by their canonical form.
	mu       sync.Mutex
	partials map[string][]byte
}

func (r *record) cancelled() bool { return r.ev.Status == statusCancelled }

// failure is one injected error response.
type failure struct {
	status     int
	reason     string
	retryAfter time.Duration
}

// Request is one request the server answered, as Requests reports it.
type Request struct {
	// Path is the request's URL path, unescaped.
	Path string
	// Query is the request's query parameters.
	Query url.Values
	// Status is the HTTP status code of the response.
	Status int
	// BodyBytes is the size of the response body. The server never
	// compresses, so this is what a client decodes.
	BodyBytes int
}

// NewServer starts a fake Calendar API on 127.0.0.1. The caller should Close
// it when done. The calendar "primary" exists from the start; other
// calendars come into being with their first event.
func NewServer() *Server {
	s := &Server{
		now:       time.Now,
		calendars: make(map[string]*calendar),
		snapshots: make(map[int64]*snapshot),
	}
	s.calendarLocked(primaryID)
	s.ts = httptest.NewServer(s.handler())
	s.URL = s.ts.URL
	return s
}

// Close shuts the server down and waits for outstanding requests.
func (s *Server) Close() { s.ts.Close() }

// Endpoint is the API base URL to give to the client, as in
// option.WithEndpoint(s.Endpoint()).
func (s *Server) Endpoint() string { return s.URL + "/calendar/v3/" }

// SetClock makes the server read the time from now, for the created and
// updated stamps of events. The default is time.Now.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Put creates or replaces the event with ev.Id on the calendar, as an
// insert or update through the API would. The server stamps it: kind, a
// new etag, updated and, on a replace, a higher sequence; it fills
// created, htmlLink, iCalUID, creator, organizer, reminders, status
// ("confirmed") and eventType ("default") when they are empty. If ev.Id is
// empty Put assigns one and writes it to ev.Id; otherwise ev is not
// modified, and later changes to it do not affect the server.
//
// Put panics if ev is not cancelled and lacks a parsable start or end: that
// is a bug in the test, not a condition to handle.
func (s *Server) Put(calendarID string, ev *calendarapi.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.putLocked(calendarID, ev); err != nil {
		panic(fmt.Sprintf("googletest: Put(%q, %q): %v", calendarID, ev.Id, err))
	}
}

// Update edits a stored event in place: fn gets a copy to change (title,
// attendees, responseStatus, …) and the result is stored as a change, with
// a new etag, updated stamp and sequence. The id cannot be changed. fn runs
// with the server locked, so it must not call the server.
func (s *Server) Update(calendarID, eventID string, fn func(ev *calendarapi.Event)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookupLocked(calendarID, eventID)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	ev := cloneEvent(old.ev)
	fn(ev)
	ev.Id = eventID
	if err := s.commitLocked(s.calendars[calendarID], ev, old); err != nil {
		return fmt.Errorf("update %q: %w", eventID, err)
	}
	return nil
}

// Delete cancels an event. A full sync no longer lists it (unless
// showDeleted=true); an incremental sync returns it as a tombstone. Deleting
// an instance of a recurring series is the same as CancelInstance.
func (s *Server) Delete(calendarID, eventID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.cancelLocked(calendarID, eventID, false); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}

// CancelInstance cancels one instance of a recurring series. Its tombstone
// keeps recurringEventId and originalStartTime, which is how a client tells
// which occurrence went away.
func (s *Server) CancelInstance(calendarID, instanceID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.cancelLocked(calendarID, instanceID, true); err != nil {
		return fmt.Errorf("cancel instance: %w", err)
	}
	return nil
}

func (s *Server) cancelLocked(calendarID, eventID string, instanceOnly bool) error {
	old, err := s.lookupLocked(calendarID, eventID)
	if err != nil {
		return err
	}
	if instanceOnly && old.ev.RecurringEventId == "" {
		return fmt.Errorf("event %q is not an instance of a recurring event", eventID)
	}
	if old.cancelled() {
		// Google answers 410 Gone ("Resource has been deleted").
		return fmt.Errorf("event %q is already cancelled", eventID)
	}
	ev := cloneEvent(old.ev)
	ev.Status = statusCancelled
	return s.commitLocked(s.calendars[calendarID], ev, old)
}

// AddWeekly expands a weekly series the way Google does for
// singleEvents=true and stores the count instances. Each instance starts at
// the master's wall-clock time in master.Start.TimeZone (an IANA zone), so
// its UTC offset follows daylight saving time; without a TimeZone the
// offset of master.Start.DateTime stays fixed. All-day masters (Start.Date)
// give all-day instances.
//
// Instance ids are "<masterID>_<original start in UTC, 20061102T150405Z>"
// ("<masterID>_20061102" for all-day), RecurringEventId is master.Id and
// OriginalStartTime is the instance's unmoved start in the same form as
// Start. The master itself is remembered for DeleteSeries but never
// listed. If master.Id is empty one is assigned and written to master.Id.
// AddWeekly returns the instance ids in order.
//
// AddWeekly panics if master has no parsable start and end or names an
// unknown time zone.
func (s *Server) AddWeekly(calendarID string, master *calendarapi.Event, count int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, err := s.addWeeklyLocked(calendarID, master, count)
	if err != nil {
		panic(fmt.Sprintf("googletest: AddWeekly(%q, %q): %v", calendarID, master.Id, err))
	}
	return ids
}

func (s *Server) addWeeklyLocked(calendarID string, master *calendarapi.Event, count int) ([]string, error) {
	if master.Start == nil || master.End == nil {
		return nil, errors.New("master needs start and end")
	}
	if count <= 0 {
		return nil, nil
	}
	if master.Id == "" {
		master.Id = s.newIDLocked()
	}
	m := cloneEvent(master)
	m.Recurrence = nil // set below, after the instances are copied
	if m.ICalUID == "" {
		m.ICalUID = m.Id + "@google.com"
	}
	if m.Created == "" {
		m.Created = s.now().UTC().Format(updatedLayout)
	}

	starts, ends, suffixes, err := weeklyTimes(m, count)
	if err != nil {
		return nil, err
	}
	// Instances start as copies of the master, decoded from one encoding.
	mb, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode master: %w", err)
	}
	c := s.calendarLocked(calendarID)
	ids := make([]string, 0, count)
	for i := range starts {
		inst := new(calendarapi.Event)
		if err := json.Unmarshal(mb, inst); err != nil {
			return nil, fmt.Errorf("copy master: %w", err)
		}
		inst.Id = m.Id + "_" + suffixes[i]
		inst.RecurringEventId = m.Id
		inst.Start = starts[i]
		inst.End = ends[i]
		orig := *starts[i]
		inst.OriginalStartTime = &orig
		if err := s.commitLocked(c, inst, c.events[inst.Id]); err != nil {
			return nil, fmt.Errorf("store instance %d: %w", i, err)
		}
		ids = append(ids, inst.Id)
	}
	m.Recurrence = []string{fmt.Sprintf("RRULE:FREQ=WEEKLY;COUNT=%d", count)}
	c.series[m.Id] = m
	return ids, nil
}

// weeklyTimes computes the starts, ends and id suffixes of count weekly
// instances of m.
func weeklyTimes(m *calendarapi.Event, count int) (starts, ends []*calendarapi.EventDateTime, suffixes []string, err error) {
	if m.Start.Date != "" {
		sd, err := time.Parse(dateLayout, m.Start.Date)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("parse start date: %w", err)
		}
		ed, err := time.Parse(dateLayout, m.End.Date)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("parse end date: %w", err)
		}
		for i := range count {
			d := sd.AddDate(0, 0, 7*i)
			starts = append(starts, &calendarapi.EventDateTime{Date: d.Format(dateLayout)})
			ends = append(ends, &calendarapi.EventDateTime{Date: ed.AddDate(0, 0, 7*i).Format(dateLayout)})
			suffixes = append(suffixes, d.Format("20060102"))
		}
		return starts, ends, suffixes, nil
	}
	st, err := zonedTime(m.Start)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("start: %w", err)
	}
	et, err := zonedTime(m.End)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("end: %w", err)
	}
	for i := range count {
		// time.Date keeps the wall clock and lets the zone pick the offset:
		// that is what makes a 09:00 meeting stay at 09:00 across DST.
		si := time.Date(st.Year(), st.Month(), st.Day()+7*i, st.Hour(), st.Minute(), st.Second(), 0, st.Location())
		ei := time.Date(et.Year(), et.Month(), et.Day()+7*i, et.Hour(), et.Minute(), et.Second(), 0, et.Location())
		starts = append(starts, &calendarapi.EventDateTime{DateTime: si.Format(time.RFC3339), TimeZone: m.Start.TimeZone})
		ends = append(ends, &calendarapi.EventDateTime{DateTime: ei.Format(time.RFC3339), TimeZone: m.End.TimeZone})
		suffixes = append(suffixes, si.UTC().Format("20060102T150405Z"))
	}
	return starts, ends, suffixes, nil
}

// zonedTime parses dt.DateTime and moves it into dt.TimeZone when set.
func zonedTime(dt *calendarapi.EventDateTime) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, dt.DateTime)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse dateTime: %w", err)
	}
	if dt.TimeZone == "" {
		return t, nil
	}
	loc, err := time.LoadLocation(dt.TimeZone)
	if err != nil {
		return time.Time{}, fmt.Errorf("load time zone: %w", err)
	}
	return t.In(loc), nil
}

// MoveInstance moves an event, usually one instance of a series, to start
// and end. The id and originalStartTime stay, as when a user drags one
// occurrence in Google Calendar. The new times are written in the event's
// own time zone (Start.TimeZone) when it has one; an all-day event stays
// all-day and takes the dates of start and end.
func (s *Server) MoveInstance(calendarID, instanceID string, start, end time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookupLocked(calendarID, instanceID)
	if err != nil {
		return fmt.Errorf("move: %w", err)
	}
	if !end.After(start) {
		return fmt.Errorf("move %q: end %v is not after start %v", instanceID, end, start)
	}
	ev := cloneEvent(old.ev)
	if ev.Start != nil && ev.Start.Date != "" {
		ev.Start = &calendarapi.EventDateTime{Date: start.Format(dateLayout)}
		ev.End = &calendarapi.EventDateTime{Date: end.Format(dateLayout)}
	} else {
		var startTZ, endTZ string
		if ev.Start != nil {
			startTZ = ev.Start.TimeZone
		}
		if ev.End != nil {
			endTZ = ev.End.TimeZone
		}
		if ev.Start, err = inZone(start, startTZ); err != nil {
			return fmt.Errorf("move %q: %w", instanceID, err)
		}
		if ev.End, err = inZone(end, endTZ); err != nil {
			return fmt.Errorf("move %q: %w", instanceID, err)
		}
	}
	if err := s.commitLocked(s.calendars[calendarID], ev, old); err != nil {
		return fmt.Errorf("move %q: %w", instanceID, err)
	}
	return nil
}

func inZone(t time.Time, tz string) (*calendarapi.EventDateTime, error) {
	if tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return nil, fmt.Errorf("load time zone: %w", err)
		}
		t = t.In(loc)
	}
	return &calendarapi.EventDateTime{DateTime: t.Format(time.RFC3339), TimeZone: tz}, nil
}

// DeleteSeries deletes a whole recurring series. Its instances vanish from
// full syncs, and an incremental sync returns a single tombstone whose id is
// masterID and which has no recurringEventId: Google reports the deletion of
// a series that way, so a client must map it back to the instances it knows.
func (s *Server) DeleteSeries(calendarID, masterID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.calendars[calendarID]
	if !ok {
		return fmt.Errorf("delete series: no calendar %q", calendarID)
	}
	_, known := c.series[masterID]
	for id, rec := range c.events {
		if rec.ev.RecurringEventId == masterID {
			delete(c.events, id)
			known = true
		}
	}
	if !known {
		return fmt.Errorf("delete series: no series %q in calendar %q", masterID, calendarID)
	}
	delete(c.series, masterID)
	tomb := &calendarapi.Event{Id: masterID, Status: statusCancelled}
	if err := s.commitLocked(c, tomb, c.events[masterID]); err != nil {
		return fmt.Errorf("delete series %q: %w", masterID, err)
	}
	return nil
}

// ExpireSyncTokens makes every sync token issued so far answer 410
// fullSyncRequired, as Google does when it has dropped a token's history.
// Tokens issued afterwards work.
func (s *Server) ExpireSyncTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.epoch++
}

// AcceptTokens restricts the server to requests whose bearer token is one
// of tokens (and any passed to earlier calls). Until it is first called,
// any non-empty bearer token is accepted.
func (s *Server) AcceptTokens(tokens ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokens == nil {
		s.tokens = make(map[string]bool)
	}
	for _, t := range tokens {
		s.tokens[t] = true
	}
}

// FailNext makes the next n requests, whatever their path, fail with status
// and a Google-style error whose error.errors[0].reason is reason, e.g.
// (429, "rateLimitExceeded"), (403, "userRateLimitExceeded"),
// (503, "backendError"). Calls queue up: FailNext(1, 429, …) then
// FailNext(1, 503, …) fails the next request with 429 and the one after
// with 503.
func (s *Server) FailNext(n int, status int, reason string) {
	s.FailNextRetryAfter(n, status, reason, 0)
}

// FailNextRetryAfter is FailNext with a Retry-After header of retryAfter,
// rounded up to whole seconds; zero sends none.
func (s *Server) FailNextRetryAfter(n int, status int, reason string, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, failure{status: status, reason: reason, retryAfter: retryAfter})
	}
}

// SetPageSizes sets how many items the first pages of every listing that
// starts from now on hold: SetPageSizes(0, 3, 0, 1) gives pages of 0, 3, 0
// and 1 items, then pages of maxResults. Google documents that pages may be
// short or empty and still carry nextPageToken; this makes a client face
// that. Sizes are capped at the request's maxResults; negative sizes count
// as 0. SetPageSizes() restores full pages.
func (s *Server) SetPageSizes(sizes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSizes = make([]int, len(sizes))
	for i, n := range sizes {
		s.pageSizes[i] = max(n, 0)
	}
}

// LoadJSON Puts every event of a fixture shaped like an events.list
// response, {"items": [<calendar#event>, …]}, into the calendar.
func (s *Server) LoadJSON(calendarID string, r io.Reader) error {
	var fixture struct {
		Items []*calendarapi.Event `json:"items"`
	}
	if err := json.NewDecoder(r).Decode(&fixture); err != nil {
		return fmt.Errorf("decode fixture: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, ev := range fixture.Items {
		if ev == nil {
			return fmt.Errorf("load item %d: null event", i)
		}
		if err := s.putLocked(calendarID, ev); err != nil {
			return fmt.Errorf("load item %d (%q): %w", i, ev.Id, err)
		}
	}
	return nil
}

// Requests returns a copy of the log of requests answered since the start
// or the last ResetStats.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Query = cloneValues(r.Query)
		out[i] = r
	}
	return out
}

// ResetStats empties the request log.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// calendarLocked returns the calendar, creating it if needed.
func (s *Server) calendarLocked(id string) *calendar {
	c, ok := s.calendars[id]
	if !ok {
		c = &calendar{
			id:     id,
			events: make(map[string]*record),
			series: make(map[string]*calendarapi.Event),
		}
		s.calendars[id] = c
	}
	return c
}

func (s *Server) lookupLocked(calendarID, eventID string) (*record, error) {
	c, ok := s.calendars[calendarID]
	if !ok {
		return nil, fmt.Errorf("no calendar %q", calendarID)
	}
	rec, ok := c.events[eventID]
	if !ok {
		return nil, fmt.Errorf("no event %q in calendar %q", eventID, calendarID)
	}
	return rec, nil
}

// newIDLocked returns a fresh event id. Google ids use base32hex, lowercase
// a–v and 0–9; "fake" and hex digits stay inside that alphabet.
func (s *Server) newIDLocked() string {
	s.ids++
	return fmt.Sprintf("fake%08x", s.ids)
}

func (s *Server) putLocked(calendarID string, ev *calendarapi.Event) error {
	if ev.Id == "" {
		ev.Id = s.newIDLocked()
	}
	return s.putOwnedLocked(calendarID, cloneEvent(ev))
}

// putOwnedLocked stores an event nobody else holds, saving the copy.
func (s *Server) putOwnedLocked(calendarID string, ev *calendarapi.Event) error {
	c := s.calendarLocked(calendarID)
	return s.commitLocked(c, ev, c.events[ev.Id])
}

// commitLocked stamps ev (which the caller owns) as the new version of the
// event and stores it. old is the record it replaces, or nil.
func (s *Server) commitLocked(c *calendar, ev *calendarapi.Event, old *record) error {
	now := s.now().UTC()
	if ev.Status == "" {
		ev.Status = statusConfirmed
	}
	start, end, err := eventTimes(ev)
	if err != nil {
		if ev.Status != statusCancelled {
			return err
		}
		// A tombstone put without times is fine: it is never in a window.
		start, end = time.Time{}, time.Time{}
	}

	s.version++
	v := s.version
	ev.Kind = kindEvent
	// Google's etags are quoted decimal numbers that change on every edit.
	ev.Etag = fmt.Sprintf(`"3%015d"`, v)
	ev.Updated = now.Format(updatedLayout)
	switch {
	case old != nil && old.ev.Created != "":
		ev.Created = old.ev.Created
	case ev.Created == "":
		ev.Created = ev.Updated
	}
	if old != nil && ev.Sequence <= old.ev.Sequence {
		ev.Sequence = old.ev.Sequence + 1
	}
	if ev.EventType == "" {
		ev.EventType = "default"
	}
	if ev.ICalUID == "" {
		ev.ICalUID = ev.Id + "@google.com"
	}
	if ev.HtmlLink == "" {
		// Google's eid is base64 of "<id> <calendar>"; nothing ever fetches it.
		eid := base64URL(ev.Id + " " + c.id)
		ev.HtmlLink = "https://www.google.com/calendar/event?eid=" + eid
	}
	owner := ownerEmail(c.id)
	if ev.Creator == nil {
		ev.Creator = &calendarapi.EventCreator{Email: owner, Self: true}
	}
	if ev.Organizer == nil {
		ev.Organizer = &calendarapi.EventOrganizer{Email: owner, Self: true}
	}
	if ev.Reminders == nil {
		ev.Reminders = &calendarapi.EventReminders{UseDefault: true}
	}
	// Google sends "sequence": 0; the generated type would omit it.
	ev.ForceSendFields = append(ev.ForceSendFields, "Sequence")

	rec := &record{ev: ev, version: v, start: start, end: end, updated: now}
	if ev.Status == statusCancelled {
		rec.body, err = json.Marshal(tombstone(ev))
	} else {
		rec.body, err = json.Marshal(ev)
	}
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	c.events[ev.Id] = rec
	c.latest = v
	c.updated = now
	return nil
}

// tombstone is what Google lists for a cancelled event: identity only.
func tombstone(ev *calendarapi.Event) *calendarapi.Event {
	return &calendarapi.Event{
		Kind:              kindEvent,
		Etag:              ev.Etag,
		Id:                ev.Id,
		Status:            statusCancelled,
		RecurringEventId:  ev.RecurringEventId,
		OriginalStartTime: ev.OriginalStartTime,
	}
}

// ownerEmail is the calendar owner's address, for the default creator and
// organizer. A calendar id is usually the owner's address; "primary" is not.
func ownerEmail(calendarID string) string {
	for _, r := range calendarID {
		if r == '@' {
			return calendarID
		}
	}
	return "me@example.com"
}

// eventTimes returns the instants an event starts and ends. All-day events
// start and end at midnight UTC of their dates, as the window filter of
// events.list compares them.
func eventTimes(ev *calendarapi.Event) (start, end time.Time, err error) {
	if ev.Start == nil || ev.End == nil {
		return start, end, errors.New("event needs start and end")
	}
	if start, err = parseEventTime(ev.Start); err != nil {
		return start, end, fmt.Errorf("start: %w", err)
	}
	if end, err = parseEventTime(ev.End); err != nil {
		return start, end, fmt.Errorf("end: %w", err)
	}
	if end.Before(start) {
		return start, end, fmt.Errorf("end %s is before start %s", end, start)
	}
	return start, end, nil
}

func parseEventTime(dt *calendarapi.EventDateTime) (time.Time, error) {
	switch {
	case dt.DateTime != "":
		t, err := time.Parse(time.RFC3339, dt.DateTime)
		if err != nil {
			return t, fmt.Errorf("parse dateTime: %w", err)
		}
		return t, nil
	case dt.Date != "":
		t, err := time.Parse(dateLayout, dt.Date)
		if err != nil {
			return t, fmt.Errorf("parse date: %w", err)
		}
		return t, nil
	default:
		return time.Time{}, errors.New("neither date nor dateTime")
	}
}

// cloneEvent deep-copies an event through its JSON form, the one thing
// every field of the generated type is guaranteed to survive.
func cloneEvent(ev *calendarapi.Event) *calendarapi.Event {
	b, err := json.Marshal(ev)
	if err != nil {
		panic(fmt.Sprintf("googletest: encode event %q: %v", ev.Id, err))
	}
	out := new(calendarapi.Event)
	if err := json.Unmarshal(b, out); err != nil {
		panic(fmt.Sprintf("googletest: decode event %q: %v", ev.Id, err))
	}
	return out
}
