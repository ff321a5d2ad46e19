package ics

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/leadup/leadup/daemon/calendar"
)

// Bounds on what one event keeps. A feed is bounded only by its size
// (Options.MaxBytes, 32 MiB by default), and within that one event may list
// hundreds of thousands of attendees or dates. What an event keeps stays in
// memory as long as the feed is cached, and its attendees are copied into
// every instance Expand lists. Past a bound the rest is left out, with one
// warning per parse for each kind.
const (
	// maxAttendees bounds the attendees of one event: far more than any
	// meeting a brief or a follow-up is written for. The first are kept,
	// and the user's own entry wherever it comes (up to as many again), as
	// the meeting's classification reads its answer.
	maxAttendees = 1000
	// maxDateProps bounds the RDATE and the EXDATE lines of one event, each
	// (the first are kept), and maxDates the dates kept of all of them, each
	// (the latest: the window only moves forward). A daily series over ten
	// years has 3,650 instances.
	maxDateProps = 10_000
	maxDates     = 10_000
	// maxSameProps bounds any other property of one event, of which parse
	// reads at most the first few (ATTACH, CATEGORIES…), and the
	// components inside one (VALARMs, not read at all), or inside a
	// VTIMEZONE (its STANDARD and DAYLIGHT parts).
	maxSameProps = 1000
	// maxOverrides bounds the changed instances (RECURRENCE-ID) of one
	// series; the latest are kept.
	maxOverrides = 10_000
	// maxZoneOnsets bounds the VTIMEZONE transitions one parse works out:
	// about 400 zones of two centuries of DST, at 0.5 ms and 6 kB kept
	// each (and 0.8 MB of garbage). A zone past it falls back to the
	// default zone.
	maxZoneOnsets = 100_000
	// maxTextBytes bounds the title, location, names and attachment titles
	// an event keeps. calendar.Sanitize keeps 300 runes of each, after
	// dropping hidden characters and collapsing white space; this leaves
	// room for plenty of both. Descriptions are cut where Sanitize cuts
	// them, at calendar.MaxDescriptionBytes. Neither cut changes what
	// Sanitize returns for any text but one padded with kilobytes of
	// spaces, so they are not warned about.
	maxTextBytes = 4 << 10
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
	trimmed   bool // overrides were left out past maxOverrides
}

// vevent is the part of a VEVENT that Expand needs. A feed may hold
// 150,000 of them, all kept while the feed is cached: what only overrides
// need is behind a pointer, and the flags are packed together.
type vevent struct {
	uid      string
	start    time.Time     // DTSTART, an instant
	civil    time.Time     // DTSTART as a civil time in zone
	zone     *zone         // of DTSTART; UTC for dates and Z times
	duration time.Duration // DTEND-DTSTART or DURATION, never negative

	rec  *recurSet // never nil: noRecurrence for an event without
	over *override // nil but for an override

	info details

	sequence  int32
	hasStart  bool // an override may leave DTSTART out
	allDay    bool // DTSTART is a DATE
	recurring bool // has RRULE or RDATE
}

// recurSet is the recurrence of a VEVENT with RRULE, RDATE or EXDATE.
type recurSet struct {
	rule    *recurrence // nil without a usable RRULE
	rdates  []rdate
	exdates map[int64]bool     // excluded instants, Unix seconds
	exdays  map[time.Time]bool // excluded days (EXDATE;VALUE=DATE), civil midnight
}

// noRecurrence is the recurSet of every event without one. It is never
// written to.
var noRecurrence = &recurSet{}

// override is what a VEVENT with a RECURRENCE-ID, which overrides one
// instance of its series, has besides.
type override struct {
	id dateTime // RECURRENCE-ID
	at *zone    // the zone of its TZID, nil if none
	// original is the overridden instance's start, an instant, worked out
	// once the whole series is known.
	original time.Time
}

// details is what a VEVENT says besides its times: the fields of
// calendar.Event that are the same in every instance. It leaves out the
// 130 bytes of those that are not (ID, times, AllDay, TimeZone), which for
// a feed of 150,000 events is 20 MB kept in the cache for nothing.
type details struct {
	title, description, location string
	conferenceURL, htmlLink      string
	organizer                    calendar.Person
	attendees                    []calendar.Attendee
	attachments                  []calendar.Attachment
	updated                      int64 // Unix seconds; 0 for none (or 1970)
	status, typ                  uint8 // indexes into statuses and types
}

