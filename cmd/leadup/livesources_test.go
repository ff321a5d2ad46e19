package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar/caldav/caldavtest"
	"github.com/leadup/leadup/daemon/calendar/graph/graphtest"
)

// liveConfig writes a configuration for another calendar source, with Dana
// as the boss and the SMTP server of mailSettings.
func liveConfig(t *testing.T, calendarSettings string) string {
	t.Helper()
	dir := t.TempDir()
	_, settings := mailSettings(t)
	cfg := fmt.Sprintf(`timezone = "Europe/Berlin"
state_dir = "state"

%s

[[boss]]
name = "Dana Whitfield"
emails = ["dana@example.com"]
%s`, calendarSettings, settings)
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCalDAVCommands: with a CalDAV calendar, meetings and check read it
// with the app password from its file, and auth has nothing to do.
func TestCalDAVCommands(t *testing.T) {
	srv := caldavtest.NewServer(t)
	srv.AddCalendar("work", "Work", "VEVENT")
	start := time.Now().Add(26 * time.Hour).UTC().Truncate(time.Hour)
	srv.Put(t, "work", "1on1", fmt.Sprintf(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:1on1@example.com
DTSTAMP:20261201T090000Z
DTSTART:%s
DTEND:%s
SUMMARY:Dana / me weekly
ORGANIZER;CN=Dana Whitfield:mailto:dana@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:dana@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com
END:VEVENT
END:VCALENDAR
`, start.Format("20060102T150405Z"), start.Add(30*time.Minute).Format("20060102T150405Z")))
	pwFile := filepath.Join(t.TempDir(), "caldav-password")
	if err := os.WriteFile(pwFile, []byte(caldavtest.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := liveConfig(t, fmt.Sprintf(`[calendar]
source = "caldav"
caldav_url = %q
username = %q
password_file = %q
me = ["me@example.com"]`, srv.URL+"/", caldavtest.User, pwFile))

	out, errOut, code := runCLI(t, "meetings", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "Dana / me weekly") {
		t.Errorf("meetings = exit %d:\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "check", "-config", cfg)
	if !strings.Contains(out, "no sign-in needed: the calendar is CalDAV") || !strings.Contains(out, "Dana Whitfield 1") {
		t.Errorf("check = exit %d, want the token skipped and one meeting with Dana:\n%s\n%s", code, out, errOut)
	}
	out, _, code = runCLI(t, "auth", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "app password") {
		t.Errorf("auth = exit %d:\n%s", code, out)
	}

	// A wrong app password: check says so, and names what to fix.
	if err := os.WriteFile(pwFile, []byte("wrong\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runCLI(t, "check", "-config", cfg)
	if code == exitOK || !strings.Contains(out, "refused") || !strings.Contains(out, "calendar.caldav_url, username and the app password") {
		t.Errorf("check with a wrong password = exit %d:\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "wrong") {
		t.Errorf("check printed the password:\n%s\n%s", out, errOut)
	}
}

// microsoftLogin is a fake of Microsoft's sign-in: the device code, its
// token, and refreshes. It counts the refreshes.
func microsoftLogin(t *testing.T) (url string, refreshes *atomic.Int32) {
	t.Helper()
	refreshes = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/common/oauth2/v2.0/devicecode" && r.Form.Get("client_id") == "leadup-test":
			fmt.Fprint(w, `{"device_code":"dc-1","user_code":"ABCD-EFGH","verification_uri":"https://microsoft.com/devicelogin",`+
				`"expires_in":900,"interval":1,"message":"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate."}`)
		case r.URL.Path == "/common/oauth2/v2.0/token" && r.Form.Get("device_code") == "dc-1":
			fmt.Fprint(w, `{"token_type":"Bearer","scope":"Calendars.Read","expires_in":3599,"access_token":"access-1","refresh_token":"refresh-1"}`)
		case r.URL.Path == "/common/oauth2/v2.0/token" && r.Form.Get("grant_type") == "refresh_token":
			refreshes.Add(1)
			fmt.Fprint(w, `{"token_type":"Bearer","scope":"Calendars.Read","expires_in":3599,"access_token":"access-2","refresh_token":"refresh-2"}`)
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_request","error_description":"unexpected request"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, refreshes
}

// TestMicrosoftCommands: with a Microsoft 365 calendar, meetings asks for
// leadup auth until it has run; auth signs in with the device code and
// reads the calendar; check refreshes the token and counts the meetings.
func TestMicrosoftCommands(t *testing.T) {
	graph := graphtest.NewServer()
	defer graph.Close()
	graph.RequireTokens("access-1", "access-2")
	start := time.Now().Add(26 * time.Hour).UTC().Truncate(time.Hour)
	graph.Put(graphtest.DefaultCalendar, graphtest.Event{ID: "1on1", Subject: "Dana / me",
		Start: start, End: start.Add(30 * time.Minute), Response: "accepted",
		Organizer: graphtest.Address{Name: "Dana Whitfield", Address: "dana@example.com"},
		Attendees: []graphtest.Attendee{{Address: graphtest.Address{Address: "me@example.com"}, Response: "accepted"}},
		JoinURL:   "https://teams.microsoft.com/l/meetup-join/abc"})
	login, refreshes := microsoftLogin(t)
	cfg := liveConfig(t, fmt.Sprintf(`[calendar]
source = "microsoft"

[microsoft]
client_id = "leadup-test"
endpoint = %q
authority = %q`, graph.Endpoint(), login))

	_, errOut, code := runCLI(t, "meetings", "-config", cfg)
	if code == exitOK || !strings.Contains(errOut, "leadup auth") {
		t.Errorf("meetings before auth = exit %d, want a hint to run leadup auth:\n%s", code, errOut)
	}

	out, errOut, code := runCLI(t, "auth", "-config", cfg)
	if code != exitOK || !strings.Contains(errOut, "ABCD-EFGH") || !strings.Contains(errOut, "https://microsoft.com/devicelogin") ||
		!strings.Contains(out, "Signed in to Microsoft") || !strings.Contains(out, "1 upcoming meetings with Dana") {
		t.Errorf("auth = exit %d:\n%s\n%s", code, out, errOut)
	}
	tokenFile := filepath.Join(filepath.Dir(cfg), "state", "microsoft-token.json")
	if fi, err := os.Stat(tokenFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("token file: %v, %v; want mode 0600", fi, err)
	}

	out, errOut, code = runCLI(t, "meetings", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "Dana / me") {
		t.Errorf("meetings = exit %d:\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "check", "-config", cfg)
	if !strings.Contains(out, "microsoft-token.json refreshed (Microsoft)") || !strings.Contains(out, "microsoft:default") ||
		!strings.Contains(out, "Dana Whitfield 1") || refreshes.Load() != 1 {
		t.Errorf("check = exit %d, %d refreshes; want the token refreshed once and one meeting with Dana:\n%s\n%s",
			code, refreshes.Load(), out, errOut)
	}
}
