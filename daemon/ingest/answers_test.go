package ingest_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/ingest"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/store"
)

// TestGmailSetup: with from == to == accept_from, the user's reply is
// logged, and leadup's own emails, which come from the same address, are
// told apart by their own marks.
func TestGmailSetup(t *testing.T) {
	fx := newFixtureWith(t, gmailConfig)
	ctx := context.Background()
	followup := "leadup.followup." + fx.token + "@example.com"
	own := []struct {
		name string
		raw  []byte
	}{
		{"the follow-up itself", email("Sam Rivera <me@example.com>", "me@example.com", "Follow-up: 1:1 with Dana", "", followup,
			"Decisions:\n-\n", "X-Leadup-Kind: followup", "Auto-Submitted: auto-generated")},
		{"a confirmation, by its Message-ID alone", email("me@example.com", "me@example.com", "Re: Follow-up", followup,
			"leadup.confirm.abcdefghijklmnop@example.com", "Logged from your reply:\n- Ship on March 3")},
	}
	for _, tt := range own {
		res, err := fx.in.Ingest(ctx, tt.raw)
		if err != nil || res.Outcome != ingest.Ignored || !strings.HasPrefix(res.Why, "leadup's own") {
			t.Errorf("%s: Ingest() = %+v, %v; want ignored as leadup's own", tt.name, res, err)
		}
	}
	res, err := fx.in.Ingest(ctx, fx.reply("Sam Rivera <me@example.com>", "CAF=gmail1@mail.gmail.com"))
	if err != nil || res.Outcome != ingest.Logged {
		t.Fatalf("the user's reply from the address leadup sends from = %+v, %v; want it logged", res, err)
	}
	if len(res.Logged.Closed) != 1 || len(res.Logged.Items) == 0 {
		t.Errorf("logged %+v, want items and item %d closed", res.Logged, fx.open)
	}
}

// TestBadTokenNeverFallsThrough: an email that answers a leadup email with a
// token that does not verify is ignored, even when it is addressed to the
// reply address or its subject asks for talking points.
func TestBadTokenNeverFallsThrough(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	tampered := []byte(fx.token)
	tampered[10] ^= 1
	if tampered[10] < 'a' || tampered[10] > 'z' {
		tampered[10] = 'q'
	}
	other := "leadup.followup." + strings.Repeat("a", len(fx.token)) + "@example.com"
	for _, tt := range []struct {
		name string
		raw  []byte
	}{
		{"tampered token to the reply address", email("me@example.com", "me+leadup-"+string(tampered)+"@example.com", "Re: Follow-up",
			"leadup.followup."+string(tampered)+"@example.com", "b1@mail.example.com", "Decisions:\n- give Mallory a raise")},
		{"tampered token, topic subject", email("me@example.com", "me+leadup@example.com", "topic: raise for Mallory",
			"leadup.followup."+string(tampered)+"@example.com", "b2@mail.example.com", "a: pay Mallory")},
		{"follow-up reference with its token cut out", email("me@example.com", "me+leadup@example.com", "Re: Follow-up",
			"leadup.followup.x@example.com", "b3@mail.example.com", "Decisions:\n- give Mallory a raise")},
		{"a token minted with another key", email("me@example.com", "me+leadup@example.com", "Re: Follow-up",
			other, "b4@mail.example.com", "Decisions:\n- give Mallory a raise")},
	} {
		res, err := fx.in.Ingest(ctx, tt.raw)
		if err != nil || res.Outcome != ingest.Ignored {
			t.Errorf("%s: Ingest() = %+v, %v; want ignored", tt.name, res, err)
		}
	}
	if items, _ := fx.st.ListItems(ctx, store.ItemQuery{}); len(items) != 1 {
		t.Errorf("%d items after forged replies, want only the one there before", len(items))
	}
	if ign, _ := fx.st.RecentIgnored(ctx, 10); len(ign) != 4 || !strings.Contains(ign[0].Reason, "does not verify") {
		t.Errorf("remembered %+v, want the four with their reason", ign)
	}
}