// statuses and types are the values of calendar.Event's Status and Type
// that details keeps as an index.
var (
	statuses = []string{calendar.StatusConfirmed, calendar.StatusTentative, calendar.StatusCancelled}
	types    = []string{calendar.TypeDefault, calendar.TypeOutOfOffice}
)

// statusName returns the event's calendar.Event.Status.
func (d *details) statusName() string { return statuses[d.status] }

// detailsOf keeps the fields of ev that details holds.
func detailsOf(ev calendar.Event) details {
	d := details{
		status: uint8(max(slices.Index(statuses, ev.Status), 0)), typ: uint8(max(slices.Index(types, ev.Type), 0)),
		title: ev.Title, description: ev.Description, location: ev.Location,
		conferenceURL: ev.ConferenceURL, htmlLink: ev.HTMLLink,
		organizer: ev.Organizer, attendees: slices.Clip(ev.Attendees), attachments: slices.Clip(ev.Attachments),
	}
	if !ev.Updated.IsZero() {
		d.updated = ev.Updated.Unix()
	}
	return d
}

// updatedTime returns calendar.Event.Updated.
func (d *details) updatedTime() time.Time {
	if d.updated == 0 {
		return time.Time{}
	}
	return time.Unix(d.updated, 0).UTC()
}

// Parse reads an iCalendar stream (RFC 5545): one or more VCALENDARs.
// VTODO, VJOURNAL and other components are ignored. A VEVENT that cannot be
// used (no DTSTART, an unreadable date) is skipped with a warning, and a
// malformed content line is skipped; Parse fails only on input that holds no
// calendar or that ends inside one. What one event keeps is bounded (see
// maxAttendees and the constants after it), so that the Calendar of a feed
// at the size cap stays a fraction of the feed's size.
func Parse(r io.Reader, o ParseOptions) (*Calendar, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	return parse(data, o)
}

// parse is Parse of a feed already in memory. It reads data twice and
// never holds the whole feed as a tree of components: the first pass notes
// where each VTIMEZONE is (they may come after the events that use them,
// and a zone is read only when an event uses it), the second converts one
// VEVENT at a time. Peak memory is the feed, the Calendar and one event.
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
	// The first pass also checks every line, for the stats.
	defs := map[int]map[string][]byte{} // by VCALENDAR, by TZID
	stats, err := decode(data, decodeOptions{build: isTimezone, count: true, limit: limitTimezone}, func(cal int, c *ical.Component, raw []byte) {
		if id := c.Props.Get(ical.PropTimezoneID); id != nil {
			if defs[cal] == nil {
				defs[cal] = map[string][]byte{}
			}
			defs[cal][strings.TrimSpace(unescapeText(id.Value))] = raw
		}
	})
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
		self:     make(map[string]bool, len(o.Self)),
		warns:    &warnings{log: o.Log},
		iana:     map[string]*time.Location{},
		warned:   map[string]bool{},
		float:    &zone{loc: o.Location},
		onsetsOK: maxZoneOnsets,
	}
	defer p.warns.flush()
	for _, a := range o.Self {
		p.self[strings.ToLower(strings.TrimSpace(a))] = true
	}
	c := &Calendar{log: o.Log, maxInstances: o.MaxInstances, maxSeries: min(o.MaxSeriesInstances, o.MaxInstances)}
	byUID := map[string]*series{}
	var (
		zs  *zones
		cur = -1
	)
	events := decodeOptions{build: isEvent, limit: limitEvent, keep: func(prop ical.Prop) bool {
		// The user's own entry tells whether they accepted.
		email, _ := address(&prop)
		return prop.Name == ical.PropAttendee && p.isSelf(email)
	}}
	zoneStats := stats
	stats, err = decode(data, events, func(cal int, child *ical.Component, _ []byte) {
		if cal != cur || zs == nil {
			cur = cal
			zs = &zones{floating: p.float, defs: defs[cal], warns: p.warns,
				cache: map[string]*zone{}, iana: p.iana, warned: p.warned, onsetsOK: &p.onsetsOK}
		}
		ev, err := p.vevent(child, zs)
		if err != nil {
			p.warns.add("skipping unusable calendar event", "uid", clip(ev.uid), "err", err)
			return
		}
		s := byUID[ev.uid]
		if s == nil {
			s = &series{uid: ev.uid}
			byUID[ev.uid] = s
			c.series = append(c.series, s)
		}
		p.add(s, ev)
	})
	if err != nil {
		return nil, err // the first pass read the same data
	}
	if cut := zoneStats.cut + stats.cut; cut > 0 {
		first := stats
		if zoneStats.cut > 0 {
			first = zoneStats
		}
		p.warns.add("calendar components have more properties than are kept; keeping the first", "components", cut,
			"uid", first.cutUID, "property", first.cutName, "max_attendees", maxAttendees, "max_dates", maxDateProps, "max_other", maxSameProps)
	}
	cut, cutUID := 0, ""
	for _, s := range c.series {
		s.trimOverrides()
		if s.trimmed {
			if cut++; cut == 1 {
				cutUID = clip(s.uid)
			}
		}
		s.resolveOverrides()
	}
	if cut > 0 {
		p.warns.add("recurring events have more changed instances than are kept; keeping the latest", "series", cut,
			"uid", cutUID, "max_overrides", maxOverrides)
	}
	return c, nil
}

