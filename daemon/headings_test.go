package daemon_test

import (
	"context"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/ingest"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/templates"
)

// TestRenamedHeadingIsRead: a templates_dir whose follow-up renames a
// heading ("Next time" to "Agenda"), and the user answering inline under the
// renamed heading in the quoted follow-up. The heading the templates wrote
// is what says the answer is a talking point.
func TestRenamedHeadingIsRead(t *testing.T) {
	s := newStack(t, replySettings)
	src, err := templates.FS.ReadFile("followup.txt.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.Replace(string(src), "\nNext time:\n", "\nAgenda:\n", 1)
	if renamed == string(src) {
		t.Fatal(`the built-in followup.txt.tmpl has no "Next time:" line to rename`)
	}
	tmpl := filepath.Join(s.dir, "templates")
	if err := os.MkdirAll(tmpl, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmpl, "followup.txt.tmpl"), []byte(renamed), 0o600); err != nil {
		t.Fatal(err)
	}
	conf, err := os.ReadFile(s.config)
	if err != nil {
		t.Fatal(err)
	}
	conf = append([]byte(fmt.Sprintf("templates_dir = %q\n", tmpl)), conf...)
	if err := os.WriteFile(s.config, conf, 0o600); err != nil {
		t.Fatal(err)
	}

	start := time.Now().Truncate(time.Second).Add(-35 * time.Second)
	s.meetingWith("done", "Dana / me", "dana@example.com", start, 30*time.Second)
	d := s.start(t, daemon.Options{})
	p := parse(t, s.wait(t, 1)[0])
	text := strings.ReplaceAll(p.text, "\r\n", "\n")
	if !strings.Contains(text, "\nAgenda:\n") {
		t.Fatalf("the follow-up does not use the renamed heading:\n%s", text)
	}

	// The user types under the quoted "Agenda:" and its "-".
	var body strings.Builder
	body.WriteString("On Mon, 1 Jan 2026 at 10:00, leadup <leadup@example.com> wrote:\n")
	answered := false
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		body.WriteString(strings.TrimRight("> "+l, " ") + "\n")
		if !answered && i > 0 && lines[i-1] == "Agenda:" && strings.TrimSpace(l) == "-" {
			body.WriteString("the offsite budget\n")
			answered = true
		}
	}
	to, err := mail.ParseAddress(p.header.Get("Reply-To"))
	if err != nil {
		t.Fatalf("follow-up Reply-To %q: %v", p.header.Get("Reply-To"), err)
	}
	id := p.header.Get("Message-ID")
	raw := fmt.Sprintf("From: Me <me@example.com>\r\nTo: %s\r\nSubject: Re: Follow-up\r\nDate: %s\r\nMessage-ID: <inline@mail.example.com>\r\n"+
		"In-Reply-To: %s\r\nReferences: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s",
		to.String(), time.Now().Format(time.RFC1123Z), id, id, strings.ReplaceAll(body.String(), "\n", "\r\n"))

	res, err := d.Ingest(context.Background(), []byte(raw))
	if err != nil || res.Outcome != ingest.Logged {
		t.Fatalf("Ingest() = %+v, %v; want logged", res, err)
	}
	if len(res.Logged.Items) != 1 || res.Logged.Items[0].Kind != meetinglog.Point || res.Logged.Items[0].Text != "the offsite budget" {
		t.Errorf("logged %+v, want the talking point typed under Agenda:", res.Logged.Items)
	}
}
