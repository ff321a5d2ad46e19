package daemon_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
)

// TestFeedbackStaysUntilApplied: feedback logged from a reply shows in the
// next brief with its number until a reply says "applied N"; the
// confirmation of that reply lists it as applied, and the brief after it
// no longer does.
func TestFeedbackStaysUntilApplied(t *testing.T) {
	s := newStack(t, replySettings, withIMAP)
	d, followup, followupText := endedMeeting(t, s)
	ctx := context.Background()

	appendMail(t, s, userReply(t, followup, followupText, "Me <me@example.com>", "fb1@mail.example.com",
		"Feedback:\n- Lead with the risks in the weekly update\n\nThanks,\nSam"))
	msgs := s.wait(t, 2)
	confirm := parse(t, msgs[1])
	items, err := d.Store().ListItems(ctx, store.ItemQuery{Kinds: []meetinglog.Kind{meetinglog.Feedback}})
	if err != nil || len(items) != 1 {
		t.Fatalf("ListItems(feedback) = %+v, %v; want one", items, err)
	}
	n := items[0].ID

	next := time.Now().Truncate(time.Hour).Add(7 * 24 * time.Hour)
	s.meetingWith("next", "Dana / me", "dana@example.com", next, 30*time.Minute)
	if _, err := d.SyncMeetings(ctx); err != nil {
		t.Fatalf("SyncMeetings() = %v", err)
	}
	m, err := d.Store().Meeting(ctx, "google:primary/next")
	if err != nil {
		t.Fatalf("Meeting(next) = %v", err)
	}
	j := schedule.Job{Meeting: m, Kind: outbox.KindBrief, Lead: time.Hour, Variant: schedule.BriefVariant(time.Hour),
		Due: next.Add(-time.Hour), Expires: next}
	brief := func() string {
		t.Helper()
		_, r, err := d.Preview(ctx, j)
		if err != nil {
			t.Fatalf("Preview(brief for next week) = %v", err)
		}
		return r.Text
	}
	line := fmt.Sprintf(`- [%d] Lead with the risks in the weekly update (today) – reply "applied %d" once you have`, n, n)
	if text := brief(); !strings.Contains(text, line) || strings.Count(text, "Lead with the risks") != 1 {
		t.Errorf("next brief lacks %q, or shows it twice:\n%s", line, text)
	}

	// "applied N" in a reply to the confirmation closes it.
	appendMail(t, s, userReply(t, confirm.header, confirm.text, "Me <me@example.com>", "fb2@mail.example.com",
		fmt.Sprintf("✅ applied %d\n\nThanks,\nSam", n)))
	msgs = s.wait(t, 3)
	applied := parse(t, msgs[2])
	if want := fmt.Sprintf("Applied:\n- [%d] Lead with the risks in the weekly update", n); !strings.Contains(strings.ReplaceAll(applied.text, "\r\n", "\n"), want) {
		t.Errorf("confirmation lacks %q:\n%s", want, applied.text)
	}
	if open, err := d.Store().OpenFeedback(ctx, "Dana Whitfield"); err != nil || len(open) != 0 {
		t.Errorf("OpenFeedback(Dana) = %+v, %v; want none", open, err)
	}
	if text := brief(); strings.Contains(text, "applied") {
		t.Errorf("brief after applying still asks for it:\n%s", text)
	}
}
