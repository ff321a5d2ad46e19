package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
)

// An outsider's invitation to a meeting with the boss, unanswered, is no
// meeting with the boss: `leadup meetings` lists it apart, as awaiting an
// answer, with who sent it; once accepted it is a meeting.
func TestMeetingsAwaitingAnswer(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	first := nySeries(t, srv)
	pitch := &calendarapi.Event{
		Id: "pitch", Summary: "Quick sync\u202e (vendor pitch)",
		Start:     &calendarapi.EventDateTime{DateTime: first.Add(2 * time.Hour).Format(time.RFC3339)},
		End:       &calendarapi.EventDateTime{DateTime: first.Add(3 * time.Hour).Format(time.RFC3339)},
		Organizer: &calendarapi.EventOrganizer{Email: "mallory@outside.example"},
		Attendees: []*calendarapi.EventAttendee{
			{Email: "mallory@outside.example", Organizer: true, ResponseStatus: "accepted"},
			{Email: "dana@example.com", ResponseStatus: "needsAction"},
			{Email: "me@example.com", Self: true, ResponseStatus: "needsAction"},
		},
	}
	srv.Put("primary", pitch)
	cfg := setup(t, srv, "")

	out, errOut, code := runCLI(t, "meetings", "-days", "3", "-config", cfg)
	if code != exitOK {
		t.Fatalf("meetings = exit %d, stderr:\n%s", code, errOut)
	}
	before, after, ok := strings.Cut(out, "Awaiting your answer")
	if !ok {
		t.Fatalf("no awaiting section:\n%s", out)
	}
	if strings.Contains(before, "vendor pitch") || !strings.Contains(after, "vendor pitch") ||
		!strings.Contains(after, "mallory@outside.example") || !strings.Contains(after, "Dana Whitfield") {
		t.Errorf("the invitation should be listed apart, with its sender:\n%s", out)
	}
	if strings.Contains(out, "\u202e") {
		t.Errorf("the title's bidi override reached the terminal:\n%s", out)
	}

	out, errOut, code = runCLI(t, "meetings", "-json", "-offline", "-config", cfg)
	if code != exitOK {
		t.Fatalf("meetings -json = exit %d, stderr:\n%s", code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	awaiting := 0
	for _, m := range got {
		if m["awaiting_answer"] == true {
			awaiting++
			if m["invited_by"] != "mallory@outside.example" || m["event_id"] != "pitch" {
				t.Errorf("invitation = %v", m)
			}
		} else if m["awaiting_answer"] != false {
			t.Errorf("meeting lacks awaiting_answer: %v", m)
		}
	}
	if awaiting != 1 {
		t.Errorf("%d invitations awaiting an answer in the JSON, want 1:\n%s", awaiting, out)
	}

	// Accepted: a meeting with the boss like any other.
	pitch.Attendees[2].ResponseStatus = "accepted"
	srv.Put("primary", pitch)
	out, errOut, code = runCLI(t, "meetings", "-days", "3", "-config", cfg)
	if code != exitOK {
		t.Fatalf("meetings = exit %d, stderr:\n%s", code, errOut)
	}
	if strings.Contains(out, "Awaiting your answer") || !strings.Contains(out, "vendor pitch") {
		t.Errorf("after accepting, the invitation should be a meeting:\n%s", out)
	}
}
