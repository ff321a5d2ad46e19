package daemon_test

import (
	"context"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
)

// replySettings send the follow-up as soon as a meeting ends. The brief
// of a meeting already under way is dropped.
const replySettings = "[brief]\nbefore = [\"1h\"]\n[followup]\nafter = \"0s\"\n"

// replyBody is what the user types above the quote, answering the
// follow-up's template.
const replyBody = "Decisions:\n- Ship on March 3\n\nAction items:\n- Dana: intro me to Jordan by Friday\n- send the deck\n\nThanks,\nSam"

// endedMeeting puts on the calendar a meeting with Dana that ended a few
// seconds ago, starts the daemon and returns it with the follow-up.
func endedMeeting(t testing.TB, s *stack) (*daemon.Daemon, mail.Header, string) {
	t.Helper()
	start := time.Now().Truncate(time.Second).Add(-35 * time.Second)
	s.meetingWith("done", "Dana / me", "dana@example.com", start, 30*time.Second)
	d := s.start(t, daemon.Options{})
	msgs := s.wait(t, 1)
	p := parse(t, msgs[0])
	h, text := p.header, p.text
	if id := h.Get("Message-ID"); !strings.Contains(id, "followup") || h.Get("Reply-To") == "" {
		t.Fatalf("first email has Message-ID %q, Reply-To %q: want a follow-up with a reply address", id, h.Get("Reply-To"))
	}
	// The watcher is in IDLE: what is appended from now on reaches it as
	// an EXISTS, not on the first pass.
	waitIdles(t, s, 1)
	return d, h, text
}

// waitHandled waits until the daemon's mailbox watcher has dealt with the
// message at uid: handed it over and, if it was the user's, marked it. The
// checkpoint moves past a message only after that, and the watcher starts
// an IDLE after each pass, so each IDLE is the moment to look again.
func waitHandled(t testing.TB, s *stack, d *daemon.Daemon, uid imap.UID) {
	t.Helper()
	for {
		n := s.imap.Idles()
		_, last, err := d.Store().LoadCheckpoint(context.Background(), "INBOX")
		if err != nil {
			t.Fatalf("LoadCheckpoint(INBOX) = %v", err)
		}
		if last >= uint32(uid) {
			return
		}
		waitIdles(t, s, n+1)
	}
}

// waitIdles waits until the IMAP server has started n IDLE commands.
func waitIdles(t testing.TB, s *stack, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.imap.WaitForIdles(ctx, n); err != nil {
		t.Fatalf("WaitForIdles(%d) = %v", n, err)
	}
}

