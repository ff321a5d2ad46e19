package graphtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxSnapshots bounds the delta rounds in progress the server remembers; a
// skip token of an evicted round answers 410, as an expired one does.
const maxSnapshots = 256

// unsupported are the query options calendarView delta does not take in
// v1.0 (event: delta, "OData query parameters"). Graph may ignore some;
// the fake refuses them all, so that a client sending them is caught.
var unsupported = []string{"$select", "$expand", "$filter", "$orderby", "$search"}

// snapshot is one delta round in progress: the items it lists, fixed when
// the round began, so that paging is consistent while the calendar changes.
type snapshot struct {
	id       string
	calendar string
	min, max time.Time
	at       int64 // the version the round reached: its delta token's
	epoch    int64
	items    []item
}

type item struct {
	rec     *record
	removed bool
}

// skipToken and deltaToken are what the opaque tokens carry.
type skipToken struct {
	Snapshot string `json:"s"`
	Offset   int    `json:"o"`
	Epoch    int64  `json:"e"`
}

type deltaToken struct {
	Calendar string `json:"c"`
	Version  int64  `json:"v"`
	Epoch    int64  `json:"e"`
	Min      int64  `json:"a"`
	Max      int64  `json:"b"`
}

func encodeToken(v any) string {
	b, _ := json.Marshal(v) // plain structs
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && json.Unmarshal(b, v) == nil
}

// countingWriter records the status and the body size of a response.
type countingWriter struct {
	http.ResponseWriter
	status int
	n      int
}

func (w *countingWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.n += n
	return n, err
}

func (s *Server) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w, status: http.StatusOK}
		s.serve(cw, r)
		s.mu.Lock()
		s.requests = append(s.requests, Request{
			Method:    r.Method,
			Path:      r.URL.Path,
			Query:     r.URL.Query(),
			Prefer:    r.Header.Values("Prefer"),
			Status:    cw.status,
			BodyBytes: cw.n,
		})
		s.mu.Unlock()
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The fake serves GET only.", 0)
		return
	}
	s.mu.Lock()
	tokens := s.tokens
	var fail *failure
	if len(s.failures) > 0 {
		f := s.failures[0]
		s.failures = s.failures[1:]
		fail = &f
	}
	s.mu.Unlock()
	if tokens != nil {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !tokens[tok] {
			w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"`)
			writeError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.", 0)
			return
		}
	}
	if fail != nil {
		msg := "The request has been throttled."
		if fail.status != http.StatusTooManyRequests {
			msg = "Injected failure."
		}
		writeError(w, fail.status, fail.code, msg, fail.retryAfter)
		return
	}

	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v1.0/")
	if !ok {
		writeError(w, http.StatusNotFound, "BadRequest", "Invalid version.", 0)
		return
	}
	var seg []string
	for _, p := range strings.Split(strings.TrimSuffix(rest, "/"), "/") {
		u, err := url.PathUnescape(p)
		if err != nil {
			writeError(w, http.StatusBadRequest, "BadRequest", "Malformed path.", 0)
			return
		}
		seg = append(seg, u)
	}
	is := func(want ...string) bool {
		if len(seg) != len(want) {
			return false
		}
		for i, w := range want {
			if w != "*" && !foldedEq(seg[i], w) {
				return false
			}
		}
		return true
	}
	switch {
	case is("me", "calendars"):
		s.listCalendars(w, r)
	case is("me", "calendarView", "delta"), is("me", "calendar", "calendarView", "delta"):
		s.delta(w, r, DefaultCalendar)
	case is("me", "calendars", "*", "calendarView", "delta"):
		s.delta(w, r, seg[2])
	case is("me", "events", "*"):
		s.event(w, r, seg[2])
	default:
		writeError(w, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+seg[len(seg)-1]+"'.", 0)
	}
}

// preferences are what a request's Prefer headers ask for. Preferences may
// come in several headers or comma-separated in one (RFC 7240 §2).
type preferences struct {
	utc      bool
	pageSize int
}

func parsePrefer(r *http.Request) preferences {
	p := preferences{pageSize: DefaultPageSize}
	for _, h := range r.Header.Values("Prefer") {
		for _, pref := range strings.Split(h, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(pref), "=")
			v = strings.Trim(strings.TrimSpace(v), `"`)
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "outlook.timezone":
				p.utc = strings.EqualFold(v, "UTC")
			case "odata.maxpagesize":
				if n, err := strconv.Atoi(v); err == nil && n > 0 {
					p.pageSize = n
				}
			}
		}
	}
	return p
}

// query returns a query option by name, ignoring case: Graph's
// documentation itself writes startDateTime and startdatetime.
func query(q url.Values, name string) (string, bool) {
	for k, v := range q {
		if foldedEq(k, name) && len(v) > 0 {
			return v[0], true
		}
	}
	return "", false
}

