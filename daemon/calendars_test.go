package daemon_test

import (
	"context"
	"maps"
	"testing"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/store"
)

// TestSeveralGoogleCalendars watches the user's calendar and a shared team
// calendar: a meeting on both is one meeting, one only on the team calendar
// counts too, and a meeting is cancelled only once neither has it.
func TestSeveralGoogleCalendars(t *testing.T) {
	s := newStack(t, "\n[calendar]\ncalendars = [\"primary\", \"team@group.calendar.google.com\"]\n")
	start := time.Now().Add(3 * time.Hour).Truncate(time.Minute)
	s.meetingWith("shared", "Dana / me", "dana@example.com", start, 30*time.Minute)
	s.google.Put("team@group.calendar.google.com", &calendarapi.Event{
		Id: "shared", Summary: "Dana / me",
		Start:     &calendarapi.EventDateTime{DateTime: start.Format(time.RFC3339)},
		End:       &calendarapi.EventDateTime{DateTime: start.Add(30 * time.Minute).Format(time.RFC3339)},
		Organizer: &calendarapi.EventOrganizer{Email: "dana@example.com"},
		Attendees: []*calendarapi.EventAttendee{{Email: "dana@example.com", Organizer: true, ResponseStatus: "accepted"}},
	})
	s.google.Put("team@group.calendar.google.com", &calendarapi.Event{
		Id: "teamsync", Summary: "Team sync with Dana",
		Start:     &calendarapi.EventDateTime{DateTime: start.Add(24 * time.Hour).Format(time.RFC3339)},
		End:       &calendarapi.EventDateTime{DateTime: start.Add(25 * time.Hour).Format(time.RFC3339)},
		Organizer: &calendarapi.EventOrganizer{Email: "dana@example.com"},
		Attendees: []*calendarapi.EventAttendee{{Email: "dana@example.com", Organizer: true, ResponseStatus: "accepted"},
			{Email: "team@group.calendar.google.com", Self: true, ResponseStatus: "accepted"}},
	})

	d, err := daemon.Open(context.Background(), daemon.Options{Config: s.loadConfig(t)})
	if err != nil {
		t.Fatalf("daemon.Open() = %v", err)
	}
	defer d.Close()
	ctx := context.Background()
	active := func() map[string]string {
		t.Helper()
		ms, err := d.Store().Meetings(ctx, store.Query{From: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, m := range ms {
			out[m.Key] = string(m.Status)
		}
		return out
	}
	if _, err := d.SyncMeetings(ctx); err != nil {
		t.Fatalf("SyncMeetings() = %v", err)
	}
	want := map[string]string{"google:primary/shared": "active", "google:primary/teamsync": "active"}
	if got := active(); !maps.Equal(got, want) {
		t.Errorf("meetings = %v, want %v", got, want)
	}

	// Gone from the team calendar: still on the user's.
	if err := s.google.Delete("team@group.calendar.google.com", "shared"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SyncMeetings(ctx); err != nil {
		t.Fatal(err)
	}
	if got := active(); !maps.Equal(got, want) {
		t.Errorf("after the team calendar dropped it: meetings = %v, want %v", got, want)
	}
	// Gone from both: cancelled.
	if err := s.google.Delete("primary", "shared"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SyncMeetings(ctx); err != nil {
		t.Fatal(err)
	}
	want["google:primary/shared"] = string(meeting.Cancelled)
	if got := active(); !maps.Equal(got, want) {
		t.Errorf("after both dropped it: meetings = %v, want %v", got, want)
	}
}
