// Package google is the Google Calendar back end: a calendar.Source over the
// Calendar API v3 events.list endpoint.
//
// It keeps quota use low. A full sync lists the events of a window around now
// (from a day ago, for follow-ups, to well past the lookahead) and ends with a
// sync token; every later poll sends only that token and gets back only what
// changed, usually nothing: one small request. A full sync runs again when the
// window must slide (about every lookahead/2), when Google expires the token
// (410), or when the caller asks for one.
package google

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/clock"
)

// listFields is the partial-response selector: only what leadup reads.
// Everything else in an event (reminders, creator, etag…) would be
// bytes on every poll for nothing.
const listFields = "nextPageToken,nextSyncToken,items(" +
	"id,iCalUID,status,eventType,summary,description,location,htmlLink,updated," +
	"start,end,recurringEventId,originalStartTime," +
	"organizer(email,displayName,self)," +
	"attendees(email,displayName,self,organizer,resource,optional,responseStatus)," +
	"hangoutLink,conferenceData(entryPoints(entryPointType,uri))," +
	"attachments(title,fileUrl,mimeType))"

// Defaults for Options.
const (
	DefaultPageSize       = 2500 // Google's maximum page size: fewest requests
	DefaultMaxRetries     = 6
	DefaultRequestTimeout = 60 * time.Second
	// maxPages bounds one listing, in case a server never stops paging.
	maxPages = 10000
)

// Retry backoff: truncated exponential with jitter, as Google asks of
// clients that hit rate limits or server errors.
const (
	backoffBase = time.Second
	backoffCap  = 64 * time.Second
)

// TokenInvalidator forgets a cached access token, so that the next request
// fetches a new one. The API answering 401 is the cue.
type TokenInvalidator interface{ Invalidate() }

// Options configure a Source.
type Options struct {
	CalendarID string        // "primary" or a calendar's id
	Lookahead  time.Duration // how far ahead meetings matter
	// Endpoint overrides the API's base URL, e.g.
	// "http://127.0.0.1:8080/calendar/v3/" for a test server.
	Endpoint string
	// HTTPClient sends the requests and must add the OAuth bearer token
	// (an *oauth2.Transport). Its token source should be the same
	// TokenInvalidator as Tokens.
	HTTPClient *http.Client
	Tokens     TokenInvalidator // may be nil: a 401 is then final
	UserAgent  string
	Clock      clock.Clock // defaults to the system clock
	Log        *slog.Logger

	PageSize       int64         // defaults to DefaultPageSize
	MaxRetries     int           // retries of one request; defaults to DefaultMaxRetries
	RequestTimeout time.Duration // per request; defaults to DefaultRequestTimeout
	// MaxEvents caps the events one listing keeps, and MaxSeriesInstances
	// the instances of one recurring series in it (an invitation repeating
	// every minute lists 30,000 in three weeks): the rest are dropped,
	// with one warning. Defaults DefaultMaxEvents and
	// DefaultMaxSeriesInstances.
	MaxEvents          int
	MaxSeriesInstances int
}

// Defaults of the listing caps.
const (
	DefaultMaxEvents          = 10000
	DefaultMaxSeriesInstances = 500
)

// Source is a Google calendar.
type Source struct {
	svc  *calendarapi.Service
	opts Options
}

// New returns a Source for o.CalendarID. It makes no request.
func New(ctx context.Context, o Options) (*Source, error) {
	if o.CalendarID == "" {
		o.CalendarID = "primary"
	}
	if o.HTTPClient == nil {
		return nil, errors.New("google calendar: no HTTP client")
	}
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = DefaultMaxEvents
	}
	if o.MaxSeriesInstances <= 0 {
		o.MaxSeriesInstances = DefaultMaxSeriesInstances
	}
	opts := []option.ClientOption{option.WithHTTPClient(o.HTTPClient)}
	if o.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(o.Endpoint))
	}
	if o.UserAgent != "" {
		opts = append(opts, option.WithUserAgent(o.UserAgent))
	}
	svc, err := calendarapi.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("google calendar client: %w", err)
	}
	return &Source{svc: svc, opts: o}, nil
}

