package googletest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
)

// bearer adds an OAuth bearer token to every request, as the oauth2
// transport does in production.
type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if b.token != "" {
		r.Header.Set("Authorization", "Bearer "+b.token)
	}
	return b.base.RoundTrip(r)
}

func newServer(t testing.TB) *googletest.Server {
	t.Helper()
	s := googletest.NewServer()
	t.Cleanup(s.Close)
	return s
}

func newService(t testing.TB, s *googletest.Server, token string) *calendarapi.Service {
	t.Helper()
	hc := &http.Client{Transport: bearer{token: token, base: http.DefaultTransport}}
	svc, err := calendarapi.NewService(context.Background(),
		option.WithEndpoint(s.Endpoint()), option.WithHTTPClient(hc))
	if err != nil {
		t.Fatalf("NewService() = %v", err)
	}
	return svc
}

// listPages runs a listing to its end and returns every page.
func listPages(t *testing.T, call *calendarapi.EventsListCall) []*calendarapi.Events {
	t.Helper()
	var pages []*calendarapi.Events
	err := call.Pages(context.Background(), func(p *calendarapi.Events) error {
		pages = append(pages, p)
		return nil
	})
	if err != nil {
		t.Fatalf("Events.List().Pages() = %v", err)
	}
	return pages
}

// syncAll lists everything (a full sync, or an incremental one from token)
// and returns the items and the final sync token, checking that only the
// last page carries it.
func syncAll(t *testing.T, svc *calendarapi.Service, calendarID, token string) ([]*calendarapi.Event, string) {
	t.Helper()
	call := svc.Events.List(calendarID).SingleEvents(true)
	if token != "" {
		call.SyncToken(token)
	}
	pages := listPages(t, call)
	var items []*calendarapi.Event
	for i, p := range pages {
		items = append(items, p.Items...)
		last := i == len(pages)-1
		if last != (p.NextSyncToken != "") {
			t.Errorf("page %d of %d: nextSyncToken = %q", i+1, len(pages), p.NextSyncToken)
		}
		if last != (p.NextPageToken == "") {
			t.Errorf("page %d of %d: nextPageToken = %q", i+1, len(pages), p.NextPageToken)
		}
	}
	return items, pages[len(pages)-1].NextSyncToken
}

func ids(items []*calendarapi.Event) []string {
	out := make([]string, len(items))
	for i, ev := range items {
		out[i] = ev.Id
	}
	return out
}

func timed(id, summary string, start time.Time, d time.Duration) *calendarapi.Event {
	return &calendarapi.Event{
		Id:      id,
		Summary: summary,
		Start:   &calendarapi.EventDateTime{DateTime: start.Format(time.RFC3339)},
		End:     &calendarapi.EventDateTime{DateTime: start.Add(d).Format(time.RFC3339)},
		Attendees: []*calendarapi.EventAttendee{
			{Email: googletest.BossEmail, ResponseStatus: "accepted"},
			{Email: googletest.SelfEmail, Self: true, ResponseStatus: "needsAction"},
		},
	}
}

func allDay(id, summary, start, end string) *calendarapi.Event {
	return &calendarapi.Event{
		Id:      id,
		Summary: summary,
		Start:   &calendarapi.EventDateTime{Date: start},
		End:     &calendarapi.EventDateTime{Date: end},
	}
}

var base = time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("", -5*3600))

// putN stores events e00…e(n-1), an hour apart from base.
func putN(s *googletest.Server, n int) []string {
	var out []string
	for i := range n {
		id := fmt.Sprintf("e%02d", i)
		s.Put("primary", timed(id, "Meeting "+id, base.Add(time.Duration(i)*time.Hour), 30*time.Minute))
		out = append(out, id)
	}
	return out
}

// get sends a raw request, for what the client library hides.
func get(t *testing.T, s *googletest.Server, path string, q url.Values, token string) (*http.Response, []byte) {
	t.Helper()
	u := s.Endpoint() + path
	if q != nil {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s = %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of GET %s: %v", u, err)
	}
	return resp, body
}

func googleErr(t *testing.T, err error) *googleapi.Error {
	t.Helper()
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		t.Fatalf("error = %v (%T), want a *googleapi.Error", err, err)
	}
	return gerr
}

func reason(gerr *googleapi.Error) string {
	if len(gerr.Errors) == 0 {
		return ""
	}
	return gerr.Errors[0].Reason
}

func TestFullSyncPaging(t *testing.T) {
	s := newServer(t)
	want := putN(s, 10)
	s.SetPageSizes(0, 3, 0, 1)
	svc := newService(t, s, "tok")

	pages := listPages(t, svc.Events.List("primary").SingleEvents(true).MaxResults(4))
	var sizes []int
	var got []*calendarapi.Event
	for i, p := range pages {
		sizes = append(sizes, len(p.Items))
		got = append(got, p.Items...)
		last := i == len(pages)-1
		if last != (p.NextSyncToken != "") || last != (p.NextPageToken == "") {
			t.Errorf("page %d: nextPageToken %q, nextSyncToken %q", i, p.NextPageToken, p.NextSyncToken)
		}
		if p.Kind != "calendar#events" || p.AccessRole != "owner" || p.Etag == "" || p.Updated == "" || p.TimeZone == "" {
			t.Errorf("page %d header = %+v", i, p)
		}
	}
	if wantSizes := []int{0, 3, 0, 1, 4, 2}; !slices.Equal(sizes, wantSizes) {
		t.Errorf("page sizes = %v, want %v", sizes, wantSizes)
	}
	if !slices.Equal(ids(got), want) {
		t.Errorf("ids = %v, want %v", ids(got), want)
	}
	ev := got[0]
	if ev.Kind != "calendar#event" || ev.Status != "confirmed" || ev.Etag == "" || ev.HtmlLink == "" ||
		ev.Created == "" || ev.Updated == "" || ev.ICalUID != "e00@google.com" || ev.EventType != "default" ||
		ev.Creator == nil || ev.Organizer == nil || ev.Reminders == nil {
		t.Errorf("first event lacks Google's defaults: %+v", ev)
	}
	if ev.Start.DateTime != "2026-11-23T09:00:00-05:00" {
		t.Errorf("start = %q, want the dateTime as stored", ev.Start.DateTime)
	}

	// Without a pattern, pages are maxResults long.
	s.SetPageSizes()
	pages = listPages(t, svc.Events.List("primary").SingleEvents(true).MaxResults(4))
	if len(pages) != 3 {
		t.Errorf("got %d pages of at most 4 for 10 events, want 3", len(pages))
	}
}

