package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
)

func TestRecordReply(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m := activeMeeting("m", t0.Add(-time.Hour))
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{m}}); err != nil {
		t.Fatal(err)
	}
	old, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Owner: "me", Text: "old action", Created: t0.Add(-48 * time.Hour)})
	sams, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Sam", Kind: meetinglog.Action, Owner: "me", Text: "Sam's action"})
	s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Point, Text: "raise the budget", Created: t0.Add(-24 * time.Hour)})

	r := meetinglog.Reply{MessageID: "r1@x", MeetingKey: m.Key, Boss: "Dana", Subject: "Re: Follow-up", Received: t0}
	items := []meetinglog.Item{
		{Kind: meetinglog.Decision, Text: "ship March 3"},
		{Kind: meetinglog.Action, Owner: "boss", Text: "approve budget", Due: t0.Add(72 * time.Hour)},
		{Kind: meetinglog.Point, Text: "hiring"},
	}
	got, err := s.RecordReply(ctx, meetinglog.Record{Reply: r, Items: items, Done: []int64{old, sams, 999}})
	if err != nil {
		t.Fatalf("RecordReply() = %v", err)
	}
	// Three actions and a point were numbered before; the decision takes
	// no number, the action and the point the next two.
	if len(got.Items) != 3 || got.Items[0].ID != 0 || got.Items[1].ID != 4 || got.Items[2].ID != 5 {
		t.Errorf("new items = %+v, want the decision unnumbered, then 4 and 5", got.Items)
	}
	if !slices.Equal(got.Closed, []int64{old}) || !slices.Equal(got.NotFound, []int64{sams, 999}) {
		t.Errorf("closed %v, not found %v; want %d closed and Sam's item and 999 not found", got.Closed, got.NotFound, old)
	}
	open, _ := s.ListItems(ctx, ItemQuery{Boss: "Dana", Open: true})
	var texts []string
	for _, it := range open {
		texts = append(texts, it.Text)
	}
	// The reply does not say the old talking point was raised: it waits
	// for the next meeting, with the new one.
	if want := []string{"raise the budget", "ship March 3", "approve budget", "hiring"}; !slices.Equal(texts, want) {
		t.Errorf("open items = %q, want %q", texts, want)
	}
	if _, err := s.RecordReply(ctx, meetinglog.Record{Reply: r, Items: items}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("second RecordReply() = %v, want ErrDuplicate", err)
	}
	if seen, _ := s.ReplySeen(ctx, "r1@x"); !seen {
		t.Error("ReplySeen() = false after recording")
	}
	closed, notFound, err := s.CloseItems(ctx, []int64{sams, old})
	if err != nil || !slices.Equal(closed, []int64{sams}) || !slices.Equal(notFound, []int64{old}) {
		t.Errorf("CloseItems() = %v, %v, %v", closed, notFound, err)
	}
	// A second "done" for an item closed earlier says so.
	again, err := s.RecordReply(ctx, meetinglog.Record{Reply: meetinglog.Reply{MessageID: "r2@x", MeetingKey: m.Key, Boss: "Dana", Received: t0}, Done: []int64{old}})
	if err != nil || !slices.Equal(again.AlreadyClosed, []int64{old}) || len(again.NotFound)+len(again.Closed) != 0 {
		t.Errorf("RecordReply(done %d again) = %+v, %v; want it already closed", old, again, err)
	}
}

