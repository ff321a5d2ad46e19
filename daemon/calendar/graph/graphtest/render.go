package graphtest

import (
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"time"
)

// Layouts Graph writes times in.
const (
	// dateTimeLayout is dateTimeTimeZone's dateTime: no offset, seven
	// fractional digits.
	dateTimeLayout = "2006-01-02T15:04:05.0000000"
	// offsetLayout is a DateTimeOffset (lastModifiedDateTime,
	// originalStart…): UTC with a Z.
	offsetLayout = "2006-01-02T15:04:05.0000000Z"
)

// The wire types below are Graph's event resource with every property a
// calendarView delta lists, in Graph's order, so that payloads weigh what
// real ones do.
type wireEvent struct {
	ODataType                  string          `json:"@odata.type"`
	ODataEtag                  string          `json:"@odata.etag"`
	ID                         string          `json:"id"`
	CreatedDateTime            string          `json:"createdDateTime"`
	LastModifiedDateTime       string          `json:"lastModifiedDateTime"`
	ChangeKey                  string          `json:"changeKey"`
	Categories                 []string        `json:"categories"`
	TransactionID              *string         `json:"transactionId"`
	OriginalStartTimeZone      string          `json:"originalStartTimeZone"`
	OriginalEndTimeZone        string          `json:"originalEndTimeZone"`
	ICalUID                    string          `json:"iCalUId"`
	ReminderMinutesBeforeStart int             `json:"reminderMinutesBeforeStart"`
	IsReminderOn               bool            `json:"isReminderOn"`
	HasAttachments             bool            `json:"hasAttachments"`
	Subject                    string          `json:"subject"`
	BodyPreview                string          `json:"bodyPreview"`
	Importance                 string          `json:"importance"`
	Sensitivity                string          `json:"sensitivity"`
	IsAllDay                   bool            `json:"isAllDay"`
	IsCancelled                bool            `json:"isCancelled"`
	IsOrganizer                bool            `json:"isOrganizer"`
	ResponseRequested          bool            `json:"responseRequested"`
	SeriesMasterID             *string         `json:"seriesMasterId"`
	ShowAs                     string          `json:"showAs"`
	Type                       string          `json:"type"`
	WebLink                    string          `json:"webLink"`
	OnlineMeetingURL           *string         `json:"onlineMeetingUrl"`
	IsOnlineMeeting            bool            `json:"isOnlineMeeting"`
	OnlineMeetingProvider      string          `json:"onlineMeetingProvider"`
	AllowNewTimeProposals      bool            `json:"allowNewTimeProposals"`
	OccurrenceID               *string         `json:"occurrenceId"`
	IsDraft                    bool            `json:"isDraft"`
	HideAttendees              bool            `json:"hideAttendees"`
	OriginalStart              *string         `json:"originalStart,omitempty"`
	ResponseStatus             wireStatus      `json:"responseStatus"`
	Body                       wireBody        `json:"body"`
	Start                      wireDateTime    `json:"start"`
	End                        wireDateTime    `json:"end"`
	Location                   wireLocation    `json:"location"`
	Locations                  []wireLocation  `json:"locations"`
	Recurrence                 *struct{}       `json:"recurrence"`
	Attendees                  []wireAttendee  `json:"attendees"`
	Organizer                  wireRecipient   `json:"organizer"`
	OnlineMeeting              *wireOnlineMeet `json:"onlineMeeting"`
}

type wireStatus struct {
	Response string `json:"response"`
	Time     string `json:"time"`
}

type wireBody struct {
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
}

type wireDateTime struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

type wireLocation struct {
	DisplayName  string   `json:"displayName"`
	LocationType string   `json:"locationType"`
	UniqueID     string   `json:"uniqueId,omitempty"`
	UniqueIDType string   `json:"uniqueIdType"`
	Address      struct{} `json:"address"`
	Coordinates  struct{} `json:"coordinates"`
}

type wireAddress struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

type wireRecipient struct {
	EmailAddress wireAddress `json:"emailAddress"`
}

type wireAttendee struct {
	Type         string      `json:"type"`
	Status       wireStatus  `json:"status"`
	EmailAddress wireAddress `json:"emailAddress"`
}

type wireOnlineMeet struct {
	JoinURL string `json:"joinUrl"`
}