// Name implements calendar.Source.
func (s *Source) Name() string { return "google:" + s.opts.CalendarID }

// cursor is the Source's sync state, stored by the caller as JSON.
type cursor struct {
	Token string    `json:"token"`
	Min   time.Time `json:"min"`
	Max   time.Time `json:"max"`
}

// errFullSyncRequired: Google expired the sync token (410 Gone).
var errFullSyncRequired = errors.New("sync token expired")

// Sync implements calendar.Source.
func (s *Source) Sync(ctx context.Context, cur string) (calendar.Changes, error) {
	now := s.opts.Clock.Now()
	var c cursor
	if cur != "" {
		if err := json.Unmarshal([]byte(cur), &c); err != nil {
			s.opts.Log.Warn("unreadable calendar cursor; doing a full sync", "calendar", s.Name(), "err", err)
			c = cursor{}
		}
	}
	requests := 0
	// The window must still cover the lookahead; otherwise instances of
	// recurring series that slid into view were never listed.
	if c.Token != "" && !now.Add(s.opts.Lookahead).After(c.Max) {
		events, token, n, err := s.list(ctx, func(call *calendarapi.EventsListCall) { call.SyncToken(c.Token) })
		requests += n
		switch {
		case err == nil:
			c.Token = token
			return calendar.Changes{Events: events, Cursor: encode(c), Requests: requests}, nil
		case errors.Is(err, errFullSyncRequired):
			s.opts.Log.Info("Google expired the sync token; doing a full sync", "calendar", s.Name())
		default:
			return calendar.Changes{Requests: requests}, err
		}
	}

	w := s.window(now)
	events, token, n, err := s.list(ctx, func(call *calendarapi.EventsListCall) {
		call.TimeMin(w.Start.Format(time.RFC3339)).TimeMax(w.End.Format(time.RFC3339))
	})
	requests += n
	if err != nil {
		return calendar.Changes{Requests: requests}, err
	}
	return calendar.Changes{
		Full:     true,
		Window:   w,
		Events:   events,
		Cursor:   encode(cursor{Token: token, Min: w.Start, Max: w.End}),
		Requests: requests,
	}, nil
}

// window returns the span a full listing at now covers.
func (s *Source) window(now time.Time) calendar.Window {
	return calendar.ListingWindow(now, s.opts.Lookahead)
}

func encode(c cursor) string {
	b, _ := json.Marshal(c) // a struct of strings and times cannot fail
	return string(b)
}

// list runs one listing to its last page and returns its events and the
// sync token from the last page.
func (s *Source) list(ctx context.Context, setup func(*calendarapi.EventsListCall)) ([]calendar.Event, string, int, error) {
	var events []calendar.Event
	pageToken := ""
	requests := 0
	// Instances kept per series, and what the caps dropped: every page is
	// still read, for the sync token, but kept events stay bounded.
	perSeries := map[string]int{}
	dropped, worst, worstN := 0, "", 0
	for range maxPages {
		call := s.svc.Events.List(s.opts.CalendarID).
			SingleEvents(true).
			MaxResults(s.opts.PageSize).
			Fields(listFields)
		setup(call)
		if pageToken != "" {
			call.PageToken(pageToken)
		}
		page, n, err := s.do(ctx, call)
		requests += n
		if err != nil {
			return nil, "", requests, err
		}
		for _, item := range page.Items {
			ev, err := convert(item)
			if err != nil {
				s.opts.Log.Warn("skipping malformed calendar event", "calendar", s.Name(), "event", item.Id, "err", err)
				continue
			}
			if id := ev.RecurringEventID; id != "" {
				perSeries[id]++
				if n := perSeries[id] - s.opts.MaxSeriesInstances; n > 0 {
					dropped++
					if n > worstN {
						worst, worstN = ev.Title, n
					}
					continue
				}
			}
			if len(events) >= s.opts.MaxEvents {
				dropped++
				continue
			}
			events = append(events, ev)
		}
		// Google may send short or even empty pages that still carry a
		// nextPageToken; only a page without one is the last.
		if page.NextPageToken == "" {
			if page.NextSyncToken == "" {
				return nil, "", requests, errors.New("list events: last page has no sync token")
			}
			if dropped > 0 {
				s.opts.Log.Warn("calendar listing capped: events dropped", "calendar", s.Name(), "kept", len(events),
					"dropped", dropped, "max_events", s.opts.MaxEvents, "max_series_instances", s.opts.MaxSeriesInstances,
					"worst_series", truncate(worst, 80), "worst_series_dropped", worstN)
			}
			return events, page.NextSyncToken, requests, nil
		}
		pageToken = page.NextPageToken
	}
	return nil, "", requests, fmt.Errorf("list events: more than %d pages", maxPages)
}

