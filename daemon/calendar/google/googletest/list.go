package googletest

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"
)

const (
	defaultMaxResults = 250
	maxMaxResults     = 2500
	// maxSnapshots bounds the listings whose page tokens stay valid. A
	// snapshot holds one pointer per item, so even a benchmark with many
	// concurrent listings stays small.
	maxSnapshots = 256
	apiPrefix    = "/calendar/v3/calendars/"
)

// response is a rendered answer, built before anything is written so the
// request log is complete by the time a client can see the response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (s *Server) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp := s.respond(r)
		s.mu.Lock()
		s.requests = append(s.requests, Request{
			Path:      r.URL.Path,
			Query:     r.URL.Query(),
			Status:    resp.status,
			BodyBytes: len(resp.body),
		})
		s.mu.Unlock()
		for k, vs := range resp.header {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(resp.body)))
		w.WriteHeader(resp.status)
		_, _ = w.Write(resp.body) // the client has gone; nothing to tell it
	})
}

func (s *Server) respond(r *http.Request) response {
	s.mu.Lock()
	var fail *failure
	if len(s.failures) > 0 {
		f := s.failures[0]
		s.failures = s.failures[1:]
		fail = &f
	}
	tokens := s.tokens
	auth := checkAuth(r.Header.Get("Authorization"), tokens)
	s.mu.Unlock()

	if fail != nil {
		resp := googleError(fail.status, domainFor(fail.reason), fail.reason, messageFor(fail.status, fail.reason))
		if fail.retryAfter > 0 {
			secs := int64((fail.retryAfter + time.Second - 1) / time.Second)
			resp.header.Set("Retry-After", strconv.FormatInt(secs, 10))
		}
		return resp
	}
	if auth != nil {
		return *auth
	}

	calendarID, ok := eventsPath(r)
	if !ok {
		return googleError(http.StatusNotFound, "global", "notFound",
			"Not Found: googletest serves only GET calendars/{calendarId}/events (events.list).")
	}
	q, errResp := parseQuery(r.URL.Query())
	if errResp != nil {
		return *errResp
	}
	return s.list(calendarID, q)
}

// checkAuth returns the 401 to send, or nil if the request may proceed.
func checkAuth(header string, accepted map[string]bool) *response {
	scheme, token, _ := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		r := unauthorized("required", "Login Required.",
			"Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.")
		return &r
	}
	if accepted != nil && !accepted[token] {
		r := unauthorized("authError", "Invalid Credentials",
			"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.")
		return &r
	}
	return nil
}

// eventsPath extracts the calendar id from a GET .../calendars/{id}/events.
// It works on the escaped path because a calendar id may hold "/" (%2F).
func eventsPath(r *http.Request) (string, bool) {
	if r.Method != http.MethodGet {
		return "", false
	}
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), apiPrefix)
	if !ok {
		return "", false
	}
	escaped, ok := strings.CutSuffix(rest, "/events")
	if !ok || escaped == "" || strings.Contains(escaped, "/") {
		return "", false
	}
	id, err := url.PathUnescape(escaped)
	if err != nil {
		return "", false
	}
	return id, true
}

// listQuery is a validated events.list request.
type listQuery struct {
	pageToken, syncToken string
	sync                 syncToken // decoded syncToken
	maxResults           int
	timeMin, timeMax     time.Time // zero when absent
	updatedMin           time.Time
	showDeleted          bool
	orderBy, q, iCalUID  string
	fields               fieldSel // nil: everything
	pretty               bool
	// fingerprint identifies the listing: the parameters that choose its
	// items. A page token is only good for the listing it came from.
	fingerprint string
}

