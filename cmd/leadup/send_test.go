package main

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"strings"
	"testing"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/mail/mailtest"
)

func mailSettings(t testing.TB) (*mailtest.Server, string) {
	t.Helper()
	srv, err := mailtest.NewServer(mailtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, fmt.Sprintf(`
[brief]
before = ["1h"]

[mail]
from = "leadup <leadup@example.com>"
to = "me@example.com"

[smtp]
host = "127.0.0.1"
port = %d
security = "none"
auth = "none"
`, srv.Port())
}

func danaMeeting(srv *googletest.Server, id string, start time.Time) {
	srv.Put("primary", &calendarapi.Event{
		Id: id, Summary: "Dana / me",
		Start:     &calendarapi.EventDateTime{DateTime: start.Format(time.RFC3339)},
		End:       &calendarapi.EventDateTime{DateTime: start.Add(30 * time.Minute).Format(time.RFC3339)},
		Organizer: &calendarapi.EventOrganizer{Email: "dana@example.com"},
		Attendees: []*calendarapi.EventAttendee{
			{Email: "dana@example.com", Organizer: true, ResponseStatus: "accepted"},
			{Email: "me@example.com", Self: true, ResponseStatus: "accepted"},
		},
		Description: "<b>Agenda</b><ul><li>Hiring plan</li></ul>",
	})
}

func TestRunNeedsMailSettings(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	cfg := setup(t, srv, "")
	_, errOut, code := runCLI(t, "run", "-config", cfg)
	if code != exitConfig || !strings.Contains(errOut, "mail.from") || !strings.Contains(errOut, "smtp.host") {
		t.Errorf("run without [mail] and [smtp] = exit %d, stderr:\n%s", code, errOut)
	}
}

func TestRunSendsAndStops(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	smtpSrv, settings := mailSettings(t)
	danaMeeting(srv, "soon", time.Now().Add(30*time.Minute)) // its brief is overdue: goes at once
	cfg := setup(t, srv, settings)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var out, errb bytes.Buffer
	go func() { done <- runCommand(ctx, []string{"run", "-config", cfg}, &out, &errb) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	msgs, err := smtpSrv.WaitForMessages(wctx, 1)
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("run = exit %d after cancel; stderr:\n%s", code, errb.String())
	}
	if err != nil {
		t.Fatalf("no brief arrived: %v; stderr:\n%s", err, errb.String())
	}
	if !strings.Contains(string(msgs[0].Data), "Subject: [late] Prep:") {
		t.Errorf("brief:\n%.400s", msgs[0].Data)
	}
	if !strings.Contains(errb.String(), "level=INFO") || !strings.Contains(errb.String(), "sent") {
		t.Errorf("run should log at info by default; stderr:\n%s", errb.String())
	}
}

func TestStatusAndPreview(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	_, settings := mailSettings(t)
	danaMeeting(srv, "later", time.Now().Add(3*time.Hour))
	cfg := setup(t, srv, settings)
	if _, errOut, code := runCLI(t, "meetings", "-config", cfg); code != exitOK {
		t.Fatalf("meetings = exit %d:\n%s", code, errOut)
	}

	out, errOut, code := runCLI(t, "status", "-config", cfg)
	if code != exitOK {
		t.Fatalf("status = exit %d:\n%s", code, errOut)
	}
	for _, want := range []string{"last synced", "Planned:", "brief (1h before)", "followup", "Dana / me", "Outbox:", "nothing sent or queued"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}

	out, errOut, code = runCLI(t, "preview", "-next", "-config", cfg)
	if code != exitOK || !strings.HasPrefix(out, "Subject: Prep:") || !strings.Contains(out, "Hiring plan") {
		t.Errorf("preview -next = exit %d:\n%s\n%s", code, out, errOut)
	}
	out, _, code = runCLI(t, "preview", "-next", "-format", "html", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "<html") || strings.Contains(out, "<b>Agenda</b><ul>") {
		t.Errorf("preview -format html = exit %d:\n%.300s", code, out)
	}
	out, _, code = runCLI(t, "preview", "-next", "-kind", "followup", "-format", "eml", "-config", cfg)
	msg, err := mail.ReadMessage(strings.NewReader(out))
	if code != exitOK || err != nil || msg.Header.Get("Message-ID") == "" || msg.Header.Get("Reply-To") != "" {
		t.Errorf("preview -format eml = exit %d, %v, headers %v", code, err, msg)
	}
	out, _, code = runCLI(t, "preview", "-sample", "-kind", "followup")
	if code != exitOK || !strings.Contains(out, "Decisions:") {
		t.Errorf("preview -sample -kind followup = exit %d:\n%s", code, out)
	}
	// Previewing sent nothing and queued nothing.
	out, _, _ = runCLI(t, "status", "-config", cfg)
	if !strings.Contains(out, "nothing sent or queued") {
		t.Errorf("preview queued something:\n%s", out)
	}

	for _, args := range [][]string{
		{"preview", "-config", cfg},
		{"preview", "-next", "-sample", "-config", cfg},
		{"preview", "-next", "-kind", "memo", "-config", cfg},
		{"preview", "-next", "-format", "pdf", "-config", cfg},
	} {
		if _, _, code := runCLI(t, args...); code != exitConfig {
			t.Errorf("%v = exit %d, want %d", args, code, exitConfig)
		}
	}
}
