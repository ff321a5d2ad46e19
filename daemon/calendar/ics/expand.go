package ics

import (
	"cmp"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/leadup/leadup/daemon/calendar"
)

// Defaults for the bounds on Expand (ParseOptions and Options).
const (
	// DefaultMaxInstances bounds the events one Expand lists for the whole
	// feed: a meeting every ten minutes, day and night, for two weeks, or a
	// thousand a day over a 21-day window.
	DefaultMaxInstances = 20_000
	// DefaultMaxSeriesInstances bounds the instances one series lists in the
	// window: a meeting every working hour for a 21-day window, with room
	// to spare.
	DefaultMaxSeriesInstances = 500
)

// maxDSTShift bounds how far clocks go back at a DST change: two hours at
// Troll station, one almost everywhere else.
const maxDSTShift = 3 * time.Hour

// Bounds on Expand's own work, beyond the instances it lists.
const (
	// maxPasses bounds the rounds in which Expand hands unused budget to
	// the series that want more.
	maxPasses = 16
	// countFactor times the instance budget bounds the rule steps spent
	// counting, for the warning, how many instances were dropped.
	countFactor = 50
	// maxLogText cuts a UID or title in the warning.
	maxLogText = 80
)

// occurrence is one listed occurrence, before it becomes a calendar.Event.
type occurrence struct {
	v                  *vevent
	start, end         time.Time
	original           time.Time // zero for an event that does not recur
	instance, fromRule bool      // of a series; given by the RRULE
}

// expandReport is what one Expand had to leave out, for its one warning.
type expandReport struct {
	listed     int
	dropped    int  // instances not listed, at least
	lowerBound bool // dropped was not counted to the end
	seriesCut  int  // series with instances not listed
	worstUID   string
	worstTitle string
	worstDrop  int
	ruleErrors int // series whose rule failed or stopped early
	ruleErrUID string
	ruleErr    error
}

// Expand lists the calendar's live occurrences that overlap w: single
// events, the instances of recurring series (RRULE and RDATE, less EXDATE
// and overridden instances), and overrides (moved or changed instances,
// listed even when no instance matches their RECURRENCE-ID, as Google's
// feeds have for an instance the user alone was invited to). Cancelled
// events and instances are left out. Events are sorted by start, then ID.
//
// Instances get ID uid_20060102T150405Z after their original start in UTC,
// which survives a move.
//
// The events' Attendees and Attachments are the listing's own: editing
// them does not change the Calendar. The instances of one recurring event
// in one listing share them, so a caller that edits one instance's list
// in place must copy it first; appending copies it already.
//
// The listing is bounded: each series lists at most MaxSeriesInstances, the
// earliest, and the whole feed at most MaxInstances. When the feed wants
// more, the budget is shared out as water fills vessels: every series gets
// what it asks for up to a common level, so single meetings and ordinary
// series are listed whole and only the busiest series are cut, keeping
// their earliest instances. Expand then logs one warning naming the series
// that lost the most. The work done is bounded by the budget, not by the
// rules: instances are made one at a time and no series makes more than it
// may list.
func (c *Calendar) Expand(w calendar.Window) []calendar.Event {
	evs, r := c.expand(w)
	if r.ruleErrors > 0 {
		c.log.Warn("recurring events only partly listed", "series", r.ruleErrors, "uid", r.ruleErrUID, "err", r.ruleErr)
	}
	if r.seriesCut > 0 {
		c.log.Warn("calendar has more instances in the window than may be listed; listing the earliest",
			"listed", r.listed, "dropped", r.dropped, "dropped_is_lower_bound", r.lowerBound, "series_cut", r.seriesCut,
			"max_instances", c.maxInstances, "max_series_instances", c.maxSeries,
			"worst_uid", r.worstUID, "worst_title", r.worstTitle, "worst_dropped", r.worstDrop)
	}
	return evs
}

