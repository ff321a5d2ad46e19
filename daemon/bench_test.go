package daemon_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/store"
)

// BenchmarkDispatchLateness measures, on the real clock, how late briefs
// reach the SMTP server: 40 meetings whose briefs fall due five at a time,
// a second apart (calendar times are whole seconds, and meetings bunch on
// the hour), the lateness being arrival at the server minus the due time.
// Run it with -benchtime=1x: one run takes about twelve seconds. The stacks of all runs
// are torn down when the benchmark ends.
func BenchmarkDispatchLateness(b *testing.B) {
	const n = 40
	var late []time.Duration
	for range b.N {
		// Forty meetings with one boss in a day: past [limits]' defaults,
		// which are not what this measures.
		s := newStack(b, "[brief]\nbefore = [\"2s\"]\n[limits]\nmeetings_per_boss_per_day = 40\nemails_per_boss_per_day = 40\n")
		first := time.Now().Truncate(time.Second).Add(4 * time.Second)
		due := map[string]time.Time{}
		for i := range n {
			start := first.Add(time.Duration(i/5) * time.Second)
			title := fmt.Sprintf("Meeting %02d", i)
			s.meetingWith(fmt.Sprintf("m%02d", i), title, "dana@example.com", start, time.Hour)
			due[title] = start.Add(-2 * time.Second)
		}
		s.start(b, daemon.Options{})
		for _, m := range s.wait(b, n) {
			for title, at := range due {
				if strings.Contains(string(m.Data), title) {
					late = append(late, m.At.Sub(at))
				}
			}
		}
	}
	slices.Sort(late)
	pct := func(p float64) time.Duration { return late[min(len(late)-1, int(p*float64(len(late))))] }
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(late[len(late)-1].Microseconds())/1000, "max-ms")
	if late[0] < 0 {
		b.Errorf("a brief went out %v early", -late[0])
	}
}

// BenchmarkReplyToStore measures, on the real clock, how long a reply takes
// from the IMAP INBOX to the store: 20 replies to one follow-up, each
// appended once the one before is logged, so the watcher learns of each
// through IDLE. The latency is from the APPEND to the first look at the
// store that finds the reply's decision; the store is polled every 2 ms.
// Run it with -benchtime=1x.
func BenchmarkReplyToStore(b *testing.B) {
	const n = 20
	var lat []time.Duration
	for range b.N {
		s := newStack(b, replySettings, withIMAP)
		d, followup, followupText := endedMeeting(b, s)
		for i := range n {
			marker := fmt.Sprintf("Ship release %02d", i)
			body := strings.Replace(replyBody, "Ship on March 3", marker, 1)
			raw := userReply(b, followup, followupText, "Me <me@example.com>", fmt.Sprintf("bench-%02d-%d@mail.gmail.com", i, b.N), body)
			start := time.Now()
			appendMail(b, s, raw)
			lat = append(lat, waitForItem(b, d, marker, start))
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.95).Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	if p95 := pct(0.95); p95 > 2*time.Second {
		b.Errorf("p95 reply-to-store latency %v, want under 2s", p95)
	}
}

// waitForItem polls the store until an item holding text is logged, and
// returns how long after start it was found.
func waitForItem(b *testing.B, d *daemon.Daemon, text string, start time.Time) time.Duration {
	b.Helper()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	for {
		items, err := d.Store().ListItems(context.Background(), store.ItemQuery{Since: start.Add(-time.Second)})
		if err != nil {
			b.Fatalf("ListItems() = %v", err)
		}
		for _, it := range items {
			if strings.Contains(it.Text, text) {
				return time.Since(start)
			}
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			b.Fatalf("no item %q in the store 30s after the reply was appended", text)
		}
	}
}