func parseQuery(v url.Values) (listQuery, *response) {
	q := listQuery{
		pageToken:  v.Get("pageToken"),
		syncToken:  v.Get("syncToken"),
		maxResults: defaultMaxResults,
		orderBy:    v.Get("orderBy"),
		q:          v.Get("q"),
		iCalUID:    v.Get("iCalUID"),
		pretty:     true,
	}
	if alt := v.Get("alt"); alt != "" && alt != "json" {
		return q, invalid("alt", fmt.Sprintf("Invalid value for alt: %s (googletest serves only json).", alt))
	}
	if pp := v.Get("prettyPrint"); pp != "" {
		b, err := strconv.ParseBool(pp)
		if err != nil {
			return q, invalid("prettyPrint", fmt.Sprintf("Invalid value for prettyPrint: %s", pp))
		}
		q.pretty = b
	}
	if v.Get("singleEvents") != "true" {
		return q, invalid("singleEvents",
			"googletest stores recurring events as their instances and needs singleEvents=true.")
	}
	if mr := v.Get("maxResults"); mr != "" {
		n, err := strconv.Atoi(mr)
		if err != nil || n < 1 {
			return q, invalid("maxResults", fmt.Sprintf("Invalid value for maxResults: %s", mr))
		}
		// Google caps rather than rejects: "The page size can never be
		// larger than 2500 events."
		q.maxResults = min(n, maxMaxResults)
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"timeMin", &q.timeMin}, {"timeMax", &q.timeMax}, {"updatedMin", &q.updatedMin}} {
		if raw := v.Get(p.name); raw != "" {
			t, err := time.Parse(time.RFC3339, raw)
			if err != nil {
				return q, badRequest()
			}
			*p.dst = t
		}
	}
	if !q.timeMin.IsZero() && !q.timeMax.IsZero() && !q.timeMax.After(q.timeMin) {
		return q, invalid("timeRange", "The specified time range is empty.")
	}
	showDeleted := v.Get("showDeleted")
	if showDeleted != "" {
		b, err := strconv.ParseBool(showDeleted)
		if err != nil {
			return q, invalid("showDeleted", fmt.Sprintf("Invalid value for showDeleted: %s", showDeleted))
		}
		q.showDeleted = b
	}
	switch q.orderBy {
	case "", "startTime", "updated":
	default:
		return q, invalid("orderBy", fmt.Sprintf("Invalid value for orderBy: %s", q.orderBy))
	}
	if q.syncToken != "" {
		// Google refuses to combine a sync token with anything that narrows
		// the listing, and with showDeleted=false because an incremental
		// sync always reports deletions.
		if !q.timeMin.IsZero() || !q.timeMax.IsZero() || q.orderBy != "" || q.q != "" ||
			!q.updatedMin.IsZero() || q.iCalUID != "" || (showDeleted != "" && !q.showDeleted) {
			return q, invalid("syncToken", "Sync token cannot be used with other request restrictions.")
		}
		t, ok := decodeSyncToken(q.syncToken)
		if !ok {
			return q, invalid("syncToken", "Invalid sync token value.")
		}
		q.sync = t
	}
	if f := v.Get("fields"); f != "" {
		sel, err := parseFields(f)
		if err != nil {
			return q, invalid("fields", fmt.Sprintf("Invalid field selection %s: %v", f, err))
		}
		q.fields = sel
	}
	// These may change from page to page of one listing: they shape pages,
	// not the set of items.
	key := cloneValues(v)
	for _, p := range []string{"pageToken", "maxResults", "fields", "prettyPrint", "alt"} {
		key.Del(p)
	}
	q.fingerprint = key.Encode() // Encode sorts by key
	return q, nil
}

// snapshot is the item list of one listing, fixed when its first page is
// served. Google's page tokens behave this way: edits made while a client
// pages do not shift items between pages; they show up in the next sync.
type snapshot struct {
	id          int64
	calendarID  string
	fingerprint string
	items       []*record
	// seq is the calendar's version when the snapshot was taken: the
	// listing's nextSyncToken stands for exactly this state.
	seq   int64
	sizes []int // SetPageSizes pattern in force at the first page
}

func (s *Server) list(calendarID string, q listQuery) response {
	s.mu.Lock()
	c, ok := s.calendars[calendarID]
	if !ok {
		s.mu.Unlock()
		return googleError(http.StatusNotFound, "global", "notFound", "Not Found")
	}
	if q.syncToken != "" {
		// Checked on every page: a token can expire mid-listing, and Google
		// then fails the next page too.
		if resp := s.checkSyncTokenLocked(c, q.sync); resp != nil {
			s.mu.Unlock()
			return *resp
		}
	}
	var (
		snap        *snapshot
		offset, nth int
	)
	if q.pageToken != "" {
		pt, ok := decodePageToken(q.pageToken)
		if ok {
			snap = s.snapshots[pt.snapshot]
		}
		if snap == nil || pt.offset > len(snap.items) {
			s.mu.Unlock()
			return *invalid("pageToken", "Invalid page token value.")
		}
		if snap.calendarID != calendarID || snap.fingerprint != q.fingerprint {
			s.mu.Unlock()
			return *invalid("pageToken", "The page token does not match the other request parameters.")
		}
		offset, nth = pt.offset, pt.page
	} else {
		snap = s.snapshotLocked(c, q)
	}

	size := q.maxResults
	if nth < len(snap.sizes) {
		size = min(snap.sizes[nth], q.maxResults)
	}
	end := min(offset+size, len(snap.items))
	page := snap.items[offset:end]
	head := listHead{
		Kind:             kindEvents,
		Etag:             fmt.Sprintf(`"p%015d"`, c.latest),
		Summary:          ownerEmail(calendarID),
		Updated:          c.updated.Format(updatedLayout),
		TimeZone:         "UTC",
		AccessRole:       "owner",
		DefaultReminders: []*calendarapi.EventReminder{{Method: "popup", Minutes: 10}},
	}
	if c.updated.IsZero() {
		head.Updated = s.now().UTC().Format(updatedLayout)
	}
	if end < len(snap.items) {
		head.NextPageToken = encodePageToken(pageToken{snapshot: snap.id, offset: end, page: nth + 1})
	} else {
		// The token is minted now, in the current epoch, so that a listing
		// which straddles ExpireSyncTokens still ends with a usable token.
		head.NextSyncToken = encodeSyncToken(syncToken{calendarID: calendarID, seq: snap.seq, epoch: s.epoch})
	}
	s.mu.Unlock()

	body, err := renderList(head, page, q.fields, q.pretty)
	if err != nil {
		return googleError(http.StatusInternalServerError, "global", "backendError", "googletest: "+err.Error())
	}
	return response{status: http.StatusOK, header: http.Header{}, body: body}
}

