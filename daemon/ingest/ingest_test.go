package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/ingest"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/reply"
	"github.com/leadup/leadup/daemon/replytoken"
	"github.com/leadup/leadup/daemon/store"
)

var now = time.Date(2026, 11, 24, 17, 30, 0, 0, time.UTC) // a Tuesday

// confirmer records the confirmations asked for; the store rejects its
// empty messages, so a test that wants one queued uses the daemon's.
type confirmer struct{ calls []ingest.Result }

func (c *confirmer) Confirmation(ctx context.Context, msg *reply.Message, res ingest.Result) (outbox.Message, bool, error) {
	c.calls = append(c.calls, res)
	return outbox.Message{}, false, nil
}

func (c *confirmer) Queued() {}

type fixture struct {
	cfg     *config.Config
	in      *ingest.Ingester
	st      *store.Store
	confirm *confirmer
	minter  *replytoken.Minter
	token   string
	open    int64 // an open action item with Dana
}

// bossesConfig are the fixtures' bosses.
const bossesConfig = `
[[boss]]
name = "Dana Whitfield"
emails = ["dana@example.com"]
[[boss]]
name = "Marcus Oyelaran"
emails = ["marcus@example.com"]
`

// fixtureConfig has leadup send from an address of its own.
const fixtureConfig = `
timezone = "Europe/Berlin"
[mail]
from = "leadup <leadup@example.com>"
to = "Sam Rivera <me@example.com>"
reply_to = "me+leadup-{token}@example.com"
` + bossesConfig

// gmailConfig is the commonest setup: leadup sends as the user (Gmail
// rewrites From to the account's address anyway), to the user, and reads
// replies from the user.
const gmailConfig = `
timezone = "Europe/Berlin"
[mail]
from = "Sam Rivera <me@example.com>"
to = "Sam Rivera <me@example.com>"
accept_from = ["me@example.com"]
reply_to = "me+leadup-{token}@example.com"
` + bossesConfig

func newFixture(t *testing.T) *fixture { return newFixtureWith(t, fixtureConfig) }

func newFixtureWith(t *testing.T, conf string) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := config.Parse(filepath.Join(dir, "config.toml"), []byte(conf), nil)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	fx := &fixture{cfg: cfg, confirm: &confirmer{}}
	fx.st, err = store.Open(ctx, filepath.Join(dir, store.FileName), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fx.st.Close() })
	m := meeting.Meeting{Key: "google:primary/one", Calendar: "google:primary", Status: meeting.Active, Boss: "Dana Whitfield",
		BossEmail: "dana@example.com", OneOnOne: true,
		Event: calendar.Event{ID: "one", Title: "Dana / Sam", Start: now.Add(-2 * time.Hour), End: now.Add(-90 * time.Minute),
			Attendees: []calendar.Attendee{{Email: "dana@example.com", Name: "Dana Whitfield", Organizer: true},
				{Email: "me@example.com", Self: true}, {Email: "priya.nair@example.com", Name: "Priya Nair"}}}}
	next := m
	next.Key, next.Event.ID = "google:primary/next", "next"
	next.Event.Start, next.Event.End = now.Add(7*24*time.Hour), now.Add(7*24*time.Hour+30*time.Minute)
	if _, err := fx.st.ApplySync(ctx, meeting.SyncUpdate{Calendar: "google:primary", Meetings: []meeting.Meeting{m, next}}); err != nil {
		t.Fatal(err)
	}
	fx.minter, _ = replytoken.New(bytes.Repeat([]byte{7}, 32))
	fx.token = fx.minter.Mint(m.Key, now.Add(30*24*time.Hour))
	if _, err := fx.st.Enqueue(ctx, outbox.Message{MessageID: "leadup.followup." + fx.token + "@example.com", MeetingKey: m.Key,
		Kind: outbox.KindFollowup, ReplyToken: fx.token, NextAttempt: now, Expires: now, Body: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	fx.open, _ = fx.st.AddItem(ctx, meetinglog.Item{Boss: "Dana Whitfield", MeetingKey: m.Key, Kind: meetinglog.Action, Owner: "me", Text: "headcount plan"})
	fx.in = ingest.New(ingest.Options{Config: cfg, Store: fx.st, Tokens: fx.minter, Confirm: fx.confirm, Now: func() time.Time { return now },
		TemplateHeadings: followupHeadings})
	return fx
}

// email writes a plain-text email.
func email(from, to, subject, inReplyTo, id, body string, extra ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Tue, 24 Nov 2026 18:20:00 +0100\r\nMessage-ID: <%s>\r\n", from, to, subject, id)
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	}
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return []byte(b.String())
}

