// Package graph is the Microsoft 365 / Outlook.com back end: a
// calendar.Source over Microsoft Graph v1.0's calendarView delta function.
//
// It keeps quota use low the way the Google back end does. A full sync is a
// delta round over a window around now (from a day ago, for follow-ups, to
// well past the lookahead): GET me/calendarView/delta?startDateTime=…&
// endDateTime=…, following @odata.nextLink to the last page, which carries
// an @odata.deltaLink. Every later poll GETs that deltaLink and gets back
// only what changed, usually nothing: one small request. A full sync runs
// again when the window must slide (about every lookahead/2), when Graph has
// forgotten the delta token (410 Gone), or when the caller asks for one.
//
// Microsoft's documentation this package relies on:
//   - event: delta (v1.0), https://learn.microsoft.com/graph/api/event-delta
//   - Get incremental changes to events in a calendar view,
//     https://learn.microsoft.com/graph/delta-query-events
//   - Use delta query to track changes,
//     https://learn.microsoft.com/graph/delta-query-overview
//   - Error responses, https://learn.microsoft.com/graph/errors
//   - Throttling guidance, https://learn.microsoft.com/graph/throttling
package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/leadup/leadup/internal/loopback"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/clock"
)

// DefaultEndpoint is Microsoft Graph v1.0's base URL.
const DefaultEndpoint = "https://graph.microsoft.com/v1.0/"

// Defaults for Options.
const (
	// DefaultPageSize is sent as Prefer: odata.maxpagesize. Graph may send
	// fewer per page; it never sends more.
	DefaultPageSize       = 500
	DefaultMaxRetries     = 6
	DefaultRequestTimeout = 60 * time.Second
	// Defaults of the listing caps, as in package google.
	DefaultMaxEvents          = 10000
	DefaultMaxSeriesInstances = 500
)

const (
	// maxPages bounds one delta round, in case a server never stops paging.
	maxPages = 10000
	// maxCalendarPages bounds the listing of the user's calendars.
	maxCalendarPages = 100
	// MaxBodyBytes caps one response body. A page of 500 events with long
	// HTML bodies stays well under it; more is a broken or hostile server.
	MaxBodyBytes = 32 << 20
	// maxErrorBytes caps what is read of an error response.
	maxErrorBytes = 64 << 10
	// maxRetryAfter caps how long a Retry-After may make a request wait.
	maxRetryAfter = 5 * time.Minute
)

// Retry backoff: truncated exponential with jitter, which Graph's
// throttling guidance asks for when a 429 carries no Retry-After.
const (
	backoffBase = time.Second
	backoffCap  = 64 * time.Second
)

// TokenInvalidator forgets a cached access token, so that the next request
// fetches a new one. Graph answering 401 is the cue.
type TokenInvalidator interface{ Invalidate() }

// Options configure a Source.
type Options struct {
	// Calendar is "" for the user's default calendar, or a calendar's
	// name as Outlook shows it, or its id. A name is looked up with
	// GET me/calendars on the first sync and the id kept in the cursor.
	Calendar  string
	Lookahead time.Duration // how far ahead meetings matter
	// Endpoint is the API's base URL, DefaultEndpoint when empty. It must
	// be https, except for a loopback host (a test server).
	Endpoint string
	// HTTPClient sends the requests and must add the OAuth bearer token
	// (an *oauth2.Transport). Its token source should be the same
	// TokenInvalidator as Tokens.
	HTTPClient *http.Client
	Tokens     TokenInvalidator // may be nil: a 401 is then final
	// Me lists the user's own addresses. Graph does not mark the user's
	// entry among an event's attendees (Google's "self"), so leadup finds
	// it by address.
	Me        []string
	UserAgent string
	Clock     clock.Clock // defaults to the system clock
	Log       *slog.Logger

	PageSize       int           // defaults to DefaultPageSize
	MaxRetries     int           // retries of one request; defaults to DefaultMaxRetries
	RequestTimeout time.Duration // per request; defaults to DefaultRequestTimeout
	// MaxEvents caps the events one sync keeps, and MaxSeriesInstances
	// the instances of one recurring series in it: the rest are dropped,
	// with one warning. Defaults DefaultMaxEvents and
	// DefaultMaxSeriesInstances.
	MaxEvents          int
	MaxSeriesInstances int
}

