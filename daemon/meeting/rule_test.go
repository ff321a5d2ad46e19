package meeting

import (
	"regexp"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/config"
)

var testBosses = []config.Boss{
	{Name: "Dana Whitfield", Emails: []string{"dana@example.com", "dana.whitfield@corp.example"}},
	{Name: "Sam Okafor", Emails: []string{"sam@example.com"}},
}

var (
	t0   = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	me   = calendar.Attendee{Email: "me@example.com", Self: true, Response: calendar.ResponseAccepted}
	dana = calendar.Attendee{Email: "dana@example.com", Response: calendar.ResponseAccepted}
	lee  = calendar.Attendee{Email: "lee@example.com", Response: calendar.ResponseAccepted}
	room = calendar.Attendee{Email: "c_1888@resource.calendar.google.com", Resource: true, Response: calendar.ResponseAccepted}
)

// oneOnOne is an accepted 1:1 that Dana organised.
func oneOnOne() calendar.Event {
	return calendar.Event{
		ID: "ev1", Status: calendar.StatusConfirmed, Type: calendar.TypeDefault, Title: "Dana / me 1:1",
		Start: t0, End: t0.Add(30 * time.Minute),
		Organizer: calendar.Person{Email: "dana@example.com"},
		Attendees: []calendar.Attendee{{Email: "dana@example.com", Organizer: true, Response: calendar.ResponseAccepted}, me},
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name     string
		filter   config.Filter
		noGroups bool // filter.group_meetings = false
		edit     func(*calendar.Event)
		status   Status
		boss     string
		oneOnOne bool
		declined bool // boss declined
		awaiting bool // Unmatched only for an unanswered outsider's invitation
	}{
		{name: "boss organizes a 1:1", status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "boss is an attendee, I organize", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "me@example.com", Self: true}
			e.Attendees = []calendar.Attendee{{Email: "me@example.com", Self: true, Organizer: true, Response: calendar.ResponseAccepted}, dana}
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "boss is organizer only, not listed", edit: func(e *calendar.Event) {
			e.Attendees = nil
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "second address in other case", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "Dana.Whitfield@CORP.example"}
			e.Attendees = []calendar.Attendee{{Email: "Dana.Whitfield@CORP.example", Organizer: true, Response: calendar.ResponseAccepted}, me}
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "both addresses of one boss still a 1:1", edit: func(e *calendar.Event) {
			e.Attendees = append(e.Attendees, calendar.Attendee{Email: "dana.whitfield@corp.example", Response: calendar.ResponseNeedsAction})
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "self attendee with a boss address is not the boss", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "lee@example.com"}
			e.Attendees = []calendar.Attendee{{Email: "sam@example.com", Self: true, Response: calendar.ResponseAccepted}, lee}
		}, status: Unmatched},
		{name: "no boss", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "lee@example.com"}
			e.Attendees = []calendar.Attendee{lee, me}
		}, status: Unmatched},
		{name: "first configured boss wins", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "sam@example.com"}
			e.Attendees = []calendar.Attendee{{Email: "sam@example.com", Organizer: true, Response: calendar.ResponseAccepted}, dana, me}
		}, status: Active, boss: "Dana Whitfield", oneOnOne: false},
		{name: "I declined", edit: func(e *calendar.Event) {
			e.Attendees[1].Response = calendar.ResponseDeclined
		}, status: Declined, boss: "Dana Whitfield", oneOnOne: true},
		{name: "no self attendee: organizer's answer counts", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "me@example.com", Self: true}
			e.Attendees = []calendar.Attendee{{Email: "me@example.com", Organizer: true, Response: calendar.ResponseDeclined}, dana}
		}, status: Declined, boss: "Dana Whitfield", oneOnOne: true},
		{name: "I said maybe", edit: func(e *calendar.Event) {
			e.Attendees[1].Response = calendar.ResponseTentative
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "boss declined", edit: func(e *calendar.Event) {
			e.Attendees[0].Response = calendar.ResponseDeclined
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true, declined: true},
		{name: "boss declined on one address, accepted on the other", edit: func(e *calendar.Event) {
			e.Attendees[0].Response = calendar.ResponseDeclined
			e.Attendees = append(e.Attendees, calendar.Attendee{Email: "dana.whitfield@corp.example", Response: calendar.ResponseAccepted})
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "all-day", edit: func(e *calendar.Event) {
			e.AllDay = true
			e.Start = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
			e.End = e.Start.AddDate(0, 0, 1)
		}, status: Unmatched},
		{name: "out of office", edit: func(e *calendar.Event) { e.Type = calendar.TypeOutOfOffice }, status: Unmatched},
		{name: "focus time", edit: func(e *calendar.Event) { e.Type = calendar.TypeFocusTime }, status: Unmatched},
		{name: "working location", edit: func(e *calendar.Event) { e.Type = calendar.TypeWorkingLocation }, status: Unmatched},
		{name: "from Gmail", edit: func(e *calendar.Event) { e.Type = calendar.TypeFromGmail }, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "no type means default", edit: func(e *calendar.Event) { e.Type = "" }, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "cancelled", edit: func(e *calendar.Event) { e.Status = calendar.StatusCancelled }, status: Cancelled},
		{name: "cancelled instance tombstone", edit: func(e *calendar.Event) {
			*e = calendar.Event{ID: "series_20261123T090000Z", RecurringEventID: "series", OriginalStart: t0, Status: calendar.StatusCancelled}
		}, status: Cancelled},
		{name: "tentative event counts", edit: func(e *calendar.Event) { e.Status = calendar.StatusTentative }, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "group meeting", edit: func(e *calendar.Event) {
			e.Attendees = append(e.Attendees, lee)
		}, status: Active, boss: "Dana Whitfield", oneOnOne: false},
		{name: "a room does not make it a group", edit: func(e *calendar.Event) {
			e.Attendees = append(e.Attendees, room)
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "group meetings off", noGroups: true, edit: func(e *calendar.Event) {
			e.Attendees = append(e.Attendees, lee)
		}, status: Unmatched},
		{name: "group meetings off keeps 1:1s", noGroups: true, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "include filter matches", filter: config.Filter{IncludeTitle: regexp.MustCompile(`(?i)1:1|sync`)},
			status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "include filter misses", filter: config.Filter{IncludeTitle: regexp.MustCompile(`(?i)review`)},
			status: Unmatched},
		{name: "unanswered invitation from an outsider, boss a guest", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "mallory@outside.example"}
			e.Attendees = []calendar.Attendee{{Email: "mallory@outside.example", Organizer: true, Response: calendar.ResponseAccepted},
				{Email: "dana@example.com", Response: calendar.ResponseNeedsAction},
				{Email: "me@example.com", Self: true, Response: calendar.ResponseNeedsAction}}
		}, status: Unmatched, awaiting: true},
		{name: "outsider's invitation without a response is unanswered", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{}
			e.Attendees = []calendar.Attendee{{Email: "mallory@outside.example", Organizer: true},
				dana, {Email: "me@example.com", Self: true}}
		}, status: Unmatched, awaiting: true},
		{name: "outsider's invitation once accepted", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "mallory@outside.example"}
			e.Attendees = []calendar.Attendee{{Email: "mallory@outside.example", Organizer: true, Response: calendar.ResponseAccepted}, dana, me}
		}, status: Active, boss: "Dana Whitfield", oneOnOne: false},
		{name: "outsider's invitation tentatively accepted", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "mallory@outside.example"}
			e.Attendees = []calendar.Attendee{dana, {Email: "me@example.com", Self: true, Response: calendar.ResponseTentative}}
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "unanswered invitation from the boss", edit: func(e *calendar.Event) {
			e.Attendees[1].Response = calendar.ResponseNeedsAction
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "unanswered, boss organizes under a second address", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "DANA.WHITFIELD@corp.example"}
			e.Attendees = []calendar.Attendee{dana, {Email: "me@example.com", Self: true, Response: calendar.ResponseNeedsAction}}
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "unanswered, organised by another boss", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "sam@example.com"}
			e.Attendees = []calendar.Attendee{dana, {Email: "me@example.com", Self: true, Response: calendar.ResponseNeedsAction}}
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "unanswered, organised by me on another calendar", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "me@example.com"}
			e.Attendees = []calendar.Attendee{dana, {Email: "Me@Example.com", Self: true, Response: calendar.ResponseNeedsAction}}
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "unanswered, organizer is me (.ics self)", edit: func(e *calendar.Event) {
			e.Organizer = calendar.Person{Email: "me@work.example", Self: true}
			e.Attendees = []calendar.Attendee{dana, {Email: "me@example.com", Self: true, Response: calendar.ResponseNeedsAction}}
		}, status: Active, boss: "Dana Whitfield", oneOnOne: true},
		{name: "unanswered outsider invitation to a filtered-out title is just unmatched",
			filter: config.Filter{ExcludeTitle: regexp.MustCompile(`(?i)^dana /`)}, edit: func(e *calendar.Event) {
				e.Organizer = calendar.Person{Email: "mallory@outside.example"}
				e.Attendees = []calendar.Attendee{dana, {Email: "me@example.com", Self: true, Response: calendar.ResponseNeedsAction}}
			}, status: Unmatched},
		{name: "exclude filter", filter: config.Filter{ExcludeTitle: regexp.MustCompile(`(?i)^dana /`)},
			status: Unmatched},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.filter
			f.GroupMeetings = !tt.noGroups
			ev := oneOnOne()
			if tt.edit != nil {
				tt.edit(&ev)
			}
			m := NewRule(testBosses, f).Classify("google:primary", ev)
			if m.Status != tt.status {
				t.Fatalf("Classify() status = %q (why: %s), want %q", m.Status, m.Why, tt.status)
			}
			if m.Awaiting != tt.awaiting {
				t.Fatalf("Classify() awaiting = %t (why: %s), want %t", m.Awaiting, m.Why, tt.awaiting)
			}
			if tt.status != Active && tt.status != Declined {
				return
			}
			if m.Boss != tt.boss || m.OneOnOne != tt.oneOnOne || m.BossDeclined != tt.declined {
				t.Errorf("Classify() = boss %q, 1:1 %t, boss declined %t; want %q, %t, %t",
					m.Boss, m.OneOnOne, m.BossDeclined, tt.boss, tt.oneOnOne, tt.declined)
			}
		})
	}
}

