package ics

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/leadup/leadup/daemon/calendar"
)

// ParseOptions configure Parse.
type ParseOptions struct {
	// Location is the zone of floating times (neither TZID nor Z) and of
	// TZIDs that name no zone leadup knows. Defaults to time.Local.
	Location *time.Location
	// Self lists the user's own addresses. An organizer or attendee with one
	// of them (compared without regard to case) gets Self.
	Self []string
	// Log receives warnings about events that had to be skipped, and
	// Expand's warnings. Defaults to discarding them.
	Log *slog.Logger
	// MaxInstances bounds the events one Expand lists for the whole
	// calendar; defaults to DefaultMaxInstances.
	MaxInstances int
	// MaxSeriesInstances bounds the instances one recurring series lists in
	// one Expand, the earliest kept; defaults to DefaultMaxSeriesInstances.
	// It is at most MaxInstances.
	MaxSeriesInstances int
}

// Calendar is a parsed iCalendar stream: its VEVENTs grouped into series by
// UID, ready to be expanded over any window with Expand.
type Calendar struct {
	series       []*series
	log          *slog.Logger
	maxInstances int // in one Expand
	maxSeries    int // per series in one Expand
}

// series is one UID: a master VEVENT (nil when the feed holds only some
// instances, as Google's does for a single invited instance) and the
// VEVENTs with a RECURRENCE-ID that override its instances.
type series struct {
	uid       string
	master    *vevent
	overrides []*vevent
}

// vevent is the part of a VEVENT that Expand needs.
type vevent struct {
	uid      string
	sequence int
	hasStart bool          // an override may leave DTSTART out
	start    time.Time     // DTSTART, an instant
	civil    time.Time     // DTSTART as a civil time in zone
	zone     *zone         // of DTSTART; UTC for dates and Z times
	allDay   bool          // DTSTART is a DATE
	duration time.Duration // DTEND-DTSTART or DURATION, never negative

	recurring bool        // has RRULE or RDATE
	rule      *recurrence // nil without a usable RRULE
	rdates    []rdate
	exdates   map[int64]bool     // excluded instants, Unix seconds
	exdays    map[time.Time]bool // excluded days (EXDATE;VALUE=DATE), civil midnight

	recurID *dateTime // RECURRENCE-ID, for overrides
	recurAt *zone     // the TZID of a RECURRENCE-ID, nil if none
	// original is the overridden instance's start, an instant, worked out
	// once the whole series is known.
	original time.Time

	tmpl calendar.Event // every field but ID, times and OriginalStart
}

// Parse reads an iCalendar stream (RFC 5545): one or more VCALENDARs.
// VTODO, VJOURNAL and other components are ignored. A VEVENT that cannot be
// used (no DTSTART, an unreadable date) is skipped with a warning, and a
// malformed content line is skipped; Parse fails only on input that holds no
// calendar or that ends inside one.
func Parse(r io.Reader, o ParseOptions) (*Calendar, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	return parse(data, o)
}

