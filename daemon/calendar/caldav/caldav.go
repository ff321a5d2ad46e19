// Package caldav is the CalDAV back end (RFC 4791): a calendar.Source over
// one or more calendar collections on a CalDAV server such as Nextcloud,
// Fastmail, iCloud, Radicale or Baïkal, signed in with a username and an
// app password (HTTP Basic authentication).
//
// # Discovery
//
// Options.URL may name a calendar collection, which is used as is, a
// calendar home, or any other resource of the server (its root, a
// principal). The first sync asks the URL what it is (PROPFIND Depth 0 of
// its resourcetype); failing a calendar, it lists the URL's children as a
// calendar home (go-webdav's FindCalendars), and failing that follows
// {DAV:}current-user-principal (RFC 5397) to the principal's
// {urn:ietf:params:xml:ns:caldav}calendar-home-set (RFC 4791 section 6.2.1)
// and lists that. Options.Calendars then picks collections by display name
// or last path segment; without it, every collection that can hold VEVENTs
// is used. The paths found are kept in the cursor, so discovery runs again
// only on a fresh cursor, after the configuration changed, or when the
// server says the layout changed (a calendar or the home answering 404).
//
// # Polling
//
// A quiet poll is one small request: a PROPFIND of each collection's
// {DAV:}sync-token (RFC 6578 section 4) and
// {http://calendarserver.org/ns/}getctag (the CalendarServer extension
// most servers still offer), Depth 1 on the home when the calendars share
// one, Depth 0 on the single collection otherwise. Both values change
// whenever anything in the collection does. When none changed and the last
// listing still reaches past the lookahead, Sync reports an empty
// incremental change. Otherwise it runs a calendar-query REPORT (RFC 4791
// section 7.8) per collection, over the same window as the other back ends
// (calendar.ListingWindow), and returns a full listing, from which the
// caller infers deletions. RFC 6578's sync-collection REPORT would send
// only what changed, but an incremental listing of a recurring series
// still needs the whole series to expand it; the full listing is simpler
// and, for a calendar that changes a few times a day, cheap enough.
//
// # Calendar data
//
// go-webdav decodes calendar data with go-ical, whose decoder panics on
// some malformed parameters and is quadratic in a parameter's length (see
// package ics). So the REPORT and its multistatus are handled here, with
// encoding/xml, and the raw objects of a collection are joined into one
// iCalendar stream for ics.Parse and Calendar.Expand: recurrence, time
// zones (IANA, Windows names, VTIMEZONE) and the instance budgets work as
// for an .ics feed. go-webdav is used for discovery only.
//
// An event on several of the collections (the same UID and instance) is
// listed once, from the first collection in the configured order, or in
// the order the server lists them.
package caldav

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/leadup/leadup/internal/loopback"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/calendar/ics"
	"github.com/leadup/leadup/daemon/clock"
)

// Defaults for Options.
const (
	DefaultMaxRetries     = 6
	DefaultRequestTimeout = 60 * time.Second
	// DefaultMaxBytes bounds one response body, like the cap on an .ics
	// feed: a collection's events within the window arrive in one
	// REPORT response.
	DefaultMaxBytes = ics.DefaultMaxBytes
	userAgent       = "leadup (CalDAV client)"
)

// maxObjects bounds the calendar objects read from one REPORT response. A
// response at the size cap holds at most about 100,000 tiny objects; this
// keeps a server that sends empty ones from making the list longer.
const maxObjects = 100_000

// Options configure a Source.
type Options struct {
	// URL is a calendar collection, a calendar home or the server's root
	// (or any other URL on it that knows the current user's principal). It
	// must be https, or http to a loopback host, and carry no user name or
	// password.
	URL string
	// Username and Password sign in with HTTP Basic authentication
	// (RFC 7617). Most hosted servers want an app password here. The
	// password appears in no log, error or Name.
	Username string
	Password string
	// Calendars names the collections to use, by display name or by the
	// last segment of their path, in order of precedence: an event on two
	// of them is listed from the first. Empty means every collection that
	// can hold events, in the server's order. Ignored when URL is itself a
	// collection.
	Calendars []string
	// Lookahead is how far ahead meetings matter.
	Lookahead time.Duration
	// Location is the zone of floating times; defaults to time.Local.
	Location *time.Location
	// Self lists the user's own addresses (see ics.ParseOptions.Self).
	Self []string
	// HTTPClient sends the requests; defaults to a client without a
	// timeout of its own (RequestTimeout bounds each request).
	HTTPClient *http.Client
	Clock      clock.Clock // defaults to the system clock
	Log        *slog.Logger
	// MaxRetries bounds the retries of one request after a network error,
	// 429 or 5xx; defaults to DefaultMaxRetries. RequestTimeout bounds each
	// request, its body included; defaults to DefaultRequestTimeout.
	MaxRetries     int
	RequestTimeout time.Duration
	// MaxInstances and MaxSeriesInstances bound the events one sync lists,
	// as ics.ParseOptions describes; MaxInstances also bounds the merged
	// listing of all the collections.
	MaxInstances       int
	MaxSeriesInstances int
	// MaxBytes bounds one response body; defaults to DefaultMaxBytes.
	MaxBytes int64
}