func TestDefaultAndMaximumPageSize(t *testing.T) {
	s := newServer(t)
	s.Generate("primary", 600, base, 1)
	svc := newService(t, s, "tok")
	for _, tt := range []struct {
		max  int64
		want []int
	}{{0, []int{250, 250, 100}}, {5000, []int{600}}} {
		call := svc.Events.List("primary").SingleEvents(true)
		if tt.max > 0 {
			call.MaxResults(tt.max)
		}
		var sizes []int
		for _, p := range listPages(t, call) {
			sizes = append(sizes, len(p.Items))
		}
		if !slices.Equal(sizes, tt.want) {
			t.Errorf("maxResults %d: page sizes %v, want %v", tt.max, sizes, tt.want)
		}
	}
}

func TestIncrementalSync(t *testing.T) {
	s := newServer(t)
	putN(s, 3)
	series := s.AddWeekly("primary", &calendarapi.Event{
		Id:      "weekly",
		Summary: "Weekly 1:1",
		Start:   &calendarapi.EventDateTime{DateTime: "2026-11-24T10:00:00-05:00", TimeZone: "America/New_York"},
		End:     &calendarapi.EventDateTime{DateTime: "2026-11-24T10:30:00-05:00", TimeZone: "America/New_York"},
	}, 3)
	svc := newService(t, s, "tok")
	items, token := syncAll(t, svc, "primary", "")
	if len(items) != 6 {
		t.Fatalf("full sync returned %d items, want 6: %v", len(items), ids(items))
	}

	if err := s.Update("primary", "e01", func(ev *calendarapi.Event) {
		ev.Summary = "Renamed"
		ev.Attendees[0].ResponseStatus = "declined"
	}); err != nil {
		t.Fatalf("Update() = %v", err)
	}
	if err := s.Delete("primary", "e02"); err != nil {
		t.Fatalf("Delete() = %v", err)
	}
	s.Put("primary", timed("new", "New meeting", base.Add(48*time.Hour), time.Hour))
	if err := s.CancelInstance("primary", series[1]); err != nil {
		t.Fatalf("CancelInstance() = %v", err)
	}

	changed, token2 := syncAll(t, svc, "primary", token)
	byID := map[string]*calendarapi.Event{}
	for _, ev := range changed {
		byID[ev.Id] = ev
	}
	if got, want := ids(changed), []string{"e01", "e02", "new", series[1]}; !slices.Equal(got, want) {
		t.Fatalf("incremental sync = %v, want %v", got, want)
	}
	if ev := byID["e01"]; ev.Summary != "Renamed" || ev.Attendees[0].ResponseStatus != "declined" || ev.Sequence != 1 {
		t.Errorf("edited event = summary %q, response %q, sequence %d", ev.Summary, ev.Attendees[0].ResponseStatus, ev.Sequence)
	}
	if ev := byID["e02"]; ev.Status != "cancelled" || ev.Summary != "" || ev.Start != nil || ev.RecurringEventId != "" {
		t.Errorf("deleted event = %+v, want a bare tombstone", ev)
	}
	if ev := byID[series[1]]; ev.Status != "cancelled" || ev.RecurringEventId != "weekly" ||
		ev.OriginalStartTime == nil || ev.OriginalStartTime.DateTime != "2026-12-01T10:00:00-05:00" || ev.Summary != "" {
		t.Errorf("cancelled instance = %+v, want a tombstone with recurringEventId and originalStartTime", ev)
	}
	if token2 == token {
		t.Error("nextSyncToken did not change after changes")
	}

	// Nothing changed: no items and the same token back.
	again, token3 := syncAll(t, svc, "primary", token2)
	if len(again) != 0 || token3 != token2 {
		t.Errorf("no-change incremental sync = %v, token %q; want no items and token %q", ids(again), token3, token2)
	}

	// A change on another calendar is not a change here.
	s.Put("boss@example.com", timed("other", "Elsewhere", base, time.Hour))
	if again, token4 := syncAll(t, svc, "primary", token2); len(again) != 0 || token4 != token2 {
		t.Errorf("after a change elsewhere: %v, token %q; want no items and token %q", ids(again), token4, token2)
	}

	// A full sync no longer lists the deleted and cancelled ones.
	items, _ = syncAll(t, svc, "primary", "")
	if got := ids(items); slices.Contains(got, "e02") || slices.Contains(got, series[1]) || len(got) != 5 {
		t.Errorf("full sync after deletions = %v", got)
	}
}

func TestIncrementalSyncPaging(t *testing.T) {
	s := newServer(t)
	svc := newService(t, s, "tok")
	_, token := syncAll(t, svc, "primary", "")
	want := putN(s, 7)
	s.SetPageSizes(0, 2)
	pages := listPages(t, svc.Events.List("primary").SingleEvents(true).SyncToken(token).MaxResults(3))
	var got []*calendarapi.Event
	for i, p := range pages {
		got = append(got, p.Items...)
		if last := i == len(pages)-1; last != (p.NextSyncToken != "") {
			t.Errorf("page %d of %d: nextSyncToken %q", i+1, len(pages), p.NextSyncToken)
		}
	}
	if len(pages) != 4 || !slices.Equal(ids(got), want) {
		t.Errorf("incremental sync in %d pages = %v, want 4 pages of %v", len(pages), ids(got), want)
	}
}

