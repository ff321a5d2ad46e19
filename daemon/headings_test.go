package daemon_test

import (
	"context"
	"fmt"
	"mime"
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

	// The user types right under the quoted "Agenda:".
	var body strings.Builder
	body.WriteString("On Mon, 1 Jan 2026 at 10:00, leadup <leadup@example.com> wrote:\n")
	answered := false
	for l := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
		body.WriteString(strings.TrimRight("> "+l, " ") + "\n")
		if !answered && l == "Agenda:" {
			body.WriteString("the offsite budget\n")
			answered = true
		}
	}
	if !answered {
		t.Fatalf("the follow-up has no \"Agenda:\" line to answer under:\n%s", text)
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

// TestPhoneReplyAboveQuotedFollowup: the user answers the follow-up on a
// phone, typing above the quoted template with the short prefixes its top
// line names, and signs off with the phone's signature. What is logged is
// exactly what they typed: nothing of the quoted template, its "Reply above
// this line" included.
func TestPhoneReplyAboveQuotedFollowup(t *testing.T) {
	s := newStack(t, replySettings)
	start := time.Now().Truncate(time.Second).Add(-35 * time.Second)
	s.meetingWith("done", "Budget sync", "dana@example.com", start, 30*time.Second)
	d := s.start(t, daemon.Options{})
	p := parse(t, s.wait(t, 1)[0])
	followup, text := p.header, strings.ReplaceAll(p.text, "\r\n", "\n")
	if subject, _ := new(mime.WordDecoder).DecodeHeader(followup.Get("Subject")); !strings.HasPrefix(subject, "Follow-up: Budget sync (1:1 with Dana), ") {
		t.Errorf("follow-up subject = %q, want it to name the meeting", subject)
	}
	if !strings.HasPrefix(text, "Reply above this line") {
		t.Fatalf("the follow-up does not start with \"Reply above this line\":\n%s", text)
	}
	body := "d: ship the EU cut-over on March 3\n" +
		"a: send Dana the migration plan by Fri\n" +
		"f: lead the weekly update with the risks\n" +
		"t: promotion timeline\n" +
		"n: hiring is on hold until January\n\n" +
		"Sent from my iPhone"
	raw := userReply(t, followup, text, "Me <me@example.com>", "phone@mail.example.com", body)

	res, err := d.Ingest(context.Background(), raw)
	if err != nil || res.Outcome != ingest.Logged {
		t.Fatalf("Ingest() = %+v, %v; want logged", res, err)
	}
	type item struct {
		kind       meetinglog.Kind
		owner, txt string
	}
	want := []item{
		{meetinglog.Decision, "", "ship the EU cut-over on March 3"},
		{meetinglog.Action, "me", "send Dana the migration plan"},
		{meetinglog.Feedback, "", "lead the weekly update with the risks"},
		{meetinglog.Point, "", "promotion timeline"},
		{meetinglog.Note, "", "hiring is on hold until January"},
	}
	var got []item
	for _, it := range res.Logged.Items {
		owner := ""
		if it.Kind == meetinglog.Action {
			owner = it.Owner
		}
		got = append(got, item{it.Kind, owner, it.Text})
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("logged %+v\nwant      %+v", got, want)
	}
	if len(res.Parse.Unplaced) != 0 || len(res.Parse.Done) != 0 {
		t.Errorf("Parse() left %q unplaced and closed %v, want neither", res.Parse.Unplaced, res.Parse.Done)
	}
	if len(res.Logged.Items) > 1 {
		if due := res.Logged.Items[1].Due; due.Weekday() != time.Friday {
			t.Errorf("the action is due %v, want a Friday", due)
		}
	}
}
