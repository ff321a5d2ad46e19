package ics

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary bytes through Parse and Expand: they must not
// panic, hang or list nonsense. Run it with
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 30s ./daemon/calendar/ics/
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.ics"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART;TZID=America/New_York:20251020T093000\nRRULE:FREQ=MONTHLY;BYDAY=2TU,-1FR;BYSETPOS=1\nEXDATE;VALUE=DATE:20251111\nEND:VEVENT\nEND:VCALENDAR\n",
		"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:19000101T000000Z\nRRULE:FREQ=SECONDLY;BYSECOND=1,2\nEND:VEVENT\nEND:VCALENDAR\n",
		"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20251020T030000Z\nRRULE:FREQ=HOURLY;INTERVAL=24;BYHOUR=5\nRDATE;VALUE=PERIOD:20251021T100000Z/PT1H\nEND:VEVENT\nEND:VCALENDAR\n",
		"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nRECURRENCE-ID;RANGE=THISANDFUTURE:20251021T100000\nEND:VEVENT\nEND:VCALENDAR\n",
		"BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:X\nBEGIN:STANDARD\nDTSTART:16010101T000000\nTZOFFSETFROM:+2359\nTZOFFSETTO:-2359\nRRULE:FREQ=DAILY\nEND:STANDARD\nEND:VTIMEZONE\nBEGIN:VEVENT\nUID:a\nDTSTART;TZID=X:20251020T100000\nRRULE:FREQ=DAILY\nEND:VEVENT\nEND:VCALENDAR\n",
		`BEGIN:VCALENDAR` + "\n" + `ATTENDEE;CN="a"b;X=y:mailto:x` + "\nX;A=b\n",
	} {
		f.Add([]byte(s))
	}
	w := span("2025-10-01", "2025-11-01")
	f.Fuzz(func(t *testing.T, data []byte) {
		// A hang would only show as a stalled fuzzer; fail with the input
		// and every stack instead.
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				debug.SetTraceback("all")
				panic(fmt.Sprintf("Parse and Expand of %q took more than 5 s", data))
			}
		}()
		cal, err := Parse(bytes.NewReader(data), ParseOptions{Location: chicago, Self: []string{"me@example.com"}})
		if err != nil {
			return
		}
		evs := cal.Expand(w)
		ids := make(map[string]bool, len(evs))
		for _, e := range evs {
			if e.ID == "" || e.End.Before(e.Start) || !w.Overlaps(e.Start, e.End) {
				t.Fatalf("bad event %+v", e)
			}
			if ids[e.ID] {
				t.Fatalf("two events with ID %q", e.ID)
			}
			ids[e.ID] = true
		}
	})
}