const replyBody = `Decisions:
- Ship on March 3

Action items:
- Dana: intro me to Jordan by Friday
- send the deck

done %d

Thanks,
Sam

On Tue, 24 Nov 2026 at 17:05, leadup <leadup@example.com> wrote:
> Decisions:
> -
`

func (fx *fixture) reply(from, id string) []byte {
	return email(from, "me+leadup-"+fx.token+"@example.com", "Re: Follow-up: 1:1 with Dana",
		"leadup.followup."+fx.token+"@example.com", id, fmt.Sprintf(replyBody, fx.open))
}

func TestReplyIsLoggedOnce(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	res, err := fx.in.Ingest(ctx, fx.reply("Sam Rivera <me@example.com>", "r1@mail.example.com"))
	if err != nil || res.Outcome != ingest.Logged {
		t.Fatalf("Ingest() = %+v, %v; want logged", res, err)
	}
	var kinds []string
	for _, it := range res.Logged.Items {
		kinds = append(kinds, string(it.Kind)+":"+it.Owner+":"+it.Text)
	}
	want := "decision::Ship on March 3 action:boss:intro me to Jordan action:me:send the deck"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("logged %q, want %q", got, want)
	}
	if due := res.Logged.Items[1].Due; due.IsZero() || due.Weekday() != time.Friday {
		t.Errorf("due = %v, want that Friday", due)
	}
	if len(res.Logged.Closed) != 1 || res.Logged.Closed[0] != fx.open {
		t.Errorf("closed %v, want [%d]", res.Logged.Closed, fx.open)
	}
	if len(fx.confirm.calls) != 1 {
		t.Errorf("%d confirmations, want 1", len(fx.confirm.calls))
	}
	again, err := fx.in.Ingest(ctx, fx.reply("me@example.com", "r1@mail.example.com"))
	if err != nil || again.Outcome != ingest.Duplicate || len(fx.confirm.calls) != 1 {
		t.Errorf("the same reply again = %+v, %v; want a duplicate, no second confirmation", again, err)
	}
	second, err := fx.in.Ingest(ctx, fx.reply("me@example.com", "r2@mail.example.com"))
	if err != nil || second.Outcome != ingest.Logged {
		t.Errorf("a second, different reply = %+v, %v; want it logged too", second, err)
	}
}

func TestWhoMayLog(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	tampered := []byte(fx.token)
	tampered[5] ^= 1
	if tampered[5] < 'a' || tampered[5] > 'z' {
		tampered[5] = 'q'
	}
	expired := fx.minter.Mint("google:primary/one", now.Add(-48*time.Hour))
	tests := []struct {
		name string
		raw  []byte
	}{
		{"forged From with a stolen token", fx.reply("Mallory <mallory@evil.example>", "f1@evil.example")},
		{"the boss replying", fx.reply("dana@example.com", "f2@example.com")},
		{"tampered token", email("me@example.com", "me+leadup-"+string(tampered)+"@example.com", "Re: Follow-up",
			"leadup.followup."+string(tampered)+"@example.com", "f3@mail.example.com", "done 1")},
		{"expired token", email("me@example.com", "me+leadup-"+expired+"@example.com", "Re: Follow-up",
			"leadup.followup."+expired+"@example.com", "f4@mail.example.com", "done 1")},
		{"out-of-office", email("me@example.com", "me+leadup-"+fx.token+"@example.com", "Automatic reply: Follow-up",
			"leadup.followup."+fx.token+"@example.com", "f5@mail.example.com", "I am away.", "Auto-Submitted: auto-replied")},
		{"leadup's own email", email("leadup <leadup@example.com>", "me@example.com", "Follow-up", "", "f6@example.com", "done 1")},
		{"ordinary mail", email("me@example.com", "me@example.com", "groceries", "", "f7@mail.example.com", "milk")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := fx.in.Ingest(ctx, tt.raw)
			if err != nil || res.Outcome != ingest.Ignored {
				t.Fatalf("Ingest() = %+v, %v; want ignored", res, err)
			}
		})
	}
	items, _ := fx.st.ListItems(ctx, store.ItemQuery{})
	if len(items) != 1 || !items[0].Done.IsZero() || len(fx.confirm.calls) != 0 {
		t.Errorf("after ignored emails: %d items (open item done %v), %d confirmations; want nothing changed, nothing sent",
			len(items), !items[0].Done.IsZero(), len(fx.confirm.calls))
	}
}

