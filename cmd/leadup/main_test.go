package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
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

// setup writes a config, an OAuth client file and a token pointing at a
// fake Calendar API, and returns the config path.
func setup(t testing.TB, srv *googletest.Server, extra string) string {
	t.Helper()
	tok := &oauth2.Token{AccessToken: "access", RefreshToken: "refresh", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	return setupWith(t, srv, extra, "http://127.0.0.1:1/token", tok)
}

func setupWith(t testing.TB, srv *googletest.Server, extra, tokenURI string, tok *oauth2.Token) string {
	t.Helper()
	dir := t.TempDir()
	client := `{"installed":{"client_id":"id.apps.googleusercontent.com","client_secret":"s",
		"auth_uri":"http://127.0.0.1:1/auth","token_uri":"` + tokenURI + `"}}`
	if err := os.WriteFile(filepath.Join(dir, "client_secret.json"), []byte(client), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := googleauth.WriteToken(filepath.Join(dir, "state", "google-token.json"), tok); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`timezone = "Europe/Berlin"
state_dir = "state"

[google]
endpoint = %q
lookahead = "30d"

[[boss]]
name = "Dana Whitfield"
emails = ["dana@example.com"]
%s`, srv.Endpoint(), extra)
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runCommand(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

// nySeries adds a weekly 09:00 New York meeting with Dana, starting next
// Monday, four times: across the end of US daylight time if the test runs in
// late October, and always shown in Berlin time.
func nySeries(t *testing.T, srv *googletest.Server) time.Time {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	n := time.Now().In(ny)
	first := time.Date(n.Year(), n.Month(), n.Day()+1, 9, 0, 0, 0, ny)
	srv.AddWeekly("primary", &calendarapi.Event{
		Id:        "dana11",
		Summary:   "Dana / me 1:1",
		Start:     &calendarapi.EventDateTime{DateTime: first.Format(time.RFC3339), TimeZone: "America/New_York"},
		End:       &calendarapi.EventDateTime{DateTime: first.Add(30 * time.Minute).Format(time.RFC3339), TimeZone: "America/New_York"},
		Organizer: &calendarapi.EventOrganizer{Email: "dana@example.com"},
		Attendees: []*calendarapi.EventAttendee{
			{Email: "dana@example.com", Organizer: true, ResponseStatus: "accepted"},
			{Email: "me@example.com", Self: true, ResponseStatus: "accepted"},
		},
	}, 4)
	return first
}

func TestMeetingsJSON(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	first := nySeries(t, srv)
	srv.Put("primary", &calendarapi.Event{
		Id: "lunch", Summary: "Lunch",
		Start: &calendarapi.EventDateTime{DateTime: first.Add(3 * time.Hour).Format(time.RFC3339)},
		End:   &calendarapi.EventDateTime{DateTime: first.Add(4 * time.Hour).Format(time.RFC3339)},
	})
	cfg := setup(t, srv, "")

	out, errOut, code := runCLI(t, "meetings", "-json", "-config", cfg)
	if code != exitOK {
		t.Fatalf("meetings -json = exit %d, stderr:\n%s", code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(got) != 4 {
		t.Fatalf("got %d meetings, want the 4 instances:\n%s", len(got), out)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for i, m := range got {
		for _, k := range []string{"id", "title", "start", "end", "boss", "one_on_one", "boss_declined", "event_id", "recurring_event_id"} {
			if _, ok := m[k]; !ok {
				t.Errorf("meeting %d lacks %q", i, k)
			}
		}
		start, err := time.Parse(time.RFC3339, m["start"].(string))
		if err != nil {
			t.Fatalf("start %q: %v", m["start"], err)
		}
		want := first.AddDate(0, 0, 7*i)
		if !start.Equal(want) {
			t.Errorf("meeting %d starts %v, want %v", i, start, want)
		}
		// Printed in the configured zone, with that zone's offset on that day.
		if wantText := want.In(berlin).Format(time.RFC3339); m["start"] != wantText {
			t.Errorf("meeting %d start = %q, want %q", i, m["start"], wantText)
		}
		if m["boss"] != "Dana Whitfield" || m["one_on_one"] != true || m["recurring_event_id"] != "dana11" {
			t.Errorf("meeting %d = %v", i, m)
		}
	}
}

func TestMeetingsTable(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	first := nySeries(t, srv)
	cfg := setup(t, srv, "")

	out, errOut, code := runCLI(t, "meetings", "-days", "3", "-config", cfg)
	if code != exitOK {
		t.Fatalf("meetings = exit %d, stderr:\n%s", code, errOut)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, want := range []string{"Meetings with your bosses in the next 3 days (Europe/Berlin)", "Dana / me 1:1", "Dana Whitfield", "1:1",
		first.In(berlin).Format("Mon 2 Jan 15:04") + "–" + first.Add(30*time.Minute).In(berlin).Format("15:04")} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "Dana / me 1:1") != 1 {
		t.Errorf("-days 3 should show one instance:\n%s", out)
	}

	// Offline: no request at all.
	srv.ResetStats()
	if _, _, code := runCLI(t, "meetings", "-offline", "-config", cfg); code != exitOK {
		t.Errorf("meetings -offline = exit %d", code)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("meetings -offline made %d requests, want 0", n)
	}
}

func TestMeetingsSyncFailure(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	nySeries(t, srv)
	cfg := setup(t, srv, "")
	if _, _, code := runCLI(t, "meetings", "-config", cfg); code != exitOK {
		t.Fatal("first run failed")
	}
	srv.FailNext(1, 400, "badRequest")
	out, errOut, code := runCLI(t, "meetings", "-config", cfg)
	if code != exitFail {
		t.Errorf("meetings with a failing API = exit %d, want %d", code, exitFail)
	}
	if !strings.Contains(errOut, "could not sync the calendar") || !strings.Contains(errOut, "as of the last sync") {
		t.Errorf("stderr = %q", errOut)
	}
	if !strings.Contains(out, "Dana / me 1:1") {
		t.Errorf("stored meetings not shown after a failed sync:\n%s", out)
	}
}

func TestConfigErrorsExit2(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	cfg := setup(t, srv, "\n[google2]\npoll = \"2m\"\n")
	_, errOut, code := runCLI(t, "meetings", "-config", cfg)
	if code != exitConfig {
		t.Errorf("meetings with an unknown table = exit %d, want %d", code, exitConfig)
	}
	if !strings.Contains(errOut, "google2") || !strings.Contains(errOut, "config.toml:12: google2") {
		t.Errorf("stderr does not name the key and its line:\n%s", errOut)
	}
	if _, _, code := runCLI(t, "meetings", "-config", filepath.Join(t.TempDir(), "missing.toml")); code != exitConfig {
		t.Errorf("missing config = exit %d, want %d", code, exitConfig)
	}
	if _, _, code := runCLI(t, "meetings", "-days", "x"); code != exitConfig {
		t.Errorf("bad flag = exit %d, want %d", code, exitConfig)
	}
	if _, _, code := runCLI(t, "frobnicate"); code != exitConfig {
		t.Errorf("unknown command = exit %d, want %d", code, exitConfig)
	}
}

func TestMissingTokenSaysRunAuth(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	cfg := setup(t, srv, "")
	os.Remove(filepath.Join(filepath.Dir(cfg), "state", "google-token.json"))
	_, errOut, code := runCLI(t, "meetings", "-config", cfg)
	if code == exitOK || !strings.Contains(errOut, "leadup auth") {
		t.Errorf("meetings without a token = exit %d, stderr %q; want a failure that says to run leadup auth", code, errOut)
	}
}

func TestHelpAndVersion(t *testing.T) {
	out, _, code := runCLI(t, "help")
	if code != exitOK || !strings.Contains(out, "meetings") || !strings.Contains(out, "auth") {
		t.Errorf("help = exit %d:\n%s", code, out)
	}
	out, _, code = runCLI(t, "help", "auth")
	if code != exitOK || !strings.Contains(out, "ssh -L") || !strings.Contains(out, "-no-browser") {
		t.Errorf("help auth = exit %d:\n%s", code, out)
	}
	_, errOut, code := runCLI(t, "meetings", "-h")
	if code != exitOK || !strings.Contains(errOut, "-json") {
		t.Errorf("meetings -h = exit %d:\n%s", code, errOut)
	}
	out, _, code = runCLI(t, "version")
	if code != exitOK || !strings.HasPrefix(out, "leadup ") {
		t.Errorf("version = exit %d, %q", code, out)
	}
}

func TestExpiredTokenIsRefreshedAndSaved(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	nySeries(t, srv)
	srv.AcceptTokens("fresh-access")
	var refreshes int
	grant := "ok"
	tokenEndpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Form.Get("grant_type") != "refresh_token" || r.Form.Get("refresh_token") != "refresh" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		refreshes++
		w.Header().Set("Content-Type", "application/json")
		if grant != "ok" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`)
			return
		}
		fmt.Fprint(w, `{"access_token":"fresh-access","token_type":"Bearer","expires_in":3599,"scope":"https://www.googleapis.com/auth/calendar.events.readonly"}`)
	}))
	defer tokenEndpoint.Close()
	expired := &oauth2.Token{AccessToken: "old-access", RefreshToken: "refresh", TokenType: "Bearer", Expiry: time.Now().Add(-time.Minute)}
	cfg := setupWith(t, srv, "", tokenEndpoint.URL, expired)

	if _, errOut, code := runCLI(t, "meetings", "-config", cfg); code != exitOK {
		t.Fatalf("meetings with an expired token = exit %d:\n%s", code, errOut)
	}
	if refreshes != 1 {
		t.Errorf("token refreshed %d times, want 1", refreshes)
	}
	path := filepath.Join(filepath.Dir(cfg), "state", "google-token.json")
	saved, err := googleauth.ReadToken(path)
	if err != nil || saved.AccessToken != "fresh-access" || saved.RefreshToken != "refresh" {
		t.Errorf("saved token = %+v, %v; want the refreshed access token and the old refresh token", saved, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}

	// Google revokes the grant: the error says what to do.
	expired.AccessToken = "old-access"
	if err := googleauth.WriteToken(path, expired); err != nil {
		t.Fatal(err)
	}
	grant = "revoked"
	_, errOut, code := runCLI(t, "meetings", "-config", cfg)
	if code != exitFail || !strings.Contains(errOut, "leadup auth") || !strings.Contains(errOut, "7 days") {
		t.Errorf("meetings after invalid_grant = exit %d, stderr:\n%s", code, errOut)
	}
}

func TestMissingClientFileExit2(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	cfg := setup(t, srv, "")
	os.Remove(filepath.Join(filepath.Dir(cfg), "client_secret.json"))
	_, errOut, code := runCLI(t, "meetings", "-config", cfg)
	if code != exitConfig || !strings.Contains(errOut, "google.client_file") {
		t.Errorf("meetings without a client file = exit %d, stderr:\n%s", code, errOut)
	}
}

func TestOneLineDefusesTitles(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Dana / me", "Dana / me"},
		{"two\nlines\tand  tabs", "two lines and tabs"},
		{"\x1b[2J\x1b]0;pwned\x07Budget", "[2J]0;pwnedBudget"},
		{"\u202eevil\u202c sync", "evil sync"},
		{"", "(no title)"},
		{strings.Repeat("é", 70), strings.Repeat("é", 59) + "…"},
	}
	for _, tt := range tests {
		if got := oneLine(tt.in); got != tt.want {
			t.Errorf("oneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The units must not restart a configuration mistake, and must restart a
// crash: a Go panic exits with status 2.
func TestUnitsPreventRestartOnConfigStatus(t *testing.T) {
	if exitConfig == 2 {
		t.Fatal("exitConfig = 2, the status of a Go panic")
	}
	want := fmt.Sprintf("\nRestartPreventExitStatus=%d\n", exitConfig)
	for _, unit := range []string{"leadup.service", "leadup-user.service"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "systemd", unit))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("systemd/%s lacks %q", unit, strings.TrimSpace(want))
		}
	}
}