func parse(data []byte, o ParseOptions) (*Calendar, error) {
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.MaxInstances <= 0 {
		o.MaxInstances = DefaultMaxInstances
	}
	if o.MaxSeriesInstances <= 0 {
		o.MaxSeriesInstances = DefaultMaxSeriesInstances
	}
	cals, stats, err := decode(data)
	if err != nil {
		return nil, err
	}
	if stats.malformed > 0 || stats.strayEnds > 0 {
		o.Log.Warn("skipped malformed lines in calendar", "lines", stats.malformed, "first", stats.example, "stray_ends", stats.strayEnds)
	}
	if stats.tooDeep > 0 {
		o.Log.Warn("skipping calendar components nested too deep", "components", stats.tooDeep, "uid", stats.deepUID, "max_depth", maxDepth)
	}
	p := parser{
		self:  make(map[string]bool, len(o.Self)),
		log:   o.Log,
		iana:  map[string]*time.Location{},
		warn:  map[string]bool{},
		float: &zone{loc: o.Location},
	}
	for _, a := range o.Self {
		p.self[strings.ToLower(strings.TrimSpace(a))] = true
	}
	c := &Calendar{log: o.Log, maxInstances: o.MaxInstances, maxSeries: min(o.MaxSeriesInstances, o.MaxInstances)}
	byUID := map[string]*series{}
	skipped := 0
	for _, cal := range cals {
		zs := &zones{floating: p.float, defs: map[string]*ical.Component{}, log: o.Log,
			cache: map[string]*zone{}, iana: p.iana, warned: p.warn}
		for _, child := range cal.Children {
			if child.Name == ical.CompTimezone {
				if id := child.Props.Get(ical.PropTimezoneID); id != nil {
					zs.defs[strings.TrimSpace(unescapeText(id.Value))] = child
				}
			}
		}
		for _, child := range cal.Children {
			if child.Name != ical.CompEvent {
				continue
			}
			ev, err := p.vevent(child, zs)
			if err != nil {
				skipped++
				o.Log.Warn("skipping unusable calendar event", "uid", ev.uid, "err", err)
				continue
			}
			s := byUID[ev.uid]
			if s == nil {
				s = &series{uid: ev.uid}
				byUID[ev.uid] = s
				c.series = append(c.series, s)
			}
			s.add(ev)
		}
	}
	for _, s := range c.series {
		s.resolveOverrides()
	}
	return c, nil
}

// add files ev under its series. Of two masters, the one with the higher
// SEQUENCE wins (RFC 5546 section 2.1.5), then the later one in the file;
// resolveOverrides does the same for overrides.
func (s *series) add(ev *vevent) {
	if ev.recurID != nil {
		s.overrides = append(s.overrides, ev)
	} else if s.master == nil || ev.sequence >= s.master.sequence {
		s.master = ev
	}
}

// resolveOverrides works out each override's original start. A
// RECURRENCE-ID is matched to instances by instant (RFC 5545 section
// 3.8.4.4); a DATE one on a timed series means that day at the series'
// time of day.
func (s *series) resolveOverrides() {
	m := s.master
	kept := s.overrides[:0]
	index := make(map[int64]int, len(s.overrides)) // original start -> position in kept
	for _, o := range s.overrides {
		id := o.recurID
		switch {
		case id.utc:
			o.original = id.civil
		case id.date && m != nil && !m.allDay:
			h, mi, sec := m.civil.Clock()
			o.original = m.zone.instant(id.civil.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second))
		case id.date:
			o.original = id.civil
		default:
			z := o.recurAt
			switch {
			case z != nil:
			case m != nil:
				z = m.zone
			default:
				z = o.zone // the override's own DTSTART zone, or UTC
			}
			o.original = z.instant(id.civil)
		}
		if !o.hasStart {
			o.start = o.original
			o.allDay = id.date
			if m != nil {
				o.duration = m.duration
				o.tmpl.TimeZone = m.tmpl.TimeZone
			}
			o.tmpl.AllDay = o.allDay
		}
		// Two overrides of one instance, perhaps written in two zones.
		if i, ok := index[o.original.Unix()]; ok {
			if o.sequence >= kept[i].sequence {
				kept[i] = o
			}
			continue
		}
		index[o.original.Unix()] = len(kept)
		kept = append(kept, o)
	}
	s.overrides = kept
}

// parser holds what all VCALENDARs of one parse share.
type parser struct {
	self  map[string]bool
	log   *slog.Logger
	iana  map[string]*time.Location
	warn  map[string]bool
	float *zone
}

