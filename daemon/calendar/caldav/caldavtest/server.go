// Package caldavtest is a CalDAV server on loopback for tests: go-webdav's
// caldav.Handler over an in-memory calendar home, with what the handler
// lacks (the getctag and sync-token markers a quiet poll reads) added, and
// hooks to count requests and fail them. It never contacts any other host.
package caldavtest

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	ical "github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	webdavcaldav "github.com/emersion/go-webdav/caldav"
)

// The server's one user and its layout: a principal and its calendar
// home, where AddCalendar puts calendars.
const (
	User      = "alice"
	Password  = "app-password-3f9c"
	Principal = "/alice/"
	Home      = "/alice/calendars/"
)

// Server is a CalDAV server on loopback: go-webdav's caldav.Handler over
// an in-memory backend, wrapped to add what the handler lacks and what
// tests need.
//
// go-webdav v0.6.0's server answers discovery (current-user-principal,
// calendar-home-set, Depth 1 listings) and calendar-query REPORTs, but
// serves neither {DAV:}sync-token nor CalendarServer's getctag: the wrapper
// answers a PROPFIND that asks for them from the backend's revision
// counters. The handler also leaves the time-range test to the backend;
// the backend uses go-webdav's caldav.Match, and keeps an object Match
// cannot judge (it knows only IANA TZIDs), as the client expands the
// window itself anyway. The wrapper also checks Basic authentication,
// counts requests and response bytes, fails requests on demand, and can
// rewrite REPORT answers to serve data go-ical would not encode.
type Server struct {
	*httptest.Server
	b *backend
	h http.Handler

	mu       sync.Mutex
	requests []string // "METHOD path depth"
	respBody int64    // response body bytes
	fail     int      // answer the next fail requests with 503
	rewrite  func([]byte) []byte
	// reports caches REPORT answers by path, body and revision, so that
	// benchmarks of the client do not time go-ical encoding the objects.
	reports map[string][]byte
}

// NewServer starts a Server, closed when the test ends.
func NewServer(t testing.TB) *Server {
	s := &Server{b: &backend{}}
	s.h = &webdavcaldav.Handler{Backend: s.b}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.mu.Lock()
	s.requests = append(s.requests, strings.TrimSpace(r.Method+" "+r.URL.Path+" "+r.Header.Get("Depth")))
	fail := s.fail > 0
	if fail {
		s.fail--
	}
	rewrite := s.rewrite
	s.mu.Unlock()
	cw := &countingWriter{ResponseWriter: w, s: s}
	if fail {
		http.Error(cw, "try later", http.StatusServiceUnavailable)
		return
	}
	if u, p, ok := r.BasicAuth(); !ok || u != User || p != Password {
		cw.Header().Set("WWW-Authenticate", `Basic realm="test"`)
		http.Error(cw, "who are you?", http.StatusUnauthorized)
		return
	}
	if r.Method == "PROPFIND" && bytes.Contains(body, []byte("getctag")) {
		s.serveMarkers(cw, r)
		return
	}
	if r.Method == "REPORT" {
		s.b.mu.Lock()
		key := fmt.Sprint(r.URL.Path, "\x00", string(body), "\x00", s.b.revision(r.URL.Path))
		s.b.mu.Unlock()
		s.mu.Lock()
		answer, ok := s.reports[key]
		s.mu.Unlock()
		if !ok {
			rec := httptest.NewRecorder()
			s.h.ServeHTTP(rec, r)
			if rec.Code != http.StatusMultiStatus {
				cw.WriteHeader(rec.Code)
				cw.Write(rec.Body.Bytes())
				return
			}
			answer = rec.Body.Bytes()
			s.mu.Lock()
			if s.reports == nil {
				s.reports = map[string][]byte{}
			}
			s.reports[key] = answer
			s.mu.Unlock()
		}
		if rewrite != nil {
			answer = rewrite(slices.Clone(answer))
		}
		cw.Header().Set("Content-Type", "application/xml; charset=utf-8")
		cw.WriteHeader(http.StatusMultiStatus)
		cw.Write(answer)
		return
	}
	s.h.ServeHTTP(cw, r)
}

