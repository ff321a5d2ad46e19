package ics

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// dateTime is a parsed DATE or DATE-TIME value (RFC 5545 sections 3.3.4
// and 3.3.5).
type dateTime struct {
	civil time.Time // the wall clock reading, or midnight of a DATE, in UTC
	date  bool      // a DATE: a day, no time of day
	utc   bool      // it ended in Z: civil is also the instant
}

// parseDateTime reads 20060102, 20060102T150405 or 20060102T150405Z.
func parseDateTime(v string) (dateTime, error) {
	v = strings.ToUpper(strings.TrimSpace(v))
	var (
		d      dateTime
		layout string
	)
	switch len(v) {
	case 8:
		layout, d.date = "20060102", true
	case 15:
		layout = "20060102T150405"
	case 16:
		layout, d.utc = "20060102T150405Z", true
	default:
		return d, fmt.Errorf("invalid date-time %.24q", v)
	}
	t, err := time.Parse(layout, v)
	if err != nil {
		return d, fmt.Errorf("invalid date-time %.24q", v)
	}
	d.civil = t
	return d, nil
}

// Bounds on rules, far beyond anything a calendar application writes.
const (
	// maxInterval keeps rrule-go's day and month counters from overflowing.
	maxInterval = 10000
	// maxSteps bounds the instances a rule with COUNT may give before the
	// window; rules without COUNT skip straight to the window.
	maxSteps = 200_000
)

// errLimit: a rule gave more instances in the window than asked for.
var errLimit = errors.New("too many instances; listing only the first ones")

// recurrence is a parsed RRULE (RFC 5545 section 3.3.10).
type recurrence struct {
	opt   rrule.ROption // FREQ, INTERVAL, WKST and the BYxxx parts
	count int           // COUNT, 0 if none
	until *dateTime     // UNTIL, nil if none
}

// parseRecurrence parses an RRULE value. rrule-go parses the FREQ, INTERVAL,
// WKST and BYxxx parts; COUNT and UNTIL are kept here, because UNTIL may be a
// date or a floating time that only the event's zone gives meaning to, which
// rrule.StrToROption would read as UTC. Unlike StrToROption it accepts
// lower case, empty parts and X- extensions. It refuses what would make
// rrule-go panic or loop: BYEASTER (not RFC 5545), ordinal weekdays beyond
// the fifth of a month, and huge intervals.
func parseRecurrence(v string) (*recurrence, error) {
	r := &recurrence{}
	var parts []string
	for part := range strings.SplitSeq(v, ";") {
		part = strings.ToUpper(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok || val == "" {
			return nil, fmt.Errorf("malformed rule part %.24q", part)
		}
		switch {
		case key == "UNTIL":
			d, err := parseDateTime(val)
			if err != nil {
				return nil, fmt.Errorf("UNTIL: %w", err)
			}
			r.until = &d
		case key == "COUNT":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("invalid COUNT %.12q", val)
			}
			r.count = n
		case key == "BYEASTER":
			return nil, errors.New("BYEASTER is not supported")
		case strings.HasPrefix(key, "X-"):
		default:
			parts = append(parts, key+"="+val)
		}
	}
	opt, err := rrule.StrToROption(strings.Join(parts, ";"))
	if err != nil {
		return nil, err
	}
	if opt.Interval > maxInterval {
		return nil, fmt.Errorf("INTERVAL %d is too large", opt.Interval)
	}
	// rrule-go indexes day masks by the ordinal without a bound check.
	maxNth := 53
	if opt.Freq == rrule.MONTHLY || (opt.Freq == rrule.YEARLY && len(opt.Bymonth) > 0) {
		maxNth = 5
	}
	for _, wd := range opt.Byweekday {
		if n := wd.N(); n > maxNth || n < -maxNth {
			return nil, fmt.Errorf("BYDAY %s is out of range", wd)
		}
	}
	probe := *opt
	probe.Dtstart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := rrule.NewRRule(probe); err != nil { // checks the BYxxx bounds
		return nil, err
	}
	r.opt = *opt
	return r, nil
}

// untilCivil returns UNTIL as the last civil start the rule may give in
// zone z, or the zero time. A DATE UNTIL on a timed series (not allowed by
// RFC 5545, but written) keeps that whole day. A floating UNTIL is read in
// the series' zone.
func (r *recurrence) untilCivil(z *zone, allDay bool) time.Time {
	if r.until == nil {
		return time.Time{}
	}
	u := *r.until
	switch {
	case u.date && !allDay:
		return u.civil.Add(24*time.Hour - time.Second)
	case u.utc && !allDay:
		return z.civil(u.civil)
	}
	return u.civil
}