// TestFixes corrects, undoes and takes back a whole reply, as a reply to a
// confirmation does.
func TestFixes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m := activeMeeting("m", t0.Add(-time.Hour))
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{m}}); err != nil {
		t.Fatal(err)
	}
	before, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Owner: "me", Text: "older action", Created: t0.Add(-48 * time.Hour)})
	first, err := s.RecordReply(ctx, meetinglog.Record{Reply: meetinglog.Reply{MessageID: "r1@x", MeetingKey: m.Key, Boss: "Dana", Received: t0},
		Items: []meetinglog.Item{
			{Kind: meetinglog.Feedback, Text: "Dana will send the budget"},
			{Kind: meetinglog.Action, Owner: "me", Text: "book the room", Due: t0.Add(24 * time.Hour)},
			{Kind: meetinglog.Point, Text: "ship Tuesday"},
			{Kind: meetinglog.Decision, Text: "no offsite"},
		}, Done: []int64{before}})
	if err != nil {
		t.Fatal(err)
	}
	note, action, decision := first.Items[0].ID, first.Items[1].ID, first.Items[2].ID
	due := t0.Add(96 * time.Hour)
	fix, err := s.RecordReply(ctx, meetinglog.Record{Reply: meetinglog.Reply{MessageID: "c1@x", MeetingKey: m.Key, Boss: "Dana", Received: t0},
		Fixes: []meetinglog.Fix{
			{Op: meetinglog.FixKind, ID: note, Kind: meetinglog.Action, Owner: "boss"},
			{Op: meetinglog.FixText, ID: note, Text: "send the budget"},
			{Op: meetinglog.FixDue, ID: note, Due: due},
			{Op: meetinglog.FixOwner, ID: action, Owner: "Priya"},
			{Op: meetinglog.FixDue, ID: action},
			{Op: meetinglog.FixOwner, ID: decision, Owner: "Priya"},
			{Op: meetinglog.FixUndo, ID: decision},
			{Op: meetinglog.FixUndo, ID: 999},
		}})
	if err != nil {
		t.Fatalf("RecordReply(fixes) = %v", err)
	}
	var problems []string
	for _, f := range fix.Fixed {
		problems = append(problems, f.Problem)
	}
	if want := []string{"", "", "", "", "", fmt.Sprintf("%d is a talking point, and only action items have an owner", decision), "",
		"no item has the number 999"}; !slices.Equal(problems, want) {
		t.Errorf("problems = %q, want %q", problems, want)
	}
	got, _ := s.ItemsByNumber(ctx, []int64{note, action, decision})
	if len(got) != 2 {
		t.Fatalf("items after fixes = %+v, want the talking point gone", got)
	}
	if n := got[0]; n.Kind != meetinglog.Action || n.Owner != "boss" || n.Text != "send the budget" || !n.Due.Equal(due) {
		t.Errorf("corrected note = %+v", n)
	}
	if a := got[1]; a.Owner != "Priya" || !a.Due.IsZero() {
		t.Errorf("corrected action = %+v", a)
	}

	undo, err := s.RecordReply(ctx, meetinglog.Record{Reply: meetinglog.Reply{MessageID: "c2@x", MeetingKey: m.Key, Boss: "Dana", Received: t0},
		Fixes: []meetinglog.Fix{{Op: meetinglog.FixUndoReply, Reply: "r1@x"}}})
	if err != nil {
		t.Fatalf("RecordReply(undo) = %v", err)
	}
	if u := undo.Fixed[0]; u.Problem != "" || len(u.Removed) != 3 || len(u.Reopened) != 1 || u.Reopened[0].ID != before {
		t.Errorf("undo = %+v, want 3 removed and item %d reopened", u, before)
	}
	open, _ := s.ListItems(ctx, ItemQuery{Boss: "Dana", Open: true})
	if len(open) != 1 || open[0].ID != before {
		t.Errorf("open items after undo = %+v, want only %d", open, before)
	}
	again, _ := s.RecordReply(ctx, meetinglog.Record{Reply: meetinglog.Reply{MessageID: "c3@x", Boss: "Dana", Received: t0},
		Fixes: []meetinglog.Fix{{Op: meetinglog.FixUndoReply, Reply: "r1@x"}}})
	if again.Fixed[0].Problem == "" {
		t.Error("a second undo of the same reply should say there is nothing to undo")
	}
}

