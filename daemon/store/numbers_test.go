package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
)

// TestMigrationNumbersItems: a version 6 database with items of every kind
// comes out of migration 7 with its actions, feedback and talking points
// numbered 1, 2, 3… in the order they were logged, its decisions and notes
// unnumbered, and new items numbered after them.
func TestMigrationNumbersItems(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state", FileName)
	// A store at version 6, as the last leadup left it.
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if err := migrate(ctx, db, migrations[0], migrations[:i+1]); err != nil {
			t.Fatalf("migrate to %d: %v", i+1, err)
		}
	}
	kinds := []string{"decision", "action", "note", "action", "feedback", "decision", "point", "action"}
	for i, k := range kinds {
		if _, err := db.Exec(`INSERT INTO items (boss, kind, text, created_at, done_at) VALUES ('Dana', ?, ?, ?, ?)`,
			k, fmt.Sprintf("%s %d", k, i+1), t0.Unix(), map[bool]any{true: t0.Unix(), false: nil}[i == 1]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO outbox (message_id, kind, variant, meeting_start, state, next_attempt_at, expires_at,
		envelope_from, envelope_to, subject, message, created_at, updated_at) VALUES ('d@x', 'digest', '2026-W47', 0, 'sent', 0, 0, '', '', '', x'', 0, 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, path, Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatalf("Open(version 6) = %v", err)
	}
	defer s.Close()
	items, err := s.ListItems(ctx, ItemQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, fmt.Sprintf("%d %s", it.ID, it.Text))
	}
	want := []string{"0 decision 1", "1 action 2", "0 note 3", "2 action 4", "3 feedback 5", "0 decision 6", "4 point 7", "5 action 8"}
	if !slices.Equal(got, want) {
		t.Errorf("items after migration = %q, want %q", got, want)
	}
	n, err := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Owner: "me", Text: "new"})
	if err != nil || n != 6 {
		t.Errorf("AddItem() after migration = %d, %v; want number 6", n, err)
	}
	var before int64
	if err := s.db.QueryRow(`SELECT legacy_before FROM item_numbers`).Scan(&before); err != nil || before != 2 {
		t.Errorf("legacy_before = %d, %v; want 2, after the one email written before numbers", before, err)
	}
}

// TestNumbersUnderConcurrency: two writers on one database, each with its
// own connections, logging at once, never take the same number, and leave
// none out.
func TestNumbersUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state", FileName)
	var stores [2]*Store
	for i := range stores {
		s, err := Open(ctx, path, Options{Now: func() time.Time { return t0 }})
		if err != nil {
			t.Fatalf("Open() = %v", err)
		}
		defer s.Close()
		stores[i] = s
	}
	const each = 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for w, s := range stores {
		wg.Go(func() {
			for i := range each {
				var err error
				if i%2 == 0 {
					_, err = s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Text: fmt.Sprintf("w%d a%d", w, i)})
				} else {
					_, err = s.RecordReply(ctx, meetinglog.Record{
						Reply: meetinglog.Reply{MessageID: fmt.Sprintf("w%d-%d@x", w, i), Boss: "Dana", Received: t0},
						Items: []meetinglog.Item{{Kind: meetinglog.Decision, Text: "d"}, {Kind: meetinglog.Feedback, Text: "f"}},
					})
				}
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent write = %v", err)
		}
	}
	items, err := stores[0].ListItems(ctx, ItemQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int64
	for _, it := range items {
		if it.ID != 0 {
			numbers = append(numbers, it.ID)
		}
	}
	slices.Sort(numbers)
	if len(numbers) != 2*each {
		t.Fatalf("%d numbered items, want %d", len(numbers), 2*each)
	}
	for i, n := range numbers {
		if n != int64(i+1) {
			t.Fatalf("numbers = %v, want 1 to %d, each once", numbers, 2*each)
		}
	}
}