func (c *Calendar) expand(w calendar.Window) ([]calendar.Event, expandReport) {
	var r expandReport
	n := len(c.series)
	if n == 0 {
		return nil, r
	}
	budget, perSeries := c.maxInstances, c.maxSeries
	lists := make([][]occurrence, n)
	more := make([]bool, n)
	errs := make([]error, n)
	used := 0
	gen := func(i, limit int) {
		list, m, err := c.occurrences(c.series[i], w, limit)
		used += len(list) - len(lists[i])
		lists[i], more[i], errs[i] = list, m, err
	}

	// Water-filling: start every series at an equal share, then hand what
	// is left to the series that asked for more, until the budget is used
	// or nobody wants more.
	level := min(perSeries, max(1, budget/n))
	prev := 0
	for i := range n {
		gen(i, level)
	}
	for pass := 0; pass < maxPasses && used < budget; pass++ {
		hungry := 0
		for i := range n {
			if more[i] && level < perSeries {
				hungry++
			}
		}
		if hungry == 0 {
			break
		}
		next := min(perSeries, level+max(1, (budget-used)/hungry))
		for i := range n {
			if more[i] && level < perSeries {
				gen(i, next)
			}
		}
		prev, level = level, next
	}
	if used > budget {
		// The last round gave more than was left: take back the latest of
		// the occurrences it added, so that the earliest stay.
		type pos struct{ i, j int }
		var extra []pos
		for i, l := range lists {
			for j := prev; j < len(l); j++ {
				extra = append(extra, pos{i, j})
			}
		}
		slices.SortFunc(extra, func(a, b pos) int {
			if n := lists[b.i][b.j].start.Compare(lists[a.i][a.j].start); n != 0 {
				return n
			}
			return cmp.Compare(b.i, a.i)
		})
		cut := make(map[int]int) // series -> new length
		for _, p := range extra[:used-budget] {
			if l, ok := cut[p.i]; !ok || p.j < l {
				cut[p.i] = p.j
			}
		}
		// Dropping the latest per series keeps each list a prefix.
		for i, l := range cut {
			used -= len(lists[i]) - l
			lists[i], more[i] = lists[i][:l], true
		}
	}

	out := make([]calendar.Event, 0, used)
	for i, l := range lists {
		s := c.series[i]
		// The instances of the series' master share one copy of its
		// attendees: a thousand of them in 500 instances are 56 kB, not
		// 28 MB.
		var (
			master   people
			haveCopy bool
		)
		for _, o := range l {
			var ev calendar.Event
			if o.instance {
				ev = o.v.event(instanceID(s.uid, o.original), o.start, o.end, s.uid, o.original)
			} else {
				ev = o.v.event(o.v.uid, o.start, o.end, "", time.Time{})
			}
			p := master
			switch {
			case o.v != s.master:
				p = o.v.people()
			case !haveCopy:
				master, haveCopy = o.v.people(), true
				p = master
			}
			ev.Attendees, ev.Attachments = p.attendees, p.attachments
			out = append(out, ev)
		}
		if err := errs[i]; err != nil {
			if r.ruleErrors == 0 {
				r.ruleErrUID, r.ruleErr = clip(s.uid), err
			}
			r.ruleErrors++
		}
	}
	slices.SortFunc(out, func(a, b calendar.Event) int {
		if n := a.Start.Compare(b.Start); n != 0 {
			return n
		}
		return cmp.Compare(a.ID, b.ID)
	})
	r.listed = len(out)
	c.reportDropped(w, lists, more, &r)
	return out, r
}

// reportDropped counts, for the warning, the instances of the series in
// lists that were cut, spending at most countFactor rule steps per
// instance of the budget; beyond that the count is a lower bound.
func (c *Calendar) reportDropped(w calendar.Window, lists [][]occurrence, more []bool, r *expandReport) {
	steps := countFactor * c.maxInstances
	for i, l := range lists {
		if !more[i] {
			continue
		}
		s := c.series[i]
		r.seriesCut++
		// Occurrences besides the rule's are bounded by the feed's size:
		// listing them all costs no more than parsing did.
		all, _, _ := c.occurrences(s, w, 0)
		dropped := len(all)
		fromRule := 0
		for _, o := range l {
			if !o.fromRule {
				dropped--
			} else {
				fromRule++
			}
		}
		if m := s.master; m != nil && m.rec.rule != nil && steps > 0 {
			from, to := ruleSpan(m, w)
			n, err := m.rec.rule.countStarts(m.civil, from, to, m.rec.rule.untilCivil(m.zone, m.allDay), steps)
			steps -= n
			if err != nil {
				r.lowerBound = true
			}
			dropped += n - fromRule
		} else if m != nil && m.rec.rule != nil {
			r.lowerBound = true
		}
		dropped = max(dropped, 1)
		r.dropped += dropped
		if dropped > r.worstDrop {
			r.worstDrop, r.worstUID = dropped, clip(s.uid)
			r.worstTitle = ""
			if m := s.master; m != nil {
				r.worstTitle = clip(m.info.title)
			} else if len(s.overrides) > 0 {
				r.worstTitle = clip(s.overrides[0].info.title)
			}
		}
	}
}

// occurrences lists up to limit occurrences of s that overlap w, the
// earliest first, and whether s has more. A limit of 0 lists every
// occurrence but the RRULE's, whose instances only count.
func (c *Calendar) occurrences(s *series, w calendar.Window, limit int) ([]occurrence, bool, error) {
	var out []occurrence
	overridden := make(map[int64]bool, len(s.overrides))
	for _, o := range s.overrides {
		overridden[o.over.original.Unix()] = true
		if o.info.statusName() == calendar.StatusCancelled {
			continue
		}
		if end := o.start.Add(o.duration); w.Overlaps(o.start, end) {
			out = append(out, occurrence{v: o, start: o.start, end: end, original: o.over.original, instance: true})
		}
	}
	m := s.master
	var (
		more bool
		err  error
	)
	switch {
	case m == nil || m.info.statusName() == calendar.StatusCancelled:
	case !m.recurring:
		if end := m.start.Add(m.duration); !overridden[m.start.Unix()] && w.Overlaps(m.start, end) {
			out = append(out, occurrence{v: m, start: m.start, end: end})
		}
	default:
		// Overridden and excluded instances are made and then dropped: ask
		// the rule for that many more.
		ruleLimit := 0
		if limit > 0 {
			ruleLimit = limit + len(s.overrides) + len(m.rec.exdates) + 1
		}
		var list []rdate
		list, more, err = c.instances(m, w, ruleLimit)
		for _, in := range list {
			if overridden[in.start.Unix()] || m.rec.exdates[in.start.Unix()] ||
				(m.rec.exdays != nil && m.rec.exdays[m.zone.civil(in.start).Truncate(24*time.Hour)]) {
				continue
			}
			end := in.end
			if end.IsZero() {
				end = in.start.Add(m.duration)
			}
			if w.Overlaps(in.start, end) {
				out = append(out, occurrence{v: m, start: in.start, end: end, original: in.start, instance: true, fromRule: in.fromRule})
			}
		}
	}
	if limit > 0 && len(out) > limit {
		slices.SortStableFunc(out, func(a, b occurrence) int { return a.start.Compare(b.start) })
		out, more = out[:limit], true
	}
	return out, more, err
}