// isTimezone chooses what the first pass of parse builds.
func isTimezone(name string) bool { return name == ical.CompTimezone }

// isEvent chooses what the second pass of parse builds.
func isEvent(name string) bool { return name == ical.CompEvent }

// limitEvent is decodeOptions.limit for VEVENTs: what one keeps of each
// property (parse reads only the first of most) and of its components
// (none are read).
func limitEvent(name string) int {
	switch name {
	case ical.PropAttendee:
		return maxAttendees
	case ical.PropRecurrenceDates, ical.PropExceptionDates:
		return maxDateProps
	}
	return maxSameProps
}

// limitTimezone is decodeOptions.limit for a VTIMEZONE: its STANDARD and
// DAYLIGHT parts and their properties.
func limitTimezone(string) int { return maxSameProps }

// add files ev under its series. Of two masters, the one with the higher
// SEQUENCE wins (RFC 5546 section 2.1.5), then the later one in the file;
// resolveOverrides does the same for overrides. A series keeps at most
// maxOverrides overrides, the latest by RECURRENCE-ID, trimmed as they come
// so that memory stays bounded while the rest stream past.
func (p *parser) add(s *series, ev *vevent) {
	if ev.over == nil {
		if s.master == nil || ev.sequence >= s.master.sequence {
			s.master = ev
		}
		return
	}
	s.overrides = append(s.overrides, ev)
	if len(s.overrides) >= 2*maxOverrides {
		s.trimOverrides()
	}
}

// trimOverrides keeps the maxOverrides latest overrides by RECURRENCE-ID,
// in the order they came, and counts the series for the warning. The
// window only moves forward: the earliest are the first not to matter.
func (s *series) trimOverrides() {
	if len(s.overrides) <= maxOverrides {
		return
	}
	ids := make([]time.Time, len(s.overrides))
	for i, o := range s.overrides {
		ids[i] = o.over.id.civil
	}
	slices.SortFunc(ids, time.Time.Compare)
	cutoff := ids[len(ids)-maxOverrides]
	// Ties at the cutoff may keep a few more than maxOverrides; the next
	// trim takes them.
	kept := s.overrides[:0]
	for _, o := range s.overrides {
		if !o.over.id.civil.Before(cutoff) {
			kept = append(kept, o)
		}
	}
	clear(s.overrides[len(kept):])
	s.overrides = kept
	s.trimmed = true
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
		id := &o.over.id
		switch {
		case id.utc:
			o.over.original = id.civil
		case id.date && m != nil && !m.allDay:
			h, mi, sec := m.civil.Clock()
			o.over.original = m.zone.instant(id.civil.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second))
		case id.date:
			o.over.original = id.civil
		default:
			z := o.over.at
			switch {
			case z != nil:
			case m != nil:
				z = m.zone
			default:
				z = o.zone // the override's own DTSTART zone, or UTC
			}
			o.over.original = z.instant(id.civil)
		}
		if !o.hasStart {
			o.start = o.over.original
			o.allDay = id.date
			if m != nil {
				o.duration = m.duration
				o.zone = m.zone // for its TimeZone
			}
		}
		// Two overrides of one instance, perhaps written in two zones.
		if i, ok := index[o.over.original.Unix()]; ok {
			if o.sequence >= kept[i].sequence {
				kept[i] = o
			}
			continue
		}
		index[o.over.original.Unix()] = len(kept)
		kept = append(kept, o)
	}
	s.overrides = kept
}

// parser holds what all VCALENDARs of one parse share.
type parser struct {
	self     map[string]bool
	warns    *warnings
	iana     map[string]*time.Location
	warned   map[string]bool // unknown TZIDs already reported
	float    *zone
	onsetsOK int // VTIMEZONE transitions this parse may still work out
}