// serveMarkers answers a PROPFIND of sync-token and getctag: Depth 1 on
// the home, or Depth 0 on a calendar.
func (s *Server) serveMarkers(w http.ResponseWriter, r *http.Request) {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	var out strings.Builder
	out.WriteString(xml.Header + `<d:multistatus xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">`)
	marker := func(c *memCalendar) {
		fmt.Fprintf(&out, `<d:response><d:href>%s</d:href><d:propstat><d:prop>`+
			`<d:sync-token>http://leadup.test/sync/%d</d:sync-token><cs:getctag>"%d"</cs:getctag>`+
			`</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`, c.info.Path, c.rev, c.rev)
	}
	switch p, depth := r.URL.Path, r.Header.Get("Depth"); {
	case p == Home && depth == "1":
		out.WriteString(`<d:response><d:href>` + Home + `</d:href><d:propstat><d:prop><d:sync-token/><cs:getctag/></d:prop>` +
			`<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>`)
		for _, c := range s.b.cals {
			marker(c)
		}
	case depth == "0" && s.b.calendar(p) != nil:
		marker(s.b.calendar(p))
	default:
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	out.WriteString(`</d:multistatus>`)
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(http.StatusMultiStatus)
	io.WriteString(w, out.String())
}

// FailNext makes the next n requests fail with 503.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = n
}

// SetRewrite sets a function applied to every REPORT answer.
func (s *Server) SetRewrite(f func([]byte) []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rewrite = f
}

// Reset forgets the requests seen so far.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.respBody = nil, 0
}

// Seen returns the requests since the last Reset, as "METHOD path depth".
func (s *Server) Seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// ResponseBytes returns the bytes of response bodies since the last Reset.
func (s *Server) ResponseBytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.respBody
}

// AddCalendar adds a calendar named name at Home+slug, for the given
// components (all when none is given).
func (s *Server) AddCalendar(slug, name string, comps ...string) {
	s.b.addCalendar(slug, name, comps...)
}

// RemoveCalendar deletes the calendar at Home+slug.
func (s *Server) RemoveCalendar(slug string) { s.b.removeCalendar(slug) }

// Put stores an iCalendar object (lines may end in LF) as slug/name.ics,
// replacing any there.
func (s *Server) Put(t testing.TB, slug, name, data string) { s.b.put(t, slug, name, data) }

// Remove deletes slug/name.ics.
func (s *Server) Remove(slug, name string) { s.b.remove(slug, name) }

type countingWriter struct {
	http.ResponseWriter
	s *Server
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	w.s.respBody += int64(len(p))
	w.s.mu.Unlock()
	return w.ResponseWriter.Write(p)
}

// backend is an in-memory caldav.Backend for one user.
type backend struct {
	mu   sync.Mutex
	cals []*memCalendar
}

type memCalendar struct {
	info webdavcaldav.Calendar
	objs []webdavcaldav.CalendarObject
	rev  int // bumped on every change
}

// addCalendar adds a calendar collection named name at Home+slug.
func (b *backend) addCalendar(slug, name string, comps ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cals = append(b.cals, &memCalendar{info: webdavcaldav.Calendar{
		Path: Home + slug + "/", Name: name, SupportedComponentSet: comps,
	}, rev: 1})
}

// removeCalendar deletes a calendar collection.
func (b *backend) removeCalendar(slug string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cals = slices.DeleteFunc(b.cals, func(c *memCalendar) bool { return c.info.Path == Home+slug+"/" })
}

