package daemon_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon"
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
		s := newStack(b, "[brief]\nbefore = [\"2s\"]\n")
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
