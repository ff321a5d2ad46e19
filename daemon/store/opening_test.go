package store

import (
	"context"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
)

// TestBriefsSent counts a boss's briefs sent or on their way, and no
// other boss's, no failed brief and no other kind.
func TestBriefsSent(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	dana1, dana2 := activeMeeting("d1", t0), activeMeeting("d2", t0.Add(7*24*time.Hour))
	sam := activeMeeting("s1", t0)
	sam.Boss, sam.BossEmail = "Sam", "sam@example.com"
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{dana1, dana2, sam}}); err != nil {
		t.Fatalf("ApplySync() = %v", err)
	}
	count := func(boss string, want int) {
		t.Helper()
		if n, err := s.BriefsSent(ctx, boss); err != nil || n != want {
			t.Errorf("BriefsSent(%s) = %d, %v; want %d", boss, n, err, want)
		}
	}
	count("Dana", 0)
	var ids []int64
	add := func(id, kind string, m meeting.Meeting) {
		t.Helper()
		msg := outbox.Message{MessageID: id, MeetingKey: m.Key, Kind: kind, Variant: id, MeetingStart: m.Event.Start,
			NextAttempt: t0, Expires: m.Event.Start, EnvelopeFrom: "leadup@example.com", EnvelopeTo: []string{"me@example.com"},
			Subject: "x", Body: []byte("x")}
		if ok, err := s.Enqueue(ctx, msg); err != nil || !ok {
			t.Fatalf("Enqueue(%s) = %v, %v", id, ok, err)
		}
		msgs, err := s.OutboxForMeetings(ctx, []string{m.Key})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, msgs[m.Key][len(msgs[m.Key])-1].ID)
	}
	add("b1@x", outbox.KindBrief, dana1)
	add("b2@x", outbox.KindBrief, dana1)
	add("f1@x", outbox.KindFollowup, dana1)
	add("b3@x", outbox.KindBrief, dana2)
	add("s1@x", outbox.KindBrief, sam)
	count("Dana", 3)
	if err := s.MarkSending(ctx, ids[0], t0); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(ctx, ids[0], t0); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, ids[1], "550 no", t0); err != nil {
		t.Fatal(err)
	}
	count("Dana", 2)
	count("Sam", 1)
	count("Nobody", 0)
}