// vevent converts one VEVENT. The returned vevent carries the UID even on
// error, for the log.
func (p *parser) vevent(c *ical.Component, zs *zones) (*vevent, error) {
	ev := &vevent{uid: strings.TrimSpace(text(c, ical.PropUID))}
	if ev.uid == "" {
		// RFC 5545 requires a UID; make up one that stays the same as long
		// as the event does, so that it is not "deleted" at every poll.
		h := sha256.New()
		for _, name := range []string{ical.PropDateTimeStart, ical.PropSummary, ical.PropRecurrenceRule, ical.PropLocation} {
			if prop := c.Props.Get(name); prop != nil {
				h.Write([]byte(prop.Value))
			}
			h.Write([]byte{0})
		}
		ev.uid = "nouid-" + hex.EncodeToString(h.Sum(nil)[:8])
	}
	if prop := c.Props.Get(ical.PropSequence); prop != nil {
		ev.sequence, _ = strconv.Atoi(strings.TrimSpace(prop.Value))
	}

	if prop := c.Props.Get(ical.PropRecurrenceID); prop != nil {
		id, z, err := p.dateTimeProp(prop, zs, nil)
		if err != nil {
			return ev, fmt.Errorf("RECURRENCE-ID: %w", err)
		}
		ev.recurID = &id
		if prop.Params.Get(ical.ParamTimezoneID) != "" {
			ev.recurAt = z
		} // else floating: the series' zone, once it is known
		// RANGE=THISANDFUTURE (RFC 5545 section 3.2.13) is treated as an
		// override of this one instance: Google and Microsoft split a
		// series into two UIDs instead, so feeds hardly ever carry it.
	}

	startProp := c.Props.Get(ical.PropDateTimeStart)
	if startProp == nil {
		if ev.recurID == nil {
			return ev, errors.New("no DTSTART")
		}
	} else {
		start, z, err := p.dateTimeProp(startProp, zs, nil)
		if err != nil {
			return ev, fmt.Errorf("DTSTART: %w", err)
		}
		ev.hasStart, ev.civil, ev.allDay = true, start.civil, start.date
		ev.zone = z
		ev.start = z.instant(start.civil)
		if err := p.duration(ev, c, zs); err != nil {
			return ev, err
		}
	}
	if ev.zone == nil {
		ev.zone = utcZone
	}

	if ev.hasStart && ev.recurID == nil {
		if err := p.recurrence(ev, c, zs); err != nil {
			return ev, err
		}
	}
	ev.tmpl = p.fields(c)
	ev.tmpl.AllDay = ev.allDay
	ev.tmpl.TimeZone = ev.zone.name
	return ev, nil
}

// dateTimeProp reads a DATE or DATE-TIME property and the zone it is in:
// UTC for Z times and dates (all-day events are pinned to UTC midnight, as
// calendar.Event wants), the TZID's zone, or for a floating time the zone
// of series (when given: a floating EXDATE belongs with its DTSTART) or
// the default.
func (p *parser) dateTimeProp(prop *ical.Prop, zs *zones, series *zone) (dateTime, *zone, error) {
	v := prop.Value
	if strings.EqualFold(prop.Params.Get(ical.ParamValue), string(ical.ValueDate)) && len(v) > 8 {
		v = v[:8] // VALUE=DATE with a time after it: keep the date
	}
	d, err := parseDateTime(v)
	if err != nil {
		return d, nil, err
	}
	return d, p.zoneOf(d, prop, zs, series), nil
}

func (p *parser) zoneOf(d dateTime, prop *ical.Prop, zs *zones, series *zone) *zone {
	switch {
	case d.date || d.utc:
		return utcZone
	case prop.Params.Get(ical.ParamTimezoneID) != "":
		// Outlook's display-name TZIDs hold commas; unquoted, they arrive
		// as several values.
		return zs.lookup(strings.Join(prop.Params.Values(ical.ParamTimezoneID), ","))
	case series != nil:
		return series
	}
	return zs.floating
}

