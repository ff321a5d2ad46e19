package google_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	calendarapi "google.golang.org/api/calendar/v3"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/calendar/google"
	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/clock"
)

var now = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// tokens is an oauth2.TokenSource that hands out "good" after an
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
	srv    *googletest.Server
	clock  *clock.Instant
	tokens *tokens
	src    *google.Source
}

func newFixture(t testing.TB, opts ...func(*google.Options)) *fixture {
	t.Helper()
	srv := googletest.NewServer()
	t.Cleanup(srv.Close)
	fx := &fixture{srv: srv, clock: clock.NewInstant(now), tokens: &tokens{current: "good", afterRefresh: "good"}}
	o := google.Options{
		CalendarID: "primary",
		Lookahead:  14 * 24 * time.Hour,
		Endpoint:   srv.Endpoint(),
		HTTPClient: &http.Client{Transport: &oauth2.Transport{Source: fx.tokens}},
		Tokens:     fx.tokens,
		Clock:      fx.clock,
	}
	for _, f := range opts {
		f(&o)
	}
	src, err := google.New(context.Background(), o)
	if err != nil {
		t.Fatalf("google.New() = %v", err)
	}
	fx.src = src
	return fx
}

func (fx *fixture) sync(t *testing.T, cursor string) calendar.Changes {
	t.Helper()
	ch, err := fx.src.Sync(context.Background(), cursor)
	if err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	return ch
}

