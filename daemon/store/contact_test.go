package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
)

// contactKeys lists the keys of ms, without the calendar.
func contactKeys(ms []meeting.Meeting) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Key[len("cal/"):])
	}
	return out
}

// contactStarts renders times as days from t0, for comparison.
func contactStarts(ts []time.Time) []string {
	var out []string
	for _, t := range ts {
		out = append(out, fmt.Sprint(int64(t.Sub(t0)/(24*time.Hour))))
	}
	return out
}

// storeMeetings stores ms as a sync would: a cancelled or unmatched meeting
// is one that was active before.
func storeMeetings(t *testing.T, s *Store, ms []meeting.Meeting) {
	t.Helper()
	ctx := context.Background()
	var first, then []meeting.Meeting
	for _, m := range ms {
		if m.Status == meeting.Cancelled || m.Status == meeting.Unmatched {
			then = append(then, m)
			m.Status = meeting.Active
		}
		first = append(first, m)
	}
	for _, u := range [][]meeting.Meeting{first, then} {
		if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: u}); err != nil {
			t.Fatalf("ApplySync() = %v", err)
		}
	}
}

func TestContact(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	day := 24 * time.Hour
	at := func(id string, days int, change func(*meeting.Meeting)) meeting.Meeting {
		m := activeMeeting(id, t0.Add(time.Duration(days)*day))
		if change != nil {
			change(&m)
		}
		return m
	}
	groupMeeting := func(m *meeting.Meeting) { m.OneOnOne = false }
	cancelled := func(m *meeting.Meeting) { m.Status = meeting.Cancelled }
	ms := []meeting.Meeting{
		at("first", -28, nil),
		at("team", -14, groupMeeting), // the last held
		at("cancelled", -10, cancelled),
		at("boss-declined", -7, func(m *meeting.Meeting) { m.BossDeclined = true }),
		at("user-declined", -5, func(m *meeting.Meeting) { m.Status = meeting.Declined }),
		at("unmatched", -3, func(m *meeting.Meeting) { m.Status = meeting.Unmatched }),
		at("sams", -1, func(m *meeting.Meeting) { m.Boss = "Sam" }),
		at("next", 7, nil),
		at("team-ahead", 8, groupMeeting),
		at("far", 60, nil), // past the 30 days ahead
	}
	storeMeetings(t, s, ms)

	tests := []struct {
		name      string
		boss      string
		at        time.Time
		last      string
		after     []string
		oneOnOnes []string
	}{
		{name: "now: the group meeting is the last held",
			boss: "Dana", at: t0, last: "team",
			after:     []string{"cancelled", "boss-declined", "user-declined", "next", "team-ahead", "far"},
			oneOnOnes: []string{"-28", "-10", "-7", "-5", "7"}},
		{name: "at the start of a meeting: it is held",
			boss: "Dana", at: t0.Add(-14 * day), last: "team",
			after:     []string{"cancelled", "boss-declined", "user-declined", "next", "team-ahead", "far"},
			oneOnOnes: []string{"-28", "-10", "-7", "-5", "7"}},
		{name: "a second before: the one before it",
			boss: "Dana", at: t0.Add(-14*day - time.Second), last: "first",
			after:     []string{"team", "cancelled", "boss-declined", "user-declined", "next", "team-ahead", "far"},
			oneOnOnes: []string{"-28", "-10", "-7", "-5", "7"}},
		{name: "before any meeting held: all of them after",
			boss: "Dana", at: t0.Add(-60 * day), last: "",
			after:     []string{"first", "team", "cancelled", "boss-declined", "user-declined", "next", "team-ahead", "far"},
			oneOnOnes: nil}, // the first 1:1 is 32 days ahead
		{name: "another boss", boss: "Sam", at: t0, last: "sams", oneOnOnes: []string{"-1"}},
		{name: "a boss with no meetings", boss: "Robin", at: t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := s.Contact(ctx, tt.boss, tt.at, 30*day)
			if err != nil {
				t.Fatalf("Contact(%s) = %v", tt.boss, err)
			}
			if c.Boss != tt.boss {
				t.Errorf("Contact(%s).Boss = %q", tt.boss, c.Boss)
			}
			if got := c.Last.Key; (got == "" && tt.last != "") || (got != "" && got != "cal/"+tt.last) {
				t.Errorf("Contact(%s).Last = %q, want %q", tt.boss, got, tt.last)
			}
			if got := contactKeys(c.After); !slices.Equal(got, tt.after) {
				t.Errorf("Contact(%s).After = %q, want %q", tt.boss, got, tt.after)
			}
			if got := contactStarts(c.OneOnOnes); !slices.Equal(got, tt.oneOnOnes) {
				t.Errorf("Contact(%s).OneOnOnes (days from t0) = %q, want %q", tt.boss, got, tt.oneOnOnes)
			}
		})
	}

	// The meetings are light, but carry what a nudge needs.
	c, err := s.Contact(ctx, "Dana", t0, 30*day)
	if err != nil {
		t.Fatalf("Contact(Dana) = %v", err)
	}
	want := ms[1]
	got := c.Last
	if got.Key != want.Key || got.Calendar != "cal" || got.Status != meeting.Active || got.Boss != "Dana" ||
		got.BossEmail != want.BossEmail || got.OneOnOne || got.BossDeclined || got.Event.ID != want.Event.ID ||
		got.Event.Title != want.Event.Title || !got.Event.Start.Equal(want.Event.Start) || !got.Event.End.Equal(want.Event.End) {
		t.Errorf("Contact(Dana).Last = %+v, want %+v", got, want)
	}
	if bd := c.After[1]; bd.Status != meeting.Active || !bd.BossDeclined || !bd.OneOnOne {
		t.Errorf("Contact(Dana).After[1] = %+v, want active, 1:1, declined by the boss", bd)
	}
	if ud := c.After[2]; ud.Status != meeting.Declined {
		t.Errorf("Contact(Dana).After[2].Status = %q, want declined", ud.Status)
	}
}

