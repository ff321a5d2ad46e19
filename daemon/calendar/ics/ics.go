// Package ics is the iCalendar back end: a calendar.Source over a calendar
// published as an .ics address (Google's "secret address in iCal format",
// Outlook and Office 365 published calendars, Fastmail, Nextcloud) or a
// local .ics file.
//
// # Polling
//
// A feed has no sync token, so every poll is one conditional GET
// (If-None-Match, If-Modified-Since) or, for a file, one stat. When nothing
// changed (304, the same file, or a body with the same SHA-256 as last
// time) and the last full listing still reaches past the lookahead, Sync
// reports an empty incremental change. Otherwise it expands the whole feed
// over the window [now-24h, now+lookahead+max(lookahead/2, 24h)), the same
// window as the Google back end, and returns a full listing. The last good
// feed stays in memory, so sliding the window after a 304 costs no download;
// after a restart the request goes out unconditionally instead. The URL is
// a secret: Name, errors and logs show only its scheme and host.
//
// # Libraries, and the gaps filled here
//
// github.com/emersion/go-ical provides the data model (Component, Prop,
// Params), the property names and the DURATION parser;
// github.com/teambition/rrule-go, a port of Python's dateutil, expands
// RRULEs (BYDAY ordinals such as 2TU and -1FR, BYMONTHDAY=-1, BYSETPOS,
// WKST). Both fall short on real feeds, and this package makes up for it:
//
//   - Decoding. ical.Decoder panics on some malformed parameters, is
//     quadratic in a parameter's length, rejects a byte order mark, fails
//     the whole feed for one bad line, and builds the whole feed as one tree
//     (865 MB for a 33 MB feed). decode.go splits content lines itself,
//     skipping bad lines, and hands over one component at a time, building
//     only those Parse reads. Text values keep unescaped commas, which
//     ical.Prop.Text cuts at.
//   - Recurrence sets. ical.Component.RecurrenceSet drops every RDATE (its
//     loop reads EXDATE twice), cannot read comma lists, VALUE=DATE or
//     PERIOD, and knows only IANA TZIDs. Here DTSTART, RRULE, RDATE, EXDATE
//     and RECURRENCE-ID overrides are combined by instant; a DATE EXDATE
//     removes that day's instance; RANGE=THISANDFUTURE counts as a single
//     override.
//   - Time zones. A TZID may be an IANA name, a Windows name (Outlook, mapped
//     by a table), or defined only by the feed's VTIMEZONE, whose STANDARD
//     and DAYLIGHT rules are expanded into transitions; unknown ones fall
//     back to Options.Location with a warning. Rules are expanded in civil
//     time and converted to instants at the end, by RFC 5545's rules for
//     skipped and repeated wall-clock times (rrule-go with a real
//     *time.Location puts 02:30 on a spring-forward day at 01:30).
//   - Bounds. rrule-go panics on ordinal weekdays beyond the fifth of a
//     month and on BYEASTER, loops forever on a sub-daily rule whose
//     INTERVAL never reaches its BYHOUR, searches to year 9999 for a rule
//     that never matches, and always starts from DTSTART. Such rules are
//     refused, rules skip ahead to the window, the search is cut to 400
//     years by a Gregorian-cycle shift, and a panic costs one series, not
//     the daemon.
//   - Budget. rrule-go will list every minute of a FREQ=MINUTELY rule; a
//     feed of a few hundred kilobytes can ask for millions of instances.
//     Instances are made one at a time, each series lists at most
//     MaxSeriesInstances in a window and the feed at most MaxInstances,
//     shared so that only the busiest series are cut (Calendar.Expand).
//     Parsing is bounded too: a feed at the 32 MiB cap, whatever its shape
//     (an event with 300,000 attendees or dates, 70,000 VTIMEZONEs, 180,000
//     events), parses and expands within 200 MB of peak RSS (with the
//     daemon's GOGC of 25) and 5 s; what one event keeps is capped
//     (parse.go), with one warning per parse for each cap.
package ics

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/clock"
)

// Defaults for Options.
const (
	DefaultMaxBytes       = 32 << 20
	DefaultRequestTimeout = 60 * time.Second
	DefaultUserAgent      = "leadup (iCalendar feed reader)"
)

