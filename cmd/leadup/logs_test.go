package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	"github.com/leadup/leadup/daemon/mail/mailtest"
)

// TestLogsKeepSecrets runs "leadup run" at debug level with every kind of
// secret configured, and greps its logs for them: passwords, tokens, the
// client secret and the body of the emails must never appear.
func TestLogsKeepSecrets(t *testing.T) {
	const (
		smtpPassword = "smtp-Secret-0xC0FFEE"
		accessToken  = "ya29.Secret-Access-9f8e"
		refreshToken = "1//Secret-Refresh-7d6c"
		clientSecret = "GOCSPX-Secret-Client-42"
		bodyMarker   = "Agenda-Body-Marker-5150"
	)
	srv := googletest.NewServer()
	defer srv.Close()
	smtpSrv, err := mailtest.NewServer(mailtest.Options{Username: "leadup", Password: smtpPassword})
	if err != nil {
		t.Fatal(err)
	}
	defer smtpSrv.Close()
	srv.Put("primary", &calendarapi.Event{
		Id: "soon", Summary: "Dana / me", Description: "<p>" + bodyMarker + "</p>",
		Start:     &calendarapi.EventDateTime{DateTime: time.Now().Add(20 * time.Minute).Format(time.RFC3339)},
		End:       &calendarapi.EventDateTime{DateTime: time.Now().Add(50 * time.Minute).Format(time.RFC3339)},
		Organizer: &calendarapi.EventOrganizer{Email: "dana@example.com"},
		Attendees: []*calendarapi.EventAttendee{{Email: "dana@example.com", ResponseStatus: "accepted"},
			{Email: "me@example.com", Self: true, ResponseStatus: "accepted"}},
	})
	cfg := setup(t, srv, fmt.Sprintf(`
[brief]
before = ["1h"]
[mail]
from = "leadup@example.com"
to = "me@example.com"
[smtp]
host = "127.0.0.1"
port = %d
security = "none"
auth = "plain"
username = "leadup"
password_command = "printf %s"
`, smtpSrv.Port(), smtpPassword))
	dir := filepath.Dir(cfg)
	client := `{"installed":{"client_id":"id","client_secret":"` + clientSecret + `","auth_uri":"http://127.0.0.1:1/a","token_uri":"http://127.0.0.1:1/t"}}`
	os.WriteFile(filepath.Join(dir, "client_secret.json"), []byte(client), 0o600)
	tok := &oauth2.Token{AccessToken: accessToken, RefreshToken: refreshToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	if err := googleauth.WriteToken(filepath.Join(dir, "state", "google-token.json"), tok); err != nil {
		t.Fatal(err)
	}

	secrets := []string{smtpPassword, accessToken, refreshToken, clientSecret, bodyMarker}
	ctx, cancel := context.WithCancel(context.Background())
	var out, logs bytes.Buffer
	done := make(chan int)
	go func() {
		done <- runCommand(ctx, []string{"run", "-config", cfg, "-log-level", "debug"}, &out, &logs)
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	_, err = smtpSrv.WaitForMessages(wctx, 1)
	cancel()
	if code := <-done; code != exitOK || err != nil {
		t.Fatalf("run = exit %d, %v:\n%s", code, err, logs.String())
	}
	if !strings.Contains(string(smtpSrv.Messages()[0].Data), bodyMarker) {
		t.Fatal("the brief lacks the agenda: the test proves nothing")
	}
	for _, secret := range secrets {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the logs contain %q:\n%s", secret, logs.String())
		}
	}

	// JSON logs, for other collectors: one object a line, no secrets either.
	_, jsonLogs, code := runCLI(t, "meetings", "-config", cfg, "-log-level", "debug", "-log-format", "json")
	if code != exitOK || !strings.Contains(jsonLogs, `"msg":"calendar synced"`) {
		t.Fatalf("meetings -log-format json = exit %d:\n%s", code, jsonLogs)
	}
	for _, line := range strings.Split(strings.TrimSpace(jsonLogs), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("not a JSON log line: %q", line)
		}
	}
	for _, secret := range secrets {
		if strings.Contains(jsonLogs, secret) {
			t.Errorf("the JSON logs contain %q", secret)
		}
	}
	if _, _, code := runCLI(t, "meetings", "-log-format", "xml", "-config", cfg); code != exitConfig {
		t.Errorf("-log-format xml = exit %d, want %d", code, exitConfig)
	}
}

func TestJournaldLogsHaveNoTimestamps(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	cfg := setup(t, srv, "")
	_, logs, code := runCLI(t, "meetings", "-config", cfg, "-log-level", "debug")
	if code != exitOK || !strings.Contains(logs, "time=") {
		t.Fatalf("plain logs = exit %d, want timestamps:\n%s", code, logs)
	}
	t.Setenv("JOURNAL_STREAM", "8:12345")
	_, logs, code = runCLI(t, "meetings", "-config", cfg, "-log-level", "debug")
	if code != exitOK || strings.Contains(logs, "time=") || !strings.Contains(logs, "level=DEBUG") {
		t.Errorf("logs under journald = exit %d, want level=… without time=:\n%s", code, logs)
	}
}
