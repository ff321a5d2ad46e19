package ics

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/clock"
)

// secretPath is the part of the feed URL that must never show.
const secretPath = "/calendar/ical/me%40example.com/private-5e3c7a9b1d2f/basic.ics"

var syncNow = utc("2025-10-20T08:00")

const lookahead = 14 * 24 * time.Hour

// feed is an httptest handler serving an .ics body the way calendar
// servers do: optional validators, conditional answers, optional gzip.
type feed struct {
	mu           sync.Mutex
	body         []byte
	etag         string    // sent, and If-None-Match honoured, when set
	lastModified time.Time // sent, and If-Modified-Since honoured, when set
	status       int       // forced answer, when set
	gzip         bool
	requests     []http.Header
	notModified  int
}

func (f *feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Header.Clone())
	if r.URL.EscapedPath() != secretPath {
		http.NotFound(w, r)
		return
	}
	if f.status != 0 {
		http.Error(w, "nope", f.status)
		return
	}
	if f.etag != "" {
		w.Header().Set("ETag", f.etag)
		if r.Header.Get("If-None-Match") == f.etag {
			f.notModified++
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if !f.lastModified.IsZero() {
		w.Header().Set("Last-Modified", f.lastModified.UTC().Format(http.TimeFormat))
		if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !f.lastModified.After(ims) && f.etag == "" {
			f.notModified++
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	if f.gzip && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = zw.Write(f.body)
		_ = zw.Close()
		return
	}
	_, _ = w.Write(f.body)
}

func (f *feed) set(fn func(f *feed)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// last returns the headers of the last request and the number of requests.
func (f *feed) last() (http.Header, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		return nil, 0
	}
	return f.requests[len(f.requests)-1], len(f.requests)
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func serve(t *testing.T, f *feed) string {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL + secretPath
}

func newSource(t *testing.T, o Options, clk clock.Clock) *Source {
	t.Helper()
	o.Lookahead = lookahead
	o.Clock = clk
	o.Location = time.UTC
	o.Self = []string{"me@example.com"}
	s, err := New(o)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	return s
}

func sync1(t *testing.T, s *Source, cursor string) calendar.Changes {
	t.Helper()
	ch, err := s.Sync(context.Background(), cursor)
	if err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	return ch
}

func wantFull(t *testing.T, ch calendar.Changes, now time.Time, requests int) {
	t.Helper()
	want := calendar.Window{Start: now.Add(-24 * time.Hour), End: now.Add(lookahead + 7*24*time.Hour)}
	if !ch.Full || ch.Window != want || len(ch.Events) == 0 || ch.Requests != requests || ch.Cursor == "" {
		t.Fatalf("Sync() = Full %v, Window %v, %d events, %d requests; want a full listing of %v in %d request(s)",
			ch.Full, ch.Window, len(ch.Events), ch.Requests, want, requests)
	}
}

func wantUnchanged(t *testing.T, ch calendar.Changes) {
	t.Helper()
	if ch.Full || len(ch.Events) != 0 || ch.Requests != 1 || ch.Cursor == "" {
		t.Fatalf("Sync() = Full %v, %d events, %d requests; want no change in 1 request", ch.Full, len(ch.Events), ch.Requests)
	}
}

func TestSyncETag(t *testing.T) {
	f := &feed{body: readTestdata(t, "google.ics"), etag: `"v1"`}
	clk := clock.NewFake(syncNow)
	s := newSource(t, Options{URL: serve(t, f), UserAgent: "leadup-test/1"}, clk)

	ch := sync1(t, s, "")
	wantFull(t, ch, syncNow, 1)
	first, _ := f.last()
	if first.Get("If-None-Match") != "" || first.Get("User-Agent") != "leadup-test/1" {
		t.Errorf("first request headers = %v", first)
	}
	// The window is [10-19 08:00, 11-10 08:00): the 1:1s of 10-22 (moved)
	// and 11-04 and the staff meeting of 11-11 are outside or in.
	var ids []string
	for _, e := range ch.Events {
		ids = append(ids, e.ID)
	}
	for _, id := range []string{oneOnOne + "_20251021T133000Z", oneOnOne + "_20251104T143000Z", "3s4t5u6v7w8x@google.com_20251105T180000Z"} {
		if !strings.Contains(strings.Join(ids, " "), id) {
			t.Errorf("full listing lacks %s: %v", id, ids)
		}
	}

	clk.Advance(time.Hour)
	again := sync1(t, s, ch.Cursor)
	wantUnchanged(t, again)
	h, n := f.last()
	if h.Get("If-None-Match") != `"v1"` || n != 2 || f.notModified != 1 {
		t.Errorf("second request: If-None-Match %q, %d requests, %d not modified", h.Get("If-None-Match"), n, f.notModified)
	}
}

func TestSyncLastModified(t *testing.T) {
	f := &feed{body: readTestdata(t, "google.ics"), lastModified: utc("2025-10-19T12:00")}
	clk := clock.NewFake(syncNow)
	s := newSource(t, Options{URL: serve(t, f)}, clk)
	ch := sync1(t, s, "")
	wantFull(t, ch, syncNow, 1)
	wantUnchanged(t, sync1(t, s, ch.Cursor))
	h, _ := f.last()
	if h.Get("If-Modified-Since") != "Sun, 19 Oct 2025 12:00:00 GMT" || f.notModified != 1 {
		t.Errorf("If-Modified-Since = %q, %d not modified", h.Get("If-Modified-Since"), f.notModified)
	}
}

// A server without validators sends the body every time; the same body
// hashes the same and is no change.
func TestSyncSameBodyWithoutValidators(t *testing.T) {
	f := &feed{body: readTestdata(t, "google.ics")}
	s := newSource(t, Options{URL: serve(t, f)}, clock.NewFake(syncNow))
	ch := sync1(t, s, "")
	wantFull(t, ch, syncNow, 1)
	wantUnchanged(t, sync1(t, s, ch.Cursor))
	if h, n := f.last(); n != 2 || h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
		t.Errorf("%d requests, last %v", n, h)
	}
}

func TestSyncBodyChange(t *testing.T) {
	f := &feed{body: readTestdata(t, "google.ics"), etag: `"v1"`}
	s := newSource(t, Options{URL: serve(t, f)}, clock.NewFake(syncNow))
	ch := sync1(t, s, "")
	f.set(func(f *feed) {
		f.body = bytes.Replace(f.body, []byte("SUMMARY:Barbara / Me 1:1\r\n"), []byte("SUMMARY:Barbara / Me weekly\r\n"), -1)
		f.etag = `"v2"`
	})
	next := sync1(t, s, ch.Cursor)
	wantFull(t, next, syncNow, 1)
	if e := find(t, next.Events, oneOnOne+"_20251104T143000Z"); e.Title != "Barbara / Me weekly" {
		t.Errorf("Title = %q after the change", e.Title)
	}
	wantUnchanged(t, sync1(t, s, next.Cursor))
}

// The window must slide once the lookahead passes its end: after a 304 the
// feed in memory serves, without a download.
func TestSyncWindowSlideFromMemory(t *testing.T) {
	f := &feed{body: readTestdata(t, "google.ics"), etag: `"v1"`}
	clk := clock.NewFake(syncNow)
	s := newSource(t, Options{URL: serve(t, f)}, clk)
	ch := sync1(t, s, "")
	clk.Advance(6 * 24 * time.Hour) // still covered
	ch2 := sync1(t, s, ch.Cursor)
	wantUnchanged(t, ch2)
	clk.Advance(2 * 24 * time.Hour)
	slid := sync1(t, s, ch2.Cursor)
	wantFull(t, slid, syncNow.Add(8*24*time.Hour), 1)
	if h, n := f.last(); n != 3 || h.Get("If-None-Match") != `"v1"` || f.notModified != 2 {
		t.Errorf("%d requests, %d not modified, last If-None-Match %q", n, f.notModified, h.Get("If-None-Match"))
	}
	find(t, slid.Events, oneOnOne+"_20251111T143000Z") // slid into view
}

// After a restart nothing is in memory: a poll that must slide the window
// asks without conditions, and one that need not still gets a 304.
func TestSyncAfterRestart(t *testing.T) {
	f := &feed{body: readTestdata(t, "google.ics"), etag: `"v1"`}
	clk := clock.NewFake(syncNow)
	url := serve(t, f)
	ch := sync1(t, newSource(t, Options{URL: url}, clk), "")

	restarted := newSource(t, Options{URL: url}, clk)
	ch2 := sync1(t, restarted, ch.Cursor)
	wantUnchanged(t, ch2)

	clk.Advance(8 * 24 * time.Hour)
	restarted = newSource(t, Options{URL: url}, clk)
	slid := sync1(t, restarted, ch2.Cursor)
	wantFull(t, slid, syncNow.Add(8*24*time.Hour), 1)
	if h, n := f.last(); n != 3 || h.Get("If-None-Match") != "" {
		t.Errorf("%d requests, last If-None-Match %q; want an unconditional third request", n, h.Get("If-None-Match"))
	}
}

func TestSyncHTTPErrors(t *testing.T) {
	for _, tc := range []struct {
		status    int
		temporary bool
		want      string
	}{
		{http.StatusInternalServerError, true, "temporary"},
		{http.StatusBadGateway, true, "temporary"},
		{http.StatusServiceUnavailable, true, "temporary"},
		{http.StatusTooManyRequests, true, "temporary"},
		{http.StatusNotFound, false, "check ics_url"},
		{http.StatusUnauthorized, false, "check ics_url"},
		{http.StatusForbidden, false, "check ics_url"},
		{http.StatusGone, false, "check ics_url"},
		{http.StatusBadRequest, false, "HTTP 400 Bad Request"},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			f := &feed{status: tc.status}
			s := newSource(t, Options{URL: serve(t, f)}, clock.NewFake(syncNow))
			ch, err := s.Sync(context.Background(), "")
			checkFetchError(t, err, tc.temporary, tc.want)
			if ch.Requests != 1 {
				t.Errorf("Requests = %d, want 1", ch.Requests)
			}
		})
	}
}

