package caldav

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/leadup/leadup/daemon/calendar"
)

// XML namespaces of WebDAV (RFC 4918), CalDAV (RFC 4791) and the
// CalendarServer extensions.
const (
	nsDAV    = "DAV:"
	nsCalDAV = "urn:ietf:params:xml:ns:caldav"
	nsCS     = "http://calendarserver.org/ns/"
)

// markersPropfind asks for the two properties that change whenever a
// collection's content does: {DAV:}sync-token (RFC 6578 section 4, the
// token of a sync-collection REPORT, which servers also expose as a
// property) and CalendarServer's getctag, which older servers offer
// instead. go-webdav v0.6.0 has no call for either. It is the body of every
// poll, so it stays this small.
const markersPropfind = xml.Header + `<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">` +
	`<d:prop><d:sync-token/><cs:getctag/></d:prop></d:propfind>`

// probePropfind asks what the configured URL is (RFC 4791 section 4.2: a
// calendar collection has the resourcetype {urn:ietf:params:xml:ns:caldav}
// calendar) and, if a calendar, its name and the components it takes; if
// not, where the user's principal (RFC 5397) or, on a principal, the
// calendar home (RFC 4791 section 6.2.1) is.
const probePropfind = xml.Header + `<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">` +
	`<d:prop><d:resourcetype/><d:displayname/><c:supported-calendar-component-set/>` +
	`<d:current-user-principal/><c:calendar-home-set/></d:prop></d:propfind>`

// queryTemplate is a calendar-query REPORT (RFC 4791 section 7.8) for the
// VEVENTs that overlap a time range (section 9.9), recurring ones
// included, with each object's ETag and whole calendar data. Server-side
// expansion (section 9.6.5) is not asked for: servers differ in it, and
// the series is expanded here as for an .ics feed.
const queryTemplate = xml.Header + `<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">` +
	`<d:prop><d:getetag/><c:calendar-data/></d:prop>` +
	`<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">` +
	`<c:time-range start="%s" end="%s"/>` +
	`</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`

// davResponse is one {DAV:}response of a multistatus (RFC 4918 section
// 14.24): a resource, and its properties grouped by status.
type davResponse struct {
	Hrefs     []string   `xml:"DAV: href"`
	Status    string     `xml:"DAV: status"`
	Propstats []propstat `xml:"DAV: propstat"`
	// Error is the response's precondition, if any (section 14.5).
	Error *struct {
		Inner []byte `xml:",innerxml"`
	} `xml:"DAV: error"`
}

type propstat struct {
	Status string  `xml:"DAV: status"`
	Prop   davProp `xml:"DAV: prop"`
}

// davProp holds the properties this package asks for.
type davProp struct {
	ResourceType *struct {
		Calendar *struct{} `xml:"urn:ietf:params:xml:ns:caldav calendar"`
	} `xml:"DAV: resourcetype"`
	DisplayName string `xml:"DAV: displayname"`
	CompSet     *struct {
		Comps []struct {
			Name string `xml:"name,attr"`
		} `xml:"urn:ietf:params:xml:ns:caldav comp"`
	} `xml:"urn:ietf:params:xml:ns:caldav supported-calendar-component-set"`
	Principal *struct {
		Href string `xml:"DAV: href"`
	} `xml:"DAV: current-user-principal"`
	HomeSet *struct {
		Href string `xml:"DAV: href"`
	} `xml:"urn:ietf:params:xml:ns:caldav calendar-home-set"`
	SyncToken    string `xml:"DAV: sync-token"`
	CTag         string `xml:"http://calendarserver.org/ns/ getctag"`
	ETag         string `xml:"DAV: getetag"`
	CalendarData string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
}

// path returns the response's resource path, unescaped.
func (r *davResponse) path() string {
	if len(r.Hrefs) == 0 {
		return ""
	}
	return hrefPath(r.Hrefs[0])
}

// code returns the response's own status, 200 when it gives none (its
// properties then carry theirs).
func (r *davResponse) code() int {
	if strings.TrimSpace(r.Status) == "" {
		return http.StatusOK
	}
	return statusCode(r.Status)
}