// render returns the record's JSON with times in loc, labelled zoneName,
// caching it: records do not change once stored.
func (r *record) render(loc *time.Location, zoneName string) []byte {
	if r.raw != nil {
		return r.raw
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if b, ok := r.cache[zoneName]; ok {
		return b
	}
	b, _ := json.Marshal(r.wire(loc, zoneName)) // plain structs
	if r.cache == nil {
		r.cache = map[string][]byte{}
	}
	r.cache[zoneName] = b
	return b
}

func (r *record) wire(loc *time.Location, zoneName string) *wireEvent {
	ev := &r.ev
	const never = "0001-01-01T00:00:00Z"
	w := &wireEvent{
		ODataType:                  "#microsoft.graph.event",
		ODataEtag:                  `W/"DwAAABYAAAAR5dQ2cHHgSbGZd5SFnu5aAAAH` + strings.Repeat("A", 8) + `"`,
		ID:                         ev.ID,
		CreatedDateTime:            ev.Modified.UTC().Format(offsetLayout),
		LastModifiedDateTime:       ev.Modified.UTC().Format(offsetLayout),
		ChangeKey:                  "EeXUNnBx4EmxmXeUhZ7uWgAAB9u1ow==",
		Categories:                 []string{},
		OriginalStartTimeZone:      zoneName,
		OriginalEndTimeZone:        zoneName,
		ICalUID:                    ev.ICalUID,
		ReminderMinutesBeforeStart: 15,
		IsReminderOn:               true,
		Subject:                    ev.Subject,
		Importance:                 "normal",
		Sensitivity:                "normal",
		IsAllDay:                   ev.AllDay,
		IsCancelled:                ev.Cancelled,
		IsOrganizer:                ev.IsOrganizer,
		ResponseRequested:          true,
		ShowAs:                     or(ev.ShowAs, "busy"),
		Type:                       or(ev.Type, "singleInstance"),
		WebLink:                    or(ev.WebLink, "https://outlook.office365.com/owa/?itemid="+url.QueryEscape(ev.ID)+"&exvsurl=1&path=/calendar/item"),
		OnlineMeetingProvider:      "unknown",
		AllowNewTimeProposals:      true,
		Locations:                  []wireLocation{},
		Attendees:                  []wireAttendee{},
		Organizer:                  wireRecipient{wireAddress{ev.Organizer.Name, ev.Organizer.Address}},
	}
	if w.ICalUID == "" {
		w.ICalUID = "040000008200E00074C5B7101A82E00800000000" + strings.ToUpper(strings.Map(hexOnly, ev.ID))
	}
	if ev.SeriesMasterID != "" {
		w.SeriesMasterID = &ev.SeriesMasterID
		id := "OID." + ev.SeriesMasterID + "." + ev.OriginalStart.UTC().Format("2006-01-02")
		w.OccurrenceID = &id
	}
	if !ev.OriginalStart.IsZero() {
		s := ev.OriginalStart.UTC().Format("2006-01-02T15:04:05Z")
		w.OriginalStart = &s
	}
	if ev.OnlineMeetingURL != "" {
		w.OnlineMeetingURL = &ev.OnlineMeetingURL
	}
	if ev.JoinURL != "" {
		w.IsOnlineMeeting = true
		w.OnlineMeetingProvider = "teamsForBusiness"
		w.OnlineMeeting = &wireOnlineMeet{JoinURL: ev.JoinURL}
	}
	resp := ev.Response
	if resp == "" {
		resp = "none"
		if ev.IsOrganizer {
			resp = "organizer"
		}
	}
	w.ResponseStatus = wireStatus{Response: resp, Time: never}
	w.Body = wireBody{ContentType: "html", Content: ev.Body}
	if ev.BodyType == "text" {
		w.Body.ContentType = "text"
		w.BodyPreview = ev.Body
	} else {
		w.Body.Content = "<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n<body>\r\n" +
			ev.Body + "\r\n</body>\r\n</html>\r\n"
		w.BodyPreview = html.UnescapeString(stripTags(ev.Body))
	}
	if r := []rune(w.BodyPreview); len(r) > 255 {
		w.BodyPreview = string(r[:255])
	}
	w.Start = wireDateTime{formatIn(ev.Start, loc, ev.AllDay), zoneName}
	w.End = wireDateTime{formatIn(ev.End, loc, ev.AllDay), zoneName}
	w.Location = wireLocation{DisplayName: ev.Location, LocationType: "default", UniqueIDType: "unknown"}
	if ev.Location != "" {
		w.Location.UniqueID = ev.Location
		w.Location.UniqueIDType = "private"
		w.Locations = append(w.Locations, w.Location)
	}
	for _, a := range ev.Attendees {
		w.Attendees = append(w.Attendees, wireAttendee{
			Type:         or(a.Type, "required"),
			Status:       wireStatus{Response: or(a.Response, "none"), Time: never},
			EmailAddress: wireAddress{a.Name, a.Address.Address},
		})
	}
	return w
}

// formatIn writes t as a dateTime in loc. All-day events are always
// midnight to midnight, whatever the zone (as Graph does; see
// microsoftgraph/microsoft-graph-docs issue #1802).
func formatIn(t time.Time, loc *time.Location, allDay bool) string {
	if allDay {
		return t.UTC().Format("2006-01-02") + "T00:00:00.0000000"
	}
	return t.In(loc).Format(dateTimeLayout)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func hexOnly(r rune) rune {
	if (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F') {
		return r
	}
	return -1
}

// stripTags drops HTML tags, roughly, for bodyPreview.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}
