// Package calendar defines the source-neutral view of a calendar that the
// rest of leadup works with: events, the people on them, and the Source
// interface that each calendar back end implements (google, graph for
// Microsoft 365, caldav, ics), and Merged, which makes several calendars
// one.
//
// A Source reports changes; it does not decide which events matter. That is
// the boss rule's job (package meeting), so every back end shares it.
package calendar

import (
	"context"
	"time"
)

// Event statuses, as Google Calendar and iCalendar name them.
const (
	StatusConfirmed = "confirmed"
	StatusTentative = "tentative"
	StatusCancelled = "cancelled"
)

// Event types. Google marks special blocks with these; only TypeDefault and
// TypeFromGmail are meetings. An empty Type means TypeDefault.
const (
	TypeDefault         = "default"
	TypeFromGmail       = "fromGmail"
	TypeOutOfOffice     = "outOfOffice"
	TypeFocusTime       = "focusTime"
	TypeWorkingLocation = "workingLocation"
	TypeBirthday        = "birthday"
)

// Attendee response statuses.
const (
	ResponseNeedsAction = "needsAction"
	ResponseDeclined    = "declined"
	ResponseTentative   = "tentative"
	ResponseAccepted    = "accepted"
)

// Event is one occurrence on a calendar: a single event, or one instance of a
// recurring series. All text fields come from whoever sent the invitation and
// are untrusted; Description in particular may hold HTML.
type Event struct {
	ID string `json:"id"`
	// UID is the event's iCalendar UID (Google's iCalUID, Graph's iCalUId),
	// the same on every calendar the event is on and for every instance of
	// a series; "" when the source gives none. It tells one event seen on
	// two calendars (see Merge).
	UID string `json:"uid,omitempty"`
	// RecurringEventID is the id of the series this is an instance of, and
	// OriginalStart the start the series gave it before any move. Both are
	// empty for single events. Together they identify an instance even after
	// it is moved.
	RecurringEventID string    `json:"recurring_event_id,omitempty"`
	OriginalStart    time.Time `json:"original_start,omitzero"`

	Status      string `json:"status"`
	Type        string `json:"type,omitempty"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Location    string `json:"location,omitempty"`

	// Start and End are instants. For all-day events they are midnight in
	// UTC of the first day and of the day after the last.
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	AllDay   bool      `json:"all_day,omitempty"`
	TimeZone string    `json:"time_zone,omitempty"` // the event's own IANA zone, if it names one

	Organizer Person     `json:"organizer"`
	Attendees []Attendee `json:"attendees,omitempty"`

	ConferenceURL string       `json:"conference_url,omitempty"` // Meet or other video link
	HTMLLink      string       `json:"html_link,omitempty"`      // the event in the calendar's web UI
	Attachments   []Attachment `json:"attachments,omitempty"`
	Updated       time.Time    `json:"updated,omitzero"`
}

// Timed reports whether the event has a start time of day (it is not all-day).
func (e *Event) Timed() bool { return !e.AllDay }

// OrganizerEmail returns the organizer's address: the organizer field's,
// or with none, the attendee marked as organizer's; "" if neither says.
func (e *Event) OrganizerEmail() string {
	if e.Organizer.Email != "" {
		return e.Organizer.Email
	}
	for _, a := range e.Attendees {
		if a.Organizer {
			return a.Email
		}
	}
	return ""
}

// Person is an organizer or creator.
type Person struct {
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
	Self  bool   `json:"self,omitempty"` // the calendar's owner: the user
}

// Attendee is one guest of an event.
type Attendee struct {
	Email     string `json:"email"`
	Name      string `json:"name,omitempty"`
	Self      bool   `json:"self,omitempty"`
	Organizer bool   `json:"organizer,omitempty"`
	Resource  bool   `json:"resource,omitempty"` // a room or equipment, not a person
	Optional  bool   `json:"optional,omitempty"`
	Response  string `json:"response,omitempty"` // one of the Response* constants
}

// Attachment is a file linked from an event.
type Attachment struct {
	Title    string `json:"title,omitempty"`
	URL      string `json:"url"`
	MimeType string `json:"mime_type,omitempty"`
}

// Window is a half-open span of time [Start, End).
type Window struct {
	Start time.Time
	End   time.Time
}

// Overlaps reports whether an event running from start to end overlaps w.
// It uses the same bounds as Google's timeMin/timeMax: the event must end
// after w.Start and start before w.End.
func (w Window) Overlaps(start, end time.Time) bool {
	return end.After(w.Start) && start.Before(w.End)
}

// PastWindow is how far back a full listing looks: follow-ups go out up to
// a day after a meeting, so its changes still matter for that long.
const PastWindow = 24 * time.Hour

// ListingWindow returns the span a full listing at now covers, for a source
// that looks lookahead ahead. It reaches half a lookahead (at least a day)
// beyond the lookahead, so that later, cheaper syncs serve for that long
// before the window has to slide. Every back end uses it, so they slide
// alike.
func ListingWindow(now time.Time, lookahead time.Duration) Window {
	slack := max(lookahead/2, 24*time.Hour)
	return Window{
		Start: now.Add(-PastWindow).Truncate(time.Second),
		End:   now.Add(lookahead + slack).Truncate(time.Second),
	}
}

// Changes is what one Sync of a calendar produced.
type Changes struct {
	// Full reports a full sync: Events is then every live event that overlaps
	// Window, and a stored event inside Window that is missing from it was
	// deleted. An incremental sync (Full false) lists only what changed since
	// the cursor, deleted events included as StatusCancelled.
	Full   bool
	Window Window
	Events []Event
	// Cursor is the opaque state to pass to the next Sync. The caller stores
	// it in the same transaction as the changes, so that a crash can only
	// replay changes, never skip them.
	Cursor string
	// Requests counts the API requests the sync made, retries included.
	Requests int
}

// Source is a calendar back end.
type Source interface {
	// Name identifies the calendar in the store, such as "google:primary".
	Name() string
	// Sync returns what changed since cursor. An empty cursor, or one the
	// source can no longer use, gives a full sync.
	Sync(ctx context.Context, cursor string) (Changes, error)
}