// TestContactBounds: a boss who books a meeting every hour makes every plan
// read a bounded number of rows.
func TestContactBounds(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	last := activeMeeting("last", t0.Add(-100*time.Hour))
	ms := []meeting.Meeting{last}
	const n = meeting.MaxContactAfter + 20
	for i := range n {
		// Hourly from t0 - 99h, most of them past, cancelled.
		m := activeMeeting(fmt.Sprintf("m%03d", i), t0.Add(time.Duration(i-99)*time.Hour))
		m.Status = meeting.Cancelled
		ms = append(ms, m)
	}
	// Inserted latest first: the order is the query's.
	slices.Reverse(ms)
	storeMeetings(t, s, ms)
	c, err := s.Contact(ctx, "Dana", t0, 24*time.Hour)
	if err != nil {
		t.Fatalf("Contact() = %v", err)
	}
	if c.Last.Key != "cal/last" {
		t.Errorf("Contact().Last = %q, want cal/last", c.Last.Key)
	}
	var want []string
	for i := range meeting.MaxContactAfter {
		want = append(want, fmt.Sprintf("m%03d", i))
	}
	if got := contactKeys(c.After); !slices.Equal(got, want) {
		t.Errorf("Contact().After = %q\nwant the first %d: %q", got, meeting.MaxContactAfter, want)
	}
	// The 1:1s: the latest up to a day past t0 (hours -99…-30 all are), earliest first.
	var wantStarts []time.Time
	for i := n - meeting.MaxContactOneOnOnes; i < n; i++ {
		wantStarts = append(wantStarts, t0.Add(time.Duration(i-99)*time.Hour))
	}
	if !slices.EqualFunc(c.OneOnOnes, wantStarts, time.Time.Equal) {
		t.Errorf("Contact().OneOnOnes = %v\nwant %v", c.OneOnOnes, wantStarts)
	}

	// A lookahead that ends before the latest: the latest up to it.
	c, err = s.Contact(ctx, "Dana", t0.Add(-50*time.Hour), 10*time.Hour)
	if err != nil {
		t.Fatalf("Contact(-50h) = %v", err)
	}
	wantStarts = nil
	for h := -47; h <= -40; h++ {
		wantStarts = append(wantStarts, t0.Add(time.Duration(h)*time.Hour))
	}
	if !slices.EqualFunc(c.OneOnOnes, wantStarts, time.Time.Equal) {
		t.Errorf("Contact(-50h, 10h ahead).OneOnOnes = %v\nwant %v", c.OneOnOnes, wantStarts)
	}
}

func TestCommitmentsDueBetween(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	add := func(it meetinglog.Item) string {
		t.Helper()
		if it.Boss == "" {
			it.Boss = "Dana"
		}
		if it.Kind == "" {
			it.Kind = meetinglog.Action
		}
		if it.Owner == "" {
			it.Owner = "me"
		}
		if _, err := s.AddItem(ctx, it); err != nil {
			t.Fatalf("AddItem(%s) = %v", it.Text, err)
		}
		return it.Text
	}
	add(meetinglog.Item{Text: "due before", Due: from.Add(-time.Second)})
	late := add(meetinglog.Item{Text: "due late in the month", Due: to.Add(-time.Second)})
	first := add(meetinglog.Item{Text: "due at from", Due: from, Done: from.Add(-time.Hour)})
	add(meetinglog.Item{Text: "due at to", Due: to})
	mid := add(meetinglog.Item{Text: "due mid-month, closed after", Due: from.AddDate(0, 0, 14), Done: to.AddDate(0, 0, 3)})
	add(meetinglog.Item{Text: "the boss's", Owner: "boss", Due: from.AddDate(0, 0, 1)})
	add(meetinglog.Item{Text: "Priya's", Owner: "Priya", Due: from.AddDate(0, 0, 1)})
	add(meetinglog.Item{Text: "Sam's boss", Boss: "Sam", Due: from.AddDate(0, 0, 1)})
	add(meetinglog.Item{Text: "a point", Kind: meetinglog.Point, Due: from.AddDate(0, 0, 1)})
	add(meetinglog.Item{Text: "no due date"})

	items, err := s.CommitmentsDueBetween(ctx, "Dana", from, to)
	if err != nil {
		t.Fatalf("CommitmentsDueBetween() = %v", err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.Text)
	}
	if want := []string{first, mid, late}; !slices.Equal(got, want) {
		t.Errorf("CommitmentsDueBetween() = %q, want %q", got, want)
	}
	if len(items) == 3 && (!items[0].Done.Equal(from.Add(-time.Hour)) || !items[1].Due.Equal(from.AddDate(0, 0, 14)) || !items[2].Done.IsZero()) {
		t.Errorf("CommitmentsDueBetween() dates = %+v", items)
	}
}