func (s *Server) listCalendars(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size := parsePrefer(r).pageSize
	if top, ok := query(q, "$top"); ok {
		if n, err := strconv.Atoi(top); err == nil && n > 0 {
			size = n
		}
	}
	skip := 0
	if v, ok := query(q, "$skip"); ok {
		skip, _ = strconv.Atoi(v)
	}
	var sel []string
	if v, ok := query(q, "$select"); ok {
		sel = strings.Split(v, ",")
	}
	s.mu.Lock()
	type cal struct {
		id, name string
	}
	var all []cal
	for _, id := range s.order {
		all = append(all, cal{id, s.calendars[id].name})
	}
	s.mu.Unlock()
	skip = min(max(skip, 0), len(all))
	end := min(skip+size, len(all))

	var b bytes.Buffer
	b.WriteString(`{"@odata.context":` + jsonString(s.Endpoint()+"$metadata#users('me')/calendars") + `,"value":[`)
	for i, c := range all[skip:end] {
		if i > 0 {
			b.WriteByte(',')
		}
		fields := map[string]any{
			"id": c.id, "name": c.name, "color": "auto", "hexColor": "", "isDefaultCalendar": c.id == DefaultCalendar,
			"changeKey": "fJKVL07sbkmIfHqjbDnRgQAAAAAACQ==", "canShare": true, "canViewPrivateItems": true,
			"canEdit": true, "allowedOnlineMeetingProviders": []string{"teamsForBusiness"},
			"defaultOnlineMeetingProvider": "teamsForBusiness", "isTallyingResponses": true, "isRemovable": c.id != DefaultCalendar,
			"owner": map[string]string{"name": "Me", "address": "me@example.com"},
		}
		if sel != nil {
			for k := range fields {
				if !slices.ContainsFunc(sel, func(f string) bool { return foldedEq(strings.TrimSpace(f), k) }) {
					delete(fields, k)
				}
			}
		}
		j, _ := json.Marshal(fields)
		b.Write(j)
	}
	b.WriteByte(']')
	if end < len(all) {
		nq := url.Values{"$skip": {strconv.Itoa(end)}}
		if sel != nil {
			nq.Set("$select", strings.Join(sel, ","))
		}
		if top, ok := query(q, "$top"); ok {
			nq.Set("$top", top)
		}
		b.WriteString(`,"@odata.nextLink":` + jsonString(s.URL+r.URL.EscapedPath()+"?"+nq.Encode()))
	}
	b.WriteByte('}')
	writeJSON(w, b.Bytes())
}

// event answers GET me/events/{id}: the event, on whichever calendar it
// is, or Graph's 404.
func (s *Server) event(w http.ResponseWriter, r *http.Request, id string) {
	prefs := parsePrefer(r)
	s.mu.Lock()
	var rec *record
	for _, c := range s.calendars {
		if e := c.events[id]; e != nil && !e.deleted {
			rec = e
		}
	}
	loc, zoneName := s.zone, s.zoneName
	s.mu.Unlock()
	if rec == nil {
		writeError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.", 0)
		return
	}
	if prefs.utc {
		loc, zoneName = time.UTC, "UTC"
	}
	writeJSON(w, rec.render(loc, zoneName))
}

func (s *Server) delta(w http.ResponseWriter, r *http.Request, calendarID string) {
	q := r.URL.Query()
	for _, name := range unsupported {
		if _, ok := query(q, name); ok {
			writeError(w, http.StatusBadRequest, "ErrorInvalidUrlQuery",
				"The query parameter '"+name+"' is not supported with change tracking over the 'CalendarView' resource.", 0)
			return
		}
	}
	prefs := parsePrefer(r)
	s.mu.Lock()
	if s.calendars[calendarID] == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.", 0)
		return
	}
	snap, offset, status, code, msg := s.roundLocked(q, calendarID)
	loc, zoneName := s.zone, s.zoneName
	s.mu.Unlock()
	if status != 0 {
		writeError(w, status, code, msg, 0)
		return
	}
	if prefs.utc {
		loc, zoneName = time.UTC, "UTC"
	}

	end := min(offset+prefs.pageSize, len(snap.items))
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":` + jsonString(s.Endpoint()+"$metadata#Collection(event)"))
	link := s.URL + r.URL.EscapedPath() + "?"
	if end < len(snap.items) {
		tok := encodeToken(skipToken{Snapshot: snap.id, Offset: end, Epoch: snap.epoch})
		b.WriteString(`,"@odata.nextLink":` + jsonString(link+"$skiptoken="+tok))
	} else {
		tok := encodeToken(deltaToken{Calendar: calendarID, Version: snap.at, Epoch: snap.epoch, Min: snap.min.Unix(), Max: snap.max.Unix()})
		b.WriteString(`,"@odata.deltaLink":` + jsonString(link+"$deltatoken="+tok))
	}
	b.WriteString(`,"value":[`)
	for i, it := range snap.items[offset:end] {
		if i > 0 {
			b.WriteByte(',')
		}
		if it.removed {
			b.WriteString(`{"@odata.type":"#microsoft.graph.event","id":` + jsonString(it.rec.ev.ID) + `,"@removed":{"reason":"deleted"}}`)
			continue
		}
		b.Write(it.rec.render(loc, zoneName))
	}
	b.WriteString(`]}`)
	writeJSON(w, b.Bytes())
}