// duration fills ev.duration from DTEND or DURATION (RFC 5545 section
// 3.6.1): without either, a timed event ends when it starts and an all-day
// one lasts its day. All-day events last whole days.
func (p *parser) duration(ev *vevent, c *ical.Component, zs *zones) error {
	const day = 24 * time.Hour
	if prop := c.Props.Get(ical.PropDateTimeEnd); prop != nil {
		end, z, err := p.dateTimeProp(prop, zs, ev.zone)
		if err != nil {
			return fmt.Errorf("DTEND: %w", err)
		}
		if ev.allDay {
			y, m, d := end.civil.Date()
			ev.duration = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(ev.civil)
		} else {
			ev.duration = z.instant(end.civil).Sub(ev.start)
		}
	} else if prop := c.Props.Get(ical.PropDuration); prop != nil {
		d, err := prop.Duration()
		if err != nil {
			return fmt.Errorf("DURATION: %w", err)
		}
		ev.duration = d
		if ev.allDay {
			ev.duration = (d + day - 1) / day * day
		}
	}
	ev.duration = max(ev.duration, 0)
	if ev.allDay && ev.duration < day {
		ev.duration = day
	}
	return nil
}

// recurrence reads RRULE, RDATE and EXDATE. An unusable RRULE leaves the
// series with DTSTART and its RDATEs, and a warning: better one instance
// than none.
func (p *parser) recurrence(ev *vevent, c *ical.Component, zs *zones) error {
	rules := c.Props.Values(ical.PropRecurrenceRule)
	if len(rules) > 0 {
		ev.recurring = true
		rule, err := parseRecurrence(rules[0].Value)
		if err != nil {
			p.log.Warn("ignoring unusable RRULE; listing the first instance only", "uid", ev.uid, "err", err)
		}
		ev.rule = rule
		if len(rules) > 1 {
			p.log.Warn("event has several RRULEs (deprecated by RFC 5545); using the first", "uid", ev.uid)
		}
	}
	for _, prop := range c.Props.Values(ical.PropRecurrenceDates) {
		period := strings.EqualFold(prop.Params.Get(ical.ParamValue), string(ical.ValuePeriod))
		for v := range strings.SplitSeq(prop.Value, ",") {
			start, end, _ := strings.Cut(v, "/")
			if !period {
				end = ""
			}
			r, err := p.rdate(ev, &prop, zs, start, end)
			if err != nil {
				p.log.Warn("ignoring unreadable RDATE", "uid", ev.uid, "err", err)
				continue
			}
			ev.recurring = true
			ev.rdates = append(ev.rdates, r)
		}
	}
	for _, prop := range c.Props.Values(ical.PropExceptionDates) {
		for v := range strings.SplitSeq(prop.Value, ",") {
			one := ical.Prop{Name: prop.Name, Params: prop.Params, Value: v}
			d, z, err := p.dateTimeProp(&one, zs, ev.zone)
			if err != nil {
				p.log.Warn("ignoring unreadable EXDATE", "uid", ev.uid, "err", err)
				continue
			}
			switch {
			case d.date || ev.allDay:
				// A day: it removes the instance that starts that day, in
				// the series' zone. An all-day series compares days even
				// for a date-time EXDATE.
				if !d.date {
					d.civil = ev.zone.civil(z.instant(d.civil)).Truncate(24 * time.Hour)
				}
				if ev.exdays == nil {
					ev.exdays = map[time.Time]bool{}
				}
				ev.exdays[d.civil] = true
			default:
				if ev.exdates == nil {
					ev.exdates = map[int64]bool{}
				}
				ev.exdates[z.instant(d.civil).Unix()] = true
			}
		}
	}
	return nil
}