// userReply is the user's answer to a follow-up as Gmail would send it:
// multipart/alternative, quoted-printable, threaded on the follow-up, to
// its Reply-To, with the follow-up quoted below "On … wrote:".
func userReply(t testing.TB, followup mail.Header, followupText, from, messageID, body string) []byte {
	t.Helper()
	to, err := mail.ParseAddress(followup.Get("Reply-To"))
	if err != nil {
		t.Fatalf("follow-up Reply-To %q: %v", followup.Get("Reply-To"), err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(followup.Get("Subject"))
	date, _ := followup.Date()
	attribution := fmt.Sprintf("On %s, leadup <leadup@example.com> wrote:", date.Format("Mon, 2 Jan 2006 at 15:04"))
	var quoted strings.Builder
	for line := range strings.SplitSeq(strings.TrimRight(followupText, "\n"), "\n") {
		quoted.WriteString(strings.TrimRight("> "+line, " ") + "\n")
	}
	text := body + "\n\n" + attribution + "\n" + quoted.String()
	html := `<div dir="ltr">` + strings.ReplaceAll(body, "\n", "<br>") + `</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">` +
		attribution + `<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">` +
		strings.ReplaceAll(followupText, "\n", "<br>") + "</blockquote></div>"
	const boundary = "000000000000a1b2c3d4e5f60718"
	var b strings.Builder
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\n")
	fmt.Fprintf(&b, "References: %s\r\n", followup.Get("Message-ID"))
	fmt.Fprintf(&b, "In-Reply-To: %s\r\n", followup.Get("Message-ID"))
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s>\r\n", messageID)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("UTF-8", "Re: "+subject))
	fmt.Fprintf(&b, "To: %s\r\n", to.String())
	fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=%q\r\n\r\n", boundary)
	for _, part := range []struct{ ct, body string }{{"text/plain", text}, {"text/html", html}} {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary, part.ct)
		w := quotedprintable.NewWriter(&b)
		w.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n")))
		w.Close()
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return []byte(b.String())
}

// newsletter is mail that has nothing to do with leadup.
func newsletter() []byte {
	return []byte("From: Weekly Digest <news@digest.example>\r\n" +
		"To: me@example.com\r\n" +
		"Subject: This week in engineering\r\n" +
		"Date: " + time.Now().Format(time.RFC1123Z) + "\r\n" +
		"Message-ID: <digest-2026-03@digest.example>\r\n" +
		"List-Unsubscribe: <mailto:unsubscribe@digest.example>\r\n" +
		"Content-Type: text/plain; charset=UTF-8\r\n" +
		"\r\n" +
		"Decisions:\r\n- Read more newsletters\r\n")
}

func appendMail(t testing.TB, s *stack, raw []byte) imap.UID {
	t.Helper()
	uid, err := s.imap.Append("INBOX", raw, time.Now())
	if err != nil {
		t.Fatalf("Append(INBOX) = %v", err)
	}
	return uid
}

func TestReplyIsLoggedAndConfirmed(t *testing.T) {
	s := newStack(t, replySettings, withIMAP)
	d, followup, followupText := endedMeeting(t, s)
	ctx := context.Background()

	news := appendMail(t, s, newsletter())
	const replyID = "CAJx+q7Y2ReplyFromSam@mail.gmail.com"
	reply := appendMail(t, s, userReply(t, followup, followupText, "Me <me@example.com>", replyID, replyBody))

	msgs := s.wait(t, 2)
	confirm := parse(t, msgs[1])
	if confirm.inReplyTo != replyID {
		t.Fatalf("second email has In-Reply-To %q, want the reply's %q:\n%s", confirm.inReplyTo, replyID, confirm.text)
	}
	items, err := d.Store().ListItems(ctx, store.ItemQuery{})
	if err != nil {
		t.Fatalf("ListItems() = %v", err)
	}
	var decisions, actions []meetinglog.Item
	for _, it := range items {
		switch it.Kind {
		case meetinglog.Decision:
			decisions = append(decisions, it)
		case meetinglog.Action:
			actions = append(actions, it)
		default:
			t.Errorf("unexpected %s item %q", it.Kind, it.Text)
		}
		if it.Boss != "Dana Whitfield" || it.MeetingKey != "google:primary/done" {
			t.Errorf("item %q logged for boss %q, meeting %q; want Dana's meeting", it.Text, it.Boss, it.MeetingKey)
		}
	}
	if len(decisions) != 1 || !strings.Contains(decisions[0].Text, "Ship on March 3") {
		t.Errorf("decisions = %+v, want Ship on March 3", decisions)
	}
	if len(actions) != 2 || !strings.Contains(strings.ToLower(actions[0].Text), "intro me to jordan") ||
		!strings.Contains(strings.ToLower(actions[1].Text), "send the deck") {
		t.Fatalf("actions = %+v, want the intro and the deck", actions)
	}
	if !strings.Contains(confirm.text, "Ship on March 3") {
		t.Errorf("confirmation lacks the decision:\n%s", confirm.text)
	}
	for _, a := range actions {
		if want := fmt.Sprintf("[%d] %s", a.ID, a.Text); !strings.Contains(confirm.text, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, confirm.text)
		}
	}

	waitHandled(t, s, d, reply)
	flags, err := s.imap.Flags("INBOX")
	if err != nil {
		t.Fatalf("Flags(INBOX) = %v", err)
	}
	if !slices.Equal(flags[reply], []string{`\seen`}) || len(flags[news]) != 0 {
		t.Errorf("flags: reply %v, newsletter %v; want [\\seen] and none", flags[reply], flags[news])
	}

	// The next brief with Dana carries the open items.
	next := time.Now().Truncate(time.Hour).Add(7 * 24 * time.Hour)
	s.meetingWith("next", "Dana / me", "dana@example.com", next, 30*time.Minute)
	if _, err := d.SyncMeetings(ctx); err != nil {
		t.Fatalf("SyncMeetings() = %v", err)
	}
	m, err := d.Store().Meeting(ctx, "google:primary/next")
	if err != nil {
		t.Fatalf("Meeting(next) = %v", err)
	}
	j := schedule.Job{Meeting: m, Kind: outbox.KindBrief, Lead: time.Hour, Variant: schedule.BriefVariant(time.Hour),
		Due: next.Add(-time.Hour), Expires: next}
	_, r, err := d.Preview(ctx, j)
	if err != nil {
		t.Fatalf("Preview(brief for next week) = %v", err)
	}
	if !strings.Contains(r.Text, "intro me to Jordan") || !strings.Contains(r.Text, "deck") {
		t.Errorf("next brief lacks the open action items:\n%s", r.Text)
	}
}

// TestForgedReplyIsIgnored: a reply with a valid token from an address not
// in mail.accept_from logs nothing, gets no answer and is left unread.
func TestForgedReplyIsIgnored(t *testing.T) {
	s := newStack(t, replySettings, withIMAP)
	d, followup, followupText := endedMeeting(t, s)

	forged := appendMail(t, s, userReply(t, followup, followupText, "Mallory <mallory@evil.example>", "forged-1@evil.example", replyBody))
	// A genuine reply after it bounds the wait: the watcher hands messages
	// over in UID order, so once this one is confirmed the forged one has
	// been dealt with.
	const replyID = "CAJx+q7Y2Genuine@mail.gmail.com"
	genuine := appendMail(t, s, userReply(t, followup, followupText, "Me <me@example.com>", replyID, replyBody))

	msgs := s.wait(t, 2)
	if p := parse(t, msgs[1]); p.inReplyTo != replyID {
		t.Fatalf("second email has In-Reply-To %q, want only the genuine reply %q confirmed", p.inReplyTo, replyID)
	}
	waitHandled(t, s, d, genuine)
	if n := len(s.smtp.Messages()); n != 2 {
		t.Errorf("%d emails sent, want the follow-up and one confirmation", n)
	}
	items, err := d.Store().ListItems(context.Background(), store.ItemQuery{})
	if err != nil {
		t.Fatalf("ListItems() = %v", err)
	}
	if len(items) != 3 {
		t.Errorf("%d items logged, want the genuine reply's 3: %+v", len(items), items)
	}
	flags, err := s.imap.Flags("INBOX")
	if err != nil {
		t.Fatalf("Flags(INBOX) = %v", err)
	}
	if len(flags[forged]) != 0 || !slices.Equal(flags[genuine], []string{`\seen`}) {
		t.Errorf("flags: forged %v, genuine %v; want none and [\\seen]", flags[forged], flags[genuine])
	}
}