// roundLocked finds or starts the delta round a request continues or
// begins, and the offset of the page it asks for. A non-zero status is an
// error to answer instead.
func (s *Server) roundLocked(q url.Values, calendarID string) (snap *snapshot, offset, status int, code, msg string) {
	gone := func() (*snapshot, int, int, string, string) {
		// The error body Outlook sends for a dropped sync state
		// (microsoftgraph/microsoft-graph-docs issue #2350).
		return nil, 0, http.StatusGone, "SyncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again."
	}
	if v, ok := query(q, "$skiptoken"); ok {
		var t skipToken
		if !decodeToken(v, &t) {
			return nil, 0, http.StatusBadRequest, "BadRequest", "Invalid skip token."
		}
		snap := s.snapshots[t.Snapshot]
		if snap == nil || t.Epoch != s.epoch || snap.epoch != s.epoch {
			return gone()
		}
		if snap.calendar != calendarID || t.Offset < 0 || t.Offset > len(snap.items) {
			return nil, 0, http.StatusBadRequest, "BadRequest", "Invalid skip token."
		}
		return snap, t.Offset, 0, "", ""
	}
	cal := s.calendars[calendarID]
	snap = &snapshot{calendar: calendarID, at: s.version, epoch: s.epoch}
	if v, ok := query(q, "$deltatoken"); ok {
		var t deltaToken
		if !decodeToken(v, &t) || t.Calendar != calendarID {
			return nil, 0, http.StatusBadRequest, "BadRequest", "Invalid delta token."
		}
		if t.Epoch != s.epoch {
			return gone()
		}
		snap.min, snap.max = time.Unix(t.Min, 0).UTC(), time.Unix(t.Max, 0).UTC()
		var changed []*record
		for _, r := range cal.events {
			if r.version > t.Version {
				changed = append(changed, r)
			}
		}
		slices.SortFunc(changed, func(a, b *record) int { return int(a.version - b.version) })
		for _, r := range changed {
			// Deleted events, and events changed outside the window, come
			// as @removed (event: delta, "Response").
			removed := r.deleted || !overlaps(r.ev.Start, r.ev.End, snap.min, snap.max)
			snap.items = append(snap.items, item{rec: r, removed: removed})
		}
	} else {
		sv, ok1 := query(q, "startDateTime")
		ev, ok2 := query(q, "endDateTime")
		if !ok1 || !ok2 {
			return nil, 0, http.StatusBadRequest, "ErrorInvalidParameter",
				"This request requires a time window specified by the query string parameters StartDateTime and EndDateTime."
		}
		var err1, err2 error
		snap.min, err1 = parseWindowTime(sv)
		snap.max, err2 = parseWindowTime(ev)
		if err1 != nil || err2 != nil {
			return nil, 0, http.StatusBadRequest, "ErrorInvalidParameter", "The value of StartDateTime or EndDateTime is not a valid date and time."
		}
		var live []*record
		for _, r := range cal.events {
			if !r.deleted && overlaps(r.ev.Start, r.ev.End, snap.min, snap.max) {
				live = append(live, r)
			}
		}
		slices.SortFunc(live, func(a, b *record) int {
			if c := a.ev.Start.Compare(b.ev.Start); c != 0 {
				return c
			}
			return strings.Compare(a.ev.ID, b.ev.ID)
		})
		for _, r := range live {
			snap.items = append(snap.items, item{rec: r})
		}
	}
	s.nextSnap++
	snap.id = "r" + strconv.FormatInt(s.nextSnap, 10)
	s.snapshots[snap.id] = snap
	s.snapOrder = append(s.snapOrder, snap.id)
	if len(s.snapOrder) > maxSnapshots {
		delete(s.snapshots, s.snapOrder[0])
		s.snapOrder = s.snapOrder[1:]
	}
	return snap, 0, 0, "", ""
}

// parseWindowTime reads startDateTime or endDateTime: ISO 8601, with an
// offset or without one (then UTC).
func parseWindowTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	return time.ParseInLocation("2006-01-02T15:04:05", v, time.UTC)
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// writeError answers with Graph's error body (see "Microsoft Graph error
// responses and resource types").
func writeError(w http.ResponseWriter, status int, code, message string, retryAfter time.Duration) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((retryAfter+time.Second-1)/time.Second)))
	}
	body := fmt.Sprintf(`{"error":{"code":%s,"message":%s,"innerError":{"date":%s,"request-id":"00000000-0000-0000-0000-000000000000","client-request-id":"00000000-0000-0000-0000-000000000000"}}}`,
		jsonString(code), jsonString(message), jsonString(time.Now().UTC().Format("2006-01-02T15:04:05")))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(body))
}
