package ics

import (
	"cmp"
	"slices"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
)

// maxInstances bounds the instances one rule may give in a window: five
// thousand is a meeting every ten minutes for a month.
const maxInstances = 5000

// maxDSTShift bounds how far clocks go back at a DST change: two hours at
// Troll station, one almost everywhere else.
const maxDSTShift = 3 * time.Hour

// Expand lists the calendar's live occurrences that overlap w: single
// events, the instances of recurring series (RRULE and RDATE, less EXDATE
// and overridden instances), and overrides (moved or changed instances,
// listed even when no instance matches their RECURRENCE-ID, as Google's
// feeds have for an instance the user alone was invited to). Cancelled
// events and instances are left out. Events are sorted by start, then ID.
//
// Instances get ID uid_20060102T150405Z after their original start in UTC,
// which survives a move.
func (c *Calendar) Expand(w calendar.Window) []calendar.Event {
	var out []calendar.Event
	for _, s := range c.series {
		out = c.expandSeries(s, w, out)
	}
	slices.SortFunc(out, func(a, b calendar.Event) int {
		if n := a.Start.Compare(b.Start); n != 0 {
			return n
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

func (c *Calendar) expandSeries(s *series, w calendar.Window, out []calendar.Event) []calendar.Event {
	overridden := make(map[int64]bool, len(s.overrides))
	for _, o := range s.overrides {
		overridden[o.original.Unix()] = true
		if o.tmpl.Status == calendar.StatusCancelled {
			continue
		}
		if end := o.start.Add(o.duration); w.Overlaps(o.start, end) {
			out = append(out, o.event(instanceID(s.uid, o.original), o.start, end, s.uid, o.original))
		}
	}
	m := s.master
	if m == nil || m.tmpl.Status == calendar.StatusCancelled {
		return out
	}
	if !m.recurring {
		if end := m.start.Add(m.duration); !overridden[m.start.Unix()] && w.Overlaps(m.start, end) {
			out = append(out, m.event(m.uid, m.start, end, "", time.Time{}))
		}
		return out
	}
	for _, in := range c.instances(m, w) {
		if overridden[in.start.Unix()] || m.exdates[in.start.Unix()] ||
			(m.exdays != nil && m.exdays[m.zone.civil(in.start).Truncate(24*time.Hour)]) {
			continue
		}
		end := in.end
		if end.IsZero() {
			end = in.start.Add(m.duration)
		}
		if w.Overlaps(in.start, end) {
			out = append(out, m.event(instanceID(s.uid, in.start), in.start, end, s.uid, in.start))
		}
	}
	return out
}

// instances returns the starts of a recurring series that may overlap w,
// in order and without repeats: DTSTART (always the first instance, RFC
// 5545 section 3.8.5.3), the RRULE's instances and the RDATEs.
func (c *Calendar) instances(m *vevent, w calendar.Window) []rdate {
	list := []rdate{{start: m.start}}
	if m.rule != nil {
		// Rules run on civil time. Zone.instant never maps a later wall
		// time to an earlier instant, so no instance that ends after
		// w.Start (starts are whole seconds) reads earlier than from. At
		// the end, a wall time up to a DST shift past to may still be
		// before w.End (the repeated hour of autumn); the caller applies
		// the window exactly.
		from := m.zone.civil(w.Start.Add(-m.duration)).Truncate(time.Second).Add(time.Second)
		to := m.zone.civil(w.End).Add(maxDSTShift)
		starts, err := m.rule.starts(m.civil, from, to, m.rule.untilCivil(m.zone, m.allDay), maxInstances)
		if err != nil {
			c.log.Warn("recurring event only partly listed", "uid", m.uid, "err", err)
		}
		for _, s := range starts {
			list = append(list, rdate{start: m.zone.instant(s)})
		}
	}
	list = append(list, m.rdates...)
	slices.SortStableFunc(list, func(a, b rdate) int { return a.start.Compare(b.start) })
	// The same start twice is one instance (RFC 5545 section 3.8.5.2); an
	// RDATE with a PERIOD keeps its own end.
	out := list[:1]
	for _, r := range list[1:] {
		last := &out[len(out)-1]
		if !r.start.Equal(last.start) {
			out = append(out, r)
		} else if last.end.IsZero() {
			last.end = r.end
		}
	}
	return out
}

// event makes the calendar.Event for one occurrence of v.
func (v *vevent) event(id string, start, end time.Time, seriesUID string, original time.Time) calendar.Event {
	ev := v.tmpl
	ev.ID = id
	ev.Start, ev.End = start.UTC(), end.UTC()
	if seriesUID != "" {
		ev.RecurringEventID = seriesUID
		ev.OriginalStart = original.UTC()
	}
	// Instances must not share the slices: a caller may edit one event.
	ev.Attendees = slices.Clone(ev.Attendees)
	ev.Attachments = slices.Clone(ev.Attachments)
	return ev
}

func instanceID(uid string, original time.Time) string {
	return uid + "_" + original.UTC().Format("20060102T150405Z")
}