// prop returns the properties the server found: those in a 2xx propstat.
// A 404 propstat lists, empty, the properties the resource does not have.
func (r *davResponse) prop() davProp {
	var p davProp
	for _, ps := range r.Propstats {
		if statusCode(ps.Status)/100 != 2 {
			continue
		}
		q := ps.Prop
		if q.ResourceType != nil {
			p.ResourceType = q.ResourceType
		}
		if q.CompSet != nil {
			p.CompSet = q.CompSet
		}
		if q.Principal != nil {
			p.Principal = q.Principal
		}
		if q.HomeSet != nil {
			p.HomeSet = q.HomeSet
		}
		p.DisplayName = cmpOr(q.DisplayName, p.DisplayName)
		p.SyncToken = cmpOr(q.SyncToken, p.SyncToken)
		p.CTag = cmpOr(q.CTag, p.CTag)
		p.ETag = cmpOr(q.ETag, p.ETag)
		p.CalendarData = cmpOr(q.CalendarData, p.CalendarData)
	}
	p.DisplayName = strings.TrimSpace(p.DisplayName)
	p.SyncToken = strings.TrimSpace(p.SyncToken)
	p.CTag = strings.TrimSpace(p.CTag)
	return p
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// isCalendar reports whether the resource is a calendar collection.
func (p *davProp) isCalendar() bool {
	return p.ResourceType != nil && p.ResourceType.Calendar != nil
}

// comps lists the component names of supported-calendar-component-set.
func (p *davProp) comps() []string {
	if p.CompSet == nil {
		return nil
	}
	var out []string
	for _, c := range p.CompSet.Comps {
		out = append(out, c.Name)
	}
	return out
}

// statusCode reads the code of a status line, "HTTP/1.1 200 OK"; 0 if it
// has none.
func statusCode(line string) int {
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0
	}
	n, err := strconv.Atoi(f[1])
	if err != nil {
		return 0
	}
	return n
}

// hrefPath returns the unescaped path of an href, which servers send as
// an absolute path or a whole URL (RFC 4918 section 8.3).
func hrefPath(href string) string {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return ""
	}
	return u.Path
}

// samePath compares two collection paths, which servers write with or
// without the trailing slash.
func samePath(a, b string) bool {
	return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/")
}

// urlFor returns the URL of path on the configured server.
func (s *Source) urlFor(path string) string {
	u := *s.url
	u.Path, u.RawPath = path, ""
	return u.String()
}

// multistatus sends a PROPFIND or REPORT with an XML body and calls each
// for every response of the 207 Multi-Status answer, one at a time: a
// REPORT's answer may be tens of megabytes and is never held as a tree.
func (s *Source) multistatus(ctx context.Context, hc *client, method, path, depth, body string, each func(*davResponse) error) error {
	req, err := http.NewRequestWithContext(ctx, method, s.urlFor(path), strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Content-Type", `application/xml; charset="utf-8"`)
	req.Header.Set("Depth", depth)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusMultiStatus {
		return fmt.Errorf("%s %s: HTTP %d, want 207 Multi-Status", method, path, resp.StatusCode)
	}
	if err := readMultistatus(resp.Body, each); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return nil
}

// errStop ends readMultistatus early without an error.
var errStop = errors.New("stop")

// readMultistatus decodes a {DAV:}multistatus one response at a time.
func readMultistatus(r io.Reader, each func(*davResponse) error) error {
	d := xml.NewDecoder(r)
	d.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		// RFC 4918 section 8.2: servers send UTF-8, and some label it.
		if strings.EqualFold(charset, "utf-8") || strings.EqualFold(charset, "us-ascii") {
			return input, nil
		}
		return nil, fmt.Errorf("unsupported charset %q", charset)
	}
	root := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if !root {
				return errors.New("answer is not a multistatus")
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("read multistatus: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name {
		case xml.Name{Space: nsDAV, Local: "multistatus"}:
			root = true
		case xml.Name{Space: nsDAV, Local: "response"}:
			var resp davResponse
			if err := d.DecodeElement(&resp, &se); err != nil {
				return fmt.Errorf("read multistatus: %w", err)
			}
			if err := each(&resp); errors.Is(err, errStop) {
				return nil
			} else if err != nil {
				return err
			}
		}
	}
}