// put stores an iCalendar object as slug/name.ics, replacing any there.
func (b *backend) put(t testing.TB, slug, name, data string) {
	t.Helper()
	cal, err := ical.NewDecoder(strings.NewReader(strings.ReplaceAll(data, "\n", "\r\n"))).Decode()
	if err != nil {
		t.Fatalf("decode test object %s: %v", name, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.calendar(Home + slug + "/")
	if c == nil {
		t.Fatalf("no calendar %s", slug)
	}
	c.rev++
	p := c.info.Path + name + ".ics"
	c.objs = slices.DeleteFunc(c.objs, func(o webdavcaldav.CalendarObject) bool { return o.Path == p })
	c.objs = append(c.objs, webdavcaldav.CalendarObject{Path: p, ETag: fmt.Sprintf("e%d", c.rev), Data: cal})
}

// remove deletes slug/name.ics.
func (b *backend) remove(slug, name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.calendar(Home + slug + "/")
	c.rev++
	c.objs = slices.DeleteFunc(c.objs, func(o webdavcaldav.CalendarObject) bool { return o.Path == c.info.Path+name+".ics" })
}

// revision returns the revision of the calendar at p, 0 if none; b.mu
// is held.
func (b *backend) revision(p string) int {
	if c := b.calendar(p); c != nil {
		return c.rev
	}
	return 0
}

// calendar returns the calendar at p, nil if none; b.mu is held.
func (b *backend) calendar(p string) *memCalendar {
	for _, c := range b.cals {
		if strings.TrimSuffix(c.info.Path, "/") == strings.TrimSuffix(p, "/") {
			return c
		}
	}
	return nil
}

func notFound(p string) error {
	return webdav.NewHTTPError(http.StatusNotFound, fmt.Errorf("%s not found", p))
}

func (b *backend) CurrentUserPrincipal(context.Context) (string, error) { return Principal, nil }
func (b *backend) CalendarHomeSetPath(context.Context) (string, error)  { return Home, nil }

func (b *backend) CreateCalendar(context.Context, *webdavcaldav.Calendar) error {
	return webdav.NewHTTPError(http.StatusForbidden, nil)
}

func (b *backend) ListCalendars(context.Context) ([]webdavcaldav.Calendar, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []webdavcaldav.Calendar
	for _, c := range b.cals {
		out = append(out, c.info)
	}
	return out, nil
}

func (b *backend) GetCalendar(_ context.Context, p string) (*webdavcaldav.Calendar, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := b.calendar(p); c != nil {
		info := c.info
		return &info, nil
	}
	return nil, notFound(p)
}

func (b *backend) GetCalendarObject(_ context.Context, p string, _ *webdavcaldav.CalendarCompRequest) (*webdavcaldav.CalendarObject, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.cals {
		for _, o := range c.objs {
			if o.Path == p {
				return &o, nil
			}
		}
	}
	return nil, notFound(p)
}

func (b *backend) ListCalendarObjects(_ context.Context, p string, _ *webdavcaldav.CalendarCompRequest) ([]webdavcaldav.CalendarObject, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.calendar(p)
	if c == nil {
		return nil, notFound(p)
	}
	return slices.Clone(c.objs), nil
}

func (b *backend) QueryCalendarObjects(_ context.Context, p string, q *webdavcaldav.CalendarQuery) ([]webdavcaldav.CalendarObject, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.calendar(p)
	if c == nil {
		return nil, notFound(p)
	}
	var out []webdavcaldav.CalendarObject
	for _, o := range c.objs {
		// Match knows only IANA TZIDs; what it cannot judge is sent.
		if ok, err := webdavcaldav.Match(q.CompFilter, &o); ok || err != nil {
			out = append(out, o)
		}
	}
	return out, nil
}

func (b *backend) PutCalendarObject(context.Context, string, *ical.Calendar, *webdavcaldav.PutCalendarObjectOptions) (*webdavcaldav.CalendarObject, error) {
	return nil, webdav.NewHTTPError(http.StatusForbidden, nil)
}

func (b *backend) DeleteCalendarObject(context.Context, string) error {
	return webdav.NewHTTPError(http.StatusForbidden, nil)
}
