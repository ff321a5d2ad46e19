package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
		// While it waits, a line on why rather than silence.
		"Waiting 2s for the follow-up.\n  Why: ",
		"The meeting ended; the follow-up arrived:",
		"Subject: Follow-up: Dana / Sam 1:1, ",
		"$ leadup ingest -config " + dir + "/config.toml reply.eml",
		"leadup: logged 5 items and closed 0, from the meeting with Dana Whitfield (Dana / Sam 1:1, ",
		// The confirmation, in full.
		"leadup confirmed in the same thread what it logged",
		"Subject: Re: Follow-up: Dana / Sam 1:1, ",
		"Logged from your reply about Dana / Sam 1:1",
		"- [1] Send Dana the revised cut-over plan (you, due ",
		"Reply to this email to fix anything",
		"Send Dana the revised cut-over plan",
		"The brief for the roadmap review with Dana carries",
		"Subject: Prep: Q2 roadmap review with Dana",
		"FOLLOW-THROUGH",
		"- Send Dana the revised cut-over plan (new today, due Fri)",
		// Addressed to the roadmap review: a point goes to the next 1:1
		// unless it names another meeting.
		"- [roadmap review] The second senior hire: where is the offer?",
		// The digest, composed from the demo's store and labelled as such.
		"$ leadup preview -kind digest -config " + dir + "/config.toml",
		"This is what Friday's would say",
		"Friday's weekly digest (not sent)",
		"Subject: Your week to Fri ",
		"STATUS UPDATE FOR DANA",
		"Hi Dana,",
		"- Send Dana the revised cut-over plan (due ",
		"Everything is still in " + dir,
		// The HTML parts, named in the order they arrived.
		"Open the emails in a browser",
		dir + "/html/01-brief.html",
		dir + "/html/02-followup.html",
		dir + "/html/03-confirm.html",
		dir + "/html/04-brief.html",
		dir + "/html/05-digest.html",
		"any mail client that reads a Maildir",
		// The hints name the program that is running: here, the test binary.
		demoInvocation(os.Args[0]) + " meetings -config " + dir + "/config.toml",
	}
	at := 0
	for _, s := range steps {
		i := strings.Index(out[at:], s)
		if i < 0 {
			t.Fatalf("demo output lacks %q after offset %d:\n%s", s, at, out)
		}
		at += i + len(s)
	}
	if strings.Contains(out, "ics:file:") {
		t.Errorf("demo output shows a meeting's store key (ics:file:…):\n%s", out)
	}
	for _, name := range []string{"01-brief", "02-followup", "03-confirm", "04-brief", "05-digest"} {
		b, err := os.ReadFile(filepath.Join(dir, "html", name+".html"))
		if err != nil || !strings.HasPrefix(string(b), "<!DOCTYPE html>") {
			t.Errorf("html/%s.html = %.40q, %v; want an HTML document", name, b, err)
		}
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

// TestDemoInvocation checks how the demo's closing hints name the program.
func TestDemoInvocation(t *testing.T) {
	tests := []struct {
		name, arg0, want string
	}{
		{"go run", "/tmp/go-build1509114011/b001/exe/leadup", "go run ./cmd/leadup"},
		{"go run, cached", "/home/sam/.cache/go-build/3f/3f9a-d/leadup", "go run ./cmd/leadup"},
		{"on PATH", "leadup", "leadup"},
		{"built here", "./leadup", "./leadup"},
		{"installed", "/home/sam/go/bin/leadup", "/home/sam/go/bin/leadup"},
		{"a test binary", "/tmp/go-build1/b001/leadup.test", "/tmp/go-build1/b001/leadup.test"},
		{"a space", "/home/sam/my tools/leadup", "'/home/sam/my tools/leadup'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := demoInvocation(tt.arg0); got != tt.want {
				t.Errorf("demoInvocation(%q) = %q, want %q", tt.arg0, got, tt.want)
			}
		})
	}
}

// TestWholeSecond: the demo calendar's times are rounded up, never down,
// so that at -speed 50 the 1:1 does not start before its brief is due.
func TestWholeSecond(t *testing.T) {
	base := time.Date(2026, 12, 6, 12, 42, 53, 0, time.UTC)
	for in, want := range map[time.Duration]time.Duration{
		0: 0, time.Nanosecond: time.Second, 800 * time.Millisecond: time.Second, time.Second: time.Second,
		1999 * time.Millisecond: 2 * time.Second,
	} {
		if got := wholeSecond(base.Add(in)); !got.Equal(base.Add(want)) {
			t.Errorf("wholeSecond(+%v) = +%v, want +%v", in, got.Sub(base), want)
		}
	}
}
