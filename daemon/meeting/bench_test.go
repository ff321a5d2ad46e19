package meeting_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadup/leadup/daemon/calendar/google"
	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/store"
)

// fakeEnv, when set, makes the test binary serve a fake Calendar API with
// that many events instead of running tests: the full-sync benchmark runs
// the server in another process, so that the CPU time and heap it measures
// are leadup's alone.
const fakeEnv = "LEADUP_BENCH_FAKE_GOOGLE_EVENTS"

func TestMain(m *testing.M) {
	if v := os.Getenv(fakeEnv); v != "" {
		serveFake(v)
		return
	}
	os.Exit(m.Run())
}

func serveFake(count string) {
	n, err := strconv.Atoi(count)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	srv := googletest.NewServer()
	srv.GenerateWithin("primary", n, now, 14, 1)
	fmt.Println(srv.Endpoint())
	io.Copy(io.Discard, os.Stdin) // serve until the benchmark closes our stdin
	srv.Close()
	os.Exit(0)
}

// startFake runs a fake Calendar API with n events in another process.
func startFake(b *testing.B, n int) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fakeEnv+"="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatalf("start fake API: %v", err)
	}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("read fake API address: %v", err)
	}
	return line[:len(line)-1]
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakHeap samples the heap's live and not-yet-swept objects every
// millisecond until stop is closed, and returns the highest reading.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// BenchmarkFullSync5000 is a first sync of a calendar with 5,000 events in
// the window: two pages of 2,500 from the API, every event classified, the
// boss meetings written to a new database.
func BenchmarkFullSync5000(b *testing.B) {
	const events = 5000
	endpoint := startFake(b, events)
	ctx := context.Background()
	fake := clock.NewFake(now)
	src, err := google.New(ctx, google.Options{
		Lookahead:  14 * 24 * time.Hour,
		Endpoint:   endpoint,
		HTTPClient: &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})}},
		Clock:      fake,
	})
	if err != nil {
		b.Fatal(err)
	}
	rule := meeting.NewRule([]config.Boss{{Name: "Dana Whitfield", Emails: []string{googletest.BossEmail}}}, config.Filter{GroupMeetings: true})
	var cpu time.Duration
	var peak uint64
	var res meeting.SyncResult
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), store.FileName), store.Options{Now: fake.Now})
		if err != nil {
			b.Fatal(err)
		}
		tr := meeting.NewTracker(meeting.TrackerOptions{Source: src, Store: st, Rule: rule, Clock: fake})
		runtime.GC()
		stop := make(chan struct{})
		peakC := peakHeap(stop)
		c0 := cpuTime()
		b.StartTimer()

		res, err = tr.Sync(ctx)

		b.StopTimer()
		cpu += cpuTime() - c0
		close(stop)
		peak = max(peak, <-peakC)
		if err != nil {
			b.Fatal(err)
		}
		st.Close()
		b.StartTimer()
	}
	if !res.Full || res.Events != events {
		b.Fatalf("sync: full %t, %d events; want a full sync of %d", res.Full, res.Events, events)
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(res.Requests), "requests/op")
	b.ReportMetric(float64(len(res.Changes)), "meetings")
}