func TestKeyOfMovedInstance(t *testing.T) {
	inst := calendar.Event{ID: "abc_20261123T090000Z", RecurringEventID: "abc", OriginalStart: t0, Start: t0}
	moved := inst
	moved.Start = t0.Add(26 * time.Hour)
	if a, b := KeyOf("google:primary", &inst), KeyOf("google:primary", &moved); a != b {
		t.Errorf("KeyOf(moved instance) = %q, want %q", b, a)
	}
	// The original start is an instant: the same one written in another zone
	// is the same key.
	ny, _ := time.LoadLocation("America/New_York")
	other := inst
	other.OriginalStart = t0.In(ny)
	if a, b := KeyOf("google:primary", &inst), KeyOf("google:primary", &other); a != b {
		t.Errorf("KeyOf in another zone = %q, want %q", b, a)
	}
	single := calendar.Event{ID: "xyz"}
	if got, want := KeyOf("google:primary", &single), "google:primary/xyz"; got != want {
		t.Errorf("KeyOf(single) = %q, want %q", got, want)
	}
}

func TestFingerprint(t *testing.T) {
	base := NewRule(testBosses, config.Filter{GroupMeetings: true})
	same := NewRule(testBosses, config.Filter{GroupMeetings: true})
	if base.Fingerprint() != same.Fingerprint() {
		t.Error("Fingerprint() differs for equal rules")
	}
	changed := []*Rule{
		NewRule(testBosses[:1], config.Filter{GroupMeetings: true}),
		NewRule(testBosses, config.Filter{GroupMeetings: false}),
		NewRule(testBosses, config.Filter{GroupMeetings: true, ExcludeTitle: regexp.MustCompile("x")}),
		NewRule([]config.Boss{{Name: "Dana Whitfield", Emails: []string{"dana@example.com"}}, testBosses[1]}, config.Filter{GroupMeetings: true}),
	}
	for i, r := range changed {
		if r.Fingerprint() == base.Fingerprint() {
			t.Errorf("rule %d: Fingerprint() unchanged after a change", i)
		}
	}
}