// rdate reads one RDATE value: a date-time, a date (that day at DTSTART's
// time of day, for a timed series), or a PERIOD's start and its end or
// duration.
func (p *parser) rdate(ev *vevent, prop *ical.Prop, zs *zones, start, end string) (rdate, error) {
	one := ical.Prop{Name: prop.Name, Params: prop.Params, Value: start}
	d, z, err := p.dateTimeProp(&one, zs, ev.zone)
	if err != nil {
		return rdate{}, err
	}
	var r rdate
	switch {
	case d.date && !ev.allDay:
		h, m, s := ev.civil.Clock()
		r.start = ev.zone.instant(d.civil.Add(time.Duration(h*3600+m*60+s) * time.Second))
	case !d.date && ev.allDay:
		r.start = ev.zone.civil(z.instant(d.civil)).Truncate(24 * time.Hour)
	default:
		r.start = z.instant(d.civil)
	}
	if end == "" {
		return r, nil
	}
	if strings.HasPrefix(end, "P") || strings.HasPrefix(end, "+") || strings.HasPrefix(end, "-") {
		dur, err := (&ical.Prop{Value: end}).Duration()
		if err != nil {
			return rdate{}, err
		}
		r.end = r.start.Add(max(dur, 0))
		return r, nil
	}
	endProp := ical.Prop{Name: prop.Name, Params: one.Params, Value: end}
	e, ez, err := p.dateTimeProp(&endProp, zs, ev.zone)
	if err != nil {
		return rdate{}, err
	}
	if r.end = ez.instant(e.civil); r.end.Before(r.start) {
		r.end = r.start
	}
	return r, nil
}

// fields maps the descriptive properties of a VEVENT.
func (p *parser) fields(c *ical.Component) calendar.Event {
	ev := calendar.Event{
		Status:      calendar.StatusConfirmed,
		Type:        calendar.TypeDefault,
		Title:       text(c, ical.PropSummary),
		Description: text(c, ical.PropDescription),
		Location:    text(c, ical.PropLocation),
		HTMLLink:    httpURL(uri(c, ical.PropURL)),
	}
	if ev.Description == "" {
		// Outlook puts the HTML body here and may leave DESCRIPTION out.
		ev.Description = text(c, "X-ALT-DESC")
	}
	switch strings.ToUpper(strings.TrimSpace(text(c, ical.PropStatus))) {
	case "TENTATIVE":
		ev.Status = calendar.StatusTentative
	case "CANCELLED":
		ev.Status = calendar.StatusCancelled
	}
	if strings.EqualFold(strings.TrimSpace(text(c, "X-MICROSOFT-CDO-BUSYSTATUS")), "OOF") {
		ev.Type = calendar.TypeOutOfOffice
	}
	ev.ConferenceURL = conferenceURL(c, ev.Location)
	if prop := c.Props.Get(ical.PropLastModified); prop != nil {
		if d, err := parseDateTime(prop.Value); err == nil && !d.date {
			ev.Updated = d.civil // RFC 5545 requires UTC here
		}
	}
	if prop := c.Props.Get(ical.PropOrganizer); prop != nil {
		email, name := address(prop)
		ev.Organizer = calendar.Person{Email: email, Name: name, Self: p.isSelf(email)}
	}
	for _, prop := range c.Props.Values(ical.PropAttendee) {
		email, name := address(&prop)
		if email == "" {
			continue // a room without an address, or an urn:uuid: nobody can match
		}
		role := strings.ToUpper(prop.Params.Get(ical.ParamRole))
		cutype := strings.ToUpper(prop.Params.Get(ical.ParamCalendarUserType))
		ev.Attendees = append(ev.Attendees, calendar.Attendee{
			Email:     email,
			Name:      name,
			Self:      p.isSelf(email),
			Organizer: ev.Organizer.Email != "" && strings.EqualFold(email, ev.Organizer.Email),
			Resource:  cutype == "ROOM" || cutype == "RESOURCE",
			Optional:  role == "OPT-PARTICIPANT" || role == "NON-PARTICIPANT",
			Response:  response(prop.Params.Get(ical.ParamParticipationStatus)),
		})
	}
	for _, prop := range c.Props.Values(ical.PropAttach) {
		if strings.EqualFold(prop.Params.Get(ical.ParamValue), string(ical.ValueBinary)) {
			continue
		}
		u := httpURL(strings.TrimSpace(prop.Value))
		if u == "" {
			continue
		}
		title := prop.Params.Get("FILENAME")
		if title == "" {
			title = prop.Params.Get("X-FILENAME")
		}
		ev.Attachments = append(ev.Attachments, calendar.Attachment{Title: title, URL: u, MimeType: prop.Params.Get(ical.ParamFormatType)})
	}
	return ev
}

