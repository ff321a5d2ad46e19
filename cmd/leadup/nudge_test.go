package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/store"
)

// TestPreviewNudge: a nudge previews from the sample; it belongs to a gap,
// not a meeting, so the other ways to pick one are refused with a reason.
func TestPreviewNudge(t *testing.T) {
	out, errOut, code := runCLI(t, "preview", "-sample", "-kind", "nudge")
	if code != exitOK || !strings.HasPrefix(out, "Subject: 3 weeks since you last met Dana") ||
		!strings.Contains(out, "STATUS UPDATE FOR DANA") || !strings.Contains(out, "Could we find 20 minutes this week?") {
		t.Errorf("preview -sample -kind nudge = exit %d:\n%s\n%s", code, out, errOut)
	}
	out, _, code = runCLI(t, "preview", "-sample", "-kind", "nudge", "-format", "html")
	if code != exitOK || !strings.Contains(out, "Ask Dana for time") || !strings.Contains(out, "Send to Dana") {
		t.Errorf("preview -sample -kind nudge -format html = exit %d:\n%.300s", code, out)
	}
	if _, errOut, code := runCLI(t, "preview", "-next", "-kind", "nudge"); code != exitConfig || !strings.Contains(errOut, "use it with -sample") {
		t.Errorf("preview -next -kind nudge = exit %d, %q; want %d and a reason", code, errOut, exitConfig)
	}
}

// TestStatusNudge: "leadup status" names a nudge that is due, and why.
func TestStatusNudge(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	_, settings := mailSettings(t)
	cfg := setup(t, srv, "one_on_one_every = \"7d\"\n"+settings)
	// A 1:1 twelve days ago, seen by an earlier run: the gap has outrun a
	// week and a quarter.
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(filepath.Dir(cfg), "state", store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-12 * 24 * time.Hour).Truncate(time.Minute)
	m := meeting.Meeting{Key: "primary/old", Calendar: "primary", Status: meeting.Active, Boss: "Dana Whitfield",
		BossEmail: "dana@example.com", OneOnOne: true,
		Event: calendar.Event{ID: "old", Title: "Dana / me", Start: start, End: start.Add(30 * time.Minute)}}
	if _, err := st.ApplySync(ctx, meeting.SyncUpdate{Calendar: "primary", Meetings: []meeting.Meeting{m}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	berlin, _ := time.LoadLocation("Europe/Berlin")
	out, errOut, code := runCLI(t, "status", "-config", cfg)
	want := regexp.MustCompile(`(?m)^  now +nudge +no meeting since ` + start.In(berlin).Format("Mon 2 Jan") + ` +Dana Whitfield$`)
	if code != exitOK || !want.MatchString(out) {
		t.Errorf("status = exit %d, want a line %q:\n%s\n%s", code, want, out, errOut)
	}
}
