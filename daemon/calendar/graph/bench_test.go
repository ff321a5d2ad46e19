//go:build unix

package graph_test

import (
	"context"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar/graph"
	"github.com/leadup/leadup/daemon/calendar/graph/graphtest"
)

// BenchmarkSteadyStatePoll is the poll leadup makes every few minutes: a
// deltaLink GET with nothing in it, on a calendar of 2,000 events. It
// reports the requests and response bytes of one poll.
func BenchmarkSteadyStatePoll(b *testing.B) {
	fx := newFixture(b)
	fx.srv.Generate(cal, 2000, now.Add(-time.Hour), 10*time.Minute)
	ch, err := fx.src.Sync(context.Background(), "")
	if err != nil {
		b.Fatal(err)
	}
	if len(ch.Events) != 2000 {
		b.Fatalf("full sync listed %d events, want 2000 in the window", len(ch.Events))
	}
	fx.srv.ResetStats()
	b.ReportAllocs()
	for b.Loop() {
		if ch, err = fx.src.Sync(context.Background(), ch.Cursor); err != nil || ch.Full {
			b.Fatalf("Sync() = full %t, %v", ch.Full, err)
		}
	}
	reqs := fx.srv.Requests()
	bytes := 0
	for _, r := range reqs {
		bytes += r.BodyBytes
	}
	b.ReportMetric(float64(len(reqs))/float64(b.N), "requests/op")
	b.ReportMetric(float64(bytes)/float64(len(reqs)), "resp-bytes/op")
}

// BenchmarkFullSync2000 is a first sync of a calendar with 2,000 events in
// the window, in pages of DefaultPageSize. cpu-ms/op is the process's CPU
// time (getrusage) over the Sync call, so it includes the in-process fake
// rendering the pages (from its cache after the first run); it is an upper
// bound on the client's own cost.
func BenchmarkFullSync2000(b *testing.B) {
	fx := newFixture(b)
	fx.srv.Generate(cal, 2000, now.Add(-time.Hour), 10*time.Minute)
	ctx := context.Background()
	var cpu time.Duration
	var requests, bytes int
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
		fx.srv.ResetStats()
		c0 := cpuTime()
		ch, err := fx.src.Sync(ctx, "")
		cpu += cpuTime() - c0
		if err != nil || !ch.Full || len(ch.Events) != 2000 {
			b.Fatalf("Sync() = full %t, %d events, %v; want a full sync of 2000", ch.Full, len(ch.Events), err)
		}
		requests += ch.Requests
		for _, r := range fx.srv.Requests() {
			bytes += r.BodyBytes
		}
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	b.ReportMetric(float64(bytes)/float64(b.N)/(1<<20), "resp-MiB/op")
}

// BenchmarkConvert2000 is the client's share alone: decoding and
// converting the 2,000 events of a full sync, without HTTP.
func BenchmarkConvert2000(b *testing.B) {
	srv := graphtest.NewServer()
	defer srv.Close()
	srv.Generate(cal, 2000, now.Add(-time.Hour), 10*time.Minute)
	pages := graph.FetchPagesForBench(b, srv.Endpoint(), now)
	b.ResetTimer()
	b.ReportAllocs()
	for b.Loop() {
		if n := graph.ConvertPagesForBench(pages); n != 2000 {
			b.Fatalf("converted %d events, want 2000", n)
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
