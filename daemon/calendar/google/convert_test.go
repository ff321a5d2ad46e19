package google

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"
)

func TestConvertRejectsMalformedTimes(t *testing.T) {
	tests := []struct {
		name string
		ev   calendarapi.Event
	}{
		{"no id", calendarapi.Event{Start: &calendarapi.EventDateTime{Date: "2026-11-23"}, End: &calendarapi.EventDateTime{Date: "2026-11-24"}}},
		{"no start", calendarapi.Event{Id: "a", End: &calendarapi.EventDateTime{Date: "2026-11-24"}}},
		{"bad dateTime", calendarapi.Event{Id: "a", Start: &calendarapi.EventDateTime{DateTime: "tomorrow"}, End: &calendarapi.EventDateTime{Date: "2026-11-24"}}},
		{"empty start", calendarapi.Event{Id: "a", Start: &calendarapi.EventDateTime{}, End: &calendarapi.EventDateTime{Date: "2026-11-24"}}},
		{"bad originalStartTime", calendarapi.Event{Id: "a", OriginalStartTime: &calendarapi.EventDateTime{DateTime: "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := convert(&tt.ev); err == nil {
				t.Errorf("convert(%s) = nil error, want one", tt.name)
			}
		})
	}
	// A tombstone needs no times.
	ev, err := convert(&calendarapi.Event{Id: "gone", Status: "cancelled"})
	if err != nil || ev.Status != "cancelled" {
		t.Errorf("convert(tombstone) = %+v, %v", ev, err)
	}
}

func TestBackoff(t *testing.T) {
	if d := backoff(20, 0); d < backoffCap/2 || d > backoffCap {
		t.Errorf("backoff(20) = %v, want within [%v, %v]", d, backoffCap/2, backoffCap)
	}
	if d := backoff(0, time.Hour); d != 5*time.Minute {
		t.Errorf("backoff with Retry-After 1h = %v, want the 5m cap", d)
	}
	if got := parseRetryAfter("7"); got != 7*time.Second {
		t.Errorf("parseRetryAfter(7) = %v", got)
	}
	if got := parseRetryAfter("soon"); got != 0 {
		t.Errorf("parseRetryAfter(soon) = %v, want 0", got)
	}
}

// FuzzConvert feeds arbitrary events, as JSON from whoever sent the
// invitation, through convert: it may reject them, never panic.
func FuzzConvert(f *testing.F) {
	if data, err := os.ReadFile("googletest/testdata/events.json"); err == nil {
		var fixture struct{ Items []json.RawMessage }
		if json.Unmarshal(data, &fixture) == nil {
			for _, it := range fixture.Items {
				f.Add([]byte(it))
			}
		}
	}
	f.Add([]byte(`{"id":"x","status":"cancelled","recurringEventId":"s","originalStartTime":{"date":"2026-02-30"}}`))
	f.Add([]byte(`{"id":"x","start":{"dateTime":"2026-11-23T09:00:00+14:00"},"end":{"date":"0000-01-01"},"attendees":[null,{}],"attachments":[null],"conferenceData":{"entryPoints":[null]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var it calendarapi.Event
		if json.Unmarshal(data, &it) != nil {
			return
		}
		ev, err := convert(&it)
		if err == nil && ev.ID == "" {
			t.Errorf("convert accepted an event without an id")
		}
	})
}