// poll reads every collection's change markers: with one Depth 1 PROPFIND
// on their common home, or one Depth 0 PROPFIND per collection. A
// collection the server no longer has is errLayout.
func (s *Source) poll(ctx context.Context, hc *client, c cursor) ([]calState, error) {
	states := make([]calState, len(c.Calendars))
	for i, cal := range c.Calendars {
		states[i] = calState{Path: cal.Path, Name: cal.Name}
	}
	found := map[string]davProp{}
	collect := func(r *davResponse) error {
		if p := r.path(); p != "" && r.code()/100 == 2 {
			found[strings.TrimSuffix(p, "/")] = r.prop()
		}
		return nil
	}
	if c.Home != "" {
		err := s.multistatus(ctx, hc, "PROPFIND", c.Home, "1", markersPropfind, collect)
		if isStatus(err, http.StatusNotFound) {
			return nil, fmt.Errorf("calendar home %s: %w", c.Home, errLayout)
		}
		if err != nil {
			return nil, fmt.Errorf("poll calendars: %w", err)
		}
	} else {
		for _, cal := range c.Calendars {
			var first *davProp
			err := s.multistatus(ctx, hc, "PROPFIND", cal.Path, "0", markersPropfind, func(r *davResponse) error {
				if first == nil && r.code()/100 == 2 {
					p := r.prop()
					first = &p
				}
				return collect(r)
			})
			if isStatus(err, http.StatusNotFound) {
				return nil, fmt.Errorf("calendar %s: %w", cal.label(), errLayout)
			}
			if err != nil {
				return nil, fmt.Errorf("poll calendar %s: %w", cal.label(), err)
			}
			// A Depth 0 answer is about the collection asked for, even
			// if the server names it by another href (a redirect, an
			// alias).
			if _, ok := found[strings.TrimSuffix(cal.Path, "/")]; !ok && first != nil {
				found[strings.TrimSuffix(cal.Path, "/")] = *first
			}
		}
	}
	for i := range states {
		p, ok := found[strings.TrimSuffix(states[i].Path, "/")]
		if !ok {
			return nil, fmt.Errorf("calendar %s not listed: %w", states[i].label(), errLayout)
		}
		states[i].SyncToken, states[i].CTag = p.SyncToken, p.CTag
	}
	return states, nil
}

// query runs a collection's calendar-query over w and returns its objects
// joined into one iCalendar stream.
func (s *Source) query(ctx context.Context, hc *client, cal calState, w calendar.Window) (io.Reader, error) {
	const utc = "20060102T150405Z" // RFC 4791 section 9.9: UTC date-times
	body := fmt.Sprintf(queryTemplate, w.Start.UTC().Format(utc), w.End.UTC().Format(utc))
	j := newJoiner()
	objects, failed, failedCode, capped := 0, 0, 0, false
	err := s.multistatus(ctx, hc, "REPORT", cal.Path, "1", body, func(r *davResponse) error {
		// RFC 4918 section 13: one resource may fail while the others
		// are listed; leave it out and list the rest.
		if code := r.code(); code/100 != 2 {
			failed++
			failedCode = code
			return nil
		}
		data := r.prop().CalendarData
		if data == "" {
			if !samePath(r.path(), cal.Path) { // some servers list the collection itself
				failed++
			}
			return nil
		}
		if objects >= maxObjects {
			capped = true
			return errStop
		}
		objects++
		j.add(data)
		return nil
	})
	switch {
	case isStatus(err, http.StatusNotFound):
		return nil, fmt.Errorf("calendar %s was not found on the server (HTTP 404): %w", cal.label(), err)
	case err != nil:
		return nil, fmt.Errorf("list calendar %s: %w", cal.label(), err)
	}
	log := s.opts.Log.With("calendar", s.Name(), "collection", cal.Path)
	if failed > 0 {
		log.Warn("calendar objects the server would not send were left out", "objects", failed, "status", failedCode)
	}
	if capped {
		log.Warn("calendar listing capped: objects dropped", "kept", maxObjects)
	}
	if j.dropped > 0 {
		log.Warn("malformed calendar components left out", "components", j.dropped)
	}
	return bytes.NewReader(j.bytes()), nil
}