// warnings gathers the warnings of one parse, so that a feed with a
// million bad events or dates does not log a million lines: the first
// maxEachWarning of each kind are logged as they happen, and flush logs one
// more line for the rest, with the first of them and how many there were.
type warnings struct {
	log     *slog.Logger
	order   []string
	unsaid  map[string]*warning
	counted map[string]int
}

// maxEachWarning bounds the lines logged for one kind of warning in one
// parse, before the summary.
const maxEachWarning = 10

// warning is the first of the occurrences of one kind not logged, and how
// many there were.
type warning struct {
	args []any
	n    int
}

// add logs the warning msg, or counts it past maxEachWarning.
func (w *warnings) add(msg string, args ...any) {
	if w.counted == nil {
		w.counted, w.unsaid = map[string]int{}, map[string]*warning{}
	}
	if w.counted[msg]++; w.counted[msg] <= maxEachWarning {
		w.log.Warn(msg, args...)
		return
	}
	if x := w.unsaid[msg]; x != nil {
		x.n++
		return
	}
	w.unsaid[msg] = &warning{args: args, n: 1}
	w.order = append(w.order, msg)
}

// flush logs one line for each kind of warning with occurrences not
// logged: the first of them, and in "more" how many there were.
func (w *warnings) flush() {
	for _, msg := range w.order {
		x := w.unsaid[msg]
		w.log.Warn(msg, append(slices.Clip(x.args), "more", x.n)...)
	}
	w.order, w.unsaid, w.counted = nil, nil, nil
}

