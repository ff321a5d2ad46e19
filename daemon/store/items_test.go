package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
)

// TestApplyFeedback: "applied 4" closes feedback from the reply's boss,
// recording when, as "done" does an action; "done 4" on feedback applies
// it too; a number that is no feedback of the boss is said back; undoing
// the reply reopens what it applied.
func TestApplyFeedback(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m := activeMeeting("m", t0.Add(-time.Hour))
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{m}}); err != nil {
		t.Fatal(err)
	}
	add := func(boss string, kind meetinglog.Kind, text string, age time.Duration) int64 {
		t.Helper()
		n, err := s.AddItem(ctx, meetinglog.Item{Boss: boss, Kind: kind, Text: text, Owner: "me", Created: t0.Add(-age)})
		if err != nil {
			t.Fatalf("AddItem(%q) = %v", text, err)
		}
		return n
	}
	risks := add("Dana", meetinglog.Feedback, "Lead with the risks", 21*24*time.Hour)
	shorter := add("Dana", meetinglog.Feedback, "Keep the update shorter", 7*24*time.Hour)
	detail := add("Dana", meetinglog.Feedback, "More detail on costs", 24*time.Hour)
	action := add("Dana", meetinglog.Action, "Send the plan", time.Hour)
	sams := add("Sam", meetinglog.Feedback, "Sam's feedback", time.Hour)

	open, err := s.OpenFeedback(ctx, "Dana")
	if err != nil || len(open) != 3 || open[0].ID != risks || open[2].ID != detail {
		t.Fatalf("OpenFeedback(Dana) = %+v, %v; want %d, %d, %d oldest first", open, err, risks, shorter, detail)
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
	// One reply, one transaction: what it applies, and what it closes.
	got := reply("r1@x", meetinglog.Record{Applied: []int64{risks, action, sams, 999}, Done: []int64{shorter, action}})
	if !slices.Equal(got.Applied, []int64{risks, shorter}) || !slices.Equal(got.NotFeedback, []int64{action, sams, 999}) ||
		len(got.AlreadyApplied) != 0 {
		t.Errorf("RecordReply() applied %v, already %v, not feedback %v; want %d and %d applied, %d, %d and 999 not feedback",
			got.Applied, got.AlreadyApplied, got.NotFeedback, risks, shorter, action, sams)
	}
	if !slices.Equal(got.Closed, []int64{action}) {
		t.Errorf("RecordReply() closed %v, want the action %d", got.Closed, action)
	}
	applied, _ := s.ItemsByNumber(ctx, []int64{risks})
	if len(applied) != 1 || !applied[0].Done.Equal(t0) {
		t.Errorf("applied feedback = %+v, want done at %v", applied, t0)
	}
	if open, _ := s.OpenFeedback(ctx, "Dana"); len(open) != 1 || open[0].ID != detail {
		t.Errorf("OpenFeedback(Dana) after applying = %+v, want %d alone", open, detail)
	}
	// The same reply again changes nothing.
	if _, err := s.RecordReply(ctx, meetinglog.Record{Reply: meetinglog.Reply{MessageID: "r1@x", Boss: "Dana"}, Applied: []int64{detail}}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("RecordReply() of a recorded reply = %v, want ErrDuplicate", err)
	}
	if open, _ := s.OpenFeedback(ctx, "Dana"); len(open) != 1 {
		t.Errorf("a duplicate reply applied feedback: %+v", open)
	}

	// Applied again, by another reply: said so.
	again := reply("r2@x", meetinglog.Record{Applied: []int64{risks}})
	if !slices.Equal(again.AlreadyApplied, []int64{risks}) || len(again.Applied) != 0 {
		t.Errorf("applied %d again = %+v; want it already applied", risks, again)
	}

	// Undoing the first reply reopens what it applied.
	if _, err := s.RecordReply(ctx, meetinglog.Record{Reply: meetinglog.Reply{MessageID: "r3@x", MeetingKey: m.Key, Boss: "Dana", Received: t0},
		Fixes: []meetinglog.Fix{{Op: meetinglog.FixUndoReply, Reply: "r1@x"}}}); err != nil {
		t.Fatalf("RecordReply(undo) = %v", err)
	}
	if open, _ := s.OpenFeedback(ctx, "Dana"); len(open) != 3 {
		t.Errorf("OpenFeedback(Dana) after undo = %+v, want all three again", open)
	}
}

// TestApplyItems is "leadup items applied": any boss's feedback, by number.
func TestApplyItems(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	fb, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Sam", Kind: meetinglog.Feedback, Text: "Bottom line first"})
	act, _ := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Owner: "me", Text: "Send the plan"})
	applied, notFeedback, err := s.ApplyItems(ctx, []int64{fb, act})
	if err != nil || !slices.Equal(applied, []int64{fb}) || !slices.Equal(notFeedback, []int64{act}) {
		t.Errorf("ApplyItems(%d, %d) = %v, %v, %v; want %d applied, %d not feedback", fb, act, applied, notFeedback, err, fb, act)
	}
	if applied, notFeedback, _ = s.ApplyItems(ctx, []int64{fb}); len(applied) != 0 || !slices.Equal(notFeedback, []int64{fb}) {
		t.Errorf("ApplyItems(%d) again = %v, %v; want it no open feedback", fb, applied, notFeedback)
	}
}