func checkFetchError(t *testing.T, err error, temporary bool, want string) {
	t.Helper()
	var ferr *FetchError
	if !errors.As(err, &ferr) {
		t.Fatalf("Sync() = %v, want a *FetchError", err)
	}
	msg := err.Error()
	if ferr.Temporary != temporary || !strings.Contains(msg, want) {
		t.Errorf("Sync() = %q (temporary %v), want %q (temporary %v)", msg, ferr.Temporary, want, temporary)
	}
	for _, secret := range []string{"private-5e3c7a9b1d2f", "me%40example.com", "basic.ics"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q reveals the URL's path", msg)
		}
	}
	if !strings.Contains(msg, "http://127.0.0.1:") {
		t.Errorf("error %q does not name the server", msg)
	}
}

func TestSyncNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + secretPath
	srv.Close()
	s := newSource(t, Options{URL: url}, clock.NewFake(syncNow))
	_, err := s.Sync(context.Background(), "")
	checkFetchError(t, err, true, "temporary")
}

func TestSyncContextCanceled(t *testing.T) {
	f := &feed{body: readTestdata(t, "google.ics")}
	s := newSource(t, Options{URL: serve(t, f)}, clock.NewFake(syncNow))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Sync(ctx, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("Sync(canceled) = %v, want context.Canceled", err)
	}
}