// Source is a calendar in a Microsoft 365 or Outlook.com mailbox.
type Source struct {
	opts     Options
	endpoint *url.URL
	me       map[string]bool // lowercased
	// prefer holds the Prefer header values sent on every request.
	prefer []string
}

// New returns a Source for o.Calendar. It makes no request.
func New(o Options) (*Source, error) {
	if o.HTTPClient == nil {
		return nil, errors.New("microsoft calendar: no HTTP client")
	}
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	if !strings.HasSuffix(o.Endpoint, "/") {
		o.Endpoint += "/"
	}
	ep, err := url.Parse(o.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("microsoft calendar: endpoint %q: %w", o.Endpoint, err)
	}
	switch {
	case ep.Host == "":
		return nil, fmt.Errorf("microsoft calendar: endpoint %q has no host", o.Endpoint)
	case ep.Scheme == "https":
	case ep.Scheme == "http" && loopback.Host(ep.Hostname()):
	default:
		// The requests carry the user's access token: never in clear text
		// over a network.
		return nil, fmt.Errorf("microsoft calendar: endpoint %q must use https (plain http only for a loopback host)", o.Endpoint)
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
	me := make(map[string]bool, len(o.Me))
	for _, a := range o.Me {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			me[a] = true
		}
	}
	return &Source{
		opts:     o,
		endpoint: ep,
		me:       me,
		// Two Prefer headers, as the event: delta page lists them; RFC 7240
		// §2 makes that the same as one comma-separated header.
		// outlook.timezone="UTC" makes every dateTime UTC, so no Windows
		// zone names need mapping. odata.maxpagesize is the only page-size
		// control calendarView delta honours ($top is not listed).
		prefer: []string{`outlook.timezone="UTC"`, "odata.maxpagesize=" + strconv.Itoa(o.PageSize)},
	}, nil
}

// Name implements calendar.Source.
func (s *Source) Name() string {
	if s.opts.Calendar == "" {
		return "microsoft:default"
	}
	return "microsoft:" + s.opts.Calendar
}

// cursor is the Source's sync state, stored by the caller as JSON.
type cursor struct {
	// Calendar is Options.Calendar when the cursor was made, and
	// CalendarID what it resolved to ("" for the default calendar).
	Calendar   string    `json:"calendar,omitempty"`
	CalendarID string    `json:"calendar_id,omitempty"`
	DeltaLink  string    `json:"delta_link"`
	Min        time.Time `json:"min"`
	Max        time.Time `json:"max"`
}

// errResync: Graph no longer knows the delta token; only a new round helps.
var errResync = errors.New("delta token expired")

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
	if c.Calendar != s.opts.Calendar {
		// Made for another calendar setting: its id and link do not apply.
		c = cursor{}
	}
	if c.DeltaLink != "" {
		if err := s.checkLink(c.DeltaLink); err != nil {
			// An edited cursor, or one from another endpoint: a new round
			// is the way out, not an error at every poll.
			s.opts.Log.Warn("calendar cursor unusable; doing a full sync", "calendar", s.Name(), "err", err)
			c = cursor{}
		}
	}
	requests := 0
	// The window must still cover the lookahead; otherwise occurrences of
	// recurring series that slid into view were never listed.
	if c.DeltaLink != "" && !now.Add(s.opts.Lookahead).After(c.Max) {
		events, link, n, err := s.round(ctx, c.DeltaLink, false)
		requests += n
		if err == nil {
			n, err = s.confirmRemoved(ctx, events)
			requests += n
		}
		switch {
		case err == nil:
			c.DeltaLink = link
			return calendar.Changes{Events: events, Cursor: encode(c), Requests: requests}, nil
		case errors.Is(err, errResync):
			s.opts.Log.Info("Microsoft Graph expired the delta token; doing a full sync", "calendar", s.Name())
		case isNotFound(err) && s.opts.Calendar != "":
			// The calendar is gone, perhaps deleted and made again under
			// the same name: look the name up afresh.
			s.opts.Log.Info("calendar not found; looking it up again", "calendar", s.Name(), "err", err)
			c.CalendarID = ""
		default:
			return calendar.Changes{Requests: requests}, err
		}
	}

	id, cached := c.CalendarID, c.CalendarID != ""
	w := calendar.ListingWindow(now, s.opts.Lookahead)
	var events []calendar.Event
	var link string
	for {
		if s.opts.Calendar != "" && id == "" {
			var n int
			var err error
			id, n, err = s.resolve(ctx)
			requests += n
			if err != nil {
				return calendar.Changes{Requests: requests}, err
			}
		}
		var n int
		var err error
		events, link, n, err = s.round(ctx, s.viewURL(id, w), true)
		requests += n
		if err != nil && cached && isNotFound(err) {
			// An id kept in the cursor no longer exists: once, look the
			// name up again.
			s.opts.Log.Info("calendar not found; looking it up again", "calendar", s.Name(), "err", err)
			id, cached = "", false
			continue
		}
		if err != nil {
			return calendar.Changes{Requests: requests}, err
		}
		break
	}
	return calendar.Changes{
		Full:     true,
		Window:   w,
		Events:   events,
		Cursor:   encode(cursor{Calendar: s.opts.Calendar, CalendarID: id, DeltaLink: link, Min: w.Start, Max: w.End}),
		Requests: requests,
	}, nil
}

