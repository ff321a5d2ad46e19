package google

import (
	"errors"
	"fmt"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"

	"github.com/leadup/leadup/daemon/calendar"
)

// convert turns an API event into a calendar.Event. Deleted events arrive as
// tombstones with little more than an id and a status; those need no times.
func convert(it *calendarapi.Event) (calendar.Event, error) {
	ev := calendar.Event{
		ID:               it.Id,
		UID:              it.ICalUID,
		RecurringEventID: it.RecurringEventId,
		Status:           it.Status,
		Type:             it.EventType,
		Title:            it.Summary,
		Description:      it.Description,
		Location:         it.Location,
		HTMLLink:         it.HtmlLink,
		ConferenceURL:    it.HangoutLink,
	}
	if ev.Status == "" {
		ev.Status = calendar.StatusConfirmed
	}
	if it.Id == "" {
		return ev, errors.New("no id")
	}
	var err error
	if it.OriginalStartTime != nil {
		if ev.OriginalStart, _, err = parseTime(it.OriginalStartTime); err != nil {
			return ev, fmt.Errorf("originalStartTime: %w", err)
		}
	}
	if ev.Status == calendar.StatusCancelled && it.Start == nil {
		return ev, nil
	}
	if it.Start == nil || it.End == nil {
		return ev, errors.New("no start or end")
	}
	if ev.Start, ev.AllDay, err = parseTime(it.Start); err != nil {
		return ev, fmt.Errorf("start: %w", err)
	}
	if ev.End, _, err = parseTime(it.End); err != nil {
		return ev, fmt.Errorf("end: %w", err)
	}
	ev.TimeZone = it.Start.TimeZone
	if it.Updated != "" {
		// Informational only: a malformed value is not worth dropping the event.
		ev.Updated, _ = time.Parse(time.RFC3339Nano, it.Updated)
	}
	if it.Organizer != nil {
		ev.Organizer = calendar.Person{Email: it.Organizer.Email, Name: it.Organizer.DisplayName, Self: it.Organizer.Self}
	}
	for _, a := range it.Attendees {
		if a == nil {
			continue
		}
		ev.Attendees = append(ev.Attendees, calendar.Attendee{
			Email:     a.Email,
			Name:      a.DisplayName,
			Self:      a.Self,
			Organizer: a.Organizer,
			Resource:  a.Resource,
			Optional:  a.Optional,
			Response:  a.ResponseStatus,
		})
	}
	if ev.ConferenceURL == "" && it.ConferenceData != nil {
		for _, ep := range it.ConferenceData.EntryPoints {
			if ep != nil && ep.EntryPointType == "video" {
				ev.ConferenceURL = ep.Uri
				break
			}
		}
	}
	for _, a := range it.Attachments {
		if a != nil && a.FileUrl != "" {
			ev.Attachments = append(ev.Attachments, calendar.Attachment{Title: a.Title, URL: a.FileUrl, MimeType: a.MimeType})
		}
	}
	return ev, nil
}

// parseTime reads an EventDateTime: an RFC 3339 instant for timed events, a
// date for all-day ones (then midnight UTC, and allDay true).
func parseTime(t *calendarapi.EventDateTime) (time.Time, bool, error) {
	switch {
	case t.DateTime != "":
		v, err := time.Parse(time.RFC3339, t.DateTime)
		return v, false, err
	case t.Date != "":
		v, err := time.Parse(time.DateOnly, t.Date)
		return v, true, err
	}
	return time.Time{}, false, errors.New("neither dateTime nor date")
}