func TestIgnoredMail(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for i := range keepIgnored + 5 {
		if err := s.RecordIgnored(ctx, IgnoredMail{MessageID: fmt.Sprint(i), From: "sam@example.com", Subject: "s", Reason: "r"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordIgnored(ctx, IgnoredMail{MessageID: fmt.Sprint(keepIgnored + 4), From: "sam@example.com", Subject: "s", Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.RecentIgnored(ctx, 3)
	if err != nil || len(got) != 3 || got[0].MessageID != fmt.Sprint(keepIgnored+4) || got[1].MessageID != fmt.Sprint(keepIgnored+3) {
		t.Errorf("RecentIgnored(3) = %+v, %v; want the newest first, the one recorded twice once", got, err)
	}
	var n int
	s.db.QueryRow(`SELECT count(*) FROM ignored_mail`).Scan(&n)
	if n != keepIgnored {
		t.Errorf("%d rows kept, want %d", n, keepIgnored)
	}
}

func TestCheckpointAndFollowupLookup(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if v, u, err := s.LoadCheckpoint(ctx, "INBOX"); err != nil || v != 0 || u != 0 {
		t.Errorf("LoadCheckpoint(new) = %d, %d, %v", v, u, err)
	}
	if err := s.SaveCheckpoint(ctx, "INBOX", 7, 42); err != nil {
		t.Fatal(err)
	}
	if v, u, _ := s.LoadCheckpoint(ctx, "INBOX"); v != 7 || u != 42 {
		t.Errorf("LoadCheckpoint() = %d, %d, want 7, 42", v, u)
	}
	m := activeMeeting("m", t0)
	s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{m}})
	if _, err := s.Enqueue(ctx, outbox.Message{MessageID: "f@x", MeetingKey: m.Key, Kind: outbox.KindFollowup, ReplyToken: "tok",
		NextAttempt: t0, Expires: t0, Body: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if f, err := s.SentByToken(ctx, "tok"); err != nil || f.MeetingKey != m.Key {
		t.Errorf("SentByToken() = %v, %v", f.MeetingKey, err)
	}
	if _, err := s.SentByToken(ctx, "other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SentByToken(unknown) = %v, want ErrNotFound", err)
	}
}

func TestMarkSendingClaims(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m := activeMeeting("m", t0)
	s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{m}})
	s.Enqueue(ctx, outbox.Message{MessageID: "a@x", MeetingKey: m.Key, Kind: outbox.KindBrief, NextAttempt: t0, Expires: t0, Body: []byte("x")})
	msg, ok, err := s.NextDue(ctx, t0)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if err := s.MarkSending(ctx, msg.ID, t0); err != nil {
		t.Fatalf("first MarkSending() = %v", err)
	}
	// A second deliverer that read the row before the claim loses it.
	if err := s.MarkSending(ctx, msg.ID, t0); !errors.Is(err, outbox.ErrNotFound) {
		t.Errorf("second MarkSending() = %v, want outbox.ErrNotFound", err)
	}
}

// TestConfirmationInTheSameTransaction: a reply's confirmation is queued
// with its items, or neither is stored: a crash between the two cannot log
// a reply and lose its confirmation.
func TestConfirmationInTheSameTransaction(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m := activeMeeting("m", t0.Add(-time.Hour))
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{m}}); err != nil {
		t.Fatal(err)
	}
	confirm := func(key string) func(meetinglog.Logged) (outbox.Message, bool) {
		return func(l meetinglog.Logged) (outbox.Message, bool) {
			return outbox.Message{MessageID: "confirm." + key, MeetingKey: key, Kind: outbox.KindConfirm, Variant: "r@x",
				NextAttempt: t0, Expires: t0.Add(time.Hour), Subject: fmt.Sprintf("%d items", len(l.Items)), Body: []byte("x")}, true
		}
	}
	rec := meetinglog.Record{Reply: meetinglog.Reply{MessageID: "r@x", MeetingKey: m.Key, Boss: "Dana", Received: t0},
		Items: []meetinglog.Item{{Kind: meetinglog.Decision, Text: "ship it"}}}

	// The confirmation cannot be queued (no such meeting): nothing is kept.
	rec.Confirmation = confirm("no-such-meeting")
	if _, err := s.RecordReply(ctx, rec); err == nil {
		t.Fatal("RecordReply() with a confirmation that cannot be queued succeeded")
	}
	if seen, _ := s.ReplySeen(ctx, "r@x"); seen {
		t.Error("the reply was recorded without its confirmation")
	}
	if items, _ := s.ListItems(ctx, ItemQuery{}); len(items) != 0 {
		t.Errorf("%d items kept without the confirmation", len(items))
	}

	rec.Confirmation = confirm(m.Key)
	got, err := s.RecordReply(ctx, rec)
	if err != nil || !got.Confirmed {
		t.Fatalf("RecordReply() = %+v, %v; want it confirmed", got, err)
	}
	msgs, err := s.OutboxForMeetings(ctx, []string{m.Key})
	if err != nil || len(msgs[m.Key]) != 1 || msgs[m.Key][0].Subject != "1 items" {
		t.Errorf("outbox = %+v, %v; want the confirmation, written from what was logged", msgs, err)
	}
}
