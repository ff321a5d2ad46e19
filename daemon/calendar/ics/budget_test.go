package ics

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
)

// floodWindow is the 21-day window of a two-week lookahead.
var floodWindow = span("2025-10-19", "2025-11-09")

// floodCalendar writes the feed from the report: n series, each
// RRULE:FREQ=MINUTELY with no COUNT or UNTIL, starting the day before the
// window (30,240 instances each in it), and, when boss is set, a weekly
// one-on-one at the end of the file. 2,000 series make about 295 kB.
func floodCalendar(n int, boss bool) []byte {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//leadup//flood//EN\r\n")
	for i := range n {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:flood-%d@example.com\r\nDTSTAMP:20251018T000000Z\r\n"+
			"DTSTART:20251018T%02d%02d00Z\r\nDURATION:PT1M\r\nRRULE:FREQ=MINUTELY\r\nSUMMARY:Flood %d\r\nEND:VEVENT\r\n",
			i, i/60%24, i%60, i)
	}
	if boss {
		b.WriteString("BEGIN:VEVENT\r\nUID:boss@example.com\r\nDTSTART:20251007T150000Z\r\nDURATION:PT30M\r\n" +
			"RRULE:FREQ=WEEKLY\r\nSUMMARY:1:1 with the boss\r\nEND:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

// A small feed of endless MINUTELY series used to allocate gigabytes. Its
// expansion now stays within the budget, keeps every instance of an
// ordinary series, lists the earliest of each cut series, and logs one
// warning that names a series.
func TestExpandFloodIsBounded(t *testing.T) {
	data := floodCalendar(2000, true)
	if len(data) > 320<<10 {
		t.Fatalf("feed is %d bytes", len(data))
	}
	log, buf := logBuffer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	cal, err := parse(data, ParseOptions{Location: chicago, Log: log})
	if err != nil {
		t.Fatalf("parse() = %v", err)
	}
	evs := cal.Expand(floodWindow)
	took := time.Since(start)
	runtime.ReadMemStats(&after)

	if len(evs) > DefaultMaxInstances || len(evs) < DefaultMaxInstances-len(cal.series) {
		t.Errorf("Expand listed %d events, want about %d", len(evs), DefaultMaxInstances)
	}
	perSeries := map[string][]calendar.Event{}
	for _, e := range evs {
		perSeries[e.RecurringEventID] = append(perSeries[e.RecurringEventID], e)
	}
	if got := len(perSeries["boss@example.com"]); got != 3 {
		t.Errorf("the boss's weekly series has %d instances in the window, want 3", got)
	}
	for uid, list := range perSeries {
		if len(list) > DefaultMaxSeriesInstances {
			t.Errorf("series %s has %d instances", uid, len(list))
		}
		if uid == "boss@example.com" {
			continue
		}
		// The earliest are kept: a run of minutes from the window's start.
		first := list[0].Start
		if first.After(floodWindow.Start.Add(time.Minute)) {
			t.Errorf("series %s starts at %v, after the window's start", uid, first)
		}
		if last := list[len(list)-1].Start; last.Sub(first) != time.Duration(len(list)-1)*time.Minute {
			t.Errorf("series %s: %d instances from %v to %v, not the earliest", uid, len(list), first, last)
		}
	}
	if n := strings.Count(buf.String(), "more instances in the window than may be listed"); n != 1 {
		t.Errorf("log has %d budget warnings, want 1:\n%.2000s", n, buf.String())
	}
	if !strings.Contains(buf.String(), "worst_uid=flood-") || !strings.Contains(buf.String(), "worst_title=\"Flood ") {
		t.Errorf("warning does not name the worst series:\n%.2000s", buf.String())
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 200<<20 {
		t.Errorf("parse and Expand allocated %d MB", alloc>>20)
	}
	t.Logf("%d bytes, %d events, %v, %d MB allocated", len(data), len(evs), took, (after.TotalAlloc-before.TotalAlloc)>>20)

	// The same again gives the same listing.
	again := cal.Expand(floodWindow)
	if len(again) != len(evs) {
		t.Fatalf("second Expand listed %d events, first %d", len(again), len(evs))
	}
	for i := range evs {
		if again[i].ID != evs[i].ID {
			t.Fatalf("second Expand differs at %d: %s, first %s", i, again[i].ID, evs[i].ID)
		}
	}
}

// The budget is shared as water fills vessels: series that want little get
// all of it, the rest share what is left, the earliest kept at the margin.
func TestExpandBudgetSharing(t *testing.T) {
	const body = "BEGIN:VCALENDAR\nVERSION:2.0\n" +
		"BEGIN:VEVENT\nUID:daily-a\nDTSTART:20251019T090000Z\nRRULE:FREQ=DAILY\nSUMMARY:A\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nUID:single\nDTSTART:20251108T090000Z\nSUMMARY:Late single\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nUID:daily-b\nDTSTART:20251019T100000Z\nRRULE:FREQ=DAILY\nSUMMARY:B\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nUID:weekly\nDTSTART:20251020T110000Z\nRRULE:FREQ=WEEKLY\nSUMMARY:W\nEND:VEVENT\n" +
		"BEGIN:VEVENT\nUID:hourly\nDTSTART:20251019T000000Z\nRRULE:FREQ=HOURLY\nSUMMARY:H\nEND:VEVENT\n" +
		"END:VCALENDAR\n"
	for _, tc := range []struct {
		name                  string
		max, perSeries        int
		daily, weekly, hourly int
		single                bool
	}{
		{"room for all but hourly", 100, 0, 21, 3, 100 - 21 - 21 - 3 - 1, true},
		{"per-series cap", 1000, 30, 21, 3, 30, true},
		// 2 each, 1 to the single; the 1 left makes the four others take
		// a third, and the three latest of those are dropped again: the
		// hourly's third (at 02:00 on the first day) stays.
		{"tight", 10, 0, 2, 2, 3, true},
		{"tighter than the series", 3, 0, 1, 0, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, buf := logBuffer()
			cal, err := parse([]byte(body), ParseOptions{Location: chicago, Log: log, MaxInstances: tc.max, MaxSeriesInstances: tc.perSeries})
			if err != nil {
				t.Fatalf("parse() = %v", err)
			}
			evs := cal.Expand(floodWindow)
			count := map[string]int{}
			for _, e := range evs {
				id := e.RecurringEventID
				if id == "" {
					id = e.ID
				}
				count[id]++
			}
			want := map[string]int{"daily-a": tc.daily, "daily-b": tc.daily, "weekly": tc.weekly, "hourly": tc.hourly}
			if tc.single {
				want["single"] = 1
			}
			for id, n := range want {
				if count[id] != n {
					t.Errorf("%s: %d instances, want %d (all: %v)", id, count[id], n, count)
				}
			}
			if len(evs) > tc.max {
				t.Errorf("Expand listed %d events, more than %d", len(evs), tc.max)
			}
			if n := strings.Count(buf.String(), "level=WARN"); n != 1 {
				t.Errorf("log has %d warnings, want 1:\n%s", n, buf.String())
			}
		})
	}
}

// An ordinary calendar is listed whole, with no warning.
func TestExpandNoWarningWithinBudget(t *testing.T) {
	log, buf := logBuffer()
	cal, err := parse(benchCalendar(), ParseOptions{Location: chicago, Log: log})
	if err != nil {
		t.Fatalf("parse() = %v", err)
	}
	buf.Reset()
	if evs := cal.Expand(floodWindow); len(evs) == 0 {
		t.Fatal("Expand listed nothing")
	}
	if buf.Len() != 0 {
		t.Errorf("Expand logged:\n%s", buf.String())
	}
}

// TestFloodChild is run by BenchmarkExpandFlood in a child process, so that
// its peak resident size (VmHWM) is its own.
func TestFloodChild(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("LEADUP_ICS_FLOOD"))
	if err != nil {
		t.Skip("run by BenchmarkExpandFlood")
	}
	data := floodCalendar(n, true)
	start := time.Now()
	cal, err := parse(data, ParseOptions{Location: chicago})
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Expand(floodWindow)
	took := time.Since(start)
	fmt.Printf("flood bytes=%d events=%d ns=%d hwm_kb=%d\n", len(data), len(evs), took.Nanoseconds(), vmHWM())
}

// vmHWM returns this process's peak resident size in kB, 0 if unknown.
func vmHWM() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

// BenchmarkExpandFlood parses and expands the flood feed of 200 and 2,000
// MINUTELY series, reporting the peak heap (sampled through runtime/metrics)
// and, from a child process, the time and peak resident size of one cold
// parse and expand.
func BenchmarkExpandFlood(b *testing.B) {
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprintf("series=%d", n), func(b *testing.B) {
			data := floodCalendar(n, true)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			peak := sampleHeap()
			for b.Loop() {
				cal, err := parse(data, ParseOptions{Location: chicago})
				if err != nil {
					b.Fatal(err)
				}
				cal.Expand(floodWindow)
			}
			b.ReportMetric(float64(peak()>>20), "peak-heap-MB")

			cmd := exec.Command(os.Args[0], "-test.run=^TestFloodChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), "LEADUP_ICS_FLOOD="+strconv.Itoa(n))
			out, err := cmd.Output()
			if err != nil {
				b.Fatalf("child: %v\n%s", err, out)
			}
			var bytes, events, ns, hwm int
			line := out[bytes0(out, "flood "):]
			if _, err := fmt.Sscanf(string(line), "flood bytes=%d events=%d ns=%d hwm_kb=%d", &bytes, &events, &ns, &hwm); err != nil {
				b.Fatalf("child said %q: %v", out, err)
			}
			b.ReportMetric(float64(hwm)/1024, "child-peak-rss-MB")
			b.ReportMetric(float64(ns)/1e6, "child-ms")
		})
	}
}

func bytes0(b []byte, s string) int { return max(bytes.Index(b, []byte(s)), 0) }

// sampleHeap samples the heap's live objects every millisecond until the
// returned function is called, which returns the highest value seen.
func sampleHeap() func() uint64 {
	const name = "/memory/classes/heap/objects:bytes"
	var (
		mu   sync.Mutex
		peak uint64
	)
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		s := []metrics.Sample{{Name: name}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			mu.Lock()
			peak = max(peak, s[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