// do sends one request, retrying what a retry can help: rate limits (429,
// 403 rateLimitExceeded/userRateLimitExceeded), server errors (5xx) and
// network failures, with truncated exponential backoff and jitter; and a 401
// once, after dropping the cached access token. It returns the number of
// requests it made.
func (s *Source) do(ctx context.Context, call *calendarapi.EventsListCall) (*calendarapi.Events, int, error) {
	refreshed := false
	requests := 0
	for attempt := 0; ; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, s.opts.RequestTimeout)
		page, err := call.Context(rctx).Do()
		cancel()
		requests++
		if err == nil {
			return page, requests, nil
		}
		if ctx.Err() != nil {
			return nil, requests, ctx.Err()
		}
		var retryAfter time.Duration
		switch k := classify(err); k.kind {
		case gone:
			return nil, requests, errFullSyncRequired
		case unauthorized:
			if refreshed || s.opts.Tokens == nil {
				return nil, requests, fmt.Errorf("list events: Google rejected the access token: %w", err)
			}
			s.opts.Tokens.Invalidate()
			refreshed = true
			continue
		case transient:
			retryAfter = k.retryAfter
		default:
			return nil, requests, fmt.Errorf("list events: %w", err)
		}
		if attempt >= s.opts.MaxRetries {
			return nil, requests, fmt.Errorf("list events: giving up after %d attempts: %w", requests, err)
		}
		d := backoff(attempt, retryAfter)
		s.opts.Log.Debug("calendar request failed; retrying", "calendar", s.Name(), "attempt", attempt+1, "wait", d, "err", err)
		if err := clock.Sleep(ctx, s.opts.Clock, d); err != nil {
			return nil, requests, err
		}
	}
}

// backoff returns the wait before retry number attempt+1: a random time in
// [d/2, d] where d = base·2^attempt capped at backoffCap ("equal jitter"),
// and never less than what the server asked for in Retry-After.
func backoff(attempt int, retryAfter time.Duration) time.Duration {
	d := clock.Backoff{Base: backoffBase, Cap: backoffCap}.Delay(attempt + 1)
	return max(d, min(retryAfter, 5*time.Minute))
}

type errorKind int

const (
	permanent errorKind = iota
	transient
	unauthorized
	gone
)

type classified struct {
	kind       errorKind
	retryAfter time.Duration
}

// classify says whether err is worth retrying.
func classify(err error) classified {
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		// No HTTP answer at all: a network failure or a timeout. The token
		// endpoint refusing our refresh token arrives wrapped in a
		// *url.Error too, but as a non-network error; it is final.
		if calendar.IsNetworkError(err) {
			return classified{kind: transient}
		}
		return classified{kind: permanent}
	}
	ra := parseRetryAfter(gerr.Header.Get("Retry-After"))
	switch {
	case gerr.Code == http.StatusGone:
		return classified{kind: gone}
	case gerr.Code == http.StatusUnauthorized:
		return classified{kind: unauthorized}
	case gerr.Code == http.StatusTooManyRequests, gerr.Code >= 500:
		return classified{kind: transient, retryAfter: ra}
	case gerr.Code == http.StatusForbidden && isRateLimit(gerr):
		return classified{kind: transient, retryAfter: ra}
	}
	return classified{kind: permanent}
}

func isRateLimit(gerr *googleapi.Error) bool {
	for _, e := range gerr.Errors {
		if e.Reason == "rateLimitExceeded" || e.Reason == "userRateLimitExceeded" {
			return true
		}
	}
	return false
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

// truncate cuts s to at most n runes, for a log line.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