func encode(c cursor) string {
	b, _ := json.Marshal(c) // a struct of strings and times cannot fail
	return string(b)
}

// viewURL returns the first request of a delta round over w on the calendar
// id ("" for the default calendar). Only startDateTime and endDateTime are
// sent: calendarView delta in v1.0 rejects $select, $expand, $filter,
// $orderby and $search (event: delta, "OData query parameters"), and the
// tokens in the links it returns carry the window from then on.
func (s *Source) viewURL(id string, w calendar.Window) string {
	path := "me/calendarView/delta"
	if id != "" {
		path = "me/calendars/" + url.PathEscape(id) + "/calendarView/delta"
	}
	q := url.Values{
		"startDateTime": {w.Start.UTC().Format(time.RFC3339)},
		"endDateTime":   {w.End.UTC().Format(time.RFC3339)},
	}
	return s.endpoint.String() + path + "?" + q.Encode()
}

// deltaPage is one page of a delta round. Items are decoded one by one,
// so that one malformed event is skipped instead of failing the page.
type deltaPage struct {
	Items     []decodedItem
	NextLink  string
	DeltaLink string
}

// decodedItem is one item of a page, or why it could not be decoded.
type decodedItem struct {
	ev  wireEvent
	err error
}

// decode reads a page from r in one pass: a page of 500 events is a few
// MiB, and decoding it into raw items first and each item again after
// would scan it twice more.
func (p *deltaPage) decode(r io.Reader) error {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch key, _ := tok.(string); key {
		case "value":
			if err := expectDelim(dec, '['); err != nil {
				return fmt.Errorf("value: %w", err)
			}
			for dec.More() {
				var it decodedItem
				// A type mismatch leaves the decoder at the item's end:
				// encoding/json reads a whole value before decoding it.
				if err := dec.Decode(&it.ev); err != nil {
					var terr *json.UnmarshalTypeError
					if !errors.As(err, &terr) {
						return err
					}
					it.err = err
				}
				p.Items = append(p.Items, it)
			}
			if err := expectDelim(dec, ']'); err != nil {
				return err
			}
		case "@odata.nextLink":
			if err := dec.Decode(&p.NextLink); err != nil {
				return fmt.Errorf("@odata.nextLink: %w", err)
			}
		case "@odata.deltaLink":
			if err := dec.Decode(&p.DeltaLink); err != nil {
				return fmt.Errorf("@odata.deltaLink: %w", err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the page")
	}
	return nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, got %v", want, tok)
	}
	return nil
}

// maxConfirmed bounds the removals one poll looks up (confirmRemoved); the
// rest are taken as deletions.
const maxConfirmed = 20

// confirmRemoved looks up, with GET me/events/{id}, each event a delta
// round reported as removed. Graph says "@removed" both for an event
// deleted and for one that moved out of the round's window (event: delta,
// "Response"), and taking a 1:1 moved three weeks on for a cancelled one
// would tell the user it was cancelled. An event that is still there, and
// not cancelled, replaces its removal; one Graph no longer has stays
// removed. A failed lookup fails the poll, so that the same round is asked
// for again rather than a guess stored.
func (s *Source) confirmRemoved(ctx context.Context, events []calendar.Event) (int, error) {
	requests, looked := 0, 0
	conv := s.newConverter()
	for i := range events {
		ev := &events[i]
		if ev.Status != calendar.StatusCancelled || !ev.Start.IsZero() {
			continue
		}
		if looked++; looked > maxConfirmed {
			break
		}
		var it wireEvent
		n, err := s.get(ctx, s.endpoint.String()+"me/events/"+url.PathEscape(ev.ID), "look up a removed event",
			func(r io.Reader) error { return json.NewDecoder(r).Decode(&it) })
		requests += n
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return requests, err
		}
		live, skip, err := conv.convert(&it, nil)
		if err != nil || skip || live.ID != ev.ID || live.Status == calendar.StatusCancelled {
			continue
		}
		*ev = live
	}
	return requests, nil
}