// Source is a set of CalDAV calendar collections. It is safe for
// concurrent use: it keeps no state between syncs but the cursor.
type Source struct {
	opts Options
	url  *url.URL // Options.URL, checked
	name string
	want string // Options.Calendars as kept in the cursor
}

// ErrRefused is wrapped by the error of a request that the server answered
// with 401 or 403: it refused the username or app password, or the user
// may not read the calendar. Retrying cannot help until the user changes
// them, so the request is not retried.
var ErrRefused = errors.New("the server refused the username or app password")

// New checks o and returns a Source. It makes no request.
func New(o Options) (*Source, error) {
	switch {
	case o.Lookahead <= 0:
		return nil, errors.New("caldav calendar: lookahead must be positive")
	case o.MaxBytes < 0:
		return nil, errors.New("caldav calendar: max bytes must not be negative")
	case o.MaxInstances < 0 || o.MaxSeriesInstances < 0:
		return nil, errors.New("caldav calendar: instance limits must not be negative")
	case o.MaxRetries < 0 || o.RequestTimeout < 0:
		return nil, errors.New("caldav calendar: retries and timeout must not be negative")
	}
	u, err := url.Parse(strings.TrimSpace(o.URL))
	if err != nil {
		// url.Parse's error quotes the whole URL, which may hold a password.
		return nil, errors.New("caldav calendar: the URL is not valid")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("caldav calendar: the URL must be https")
	case u.Host == "":
		return nil, errors.New("caldav calendar: the URL has no host")
	case u.User != nil:
		return nil, errors.New("caldav calendar: put the username and password in their own settings, not in the URL")
	case u.Scheme == "http" && !loopback.Host(u.Hostname()):
		// Basic authentication sends the password in the clear.
		return nil, fmt.Errorf("caldav calendar: %s: plain http would send the password in the clear; use https (http is allowed only to a loopback host)", u.Host)
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	if o.RequestTimeout == 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxInstances == 0 {
		o.MaxInstances = ics.DefaultMaxInstances
	}
	if o.MaxSeriesInstances == 0 {
		o.MaxSeriesInstances = ics.DefaultMaxSeriesInstances
	}
	o.Calendars = slices.Clone(o.Calendars)
	for i, c := range o.Calendars {
		o.Calendars[i] = strings.TrimSpace(c)
	}
	s := &Source{opts: o, url: u, name: "caldav:" + u.Host + u.Path}
	s.want = strings.Join(o.Calendars, "\n")
	return s, nil
}

// Name implements calendar.Source: "caldav:" and the host and path of the
// URL, such as "caldav:dav.example.com/remote.php/dav/".
func (s *Source) Name() string { return s.name }

// cursor is the Source's sync state, stored by the caller as JSON.
type cursor struct {
	// Want is Options.Calendars when the calendars were discovered: a
	// different selection discovers again.
	Want string `json:"want,omitempty"`
	// Home is the calendars' common parent, polled with Depth 1; "" when
	// each collection is polled on its own.
	Home      string     `json:"home,omitempty"`
	Calendars []calState `json:"calendars"`
	End       time.Time  `json:"end,omitzero"` // of the window last listed
}

// calState is one collection and its change markers at the last listing.
type calState struct {
	Path      string `json:"path"`
	Name      string `json:"name,omitempty"` // display name, for messages
	SyncToken string `json:"sync_token,omitempty"`
	CTag      string `json:"ctag,omitempty"`
}

// label names the collection in messages: its display name and path.
func (c calState) label() string {
	if c.Name == "" {
		return c.Path
	}
	return fmt.Sprintf("%q (%s)", c.Name, c.Path)
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c) // strings and times cannot fail
	return string(b)
}

func (s *Source) decodeCursor(v string) cursor {
	var c cursor
	if v == "" {
		return c
	}
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		s.opts.Log.Warn("unreadable calendar cursor; doing a full sync", "calendar", s.Name(), "err", err)
		return cursor{}
	}
	if c.Want != s.want || len(c.Calendars) == 0 {
		return cursor{}
	}
	return c
}

// errLayout: the server no longer has a collection where the cursor says,
// so the calendars must be discovered again.
var errLayout = errors.New("calendar layout changed")