// Options configure a Source. Exactly one of URL and File is set.
type Options struct {
	// URL is the http(s) (or webcal) address of the feed. It is a secret:
	// anyone who has it can read the calendar.
	URL string
	// File is the path of a local .ics file.
	File string
	// Lookahead is how far ahead meetings matter.
	Lookahead time.Duration
	// Self lists the user's own addresses (see ParseOptions.Self).
	Self []string
	// Location is the zone of floating times; defaults to time.Local.
	Location *time.Location
	// HTTPClient sends the requests; defaults to a client with a 60 s
	// timeout. Leave its transport's compression on: feeds compress well.
	HTTPClient *http.Client
	UserAgent  string      // defaults to DefaultUserAgent
	Clock      clock.Clock // defaults to the system clock
	Log        *slog.Logger
	// MaxBytes bounds the feed's size, after decompression; defaults to
	// DefaultMaxBytes.
	MaxBytes int64
	// MaxInstances bounds the events one sync lists for the whole feed;
	// defaults to DefaultMaxInstances. MaxSeriesInstances bounds those of
	// one recurring series; defaults to DefaultMaxSeriesInstances. See
	// Calendar.Expand for how the budget is shared out.
	MaxInstances       int
	MaxSeriesInstances int
}

// Source is an iCalendar feed. It is safe for concurrent use.
type Source struct {
	opts   Options
	url    *url.URL // nil for a file
	origin string   // scheme://host of url: all of it that may be shown
	path   string   // absolute path of the file

	mu    sync.Mutex
	cache *cached // the last feed that parsed
}

// cached is a feed kept in memory. The body is parsed when first needed
// and then dropped.
type cached struct {
	hash string
	body []byte
	cal  *Calendar
}

// New checks o and returns a Source. It makes no request.
func New(o Options) (*Source, error) {
	s := &Source{}
	switch {
	case (o.URL == "") == (o.File == ""):
		return nil, errors.New("ics calendar: set exactly one of ics_url and ics_file")
	case o.Lookahead <= 0:
		return nil, errors.New("ics calendar: lookahead must be positive")
	case o.MaxBytes < 0:
		return nil, errors.New("ics calendar: max bytes must not be negative")
	case o.MaxInstances < 0 || o.MaxSeriesInstances < 0:
		return nil, errors.New("ics calendar: instance limits must not be negative")
	}
	if o.URL != "" {
		u, err := url.Parse(strings.TrimSpace(o.URL))
		if err != nil {
			// url.Parse's error quotes the whole URL: do not pass it on.
			return nil, errors.New("ics calendar: ics_url is not a valid URL")
		}
		switch strings.ToLower(u.Scheme) {
		case "webcal", "webcals": // Apple's name for an https feed
			u.Scheme = "https"
		case "http", "https":
			u.Scheme = strings.ToLower(u.Scheme)
		default:
			return nil, errors.New("ics calendar: ics_url must be an http, https or webcal URL")
		}
		if u.Host == "" {
			return nil, errors.New("ics calendar: ics_url has no host")
		}
		u.Fragment = ""
		s.url = u
		s.origin = u.Scheme + "://" + u.Host
	} else {
		abs, err := filepath.Abs(o.File)
		if err != nil {
			return nil, fmt.Errorf("ics calendar: ics_file: %w", err)
		}
		s.path = abs
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: DefaultRequestTimeout}
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	s.opts = o
	return s, nil
}

// Name implements calendar.Source: "ics:" and the host and a short hash of
// the URL, which is stable and reveals nothing of the secret path, or
// "ics:file:" and the file's absolute path.
func (s *Source) Name() string {
	if s.url == nil {
		return "ics:file:" + s.path
	}
	sum := sha256.Sum256([]byte(s.opts.URL))
	return "ics:" + s.url.Host + "/" + hex.EncodeToString(sum[:4])
}