// TestNumbersResolve: "done N" and corrections find the item numbered N, not
// the row N; a number is not given again after its item was closed or
// removed; and a reply to an email written before numbers reads the row ids
// that email showed.
func TestNumbersResolve(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m := activeMeeting("m", t0.Add(-time.Hour))
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{m}}); err != nil {
		t.Fatal(err)
	}
	// Rows 1 to 3 are decisions: the action is row 4, number 1.
	for range 3 {
		if n, err := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Decision, Text: "decided"}); err != nil || n != 0 {
			t.Fatalf("AddItem(decision) = %d, %v; want no number", n, err)
		}
	}
	first, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Owner: "me", Text: "send the plan"})
	second, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Owner: "me", Text: "book the room"})
	if first != 1 || second != 2 {
		t.Fatalf("actions numbered %d and %d, want 1 and 2", first, second)
	}
	reply := func(id string, rec meetinglog.Record) meetinglog.Logged {
		t.Helper()
		rec.Reply = meetinglog.Reply{MessageID: id, MeetingKey: m.Key, Boss: "Dana", Received: t0}
		got, err := s.RecordReply(ctx, rec)
		if err != nil {
			t.Fatalf("RecordReply(%s) = %v", id, err)
		}
		return got
	}
	got := reply("r1@x", meetinglog.Record{Done: []int64{1, 4}, Fixes: []meetinglog.Fix{{Op: meetinglog.FixOwner, ID: 2, Owner: "Priya"}}})
	if !slices.Equal(got.Closed, []int64{1}) || !slices.Equal(got.NotFound, []int64{4}) {
		t.Errorf("done 1 4: closed %v, not found %v; want 1 closed and 4 (a decision's row) not found", got.Closed, got.NotFound)
	}
	if f := got.Fixed[0]; f.Problem != "" || f.Item.ID != 2 || f.Item.Text != "book the room" || f.Item.Owner != "Priya" {
		t.Errorf("2 owner Priya = %+v, want item 2 Priya's", f)
	}
	// Undo removes the newest item; its number is not given again.
	got = reply("r2@x", meetinglog.Record{Items: []meetinglog.Item{{Kind: meetinglog.Action, Owner: "me", Text: "oops"}}})
	if got.Items[0].ID != 3 {
		t.Fatalf("new item numbered %d, want 3", got.Items[0].ID)
	}
	reply("r3@x", meetinglog.Record{Fixes: []meetinglog.Fix{{Op: meetinglog.FixUndo, ID: 3}}})
	got = reply("r4@x", meetinglog.Record{Items: []meetinglog.Item{{Kind: meetinglog.Point, Text: "hiring"}}})
	if got.Items[0].ID != 4 {
		t.Errorf("item after undo numbered %d, want 4: 3 is not given twice", got.Items[0].ID)
	}
	// An action that becomes a decision keeps its number.
	got = reply("r5@x", meetinglog.Record{Fixes: []meetinglog.Fix{{Op: meetinglog.FixKind, ID: 2, Kind: meetinglog.Decision}}})
	if f := got.Fixed[0]; f.Problem != "" || f.Item.ID != 2 || f.Item.Kind != meetinglog.Decision {
		t.Errorf("2 is a decision = %+v, want it still numbered 2", f)
	}
	// A decision guessed from the wording is numbered, so that the user can
	// fix the guess; one typed under its heading is not.
	got = reply("r5b@x", meetinglog.Record{Items: []meetinglog.Item{
		{Kind: meetinglog.Decision, Text: "going with B", Inferred: true, Source: "we're going with B"},
		{Kind: meetinglog.Decision, Text: "ship in March"}}})
	if got.Items[0].ID != 5 || got.Items[1].ID != 0 {
		t.Fatalf("guessed and written decisions numbered %d and %d, want 5 and 0", got.Items[0].ID, got.Items[1].ID)
	}
	got = reply("r5c@x", meetinglog.Record{Fixes: []meetinglog.Fix{{Op: meetinglog.FixKind, ID: 5, Kind: meetinglog.Note}}})
	if f := got.Fixed[0]; f.Problem != "" || f.Item.ID != 5 || f.Item.Kind != meetinglog.Note {
		t.Errorf("5 is a note = %+v, want the guessed decision, now a note, still 5", f)
	}

	// "done 1" again: already closed, and said so with its number.
	got = reply("r6@x", meetinglog.Record{Done: []int64{1}})
	if !slices.Equal(got.AlreadyClosed, []int64{1}) {
		t.Errorf("done 1 again = %+v, want it already closed", got)
	}

	// An email from before numbers showed row ids: pretend outbox ids below
	// 100 were written then, and answer one.
	if _, err := s.db.Exec(`UPDATE item_numbers SET legacy_before = 100`); err != nil {
		t.Fatal(err)
	}
	row2 := int64(0)
	s.db.QueryRow(`SELECT id FROM items WHERE number = 2`).Scan(&row2)
	rowDecision := int64(1)
	got = reply("r7@x", meetinglog.Record{Answers: 7, Fixes: []meetinglog.Fix{
		{Op: meetinglog.FixKind, ID: row2, Kind: meetinglog.Action, Owner: "me"},
		{Op: meetinglog.FixKind, ID: rowDecision, Kind: meetinglog.Action, Owner: "me"},
	}})
	if f := got.Fixed[0]; f.Problem != "" || f.Item.ID != 2 {
		t.Errorf("%d is an action, in a reply to an old email = %+v; want item 2", row2, f)
	}
	// A decision that becomes an action takes the next number.
	if f := got.Fixed[1]; f.Problem != "" || f.Item.ID != 6 || f.Item.Kind != meetinglog.Action {
		t.Errorf("1 is an action, in a reply to an old email = %+v; want it numbered 6", f)
	}
	got = reply("r8@x", meetinglog.Record{Answers: 7, Done: []int64{row2}})
	if !slices.Equal(got.Closed, []int64{2}) {
		t.Errorf("done %d in a reply to an old email = %+v; want item 2 closed", row2, got)
	}
	got = reply("r9@x", meetinglog.Record{Answers: 100, Done: []int64{6}})
	if !slices.Equal(got.Closed, []int64{6}) {
		t.Errorf("done 6 in a reply to a new email = %+v; want item 6 closed", got)
	}
	// leadup items done: 4, a talking point, is raised; 99 is nothing.
	closed, notFound, err := s.CloseItems(ctx, []int64{4, 99})
	if err != nil || !slices.Equal(closed, []int64{4}) || !slices.Equal(notFound, []int64{99}) {
		t.Errorf("CloseItems(4, 99) = %v, %v, %v; want 4 (a talking point) raised and 99 not found", closed, notFound, err)
	}
}
