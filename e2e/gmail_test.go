package e2e_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/e2e/mailstack"
)

// gmailMail is the [mail] table of the commonest setup: leadup sends as the
// user, to the user, and takes replies from the user, with no reply_to.
func gmailMail() string {
	return fmt.Sprintf("from = \"Me <%[1]s>\"\nto = \"Me <%[1]s>\"\naccept_from = [%[1]q]", mailstack.Me)
}

// TestGmailStyleSetup runs the commonest setup, where leadup sends as the
// user, to the user, and reads the user's replies from the same mailbox:
// mail.from == mail.to == accept_from, and no reply_to, so a reply's token
// comes back only in In-Reply-To. leadup's own emails land in the watched
// mailbox from the user's address; the user's replies, typed on a phone,
// must be logged all the same, and leadup's own emails left unread.
func TestGmailStyleSetup(t *testing.T) {
	w := newWorldMail(t, "20s", "2s", gmailMail())
	start := time.Now().Truncate(time.Second).Add(25 * time.Second)
	w.meeting("gmail", "Budget sync", start, 5*time.Second)
	p := w.start(t)
	p.waitLog(t, "leadup running", 30*time.Second)

	brief := w.stack.WaitMessage(t, mailstack.Me, func(m mailstack.Message) bool {
		return strings.HasPrefix(m.MessageID, "<leadup.brief.")
	}, 40*time.Second)
	if got := bareAddress(brief.From); got != mailstack.Me {
		t.Fatalf("brief From = %q, want the user's own address", brief.From)
	}

	// A reply to the brief, before the meeting: a talking point for it.
	briefReplyID, to, msg := reply(brief, "can we talk about the Q3 hiring freeze\n\nSent from my iPhone")
	w.stack.Send(t, mailstack.Me, to, msg)
	pc := w.stack.WaitMessage(t, mailstack.Me, func(m mailstack.Message) bool { return m.InReplyTo == briefReplyID }, 20*time.Second)
	if pt := textPart(t, pc.Raw); !strings.Contains(pt, "Q3 hiring freeze") || !strings.Contains(pt, "For next time") {
		t.Errorf("the brief reply's confirmation should list the talking point:\n%s", pt)
	}

	followup := w.stack.WaitMessage(t, mailstack.Me, func(m mailstack.Message) bool {
		return strings.HasPrefix(m.MessageID, "<leadup.followup.")
	}, 40*time.Second)
	if followup.Header.Get("Reply-To") != "" {
		t.Errorf("follow-up Reply-To = %q, want none (no reply_to configured)", followup.Header.Get("Reply-To"))
	}

	// The user answers on their phone, in German, top-posted over Gmail's
	// quote, with an inferred action and a relative date.
	replyID, to, msg := reply(followup, "Blake schickt mir die Zahlen bis Freitag\nwir haben entschieden: Umstellung am 3. März\n\n"+
		"Von meinem iPhone gesendet\n\nAm 24.11.2026 um 17:05 schrieb Me <"+mailstack.Me+">:\n> Decisions:\n> -\n")
	w.stack.Send(t, mailstack.Me, to, msg)
	confirm := w.stack.WaitMessage(t, mailstack.Me, func(m mailstack.Message) bool { return m.InReplyTo == replyID }, 20*time.Second)
	ct := textPart(t, confirm.Raw)
	if !strings.Contains(ct, "Zahlen") || !strings.Contains(ct, "from \"Blake schickt") {
		t.Errorf("confirmation should show the guessed action and the line it came from:\n%s", ct)
	}
	if refs := confirm.Header.Get("References"); !strings.Contains(refs, followup.MessageID) {
		t.Errorf("confirmation References = %q, want the follow-up's Message-ID in it", refs)
	}

	var zahlen int64
	items := w.items(t)
	for _, it := range items {
		if strings.Contains(it.Text, "Zahlen") {
			zahlen = it.ID
		}
	}
	if zahlen == 0 {
		t.Fatalf("leadup items = %+v, want the action from the reply", items)
	}

	// One line in reply to the confirmation fixes the owner.
	fixID, to, msg := reply(confirm, fmt.Sprintf("%d owner me", zahlen))
	w.stack.Send(t, mailstack.Me, to, msg)
	fixed := w.stack.WaitMessage(t, mailstack.Me, func(m mailstack.Message) bool { return m.InReplyTo == fixID }, 20*time.Second)
	if ft := textPart(t, fixed.Raw); !regexp.MustCompile(fmt.Sprintf(`\[%d\] Action for you`, zahlen)).MatchString(ft) {
		t.Errorf("the fix's confirmation should show the item as yours now:\n%s", ft)
	}

	// leadup's own emails were seen and left alone: unread, in the inbox.
	own := 0
	for _, m := range w.stack.Messages(t, mailstack.Me) {
		if !strings.HasPrefix(m.MessageID, "<leadup.") {
			continue
		}
		own++
		for _, f := range m.Flags {
			if f == `\Seen` {
				t.Errorf("leadup marked its own email %s \\Seen", m.MessageID)
			}
		}
	}
	if own < 5 {
		t.Errorf("%d emails from leadup in the inbox, want the brief, the follow-up and three confirmations", own)
	}
	logs := p.logs.String()
	if !strings.Contains(logs, "leadup's own") {
		t.Errorf("the log should say leadup's own emails were recognised:\n%s", logs)
	}
	if strings.Contains(logs, "Zahlen") {
		t.Error("the log holds reply text")
	}
}
