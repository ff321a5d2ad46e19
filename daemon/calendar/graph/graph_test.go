package graph_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/calendar/graph"
	"github.com/leadup/leadup/daemon/calendar/graph/graphtest"
	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/meeting"
)

var now = time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)

const cal = graphtest.DefaultCalendar

// tokens is an oauth2.TokenSource that hands out afterRefresh after an
// Invalidate, counting them.
type tokens struct {
	mu           sync.Mutex
	current      string
	invalidated  int
	afterRefresh string
}

func (t *tokens) Token() (*oauth2.Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return &oauth2.Token{AccessToken: t.current, TokenType: "Bearer"}, nil
}

func (t *tokens) Invalidate() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.invalidated++
	t.current = t.afterRefresh
}

type fixture struct {
	srv    *graphtest.Server
	clock  *clock.Instant
	tokens *tokens
	src    *graph.Source
	logs   *bytes.Buffer
}

func newFixture(t testing.TB, opts ...func(*graph.Options)) *fixture {
	t.Helper()
	srv := graphtest.NewServer()
	t.Cleanup(srv.Close)
	srv.SetClock(func() time.Time { return now })
	fx := &fixture{
		srv:    srv,
		clock:  clock.NewInstant(now),
		tokens: &tokens{current: "good", afterRefresh: "good"},
		logs:   &bytes.Buffer{},
	}
	o := graph.Options{
		Lookahead:  14 * 24 * time.Hour,
		Endpoint:   srv.Endpoint(),
		HTTPClient: &http.Client{Transport: &oauth2.Transport{Source: fx.tokens}},
		Tokens:     fx.tokens,
		Me:         []string{"me@example.com", "me@old.example.com"},
		Clock:      fx.clock,
		Log:        slog.New(slog.NewTextHandler(&lockedWriter{w: fx.logs}, nil)),
	}
	for _, f := range opts {
		f(&o)
	}
	src, err := graph.New(o)
	if err != nil {
		t.Fatalf("graph.New() = %v", err)
	}
	fx.src = src
	return fx
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (fx *fixture) sync(t *testing.T, cursor string) calendar.Changes {
	t.Helper()
	ch, err := fx.src.Sync(context.Background(), cursor)
	if err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	return ch
}

func meetingAt(id string, start time.Time, attendees ...string) graphtest.Event {
	ev := graphtest.Event{
		ID:        id,
		Subject:   "Meeting " + id,
		Start:     start,
		End:       start.Add(30 * time.Minute),
		Organizer: graphtest.Address{Name: "Dana", Address: "dana@example.com"},
		Response:  "accepted",
	}
	for _, a := range append([]string{"dana@example.com"}, attendees...) {
		ev.Attendees = append(ev.Attendees, graphtest.Attendee{Address: graphtest.Address{Address: a}, Response: "accepted"})
	}
	ev.Attendees = append(ev.Attendees, graphtest.Attendee{Address: graphtest.Address{Address: "me@example.com"}, Response: "accepted"})
	return ev
}

func ids(evs []calendar.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.ID)
	}
	slices.Sort(out)
	return out
}