func TestSyncTooLarge(t *testing.T) {
	big := bytes.Repeat([]byte("X-PAD:0123456789012345678901234567890123456789\r\n"), 70000) // 3.3 MB
	body := append(append([]byte("BEGIN:VCALENDAR\r\n"), big...), "END:VCALENDAR\r\n"...)
	for _, gz := range []bool{false, true} { // with and without Content-Length
		f := &feed{body: body, gzip: gz}
		s := newSource(t, Options{URL: serve(t, f), MaxBytes: 2 << 20}, clock.NewFake(syncNow))
		_, err := s.Sync(context.Background(), "")
		checkFetchError(t, err, false, "larger than the limit of 2 MiB")
	}
}

func TestSyncGzip(t *testing.T) {
	f := &feed{body: readTestdata(t, "google.ics"), gzip: true}
	s := newSource(t, Options{URL: serve(t, f)}, clock.NewFake(syncNow))
	wantFull(t, sync1(t, s, ""), syncNow, 1)
	if h, _ := f.last(); !strings.Contains(h.Get("Accept-Encoding"), "gzip") || h.Get("User-Agent") != DefaultUserAgent {
		t.Errorf("request headers = %v", h)
	}
}

// A feed that does not parse is an error that leaves everything as it was:
// the caller keeps its cursor, and the next good answer is no change.
func TestSyncInvalidFeed(t *testing.T) {
	good := readTestdata(t, "google.ics")
	f := &feed{body: good}
	s := newSource(t, Options{URL: serve(t, f)}, clock.NewFake(syncNow))
	ch := sync1(t, s, "")
	f.set(func(f *feed) { f.body = []byte("<html><body>Please sign in</body></html>") })
	if _, err := s.Sync(context.Background(), ch.Cursor); err == nil || !strings.Contains(err.Error(), "not an iCalendar file") ||
		strings.Contains(err.Error(), "private-") {
		t.Errorf("Sync(HTML) = %v", err)
	}
	f.set(func(f *feed) { f.body = good })
	wantUnchanged(t, sync1(t, s, ch.Cursor))
}