// cursor is the Source's sync state, stored by the caller.
type cursor struct {
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Hash         string    `json:"sha256,omitempty"` // of the body last listed
	End          time.Time `json:"end"`              // of the window last listed
	// For a file: its modification time and size when last read.
	ModTime time.Time `json:"mtime,omitzero"`
	Size    int64     `json:"size,omitempty"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c) // strings, times and an integer cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Source) decodeCursor(v string) cursor {
	var c cursor
	if v == "" {
		return c
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		s.opts.Log.Warn("unreadable calendar cursor; doing a full sync", "calendar", s.Name(), "err", err)
		return cursor{}
	}
	return c
}

// fetched is what one poll of the feed found.
type fetched struct {
	notModified bool   // 304, or a file with the same time and size
	body        []byte // nil if notModified
	hash        string // of body
	requests    int
}

// Sync implements calendar.Source. It makes one request, or two when a
// server answers "not modified" for a feed that is no longer in memory;
// for a file, its stat counts as the request.
func (s *Source) Sync(ctx context.Context, cur string) (calendar.Changes, error) {
	now := s.opts.Clock.Now()
	c := s.decodeCursor(cur)
	// The last listing must still cover the lookahead; otherwise instances
	// of recurring series that slid into view were never listed.
	covers := c.Hash != "" && !now.Add(s.opts.Lookahead).After(c.End)
	next := c

	var (
		f   fetched
		err error
	)
	if s.url != nil {
		f, err = s.fetchURL(ctx, c, &next, covers)
	} else {
		f, err = s.readFile(ctx, c, &next, covers)
	}
	if err != nil {
		return calendar.Changes{Requests: f.requests}, err
	}
	unchanged := f.notModified || f.hash == c.Hash
	if unchanged && covers {
		if !f.notModified {
			s.keep(f.hash, f.body)
		}
		return calendar.Changes{Cursor: next.encode(), Requests: f.requests}, nil
	}

	var cal *Calendar
	if f.notModified {
		cal, err = s.cachedCalendar(c.Hash)
	} else {
		next.Hash = f.hash
		cal, err = s.remember(f.hash, f.body)
	}
	if err != nil {
		return calendar.Changes{Requests: f.requests}, err
	}
	w := s.window(now)
	next.End = w.End
	return calendar.Changes{
		Full:     true,
		Window:   w,
		Events:   cal.Expand(w),
		Cursor:   next.encode(),
		Requests: f.requests,
	}, nil
}

// window returns the span a full listing at now covers.
func (s *Source) window(now time.Time) calendar.Window {
	return calendar.ListingWindow(now, s.opts.Lookahead)
}

// hasCached reports whether the feed with this hash is in memory.
func (s *Source) hasCached(hash string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return hash != "" && s.cache != nil && s.cache.hash == hash
}

// cachedCalendar returns the feed with this hash from memory, parsing it if
// that has not happened yet.
func (s *Source) cachedCalendar(hash string) (*Calendar, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache == nil || s.cache.hash != hash {
		// fetch asked for the body whenever it was not here.
		return nil, errors.New("ics calendar: feed not modified but not in memory")
	}
	if s.cache.cal == nil {
		cal, err := s.parse(s.cache.body)
		if err != nil {
			return nil, err
		}
		s.cache.cal, s.cache.body = cal, nil
	}
	return s.cache.cal, nil
}

// remember parses body and keeps it as the last good feed. A feed that does
// not parse leaves the memory as it was, as the caller keeps its cursor.
func (s *Source) remember(hash string, body []byte) (*Calendar, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache != nil && s.cache.hash == hash && s.cache.cal != nil {
		return s.cache.cal, nil
	}
	cal, err := s.parse(body)
	if err != nil {
		return nil, err
	}
	s.cache = &cached{hash: hash, cal: cal}
	if len(body) >= collectAfter {
		// The feed's bytes and the parse's scaffolding are garbage now, but
		// the collector's goal was set while they were live: without this,
		// the expansion that follows would pile its own garbage on top, and
		// the process would peak at both.
		runtime.GC()
	}
	return cal, nil
}

// collectAfter is the size of feed after whose parse the garbage is
// collected at once (see remember).
const collectAfter = 4 << 20

// keep stores an unchanged feed's body without parsing it, for a later
// window slide.
func (s *Source) keep(hash string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache == nil || s.cache.hash != hash {
		s.cache = &cached{hash: hash, body: body}
	}
}

func (s *Source) parse(body []byte) (*Calendar, error) {
	cal, err := parse(body, ParseOptions{
		Location:           s.opts.Location,
		Self:               s.opts.Self,
		Log:                s.opts.Log.With("calendar", s.Name()),
		MaxInstances:       s.opts.MaxInstances,
		MaxSeriesInstances: s.opts.MaxSeriesInstances,
	})
	if err != nil {
		return nil, fmt.Errorf("parse calendar %s: %w", s.where(), err)
	}
	return cal, nil
}

// where names the feed for messages: the origin of the URL, or the file.
func (s *Source) where() string {
	if s.url == nil {
		return s.path
	}
	return s.origin
}
