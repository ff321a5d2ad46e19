package ics

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	ical "github.com/emersion/go-ical"
)

// Times inside this package are either instants or civil times: a wall
// clock reading ("09:30 on 3 November") held in a time.Time whose location
// is UTC. Recurrence arithmetic works on civil times, where days are always
// 24 hours, and a zone turns them into instants at the end. That keeps a
// weekly 09:30 meeting at 09:30 across DST, and lets a zone come from a
// VTIMEZONE as easily as from the IANA database.

// zone is the time zone of DATE-TIME values.
type zone struct {
	loc  *time.Location // IANA zone, Options.Location or UTC; nil for vtz
	vtz  *vtimezone
	name string // IANA name for calendar.Event.TimeZone; "" if it has none
}

var utcZone = &zone{loc: time.UTC}

// offset returns the zone's offset from UTC, in seconds, at instant t.
func (z *zone) offset(t time.Time) int {
	if z.vtz != nil {
		return z.vtz.offset(t.Unix())
	}
	_, off := t.In(z.loc).Zone()
	return off
}

// civil returns the wall clock reading of instant t in z.
func (z *zone) civil(t time.Time) time.Time {
	return t.UTC().Add(time.Duration(z.offset(t)) * time.Second)
}

// instant returns the instant at which z's clocks read c, by the rules of
// RFC 5545 section 3.3.5: a reading that occurs twice (clocks going back)
// is its first occurrence, and one that never occurs (clocks going forward)
// is taken with the offset from before the gap, so 02:30 on the
// spring-forward day in New York is 03:30 EDT. time.Date leaves both cases
// unspecified, and in fact answers 01:30 EST for the gap.
func (z *zone) instant(c time.Time) time.Time {
	if z.loc == time.UTC {
		return c
	}
	// The instant lies within 14 hours of c read as UTC; the offsets in
	// force 30 hours either side are those before and after any transition
	// near it.
	before := z.offset(c.Add(-30 * time.Hour))
	after := z.offset(c.Add(30 * time.Hour))
	t1 := c.Add(-time.Duration(before) * time.Second)
	if before == after {
		return t1
	}
	t2 := c.Add(-time.Duration(after) * time.Second)
	ok1, ok2 := z.offset(t1) == before, z.offset(t2) == after
	switch {
	case ok1 && ok2:
		if t2.Before(t1) {
			return t2
		}
		return t1
	case ok2:
		return t2
	default: // ok1, or a gap
		return t1
	}
}

// zones resolves the TZIDs of one VCALENDAR.
type zones struct {
	floating *zone // for times without TZID or Z
	// defs holds the text of this calendar's VTIMEZONEs by TZID, as decode
	// found it: a definition is read only when an event uses it.
	defs   map[string][]byte
	cache  map[string]*zone          // resolved TZIDs of this calendar
	warned map[string]bool           // unknown TZIDs already reported
	iana   map[string]*time.Location // time.LoadLocation reads a file: once per name
	warns  *warnings
	// onsetsOK, when set, is how many VTIMEZONE transitions the parse may
	// still work out; it is shared by the calendars of one parse.
	onsetsOK *int
}

// lookup returns the zone a TZID parameter names. In order: an IANA name
// (also inside a "/mozilla.org/20050126_1/America/New_York" style prefix), a
// Windows name as Outlook and Exchange write them, the calendar's own
// VTIMEZONE, and last the floating zone, with one warning per TZID.
func (zs *zones) lookup(tzid string) *zone {
	tzid = strings.TrimSpace(tzid)
	if tzid == "" {
		return zs.floating
	}
	if z, ok := zs.cache[tzid]; ok {
		return z
	}
	z := zs.resolve(tzid)
	zs.cache[tzid] = z
	return z
}