func find(t *testing.T, evs []calendar.Event, id string) calendar.Event {
	t.Helper()
	for _, e := range evs {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("event %q not among %v", id, ids(evs))
	return calendar.Event{}
}

func TestFullSyncFollowsEveryPage(t *testing.T) {
	fx := newFixture(t, func(o *graph.Options) { o.PageSize = 10 })
	fx.srv.SetMailboxZone("Europe/Berlin", "W. Europe Standard Time")
	var want []string
	for i := range 35 {
		id := fmt.Sprintf("ev%02d", i)
		fx.srv.Put(cal, meetingAt(id, now.Add(time.Duration(i)*time.Hour)))
		want = append(want, id)
	}
	// Outside the window: more than lookahead·1.5 ahead, and long past.
	fx.srv.Put(cal, meetingAt("far", now.Add(30*24*time.Hour)))
	fx.srv.Put(cal, meetingAt("old", now.Add(-72*time.Hour)))

	ch := fx.sync(t, "")
	if !ch.Full || ch.Cursor == "" {
		t.Fatalf("Sync(\"\") = full %t, cursor %q; want a full sync with a cursor", ch.Full, ch.Cursor)
	}
	if got := ids(ch.Events); !slices.Equal(got, want) {
		t.Errorf("events = %v\nwant %v", got, want)
	}
	// The fake answers in the mailbox's zone unless asked for UTC: right
	// instants prove the preference was sent and the dateTimes parsed.
	if e := find(t, ch.Events, "ev03"); !e.Start.Equal(now.Add(3*time.Hour)) || !e.End.Equal(now.Add(3*time.Hour+30*time.Minute)) {
		t.Errorf("ev03 runs %v to %v, want %v to +30m", e.Start, e.End, now.Add(3*time.Hour))
	}
	reqs := fx.srv.Requests()
	if ch.Requests != len(reqs) || len(reqs) != 4 {
		t.Errorf("requests = %d (reported %d), want 4 pages of 10", len(reqs), ch.Requests)
	}
	for i, r := range reqs {
		if !slices.Contains(r.Prefer, `outlook.timezone="UTC"`) || !slices.Contains(r.Prefer, "odata.maxpagesize=10") {
			t.Errorf("request %d Prefer = %q, want outlook.timezone=\"UTC\" and odata.maxpagesize=10", i, r.Prefer)
		}
		if r.Path != "/v1.0/me/calendarView/delta" {
			t.Errorf("request %d path = %q, want the default calendar's view", i, r.Path)
		}
		if r.Query.Has("$select") || r.Query.Has("$top") {
			t.Errorf("request %d sends %v; calendarView delta takes neither $select nor $top", i, r.Query)
		}
	}
	if q := reqs[0].Query; q.Get("startDateTime") != "2026-12-06T08:00:00Z" || q.Get("endDateTime") != "2026-12-28T08:00:00Z" {
		t.Errorf("first request window = %v, want a day back to lookahead·1.5 ahead", q)
	}
	if !reqs[1].Query.Has("$skiptoken") || !reqs[3].Query.Has("$skiptoken") {
		t.Errorf("later pages should follow @odata.nextLink: %v, %v", reqs[1].Query, reqs[3].Query)
	}
	if !ch.Window.Start.Equal(now.Add(-24*time.Hour)) || !ch.Window.End.Equal(now.Add(21*24*time.Hour)) {
		t.Errorf("window = %v, want a day back to lookahead·1.5 ahead", ch.Window)
	}
}

func TestQuietPollIsOneSmallRequest(t *testing.T) {
	fx := newFixture(t)
	fx.srv.Generate(cal, 2000, now.Add(-time.Hour), 10*time.Minute)
	ch := fx.sync(t, "")
	if len(ch.Events) != 2000 {
		t.Fatalf("full sync listed %d events, want 2000", len(ch.Events))
	}
	fx.srv.ResetStats()

	next := fx.sync(t, ch.Cursor)
	reqs := fx.srv.Requests()
	if len(reqs) != 1 || next.Requests != 1 {
		t.Fatalf("quiet poll made %d requests (reported %d), want 1", len(reqs), next.Requests)
	}
	if next.Full || len(next.Events) != 0 {
		t.Errorf("quiet poll = full %t, %d events; want incremental, none", next.Full, len(next.Events))
	}
	if q := reqs[0].Query; !q.Has("$deltatoken") || q.Has("startDateTime") {
		t.Errorf("quiet poll query = %v, want the deltaLink's $deltatoken only", q)
	}
	if reqs[0].BodyBytes >= 4096 {
		t.Errorf("quiet poll answer = %d bytes, want < 4096", reqs[0].BodyBytes)
	}
}

func TestIncrementalSyncReportsChanges(t *testing.T) {
	fx := newFixture(t)
	fx.srv.Put(cal, meetingAt("edit", now.Add(2*time.Hour)))
	fx.srv.Put(cal, meetingAt("gone", now.Add(3*time.Hour)))
	fx.srv.Put(cal, meetingAt("same", now.Add(4*time.Hour)))
	ch := fx.sync(t, "")

	if err := fx.srv.Update(cal, "edit", func(ev *graphtest.Event) {
		ev.Subject = "Edited"
		ev.Start, ev.End = ev.Start.Add(time.Hour), ev.End.Add(time.Hour)
	}); err != nil {
		t.Fatal(err)
	}
	fx.srv.Put(cal, meetingAt("new", now.Add(5*time.Hour)))
	if err := fx.srv.Delete(cal, "gone"); err != nil {
		t.Fatal(err)
	}
	next := fx.sync(t, ch.Cursor)
	if next.Full {
		t.Fatal("second sync was full, want incremental")
	}
	if got, want := ids(next.Events), []string{"edit", "gone", "new"}; !slices.Equal(got, want) {
		t.Fatalf("changes = %v, want %v", got, want)
	}
	if e := find(t, next.Events, "edit"); e.Title != "Edited" || !e.Start.Equal(now.Add(3*time.Hour)) {
		t.Errorf("edited event = %q at %v, want \"Edited\" at %v", e.Title, e.Start, now.Add(3*time.Hour))
	}
	if e := find(t, next.Events, "gone"); e.Status != calendar.StatusCancelled || !e.Start.IsZero() {
		t.Errorf("deleted event = %+v, want a cancelled tombstone", e)
	}
	if e := find(t, next.Events, "new"); e.Status != calendar.StatusConfirmed || e.Title != "Meeting new" {
		t.Errorf("new event = %+v", e)
	}
	// The deltaLink moved on: nothing is reported twice.
	if again := fx.sync(t, next.Cursor); len(again.Events) != 0 {
		t.Errorf("third sync = %v, want no changes", ids(again.Events))
	}
}

// TestEventLeavingTheWindow: Graph reports an event moved out of the
// round's window as @removed, like a deleted one. The client looks it up:
// moved, it is reported at its new time, not cancelled; deleted, it is
// cancelled. Each lookup is one request.
func TestEventLeavingTheWindow(t *testing.T) {
	fx := newFixture(t)
	fx.srv.Put(cal, meetingAt("moved", now.Add(2*time.Hour)))
	fx.srv.Put(cal, meetingAt("deleted", now.Add(3*time.Hour)))
	ch := fx.sync(t, "")
	later := now.Add(60 * 24 * time.Hour)
	fx.srv.Update(cal, "moved", func(ev *graphtest.Event) { ev.Start, ev.End = later, later.Add(time.Hour) })
	fx.srv.Delete(cal, "deleted")
	next := fx.sync(t, ch.Cursor)
	got := map[string]calendar.Event{}
	for _, ev := range next.Events {
		got[ev.ID] = ev
	}
	if m := got["moved"]; len(next.Events) != 2 || m.Status == calendar.StatusCancelled || !m.Start.Equal(later) {
		t.Errorf("changes = %+v, want the moved event at its new time", next.Events)
	}
	if d := got["deleted"]; d.Status != calendar.StatusCancelled {
		t.Errorf("deleted event = %+v, want cancelled", d)
	}
	if next.Requests != 3 {
		t.Errorf("%d requests, want the delta round and one lookup per removal", next.Requests)
	}
}

func TestExpiredDeltaTokenFallsBackToFullSync(t *testing.T) {
	fx := newFixture(t)
	fx.srv.Put(cal, meetingAt("a", now.Add(time.Hour)))
	ch := fx.sync(t, "")
	fx.srv.ExpireDeltaTokens()
	fx.srv.ResetStats()

	next := fx.sync(t, ch.Cursor)
	if !next.Full || len(next.Events) != 1 {
		t.Fatalf("after 410: full %t, %d events; want a full sync with 1 event", next.Full, len(next.Events))
	}
	reqs := fx.srv.Requests()
	if len(reqs) != 2 || reqs[0].Status != http.StatusGone || !reqs[1].Query.Has("startDateTime") || next.Requests != 2 {
		t.Errorf("requests = %+v (reported %d), want the 410 then one full round", reqs, next.Requests)
	}
	if next.Cursor == ch.Cursor {
		t.Error("cursor unchanged after a full resync")
	}
}

func TestResyncErrorCodes(t *testing.T) {
	for _, code := range []string{"syncStateNotFound", "resyncRequired"} {
		t.Run(code, func(t *testing.T) {
			fx := newFixture(t)
			ch := fx.sync(t, "")
			fx.srv.FailNext(http.StatusBadRequest, code, 0)
			if next := fx.sync(t, ch.Cursor); !next.Full || next.Requests != 2 {
				t.Errorf("after 400 %s: full %t, %d requests; want a full resync", code, next.Full, next.Requests)
			}
		})
	}
}

func TestBadCursorGivesFullSync(t *testing.T) {
	for _, tt := range []struct{ name, cursor string }{
		{"not JSON", "{nope"},
		{"link to another host", `{"delta_link":"https://attacker.example/v1.0/me/calendarView/delta?$deltatoken=x","max":"2099-01-01T00:00:00Z"}`},
		{"another calendar setting", `{"calendar":"Work","calendar_id":"x","delta_link":"http://127.0.0.1:1/v1.0/x","max":"2099-01-01T00:00:00Z"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t)
			fx.srv.Put(cal, meetingAt("a", now.Add(time.Hour)))
			ch := fx.sync(t, tt.cursor)
			if !ch.Full || len(ch.Events) != 1 || ch.Requests != 1 {
				t.Errorf("Sync(%s) = full %t, %d events, %d requests; want a full sync", tt.cursor, ch.Full, len(ch.Events), ch.Requests)
			}
		})
	}
}

func TestWindowSlidesWithAFullSync(t *testing.T) {
	fx := newFixture(t)
	ch := fx.sync(t, "")
	fx.clock.Advance(6 * 24 * time.Hour) // lookahead still inside the window
	ch = fx.sync(t, ch.Cursor)
	if ch.Full {
		t.Fatal("sync 6 days later was full; the window still covered the lookahead")
	}
	fx.clock.Advance(2 * 24 * time.Hour) // now+lookahead passes the window's end
	fx.srv.ResetStats()
	ch = fx.sync(t, ch.Cursor)
	if !ch.Full {
		t.Fatal("sync 8 days later was incremental; the window no longer covered the lookahead")
	}
	if reqs := fx.srv.Requests(); len(reqs) != 1 || reqs[0].Query.Has("$deltatoken") {
		t.Errorf("requests = %+v, want one full round and no incremental attempt", reqs)
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		code       string
		fails      int
		retryAfter time.Duration
		wantErr    string
		requests   int
	}{
		{name: "429 throttled", status: 429, code: "ApplicationThrottled", fails: 2, requests: 3},
		{name: "503 with Retry-After", status: 503, code: "serviceNotAvailable", fails: 1, retryAfter: 3 * time.Second, requests: 2},
		{name: "504", status: 504, code: "UnknownError", fails: 2, requests: 3},
		{name: "500", status: 500, code: "generalException", fails: 1, requests: 2},
		{name: "400 is final", status: 400, code: "ErrorInvalidParameter", fails: 1, wantErr: "HTTP 400 ErrorInvalidParameter: Injected failure.", requests: 1},
		{name: "403 is final", status: 403, code: "ErrorAccessDenied", fails: 1, wantErr: "HTTP 403 ErrorAccessDenied", requests: 1},
		{name: "404 is final", status: 404, code: "ErrorItemNotFound", fails: 1, wantErr: "HTTP 404 ErrorItemNotFound", requests: 1},
		{name: "gives up", status: 503, code: "serviceNotAvailable", fails: 100, wantErr: "giving up after 4 attempts", requests: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, func(o *graph.Options) { o.MaxRetries = 3 })
			fx.srv.Put(cal, meetingAt("a", now.Add(time.Hour)))
			for range min(tt.fails, 10) {
				fx.srv.FailNext(tt.status, tt.code, tt.retryAfter)
			}
			ch, err := fx.src.Sync(context.Background(), "")
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Sync() = %v, want success", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Sync() = %v, want an error containing %q", err, tt.wantErr)
			}
			if got := len(fx.srv.Requests()); got != tt.requests || ch.Requests != tt.requests {
				t.Errorf("requests = %d (reported %d), want %d", got, ch.Requests, tt.requests)
			}
			waits := fx.clock.Waits()
			if len(waits) != tt.requests-1 {
				t.Fatalf("waited %d times, want %d", len(waits), tt.requests-1)
			}
			for i, d := range waits {
				// Equal jitter: between half and all of base·2^i, and
				// never less than Retry-After.
				lo, hi := time.Second<<i/2, time.Second<<i
				lo, hi = max(lo, tt.retryAfter), max(hi, tt.retryAfter)
				if d < lo || d > hi {
					t.Errorf("wait %d = %v, want within [%v, %v]", i, d, lo, hi)
				}
			}
		})
	}
}

func TestThrottledWithRetryAfter(t *testing.T) {
	fx := newFixture(t)
	fx.srv.Put(cal, meetingAt("a", now.Add(time.Hour)))
	fx.srv.Throttle(2, 30*time.Second)
	ch := fx.sync(t, "")
	if len(ch.Events) != 1 || ch.Requests != 3 {
		t.Errorf("Sync() = %d events in %d requests, want 1 in 3", len(ch.Events), ch.Requests)
	}
	if len(fx.clock.Waits()) != 2 || fx.clock.Waits()[0] < 30*time.Second || fx.clock.Waits()[1] < 30*time.Second {
		t.Errorf("waits = %v, want two of at least 30s", fx.clock.Waits())
	}
	// A hostile Retry-After does not stall the daemon for a day.
	fx.clock.ResetWaits()
	fx.srv.Throttle(1, 24*time.Hour)
	fx.sync(t, "")
	if len(fx.clock.Waits()) != 1 || fx.clock.Waits()[0] > 5*time.Minute {
		t.Errorf("waits = %v, want one capped at 5m", fx.clock.Waits())
	}
}

func TestUnauthorizedRefreshesTokenOnce(t *testing.T) {
	fx := newFixture(t)
	fx.srv.RequireTokens("fresh")
	fx.tokens.current, fx.tokens.afterRefresh = "stale", "fresh"
	fx.sync(t, "")
	if fx.tokens.invalidated != 1 {
		t.Errorf("Invalidate called %d times, want 1", fx.tokens.invalidated)
	}

	fx.tokens.current, fx.tokens.afterRefresh = "stale", "still-stale"
	fx.tokens.invalidated = 0
	fx.srv.ResetStats()
	_, err := fx.src.Sync(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), "rejected the access token") || !strings.Contains(err.Error(), "InvalidAuthenticationToken") {
		t.Fatalf("Sync() with a token Graph keeps refusing = %v, want a rejection error with Graph's code", err)
	}
	if fx.tokens.invalidated != 1 || len(fx.srv.Requests()) != 2 {
		t.Errorf("invalidated %d times over %d requests, want 1 and 2", fx.tokens.invalidated, len(fx.srv.Requests()))
	}
}

func TestContextCancelStopsRetrying(t *testing.T) {
	fx := newFixture(t)
	fx.srv.FailNext(503, "serviceNotAvailable", 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fx.src.Sync(ctx, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("Sync(cancelled) = %v, want context.Canceled", err)
	}
}

func TestNamedCalendar(t *testing.T) {
	for _, tt := range []struct{ name, calendar string }{
		{"by name", "Work"},
		{"by name in another case", "WORK"},
		{"by id", "AAMk-work-calendar-id/x+y="},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, func(o *graph.Options) { o.Calendar = tt.calendar; o.PageSize = 10 })
			for i := range 24 { // more than a page of calendars
				fx.srv.AddCalendar(fmt.Sprintf("cal-%02d", i), fmt.Sprintf("Holidays %d", i))
			}
			fx.srv.AddCalendar("AAMk-work-calendar-id/x+y=", "Work")
			fx.srv.Put("AAMk-work-calendar-id/x+y=", meetingAt("w", now.Add(time.Hour)))
			fx.srv.Put(cal, meetingAt("default", now.Add(time.Hour)))

			if got := fx.src.Name(); got != "microsoft:"+tt.calendar {
				t.Errorf("Name() = %q", got)
			}
			ch := fx.sync(t, "")
			if got := ids(ch.Events); !slices.Equal(got, []string{"w"}) {
				t.Errorf("events = %v, want the Work calendar's", got)
			}
			var lists, views int
			for _, r := range fx.srv.Requests() {
				switch r.Path {
				case "/v1.0/me/calendars":
					lists++
				case "/v1.0/me/calendars/AAMk-work-calendar-id/x+y=/calendarView/delta":
					views++
				default:
					t.Errorf("unexpected request %s", r.Path)
				}
			}
			if lists != 3 || views != 1 || ch.Requests != 4 {
				t.Errorf("%d calendar pages and %d view requests (reported %d), want 3 and 1", lists, views, ch.Requests)
			}
			// The id is kept: a window slide does not list calendars again.
			fx.srv.ResetStats()
			fx.clock.Advance(8 * 24 * time.Hour)
			ch = fx.sync(t, ch.Cursor)
			if reqs := fx.srv.Requests(); !ch.Full || len(reqs) != 1 || !strings.HasPrefix(reqs[0].Path, "/v1.0/me/calendars/AAMk") {
				t.Errorf("slide: full %t, requests %+v; want one full round on the kept id", ch.Full, reqs)
			}
		})
	}
}

func TestUnknownCalendarNamesTheCalendars(t *testing.T) {
	fx := newFixture(t, func(o *graph.Options) { o.Calendar = "Wrok" })
	fx.srv.AddCalendar("w", "Work")
	_, err := fx.src.Sync(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), `"Work"`) || !strings.Contains(err.Error(), `"Calendar"`) {
		t.Errorf("Sync() = %v, want an error listing the calendars", err)
	}
}

func TestRecurringOccurrencesKeepTheirKey(t *testing.T) {
	fx := newFixture(t)
	master := meetingAt("series", now.Add(2*time.Hour))
	occ := fx.srv.AddSeries(cal, master, 3, 7*24*time.Hour)
	ch := fx.sync(t, "")
	if len(ch.Events) != 3 {
		t.Fatalf("full sync = %v, want the 3 occurrences", ids(ch.Events))
	}
	second := find(t, ch.Events, occ[1])
	if second.RecurringEventID != "series" || !second.OriginalStart.Equal(now.Add(2*time.Hour+7*24*time.Hour)) {
		t.Errorf("occurrence = series %q, original start %v", second.RecurringEventID, second.OriginalStart)
	}
	before := meeting.KeyOf("microsoft:default", &second)

	moved := now.Add(7*24*time.Hour + 5*time.Hour)
	if err := fx.srv.MoveOccurrence(cal, occ[1], moved); err != nil {
		t.Fatal(err)
	}
	next := fx.sync(t, ch.Cursor)
	if len(next.Events) != 1 {
		t.Fatalf("changes = %v, want the moved occurrence", ids(next.Events))
	}
	ex := next.Events[0]
	if !ex.Start.Equal(moved) || ex.RecurringEventID != "series" {
		t.Errorf("exception = start %v, series %q", ex.Start, ex.RecurringEventID)
	}
	if after := meeting.KeyOf("microsoft:default", &ex); after != before {
		t.Errorf("key after the move = %q, want %q", after, before)
	}
}

func TestAllDayEvents(t *testing.T) {
	fx := newFixture(t)
	fx.srv.SetMailboxZone("Australia/Sydney", "AUS Eastern Standard Time")
	day := time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)
	fx.srv.Put(cal, graphtest.Event{ID: "off", Subject: "Offsite", Start: day, End: day.AddDate(0, 0, 2), AllDay: true, IsOrganizer: true})
	ch := fx.sync(t, "")
	e := find(t, ch.Events, "off")
	if !e.AllDay || !e.Start.Equal(day) || !e.End.Equal(day.AddDate(0, 0, 2)) {
		t.Errorf("all-day event = all day %t, %v to %v; want midnight UTC of the 9th to the 11th", e.AllDay, e.Start, e.End)
	}
}

func TestSelfMarking(t *testing.T) {
	fx := newFixture(t)
	// Invited under an address of the user's, in another case.
	inv := meetingAt("invited", now.Add(time.Hour))
	inv.Attendees[1].Address.Address = "Me@Old.Example.com"
	fx.srv.Put(cal, inv)
	// Invited, but the user is not listed (a distribution list invite):
	// responseStatus carries the answer.
	dl := meetingAt("list", now.Add(2*time.Hour))
	dl.Attendees = dl.Attendees[:1]
	dl.Attendees = append(dl.Attendees, graphtest.Attendee{Address: graphtest.Address{Address: "team@example.com"}})
	dl.Response = "tentativelyAccepted"
	fx.srv.Put(cal, dl)
	// Organised by the user, with guests not listing the user.
	org := meetingAt("mine", now.Add(3*time.Hour))
	org.Organizer = graphtest.Address{Address: "me@example.com"}
	org.IsOrganizer = true
	org.Attendees = org.Attendees[:1]
	fx.srv.Put(cal, org)
	// A personal appointment.
	fx.srv.Put(cal, graphtest.Event{ID: "solo", Subject: "Focus", Start: now.Add(4 * time.Hour), End: now.Add(5 * time.Hour),
		IsOrganizer: true, Organizer: graphtest.Address{Address: "me@example.com"}})

	ch := fx.sync(t, "")
	selfOf := func(e calendar.Event) []calendar.Attendee {
		var out []calendar.Attendee
		for _, a := range e.Attendees {
			if a.Self {
				out = append(out, a)
			}
		}
		return out
	}
	if s := selfOf(find(t, ch.Events, "invited")); len(s) != 1 || s[0].Email != "Me@Old.Example.com" || s[0].Response != calendar.ResponseAccepted {
		t.Errorf("invited: self attendees = %+v, want the listed one", s)
	}
	e := find(t, ch.Events, "list")
	if s := selfOf(e); len(s) != 1 || s[0].Email != "me@example.com" || s[0].Response != calendar.ResponseTentative {
		t.Errorf("list: self attendees = %+v, want one added with a tentative answer", s)
	}
	if e.Organizer.Self {
		t.Error("list: organizer marked self")
	}
	e = find(t, ch.Events, "mine")
	if s := selfOf(e); !e.Organizer.Self || len(s) != 1 || !s[0].Organizer || s[0].Response != calendar.ResponseAccepted {
		t.Errorf("mine: organizer self %t, self attendees %+v; want the user as organizer, accepted", e.Organizer.Self, s)
	}
	if e = find(t, ch.Events, "solo"); !e.Organizer.Self || len(e.Attendees) != 0 {
		t.Errorf("solo: organizer self %t, attendees %+v; want self organizer and no attendees", e.Organizer.Self, e.Attendees)
	}
}

func TestConvert(t *testing.T) {
	fx := newFixture(t)
	fx.srv.Put(cal, graphtest.Event{
		ID: "full", ICalUID: "uid-1", Subject: "1:1 <Dana>", Body: "<p>Agenda</p>", Location: "Room 4",
		Start: now.Add(time.Hour), End: now.Add(2 * time.Hour),
		Organizer: graphtest.Address{Name: "Dana", Address: "dana@example.com"},
		Attendees: []graphtest.Attendee{
			{Address: graphtest.Address{Name: "Dana", Address: "dana@example.com"}, Response: "organizer"},
			{Address: graphtest.Address{Address: "me@example.com"}, Response: "notResponded"},
			{Address: graphtest.Address{Address: "opt@example.com"}, Type: "optional", Response: "declined"},
			{Address: graphtest.Address{Address: "room@example.com"}, Type: "resource", Response: "tentativelyAccepted"},
			{Address: graphtest.Address{Address: "none@example.com"}},
		},
		Response: "notResponded", JoinURL: "https://teams.example/join", WebLink: "https://outlook.example/e",
	})
	fx.srv.Put(cal, graphtest.Event{ID: "legacy", Subject: "Skype", BodyType: "text", Body: "plain",
		Start: now.Add(3 * time.Hour), End: now.Add(4 * time.Hour), OnlineMeetingURL: "https://meet.example/skype", Cancelled: true})
	fx.srv.Put(cal, graphtest.Event{ID: "oof", Subject: "Away", ShowAs: "oof", IsOrganizer: true,
		Start: now.Add(5 * time.Hour), End: now.Add(9 * time.Hour)})
	ch := fx.sync(t, "")

	e := find(t, ch.Events, "full")
	if e.UID != "uid-1" || e.Title != "1:1 <Dana>" || !strings.Contains(e.Description, "<p>Agenda</p>") || e.Location != "Room 4" ||
		e.ConferenceURL != "https://teams.example/join" || e.HTMLLink != "https://outlook.example/e" || !e.Updated.Equal(now) ||
		e.Status != calendar.StatusConfirmed || e.Type != calendar.TypeDefault || e.Organizer.Email != "dana@example.com" || e.Organizer.Self {
		t.Errorf("converted event = %+v", e)
	}
	want := []calendar.Attendee{
		{Email: "dana@example.com", Name: "Dana", Organizer: true, Response: calendar.ResponseAccepted},
		{Email: "me@example.com", Self: true, Response: calendar.ResponseNeedsAction},
		{Email: "opt@example.com", Optional: true, Response: calendar.ResponseDeclined},
		{Email: "room@example.com", Resource: true, Response: calendar.ResponseTentative},
		{Email: "none@example.com", Response: calendar.ResponseNeedsAction},
	}
	if !slices.Equal(e.Attendees, want) {
		t.Errorf("attendees = %+v\nwant %+v", e.Attendees, want)
	}
	if e := find(t, ch.Events, "legacy"); e.ConferenceURL != "https://meet.example/skype" || e.Description != "plain" || e.Status != calendar.StatusCancelled {
		t.Errorf("legacy event = %+v", e)
	}
	if e := find(t, ch.Events, "oof"); e.Type != calendar.TypeOutOfOffice {
		t.Errorf("oof event type = %q, want %q", e.Type, calendar.TypeOutOfOffice)
	}
}

func TestZones(t *testing.T) {
	fx := newFixture(t)
	item := func(id, dt, tz string) []byte {
		return fmt.Appendf(nil, `{"id":%q,"subject":"z","start":{"dateTime":%q,"timeZone":%q},"end":{"dateTime":%q,"timeZone":%q}}`, id, dt, tz, dt, tz)
	}
	fx.srv.PutRaw(cal, "berlin", now, now.Add(time.Hour), item("berlin", "2026-12-07T10:00:00.0000000", "Europe/Berlin"))
	fx.srv.PutRaw(cal, "offset", now, now.Add(time.Hour), item("offset", "2026-12-07T10:00:00+02:00", "UTC"))
	fx.srv.PutRaw(cal, "windows", now, now.Add(time.Hour), item("windows", "2026-12-07T10:00:00.0000000", "Pacific Standard Time"))
	ch := fx.sync(t, "")
	if e := find(t, ch.Events, "berlin"); !e.Start.Equal(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)) || e.TimeZone != "Europe/Berlin" {
		t.Errorf("Berlin event starts %v (zone %q), want 09:00Z", e.Start, e.TimeZone)
	}
	if e := find(t, ch.Events, "offset"); !e.Start.Equal(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("offset event starts %v, want 08:00Z", e.Start)
	}
	if e := find(t, ch.Events, "windows"); !e.Start.Equal(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("Windows-zone event starts %v, want 10:00Z (read as UTC)", e.Start)
	}
	if n := strings.Count(fx.logs.String(), "cannot load"); n != 1 {
		t.Errorf("%d zone warnings, want 1:\n%s", n, fx.logs.String())
	}
}

func TestMalformedItemsAreSkipped(t *testing.T) {
	fx := newFixture(t)
	fx.srv.Put(cal, meetingAt("good", now.Add(time.Hour)))
	start, end := now.Add(2*time.Hour), now.Add(3*time.Hour)
	hostile := map[string]string{
		"num-id":     `{"id":5}`,
		"bad-time":   `{"id":"bad-time","start":{"dateTime":"garbage","timeZone":"UTC"},"end":{"dateTime":"2026-12-07T10:00:00","timeZone":"UTC"}}`,
		"str-start":  `{"id":"str-start","start":"2026-12-07","end":"2026-12-07"}`,
		"no-id":      `{"subject":"who am I"}`,
		"backwards":  `{"id":"backwards","start":{"dateTime":"2026-12-07T10:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-07T09:00:00","timeZone":"UTC"}}`,
		"array":      `[1,2,3]`,
		"null":       `null`,
		"no-times":   `{"id":"no-times","subject":"x"}`,
		"bad-origin": `{"id":"bad-origin","type":"occurrence","seriesMasterId":"m","originalStart":"yesterday","start":{"dateTime":"2026-12-07T10:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-07T11:00:00","timeZone":"UTC"}}`,
		"attendees":  `{"id":"attendees","attendees":[{"emailAddress":"x"}],"start":{"dateTime":"2026-12-07T10:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-07T11:00:00","timeZone":"UTC"}}`,
		"all-day":    `{"id":"all-day","isAllDay":true,"start":{"dateTime":"12","timeZone":"UTC"},"end":{"dateTime":"12","timeZone":"UTC"}}`,
		"master":     `{"id":"master","type":"seriesMaster","subject":"skip me"}`,
	}
	for id, raw := range hostile {
		fx.srv.PutRaw(cal, id, start, end, []byte(raw))
	}
	ch := fx.sync(t, "")
	if got := ids(ch.Events); !slices.Equal(got, []string{"good"}) {
		t.Errorf("events = %v, want only the good one", got)
	}
	if n := strings.Count(fx.logs.String(), "skipping malformed calendar event"); n != len(hostile)-1 {
		t.Errorf("%d warnings, want %d (all but the series master):\n%s", n, len(hostile)-1, fx.logs.String())
	}
}

func TestListingCaps(t *testing.T) {
	fx := newFixture(t, func(o *graph.Options) {
		o.PageSize = 7
		o.MaxSeriesInstances = 5
		o.MaxEvents = 12
	})
	spam := meetingAt("spam", now.Add(time.Hour))
	spam.Subject = "Every hour, again"
	fx.srv.AddSeries(cal, spam, 30, time.Hour)
	for i := range 20 {
		fx.srv.Put(cal, meetingAt(fmt.Sprintf("one%02d", i), now.Add(time.Duration(i+3)*time.Hour)))
	}
	ch := fx.sync(t, "")
	if len(ch.Events) != 12 || ch.Cursor == "" {
		t.Fatalf("Sync() kept %d events (cursor %q), want the cap of 12 and a cursor", len(ch.Events), ch.Cursor)
	}
	series := 0
	for _, e := range ch.Events {
		if e.RecurringEventID == "spam" {
			series++
		}
	}
	if series > 5 {
		t.Errorf("kept %d instances of the series, want at most 5", series)
	}
	logs := fx.logs.String()
	if n := strings.Count(logs, "calendar listing capped"); n != 1 || !strings.Contains(logs, `worst_series="Every hour, again"`) {
		t.Errorf("want one cap warning naming the series:\n%s", logs)
	}
	if reqs := fx.srv.Requests(); len(reqs) != 8 { // 50 events, 7 a page: every page is read
		t.Errorf("%d requests, want all 8 pages read", len(reqs))
	}
}

func TestOversizedBodyIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 32 MiB response")
	}
	fx := newFixture(t)
	big := append([]byte(`{"id":"big","subject":"`), bytes.Repeat([]byte("a"), graph.MaxBodyBytes)...)
	big = append(big, `"}`...)
	fx.srv.PutRaw(cal, "big", now, now.Add(time.Hour), big)
	_, err := fx.src.Sync(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), "larger than 32 MiB") {
		t.Errorf("Sync() = %v, want a size error", err)
	}
}

func TestNewChecksTheEndpoint(t *testing.T) {
	hc := &http.Client{}
	for _, tt := range []struct {
		endpoint string
		ok       bool
	}{
		{"", true},
		{"https://graph.microsoft.com/v1.0/", true},
		{"https://graph.microsoft.us/v1.0", true},
		{"http://127.0.0.1:8080/v1.0/", true},
		{"http://[::1]:8080/v1.0/", true},
		{"http://localhost:8080/v1.0/", true},
		{"http://graph.example.com/v1.0/", false},
		{"http://10.0.0.1/v1.0/", false},
		{"ftp://127.0.0.1/", false},
		{"graph.microsoft.com/v1.0", false},
	} {
		_, err := graph.New(graph.Options{Endpoint: tt.endpoint, HTTPClient: hc})
		if (err == nil) != tt.ok {
			t.Errorf("New(Endpoint: %q) = %v, want ok %t", tt.endpoint, err, tt.ok)
		}
	}
	if _, err := graph.New(graph.Options{}); err == nil {
		t.Error("New without an HTTP client succeeded")
	}
	src, _ := graph.New(graph.Options{HTTPClient: hc})
	if got := src.Name(); got != "microsoft:default" {
		t.Errorf("Name() = %q, want microsoft:default", got)
	}
}

func TestRecreatedCalendarIsLookedUpAgain(t *testing.T) {
	fx := newFixture(t, func(o *graph.Options) { o.Calendar = "Work" })
	fx.srv.AddCalendar("old-id", "Work")
	ch := fx.sync(t, "")
	// The calendar is deleted and made again: a new id under the old name.
	fx.srv.AddCalendar("old-id", "Gone")
	fx.srv.AddCalendar("new-id", "Work")
	fx.srv.Put("new-id", meetingAt("w", now.Add(9*24*time.Hour)))
	fx.srv.FailNext(http.StatusNotFound, "ErrorItemNotFound", 0) // the old deltaLink
	fx.srv.ResetStats()
	next := fx.sync(t, ch.Cursor)
	if !next.Full || !slices.Equal(ids(next.Events), []string{"w"}) || next.Requests != 3 {
		t.Errorf("after a 404: full %t, events %v, %d requests; want a full sync of the new calendar in 3", next.Full, ids(next.Events), next.Requests)
	}

	// A full sync on a kept id that has gone looks the name up once.
	fx.clock.Advance(8 * 24 * time.Hour)
	fx.srv.FailNext(http.StatusNotFound, "ErrorItemNotFound", 0)
	fx.srv.ResetStats()
	next = fx.sync(t, next.Cursor)
	if !next.Full || len(next.Events) != 1 || next.Requests != 3 {
		t.Errorf("slide after a 404: full %t, %d events, %d requests; want 404, calendars, view", next.Full, len(next.Events), next.Requests)
	}
}