func (s *Server) checkSyncTokenLocked(c *calendar, t syncToken) *response {
	switch {
	case t.calendarID != c.id || t.epoch > s.epoch || t.seq > c.latest:
		return invalid("syncToken", "Invalid sync token value.")
	case t.epoch < s.epoch:
		r := googleError(http.StatusGone, "global", "fullSyncRequired",
			"Sync token is no longer valid, a full sync is required.")
		return &r
	}
	return nil
}

// snapshotLocked selects and orders the items of a new listing and keeps
// them for its later pages.
func (s *Server) snapshotLocked(c *calendar, q listQuery) *snapshot {
	var items []*record
	if q.syncToken != "" {
		// Incremental: every change since the token, deletions included,
		// whatever window the full sync used.
		for _, rec := range c.events {
			if rec.version > q.sync.seq {
				items = append(items, rec)
			}
		}
		slices.SortFunc(items, func(a, b *record) int {
			return cmp.Compare(a.version, b.version)
		})
	} else {
		for _, rec := range c.events {
			if q.matches(rec) {
				items = append(items, rec)
			}
		}
		if q.orderBy == "updated" {
			slices.SortFunc(items, func(a, b *record) int {
				return cmp.Or(a.updated.Compare(b.updated), cmp.Compare(a.version, b.version))
			})
		} else {
			slices.SortFunc(items, func(a, b *record) int {
				return cmp.Or(a.start.Compare(b.start), strings.Compare(a.ev.Id, b.ev.Id))
			})
		}
	}
	s.nextSnap++
	snap := &snapshot{
		id:          s.nextSnap,
		calendarID:  c.id,
		fingerprint: q.fingerprint,
		items:       items,
		seq:         c.latest,
		sizes:       slices.Clone(s.pageSizes),
	}
	s.snapshots[s.nextSnap] = snap
	s.snapOrder = append(s.snapOrder, s.nextSnap)
	if len(s.snapOrder) > maxSnapshots {
		delete(s.snapshots, s.snapOrder[0])
		s.snapOrder = s.snapOrder[1:]
	}
	return snap
}

// matches reports whether a full-sync listing includes rec.
func (q listQuery) matches(rec *record) bool {
	if rec.cancelled() {
		// With updatedMin, Google always includes entries deleted since.
		deletedSince := !q.updatedMin.IsZero() && !rec.updated.Before(q.updatedMin)
		if !q.showDeleted && !deletedSince {
			return false
		}
	}
	if !rec.start.IsZero() || !rec.end.IsZero() {
		if !q.timeMin.IsZero() && !rec.end.After(q.timeMin) {
			return false
		}
		if !q.timeMax.IsZero() && !rec.start.Before(q.timeMax) {
			return false
		}
	}
	if !q.updatedMin.IsZero() && rec.updated.Before(q.updatedMin) {
		return false
	}
	if q.iCalUID != "" && rec.ev.ICalUID != q.iCalUID {
		return false
	}
	if q.q != "" && !textMatches(rec.ev, q.q) {
		return false
	}
	return true
}