// round runs one delta round from link to its last page and returns the
// events and the deltaLink of the last page. full says the round is a full
// sync: removed items are then left out, as a full sync lists only live
// events.
func (s *Source) round(ctx context.Context, link string, full bool) ([]calendar.Event, string, int, error) {
	var events []calendar.Event
	// Graph may list one event more than once in a round (delta query
	// overview, "Resource representation"): the last one wins.
	index := map[string]int{}
	requests := 0
	// Instances kept per series, and what the caps dropped: every page is
	// still read, for the deltaLink, but kept events stay bounded.
	perSeries := map[string]int{}
	dropped, worst, worstN := 0, "", 0
	conv := s.newConverter()
	for range maxPages {
		if err := s.checkLink(link); err != nil {
			return nil, "", requests, err
		}
		var page deltaPage
		n, err := s.get(ctx, link, "list events", page.decode)
		requests += n
		if err != nil {
			return nil, "", requests, err
		}
		for _, it := range page.Items {
			ev, skip, err := conv.convert(&it.ev, it.err)
			if err != nil {
				s.opts.Log.Warn("skipping malformed calendar event", "calendar", s.Name(), "event", truncate(ev.ID, 200), "err", err)
				continue
			}
			if skip || (full && ev.Status == calendar.StatusCancelled && ev.Start.IsZero()) {
				continue
			}
			if i, ok := index[ev.ID]; ok {
				events[i] = ev
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
			index[ev.ID] = len(events)
			events = append(events, ev)
		}
		// A page with a nextLink may be short or even empty; only a page
		// with a deltaLink ends the round (delta query overview, step 2).
		switch {
		case page.NextLink != "" && page.DeltaLink != "":
			return nil, "", requests, errors.New("list events: page has both @odata.nextLink and @odata.deltaLink")
		case page.NextLink != "":
			link = page.NextLink
			continue
		case page.DeltaLink == "":
			return nil, "", requests, errors.New("list events: last page has no @odata.deltaLink")
		}
		if err := s.checkLink(page.DeltaLink); err != nil {
			return nil, "", requests, err
		}
		if dropped > 0 {
			s.opts.Log.Warn("calendar listing capped: events dropped", "calendar", s.Name(), "kept", len(events),
				"dropped", dropped, "max_events", s.opts.MaxEvents, "max_series_instances", s.opts.MaxSeriesInstances,
				"worst_series", truncate(worst, 80), "worst_series_dropped", worstN)
		}
		return events, page.DeltaLink, requests, nil
	}
	return nil, "", requests, fmt.Errorf("list events: more than %d pages", maxPages)
}

// checkLink refuses a nextLink or deltaLink that leaves the endpoint: the
// request would carry the user's access token to wherever the link points.
// The links come from Graph's answers and from the stored cursor, so a
// hostile server or an edited cursor could otherwise send it anywhere.
func (s *Source) checkLink(link string) error {
	u, err := url.Parse(link)
	if err != nil {
		return fmt.Errorf("list events: unreadable link from Graph: %w", err)
	}
	if u.Scheme != s.endpoint.Scheme || !strings.EqualFold(u.Host, s.endpoint.Host) ||
		!strings.HasPrefix(u.Path, s.endpoint.Path) || u.User != nil {
		return fmt.Errorf("list events: link %q is outside the endpoint %s", truncate(link, 200), s.endpoint)
	}
	return nil
}

// calendarList is a page of GET me/calendars.
type calendarList struct {
	Value []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

// resolve finds the id of the calendar Options.Calendar names: a calendar
// whose id it is, or else whose name it is (exactly, or else ignoring case
// if only one matches).
func (s *Source) resolve(ctx context.Context) (string, int, error) {
	want := s.opts.Calendar
	link := s.endpoint.String() + "me/calendars?" + url.Values{"$select": {"id,name"}}.Encode()
	requests := 0
	var byName, folded []string
	var names []string
	for range maxCalendarPages {
		if err := s.checkLink(link); err != nil {
			return "", requests, err
		}
		var page calendarList
		n, err := s.get(ctx, link, "list calendars", func(r io.Reader) error { return json.NewDecoder(r).Decode(&page) })
		requests += n
		if err != nil {
			return "", requests, err
		}
		for _, c := range page.Value {
			switch {
			case c.ID == "":
			case c.ID == want:
				return c.ID, requests, nil
			case c.Name == want:
				byName = append(byName, c.ID)
			case strings.EqualFold(c.Name, want):
				folded = append(folded, c.ID)
			}
			names = append(names, strconv.Quote(truncate(c.Name, 60)))
		}
		if page.NextLink == "" {
			switch {
			case len(byName) > 0:
				return byName[0], requests, nil
			case len(folded) == 1:
				return folded[0], requests, nil
			case len(folded) > 1:
				return "", requests, fmt.Errorf("find calendar %q: %d calendars have that name in different cases; give the exact name or the id", want, len(folded))
			}
			if len(names) > 20 {
				names = append(names[:20], "…")
			}
			return "", requests, fmt.Errorf("find calendar %q: no calendar has that name or id; the mailbox has %s", want, strings.Join(names, ", "))
		}
		link = page.NextLink
	}
	return "", requests, fmt.Errorf("list calendars: more than %d pages", maxCalendarPages)
}

// Error is an error answer from Graph: the HTTP status and Graph's error
// code and message ({"error":{"code","message"}}, see "Error responses").
type Error struct {
	StatusCode int
	Code       string
	Message    string
	retryAfter time.Duration
}

func (e *Error) Error() string {
	s := "HTTP " + strconv.Itoa(e.StatusCode)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + truncate(e.Message, 300)
	}
	return s
}

// Temporary reports whether a later retry of the request may succeed:
// throttling and server errors.
func (e *Error) Temporary() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// resync reports an expired or unknown delta token. Graph answers 410 Gone
// for those ("Synchronization reset" in the delta query overview); the
// overview also allows "a 40X-series error with error codes such as
// syncStateNotFound", and the error codes page names resyncRequired.
func (e *Error) resync() bool {
	if e.StatusCode == http.StatusGone {
		return true
	}
	if e.StatusCode >= 400 && e.StatusCode < 500 {
		switch strings.ToLower(e.Code) {
		case "syncstatenotfound", "resyncrequired", "syncstateinvalid":
			return true
		}
	}
	return false
}

// isNotFound reports Graph answering 404: a calendar id that no longer
// exists.
func isNotFound(err error) bool {
	var gerr *Error
	return errors.As(err, &gerr) && gerr.StatusCode == http.StatusNotFound
}

// get sends one GET for link and decodes the JSON answer into into,
// retrying what a retry can help: throttling (429, and 503/504, which may
// carry Retry-After too), other server errors and network failures, with
// truncated exponential backoff and jitter and never sooner than
// Retry-After asks; and a 401 once, after dropping the cached access token.
// It returns the number of requests it made.
func (s *Source) get(ctx context.Context, link, what string, decode func(io.Reader) error) (int, error) {
	refreshed := false
	requests := 0
	for attempt := 0; ; attempt++ {
		requests++
		err := s.once(ctx, link, decode)
		if err == nil {
			return requests, nil
		}
		if ctx.Err() != nil {
			return requests, ctx.Err()
		}
		var retryAfter time.Duration
		var gerr *Error
		switch {
		case errors.As(err, &gerr) && gerr.resync():
			return requests, fmt.Errorf("%s: %w (%w)", what, errResync, err)
		case errors.As(err, &gerr) && gerr.StatusCode == http.StatusUnauthorized:
			if refreshed || s.opts.Tokens == nil {
				return requests, fmt.Errorf("%s: Microsoft Graph rejected the access token: %w", what, err)
			}
			s.opts.Tokens.Invalidate()
			refreshed = true
			continue
		case errors.As(err, &gerr) && gerr.Temporary():
			retryAfter = gerr.retryAfter
		case gerr == nil && calendar.IsNetworkError(err):
		default:
			return requests, fmt.Errorf("%s: %w", what, err)
		}
		if attempt >= s.opts.MaxRetries {
			return requests, fmt.Errorf("%s: giving up after %d attempts: %w", what, requests, err)
		}
		d := backoff(attempt, retryAfter)
		s.opts.Log.Debug("calendar request failed; retrying", "calendar", s.Name(), "attempt", attempt+1, "wait", d, "err", err)
		if err := clock.Sleep(ctx, s.opts.Clock, d); err != nil {
			return requests, err
		}
	}
}

// once sends one GET, bounded by RequestTimeout, and decodes its answer.
func (s *Source) once(ctx context.Context, link string, decode func(io.Reader) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	for _, p := range s.prefer {
		req.Header.Add("Prefer", p)
	}
	if s.opts.UserAgent != "" {
		req.Header.Set("User-Agent", s.opts.UserAgent)
	}
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s.errorOf(resp)
	}
	if resp.ContentLength > MaxBodyBytes {
		return errTooLarge
	}
	body := &limitedReader{r: resp.Body, n: MaxBodyBytes}
	if err := decode(body); err != nil {
		if body.over {
			return errTooLarge
		}
		if calendar.IsNetworkError(err) {
			return fmt.Errorf("read response: %w", err)
		}
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

var errTooLarge = fmt.Errorf("response larger than %d MiB; refusing it", MaxBodyBytes>>20)

// limitedReader reads at most n bytes and notes an attempt to read more.
type limitedReader struct {
	r    io.Reader
	n    int64
	over bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// One more byte tells a body of exactly n from a longer one.
		var b [1]byte
		if n, _ := l.r.Read(b[:]); n > 0 {
			l.over = true
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// errorOf reads Graph's error answer.
func (s *Source) errorOf(resp *http.Response) *Error {
	e := &Error{StatusCode: resp.StatusCode, retryAfter: s.parseRetryAfter(resp.Header.Get("Retry-After"))}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
	var wire struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &wire) == nil {
		e.Code, e.Message = wire.Error.Code, wire.Error.Message
	} else if t := strings.TrimSpace(string(bytes.ToValidUTF8(body, nil))); t != "" {
		e.Message = t
	}
	return e
}

// backoff returns the wait before retry number attempt+1: a random time in
// [d/2, d] where d = base·2^attempt capped at backoffCap ("equal jitter"),
// and never less than what the server asked for in Retry-After (itself
// capped, so that a hostile value cannot stall the daemon).
func backoff(attempt int, retryAfter time.Duration) time.Duration {
	d := clock.Backoff{Base: backoffBase, Cap: backoffCap}.Delay(attempt + 1)
	return max(d, min(retryAfter, maxRetryAfter))
}

// parseRetryAfter reads Retry-After: Graph sends seconds (throttling
// guidance); an HTTP date is accepted too (RFC 9110 §10.2.3).
func (s *Source) parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs <= 0 {
			return 0
		}
		return min(time.Duration(min(secs, 24*3600))*time.Second, maxRetryAfter)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, min(t.Sub(s.opts.Clock.Now()), maxRetryAfter))
	}
	return 0
}

// truncate cuts s to at most n runes, for a log line or an error.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