func TestSyncBadCursor(t *testing.T) {
	f := &feed{body: readTestdata(t, "google.ics")}
	s := newSource(t, Options{URL: serve(t, f)}, clock.NewFake(syncNow))
	wantFull(t, sync1(t, s, "not base64 json!"), syncNow, 1)
}

func TestSyncFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	body := readTestdata(t, "google.ics")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(syncNow)
	s := newSource(t, Options{File: path}, clk)
	ch := sync1(t, s, "")
	wantFull(t, ch, syncNow, 1)
	ch = sync1(t, s, ch.Cursor)
	wantUnchanged(t, ch)

	// Rewritten with the same content: a new time, the same hash.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	ch = sync1(t, s, ch.Cursor)
	wantUnchanged(t, ch)

	if err := os.WriteFile(path, bytes.Replace(body, []byte("Month-end review"), []byte("Month-end close"), -1), 0o600); err != nil {
		t.Fatal(err)
	}
	ch = sync1(t, s, ch.Cursor)
	wantFull(t, ch, syncNow, 1)
	if e := find(t, ch.Events, monthEnd+"_20251031T200000Z"); e.Title != "Month-end close" {
		t.Errorf("Title = %q after the change", e.Title)
	}

	// A restart that must slide the window reads the file again.
	clk.Advance(8 * 24 * time.Hour)
	wantFull(t, sync1(t, newSource(t, Options{File: path}, clk), ch.Cursor), syncNow.Add(8*24*time.Hour), 1)

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(context.Background(), ch.Cursor); err == nil {
		t.Error("Sync(missing file) succeeded")
	}
}

func TestName(t *testing.T) {
	const url = "https://calendar.google.com/calendar/ical/me%40example.com/private-5e3c7a9b1d2f/basic.ics"
	a := newSource(t, Options{URL: url}, clock.NewFake(syncNow))
	b := newSource(t, Options{URL: url}, clock.NewFake(syncNow))
	c := newSource(t, Options{URL: strings.Replace(url, "5e3c", "0000", 1)}, clock.NewFake(syncNow))
	if a.Name() != b.Name() || a.Name() == c.Name() || !strings.HasPrefix(a.Name(), "ics:calendar.google.com/") ||
		len(a.Name()) != len("ics:calendar.google.com/")+8 || strings.Contains(a.Name(), "private") {
		t.Errorf("Name() = %q, %q, %q", a.Name(), b.Name(), c.Name())
	}
	f := newSource(t, Options{File: "testdata/google.ics"}, clock.NewFake(syncNow))
	if abs, _ := filepath.Abs("testdata/google.ics"); f.Name() != "ics:file:"+abs {
		t.Errorf("Name() = %q", f.Name())
	}
	w := newSource(t, Options{URL: "webcal://p01-caldav.icloud.com/published/2/secret"}, clock.NewFake(syncNow))
	if w.url.Scheme != "https" {
		t.Errorf("webcal URL became %q", w.url.Scheme)
	}
}

func TestNewValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"neither", Options{Lookahead: time.Hour}, "exactly one"},
		{"both", Options{URL: "https://x/a", File: "a.ics", Lookahead: time.Hour}, "exactly one"},
		{"no lookahead", Options{URL: "https://x/a"}, "lookahead"},
		{"ftp", Options{URL: "ftp://x/private-secret", Lookahead: time.Hour}, "http"},
		{"unparsable", Options{URL: "https://x/%zz-private-secret", Lookahead: time.Hour}, "not a valid URL"},
		{"no host", Options{URL: "https:///private-secret", Lookahead: time.Hour}, "no host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "private-secret") {
				t.Errorf("New() = %v, want an error about %q that hides the URL", err, tc.want)
			}
		})
	}
}

func TestSourceImplementsCalendarSource(t *testing.T) {
	var _ calendar.Source = (*Source)(nil)
}