// textMatches approximates Google's free-text search: every word of q must
// occur in the summary, description, location, or a participant's name or
// address.
func textMatches(ev *calendarapi.Event, q string) bool {
	var hay strings.Builder
	for _, s := range []string{ev.Summary, ev.Description, ev.Location} {
		hay.WriteString(s)
		hay.WriteByte('\n')
	}
	if ev.Organizer != nil {
		hay.WriteString(ev.Organizer.Email + "\n" + ev.Organizer.DisplayName + "\n")
	}
	for _, a := range ev.Attendees {
		hay.WriteString(a.Email + "\n" + a.DisplayName + "\n")
	}
	text := strings.ToLower(hay.String())
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// listHead is the top level of an events.list response, without items.
type listHead struct {
	Kind             string                       `json:"kind"`
	Etag             string                       `json:"etag"`
	Summary          string                       `json:"summary"`
	Updated          string                       `json:"updated"`
	TimeZone         string                       `json:"timeZone"`
	AccessRole       string                       `json:"accessRole"`
	DefaultReminders []*calendarapi.EventReminder `json:"defaultReminders"`
	NextPageToken    string                       `json:"nextPageToken,omitempty"`
	NextSyncToken    string                       `json:"nextSyncToken,omitempty"`
}

// renderList writes the response body. The events are spliced in as the
// JSON stored with each record, so a page costs one copy, not a re-encode.
// With a fields selection each record's partial JSON is computed once and
// cached: the fake's own cost must not drown what a benchmark measures,
// the client's decoding.
func renderList(head listHead, items []*record, fields fieldSel, pretty bool) ([]byte, error) {
	h, err := json.Marshal(head)
	if err != nil {
		return nil, fmt.Errorf("encode list: %w", err)
	}
	var itemSel fieldSel
	withItems := true
	if fields != nil {
		if h, err = filterJSON(h, fields); err != nil {
			return nil, fmt.Errorf("select list fields: %w", err)
		}
		itemSel, withItems = fields.member("items")
	}
	bodies := make([][]byte, 0, len(items))
	n := len(h) + 16
	if withItems {
		for _, rec := range items {
			b, err := rec.partial(itemSel)
			if err != nil {
				return nil, fmt.Errorf("select fields of event %q: %w", rec.ev.Id, err)
			}
			bodies = append(bodies, b)
			n += len(b) + 1
		}
	}
	buf := bytes.NewBuffer(make([]byte, 0, n))
	if !withItems {
		buf.Write(h)
	} else {
		buf.Write(h[:len(h)-1]) // drop the closing brace
		if len(h) > 2 {
			buf.WriteByte(',')
		}
		buf.WriteString(`"items":[`)
		for i, b := range bodies {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.Write(b)
		}
		buf.WriteString("]}")
	}
	out := buf.Bytes()
	if pretty {
		// Google indents pretty responses by one space.
		var ind bytes.Buffer
		if err := json.Indent(&ind, out, "", " "); err != nil {
			return nil, fmt.Errorf("indent list: %w", err)
		}
		ind.WriteByte('\n')
		out = ind.Bytes()
	}
	return out, nil
}

// filterJSON applies sel to a JSON document.
func filterJSON(doc []byte, sel fieldSel) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber() // keep numbers exactly as written
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	out, err := json.Marshal(sel.filter(tree))
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return out, nil
}

// maxPartials bounds the selections cached per record. Clients use one or
// two; a test that tries many just pays for the others.
const maxPartials = 4

// partial returns the record's JSON narrowed to sel (all of it for nil).
func (r *record) partial(sel fieldSel) ([]byte, error) {
	if sel == nil {
		return r.body, nil
	}
	key := sel.String()
	r.mu.Lock()
	b, ok := r.partials[key]
	r.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := filterJSON(r.body, sel)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.partials == nil {
		r.partials = make(map[string][]byte)
	}
	if len(r.partials) < maxPartials {
		r.partials[key] = b
	}
	r.mu.Unlock()
	return b, nil
}

// Tokens are opaque to clients. Both kinds are base64 of a small text
// record; the sync token names its calendar so that a token cannot be
// replayed against another calendar.

type syncToken struct {
	calendarID string
	seq, epoch int64
}

func encodeSyncToken(t syncToken) string {
	return base64.StdEncoding.EncodeToString(
		[]byte(fmt.Sprintf("s1\x00%d\x00%d\x00%s", t.seq, t.epoch, t.calendarID)))
}

func decodeSyncToken(s string) (syncToken, bool) {
	var t syncToken
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return t, false
	}
	parts := strings.SplitN(string(b), "\x00", 4)
	if len(parts) != 4 || parts[0] != "s1" {
		return t, false
	}
	seq, err1 := strconv.ParseInt(parts[1], 10, 64)
	epoch, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || seq < 0 || epoch < 0 {
		return t, false
	}
	return syncToken{calendarID: parts[3], seq: seq, epoch: epoch}, true
}

type pageToken struct {
	snapshot     int64
	offset, page int
}

func encodePageToken(t pageToken) string {
	return base64.StdEncoding.EncodeToString(
		[]byte(fmt.Sprintf("p1\x00%d\x00%d\x00%d", t.snapshot, t.offset, t.page)))
}

func decodePageToken(s string) (pageToken, bool) {
	var t pageToken
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return t, false
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) != 4 || parts[0] != "p1" {
		return t, false
	}
	snap, err1 := strconv.ParseInt(parts[1], 10, 64)
	offset, err2 := strconv.Atoi(parts[2])
	page, err3 := strconv.Atoi(parts[3])
	if err1 != nil || err2 != nil || err3 != nil || offset < 0 || page < 0 {
		return t, false
	}
	return pageToken{snapshot: snap, offset: offset, page: page}, true
}

func base64URL(s string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}
