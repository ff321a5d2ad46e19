package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meetinglog"
)

// TestItemsApplied: "leadup items" lists open feedback under the actions;
// "items applied N" closes feedback, "items done N" on feedback does too,
// and "applied" on an action is refused.
func TestItemsApplied(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	cfgPath := setup(t, srv, "")
	cfg, err := config.Load(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d, err := daemon.Open(ctx, daemon.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	add := func(kind meetinglog.Kind, text string) string {
		t.Helper()
		n, err := d.Store().AddItem(ctx, meetinglog.Item{Boss: "Dana Whitfield", Kind: kind, Owner: "me", Text: text})
		if err != nil {
			t.Fatalf("AddItem(%q) = %v", text, err)
		}
		return strconv.FormatInt(n, 10)
	}
	action := add(meetinglog.Action, "Send the deck")
	risks := add(meetinglog.Feedback, "Lead with the risks")
	shorter := add(meetinglog.Feedback, "Keep the update shorter")
	d.Close()

	out, errOut, code := runCLI(t, "items", "-config", cfgPath)
	if code != exitOK || !regexp.MustCompile(`(?m)^`+action+` +Send the deck`).MatchString(out) ||
		!strings.Contains(out, "Feedback to act on") || !regexp.MustCompile(`(?m)^`+risks+` +Lead with the risks +Dana Whitfield`).MatchString(out) {
		t.Errorf("items = exit %d, %s\n%s; want the action, then the feedback", code, errOut, out)
	}
	out, _, _ = runCLI(t, "items", "-json", "-config", cfgPath)
	var items []map[string]any
	if err := json.Unmarshal([]byte(out), &items); err != nil || len(items) != 3 || items[0]["kind"] != "action" ||
		items[1]["kind"] != "feedback" || items[1]["owner"] != "boss" || items[1]["status"] != "open" {
		t.Errorf("items -json = %v:\n%s", err, out)
	}

	if out, errOut, code := runCLI(t, "items", "-config", cfgPath, "applied", action); code != exitFail || !strings.Contains(errOut, "no open feedback") {
		t.Errorf("items applied %s (an action) = exit %d: %s %s", action, code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "items", "-config", cfgPath, "applied", "#"+risks); code != exitOK || out != "applied "+risks+"\n" {
		t.Errorf("items applied %s = exit %d: %q %s", risks, code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "items", "-config", cfgPath, "done", shorter+","+action); code != exitOK ||
		out != "closed "+action+"\napplied "+shorter+"\n" {
		t.Errorf("items done %s,%s = exit %d: %q %s", shorter, action, code, out, errOut)
	}
	if out, _, code := runCLI(t, "items", "applied", "-config", cfgPath); code != exitConfig {
		t.Errorf("items applied without ids = exit %d: %s", code, out)
	}
	out, _, _ = runCLI(t, "items", "-config", cfgPath)
	if !strings.Contains(out, "No open action items or feedback") {
		t.Errorf("items after closing all = %s", out)
	}
	out, _, _ = runCLI(t, "items", "-all", "-json", "-config", cfgPath)
	if !strings.Contains(out, `"status": "applied"`) {
		t.Errorf("items -all -json lacks the applied feedback:\n%s", out)
	}
}