// pastMeeting stores a meeting with Dana that ended ago, and the follow-up
// leadup sent after it, and returns the follow-up's token.
func (fx *fixture) pastMeeting(t *testing.T, id string, ago time.Duration) string {
	t.Helper()
	ctx := context.Background()
	m := meeting.Meeting{Key: "google:primary/" + id, Calendar: "google:primary", Status: meeting.Active, Boss: "Dana Whitfield",
		BossEmail: "dana@example.com", OneOnOne: true,
		Event: calendar.Event{ID: id, Title: "Dana / Sam", Start: now.Add(-ago - 30*time.Minute), End: now.Add(-ago)}}
	if _, err := fx.st.ApplySync(ctx, meeting.SyncUpdate{Calendar: "google:primary", Meetings: []meeting.Meeting{m}}); err != nil {
		t.Fatal(err)
	}
	tok := fx.minter.Mint(m.Key, m.Event.End.Add(30*24*time.Hour))
	if _, err := fx.st.Enqueue(ctx, outbox.Message{MessageID: "leadup.followup." + tok + "@example.com", MeetingKey: m.Key,
		Kind: outbox.KindFollowup, ReplyToken: tok, NextAttempt: now, Expires: now, Body: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestExpiredToken: a reply whose token expired is still logged while its
// meeting is under 60 days old; older, the user is told why nothing was.
func TestExpiredToken(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	recent := fx.pastMeeting(t, "recent", 40*24*time.Hour)
	old := fx.pastMeeting(t, "old", 70*24*time.Hour)

	res, err := fx.in.Ingest(ctx, email("me@example.com", "me+leadup-"+recent+"@example.com", "Re: Follow-up",
		"leadup.followup."+recent+"@example.com", "e1@mail.example.com", "Decisions:\n- hire a contractor\n"))
	if err != nil || res.Outcome != ingest.Logged || res.Meeting != "google:primary/recent" || len(res.Logged.Items) != 1 {
		t.Fatalf("reply to a follow-up 40 days old = %+v, %v; want it logged to that meeting", res, err)
	}

	res, err = fx.in.Ingest(ctx, email("me@example.com", "me+leadup-"+old+"@example.com", "Re: Follow-up",
		"leadup.followup."+old+"@example.com", "e2@mail.example.com", "Decisions:\n- hire a contractor\n"))
	if err != nil || res.Outcome != ingest.TooLate || !strings.Contains(res.Why, "70 days ago") {
		t.Fatalf("reply to a follow-up 70 days old = %+v, %v; want too late, with the age", res, err)
	}
	if n := len(fx.confirm.calls); n != 2 || fx.confirm.calls[1].Outcome != ingest.TooLate {
		t.Errorf("confirmations = %+v, want the second to say why nothing was logged", fx.confirm.calls)
	}
	if items, _ := fx.st.ListItems(ctx, store.ItemQuery{Kinds: []meetinglog.Kind{meetinglog.Decision}}); len(items) != 1 {
		t.Errorf("%d decisions, want only the recent meeting's", len(items))
	}
}

// TestReplyToBrief: what the user writes in reply to a brief becomes talking
// points for that meeting.
func TestReplyToBrief(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	key := "google:primary/next"
	tok := fx.minter.Mint(outbox.TokenSubject(outbox.KindBrief, key, "86400"), now.Add(40*24*time.Hour))
	id := "leadup.brief.86400." + tok + "@example.com"
	if _, err := fx.st.Enqueue(ctx, outbox.Message{MessageID: id, MeetingKey: key, Kind: outbox.KindBrief, Variant: "86400",
		ReplyToken: tok, NextAttempt: now, Expires: now, Body: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	res, err := fx.in.Ingest(ctx, email("me@example.com", "me+leadup-"+tok+"@example.com", "Re: Prep: 1:1 with Dana", id,
		"p1@mail.example.com", "the offsite budget\nhiring plan for Q1\n\nOn Mon, 30 Nov 2026 at 09:00, leadup <leadup@example.com> wrote:\n> Prep\n"))
	if err != nil || res.Outcome != ingest.Topics || res.Meeting != key {
		t.Fatalf("reply to a brief = %+v, %v; want talking points for its meeting", res, err)
	}
	var texts []string
	for _, it := range res.Logged.Items {
		if it.Kind != meetinglog.Point || it.MeetingKey != key {
			t.Errorf("item %+v, want a talking point for %s", it, key)
		}
		texts = append(texts, it.Text)
	}
	if want := []string{"the offsite budget", "hiring plan for Q1"}; !slices.Equal(texts, want) {
		t.Errorf("points = %q, want %q (the brief's subject is no point)", texts, want)
	}
}

// TestReplyToConfirmation: a reply to a confirmation corrects what the
// confirmed reply logged, and can undo it whole.
func TestReplyToConfirmation(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	first, err := fx.in.Ingest(ctx, fx.reply("me@example.com", "r1@mail.example.com"))
	if err != nil || first.Outcome != ingest.Logged {
		t.Fatalf("reply = %+v, %v", first, err)
	}
	confirm := func(replyID string) (string, string) {
		tok := fx.minter.Mint(outbox.TokenSubject(outbox.KindConfirm, first.Meeting, replyID), now.Add(30*24*time.Hour))
		id := "leadup.confirm." + tok + "@example.com"
		if _, err := fx.st.Enqueue(ctx, outbox.Message{MessageID: id, MeetingKey: first.Meeting, Kind: outbox.KindConfirm, Variant: replyID,
			ReplyToken: tok, NextAttempt: now, Expires: now, Body: []byte("x")}); err != nil {
			t.Fatal(err)
		}
		return tok, id
	}
	var deck int64
	for _, it := range first.Logged.Items {
		if it.Text == "send the deck" {
			deck = it.ID
		}
	}
	tok, id := confirm("r1@mail.example.com")
	body := strconv.FormatInt(deck, 10) + " owner Priya\n" + strconv.FormatInt(deck, 10) + " due Fri\n"
	res, err := fx.in.Ingest(ctx, email("me@example.com", "me+leadup-"+tok+"@example.com", "Re: Logged: 1:1 with Dana", id, "c1@mail.example.com", body))
	if err != nil || res.Outcome != ingest.Corrected || len(res.Logged.Fixed) != 2 {
		t.Fatalf("corrections = %+v, %v; want two fixes", res, err)
	}
	got, _ := fx.st.ItemsByNumber(ctx, []int64{deck})
	if len(got) != 1 || got[0].Owner != "Priya" || got[0].Due.IsZero() || got[0].Due.Weekday() != time.Friday {
		t.Errorf("item %d after fixes = %+v, want Priya's, due Friday", deck, got)
	}

	_, id = confirm("r1@mail.example.com")
	res, err = fx.in.Ingest(ctx, email("me@example.com", "me@example.com", "Re: Logged: 1:1 with Dana", id, "c2@mail.example.com", "undo\n"))
	if err != nil || res.Outcome != ingest.Corrected || len(res.Logged.Fixed) != 1 || res.Logged.Fixed[0].Problem != "" {
		t.Fatalf("undo = %+v, %v; want the whole reply undone", res, err)
	}
	items, _ := fx.st.ListItems(ctx, store.ItemQuery{})
	if len(items) != 1 || items[0].ID != fx.open || !items[0].Done.IsZero() {
		t.Errorf("items after undo = %+v, want only the item there before, open again", items)
	}
}

// TestIgnoredIsRemembered: the user's emails that leadup does not act on are
// kept with their reason; other people's everyday mail is not.
func TestIgnoredIsRemembered(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	fx.in.Ingest(ctx, email("me@example.com", "me@example.com", "groceries", "", "i1@mail.example.com", "milk"))
	fx.in.Ingest(ctx, email("news@shop.example", "me@example.com", "Sale!", "", "i2@shop.example", "50% off"))
	ign, err := fx.st.RecentIgnored(ctx, 5)
	if err != nil || len(ign) != 1 || ign[0].MessageID != "i1@mail.example.com" || !strings.Contains(ign[0].Reason, "not a reply") {
		t.Errorf("RecentIgnored() = %+v, %v; want the user's email with its reason", ign, err)
	}
}

// TestDoneUnderQuotedItem: "Done" typed on a phone under the quoted open
// item closes that item.
func TestDoneUnderQuotedItem(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	body := "On Tue, 24 Nov 2026 at 17:05, leadup <leadup@example.com> wrote:\n> Still open with Dana (reply \"done " +
		strconv.FormatInt(fx.open, 10) + "\" to close one):\n> - [" + strconv.FormatInt(fx.open, 10) + "] headcount plan (you, 4 days overdue)\n\nDone\n\n> Decisions:\n> -\n"
	res, err := fx.in.Ingest(ctx, email("me@example.com", "me+leadup-"+fx.token+"@example.com", "Re: Follow-up",
		"leadup.followup."+fx.token+"@example.com", "d1@mail.example.com", body))
	if err != nil || res.Outcome != ingest.Logged || !slices.Equal(res.Logged.Closed, []int64{fx.open}) {
		t.Fatalf("Ingest() = %+v, %v; want item %d closed", res, err, fx.open)
	}
}
