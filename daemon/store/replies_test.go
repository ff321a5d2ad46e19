package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
)

func TestRecordReply(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m := activeMeeting("m", t0.Add(-time.Hour))
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{m}}); err != nil {
		t.Fatal(err)
	}
	old, _ := s.AddItem(ctx, Item{Boss: "Dana", Kind: ItemAction, Owner: "me", Text: "old action", Created: t0.Add(-48 * time.Hour)})
	sams, _ := s.AddItem(ctx, Item{Boss: "Sam", Kind: ItemAction, Owner: "me", Text: "Sam's action"})
	s.AddItem(ctx, Item{Boss: "Dana", Kind: ItemPoint, Text: "raise the budget", Created: t0.Add(-24 * time.Hour)})

	r := Reply{MessageID: "r1@x", MeetingKey: m.Key, Boss: "Dana", Subject: "Re: Follow-up", Received: t0}
	items := []Item{
		{Kind: ItemDecision, Text: "ship March 3"},
		{Kind: ItemAction, Owner: "boss", Text: "approve budget", Due: t0.Add(72 * time.Hour)},
		{Kind: ItemPoint, Text: "hiring"},
	}
	got, err := s.RecordReply(ctx, r, items, []int64{old, sams, 999}, m.Event.Start)
	if err != nil {
		t.Fatalf("RecordReply() = %v", err)
	}
	if len(got.Items) != 3 || got.Items[0].ID == 0 || got.Items[1].ID != got.Items[0].ID+1 {
		t.Errorf("new items = %+v, want 3 with consecutive ids", got.Items)
	}
	if !slices.Equal(got.Closed, []int64{old}) || !slices.Equal(got.NotFound, []int64{sams, 999}) {
		t.Errorf("closed %v, not found %v; want %d closed and Sam's item and 999 not found", got.Closed, got.NotFound, old)
	}
	open, _ := s.ListItems(ctx, ItemQuery{Boss: "Dana", Open: true})
	var texts []string
	for _, it := range open {
		texts = append(texts, it.Text)
	}
	// The old talking point was raised at the meeting; the new one waits.
	if want := []string{"ship March 3", "approve budget", "hiring"}; !slices.Equal(texts, want) {
		t.Errorf("open items = %q, want %q", texts, want)
	}
	if _, err := s.RecordReply(ctx, r, items, nil, time.Time{}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("second RecordReply() = %v, want ErrDuplicate", err)
	}
	if seen, _ := s.ReplySeen(ctx, "r1@x"); !seen {
		t.Error("ReplySeen() = false after recording")
	}
	closed, notFound, err := s.CloseItems(ctx, []int64{sams, old})
	if err != nil || !slices.Equal(closed, []int64{sams}) || !slices.Equal(notFound, []int64{old}) {
		t.Errorf("CloseItems() = %v, %v, %v", closed, notFound, err)
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
	if f, err := s.FollowupByToken(ctx, "tok"); err != nil || f.MeetingKey != m.Key {
		t.Errorf("FollowupByToken() = %v, %v", f.MeetingKey, err)
	}
	if _, err := s.FollowupByToken(ctx, "other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("FollowupByToken(unknown) = %v, want ErrNotFound", err)
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