// starts returns the starts the rule gives a series that begins at dtstart
// (all civil times), from `from` up to but not including `to`, at most
// limit of them, in order. An error says why the list stops short: the limit,
// a rule that can never match, or a failure inside rrule-go.
//
// rrule-go iterates from DTSTART, one period at a time, and its search for
// the next match only ends at year 9999. So that neither a DTSTART in 1900
// nor a rule that never matches again costs more than a few milliseconds:
//   - a rule without COUNT starts from the last period (year, month, week,
//     day, hour…) on its INTERVAL lattice before `from`, with the defaults
//     rrule-go would take from DTSTART made explicit;
//   - the calendar is shifted by a multiple of 400 years, the Gregorian cycle
//     (same weekdays, same leap years), to just below year 9999, so a search
//     runs out within 400 years of the window;
//   - rules whose BYHOUR/BYMINUTE/BYSECOND their INTERVAL can never reach
//     (FREQ=HOURLY;INTERVAL=24;BYHOUR=5 from 03:00), on which rrule-go loops
//     forever, are refused.
func (r *recurrence) starts(dtstart, from, to, until time.Time, limit int) (out []time.Time, err error) {
	err = r.each(dtstart, from, to, until, func(t time.Time) bool {
		if len(out) >= limit {
			return false
		}
		out = append(out, t)
		return true
	})
	if errors.Is(err, errStopped) {
		err = errLimit
	}
	return out, err
}

// countStarts returns how many starts the rule gives from `from` up to but not
// including `to`, counting no further than bound: it allocates nothing per
// instance. errLimit says the count stopped at bound.
func (r *recurrence) countStarts(dtstart, from, to, until time.Time, bound int) (n int, err error) {
	err = r.each(dtstart, from, to, until, func(time.Time) bool {
		if n >= bound {
			return false
		}
		n++
		return true
	})
	if errors.Is(err, errStopped) {
		err = errLimit
	}
	return n, err
}

// errStopped: yield asked each to stop while the rule had more to give.
var errStopped = errors.New("stopped")

// each calls yield with the starts the rule gives a series that begins at
// dtstart (all civil times), from `from` up to but not including `to`, in
// order, until yield returns false; it then returns errStopped. Another
// error says why the list stops short: a rule that can never match, or a
// failure inside rrule-go. Instances are made one at a time, so the cost is
// bounded by what yield accepts, not by the rule.
func (r *recurrence) each(dtstart, from, to, until time.Time, yield func(time.Time) bool) (err error) {
	defer func() {
		// rrule-go indexes slices with computed offsets; should an input
		// slip past the checks above, lose the series, not the daemon.
		if p := recover(); p != nil {
			err = fmt.Errorf("recurrence library failed: %v", p)
		}
	}()
	if !until.IsZero() && until.Before(to) {
		to = until.Add(time.Second)
	}
	if from.Before(dtstart) {
		from = dtstart
	}
	if !from.Before(to) {
		return nil
	}
	opt := r.opt
	fillDefaults(&opt, dtstart)
	if !reachable(opt, dtstart) {
		return errors.New("rule never matches: INTERVAL never reaches BYHOUR/BYMINUTE/BYSECOND")
	}
	start := dtstart
	if r.count == 0 {
		start = rebase(opt, dtstart, from)
	}
	shift := 400 * floorDiv(rrule.MAXYEAR-1-to.Year(), 400)
	opt.Dtstart = start.AddDate(shift, 0, 0)
	opt.Count = r.count
	rule, err := rrule.NewRRule(opt)
	if err != nil {
		return err
	}
	next := rule.Iterator()
	if r.count > 0 {
		// RFC 5545 counts DTSTART as the first instance even when the rule
		// does not give it (rrule-go does not count it then); Expand lists
		// DTSTART itself, so the rule owes one instance fewer.
		first, ok := next()
		if ok && !first.Equal(opt.Dtstart) {
			if opt.Count--; opt.Count == 0 {
				return nil
			}
			if rule, err = rrule.NewRRule(opt); err != nil {
				return err
			}
		}
		next = rule.Iterator()
	}
	for steps := 0; ; steps++ {
		t, ok := next()
		if !ok {
			return nil
		}
		t = t.AddDate(-shift, 0, 0)
		if t.Before(from) {
			if steps >= maxSteps {
				return fmt.Errorf("more than %d instances before the window", maxSteps)
			}
			continue
		}
		if !t.Before(to) {
			return nil
		}
		if !yield(t) {
			return errStopped
		}
	}
}

