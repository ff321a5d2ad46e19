package graph

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
)

// wireEvent is the part of Graph's event resource leadup reads
// (https://learn.microsoft.com/graph/api/resources/event). calendarView
// delta cannot be asked for fewer fields ($select is not supported), so the
// rest of each event is decoded and dropped.
type wireEvent struct {
	ID string `json:"id"`
	// Removed marks an event deleted, or changed outside the round's
	// window (event: delta, "Response"): only its id comes with it.
	Removed *struct {
		Reason string `json:"reason"`
	} `json:"@removed"`

	ICalUID string `json:"iCalUId"`
	Subject string `json:"subject"`
	Body    *struct {
		ContentType string `json:"contentType"`
		Content     string `json:"content"`
	} `json:"body"`
	Location *struct {
		DisplayName string `json:"displayName"`
	} `json:"location"`
	Start          *wireDateTime `json:"start"`
	End            *wireDateTime `json:"end"`
	IsAllDay       bool          `json:"isAllDay"`
	IsCancelled    bool          `json:"isCancelled"`
	IsOrganizer    bool          `json:"isOrganizer"`
	ShowAs         string        `json:"showAs"`
	Type           string        `json:"type"`
	SeriesMasterID string        `json:"seriesMasterId"`
	OriginalStart  string        `json:"originalStart"`
	Organizer      *struct {
		EmailAddress wireAddress `json:"emailAddress"`
	} `json:"organizer"`
	Attendees      []wireAttendee `json:"attendees"`
	ResponseStatus *struct {
		Response string `json:"response"`
	} `json:"responseStatus"`
	OnlineMeeting *struct {
		JoinURL string `json:"joinUrl"`
	} `json:"onlineMeeting"`
	OnlineMeetingURL     string `json:"onlineMeetingUrl"`
	WebLink              string `json:"webLink"`
	LastModifiedDateTime string `json:"lastModifiedDateTime"`
}

// wireDateTime is Graph's dateTimeTimeZone: a wall-clock time without an
// offset, such as "2026-12-07T15:00:00.0000000", and the zone it is in.
type wireDateTime struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

type wireAddress struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

type wireAttendee struct {
	Type         string      `json:"type"` // required, optional, resource
	EmailAddress wireAddress `json:"emailAddress"`
	Status       *struct {
		Response string `json:"response"`
	} `json:"status"`
}

// Graph's event types (the type property).
const (
	typeSeriesMaster = "seriesMaster"
	typeOccurrence   = "occurrence"
	typeException    = "exception"
)

// converter turns Graph events into calendar.Events for one delta round. It
// caches the zones it loaded and warns once per zone it cannot load.
type converter struct {
	s      *Source
	zones  map[string]*time.Location
	warned map[string]bool
}

func (s *Source) newConverter() *converter {
	return &converter{s: s, zones: map[string]*time.Location{}, warned: map[string]bool{}}
}