// vevent converts one VEVENT. The returned vevent carries the UID even on
// error, for the log.
func (p *parser) vevent(c *ical.Component, zs *zones) (*vevent, error) {
	ev := &vevent{uid: strings.TrimSpace(text(c, ical.PropUID)), rec: noRecurrence}
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
		n, _ := strconv.ParseInt(strings.TrimSpace(prop.Value), 10, 32)
		ev.sequence = int32(n)
	}

	if prop := c.Props.Get(ical.PropRecurrenceID); prop != nil {
		id, z, err := p.dateTimeProp(prop, zs, nil)
		if err != nil {
			return ev, fmt.Errorf("RECURRENCE-ID: %w", err)
		}
		ev.over = &override{id: id}
		if prop.Params.Get(ical.ParamTimezoneID) != "" {
			ev.over.at = z
		} // else floating: the series' zone, once it is known
		// RANGE=THISANDFUTURE (RFC 5545 section 3.2.13) is treated as an
		// override of this one instance: Google and Microsoft split a
		// series into two UIDs instead, so feeds hardly ever carry it.
	}

	startProp := c.Props.Get(ical.PropDateTimeStart)
	if startProp == nil {
		if ev.over == nil {
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

	if ev.hasStart && ev.over == nil {
		if err := p.recurrence(ev, c, zs); err != nil {
			return ev, err
		}
	}
	ev.info = detailsOf(p.fields(c))
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
	ev.rec = &recurSet{}
	defer func() {
		if r := ev.rec; r.rule == nil && r.rdates == nil && r.exdates == nil && r.exdays == nil {
			ev.rec = noRecurrence
		}
	}()
	rules := c.Props.Values(ical.PropRecurrenceRule)
	if len(rules) > 0 {
		ev.recurring = true
		rule, err := parseRecurrence(rules[0].Value)
		if err != nil {
			p.warns.add("ignoring unusable RRULE; listing the first instance only", "uid", clip(ev.uid), "err", err)
		}
		ev.rec.rule = rule
		if len(rules) > 1 {
			p.warns.add("event has several RRULEs (deprecated by RFC 5545); using the first", "uid", clip(ev.uid))
		}
	}
	rdates := latest[rdate]{n: maxDates, cmp: func(a, b rdate) int { return a.start.Compare(b.start) }}
	for _, prop := range c.Props.Values(ical.PropRecurrenceDates) {
		period := strings.EqualFold(prop.Params.Get(ical.ParamValue), string(ical.ValuePeriod))
		for v := range strings.SplitSeq(prop.Value, ",") {
			start, end, _ := strings.Cut(v, "/")
			if !period {
				end = ""
			}
			r, err := p.rdate(ev, &prop, zs, start, end)
			if err != nil {
				p.warns.add("ignoring unreadable RDATE", "uid", clip(ev.uid), "err", err)
				continue
			}
			ev.recurring = true
			rdates.add(r)
		}
	}
	ev.rec.rdates = rdates.list()
	// EXDATEs are kept as instants or days; of each, the latest maxDates.
	exdates := latest[int64]{n: maxDates, cmp: cmp.Compare[int64]}
	exdays := latest[time.Time]{n: maxDates, cmp: time.Time.Compare}
	for _, prop := range c.Props.Values(ical.PropExceptionDates) {
		for v := range strings.SplitSeq(prop.Value, ",") {
			one := ical.Prop{Name: prop.Name, Params: prop.Params, Value: v}
			d, z, err := p.dateTimeProp(&one, zs, ev.zone)
			if err != nil {
				p.warns.add("ignoring unreadable EXDATE", "uid", clip(ev.uid), "err", err)
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
				exdays.add(d.civil)
			default:
				exdates.add(z.instant(d.civil).Unix())
			}
		}
	}
	if l := exdays.list(); len(l) > 0 {
		ev.rec.exdays = make(map[time.Time]bool, len(l))
		for _, d := range l {
			ev.rec.exdays[d] = true
		}
	}
	if l := exdates.list(); len(l) > 0 {
		ev.rec.exdates = make(map[int64]bool, len(l))
		for _, t := range l {
			ev.rec.exdates[t] = true
		}
	}
	if rdates.dropped+exdates.dropped+exdays.dropped > 0 {
		p.warns.add("recurring events have more RDATEs or EXDATEs than are kept; keeping the latest", "uid", clip(ev.uid),
			"rdates_dropped", rdates.dropped, "exdates_dropped", exdates.dropped+exdays.dropped, "max_dates", maxDates)
	}
	return nil
}

// latest keeps the n greatest of the values added to it, by cmp, in
// memory proportional to n however many are added: for dates, the latest,
// as the window only moves forward.
type latest[T any] struct {
	n       int
	cmp     func(a, b T) int
	items   []T
	dropped int
}

// add adds v, trimming the list once it holds twice what it keeps.
func (l *latest[T]) add(v T) {
	l.items = append(l.items, v)
	if len(l.items) >= 2*l.n {
		l.trim()
	}
}

// trim drops all but the n greatest values.
func (l *latest[T]) trim() {
	if len(l.items) <= l.n {
		return
	}
	slices.SortStableFunc(l.items, l.cmp)
	drop := len(l.items) - l.n
	l.dropped += drop
	l.items = append(l.items[:0], l.items[drop:]...)
}

// list returns the values kept.
func (l *latest[T]) list() []T {
	l.trim()
	return slices.Clip(l.items)
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
		Title:       textMax(c, ical.PropSummary, maxTextBytes),
		Description: textMax(c, ical.PropDescription, calendar.MaxDescriptionBytes),
		Location:    textMax(c, ical.PropLocation, maxTextBytes),
		HTMLLink:    httpURL(uri(c, ical.PropURL)),
	}
	if ev.Description == "" {
		// Outlook puts the HTML body here and may leave DESCRIPTION out.
		ev.Description = textMax(c, "X-ALT-DESC", calendar.MaxDescriptionBytes)
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
		title = clipClone(title, maxTextBytes)
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
	return clipClone(strings.TrimSpace(email), maxTextBytes), clipClone(strings.TrimSpace(strings.Join(prop.Params.Values(ical.ParamCommonName), ",")), maxTextBytes)
}

// clipClone cuts s to at most n bytes, at a rune boundary, and copies what
// it cut: a short string must not hold a long line in memory.
func clipClone(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.Clone(clipBytes(s, n))
}

// text returns the unescaped TEXT value of the first property name.
func text(c *ical.Component, name string) string {
	if prop := c.Props.Get(name); prop != nil {
		return unescapeText(prop.Value)
	}
	return ""
}

// textMax is text cut to at most n bytes, at a rune boundary: only the
// part kept is unescaped, and it is copied out of a longer line.
func textMax(c *ical.Component, name string, n int) string {
	prop := c.Props.Get(name)
	if prop == nil {
		return ""
	}
	v := prop.Value
	if len(v) > n {
		// An escape is two bytes for one: 2n escaped bytes give n or more,
		// and half an escape cut off at the end lands past the n kept.
		return clipClone(unescapeText(clipBytes(v, 2*n)), n)
	}
	return unescapeText(v)
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
	if len(s) < len("http://x") || !strings.EqualFold(s[:4], "http") {
		return "" // without parsing: most events have none of these
	}
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
