package graphtest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar/graph/graphtest"
)

var now = time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)

type page struct {
	Value []struct {
		ID      string          `json:"id"`
		Removed json.RawMessage `json:"@removed"`
		Start   struct {
			DateTime string `json:"dateTime"`
			TimeZone string `json:"timeZone"`
		} `json:"start"`
	} `json:"value"`
	NextLink  string `json:"@odata.nextLink"`
	DeltaLink string `json:"@odata.deltaLink"`
	Error     struct {
		Code string `json:"code"`
	} `json:"error"`
}

func get(t *testing.T, url string, header ...string) (int, page, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p page
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatalf("GET %s: decode: %v", url, err)
	}
	return resp.StatusCode, p, resp.Header
}

func newServer(t *testing.T) *graphtest.Server {
	s := graphtest.NewServer()
	t.Cleanup(s.Close)
	return s
}

func view(s *graphtest.Server) string {
	return s.Endpoint() + "me/calendarView/delta?startDateTime=2026-12-06T00:00:00Z&endDateTime=2026-12-20T00:00:00Z"
}

func TestDeltaRound(t *testing.T) {
	s := newServer(t)
	for i := range 25 {
		s.Put(graphtest.DefaultCalendar, graphtest.Event{ID: "e" + string(rune('a'+i)), Start: now.Add(time.Duration(i) * time.Hour), End: now.Add(time.Duration(i)*time.Hour + time.Hour)})
	}
	s.Put(graphtest.DefaultCalendar, graphtest.Event{ID: "late", Start: now.AddDate(0, 1, 0), End: now.AddDate(0, 1, 0).Add(time.Hour)})

	// No maxpagesize: pages of DefaultPageSize. Preferences comma-joined
	// in one header count as well as in two.
	link, seen := view(s), 0
	var pages int
	for link != "" {
		status, p, _ := get(t, link, "Prefer", `odata.maxpagesize=10, outlook.timezone="UTC"`)
		if status != 200 {
			t.Fatalf("GET %s = %d", link, status)
		}
		pages++
		seen += len(p.Value)
		if p.NextLink == "" {
			if p.DeltaLink == "" || !strings.Contains(p.DeltaLink, "$deltatoken=") {
				t.Fatalf("last page has no deltaLink: %+v", p)
			}
			link = ""
			break
		}
		if !strings.Contains(p.NextLink, "$skiptoken=") {
			t.Fatalf("nextLink %q has no $skiptoken", p.NextLink)
		}
		link = p.NextLink
		if p.Value[0].Start.TimeZone != "UTC" || !strings.HasSuffix(p.Value[0].Start.DateTime, ".0000000") {
			t.Errorf("start = %+v, want a UTC dateTime with seven fractional digits", p.Value[0].Start)
		}
	}
	if seen != 25 || pages != 3 {
		t.Errorf("round listed %d events in %d pages, want 25 in 3", seen, pages)
	}

	// The deltaLink then lists only changes.
	_, last := lastPage(t, view(s))
	s.Update(graphtest.DefaultCalendar, "eb", func(ev *graphtest.Event) { ev.Subject = "changed" })
	s.Delete(graphtest.DefaultCalendar, "ec")
	_, p, _ := get(t, last)
	if len(p.Value) != 2 || p.Value[0].ID != "eb" || p.Value[1].ID != "ec" || p.Value[1].Removed == nil {
		t.Errorf("delta = %+v, want eb changed and ec removed", p.Value)
	}
	_, p, _ = get(t, p.DeltaLink)
	if len(p.Value) != 0 || p.DeltaLink == "" {
		t.Errorf("quiet delta = %+v, want nothing and a deltaLink", p)
	}

	s.ExpireDeltaTokens()
	if status, p, _ := get(t, last); status != http.StatusGone || p.Error.Code != "SyncStateNotFound" {
		t.Errorf("expired token: %d %q, want 410 SyncStateNotFound", status, p.Error.Code)
	}
}

func lastPage(t *testing.T, link string) (page, string) {
	t.Helper()
	for {
		_, p, _ := get(t, link, "Prefer", "odata.maxpagesize=100")
		if p.NextLink == "" {
			return p, p.DeltaLink
		}
		link = p.NextLink
	}
}

func TestTimeZoneWithoutPreferIsTheMailboxZone(t *testing.T) {
	s := newServer(t)
	s.Put(graphtest.DefaultCalendar, graphtest.Event{ID: "a", Start: now, End: now.Add(time.Hour)})
	_, p, _ := get(t, view(s))
	if got := p.Value[0].Start; got.DateTime != "2026-12-07T00:00:00.0000000" || got.TimeZone != "Pacific Standard Time" {
		t.Errorf("start without Prefer = %+v, want midnight Pacific", got)
	}
	_, p, _ = get(t, view(s), "Prefer", `outlook.timezone="UTC"`)
	if got := p.Value[0].Start; got.DateTime != "2026-12-07T08:00:00.0000000" || got.TimeZone != "UTC" {
		t.Errorf("start with Prefer UTC = %+v, want 08:00 UTC", got)
	}
}

func TestRefusals(t *testing.T) {
	s := newServer(t)
	if status, p, _ := get(t, view(s)+"&$select=subject"); status != 400 || p.Error.Code == "" {
		t.Errorf("$select: %d %q, want 400 with a code", status, p.Error.Code)
	}
	if status, _, _ := get(t, s.Endpoint()+"me/calendarView/delta"); status != 400 {
		t.Errorf("no window: %d, want 400", status)
	}
	if status, p, _ := get(t, s.Endpoint()+"me/calendars/nope/calendarView/delta?startDateTime=2026-12-06T00:00:00Z&endDateTime=2026-12-20T00:00:00Z"); status != 404 || p.Error.Code != "ErrorItemNotFound" {
		t.Errorf("unknown calendar: %d %q, want 404 ErrorItemNotFound", status, p.Error.Code)
	}
	s.Throttle(1, 3*time.Second)
	if status, _, h := get(t, view(s)); status != 429 || h.Get("Retry-After") != "3" {
		t.Errorf("throttled: %d, Retry-After %q; want 429 and 3", status, h.Get("Retry-After"))
	}
	s.RequireTokens("tok")
	if status, p, _ := get(t, view(s), "Authorization", "Bearer other"); status != 401 || p.Error.Code != "InvalidAuthenticationToken" {
		t.Errorf("bad token: %d %q, want 401", status, p.Error.Code)
	}
	if status, _, _ := get(t, view(s), "Authorization", "Bearer tok"); status != 200 {
		t.Errorf("good token: %d, want 200", status)
	}
	reqs := s.Requests()
	if len(reqs) != 6 || reqs[5].BodyBytes == 0 || reqs[4].Status != 401 {
		t.Errorf("request log = %+v", reqs)
	}
}

func TestCalendarsArePaged(t *testing.T) {
	s := newServer(t)
	for i := range 12 {
		s.AddCalendar("c"+string(rune('a'+i)), "Calendar "+string(rune('A'+i)))
	}
	link, n := s.Endpoint()+"me/calendars?$select=id,name", 0
	for link != "" {
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Value    []map[string]any `json:"value"`
			NextLink string           `json:"@odata.nextLink"`
		}
		json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		for _, c := range p.Value {
			if len(c) != 2 {
				t.Errorf("calendar %v, want only id and name", c)
			}
		}
		n += len(p.Value)
		link = p.NextLink
	}
	if n != 13 {
		t.Errorf("listed %d calendars, want 13", n)
	}
}
