package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/config"
)

const sampleReply = "From: Sam <me@example.com>\r\nTo: leadup@example.com\r\nSubject: Re: Follow-up\r\n" +
	"Date: Tue, 24 Nov 2026 18:20:00 +0100\r\nMessage-ID: <r1@mail.example.com>\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
	"Decisions:\r\n- Ship on March 3\r\n\r\nAction items:\r\n- Dana: intro me to Jordan by Friday\r\n- send the deck\r\n\r\n" +
	"done 12\r\napplied 7\r\n\r\nThanks,\r\nSam\r\n\r\nOn Tue, 24 Nov 2026 at 17:05, leadup <leadup@example.com> wrote:\r\n> Decisions:\r\n> -\r\n"

func TestParseReply(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	cfg := setup(t, srv, "")
	file := filepath.Join(t.TempDir(), "reply.eml")
	os.WriteFile(file, []byte(sampleReply), 0o600)

	out, errOut, code := runCLI(t, "parse-reply", "-config", cfg, file)
	if code != exitOK {
		t.Fatalf("parse-reply = exit %d:\n%s", code, errOut)
	}
	var got struct {
		Text      string   `json:"text"`
		Decisions []string `json:"decisions"`
		Actions   []struct {
			Text, Owner string
			Due         *string
		} `json:"actions"`
		Feedback, Notes, Topics []string
		Done                    []int `json:"done"`
		Applied                 []int `json:"applied"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if strings.Contains(got.Text, "wrote:") || len(got.Decisions) != 1 || len(got.Actions) != 2 || len(got.Done) != 1 || got.Done[0] != 12 {
		t.Fatalf("parse = %+v", got)
	}
	if a := got.Actions[0]; a.Owner != "boss" || a.Due == nil || *a.Due != "2026-11-27" || a.Text != "intro me to Jordan" {
		t.Errorf("first action = %+v, want Dana's, due 2026-11-27", a)
	}
	if len(got.Applied) != 1 || got.Applied[0] != 7 {
		t.Errorf("applied = %v, want [7]", got.Applied)
	}
	if got.Feedback == nil || got.Notes == nil || got.Topics == nil {
		t.Error("empty lists must be [] in JSON, not null")
	}
	// Without -config, owners stay as written.
	out, _, _ = runCLI(t, "parse-reply", file)
	if !strings.Contains(out, `"owner": "Dana"`) {
		t.Errorf("parse-reply without config should keep the owner as written:\n%s", out)
	}
	if _, _, code := runCLI(t, "parse-reply", filepath.Join(t.TempDir(), "missing.eml")); code == exitOK {
		t.Error("parse-reply of a missing file = exit 0")
	}
}

func TestIngestItemsAndLog(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	smtpSrv, settings := mailSettings(t)
	start := time.Now().Add(-2 * time.Hour)
	danaMeeting(srv, "past", start)
	cfgPath := setup(t, srv, settings)
	if _, errOut, code := runCLI(t, "meetings", "-config", cfgPath); code != exitOK {
		t.Fatalf("meetings: %s", errOut)
	}
	// Send the follow-up through a daemon, as "leadup run" would.
	cfg, err := config.Load(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := daemon.Open(context.Background(), daemon.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	msgs, err := smtpSrv.WaitForMessages(wctx, 1)
	cancel()
	<-done
	d.Close()
	if err != nil {
		t.Fatalf("no follow-up: %v", err)
	}
	followupID := msgs[0].MessageID

	reply := strings.Replace(sampleReply, "To: leadup@example.com\r\n",
		"To: leadup@example.com\r\nIn-Reply-To: <"+followupID+">\r\n", 1)
	file := filepath.Join(t.TempDir(), "reply.eml")
	os.WriteFile(file, []byte(reply), 0o600)
	_, errOut, code := runCLI(t, "ingest", "-config", cfgPath, file)
	if code != exitOK || !strings.Contains(errOut, "logged 3 items") {
		t.Fatalf("ingest = exit %d, stderr %q", code, errOut)
	}
	// The confirmation went out at once.
	if msgs, err := smtpSrv.WaitForMessages(wctx, 2); err != nil || !strings.Contains(string(msgs[1].Data), "In-Reply-To: <r1@mail.example.com>") {
		t.Errorf("confirmation: %v", err)
	}
	if _, errOut, code := runCLI(t, "ingest", "-config", cfgPath, file); code != exitOK || !strings.Contains(errOut, "already processed") {
		t.Errorf("ingest again = exit %d, %q", code, errOut)
	}
	stranger := strings.Replace(reply, "From: Sam <me@example.com>", "From: mallory@evil.example", 1)
	stranger = strings.Replace(stranger, "r1@mail.example.com", "r9@evil.example", 1)
	os.WriteFile(file, []byte(stranger), 0o600)
	if _, errOut, code := runCLI(t, "ingest", "-config", cfgPath, file); code != exitOK || !strings.Contains(errOut, "ignored") {
		t.Errorf("ingest of a stranger's email = exit %d, %q", code, errOut)
	}

	// The user's own email that answers nothing: ignored, and status says why.
	note := "From: Sam <me@example.com>\r\nTo: me@example.com\r\nSubject: groceries\r\nMessage-ID: <n1@mail.example.com>\r\n" +
		"Date: Tue, 24 Nov 2026 18:20:00 +0100\r\n\r\nmilk\r\n"
	os.WriteFile(file, []byte(note), 0o600)
	if _, errOut, code := runCLI(t, "ingest", "-config", cfgPath, file); code != exitOK || !strings.Contains(errOut, "ignored") {
		t.Errorf("ingest of a note to self = exit %d, %q", code, errOut)
	}
	if out, _, _ := runCLI(t, "status", "-config", cfgPath); !strings.Contains(out, "did not act on") ||
		!strings.Contains(out, "groceries") || !strings.Contains(out, "not a reply to a leadup email") ||
		!strings.Contains(out, "mallory@evil.example") || !strings.Contains(out, "sender not in mail.accept_from") ||
		!strings.Contains(out, "Talking points between meetings: email me+leadup-") {
		t.Errorf("status should list the user's ignored email and the forged reply, with their reasons:\n%s", out)
	}

	out, _, code := runCLI(t, "items", "-json", "-config", cfgPath)
	var items []map[string]any
	if err := json.Unmarshal([]byte(out), &items); code != exitOK || err != nil || len(items) != 2 {
		t.Fatalf("items -json = exit %d, %v:\n%s", code, err, out)
	}
	for _, k := range []string{"id", "text", "owner", "due", "status", "boss"} {
		if _, ok := items[0][k]; !ok {
			t.Errorf("items -json lacks %q", k)
		}
	}
	if items[0]["owner"] != "boss" || items[0]["due"] != "2026-11-27" || items[0]["status"] != "open" {
		t.Errorf("first item = %v", items[0])
	}
	// The decision, logged first, takes no number: the actions are 1 and 2.
	if items[0]["id"] != float64(1) || items[1]["id"] != float64(2) {
		t.Errorf("items -json ids = %v, %v; want the numbers 1 and 2", items[0]["id"], items[1]["id"])
	}
	id := int(items[1]["id"].(float64))
	if out, _, code := runCLI(t, "items", "done", "-config", cfgPath); code != exitConfig {
		t.Errorf("items done without ids = exit %d: %s", code, out)
	}
	out, errOut, code = runCLI(t, "items", "-config", cfgPath, "done", strconv.Itoa(id))
	if code != exitOK || !strings.Contains(out, "closed") {
		t.Errorf("items done %d = exit %d: %s %s", id, code, out, errOut)
	}
	out, _, _ = runCLI(t, "items", "-config", cfgPath)
	if strings.Contains(out, "send the deck") || !regexp.MustCompile(`(?m)^1 +intro me to Jordan`).MatchString(out) {
		t.Errorf("items after closing one, want item 1 still open:\n%s", out)
	}
	out, _, code = runCLI(t, "log", "-config", cfgPath)
	for _, want := range []string{"# Meeting log", "Dana / me", "**Decisions**", "Ship on March 3", "**Action items**", "#2", "done "} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runCLI(t, "log", "-format", "json", "-boss", "Dana Whitfield", "-config", cfgPath)
	var entries []map[string]any
	if err := json.Unmarshal([]byte(out), &entries); code != exitOK || err != nil || len(entries) != 1 {
		t.Errorf("log -format json = exit %d, %v:\n%s", code, err, out)
	}
}