func (p *parser) isSelf(email string) bool {
	return email != "" && p.self[strings.ToLower(email)]
}

// response maps PARTSTAT (RFC 5545 section 3.2.12). A delegate attends in
// the attendee's place, so DELEGATED reads as declined.
func response(partstat string) string {
	switch strings.ToUpper(partstat) {
	case "ACCEPTED":
		return calendar.ResponseAccepted
	case "DECLINED", "DELEGATED":
		return calendar.ResponseDeclined
	case "TENTATIVE":
		return calendar.ResponseTentative
	}
	return calendar.ResponseNeedsAction
}

// address reads a CAL-ADDRESS property: the e-mail address of its mailto:
// URI (RFC 6068 percent-escapes undone, case kept) or of its EMAIL parameter
// (RFC 7986), and the CN. An unquoted CN with a comma arrives as several
// values; they are joined back.
func address(prop *ical.Prop) (email, name string) {
	v := strings.TrimSpace(prop.Value)
	switch {
	case len(v) > 7 && strings.EqualFold(v[:7], "mailto:"):
		email = v[7:]
		if strings.Contains(email, "%") {
			if u, err := url.PathUnescape(email); err == nil {
				email = u
			}
		}
	case prop.Params.Get(ical.ParamEmail) != "":
		email = prop.Params.Get(ical.ParamEmail)
	case strings.Contains(v, "@") && !strings.Contains(v, ":"):
		email = v
	}
	return strings.TrimSpace(email), strings.TrimSpace(strings.Join(prop.Params.Values(ical.ParamCommonName), ","))
}

// text returns the unescaped TEXT value of the first property name.
func text(c *ical.Component, name string) string {
	if prop := c.Props.Get(name); prop != nil {
		return unescapeText(prop.Value)
	}
	return ""
}

// uri returns the value of the first property name: a URI, not escaped
// like TEXT.
func uri(c *ical.Component, name string) string {
	if prop := c.Props.Get(name); prop != nil {
		return strings.TrimSpace(prop.Value)
	}
	return ""
}

// httpURL returns s if it is an absolute http or https URL, else "".
func httpURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return s
}

// conferenceProps carry a video call link: Google's export, and Teams and
// Skype meetings from Exchange.
var conferenceProps = []string{
	"X-GOOGLE-CONFERENCE",
	"X-MICROSOFT-SKYPETEAMSMEETINGURL",
	"X-MICROSOFT-ONLINEMEETINGURL",
	"X-MICROSOFT-ONLINEMEETINGCONFLINK",
}

// conferenceURL finds the event's video call link: a conference property,
// else an https URL in the location that points to a known video service
// (calendar.VideoURL, which the tracker applies to the property too).
func conferenceURL(c *ical.Component, location string) string {
	for _, name := range conferenceProps {
		if u := httpURL(unescapeText(uri(c, name))); u != "" {
			return u
		}
	}
	for rest := location; ; {
		i := strings.Index(rest, "https://")
		if i < 0 {
			return ""
		}
		rest = rest[i:]
		end := strings.IndexAny(rest, " \t\r\n<>\"',;")
		if end < 0 {
			end = len(rest)
		}
		candidate := strings.TrimRight(rest[:end], ".)")
		rest = rest[end:]
		if calendar.VideoURL(candidate) != "" {
			return candidate
		}
	}
}