func (zs *zones) resolve(tzid string) *zone {
	if loc := zs.loadIANA(tzid); loc != nil {
		return &zone{loc: loc, name: loc.String()}
	}
	if name, ok := windowsZone(tzid); ok {
		if loc := zs.loadIANA(name); loc != nil {
			return &zone{loc: loc, name: name}
		}
	}
	// Prefixed IANA names: keep the last one or two path elements.
	if strings.Contains(tzid, "/") {
		parts := strings.Split(strings.Trim(tzid, "/"), "/")
		for n := min(3, len(parts)); n >= 1; n-- {
			if loc := zs.loadIANA(strings.Join(parts[len(parts)-n:], "/")); loc != nil {
				return &zone{loc: loc, name: loc.String()}
			}
		}
	}
	if raw := zs.defs[tzid]; raw != nil {
		limit := math.MaxInt
		if zs.onsetsOK != nil {
			limit = *zs.onsetsOK
		}
		var def *ical.Component
		if limit > 0 {
			def = decodeComponent(raw)
		}
		vtz, err := parseVTimezone(def, limit)
		switch {
		case err == nil:
			if zs.onsetsOK != nil {
				*zs.onsetsOK -= len(vtz.trans)
			}
			return &zone{vtz: vtz}
		case errors.Is(err, errZoneBudget) && zs.onsetsOK != nil:
			*zs.onsetsOK = 0 // the rest of the budget is too small to use
		}
		zs.warns.add("calendar has an unusable VTIMEZONE; using the default zone", "tzid", clip(tzid), "err", err)
		return zs.floating
	}
	if !zs.warned[tzid] {
		zs.warned[tzid] = true
		zs.warns.add("unknown time zone in calendar; using the default zone", "tzid", clip(tzid), "default", zs.floating.loc.String())
	}
	return zs.floating
}

// maxZoneNames bounds the names one parse asks time.LoadLocation about.
// A name it does not know costs a read of the zone database's index (50 kB
// allocated, 30 µs); a feed of 50,000 made-up TZIDs would cost seconds.
// Real feeds use a few dozen.
const maxZoneNames = 1000

// loadIANA returns the IANA zone name, or nil. "Local" and "" are not
// names a calendar can mean, nor is one with characters no IANA name has
// (a space: "W. Europe Standard Time"). Past maxZoneNames names, any
// other is taken as unknown.
func (zs *zones) loadIANA(name string) *time.Location {
	if loc, ok := zs.iana[name]; ok {
		return loc
	}
	if !ianaLike(name) || len(zs.iana) >= maxZoneNames {
		return nil
	}
	var loc *time.Location
	if l, err := time.LoadLocation(name); err == nil {
		loc = l
	}
	zs.iana[name] = loc
	return loc
}

// ianaLike reports whether name may be an IANA zone name: short, made of
// the characters those are made of, and not "Local".
func ianaLike(name string) bool {
	if name == "" || name == "Local" || len(name) >= 64 {
		return false
	}
	for _, c := range []byte(name) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '-' || c == '+' || c == '.') {
			return false
		}
	}
	return true
}

// vtimezone is a zone defined by a VTIMEZONE component (RFC 5545 section
// 3.6.5): the offsets its STANDARD and DAYLIGHT onsets switch to, worked
// out from their RRULEs and RDATEs for 1900 to 2100.
type vtimezone struct {
	initial int          // offset before the first onset
	trans   []transition // sorted by at
}

type transition struct {
	at     int64 // Unix seconds
	offset int   // seconds east of UTC from then on
}

func (v *vtimezone) offset(unix int64) int {
	i := sort.Search(len(v.trans), func(i int) bool { return v.trans[i].at > unix })
	if i == 0 {
		return v.initial
	}
	return v.trans[i-1].offset
}