func TestTombstoneJSON(t *testing.T) {
	s := newServer(t)
	svc := newService(t, s, "tok")
	putN(s, 1)
	inst := s.AddWeekly("primary", &calendarapi.Event{
		Id:    "series",
		Start: &calendarapi.EventDateTime{DateTime: "2026-11-24T10:00:00-05:00", TimeZone: "America/New_York"},
		End:   &calendarapi.EventDateTime{DateTime: "2026-11-24T11:00:00-05:00", TimeZone: "America/New_York"},
	}, 2)
	_, token := syncAll(t, svc, "primary", "")
	if err := s.Delete("primary", "e00"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("primary", inst[0]); err != nil { // Delete of an instance cancels it
		t.Fatal(err)
	}
	resp, body := get(t, s, "calendars/primary/events", url.Values{
		"singleEvents": {"true"}, "syncToken": {token}, "prettyPrint": {"false"},
	}, "tok")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var list struct{ Items []map[string]any }
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	if len(list.Items) != 2 {
		t.Fatalf("items = %v", list.Items)
	}
	if got, want := keys(list.Items[0]), []string{"etag", "id", "kind", "status"}; !slices.Equal(got, want) {
		t.Errorf("tombstone keys = %v, want %v", got, want)
	}
	if got, want := keys(list.Items[1]), []string{"etag", "id", "kind", "originalStartTime", "recurringEventId", "status"}; !slices.Equal(got, want) {
		t.Errorf("instance tombstone keys = %v, want %v", got, want)
	}
}

func TestExpireSyncTokens(t *testing.T) {
	s := newServer(t)
	putN(s, 2)
	svc := newService(t, s, "tok")
	_, token := syncAll(t, svc, "primary", "")
	s.ExpireSyncTokens()

	_, err := svc.Events.List("primary").SingleEvents(true).SyncToken(token).Do()
	gerr := googleErr(t, err)
	if gerr.Code != http.StatusGone || reason(gerr) != "fullSyncRequired" {
		t.Errorf("Do() with an expired token = code %d reason %q, want 410 fullSyncRequired", gerr.Code, reason(gerr))
	}
	const want = `{"error":{"errors":[{"domain":"global","reason":"fullSyncRequired","message":"Sync token is no longer valid, a full sync is required."}],"code":410,"message":"Sync token is no longer valid, a full sync is required."}}`
	if gerr.Body != want {
		t.Errorf("410 body =\n%s\nwant\n%s", gerr.Body, want)
	}

	// A full sync mints a token that works.
	_, fresh := syncAll(t, svc, "primary", "")
	if items, _ := syncAll(t, svc, "primary", fresh); len(items) != 0 {
		t.Errorf("incremental sync from a fresh token = %v", ids(items))
	}
}

func TestExpireSyncTokensMidListing(t *testing.T) {
	s := newServer(t)
	putN(s, 4)
	svc := newService(t, s, "tok")
	_, token := syncAll(t, svc, "primary", "")
	putN(s, 4) // four edits to page through
	first, err := svc.Events.List("primary").SingleEvents(true).SyncToken(token).MaxResults(2).Do()
	if err != nil {
		t.Fatalf("first page = %v", err)
	}
	s.ExpireSyncTokens()
	_, err = svc.Events.List("primary").SingleEvents(true).SyncToken(token).MaxResults(2).PageToken(first.NextPageToken).Do()
	if gerr := googleErr(t, err); gerr.Code != http.StatusGone {
		t.Errorf("second page after ExpireSyncTokens = %v, want 410", err)
	}
}

func TestBadSyncToken(t *testing.T) {
	s := newServer(t)
	putN(s, 1)
	s.Put("boss@example.com", timed("x", "x", base, time.Hour))
	svc := newService(t, s, "tok")
	_, bossToken := syncAll(t, svc, "boss@example.com", "")
	for name, token := range map[string]string{
		"garbage":        "not a token",
		"other calendar": bossToken,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := svc.Events.List("primary").SingleEvents(true).SyncToken(token).Do()
			if gerr := googleErr(t, err); gerr.Code != http.StatusBadRequest || reason(gerr) != "invalid" {
				t.Errorf("Do() = code %d reason %q, want 400 invalid", gerr.Code, reason(gerr))
			}
		})
	}
}

func TestSyncTokenRestrictions(t *testing.T) {
	s := newServer(t)
	putN(s, 1)
	svc := newService(t, s, "tok")
	_, token := syncAll(t, svc, "primary", "")
	tests := []struct {
		name string
		set  func(*calendarapi.EventsListCall)
		ok   bool
	}{
		{"timeMin", func(c *calendarapi.EventsListCall) { c.TimeMin(base.Format(time.RFC3339)) }, false},
		{"timeMax", func(c *calendarapi.EventsListCall) { c.TimeMax(base.Format(time.RFC3339)) }, false},
		{"orderBy", func(c *calendarapi.EventsListCall) { c.OrderBy("startTime") }, false},
		{"q", func(c *calendarapi.EventsListCall) { c.Q("dana") }, false},
		{"updatedMin", func(c *calendarapi.EventsListCall) { c.UpdatedMin(base.Format(time.RFC3339)) }, false},
		{"iCalUID", func(c *calendarapi.EventsListCall) { c.ICalUID("e00@google.com") }, false},
		{"showDeleted=false", func(c *calendarapi.EventsListCall) { c.ShowDeleted(false) }, false},
		{"showDeleted=true", func(c *calendarapi.EventsListCall) { c.ShowDeleted(true) }, true},
		{"maxResults", func(c *calendarapi.EventsListCall) { c.MaxResults(10) }, true},
		{"fields", func(c *calendarapi.EventsListCall) { c.Fields("items(id),nextPageToken,nextSyncToken") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := svc.Events.List("primary").SingleEvents(true).SyncToken(token)
			tt.set(call)
			_, err := call.Do()
			if tt.ok {
				if err != nil {
					t.Errorf("Do() = %v, want success", err)
				}
				return
			}
			gerr := googleErr(t, err)
			if gerr.Code != http.StatusBadRequest || reason(gerr) != "invalid" ||
				gerr.Message != "Sync token cannot be used with other request restrictions." {
				t.Errorf("Do() = %d %q %q, want 400 invalid", gerr.Code, reason(gerr), gerr.Message)
			}
		})
	}
}

