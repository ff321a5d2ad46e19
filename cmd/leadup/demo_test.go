package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs "leadup demo" twenty times faster than a person would see
// it, and checks the story it tells and the workspace it leaves.
func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	out, errOut, code := runCLI(t, "demo", "-speed", "20", "-dir", dir)
	if code != exitOK {
		t.Fatalf("demo = exit %d:\n%s\n%s", code, out, errOut)
	}
	steps := []string{
		"Workspace: " + dir,
		"The prep brief for your 1:1 arrived",
		"Subject: Prep: Dana / Sam 1:1, ",
		"Bottom line first",
		"The meeting ended; the follow-up arrived:",
		"Subject: Follow-up: Dana / Sam 1:1, ",
		"$ leadup ingest -config " + dir + "/config.toml reply.eml",
		"leadup: logged 5 items and closed 0, from the meeting with Dana Whitfield",
		"leadup confirmed in the same thread what it logged",
		"Send Dana the revised cut-over plan",
		"The brief for the roadmap review with Dana carries",
		"Subject: Prep: Q2 roadmap review with Dana",
		"FOLLOW-THROUGH",
		"- Send Dana the revised cut-over plan (new today, due Fri)",
		// Addressed to the roadmap review: a point goes to the next 1:1
		// unless it names another meeting.
		"- [roadmap review] The second senior hire: where is the offer?",
		"Everything is still in " + dir,
		"go run ./cmd/leadup meetings -config " + dir + "/config.toml",
	}
	at := 0
	for _, s := range steps {
		i := strings.Index(out[at:], s)
		if i < 0 {
			t.Fatalf("demo output lacks %q after offset %d:\n%s", s, at, out)
		}
		at += i + len(s)
	}
	// Four emails from leadup and nothing left half-written.
	news, _ := os.ReadDir(filepath.Join(dir, "Maildir", "new"))
	tmps, _ := os.ReadDir(filepath.Join(dir, "Maildir", "tmp"))
	if len(news) != 4 || len(tmps) != 0 {
		t.Errorf("Maildir: %d in new, %d in tmp; want the brief, follow-up, confirmation and brief, and nothing in tmp", len(news), len(tmps))
	}
	for _, f := range []string{"config.toml", "calendar.ics", "reply.eml", "leadup.log", "state/leadup.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("workspace lacks %s: %v", f, err)
		}
	}
	// The workspace answers the commands the closing lines suggest.
	out, errOut, code = runCLI(t, "meetings", "-config", filepath.Join(dir, "config.toml"))
	if code != exitOK || !strings.Contains(out, "Dana / Sam 1:1") || !strings.Contains(out, "Dana Whitfield") {
		t.Errorf("meetings on the demo's workspace = exit %d:\n%s\n%s", code, out, errOut)
	}
}
