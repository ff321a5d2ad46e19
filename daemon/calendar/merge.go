package calendar

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// Merged is one calendar made of several (a boss meeting may sit on a
// shared team calendar rather than the user's own): it syncs each Source
// and reports every event once, however many of them hold it.
//
// An event on several calendars (the same UID, and for an instance of a
// series the same original start) is reported as the copy of the first
// calendar, in the order given, that still has it: the user's own calendar
// first, whose copy knows the user's answer. It is cancelled only once no
// calendar has it.
//
// Merged keeps what each calendar holds in memory, which is what lets it
// tell, when one calendar deletes an event, whether another still has it.
// Its first Sync in a process therefore lists every calendar in full; after
// that each poll costs what each Source's poll costs, usually one small
// request each. When any Source reports a full listing, Merged reports one
// too, over the span every calendar's last full listing covers.
//
// Name is the first Source's: adding a calendar after the first leaves the
// keys of the meetings already stored as they were.
type Merged struct {
	srcs []Source
	log  *slog.Logger

	ready bool
	// events holds each event seen, by identity; byID finds the identity
	// of an event a Source reports by its id alone (a deletion carries
	// little more).
	events map[string]*copies
	byID   []map[string]string
	// windows are the spans of each Source's last full listing.
	windows []Window
}

// copies is one event as each calendar has it: nil where it has none.
type copies struct {
	at []*Event
	// id is the id it is reported under: the first one it was seen with,
	// so that its key does not change when the calendar it comes from does.
	id string
	// series and original are its series and original start, for the
	// deletion of an instance: its key is made of them (meeting.KeyOf).
	series   string
	original time.Time
}

// NewMerged returns a Source over srcs, which must not be empty.
func NewMerged(log *slog.Logger, srcs ...Source) *Merged {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Merged{srcs: srcs, log: log}
}

// Name implements Source: the first calendar's name.
func (m *Merged) Name() string { return m.srcs[0].Name() }

// Sources returns the calendars merged, in order.
func (m *Merged) Sources() []Source { return m.srcs }

// mergedCursor is Merged's cursor: each Source's, by name.
type mergedCursor struct {
	Calendars map[string]string `json:"calendars"`
}

// Sync implements Source.
func (m *Merged) Sync(ctx context.Context, cur string) (Changes, error) {
	var c mergedCursor
	if cur != "" && json.Unmarshal([]byte(cur), &c) != nil {
		m.log.Warn("unreadable calendar cursor; listing every calendar in full", "calendar", m.Name())
	}
	if !m.ready {
		// Nothing in memory yet: only full listings say what each
		// calendar holds.
		c.Calendars = nil
	}
	next := mergedCursor{Calendars: make(map[string]string, len(m.srcs))}
	results := make([]Changes, len(m.srcs))
	requests := 0
	for i, s := range m.srcs {
		ch, err := s.Sync(ctx, c.Calendars[s.Name()])
		requests += ch.Requests
		if err != nil {
			return Changes{Requests: requests}, fmt.Errorf("sync %s: %w", s.Name(), err)
		}
		if !m.ready && !ch.Full {
			return Changes{Requests: requests}, fmt.Errorf("sync %s: a first sync must list in full", s.Name())
		}
		results[i] = ch
		next.Calendars[s.Name()] = ch.Cursor
	}
	if !m.ready {
		m.events = make(map[string]*copies)
		m.byID = make([]map[string]string, len(m.srcs))
		for i := range m.byID {
			m.byID[i] = make(map[string]string)
		}
		m.windows = make([]Window, len(m.srcs))
	}
	full := !m.ready
	touched := make(map[string]bool)
	for i, ch := range results {
		if ch.Full {
			full = true
			m.windows[i] = ch.Window
			m.forget(i)
		}
		for j := range ch.Events {
			if k := m.apply(i, &ch.Events[j]); k != "" {
				touched[k] = true
			}
		}
	}
	m.ready = true
	cursor, err := json.Marshal(next)
	if err != nil {
		return Changes{Requests: requests}, err
	}
	out := Changes{Cursor: string(cursor), Requests: requests}
	if full {
		out.Full, out.Window = true, m.window()
		for k, cs := range m.events {
			if ev, ok := cs.live(); ok {
				out.Events = append(out.Events, ev)
			} else {
				m.drop(k)
			}
		}
		return out, nil
	}
	for k := range touched {
		cs := m.events[k]
		ev, ok := cs.live()
		if !ok {
			ev = cs.cancelled()
			m.drop(k)
		}
		out.Events = append(out.Events, ev)
	}
	return out, nil
}

// identity names an event across calendars: its UID (its id when it has
// none) and, for an instance of a series, its original start.
func identity(ev *Event) string {
	k := "uid:" + ev.UID
	if ev.UID == "" {
		k = "id:" + ev.ID
	}
	if !ev.OriginalStart.IsZero() {
		k += "@" + ev.OriginalStart.UTC().Format(time.RFC3339)
	}
	return k
}

// apply records ev as calendar i has it now, and returns its identity; ""
// for a deletion of an event never seen.
func (m *Merged) apply(i int, ev *Event) string {
	k, known := m.byID[i][ev.ID]
	if ev.Status == StatusCancelled {
		if !known {
			// A deletion names the event by id and may carry no UID.
			if _, seen := m.events[identity(ev)]; !seen {
				return ""
			}
			k = identity(ev)
		}
		if cs := m.events[k]; cs != nil {
			cs.at[i] = nil
		}
		delete(m.byID[i], ev.ID)
		return k
	}
	if k = identity(ev); known && m.byID[i][ev.ID] != k {
		// The same id under another identity: forget the old one's copy.
		if old := m.events[m.byID[i][ev.ID]]; old != nil {
			old.at[i] = nil
		}
	}
	cs := m.events[k]
	if cs == nil {
		cs = &copies{at: make([]*Event, len(m.srcs)), id: ev.ID, series: ev.RecurringEventID, original: ev.OriginalStart}
		m.events[k] = cs
	}
	e := *ev
	cs.at[i] = &e
	m.byID[i][ev.ID] = k
	return k
}

// forget drops every copy calendar i had, before its full listing.
func (m *Merged) forget(i int) {
	for _, cs := range m.events {
		cs.at[i] = nil
	}
	clear(m.byID[i])
}

// drop forgets an event no calendar has any more. No byID entry names it:
// each went with the copy it found.
func (m *Merged) drop(k string) { delete(m.events, k) }

// window is the span every calendar's last full listing covers.
func (m *Merged) window() Window {
	w := m.windows[0]
	for _, x := range m.windows[1:] {
		if x.Start.After(w.Start) {
			w.Start = x.Start
		}
		if x.End.Before(w.End) {
			w.End = x.End
		}
	}
	if w.End.Before(w.Start) {
		w.End = w.Start
	}
	return w
}

// live returns the first calendar's copy of the event that is not
// cancelled, under the event's stable id.
func (cs *copies) live() (Event, bool) {
	for _, e := range cs.at {
		if e != nil && e.Status != StatusCancelled {
			ev := *e
			ev.ID = cs.id
			return ev, true
		}
	}
	return Event{}, false
}

// cancelled returns the event as deleted from every calendar.
func (cs *copies) cancelled() Event {
	return Event{ID: cs.id, RecurringEventID: cs.series, OriginalStart: cs.original, Status: StatusCancelled}
}
