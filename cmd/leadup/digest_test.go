package main

import (
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
)

// TestPreviewAndStatusDigest: the weekly digest shows in "leadup status"
// and previews like the other kinds, from the store or the sample.
func TestPreviewAndStatusDigest(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	_, settings := mailSettings(t)
	danaMeeting(srv, "later", time.Now().Add(3*time.Hour))
	cfg := setup(t, srv, settings+"\n[digest]\nweekly = \"Fri 16:00\"\n")
	if _, errOut, code := runCLI(t, "meetings", "-config", cfg); code != exitOK {
		t.Fatalf("meetings = exit %d:\n%s", code, errOut)
	}

	out, errOut, code := runCLI(t, "status", "-days", "8", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "weekly digest") || !strings.Contains(out, "all bosses") {
		t.Errorf("status = exit %d, want the digest planned:\n%s\n%s", code, out, errOut)
	}

	out, errOut, code = runCLI(t, "preview", "-kind", "digest", "-config", cfg)
	if code != exitOK || !strings.HasPrefix(out, "Subject: Your week to Fri ") || !strings.Contains(out, "STATUS UPDATE FOR DANA") {
		t.Errorf("preview -kind digest = exit %d:\n%s\n%s", code, out, errOut)
	}
	out, _, code = runCLI(t, "preview", "-next", "-kind", "digest", "-format", "eml", "-config", cfg)
	msg, err := mail.ReadMessage(strings.NewReader(out))
	if code != exitOK || err != nil || !strings.HasPrefix(msg.Header.Get("Message-ID"), "<leadup.digest.") {
		t.Errorf("preview -kind digest -format eml = exit %d, %v:\n%.400s", code, err, out)
	}
	out, _, code = runCLI(t, "preview", "-kind", "digest", "-format", "html", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "<html") || !strings.Contains(out, "Status update for Dana") {
		t.Errorf("preview -kind digest -format html = exit %d:\n%.300s", code, out)
	}
	out, _, code = runCLI(t, "preview", "-sample", "-kind", "digest")
	if code != exitOK || !strings.Contains(out, "Hi Dana,") || !strings.Contains(out, "Hi Sam,") {
		t.Errorf("preview -sample -kind digest = exit %d:\n%s", code, out)
	}
	out, _, code = runCLI(t, "preview", "-sample", "-kind", "digest", "-format", "html")
	if code != exitOK || !strings.Contains(out, "max-width:600px") {
		t.Errorf("preview -sample -kind digest -format html = exit %d:\n%.300s", code, out)
	}
	// Previewing queued nothing.
	if out, _, _ := runCLI(t, "status", "-config", cfg); !strings.Contains(out, "nothing sent or queued") {
		t.Errorf("preview queued something:\n%s", out)
	}
	if _, errOut, code := runCLI(t, "preview", "-kind", "digest", "-meeting", "x", "-config", cfg); code != exitConfig ||
		!strings.Contains(errOut, "no meeting") {
		t.Errorf("preview -kind digest -meeting = exit %d, %q; want %d", code, errOut, exitConfig)
	}

	off := setup(t, srv, settings+"\n[digest]\nweekly = \"\"\n")
	// preview only reads the state: a sync makes the database it reads.
	if _, errOut, code := runCLI(t, "meetings", "-config", off); code != exitOK {
		t.Fatalf("meetings = exit %d:\n%s", code, errOut)
	}
	out, errOut, code = runCLI(t, "preview", "-kind", "digest", "-config", off)
	if code != exitOK || !strings.Contains(errOut, "the digest is off") || !strings.Contains(out, "Your week to Fri") {
		t.Errorf("preview -kind digest with the digest off = exit %d:\n%s\n%s", code, out, errOut)
	}
	if out, _, _ := runCLI(t, "status", "-days", "8", "-config", off); strings.Contains(out, "weekly digest") {
		t.Errorf("status plans a digest that is off:\n%s", out)
	}
}