func TestFailNext(t *testing.T) {
	s := newServer(t)
	putN(s, 1)
	svc := newService(t, s, "tok")
	tests := []struct {
		status       int
		reason       string
		domain       string
		retryAfter   time.Duration
		wantRetryHdr string
	}{
		{429, "rateLimitExceeded", "usageLimits", 0, ""},
		{403, "userRateLimitExceeded", "usageLimits", 0, ""},
		{403, "rateLimitExceeded", "usageLimits", 1500 * time.Millisecond, "2"},
		{503, "backendError", "global", 0, ""},
		{500, "backendError", "global", 30 * time.Second, "30"},
		{400, "badRequest", "global", 0, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %s", tt.status, tt.reason), func(t *testing.T) {
			s.FailNextRetryAfter(2, tt.status, tt.reason, tt.retryAfter)
			for range 2 {
				_, err := svc.Events.List("primary").SingleEvents(true).Do()
				gerr := googleErr(t, err)
				if gerr.Code != tt.status || reason(gerr) != tt.reason || gerr.Message == "" {
					t.Errorf("Do() = code %d reason %q message %q, want %d %s", gerr.Code, reason(gerr), gerr.Message, tt.status, tt.reason)
				}
				if !strings.Contains(gerr.Body, `"domain":"`+tt.domain+`"`) {
					t.Errorf("body %s lacks domain %s", gerr.Body, tt.domain)
				}
				if got := gerr.Header.Get("Retry-After"); got != tt.wantRetryHdr {
					t.Errorf("Retry-After = %q, want %q", got, tt.wantRetryHdr)
				}
			}
			if _, err := svc.Events.List("primary").SingleEvents(true).Do(); err != nil {
				t.Errorf("Do() after the injected failures = %v", err)
			}
		})
	}

	t.Run("queued and any path", func(t *testing.T) {
		s.FailNext(1, 429, "rateLimitExceeded")
		s.FailNext(1, 503, "backendError")
		if resp, _ := get(t, s, "nowhere", nil, ""); resp.StatusCode != 429 {
			t.Errorf("first request = %d, want 429 even on an unknown path without auth", resp.StatusCode)
		}
		if resp, _ := get(t, s, "nowhere", nil, ""); resp.StatusCode != 503 {
			t.Errorf("second request = %d, want 503", resp.StatusCode)
		}
		if resp, _ := get(t, s, "nowhere", nil, "tok"); resp.StatusCode != 404 {
			t.Errorf("third request = %d, want 404", resp.StatusCode)
		}
	})
}

func TestAuth(t *testing.T) {
	s := newServer(t)
	putN(s, 1)

	_, err := newService(t, s, "").Events.List("primary").SingleEvents(true).Do()
	gerr := googleErr(t, err)
	if gerr.Code != http.StatusUnauthorized || reason(gerr) != "required" {
		t.Errorf("no token: code %d reason %q, want 401 required", gerr.Code, reason(gerr))
	}
	if !strings.HasPrefix(gerr.Header.Get("WWW-Authenticate"), "Bearer realm=") {
		t.Errorf("no token: WWW-Authenticate = %q", gerr.Header.Get("WWW-Authenticate"))
	}

	// Before AcceptTokens any bearer goes.
	if _, err := newService(t, s, "anything").Events.List("primary").SingleEvents(true).Do(); err != nil {
		t.Errorf("any token before AcceptTokens: %v", err)
	}

	s.AcceptTokens("good")
	_, err = newService(t, s, "bad").Events.List("primary").SingleEvents(true).Do()
	gerr = googleErr(t, err)
	if gerr.Code != http.StatusUnauthorized || reason(gerr) != "authError" ||
		!strings.Contains(gerr.Body, `"status":"UNAUTHENTICATED"`) {
		t.Errorf("bad token: code %d reason %q body %s", gerr.Code, reason(gerr), gerr.Body)
	}
	if h := gerr.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer realm=") || !strings.Contains(h, "invalid_token") {
		t.Errorf("bad token: WWW-Authenticate = %q", h)
	}
	if _, err := newService(t, s, "good").Events.List("primary").SingleEvents(true).Do(); err != nil {
		t.Errorf("accepted token: %v", err)
	}
	s.AcceptTokens("rotated")
	if _, err := newService(t, s, "rotated").Events.List("primary").SingleEvents(true).Do(); err != nil {
		t.Errorf("second accepted token: %v", err)
	}
}

func TestAddWeeklyAcrossDST(t *testing.T) {
	s := newServer(t)
	master := &calendarapi.Event{
		Id:      "standup",
		Summary: "Weekly with Dana",
		Start:   &calendarapi.EventDateTime{DateTime: "2026-10-19T09:00:00-04:00", TimeZone: "America/New_York"},
		End:     &calendarapi.EventDateTime{DateTime: "2026-10-19T09:30:00-04:00", TimeZone: "America/New_York"},
	}
	got := s.AddWeekly("primary", master, 4)
	want := []string{
		"standup_20261019T130000Z", "standup_20261026T130000Z",
		"standup_20261102T140000Z", "standup_20261109T140000Z",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("AddWeekly() = %v, want %v", got, want)
	}

	items, _ := syncAll(t, newService(t, s, "tok"), "primary", "")
	if !slices.Equal(ids(items), want) {
		t.Fatalf("listed %v, want the instances only, %v", ids(items), want)
	}
	wantStarts := []string{
		"2026-10-19T09:00:00-04:00", "2026-10-26T09:00:00-04:00",
		"2026-11-02T09:00:00-05:00", "2026-11-09T09:00:00-05:00",
	}
	wantEnds := []string{
		"2026-10-19T09:30:00-04:00", "2026-10-26T09:30:00-04:00",
		"2026-11-02T09:30:00-05:00", "2026-11-09T09:30:00-05:00",
	}
	for i, ev := range items {
		if ev.Start.DateTime != wantStarts[i] || ev.End.DateTime != wantEnds[i] || ev.Start.TimeZone != "America/New_York" {
			t.Errorf("instance %d: start %+v end %+v, want %s–%s America/New_York", i, ev.Start, ev.End, wantStarts[i], wantEnds[i])
		}
		if ev.RecurringEventId != "standup" || ev.OriginalStartTime == nil ||
			ev.OriginalStartTime.DateTime != wantStarts[i] || ev.OriginalStartTime.TimeZone != "America/New_York" {
			t.Errorf("instance %d: recurringEventId %q originalStartTime %+v", i, ev.RecurringEventId, ev.OriginalStartTime)
		}
		if ev.Summary != "Weekly with Dana" || ev.ICalUID != "standup@google.com" || len(ev.Recurrence) != 0 {
			t.Errorf("instance %d: summary %q iCalUID %q recurrence %v", i, ev.Summary, ev.ICalUID, ev.Recurrence)
		}
	}
}

