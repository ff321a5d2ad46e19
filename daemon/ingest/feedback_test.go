package ingest_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/leadup/leadup/daemon/ingest"
	"github.com/leadup/leadup/daemon/meetinglog"
)

// TestAppliedFeedback: "applied 4" in a reply closes feedback from its
// boss, "done 5" on feedback does too, and an "applied" number that is no
// open feedback of the boss is said back; the confirmation is told all of
// it.
func TestAppliedFeedback(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	add := func(boss, text string) int64 {
		t.Helper()
		n, err := fx.st.AddItem(ctx, meetinglog.Item{Boss: boss, MeetingKey: "google:primary/one", Kind: meetinglog.Feedback, Text: text})
		if err != nil {
			t.Fatalf("AddItem(%q) = %v", text, err)
		}
		return n
	}
	risks := add("Dana Whitfield", "Lead with the risks")
	shorter := add("Dana Whitfield", "Keep the update shorter")
	marcus := add("Marcus Oyelaran", "Bottom line first")

	body := fmt.Sprintf("✅ applied %d\ndone %d\napplied #%d, %d\n", risks, shorter, marcus, fx.open)
	msg := email("me@example.com", "me+leadup-"+fx.token+"@example.com", "Re: Follow-up: 1:1 with Dana",
		"leadup.followup."+fx.token+"@example.com", "applied@mail.example.com", body)
	res, err := fx.in.Ingest(ctx, msg)
	if err != nil || res.Outcome != ingest.Logged {
		t.Fatalf("Ingest() = %+v, %v; want logged", res, err)
	}
	l := res.Logged
	if !slices.Equal(l.Applied, []int64{risks, shorter}) {
		t.Errorf("applied %v, want [%d %d]", l.Applied, risks, shorter)
	}
	// "applied" on an action, and on another boss's feedback, is said
	// back and closes nothing.
	if len(l.Closed) != 0 || !slices.Equal(l.NotFeedback, []int64{marcus, fx.open}) || len(l.NotFound) != 0 {
		t.Errorf("closed %v, not feedback %v, not found %v; want none, [%d %d], none", l.Closed, l.NotFeedback, l.NotFound, marcus, fx.open)
	}
	if len(fx.confirm.calls) != 1 || !slices.Equal(fx.confirm.calls[0].Logged.Applied, l.Applied) ||
		!slices.Equal(fx.confirm.calls[0].Logged.NotFeedback, l.NotFeedback) {
		t.Errorf("confirmations %+v, want one that lists what was applied", fx.confirm.calls)
	}
	open, err := fx.st.OpenFeedback(ctx, "Dana Whitfield")
	if err != nil || len(open) != 0 {
		t.Errorf("OpenFeedback(Dana) = %+v, %v; want none open", open, err)
	}
	again, err := fx.in.Ingest(ctx, msg)
	if err != nil || again.Outcome != ingest.Duplicate || len(fx.confirm.calls) != 1 {
		t.Errorf("the same reply again = %+v, %v; want a duplicate, no second confirmation", again, err)
	}
}