// trustedConfig has the receiving server's Authentication-Results believed.
const trustedConfig = fixtureConfig + `
[imap]
host = "imap.example.com"
username = "me@example.com"
password = "secret"
trusted_authserv_id = "mx.example.com"
`

// dkim is the Authentication-Results field the trusted server adds.
func dkim(result, domain string) string {
	return "Authentication-Results: mx.example.com; dkim=" + result + " header.d=" + domain + " header.s=s1; spf=pass smtp.mailfrom=" + domain
}

func TestTalkingPointsByEmail(t *testing.T) {
	fx := newFixtureWith(t, trustedConfig)
	ctx := context.Background()
	// With the trusted server's DKIM pass for the From domain.
	res, err := fx.in.Ingest(ctx, email("me@example.com", "me@example.com", "topic: Marcus: the Q2 budget", "", "t1@mail.example.com", "",
		dkim("pass", "example.com")))
	if err != nil || res.Outcome != ingest.Topics || res.Boss != "Marcus Oyelaran" {
		t.Fatalf("topic email = %+v, %v; want talking points for Marcus", res, err)
	}
	if len(res.Logged.Items) != 1 || res.Logged.Items[0].Text != "the Q2 budget" || res.Logged.Items[0].Kind != meetinglog.Point {
		t.Errorf("logged %+v, want the point \"the Q2 budget\"", res.Logged.Items)
	}
	// To the secret topic address, no boss named: the next meeting's boss.
	topic := fx.cfg.Mail.TopicAddress(ingest.TopicToken(fx.minter))
	res, err = fx.in.Ingest(ctx, email("me@example.com", topic, "for next time", "", "t2@mail.example.com",
		"- hiring plan\n- offsite dates\n"))
	if err != nil || res.Outcome != ingest.Topics || res.Boss != "Dana Whitfield" || len(res.Logged.Items) != 2 {
		t.Fatalf("email to the topic address = %+v, %v; want 2 points for Dana", res, err)
	}
	if res.Meeting != "google:primary/next" {
		t.Errorf("points are for meeting %q, want the next one", res.Meeting)
	}
	// A subject addressed to a meeting addresses the body's points too,
	// unless one names its own.
	res, err = fx.in.Ingest(ctx, email("me@example.com", topic, "topic: [roadmap review] Q3 scope", "", "t3@mail.example.com",
		"- hiring plan\n- [all hands] offsite dates\n"))
	if err != nil || res.Outcome != ingest.Topics {
		t.Fatalf("addressed topic email = %+v, %v", res, err)
	}
	var texts []string
	for _, it := range res.Logged.Items {
		texts = append(texts, it.Text)
	}
	if want := []string{"[roadmap review] Q3 scope", "[roadmap review] hiring plan", "[all hands] offsite dates"}; !slices.Equal(texts, want) {
		t.Errorf("addressed points = %q, want %q", texts, want)
	}
}