func TestAddWeeklyAllDay(t *testing.T) {
	s := newServer(t)
	got := s.AddWeekly("primary", allDay("", "Gym", "2026-11-23", "2026-11-24"), 2)
	if len(got) != 2 || !strings.HasSuffix(got[0], "_20261123") || !strings.HasSuffix(got[1], "_20261130") {
		t.Fatalf("AddWeekly() = %v", got)
	}
	items, _ := syncAll(t, newService(t, s, "tok"), "primary", "")
	if len(items) != 2 || items[1].Start.Date != "2026-11-30" || items[1].End.Date != "2026-12-01" ||
		items[1].OriginalStartTime.Date != "2026-11-30" {
		t.Errorf("all-day instances = %+v", items)
	}
}

func TestMoveInstance(t *testing.T) {
	s := newServer(t)
	inst := s.AddWeekly("primary", &calendarapi.Event{
		Id:    "series",
		Start: &calendarapi.EventDateTime{DateTime: "2026-11-23T09:00:00-05:00", TimeZone: "America/New_York"},
		End:   &calendarapi.EventDateTime{DateTime: "2026-11-23T10:00:00-05:00", TimeZone: "America/New_York"},
	}, 3)
	svc := newService(t, s, "tok")
	_, token := syncAll(t, svc, "primary", "")

	// Move the second occurrence from Monday 09:00 to Tuesday 14:00 (UTC input).
	newStart := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	if err := s.MoveInstance("primary", inst[1], newStart, newStart.Add(time.Hour)); err != nil {
		t.Fatalf("MoveInstance() = %v", err)
	}
	changed, _ := syncAll(t, svc, "primary", token)
	if len(changed) != 1 {
		t.Fatalf("incremental sync after a move = %v", ids(changed))
	}
	ev := changed[0]
	if ev.Id != inst[1] || ev.Start.DateTime != "2026-12-01T14:00:00-05:00" || ev.End.DateTime != "2026-12-01T15:00:00-05:00" {
		t.Errorf("moved instance = id %q start %+v end %+v", ev.Id, ev.Start, ev.End)
	}
	if ev.OriginalStartTime.DateTime != "2026-11-30T09:00:00-05:00" || ev.RecurringEventId != "series" {
		t.Errorf("moved instance lost its identity: originalStartTime %+v recurringEventId %q", ev.OriginalStartTime, ev.RecurringEventId)
	}
	if ev.Sequence != 1 {
		t.Errorf("sequence = %d, want 1", ev.Sequence)
	}
	if err := s.MoveInstance("primary", "nope", newStart, newStart.Add(time.Hour)); err == nil {
		t.Error("MoveInstance of a missing event succeeded")
	}
}

func TestDeleteSeries(t *testing.T) {
	s := newServer(t)
	putN(s, 1)
	s.AddWeekly("primary", &calendarapi.Event{
		Id:    "series",
		Start: &calendarapi.EventDateTime{DateTime: "2026-11-23T09:00:00-05:00", TimeZone: "America/New_York"},
		End:   &calendarapi.EventDateTime{DateTime: "2026-11-23T10:00:00-05:00", TimeZone: "America/New_York"},
	}, 5)
	svc := newService(t, s, "tok")
	_, token := syncAll(t, svc, "primary", "")

	if err := s.DeleteSeries("primary", "series"); err != nil {
		t.Fatalf("DeleteSeries() = %v", err)
	}
	if items, _ := syncAll(t, svc, "primary", ""); !slices.Equal(ids(items), []string{"e00"}) {
		t.Errorf("full sync after DeleteSeries = %v, want [e00]", ids(items))
	}
	changed, _ := syncAll(t, svc, "primary", token)
	if len(changed) != 1 {
		t.Fatalf("incremental sync after DeleteSeries = %v, want one tombstone", ids(changed))
	}
	if ev := changed[0]; ev.Id != "series" || ev.Status != "cancelled" || ev.RecurringEventId != "" || ev.OriginalStartTime != nil {
		t.Errorf("tombstone = %+v, want id series, cancelled, no recurringEventId", ev)
	}
	if err := s.DeleteSeries("primary", "series"); err == nil {
		t.Error("second DeleteSeries succeeded")
	}
	deleted, err := svc.Events.List("primary").SingleEvents(true).ShowDeleted(true).Do()
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(deleted.Items); !slices.Equal(got, []string{"series", "e00"}) {
		t.Errorf("showDeleted listing = %v, want the series tombstone and e00", got)
	}
}

func TestTimeWindow(t *testing.T) {
	s := newServer(t)
	// 14:00Z–15:00Z on the 23rd.
	s.Put("primary", timed("meeting", "Meeting", base, time.Hour))
	s.Put("primary", allDay("day23", "All day 23rd", "2026-11-23", "2026-11-24"))
	s.Put("primary", allDay("trip", "Trip 20th–22nd", "2026-11-20", "2026-11-23"))
	// 13:00Z–14:00Z: ends when "meeting" starts.
	s.Put("primary", timed("before", "Before", base.Add(-time.Hour), time.Hour))
	svc := newService(t, s, "tok")

	tests := []struct {
		name     string
		min, max string
		want     []string
	}{
		{"no window", "", "", []string{"trip", "day23", "before", "meeting"}},
		{"min at an end is exclusive", "2026-11-23T14:00:00Z", "", []string{"day23", "meeting"}},
		{"max at a start is exclusive", "", "2026-11-23T14:00:00Z", []string{"trip", "day23", "before"}},
		{"all-day end is exclusive", "2026-11-23T00:00:00Z", "2026-11-23T01:00:00Z", []string{"day23"}},
		{"offset in the bound", "2026-11-23T09:30:00-05:00", "2026-11-23T09:45:00-05:00", []string{"day23", "meeting"}},
		{"all-day in the middle", "2026-11-21T12:00:00Z", "2026-11-21T13:00:00Z", []string{"trip"}},
		{"empty", "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := svc.Events.List("primary").SingleEvents(true).OrderBy("startTime")
			if tt.min != "" {
				call.TimeMin(tt.min)
			}
			if tt.max != "" {
				call.TimeMax(tt.max)
			}
			items, err := call.Do()
			if err != nil {
				t.Fatalf("Do() = %v", err)
			}
			if got := ids(items.Items); !slices.Equal(got, tt.want) && (len(got) != 0 || len(tt.want) != 0) {
				t.Errorf("window [%s, %s) = %v, want %v", tt.min, tt.max, got, tt.want)
			}
		})
	}

	_, err := svc.Events.List("primary").SingleEvents(true).TimeMin("2026-11-23").Do()
	if gerr := googleErr(t, err); gerr.Code != http.StatusBadRequest {
		t.Errorf("timeMin without a time = %d, want 400", gerr.Code)
	}
}