// The span for which VTIMEZONE onsets are computed, and a bound on their
// number per STANDARD or DAYLIGHT part.
var (
	vtzFrom = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	vtzTo   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

const maxOnsets = 1000

// errZoneBudget: the parse has worked out all the VTIMEZONE transitions it
// may (maxZoneOnsets).
var errZoneBudget = errors.New("the calendar defines more time zone transitions than are read")

// parseVTimezone works out the transitions of a VTIMEZONE, failing with
// errZoneBudget past limit of them. A nil c is no definition.
func parseVTimezone(c *ical.Component, limit int) (*vtimezone, error) {
	type onset struct {
		at       int64
		from, to int
	}
	switch {
	case limit <= 0:
		return nil, errZoneBudget
	case c == nil:
		return nil, errors.New("no VTIMEZONE")
	}
	var onsets []onset
	for _, part := range c.Children {
		if len(onsets) > limit {
			return nil, errZoneBudget
		}
		if part.Name != ical.CompTimezoneStandard && part.Name != ical.CompTimezoneDaylight {
			continue
		}
		from, err1 := parseUTCOffset(part.Props.Get(ical.PropTimezoneOffsetFrom))
		to, err2 := parseUTCOffset(part.Props.Get(ical.PropTimezoneOffsetTo))
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("%s: %w", part.Name, err)
		}
		p := part.Props.Get(ical.PropDateTimeStart)
		if p == nil {
			return nil, fmt.Errorf("%s: no DTSTART", part.Name)
		}
		start, err := parseDateTime(p.Value)
		if err != nil {
			return nil, fmt.Errorf("%s: DTSTART: %w", part.Name, err)
		}
		// Onsets are local times in the offset in force before them.
		fixed := &zone{loc: time.FixedZone("", from)}
		add := func(c time.Time) {
			onsets = append(onsets, onset{at: c.Unix() - int64(from), from: from, to: to})
		}
		add(start.civil)
		if p := part.Props.Get(ical.PropRecurrenceRule); p != nil {
			rec, err := parseRecurrence(p.Value)
			if err != nil {
				return nil, fmt.Errorf("%s: RRULE: %w", part.Name, err)
			}
			starts, err := rec.starts(start.civil, vtzFrom, vtzTo, rec.untilCivil(fixed, false), maxOnsets)
			if err != nil && len(starts) == 0 {
				return nil, fmt.Errorf("%s: RRULE: %w", part.Name, err)
			}
			for _, s := range starts {
				add(s)
			}
		}
		for _, p := range part.Props.Values(ical.PropRecurrenceDates) {
			for v := range strings.SplitSeq(p.Value, ",") {
				if d, err := parseDateTime(v); err == nil && len(onsets) < 10*maxOnsets {
					add(d.civil)
				}
			}
		}
	}
	switch {
	case len(onsets) == 0:
		return nil, errors.New("no STANDARD or DAYLIGHT part")
	case len(onsets) > limit:
		return nil, errZoneBudget
	}
	sort.SliceStable(onsets, func(i, j int) bool { return onsets[i].at < onsets[j].at })
	v := &vtimezone{initial: onsets[0].from}
	for _, o := range onsets {
		if n := len(v.trans); n > 0 && v.trans[n-1].at == o.at {
			v.trans[n-1].offset = o.to
			continue
		}
		v.trans = append(v.trans, transition{at: o.at, offset: o.to})
	}
	return v, nil
}

// parseUTCOffset reads a UTC-OFFSET value (RFC 5545 section 3.3.14):
// +HHMM or +HHMMSS.
func parseUTCOffset(p *ical.Prop) (int, error) {
	if p == nil {
		return 0, errors.New("missing UTC offset")
	}
	v := strings.TrimSpace(p.Value)
	if (len(v) != 5 && len(v) != 7) || (v[0] != '+' && v[0] != '-') {
		return 0, fmt.Errorf("invalid UTC offset %.20q", v)
	}
	n := 0
	for i, unit := range []int{3600, 60, 1} {
		if 1+2*i >= len(v) {
			break
		}
		d, err := strconv.Atoi(v[1+2*i : 3+2*i])
		if err != nil || d < 0 || d > 59 {
			return 0, fmt.Errorf("invalid UTC offset %.20q", v)
		}
		n += d * unit
	}
	if n >= 24*3600 {
		return 0, fmt.Errorf("invalid UTC offset %.20q", v)
	}
	if v[0] == '-' {
		n = -n
	}
	return n, nil
}