// rdate is an instance added by RDATE, with its own end for a PERIOD; in
// instances, also one given by DTSTART or the RRULE.
type rdate struct {
	start    time.Time
	end      time.Time // zero: start + the series' duration
	fromRule bool
}

// ruleSpan is the span of civil starts that m's rule is asked for so that
// every instance overlapping w is found. Rules run on civil time.
// Zone.instant never maps a later wall time to an earlier instant, so no
// instance that ends after w.Start (starts are whole seconds) reads earlier
// than from. At the end, a wall time up to a DST shift past to may still be
// before w.End (the repeated hour of autumn); the caller applies the window
// exactly.
func ruleSpan(m *vevent, w calendar.Window) (from, to time.Time) {
	from = m.zone.civil(w.Start.Add(-m.duration)).Truncate(time.Second).Add(time.Second)
	to = m.zone.civil(w.End).Add(maxDSTShift)
	return from, to
}

// instances returns the starts of a recurring series that may overlap w,
// in order and without repeats: DTSTART (always the first instance, RFC
// 5545 section 3.8.5.3), the RRULE's instances, at most limit of them (0:
// none), and the RDATEs. more reports that the rule had more.
func (c *Calendar) instances(m *vevent, w calendar.Window, limit int) (out []rdate, more bool, err error) {
	list := []rdate{{start: m.start}}
	if m.rec.rule != nil && limit > 0 {
		from, to := ruleSpan(m, w)
		starts, err2 := m.rec.rule.starts(m.civil, from, to, m.rec.rule.untilCivil(m.zone, m.allDay), limit)
		switch {
		case err2 == errLimit:
			more = true
		case err2 != nil:
			err = err2
		}
		for _, s := range starts {
			list = append(list, rdate{start: m.zone.instant(s), fromRule: true})
		}
	}
	for _, r := range m.rec.rdates {
		// Only RDATEs that may overlap w; a PERIOD's own end is checked
		// by the caller.
		if r.start.Before(w.End) {
			list = append(list, r)
		}
	}
	slices.SortStableFunc(list, func(a, b rdate) int { return a.start.Compare(b.start) })
	// The same start twice is one instance (RFC 5545 section 3.8.5.2); an
	// RDATE with a PERIOD keeps its own end.
	out = list[:1]
	for _, r := range list[1:] {
		last := &out[len(out)-1]
		if !r.start.Equal(last.start) {
			out = append(out, r)
		} else if last.end.IsZero() {
			last.end = r.end
		}
	}
	return out, more, err
}

// event makes the calendar.Event for one occurrence of v, without its
// attendees and attachments (see people).
func (v *vevent) event(id string, start, end time.Time, seriesUID string, original time.Time) calendar.Event {
	d := &v.info
	ev := calendar.Event{
		ID: id, UID: v.uid,
		Status: d.statusName(), Type: types[d.typ],
		Title: d.title, Description: d.description, Location: d.location,
		Start: start.UTC(), End: end.UTC(), AllDay: v.allDay, TimeZone: v.zone.name,
		Organizer:     d.organizer,
		ConferenceURL: d.conferenceURL, HTMLLink: d.htmlLink, Attachments: d.attachments,
		Updated: d.updatedTime(),
	}
	if seriesUID != "" {
		ev.RecurringEventID = seriesUID
		ev.OriginalStart = original.UTC()
	}
	return ev
}

// people is a copy of v's attendees and attachments, for a listing: a
// caller may edit the events it got without changing the Calendar. The
// copies are clipped, so that an append to one copies it.
type people struct {
	attendees   []calendar.Attendee
	attachments []calendar.Attachment
}

func (v *vevent) people() people {
	return people{slices.Clip(slices.Clone(v.info.attendees)), slices.Clip(slices.Clone(v.info.attachments))}
}

func instanceID(uid string, original time.Time) string {
	return uid + "_" + original.UTC().Format("20060102T150405Z")
}

// clip cuts s for a log line, at a rune boundary.
func clip(s string) string {
	if len(s) <= maxLogText {
		return s
	}
	cut := maxLogText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
