package ics

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// benchCalendar writes a feed like a busy work calendar exported over a
// few years: 2,000 VEVENTs, of which 50 are recurring series in four zones
// (some with EXDATEs and overrides) and the rest single meetings.
func benchCalendar() []byte {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//leadup//bench//EN\r\n")
	zones := []string{"America/New_York", "Europe/Berlin", "W. Europe Standard Time", "Asia/Kolkata"}
	rules := []string{"FREQ=WEEKLY;BYDAY=TU", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "FREQ=MONTHLY;BYDAY=2TU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "FREQ=MONTHLY;BYDAY=-1FR"}
	n := 0
	for i := range 50 {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:series-%d@example.com\r\nDTSTART;TZID=%s:%d%02d%02dT%02d3000\r\nDURATION:PT30M\r\nRRULE:%s\r\n"+
			"EXDATE;TZID=%[2]s:20251021T%02[6]d3000\r\nSUMMARY:Series %[1]d\r\nORGANIZER;CN=Boss:mailto:boss@example.com\r\n"+
			"ATTENDEE;PARTSTAT=ACCEPTED;CN=Boss:mailto:boss@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED;CN=Me:mailto:me@example.com\r\nEND:VEVENT\r\n",
			i, zones[i%len(zones)], 2019+i%6, 1+i%12, 1+i%28, 8+i%9, rules[i%len(rules)])
		n++
		if i%5 == 0 {
			fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:series-%d@example.com\r\nRECURRENCE-ID;TZID=%s:20251028T%02d3000\r\nDTSTART;TZID=%[2]s:20251029T%02[3]d3000\r\n"+
				"DURATION:PT30M\r\nSUMMARY:Series %[1]d (moved)\r\nEND:VEVENT\r\n", i, zones[i%len(zones)], 8+i%9)
			n++
		}
	}
	for i := 0; n < 2000; i++ {
		day := i % 1100 // about three years up to a month from now
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:single-%d@example.com\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:Meeting %d\\, about things\r\n"+
			"DESCRIPTION:Agenda:\\n1. one\\n2. two\r\nLOCATION:https://meet.google.com/aaa-bbbb-ccc\r\nORGANIZER;CN=Someone:mailto:someone%d@example.com\r\n"+
			"ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=Me:mailto:me@example.com\r\nEND:VEVENT\r\n",
			i, utc("2022-11-01T09:00").AddDate(0, 0, day).Add(time.Duration(i%8)*time.Hour).Format("20060102T150405Z"),
			utc("2022-11-01T10:00").AddDate(0, 0, day).Add(time.Duration(i%8)*time.Hour).Format("20060102T150405Z"), i, i%40)
		n++
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

// BenchmarkParseExpand parses the feed and expands it over the 21-day
// window of a two-week lookahead: the work of one full sync.
func BenchmarkParseExpand(b *testing.B) {
	data := benchCalendar()
	w := span("2025-10-19", "2025-11-09")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var events int
	for b.Loop() {
		cal, err := parse(data, ParseOptions{Location: chicago, Self: []string{"me@example.com"}})
		if err != nil {
			b.Fatal(err)
		}
		events = len(cal.Expand(w))
	}
	b.ReportMetric(float64(events), "events")
}

// BenchmarkExpand is a window slide after a 304: the feed is in memory.
func BenchmarkExpand(b *testing.B) {
	cal, err := parse(benchCalendar(), ParseOptions{Location: chicago})
	if err != nil {
		b.Fatal(err)
	}
	w := span("2025-10-19", "2025-11-09")
	b.ReportAllocs()
	for b.Loop() {
		cal.Expand(w)
	}
}
