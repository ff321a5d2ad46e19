package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	calendarapi "google.golang.org/api/calendar/v3"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/googleauth"
)

// TestMeetingsSampleCalendar lists a fortnight of a typical calendar through
// the Calendar API fake: the meetings with either boss are listed, with the
// boss's own answer and the group size, and the rest are left out.
func TestMeetingsSampleCalendar(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	now := time.Now()
	fillSample(srv, now)
	cfg := sampleConfig(t, srv, now)

	out, errOut, code := runCLI(t, "meetings", "-config", cfg)
	if code != exitOK {
		t.Fatalf("meetings = exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{"Dana / me weekly 1:1", "Q1 planning", "Skip-level with Sam", "Sam Okafor", "boss declined", "group (4)"} {
		if !strings.Contains(out, want) {
			t.Errorf("meetings output lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"Team standup", "Vendor demo", "Focus:", "offsite"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("meetings output lists %q, which is not a meeting with a boss:\n%s", unwanted, out)
		}
	}
}

// sampleConfig writes a configuration with two bosses, one of them with two
// addresses, and a token for srv, and returns the config path.
func sampleConfig(t *testing.T, srv *googletest.Server, now time.Time) string {
	t.Helper()
	dir := t.TempDir()
	client := `{"installed":{"client_id":"id.apps.googleusercontent.com","client_secret":"s",` +
		`"auth_uri":"` + srv.URL + `/auth","token_uri":"` + srv.URL + `/token"}}`
	if err := os.WriteFile(filepath.Join(dir, "client_secret.json"), []byte(client), 0o600); err != nil {
		t.Fatal(err)
	}
	tok := &oauth2.Token{AccessToken: "access", RefreshToken: "refresh", TokenType: "Bearer", Expiry: now.Add(time.Hour)}
	if err := googleauth.WriteToken(filepath.Join(dir, "state", "google-token.json"), tok); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`state_dir = "state"

[google]
endpoint = %q

[[boss]]
name = "Dana Whitfield"
emails = ["dana@example.com", "dana.whitfield@corp.example"]

[[boss]]
name = "Sam Okafor"
emails = ["sam@example.com"]
`, srv.Endpoint())
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fillSample puts a fortnight of a typical calendar on srv: meetings with
// the bosses that leadup should list, and others it should not.
func fillSample(srv *googletest.Server, now time.Time) {
	// day returns the nth working day after today, at hour:minute.
	day := func(n int, hour, minute int) time.Time {
		d := now
		for n > 0 {
			d = d.AddDate(0, 0, 1)
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				n--
			}
		}
		return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, now.Location())
	}
	me := &calendarapi.EventAttendee{Email: "me@example.com", Self: true, ResponseStatus: "accepted"}
	person := func(email, status string) *calendarapi.EventAttendee {
		return &calendarapi.EventAttendee{Email: email, ResponseStatus: status}
	}
	ev := func(id, title string, start time.Time, d time.Duration, organizer string, guests ...*calendarapi.EventAttendee) *calendarapi.Event {
		return &calendarapi.Event{
			Id: id, Summary: title,
			Start:       &calendarapi.EventDateTime{DateTime: start.Format(time.RFC3339)},
			End:         &calendarapi.EventDateTime{DateTime: start.Add(d).Format(time.RFC3339)},
			Organizer:   &calendarapi.EventOrganizer{Email: organizer},
			Attendees:   guests,
			HangoutLink: "https://meet.google.com/abc-defg-hij",
		}
	}
	srv.AddWeekly("primary", ev("dana11", "Dana / me weekly 1:1", day(1, 10, 0), 30*time.Minute, "dana@example.com",
		person("dana@example.com", "accepted"), me), 3)
	srv.Put("primary", ev("planning", "Q1 planning: billing migration", day(2, 14, 0), time.Hour, "dana.whitfield@corp.example",
		person("dana.whitfield@corp.example", "accepted"), me, person("lee@example.com", "accepted"), person("priya@example.com", "tentative")))
	srv.Put("primary", ev("skip", "Skip-level with Sam", day(6, 16, 30), 45*time.Minute, "sam@example.com",
		person("sam@example.com", "accepted"), me))
	srv.Put("primary", ev("roadmap", "Roadmap review", day(3, 11, 0), time.Hour, "me@example.com",
		&calendarapi.EventAttendee{Email: "me@example.com", Self: true, Organizer: true, ResponseStatus: "accepted"},
		person("dana@example.com", "declined"), person("lee@example.com", "accepted")))
	// Not meetings with a boss: leadup leaves these out.
	srv.Put("primary", ev("standup", "Team standup", day(1, 9, 15), 15*time.Minute, "lee@example.com",
		person("lee@example.com", "accepted"), me))
	declined := ev("vendor", "Vendor demo", day(2, 9, 0), time.Hour, "dana@example.com",
		person("dana@example.com", "accepted"), &calendarapi.EventAttendee{Email: "me@example.com", Self: true, ResponseStatus: "declined"})
	srv.Put("primary", declined)
	focus := ev("focus", "Focus: write the migration plan", day(4, 9, 0), 2*time.Hour, "me@example.com")
	focus.EventType = "focusTime"
	srv.Put("primary", focus)
	offsite := &calendarapi.Event{Id: "offsite", Summary: "Team offsite",
		Start:     &calendarapi.EventDateTime{Date: day(8, 0, 0).Format(time.DateOnly)},
		End:       &calendarapi.EventDateTime{Date: day(9, 0, 0).Format(time.DateOnly)},
		Organizer: &calendarapi.EventOrganizer{Email: "dana@example.com"},
		Attendees: []*calendarapi.EventAttendee{person("dana@example.com", "accepted"), me}}
	srv.Put("primary", offsite)
}
