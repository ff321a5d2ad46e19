package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
)

func digestRow(id, week string) outbox.Message {
	return outbox.Message{MessageID: id, Kind: outbox.KindDigest, Variant: week, NextAttempt: t0, Expires: t0.Add(24 * time.Hour),
		EnvelopeFrom: "leadup@example.com", EnvelopeTo: []string{"me@example.com"}, Subject: "Weekly digest", Body: []byte("x")}
}

// TestMigrateOutboxForDigests upgrades a version 3 database that holds a
// brief: the row survives the rebuild of the outbox, and the outbox then
// takes digests, which have no meeting.
func TestMigrateOutboxForDigests(t *testing.T) {
	ctx := context.Background()
	db := rawDB(t)
	for i := range 3 {
		if err := migrate(ctx, db, migrations[0], migrations[:i+1]); err != nil {
			t.Fatalf("migrate to %d: %v", i+1, err)
		}
	}
	if _, err := db.Exec(`INSERT INTO meetings VALUES ('cal/m', 'cal', 'm', '', 'active', '1:1', 1, 2, 'Dana', 'd@x', 1, 0, '{}', '', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO outbox (message_id, meeting_key, kind, variant, meeting_start, state, next_attempt_at,
		expires_at, envelope_from, envelope_to, subject, message, created_at, updated_at)
		VALUES ('b@x', 'cal/m', 'brief', '3600', 1, 'sent', 1, 2, 'f', 't', 'Prep', X'00', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, schema, migrations); err != nil {
		t.Fatalf("migrate to %d: %v", len(migrations), err)
	}
	s := &Store{db: db, now: func() time.Time { return t0 }}
	rows, err := s.OutboxForMeetings(ctx, []string{"cal/m"})
	if err != nil || len(rows["cal/m"]) != 1 || rows["cal/m"][0].MessageID != "b@x" || rows["cal/m"][0].State != outbox.StateSent {
		t.Fatalf("brief after migration = %+v, %v; want the sent brief", rows, err)
	}
	if ok, err := s.Enqueue(ctx, digestRow("d@x", "2026-W48")); err != nil || !ok {
		t.Errorf("Enqueue(digest) after migration = %v, %v; want it queued", ok, err)
	}
}

func TestDigestRows(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if first, err := s.FirstRecorded(ctx); err != nil || !first.IsZero() {
		t.Errorf("FirstRecorded() of a new store = %v, %v; want zero", first, err)
	}

	if ok, err := s.Enqueue(ctx, digestRow("leadup.digest.2026-W48.a@x", "2026-W48")); err != nil || !ok {
		t.Fatalf("Enqueue(digest) = %v, %v; want it queued", ok, err)
	}
	// The same job again, and the same week under another Message-ID (the
	// mail.from domain changed): both are no-ops, never a second digest.
	for _, m := range []outbox.Message{digestRow("leadup.digest.2026-W48.a@x", "2026-W48"), digestRow("leadup.digest.2026-W48.a@y", "2026-W48")} {
		if ok, err := s.Enqueue(ctx, m); err != nil || ok {
			t.Errorf("Enqueue(%s) again = %v, %v; want false, nil", m.MessageID, ok, err)
		}
	}
	if ok, err := s.Enqueue(ctx, digestRow("leadup.digest.2026-W49.b@x", "2026-W49")); err != nil || !ok {
		t.Errorf("Enqueue(next week) = %v, %v; want it queued", ok, err)
	}
	// Only a digest may lack a meeting.
	brief := digestRow("leadup.brief.c@x", "3600")
	brief.Kind = outbox.KindBrief
	if _, err := s.Enqueue(ctx, brief); err == nil {
		t.Error("Enqueue(brief without a meeting) succeeded")
	}

	rows, err := s.OutboxWithoutMeeting(ctx, t0.Add(-time.Hour))
	if err != nil {
		t.Fatalf("OutboxWithoutMeeting() = %v", err)
	}
	var weeks []string
	for _, r := range rows {
		if r.MeetingKey != "" || r.Kind != outbox.KindDigest {
			t.Errorf("row %+v: want a digest with no meeting", r)
		}
		weeks = append(weeks, r.Variant)
	}
	if want := []string{"2026-W48", "2026-W49"}; !slices.Equal(weeks, want) {
		t.Errorf("digests = %q, want %q", weeks, want)
	}
	if rows, err := s.OutboxWithoutMeeting(ctx, t0.Add(time.Hour)); err != nil || len(rows) != 0 {
		t.Errorf("OutboxWithoutMeeting(after they were queued) = %d rows, %v; want none", len(rows), err)
	}
	if recent, err := s.RecentOutbox(ctx, t0.Add(-time.Hour), 10); err != nil || len(recent) != 2 {
		t.Errorf("RecentOutbox() = %d rows, %v; want the 2 digests", len(recent), err)
	}
	if first, err := s.FirstRecorded(ctx); err != nil || !first.Equal(t0) {
		t.Errorf("FirstRecorded() = %v, %v; want %v, when the first digest was queued", first, err, t0)
	}
}

func TestFirstRecordedMeeting(t *testing.T) {
	ctx := context.Background()
	early := t0.Add(-72 * time.Hour)
	s, err := Open(ctx, t.TempDir()+"/"+FileName, Options{Now: func() time.Time { return early }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{activeMeeting("m", t0)}}); err != nil {
		t.Fatal(err)
	}
	if first, err := s.FirstRecorded(ctx); err != nil || !first.Equal(early) {
		t.Errorf("FirstRecorded() = %v, %v; want %v, when the meeting was first seen", first, err, early)
	}
}

func TestItemsOfAWeek(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	from, to := t0.Add(-7*24*time.Hour), t0
	add := func(it meetinglog.Item) int64 {
		t.Helper()
		id, err := s.AddItem(ctx, it)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	add(meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Text: "closed before", Created: from.Add(-48 * time.Hour), Done: from.Add(-time.Second)})
	first := add(meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Text: "closed first", Created: from.Add(-48 * time.Hour), Done: from})
	second := add(meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Text: "closed later", Created: from.Add(-48 * time.Hour), Done: to.Add(-time.Second)})
	add(meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Text: "closed after", Created: from, Done: to})
	add(meetinglog.Item{Boss: "Sam", Kind: meetinglog.Action, Text: "Sam's", Created: from, Done: from.Add(time.Hour)})
	add(meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Text: "open", Created: from.Add(time.Hour)})
	decided := add(meetinglog.Item{Boss: "Dana", Kind: meetinglog.Decision, Text: "decided", Created: from.Add(time.Hour)})
	add(meetinglog.Item{Boss: "Dana", Kind: meetinglog.Decision, Text: "decided the week before", Created: from.Add(-time.Hour)})
	add(meetinglog.Item{Boss: "Dana", Kind: meetinglog.Feedback, Text: "feedback", Created: from.Add(time.Hour)})

	ids := func(items []meetinglog.Item, err error) []int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	if got := ids(s.ClosedActionsBetween(ctx, "Dana", from, to)); !slices.Equal(got, []int64{first, second}) {
		t.Errorf("ClosedActionsBetween() = %v, want [%d %d]", got, first, second)
	}
	if got := ids(s.LoggedBetween(ctx, "Dana", meetinglog.Decision, from, to)); !slices.Equal(got, []int64{decided}) {
		t.Errorf("LoggedBetween(decision) = %v, want [%d]", got, decided)
	}
}
