package meetinglog_test

import (
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

func TestFollowThroughOf(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	// An action due at the end of a day (23:59), days from now.
	due := func(days int) time.Time {
		d := now.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 0, 0, time.UTC)
	}
	mine := func(dueAt, done time.Time) meetinglog.Item {
		return meetinglog.Item{Kind: meetinglog.Action, Owner: "me", Text: "task", Due: dueAt, Done: done, Created: now.Add(-30 * day)}
	}
	tests := []struct {
		name  string
		items []meetinglog.Item
		want  meetinglog.FollowThrough
	}{
		{name: "nothing", want: meetinglog.FollowThrough{}},
		{name: "done before due: on time",
			items: []meetinglog.Item{mine(due(-3), due(-4))},
			want:  meetinglog.FollowThrough{Due: 1, OnTime: 1}},
		{name: "done exactly at due: on time",
			items: []meetinglog.Item{mine(due(-3), due(-3))},
			want:  meetinglog.FollowThrough{Due: 1, OnTime: 1}},
		{name: "done a second after due: late",
			items: []meetinglog.Item{mine(due(-3), due(-3).Add(time.Second))},
			want:  meetinglog.FollowThrough{Due: 1, Late: 1}},
		{name: "done days after due: late",
			items: []meetinglog.Item{mine(due(-10), due(-2))},
			want:  meetinglog.FollowThrough{Due: 1, Late: 1}},
		{name: "open past due",
			items: []meetinglog.Item{mine(due(-1), time.Time{})},
			want:  meetinglog.FollowThrough{Due: 1, Open: 1}},
		{name: "open, due a second ago",
			items: []meetinglog.Item{mine(now.Add(-time.Second), time.Time{})},
			want:  meetinglog.FollowThrough{Due: 1, Open: 1}},
		{name: "open, due right now: not yet",
			items: []meetinglog.Item{mine(now, time.Time{})},
			want:  meetinglog.FollowThrough{}},
		{name: "open, not yet due: not counted",
			items: []meetinglog.Item{mine(due(0), time.Time{}), mine(due(5), time.Time{})},
			want:  meetinglog.FollowThrough{}},
		{name: "closed early, due later: on time",
			items: []meetinglog.Item{mine(due(5), now.Add(-day))},
			want:  meetinglog.FollowThrough{Due: 1, OnTime: 1}},
		{name: "other owners and items without a due date are ignored",
			items: []meetinglog.Item{
				{Kind: meetinglog.Action, Owner: "boss", Due: due(-3)},
				{Kind: meetinglog.Action, Owner: "Priya", Due: due(-3), Done: due(-1)},
				{Kind: meetinglog.Action, Owner: "me"},
				{Kind: meetinglog.Action, Owner: "me", Done: now.Add(-day)},
				{Kind: meetinglog.Point, Owner: "me", Due: due(-3)},
				{Kind: meetinglog.Feedback, Owner: "me", Due: due(-3), Done: due(-4)},
			},
			want: meetinglog.FollowThrough{}},
		{name: "a month of them",
			items: []meetinglog.Item{
				mine(due(-20), due(-21)),          // on time
				mine(due(-15), due(-15)),          // on time
				mine(due(-10), due(-8)),           // late
				mine(due(-5), time.Time{}),        // open
				mine(due(-1), time.Time{}),        // open
				mine(due(2), now.Add(-time.Hour)), // closed early: on time
				mine(due(3), time.Time{}),         // not yet due
				{Kind: meetinglog.Action, Owner: "boss", Due: due(-5)},
			},
			want: meetinglog.FollowThrough{Due: 6, OnTime: 3, Late: 1, Open: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := meetinglog.FollowThroughOf(tt.items, now); got != tt.want {
				t.Errorf("FollowThroughOf(%d items) = %+v, want %+v", len(tt.items), got, tt.want)
			}
		})
	}
}