// Sync implements calendar.Source. A quiet poll makes one request; a full
// listing one more per collection; discovery two to five more.
func (s *Source) Sync(ctx context.Context, cur string) (calendar.Changes, error) {
	now := s.opts.Clock.Now()
	c := s.decodeCursor(cur)
	hc := s.newClient()

	var states []calState
	if len(c.Calendars) > 0 {
		var err error
		states, err = s.poll(ctx, hc, c)
		switch {
		case errors.Is(err, errLayout):
			s.opts.Log.Info("calendar layout changed; discovering the calendars again", "calendar", s.Name(), "err", err)
			c = cursor{}
		case err != nil:
			return calendar.Changes{Requests: hc.requests}, fmt.Errorf("caldav calendar %s: %w", s.Name(), err)
		}
	}
	if len(c.Calendars) == 0 {
		cals, err := s.discover(ctx, hc)
		if err != nil {
			return calendar.Changes{Requests: hc.requests}, fmt.Errorf("caldav calendar %s: %w", s.Name(), err)
		}
		c = cursor{Want: s.want, Home: commonHome(cals), Calendars: cals}
		if states, err = s.poll(ctx, hc, c); err != nil {
			return calendar.Changes{Requests: hc.requests}, fmt.Errorf("caldav calendar %s: %w", s.Name(), err)
		}
	}

	// The last listing must still cover the lookahead; otherwise instances
	// of recurring series that slid into view were never listed.
	covers := !c.End.IsZero() && !now.Add(s.opts.Lookahead).After(c.End)
	if covers && unchanged(c.Calendars, states) {
		return calendar.Changes{Cursor: c.encode(), Requests: hc.requests}, nil
	}

	w := calendar.ListingWindow(now, s.opts.Lookahead)
	events, err := s.list(ctx, hc, c.Calendars, w)
	if err != nil {
		return calendar.Changes{Requests: hc.requests}, fmt.Errorf("caldav calendar %s: %w", s.Name(), err)
	}
	// The markers were read before the listing: a change made between the
	// two is listed now and seen as a change again next time, never lost.
	c.Calendars = states
	c.End = w.End
	return calendar.Changes{
		Full:     true,
		Window:   w,
		Events:   events,
		Cursor:   c.encode(),
		Requests: hc.requests,
	}, nil
}

// unchanged reports whether every collection's markers are as before. A
// server that offers neither marker for a collection gives no way to tell,
// so that collection always counts as changed.
func unchanged(before, now []calState) bool {
	if len(before) != len(now) {
		return false
	}
	for i, b := range before {
		n := now[i]
		if n.Path != b.Path || (n.SyncToken == "" && n.CTag == "") ||
			n.SyncToken != b.SyncToken || n.CTag != b.CTag {
			return false
		}
	}
	return true
}

// list runs a calendar-query per collection and merges what they hold in
// w, each event once.
func (s *Source) list(ctx context.Context, hc *client, cals []calState, w calendar.Window) ([]calendar.Event, error) {
	var events []calendar.Event
	seen := map[string]bool{}
	for _, cal := range cals {
		evs, err := s.listCalendar(ctx, hc, cal, w)
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			// The same invitation on two calendars has one UID, and each
			// of its instances one original start (RFC 5545 section
			// 3.8.4.4); the first calendar's copy wins.
			key := ev.ID
			if ev.UID != "" {
				key = ev.UID + "\x00" + ev.OriginalStart.UTC().Format(time.RFC3339)
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			events = append(events, ev)
		}
	}
	slices.SortStableFunc(events, func(a, b calendar.Event) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(events) > s.opts.MaxInstances {
		s.opts.Log.Warn("calendar listing capped: events dropped", "calendar", s.Name(),
			"kept", s.opts.MaxInstances, "dropped", len(events)-s.opts.MaxInstances)
		events = events[:s.opts.MaxInstances]
	}
	return events, nil
}

// listCalendar lists one collection's events in w.
func (s *Source) listCalendar(ctx context.Context, hc *client, cal calState, w calendar.Window) ([]calendar.Event, error) {
	stream, err := s.query(ctx, hc, cal, w)
	if err != nil {
		return nil, err
	}
	parsed, err := ics.Parse(stream, ics.ParseOptions{
		Location:           s.opts.Location,
		Self:               s.opts.Self,
		Log:                s.opts.Log.With("calendar", s.Name(), "collection", cal.Path),
		MaxInstances:       s.opts.MaxInstances,
		MaxSeriesInstances: s.opts.MaxSeriesInstances,
	})
	if err != nil {
		return nil, fmt.Errorf("parse calendar %s: %w", cal.label(), err)
	}
	return parsed.Expand(w), nil
}