func TestFilters(t *testing.T) {
	s := newServer(t)
	putN(s, 3)
	if err := s.Update("primary", "e00", func(ev *calendarapi.Event) { ev.Location = "Room Lovelace" }); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("primary", "e02"); err != nil {
		t.Fatal(err)
	}
	svc := newService(t, s, "tok")
	tests := []struct {
		name string
		set  func(*calendarapi.EventsListCall)
		want []string
	}{
		{"q", func(c *calendarapi.EventsListCall) { c.Q("lovelace") }, []string{"e00"}},
		{"q attendee", func(c *calendarapi.EventsListCall) { c.Q("dana@example.com") }, []string{"e00", "e01"}},
		{"iCalUID", func(c *calendarapi.EventsListCall) { c.ICalUID("e01@google.com") }, []string{"e01"}},
		{"orderBy updated", func(c *calendarapi.EventsListCall) { c.OrderBy("updated") }, []string{"e01", "e00"}},
		{"showDeleted", func(c *calendarapi.EventsListCall) { c.ShowDeleted(true) }, []string{"e00", "e01", "e02"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := svc.Events.List("primary").SingleEvents(true)
			tt.set(call)
			items, err := call.Do()
			if err != nil {
				t.Fatalf("Do() = %v", err)
			}
			if got := ids(items.Items); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFieldsPartialResponse(t *testing.T) {
	s := newServer(t)
	s.Generate("primary", 200, base, 7)
	svc := newService(t, s, "tok")

	const fields = "items(id,status,start(dateTime,date),attendees(email,self,responseStatus)),nextPageToken,nextSyncToken"
	s.ResetStats()
	full, err := svc.Events.List("primary").SingleEvents(true).Do()
	if err != nil {
		t.Fatal(err)
	}
	part, err := svc.Events.List("primary").SingleEvents(true).Fields(fields).Do()
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("Requests() = %d entries, want 2", len(reqs))
	}
	fullBytes, partBytes := reqs[0].BodyBytes, reqs[1].BodyBytes
	if partBytes*4 > fullBytes {
		t.Errorf("partial response is %d bytes, full %d: want at most a quarter", partBytes, fullBytes)
	}
	t.Logf("200 events: %d bytes in full, %d with fields", fullBytes, partBytes)

	if len(part.Items) != len(full.Items) || part.Kind != "" || part.NextSyncToken == "" {
		t.Fatalf("partial list: %d items (want %d), kind %q, nextSyncToken %q", len(part.Items), len(full.Items), part.Kind, part.NextSyncToken)
	}
	for i, ev := range part.Items {
		if ev.Id != full.Items[i].Id || ev.Summary != "" || ev.Description != "" || ev.Etag != "" || ev.Start == nil {
			t.Fatalf("partial item %d = %+v", i, ev)
		}
		if ev.Start.TimeZone != "" {
			t.Fatalf("partial item %d has start.timeZone", i)
		}
		for _, a := range ev.Attendees {
			if a.DisplayName != "" || a.Email == "" {
				t.Fatalf("partial item %d attendee = %+v", i, a)
			}
		}
	}

	raw := func(fields string) (int, string) {
		resp, body := get(t, s, "calendars/primary/events", url.Values{
			"singleEvents": {"true"}, "prettyPrint": {"false"}, "fields": {fields},
		}, "tok")
		return resp.StatusCode, string(body)
	}
	if code, body := raw("nextSyncToken"); code != 200 || !strings.HasPrefix(body, `{"nextSyncToken":"`) || strings.Count(body, `"`) != 4 {
		t.Errorf("fields=nextSyncToken = %d %s", code, body)
	}
	if code, body := raw("kind,items/id"); code != 200 || !strings.HasPrefix(body, `{"kind":"calendar#events","items":[{"id":"`) {
		t.Errorf("fields=kind,items/id = %d %.80s", code, body)
	}
	if code, body := raw("*"); code != 200 || len(body) != fullBytes {
		t.Errorf("fields=* = %d, %d bytes, want all %d", code, len(body), fullBytes)
	}

	resp, body := get(t, s, "calendars/primary/events", url.Values{
		"singleEvents": {"true"}, "fields": {"items(id"},
	}, "tok")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Invalid field selection") {
		t.Errorf("malformed fields = %d %s, want 400", resp.StatusCode, body)
	}
}

func TestSnapshotPagingStable(t *testing.T) {
	s := newServer(t)
	want := putN(s, 10)
	svc := newService(t, s, "tok")

	call := svc.Events.List("primary").SingleEvents(true).MaxResults(4)
	var got []*calendarapi.Event
	var token string
	page := 0
	err := call.Pages(context.Background(), func(p *calendarapi.Events) error {
		got = append(got, p.Items...)
		token = p.NextSyncToken
		page++
		if page == 1 {
			// Mid-listing edits: one before everything, one delete and one
			// rename among the pages still to come.
			s.Put("primary", timed("early", "Early", base.Add(-24*time.Hour), time.Hour))
			if err := s.Delete("primary", "e08"); err != nil {
				return err
			}
			return s.Update("primary", "e05", func(ev *calendarapi.Event) { ev.Summary = "Renamed" })
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Pages() = %v", err)
	}
	if !slices.Equal(ids(got), want) {
		t.Errorf("listing during edits = %v, want the snapshot %v", ids(got), want)
	}
	if got[5].Summary != "Meeting e05" {
		t.Errorf("e05 summary = %q, want the snapshot's", got[5].Summary)
	}

	// The edits are in the next incremental sync.
	changed, _ := syncAll(t, svc, "primary", token)
	if got, want := ids(changed), []string{"early", "e08", "e05"}; !slices.Equal(got, want) {
		t.Errorf("incremental sync after the listing = %v, want %v", got, want)
	}
}

func TestPageTokenMismatch(t *testing.T) {
	s := newServer(t)
	putN(s, 5)
	svc := newService(t, s, "tok")
	first, err := svc.Events.List("primary").SingleEvents(true).MaxResults(2).Do()
	if err != nil {
		t.Fatal(err)
	}
	// maxResults and fields may change between pages.
	if _, err := svc.Events.List("primary").SingleEvents(true).MaxResults(3).Fields("items(id),nextPageToken").
		PageToken(first.NextPageToken).Do(); err != nil {
		t.Errorf("next page with another maxResults = %v", err)
	}
	s.Put("boss@example.com", timed("x", "x", base, time.Hour))
	for name, call := range map[string]*calendarapi.EventsListCall{
		"other query":    svc.Events.List("primary").SingleEvents(true).MaxResults(2).Q("x"),
		"other calendar": svc.Events.List("boss@example.com").SingleEvents(true).MaxResults(2),
		"other window":   svc.Events.List("primary").SingleEvents(true).MaxResults(2).TimeMin(base.Format(time.RFC3339)),
	} {
		_, err := call.PageToken(first.NextPageToken).Do()
		if gerr := googleErr(t, err); gerr.Code != http.StatusBadRequest {
			t.Errorf("%s: page token reused = %d, want 400", name, gerr.Code)
		}
	}
	_, err = svc.Events.List("primary").SingleEvents(true).PageToken("bogus").Do()
	if gerr := googleErr(t, err); gerr.Code != http.StatusBadRequest {
		t.Errorf("bogus page token = %d, want 400", gerr.Code)
	}
}

func TestRouting(t *testing.T) {
	s := newServer(t)
	putN(s, 1)
	q := url.Values{"singleEvents": {"true"}, "prettyPrint": {"false"}}
	tests := []struct {
		name, path string
		q          url.Values
		want       int
		body       string
	}{
		{"list", "calendars/primary/events", q, 200, `"kind":"calendar#events"`},
		{"escaped id", "calendars/" + url.PathEscape("a/b@example.com") + "/events", q, 404, `"reason":"notFound"`},
		{"unknown calendar", "calendars/nobody%40example.com/events", q, 404, `"reason":"notFound"`},
		{"events.get", "calendars/primary/events/e00", q, 404, `"reason":"notFound"`},
		{"calendarList", "users/me/calendarList", nil, 404, `"reason":"notFound"`},
		{"no singleEvents", "calendars/primary/events", nil, 400, "singleEvents=true"},
		{"singleEvents=false", "calendars/primary/events", url.Values{"singleEvents": {"false"}}, 400, "singleEvents=true"},
		{"bad maxResults", "calendars/primary/events", url.Values{"singleEvents": {"true"}, "maxResults": {"0"}}, 400, `"reason":"invalid"`},
		{"bad orderBy", "calendars/primary/events", url.Values{"singleEvents": {"true"}, "orderBy": {"title"}}, 400, `"reason":"invalid"`},
		{"alt=json", "calendars/primary/events", url.Values{"singleEvents": {"true"}, "alt": {"json"}}, 200, `"items"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, s, tt.path, tt.q, "tok")
			if resp.StatusCode != tt.want || !strings.Contains(string(body), tt.body) {
				t.Errorf("GET %s = %d %s, want %d with %s", tt.path, resp.StatusCode, body, tt.want, tt.body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}

	// A calendar id with a slash works once the calendar exists.
	s.Put("a/b@example.com", timed("x", "x", base, time.Hour))
	if resp, body := get(t, s, "calendars/"+url.PathEscape("a/b@example.com")+"/events", q, "tok"); resp.StatusCode != 200 {
		t.Errorf("escaped calendar id = %d %s", resp.StatusCode, body)
	}

	req, _ := http.NewRequest(http.MethodPost, s.Endpoint()+"calendars/primary/events", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("POST events = %d, want 404", resp.StatusCode)
	}
}

func TestPrettyPrint(t *testing.T) {
	s := newServer(t)
	putN(s, 1)
	_, pretty := get(t, s, "calendars/primary/events", url.Values{"singleEvents": {"true"}}, "tok")
	_, compact := get(t, s, "calendars/primary/events", url.Values{"singleEvents": {"true"}, "prettyPrint": {"false"}}, "tok")
	if !strings.HasPrefix(string(pretty), "{\n \"kind\"") {
		t.Errorf("default response is not pretty: %.40q", pretty)
	}
	if strings.Contains(string(compact), "\n") {
		t.Errorf("prettyPrint=false response has newlines: %.80q", compact)
	}
	if len(compact) >= len(pretty) {
		t.Errorf("compact %d bytes, pretty %d", len(compact), len(pretty))
	}
}

func TestPutUpdateDelete(t *testing.T) {
	s := newServer(t)
	ev := timed("", "No id", base, time.Hour)
	s.Put("primary", ev)
	if ev.Id == "" {
		t.Fatal("Put() did not assign an id")
	}
	ev.Summary = "changed by the caller"
	svc := newService(t, s, "tok")
	items, _ := syncAll(t, svc, "primary", "")
	if len(items) != 1 || items[0].Summary != "No id" || items[0].Sequence != 0 {
		t.Fatalf("listed %+v", items)
	}
	first := items[0]

	replaced := timed(ev.Id, "Replaced", base, time.Hour)
	s.Put("primary", replaced)
	items, _ = syncAll(t, svc, "primary", "")
	if got := items[0]; got.Summary != "Replaced" || got.Sequence != 1 || got.Etag == first.Etag || got.Created != first.Created {
		t.Errorf("after replace: summary %q sequence %d etag %q (was %q) created %q (was %q)",
			got.Summary, got.Sequence, got.Etag, first.Etag, got.Created, first.Created)
	}

	if err := s.Update("primary", "missing", func(*calendarapi.Event) {}); err == nil {
		t.Error("Update of a missing event succeeded")
	}
	if err := s.Delete("primary", "missing"); err == nil {
		t.Error("Delete of a missing event succeeded")
	}
	if err := s.CancelInstance("primary", ev.Id); err == nil {
		t.Error("CancelInstance of a single event succeeded")
	}
	if err := s.Delete("primary", ev.Id); err != nil {
		t.Fatalf("Delete() = %v", err)
	}
	if err := s.Delete("primary", ev.Id); err == nil {
		t.Error("second Delete succeeded")
	}
	// Update can bring a cancelled event back, as a PATCH status=confirmed would.
	if err := s.Update("primary", ev.Id, func(e *calendarapi.Event) { e.Status = "confirmed" }); err != nil {
		t.Fatal(err)
	}
	if items, _ = syncAll(t, svc, "primary", ""); len(items) != 1 || items[0].Summary != "Replaced" {
		t.Errorf("after restore: %+v", items)
	}

	defer func() {
		if recover() == nil {
			t.Error("Put of an event without times did not panic")
		}
	}()
	s.Put("primary", &calendarapi.Event{Id: "bad"})
}

func TestLoadJSON(t *testing.T) {
	s := newServer(t)
	f, err := os.Open("testdata/events.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := s.LoadJSON("boss@example.com", f); err != nil {
		t.Fatalf("LoadJSON() = %v", err)
	}
	items, _ := syncAll(t, newService(t, s, "tok"), "boss@example.com", "")
	if got, want := ids(items), []string{"offsite", "oneonone", "weekly_20261124T150000Z"}; !slices.Equal(got, want) {
		t.Fatalf("listed %v, want %v", got, want)
	}
	if items[1].Organizer.Email != "dana@example.com" || items[1].Attendees[1].ResponseStatus != "needsAction" {
		t.Errorf("fixture event = %+v", items[1])
	}
	if items[2].RecurringEventId != "weekly" {
		t.Errorf("instance recurringEventId = %q", items[2].RecurringEventId)
	}
	if err := s.DeleteSeries("boss@example.com", "weekly"); err != nil {
		t.Errorf("DeleteSeries of a loaded series = %v", err)
	}
	if err := s.LoadJSON("primary", strings.NewReader(`{"items":[{"id":"x","start":{"date":"nope"},"end":{"date":"2026-01-01"}}]}`)); err == nil {
		t.Error("LoadJSON of a bad date succeeded")
	}
	if err := s.LoadJSON("primary", strings.NewReader(`{"items":`)); err == nil {
		t.Error("LoadJSON of truncated JSON succeeded")
	}
}

func TestGenerate(t *testing.T) {
	from := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	list := func(seed int64) []*calendarapi.Event {
		s := newServer(t)
		s.Generate("primary", 300, from, seed)
		items, _ := syncAll(t, newService(t, s, "tok"), "primary", "")
		return items
	}
	a, b, c := list(1), list(1), list(2)
	if len(a) != 300 {
		t.Fatalf("Generate(300) listed %d events", len(a))
	}
	same := func(x, y []*calendarapi.Event) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i].Id != y[i].Id || x[i].Summary != y[i].Summary || x[i].Description != y[i].Description ||
				x[i].Start.DateTime != y[i].Start.DateTime || len(x[i].Attendees) != len(y[i].Attendees) {
				return false
			}
		}
		return true
	}
	if !same(a, b) {
		t.Error("same seed gave different calendars")
	}
	if same(a, c) {
		t.Error("different seeds gave the same calendar")
	}

	var boss, series, allDay, maxAttendees int
	for _, ev := range a {
		for _, at := range ev.Attendees {
			if at.Email == googletest.BossEmail {
				boss++
			}
		}
		if ev.RecurringEventId != "" {
			series++
		}
		if ev.Start.Date != "" {
			allDay++
			continue
		}
		start, err := time.Parse(time.RFC3339, ev.Start.DateTime)
		if err != nil || start.Before(from) {
			t.Errorf("event %s starts %q, before %v", ev.Id, ev.Start.DateTime, from)
		}
		if wd := start.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("event %s on a %v", ev.Id, wd)
		}
		maxAttendees = max(maxAttendees, len(ev.Attendees))
	}
	if boss < 10 || series < 20 || allDay == 0 || maxAttendees < 8 {
		t.Errorf("mix: %d with the boss, %d instances, %d all-day, up to %d attendees", boss, series, allDay, maxAttendees)
	}
}

func TestRequestsLog(t *testing.T) {
	s := newServer(t)
	putN(s, 2)
	resp, body := get(t, s, "calendars/primary/events", url.Values{"singleEvents": {"true"}, "maxResults": {"1"}}, "tok")
	if resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	get(t, s, "calendars/primary/events", nil, "")
	reqs := s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("Requests() = %+v", reqs)
	}
	if r := reqs[0]; r.Path != "/calendar/v3/calendars/primary/events" || r.Query.Get("maxResults") != "1" ||
		r.Status != 200 || r.BodyBytes != len(body) {
		t.Errorf("first request = %+v, want a 200 of %d bytes", r, len(body))
	}
	if reqs[1].Status != 401 {
		t.Errorf("second request status = %d, want 401", reqs[1].Status)
	}
	reqs[0].Query.Set("maxResults", "mutated")
	if s.Requests()[0].Query.Get("maxResults") != "1" {
		t.Error("Requests() shares its query values with the log")
	}
	s.ResetStats()
	if n := len(s.Requests()); n != 0 {
		t.Errorf("after ResetStats, %d requests", n)
	}
}

func TestSetClock(t *testing.T) {
	s := newServer(t)
	now := time.Date(2026, 11, 22, 20, 0, 0, 123e6, time.UTC)
	s.SetClock(func() time.Time { return now })
	putN(s, 1)
	page, err := newService(t, s, "tok").Events.List("primary").SingleEvents(true).Do()
	if err != nil {
		t.Fatal(err)
	}
	if ev := page.Items[0]; ev.Updated != "2026-11-22T20:00:00.123Z" || ev.Created != ev.Updated || page.Updated != ev.Updated {
		t.Errorf("updated %q created %q list updated %q", ev.Updated, ev.Created, page.Updated)
	}
}

func TestConcurrentUse(t *testing.T) {
	s := newServer(t)
	putN(s, 20)
	svc := newService(t, s, "tok")
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				err := svc.Events.List("primary").SingleEvents(true).MaxResults(3).Pages(context.Background(),
					func(*calendarapi.Events) error { return nil })
				if err != nil {
					t.Errorf("reader %d, listing %d: %v", w, i, err)
				}
			}
		})
		wg.Go(func() {
			for i := range 10 {
				s.Put("primary", timed(fmt.Sprintf("w%d-%d", w, i), "x", base.Add(time.Duration(i)*time.Minute), time.Hour))
				_ = s.Update("primary", "e00", func(ev *calendarapi.Event) { ev.Summary = fmt.Sprint(w, i) })
				_ = s.Requests()
			}
		})
	}
	wg.Wait()
}