// convert turns one decoded item of a delta page into an event; derr is
// the item's decoding error, if any. skip reports an item that is no event
// of interest (a series master). A removed item becomes a cancelled event
// with only its id. The returned event carries the id, if any, even with an
// error, for the warning.
func (c *converter) convert(it *wireEvent, derr error) (ev calendar.Event, skip bool, err error) {
	if derr != nil {
		return calendar.Event{ID: it.ID}, false, fmt.Errorf("decode event: %w", derr)
	}
	ev.ID = it.ID
	if it.ID == "" {
		return ev, false, errors.New("no id")
	}
	if it.Removed != nil {
		ev.Status = calendar.StatusCancelled
		return ev, false, nil
	}
	if it.Type == typeSeriesMaster {
		// calendarView lists occurrences and exceptions, never masters
		// (delta-query-events); one that turns up has no times of its own.
		return ev, true, nil
	}
	ev = calendar.Event{
		ID:       it.ID,
		UID:      it.ICalUID,
		Status:   calendar.StatusConfirmed,
		Type:     calendar.TypeDefault,
		Title:    it.Subject,
		HTMLLink: it.WebLink,
		AllDay:   it.IsAllDay,
	}
	if it.IsCancelled {
		ev.Status = calendar.StatusCancelled
	}
	if it.Body != nil {
		// HTML or text, from whoever sent the invitation: the caller
		// sanitises it (calendar.SanitizeAll).
		ev.Description = it.Body.Content
	}
	if it.Location != nil {
		ev.Location = it.Location.DisplayName
	}
	if it.Start == nil || it.End == nil {
		return ev, false, errors.New("no start or end")
	}
	if ev.Start, err = c.parse(it.Start, it.IsAllDay); err != nil {
		return ev, false, fmt.Errorf("start: %w", err)
	}
	if ev.End, err = c.parse(it.End, it.IsAllDay); err != nil {
		return ev, false, fmt.Errorf("end: %w", err)
	}
	if ev.End.Before(ev.Start) {
		return ev, false, errors.New("ends before it starts")
	}
	if tz := it.Start.TimeZone; tz != "" && !strings.EqualFold(tz, "UTC") && c.zone(tz) != time.UTC {
		ev.TimeZone = tz // an IANA name; a Windows name is no use to the caller
	}
	if it.Type == typeOccurrence || it.Type == typeException {
		ev.RecurringEventID = it.SeriesMasterID
		if it.OriginalStart != "" {
			// originalStart is a DateTimeOffset, always UTC ("2026-12-07T15:00:00Z").
			if ev.OriginalStart, err = time.Parse(time.RFC3339Nano, it.OriginalStart); err != nil {
				return ev, false, fmt.Errorf("originalStart: %w", err)
			}
		} else if ev.RecurringEventID != "" {
			// Without originalStart, an occurrence's own start is where
			// the series put it. An exception moved without one would get
			// a new key (meeting.KeyOf), which is the best that can be done.
			ev.OriginalStart = ev.Start
		}
	}
	if it.LastModifiedDateTime != "" {
		// Informational only: a malformed value is not worth dropping the event.
		ev.Updated, _ = time.Parse(time.RFC3339Nano, it.LastModifiedDateTime)
	}
	if it.OnlineMeeting != nil && it.OnlineMeeting.JoinURL != "" {
		ev.ConferenceURL = it.OnlineMeeting.JoinURL
	} else {
		ev.ConferenceURL = it.OnlineMeetingURL
	}

	org := ""
	if it.Organizer != nil {
		org = strings.ToLower(it.Organizer.EmailAddress.Address)
		ev.Organizer = calendar.Person{
			Email: it.Organizer.EmailAddress.Address,
			Name:  it.Organizer.EmailAddress.Name,
			Self:  it.IsOrganizer || c.s.me[org],
		}
	}
	self := false
	for _, a := range it.Attendees {
		addr := strings.ToLower(a.EmailAddress.Address)
		at := calendar.Attendee{
			Email:     a.EmailAddress.Address,
			Name:      a.EmailAddress.Name,
			Self:      addr != "" && c.s.me[addr],
			Organizer: addr != "" && addr == org,
			Resource:  strings.EqualFold(a.Type, "resource"),
			Optional:  strings.EqualFold(a.Type, "optional"),
		}
		if a.Status != nil {
			var isOrg bool
			at.Response, isOrg = response(a.Status.Response)
			at.Organizer = at.Organizer || isOrg
		} else {
			at.Response = calendar.ResponseNeedsAction
		}
		self = self || at.Self
		ev.Attendees = append(ev.Attendees, at)
	}
	// Graph lists the organizer apart from the attendees, and the user's
	// own answer in responseStatus rather than on an attendee. When the
	// user is not found among the attendees, add them, so that the boss
	// rule sees their answer (Google's "self" attendee). A personal
	// appointment with nobody invited stays without attendees, as Google
	// lists it.
	if !self && (len(it.Attendees) > 0 || !it.IsOrganizer) {
		at := calendar.Attendee{Self: true, Response: calendar.ResponseNeedsAction}
		if len(c.s.opts.Me) > 0 {
			at.Email = c.s.opts.Me[0]
		}
		if it.IsOrganizer {
			at.Organizer, at.Response = true, calendar.ResponseAccepted
			if at.Email == "" && it.Organizer != nil {
				at.Email = it.Organizer.EmailAddress.Address
			}
		}
		if it.ResponseStatus != nil && !it.IsOrganizer {
			var isOrg bool
			at.Response, isOrg = response(it.ResponseStatus.Response)
			at.Organizer = at.Organizer || isOrg
		}
		ev.Attendees = append(ev.Attendees, at)
	}
	// Outlook has no event types like Google's; an out-of-office block is
	// an event shown as "oof" that invites nobody. A meeting shown as oof
	// (the user's choice) stays a meeting.
	if strings.EqualFold(it.ShowAs, "oof") && len(it.Attendees) == 0 {
		ev.Type = calendar.TypeOutOfOffice
	}
	return ev, false, nil
}