// TestForgedTalkingPoints: a forged From with an "agenda:" subject and no
// token logs nothing; an authenticated one logs talking points only, never
// decisions, actions or closings; a DKIM fail for the From domain is
// ignored even with a valid reply token.
func TestForgedTalkingPoints(t *testing.T) {
	fx := newFixtureWith(t, trustedConfig)
	ctx := context.Background()
	body := fmt.Sprintf("Decisions:\n- give Mallory a raise\n\nAction items:\n- Dana: wire Mallory the bonus by Friday\n\ndone %d\n", fx.open)
	for _, tt := range []struct {
		name string
		raw  []byte
	}{
		{"forged From, no token", email("me@example.com", "me+leadup@example.com", "agenda: raises", "", "f1@evil.example", body)},
		{"forged From, DKIM fail", email("me@example.com", "me@example.com", "agenda: raises", "", "f2@evil.example", body,
			dkim("fail", "example.com"))},
		{"another server's pass", email("me@example.com", "me@example.com", "agenda: raises", "", "f3@evil.example", body,
			"Authentication-Results: mx.evil.example; dkim=pass header.d=example.com")},
		{"a pass for another domain", email("me@example.com", "me@example.com", "agenda: raises", "", "f4@evil.example", body,
			dkim("pass", "evil.example"))},
		{"valid token, DKIM fail", email("me@example.com", "me+leadup-"+fx.token+"@example.com", "Re: Follow-up",
			"leadup.followup."+fx.token+"@example.com", "f5@evil.example", body, dkim("fail", "example.com"))},
	} {
		res, err := fx.in.Ingest(ctx, tt.raw)
		if err != nil || res.Outcome != ingest.Ignored {
			t.Errorf("%s: Ingest() = %+v, %v; want ignored", tt.name, res.Outcome, err)
		}
	}
	if items, _ := fx.st.ListItems(ctx, store.ItemQuery{}); len(items) != 1 || !items[0].Done.IsZero() {
		t.Fatalf("items after forged emails = %+v, want only the open one, still open", items)
	}

	res, err := fx.in.Ingest(ctx, email("me@example.com", "me@example.com", "agenda: raises", "", "a1@mail.example.com", body,
		dkim("pass", "example.com")))
	if err != nil || res.Outcome != ingest.Topics {
		t.Fatalf("authenticated agenda email = %+v, %v; want talking points", res.Outcome, err)
	}
	for _, it := range res.Logged.Items {
		if it.Kind != meetinglog.Point || it.Owner != "" || !it.Due.IsZero() {
			t.Errorf("logged %+v from an email that answers nothing: want talking points only", it)
		}
	}
	if len(res.Logged.Closed) != 0 {
		t.Errorf("closed %v from an email that answers nothing", res.Logged.Closed)
	}
}

// TestItemCap: one email logs at most MaxItems items and says how many it
// left out.
func TestItemCap(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	var b strings.Builder
	b.WriteString("Decisions:\n")
	for i := range ingest.MaxItems + 50 {
		fmt.Fprintf(&b, "- decision number %d\n", i)
	}
	res, err := fx.in.Ingest(ctx, email("me@example.com", "me+leadup-"+fx.token+"@example.com", "Re: Follow-up",
		"leadup.followup."+fx.token+"@example.com", "c1@mail.example.com", b.String()))
	if err != nil || res.Outcome != ingest.Logged || len(res.Logged.Items) != ingest.MaxItems || res.Dropped != 50 {
		t.Fatalf("Ingest() = %d items, %d dropped, %v; want %d and 50", len(res.Logged.Items), res.Dropped, err, ingest.MaxItems)
	}
	if c := fx.confirm.calls; len(c) != 1 || c[0].Dropped != 50 {
		t.Errorf("the confirmation should know of the 50 left out: %+v", c)
	}
}

// The follow-up asks "new date?" of each open item: "7 due Friday" in a
// reply to it moves the item's date, and logs nothing else; any other
// correction there is an ordinary line.
func TestNewDateInReplyToFollowup(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	body := fmt.Sprintf("%d due Friday\n", fx.open)
	raw := email("me@example.com", "me+leadup-"+fx.token+"@example.com", "Re: Follow-up: 1:1 with Dana",
		"leadup.followup."+fx.token+"@example.com", "nd1@mail.example.com", body)
	res, err := fx.in.Ingest(ctx, raw)
	if err != nil || res.Outcome != ingest.Logged {
		t.Fatalf("Ingest() = %+v, %v; want logged", res, err)
	}
	if len(res.Logged.Items) != 0 || len(res.Logged.Fixed) != 1 || res.Logged.Fixed[0].Problem != "" {
		t.Fatalf("logged %+v, fixed %+v; want only the new date", res.Logged.Items, res.Logged.Fixed)
	}
	items, err := fx.st.ListItems(ctx, store.ItemQuery{Kinds: []meetinglog.Kind{meetinglog.Action}})
	if err != nil || len(items) != 1 || items[0].Due.Weekday() != time.Friday {
		t.Errorf("items = %+v, %v; want the open item due on Friday", items, err)
	}
}