// fillDefaults makes explicit what rrule-go would otherwise take from
// DTSTART (RFC 5545 section 3.3.10: missing BYxxx parts come from DTSTART),
// so that the rule can start from a later DTSTART unchanged.
func fillDefaults(opt *rrule.ROption, dtstart time.Time) {
	if len(opt.Byweekno) == 0 && len(opt.Byyearday) == 0 && len(opt.Bymonthday) == 0 && len(opt.Byweekday) == 0 {
		switch opt.Freq {
		case rrule.YEARLY:
			if len(opt.Bymonth) == 0 {
				opt.Bymonth = []int{int(dtstart.Month())}
			}
			opt.Bymonthday = []int{dtstart.Day()}
		case rrule.MONTHLY:
			opt.Bymonthday = []int{dtstart.Day()}
		case rrule.WEEKLY:
			opt.Byweekday = []rrule.Weekday{weekdays[isoWeekday(dtstart)]}
		}
	}
	if len(opt.Byhour) == 0 && opt.Freq < rrule.HOURLY {
		opt.Byhour = []int{dtstart.Hour()}
	}
	if len(opt.Byminute) == 0 && opt.Freq < rrule.MINUTELY {
		opt.Byminute = []int{dtstart.Minute()}
	}
	if len(opt.Bysecond) == 0 && opt.Freq < rrule.SECONDLY {
		opt.Bysecond = []int{dtstart.Second()}
	}
}

var weekdays = [7]rrule.Weekday{rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU}

// isoWeekday numbers Monday 0 to Sunday 6, as rrule-go does.
func isoWeekday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// rebase returns the start of the last period on the rule's INTERVAL
// lattice that begins at or before from, or dtstart if that is later.
// Periods are years, months, weeks (from WKST), days, or for sub-daily rules
// steps of the unit from DTSTART. fillDefaults must have run.
func rebase(opt rrule.ROption, dtstart, from time.Time) time.Time {
	interval := max(opt.Interval, 1)
	y, m, d := dtstart.Date()
	day0 := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	daysFrom := func(t time.Time) int { return int((from.Unix() - t.Unix()) / 86400) }
	var p time.Time
	switch opt.Freq {
	case rrule.YEARLY:
		k := (from.Year() - y) / interval
		p = time.Date(y+k*interval, 1, 1, 0, 0, 0, 0, time.UTC)
	case rrule.MONTHLY:
		months := (from.Year()-y)*12 + int(from.Month()) - int(m)
		k := months / interval
		p = time.Date(y, m+time.Month(k*interval), 1, 0, 0, 0, 0, time.UTC)
	case rrule.WEEKLY:
		wkst := opt.Wkst
		week0 := day0.AddDate(0, 0, -((isoWeekday(dtstart) - wkst.Day() + 7) % 7))
		k := daysFrom(week0) / (7 * interval)
		p = week0.AddDate(0, 0, k*7*interval)
	case rrule.DAILY:
		k := daysFrom(day0) / interval
		p = day0.AddDate(0, 0, k*interval)
	default:
		unit := int64(1)
		switch opt.Freq {
		case rrule.HOURLY:
			unit = 3600
		case rrule.MINUTELY:
			unit = 60
		}
		k := (from.Unix() - dtstart.Unix()) / unit / int64(interval)
		p = time.Unix(dtstart.Unix()+k*int64(interval)*unit, 0).UTC()
	}
	if p.After(dtstart) {
		return p
	}
	return dtstart
}

// reachable reports whether a sub-daily rule's steps of INTERVAL from
// DTSTART can land on its BYHOUR/BYMINUTE/BYSECOND values. rrule-go steps
// until they do, forever if they cannot. The steps visit exactly the slots
// of the day congruent to DTSTART's modulo gcd(INTERVAL, slots per day).
func reachable(opt rrule.ROption, dtstart time.Time) bool {
	h, m, s := dtstart.Clock()
	var slots, slot0, unit int
	switch opt.Freq {
	case rrule.HOURLY:
		if len(opt.Byhour) == 0 {
			return true
		}
		slots, slot0, unit = 24, h, 3600
	case rrule.MINUTELY:
		if len(opt.Byhour) == 0 && len(opt.Byminute) == 0 {
			return true
		}
		slots, slot0, unit = 1440, h*60+m, 60
	case rrule.SECONDLY:
		if len(opt.Byhour) == 0 && len(opt.Byminute) == 0 && len(opt.Bysecond) == 0 {
			return true
		}
		slots, slot0, unit = 86400, h*3600+m*60+s, 1
	default:
		return true
	}
	g := gcd(max(opt.Interval, 1), slots)
	in := func(list []int, v int) bool {
		if len(list) == 0 {
			return true
		}
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	for slot := slot0 % g; slot < slots; slot += g {
		secs := slot * unit
		if in(opt.Byhour, secs/3600) &&
			(opt.Freq < rrule.MINUTELY || in(opt.Byminute, secs/60%60)) &&
			(opt.Freq < rrule.SECONDLY || in(opt.Bysecond, secs%60)) {
			return true
		}
	}
	return false
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