// response maps Graph's responseType to the calendar's response constants,
// and reports the organizer's own entry.
func response(r string) (resp string, organizer bool) {
	switch strings.ToLower(r) {
	case "accepted":
		return calendar.ResponseAccepted, false
	case "tentativelyaccepted":
		return calendar.ResponseTentative, false
	case "declined":
		return calendar.ResponseDeclined, false
	case "organizer":
		return calendar.ResponseAccepted, true
	default: // none, notResponded, or unknown
		return calendar.ResponseNeedsAction, false
	}
}

// graphLayout is Graph's dateTime: no offset, and fractional seconds
// ("2026-12-07T15:00:00.0000000"), which time.Parse accepts after the
// seconds even though the layout does not name them.
const graphLayout = "2006-01-02T15:04:05"

// parse reads a dateTimeTimeZone. With Prefer: outlook.timezone="UTC" it is
// UTC; another zone is loaded if it is an IANA name, and otherwise (such as
// a Windows zone name) taken as UTC with one warning per zone.
//
// All-day events run midnight to midnight whatever the zone (Microsoft
// says so in microsoftgraph/microsoft-graph-docs issue #1802: "All day
// events always return midnight-to-midnight regardless of time zone"), so
// their date is read as is and made midnight UTC, as calendar.Event wants.
func (c *converter) parse(t *wireDateTime, allDay bool) (time.Time, error) {
	v := strings.TrimSpace(t.DateTime)
	if v == "" {
		return time.Time{}, errors.New("no dateTime")
	}
	if allDay {
		if len(v) < len(time.DateOnly) {
			return time.Time{}, fmt.Errorf("bad date %q", truncate(v, 40))
		}
		d, err := time.Parse(time.DateOnly, v[:len(time.DateOnly)])
		if err != nil {
			return time.Time{}, err
		}
		return d, nil
	}
	// A value with its own offset ("…Z", "…+01:00") needs no zone.
	if tv, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return tv.UTC(), nil
	}
	loc := c.zone(t.TimeZone)
	tv, err := time.ParseInLocation(graphLayout, v, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad dateTime %q", truncate(v, 40))
	}
	return tv.UTC(), nil
}

func (c *converter) zone(name string) *time.Location {
	if name == "" || strings.EqualFold(name, "UTC") {
		return time.UTC
	}
	if loc, ok := c.zones[name]; ok {
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.UTC
		if !c.warned[name] {
			c.warned[name] = true
			c.s.opts.Log.Warn("event time in a zone leadup cannot load; reading it as UTC", "calendar", c.s.Name(),
				"zone", truncate(name, 80), "err", err)
		}
	}
	c.zones[name] = loc
	return loc
}
