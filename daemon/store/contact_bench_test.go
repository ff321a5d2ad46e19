package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
)

// BenchmarkContact reads one boss's contact, as every plan does for each
// boss, from three years of weekly 1:1s and daily group meetings with three
// bosses (about 4,700 meetings), plus a fourth boss who organised 10,000
// meetings a minute apart, all of them cancelled: the last one held is
// three years back, so After is as long as it gets.
func BenchmarkContact(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir()+"/"+FileName, Options{Now: func() time.Time { return t0 }})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const weeks = 156
	var ms []meeting.Meeting
	for w := range weeks {
		for i, boss := range []string{"Dana", "Sam", "Lee"} {
			start := t0.Add(-time.Duration(weeks-w)*7*24*time.Hour + time.Duration(i)*time.Hour)
			m := activeMeeting(fmt.Sprintf("%s-%d", boss, w), start)
			m.Boss, m.OneOnOne = boss, true
			ms = append(ms, m)
			for d := 1; d < 5 && boss != "Lee"; d++ {
				g := activeMeeting(fmt.Sprintf("%s-%d-group-%d", boss, w, d), start.Add(time.Duration(d)*24*time.Hour))
				g.Boss = boss
				ms = append(ms, g)
			}
		}
	}
	old := activeMeeting("flood-held", t0.Add(-weeks*7*24*time.Hour))
	old.Boss = "Flood"
	ms = append(ms, old)
	var flood []meeting.Meeting
	for i := range 10000 {
		m := activeMeeting(fmt.Sprintf("flood-%d", i), t0.Add(-time.Duration(10000-i)*time.Minute))
		m.Boss = "Flood"
		flood = append(flood, m)
	}
	// Seen, then cancelled: the store keeps a cancelled meeting it knew.
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: append(ms, flood...)}); err != nil {
		b.Fatal(err)
	}
	for i := range flood {
		flood[i].Status = meeting.Cancelled
	}
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: flood}); err != nil {
		b.Fatal(err)
	}
	for _, boss := range []string{"Dana", "Flood"} {
		b.Run(boss, func(b *testing.B) {
			for b.Loop() {
				c, err := s.Contact(ctx, boss, t0, 90*24*time.Hour)
				if err != nil || c.Last.Key == "" || boss == "Flood" && len(c.After) != meeting.MaxContactAfter {
					b.Fatalf("Contact(%s) = last %+v, %d after, %v", boss, c.Last.Key, len(c.After), err)
				}
			}
		})
	}
}