func meetingAt(id string, start time.Time, attendees ...string) *calendarapi.Event {
	ev := &calendarapi.Event{
		Id:        id,
		Summary:   "Meeting " + id,
		Start:     &calendarapi.EventDateTime{DateTime: start.Format(time.RFC3339), TimeZone: "UTC"},
		End:       &calendarapi.EventDateTime{DateTime: start.Add(30 * time.Minute).Format(time.RFC3339), TimeZone: "UTC"},
		Organizer: &calendarapi.EventOrganizer{Email: "dana@example.com"},
	}
	for _, a := range append([]string{"dana@example.com"}, attendees...) {
		ev.Attendees = append(ev.Attendees, &calendarapi.EventAttendee{Email: a, ResponseStatus: "accepted"})
	}
	ev.Attendees = append(ev.Attendees, &calendarapi.EventAttendee{Email: "me@example.com", Self: true, ResponseStatus: "accepted"})
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

func TestFullSyncFollowsEveryPage(t *testing.T) {
	fx := newFixture(t, func(o *google.Options) { o.PageSize = 10 })
	var want []string
	for i := range 35 {
		id := "ev" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		fx.srv.Put("primary", meetingAt(id, now.Add(time.Duration(i)*time.Hour)))
		want = append(want, id)
	}
	// Outside the window: more than lookahead·1.5 ahead, and long past.
	fx.srv.Put("primary", meetingAt("far", now.Add(30*24*time.Hour)))
	fx.srv.Put("primary", meetingAt("old", now.Add(-72*time.Hour)))
	// Google may send empty and short pages that still have a next page.
	fx.srv.SetPageSizes(0, 3, 0, 1)

	ch := fx.sync(t, "")
	if !ch.Full || ch.Cursor == "" {
		t.Fatalf("Sync(\"\") = full %t, cursor %q; want a full sync with a cursor", ch.Full, ch.Cursor)
	}
	if got := ids(ch.Events); !slices.Equal(got, want) {
		t.Errorf("events = %v\nwant %v", got, want)
	}
	reqs := fx.srv.Requests()
	if ch.Requests != len(reqs) || len(reqs) != 8 { // 0,3,0,1 then 10,10,10,1
		t.Errorf("requests = %d (reported %d), want 8", len(reqs), ch.Requests)
	}
	for _, r := range reqs {
		if r.Query.Get("singleEvents") != "true" || r.Query.Get("fields") == "" || r.Query.Get("timeMin") == "" || r.Query.Get("timeMax") == "" {
			t.Errorf("full sync request %v lacks singleEvents, fields or the window", r.Query)
		}
	}
	if !ch.Window.Start.Equal(now.Add(-24*time.Hour)) || !ch.Window.End.Equal(now.Add(21*24*time.Hour)) {
		t.Errorf("window = %v, want a day back to lookahead·1.5 ahead", ch.Window)
	}
}

func TestSteadyStatePollIsOneSmallRequest(t *testing.T) {
	fx := newFixture(t)
	fx.srv.Generate("primary", 2000, now.Add(-time.Hour), 1)
	ch := fx.sync(t, "")
	fx.srv.ResetStats()

	next := fx.sync(t, ch.Cursor)
	reqs := fx.srv.Requests()
	if len(reqs) != 1 || next.Requests != 1 {
		t.Fatalf("steady-state poll made %d requests, want 1", len(reqs))
	}
	if next.Full || len(next.Events) != 0 {
		t.Errorf("steady-state poll = full %t, %d events; want incremental, none", next.Full, len(next.Events))
	}
	q := reqs[0].Query
	if q.Get("syncToken") == "" || q.Has("timeMin") || q.Has("timeMax") {
		t.Errorf("incremental request query = %v, want a syncToken and no window", q)
	}
	if reqs[0].BodyBytes >= 4096 {
		t.Errorf("steady-state response = %d bytes, want < 4096", reqs[0].BodyBytes)
	}
}

func TestIncrementalSyncReportsChanges(t *testing.T) {
	fx := newFixture(t)
	fx.srv.Put("primary", meetingAt("edit", now.Add(2*time.Hour)))
	fx.srv.Put("primary", meetingAt("gone", now.Add(3*time.Hour)))
	fx.srv.Put("primary", meetingAt("same", now.Add(4*time.Hour)))
	master := meetingAt("weekly", now.Add(24*time.Hour))
	inst := fx.srv.AddWeekly("primary", master, 3)
	ch := fx.sync(t, "")
	if len(ch.Events) != 6 {
		t.Fatalf("full sync: %d events, want 6", len(ch.Events))
	}

	if err := fx.srv.Update("primary", "edit", func(ev *calendarapi.Event) { ev.Summary = "Renamed" }); err != nil {
		t.Fatal(err)
	}
	if err := fx.srv.Delete("primary", "gone"); err != nil {
		t.Fatal(err)
	}
	movedTo := now.Add(50 * time.Hour)
	if err := fx.srv.MoveInstance("primary", inst[0], movedTo, movedTo.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := fx.srv.CancelInstance("primary", inst[1]); err != nil {
		t.Fatal(err)
	}
	next := fx.sync(t, ch.Cursor)
	if next.Full {
		t.Fatal("second sync was full, want incremental")
	}
	got := make(map[string]calendar.Event)
	for _, e := range next.Events {
		got[e.ID] = e
	}
	if len(got) != 4 {
		t.Fatalf("incremental events = %v, want edit, gone and two instances", ids(next.Events))
	}
	if got["edit"].Title != "Renamed" {
		t.Errorf("edited title = %q", got["edit"].Title)
	}
	if got["gone"].Status != calendar.StatusCancelled {
		t.Errorf("deleted event status = %q, want cancelled", got["gone"].Status)
	}
	moved := got[inst[0]]
	if !moved.Start.Equal(movedTo) || moved.RecurringEventID != "weekly" || !moved.OriginalStart.Equal(now.Add(24*time.Hour)) {
		t.Errorf("moved instance = start %v, series %q, original %v", moved.Start, moved.RecurringEventID, moved.OriginalStart)
	}
	if c := got[inst[1]]; c.Status != calendar.StatusCancelled || c.RecurringEventID != "weekly" || c.OriginalStart.IsZero() {
		t.Errorf("cancelled instance = %+v, want a tombstone that names its series and original start", c)
	}
}

func TestExpiredSyncTokenFallsBackToFullSync(t *testing.T) {
	fx := newFixture(t)
	fx.srv.Put("primary", meetingAt("a", now.Add(time.Hour)))
	ch := fx.sync(t, "")
	fx.srv.ExpireSyncTokens()
	fx.srv.ResetStats()

	next := fx.sync(t, ch.Cursor)
	if !next.Full || len(next.Events) != 1 {
		t.Fatalf("after 410: full %t, %d events; want a full sync with 1 event", next.Full, len(next.Events))
	}
	reqs := fx.srv.Requests()
	if len(reqs) != 2 || reqs[0].Status != http.StatusGone || !reqs[1].Query.Has("timeMin") {
		t.Errorf("requests = %+v, want the 410 then one full listing", reqs)
	}
	if next.Cursor == ch.Cursor {
		t.Error("cursor unchanged after a full resync")
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
	if reqs := fx.srv.Requests(); len(reqs) != 1 || reqs[0].Query.Has("syncToken") {
		t.Errorf("requests = %+v, want one full listing and no incremental attempt", reqs)
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		reason   string
		fails    int
		wantErr  bool
		requests int
	}{
		{name: "429 rate limit", status: 429, reason: "rateLimitExceeded", fails: 2, requests: 3},
		{name: "403 user rate limit", status: 403, reason: "userRateLimitExceeded", fails: 1, requests: 2},
		{name: "403 rate limit", status: 403, reason: "rateLimitExceeded", fails: 1, requests: 2},
		{name: "503", status: 503, reason: "backendError", fails: 3, requests: 4},
		{name: "500", status: 500, reason: "backendError", fails: 1, requests: 2},
		{name: "400 is final", status: 400, reason: "badRequest", fails: 1, wantErr: true, requests: 1},
		{name: "403 forbidden is final", status: 403, reason: "forbidden", fails: 1, wantErr: true, requests: 1},
		{name: "404 is final", status: 404, reason: "notFound", fails: 1, wantErr: true, requests: 1},
		{name: "gives up", status: 503, reason: "backendError", fails: 100, wantErr: true, requests: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, func(o *google.Options) { o.MaxRetries = 3 })
			fx.srv.Put("primary", meetingAt("a", now.Add(time.Hour)))
			fx.srv.FailNext(tt.fails, tt.status, tt.reason)
			ch, err := fx.src.Sync(context.Background(), "")
			if (err != nil) != tt.wantErr {
				t.Fatalf("Sync() error = %v, want error %t", err, tt.wantErr)
			}
			if got := len(fx.srv.Requests()); got != tt.requests || ch.Requests != tt.requests {
				t.Errorf("requests = %d (reported %d), want %d", got, ch.Requests, tt.requests)
			}
			waits := fx.clock.Waits()
			if len(waits) != tt.requests-1 {
				t.Fatalf("waited %d times, want %d", len(waits), tt.requests-1)
			}
			for i, d := range waits {
				// Equal jitter: between half and all of base·2^i.
				hi := time.Second << i
				if d < hi/2 || d > hi {
					t.Errorf("wait %d = %v, want within [%v, %v]", i, d, hi/2, hi)
				}
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	fx := newFixture(t)
	fx.srv.FailNextRetryAfter(1, 429, "rateLimitExceeded", 20*time.Second)
	fx.sync(t, "")
	if len(fx.clock.Waits()) != 1 || fx.clock.Waits()[0] < 20*time.Second {
		t.Errorf("waits = %v, want one of at least 20s", fx.clock.Waits())
	}
}

func TestUnauthorizedRefreshesTokenOnce(t *testing.T) {
	fx := newFixture(t)
	fx.srv.AcceptTokens("fresh")
	fx.tokens.current, fx.tokens.afterRefresh = "stale", "fresh"
	fx.sync(t, "")
	if fx.tokens.invalidated != 1 {
		t.Errorf("Invalidate called %d times, want 1", fx.tokens.invalidated)
	}

	fx.tokens.current, fx.tokens.afterRefresh = "stale", "still-stale"
	fx.tokens.invalidated = 0
	fx.srv.ResetStats()
	_, err := fx.src.Sync(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), "rejected the access token") {
		t.Fatalf("Sync() with a token Google keeps refusing = %v, want a rejection error", err)
	}
	if fx.tokens.invalidated != 1 || len(fx.srv.Requests()) != 2 {
		t.Errorf("invalidated %d times over %d requests, want 1 and 2", fx.tokens.invalidated, len(fx.srv.Requests()))
	}
}

func TestContextCancelStopsRetrying(t *testing.T) {
	fx := newFixture(t)
	fx.srv.FailNext(100, 503, "backendError")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fx.src.Sync(ctx, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("Sync(cancelled) = %v, want context.Canceled", err)
	}
}

func TestConvert(t *testing.T) {
	fx := newFixture(t, func(o *google.Options) { o.Lookahead = 30 * 24 * time.Hour })
	// A weekly 09:00 meeting in New York across the end of US daylight time
	// (1 November 2026): the UTC start moves from 13:00 to 14:00.
	first := time.Date(2026, 10, 19, 9, 0, 0, 0, mustZone(t, "America/New_York"))
	fx.clock.Advance(first.Add(-time.Hour).Sub(fx.clock.Now()))
	master := meetingAt("ny", first)
	master.Start = &calendarapi.EventDateTime{DateTime: first.Format(time.RFC3339), TimeZone: "America/New_York"}
	master.End = &calendarapi.EventDateTime{DateTime: first.Add(time.Hour).Format(time.RFC3339), TimeZone: "America/New_York"}
	master.HangoutLink = ""
	master.ConferenceData = &calendarapi.ConferenceData{EntryPoints: []*calendarapi.EntryPoint{
		{EntryPointType: "phone", Uri: "tel:+1-555-0100"},
		{EntryPointType: "video", Uri: "https://meet.example.com/abc"},
	}}
	fx.srv.AddWeekly("primary", master, 4)
	fx.srv.Put("primary", &calendarapi.Event{
		Id: "holiday", Summary: "Thanksgiving",
		Start: &calendarapi.EventDateTime{Date: "2026-10-22"}, End: &calendarapi.EventDateTime{Date: "2026-10-23"},
	})
	ch := fx.sync(t, "")
	var starts []string
	for _, e := range ch.Events {
		switch {
		case e.ID == "holiday":
			if !e.AllDay || !e.Start.Equal(time.Date(2026, 10, 22, 0, 0, 0, 0, time.UTC)) || !e.End.Equal(time.Date(2026, 10, 23, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("all-day event = all-day %t, %v–%v", e.AllDay, e.Start, e.End)
			}
		default:
			starts = append(starts, e.Start.UTC().Format("01-02 15:04"))
			if e.TimeZone != "America/New_York" || e.ConferenceURL != "https://meet.example.com/abc" || e.RecurringEventID != "ny" {
				t.Errorf("instance %s: zone %q, conference %q, series %q", e.ID, e.TimeZone, e.ConferenceURL, e.RecurringEventID)
			}
			if !e.OriginalStart.Equal(e.Start) {
				t.Errorf("instance %s: original start %v != start %v", e.ID, e.OriginalStart, e.Start)
			}
			if len(e.Attendees) != 2 || !e.Attendees[1].Self || e.Organizer.Email != "dana@example.com" {
				t.Errorf("instance %s: attendees %+v, organizer %+v", e.ID, e.Attendees, e.Organizer)
			}
		}
	}
	slices.Sort(starts)
	want := []string{"10-19 13:00", "10-26 13:00", "11-02 14:00", "11-09 14:00"}
	if !slices.Equal(starts, want) {
		t.Errorf("UTC starts = %v, want %v", starts, want)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// BenchmarkSteadyStatePoll is the poll that runs every couple of minutes all
// day: 2,000 events in the window, nothing changed since the last sync.
func BenchmarkSteadyStatePoll(b *testing.B) {
	fx := newFixture(b)
	fx.srv.GenerateWithin("primary", 2000, now, 14, 1)
	ch, err := fx.src.Sync(context.Background(), "")
	if err != nil {
		b.Fatal(err)
	}
	if len(ch.Events) != 2000 {
		b.Fatalf("full sync listed %d events, want 2000 in the window", len(ch.Events))
	}
	fx.srv.ResetStats()
	b.ReportAllocs()
	for b.Loop() {
		if ch, err = fx.src.Sync(context.Background(), ch.Cursor); err != nil || ch.Full {
			b.Fatalf("Sync() = full %t, %v", ch.Full, err)
		}
	}
	reqs := fx.srv.Requests()
	bytes := 0
	for _, r := range reqs {
		bytes += r.BodyBytes
	}
	b.ReportMetric(float64(len(reqs))/float64(b.N), "requests/op")
	b.ReportMetric(float64(bytes)/float64(len(reqs)), "resp-bytes/op")
}
