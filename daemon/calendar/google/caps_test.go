package google_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar/google"
)

// TestListingCaps: a series repeating far more often than any meeting
// keeps MaxSeriesInstances instances, a listing keeps MaxEvents events,
// every page is still read for the sync token, and one warning says so.
func TestListingCaps(t *testing.T) {
	var logs bytes.Buffer
	fx := newFixture(t, func(o *google.Options) {
		o.PageSize = 50
		o.MaxSeriesInstances = 5
		o.MaxEvents = 12
		o.Log = slog.New(slog.NewTextHandler(&logs, nil))
	})
	flood := meetingAt("flood", now.Add(time.Hour))
	flood.Summary = "Outsider's invite"
	fx.srv.AddWeekly("primary", flood, 3) // three instances: under the series cap
	spam := meetingAt("spam", now.Add(2*time.Hour))
	spam.Summary = "Every week, again"
	fx.srv.AddWeekly("primary", spam, 3)
	for i := range 20 {
		fx.srv.Put("primary", meetingAt("one"+strings.Repeat("x", i), now.Add(time.Duration(i+3)*time.Hour)))
	}
	ch := fx.sync(t, "")
	if len(ch.Events) != 12 || ch.Cursor == "" {
		t.Fatalf("Sync() kept %d events (cursor %q), want the cap of 12 and a cursor", len(ch.Events), ch.Cursor)
	}
	if n := strings.Count(logs.String(), "calendar listing capped"); n != 1 {
		t.Errorf("%d cap warnings, want one:\n%s", n, logs.String())
	}

	// A series with more instances than its cap.
	var logs2 bytes.Buffer
	fx2 := newFixture(t, func(o *google.Options) {
		o.MaxSeriesInstances = 2
		o.Log = slog.New(slog.NewTextHandler(&logs2, nil))
	})
	weekly := meetingAt("weekly", now.Add(time.Hour))
	weekly.Summary = "Too often"
	weekly.Recurrence = []string{"RRULE:FREQ=WEEKLY"}
	fx2.srv.AddWeekly("primary", weekly, 3)
	fx2.srv.Put("primary", meetingAt("single", now.Add(3*time.Hour)))
	ch = fx2.sync(t, "")
	if got := ids(ch.Events); len(got) != 3 {
		t.Errorf("events = %v, want the single meeting and two of the series", got)
	}
	if !strings.Contains(logs2.String(), "worst_series=\"Too often\"") {
		t.Errorf("the warning should name the series:\n%s", logs2.String())
	}
}
