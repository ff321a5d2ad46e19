package ics

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// hostileMaxRSS is the budget of peak resident size for one cold parse and
// expansion of any feed under the size cap. The time budget (5 s) is
// measured by BenchmarkHostileFeeds, not asserted by a test that a busy
// machine could fail.
const hostileMaxRSS = 200 << 20

// hostileShape is a feed built to make one part of the parse or the
// expansion as expensive as the size cap allows.
type hostileShape struct {
	name string
	// build writes the feed, at most limit bytes of it.
	build func(limit int) []byte
}

// feedWriter writes a feed up to a size limit: body lines are repeated
// until the next one would leave no room for the closing lines.
type feedWriter struct {
	bytes.Buffer
	limit int
}

// newFeed starts a feed of at most limit bytes with head. The buffer is
// allocated whole at once, so that a child's peak resident size counts the
// feed once, as io.ReadAll's final buffer, and not its growth.
func newFeed(limit int, head string) *feedWriter {
	w := &feedWriter{limit: limit}
	w.Grow(limit)
	w.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//leadup//hostile//EN\r\n")
	w.WriteString(head)
	return w
}

// fill calls line with 0, 1, 2… and writes what it returns while the feed
// stays reserve bytes below the limit, and returns how many it wrote.
func (w *feedWriter) fill(reserve int, line func(i int) string) int {
	for i := 0; ; i++ {
		s := line(i)
		if w.Len()+len(s)+reserve > w.limit {
			return i
		}
		w.WriteString(s)
	}
}

// done closes the feed with tail and END:VCALENDAR.
func (w *feedWriter) done(tail string) []byte {
	w.WriteString(tail)
	w.WriteString("END:VCALENDAR\r\n")
	return w.Bytes()
}

// reserve is the room fill leaves for the closing lines.
const reserve = 1024

// minute formats the instant i minutes after the day before floodWindow.
func minute(i int) string {
	return time.Date(2025, 10, 18, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute).Format("20060102T150405Z")
}

// hostileShapes are the shapes the size cap must hold, each filled to just
// under it.
var hostileShapes = []hostileShape{
	{"attendees", func(limit int) []byte {
		// One daily meeting with everyone on it, the user listed last.
		w := newFeed(limit, "BEGIN:VEVENT\r\nUID:all-hands@example.com\r\nDTSTART:20251020T150000Z\r\nDURATION:PT1H\r\n"+
			"RRULE:FREQ=DAILY\r\nSUMMARY:All hands\r\nORGANIZER;CN=Boss:mailto:boss@example.com\r\n")
		w.fill(reserve, func(i int) string {
			return fmt.Sprintf("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=Person %d:mailto:person%d@example.com\r\n", i, i)
		})
		return w.done("ATTENDEE;PARTSTAT=ACCEPTED;CN=Me:mailto:me@example.com\r\nEND:VEVENT\r\n")
	}},
	{"attendees-x-instances", func(limit int) []byte {
		// 40 series every minute, each with a thousand attendees: every
		// listed instance carries them all.
		w := newFeed(limit, "")
		for s := range 40 {
			fmt.Fprintf(w, "BEGIN:VEVENT\r\nUID:crowd-%d@example.com\r\nDTSTART:20251018T000000Z\r\nDURATION:PT1M\r\n"+
				"RRULE:FREQ=MINUTELY\r\nSUMMARY:Crowd %d\r\n", s, s)
			for i := range 1000 {
				fmt.Fprintf(w, "ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=Person %d:mailto:person%d@example.com\r\n", i, i)
			}
			w.WriteString("END:VEVENT\r\n")
		}
		return w.done("")
	}},
	{"attendees-events", func(limit int) []byte {
		// Meetings in the window with a thousand attendees each.
		w := newFeed(limit, "")
		for i := 0; w.Len()+50_000 < limit; i++ {
			fmt.Fprintf(w, "BEGIN:VEVENT\r\nUID:big-%d@example.com\r\nDTSTART:%s\r\nDURATION:PT1H\r\nSUMMARY:Big %d\r\n",
				i, minute(24*60+i*20), i)
			for j := range 1000 {
				fmt.Fprintf(w, "ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=Person %d:mailto:person%d@example.com\r\n", j, j)
			}
			w.WriteString("END:VEVENT\r\n")
		}
		return w.done("")
	}},
	{"exdates", func(limit int) []byte {
		// A series every minute with every other minute excluded, one
		// EXDATE a line.
		w := newFeed(limit, "BEGIN:VEVENT\r\nUID:exdates@example.com\r\nDTSTART:20251018T000000Z\r\nDURATION:PT1M\r\n"+
			"RRULE:FREQ=MINUTELY\r\nSUMMARY:Excluded\r\n")
		w.fill(reserve, func(i int) string { return "EXDATE:" + minute(2*i+1) + "\r\n" })
		return w.done("END:VEVENT\r\n")
	}},
	{"rdates", func(limit int) []byte {
		// A series whose instances are all RDATEs, one a line, every ten
		// seconds from the day before the window.
		w := newFeed(limit, "BEGIN:VEVENT\r\nUID:rdates@example.com\r\nDTSTART:20251018T000000Z\r\nDURATION:PT10S\r\nSUMMARY:Listed\r\n")
		w.fill(reserve, func(i int) string {
			return "RDATE:" + time.Date(2025, 10, 18, 0, 0, 10*i, 0, time.UTC).Format("20060102T150405Z") + "\r\n"
		})
		return w.done("END:VEVENT\r\n")
	}},
	{"overrides", func(limit int) []byte {
		// A series every minute, every instance moved by half a minute.
		w := newFeed(limit, "BEGIN:VEVENT\r\nUID:moved@example.com\r\nDTSTART:20251018T000000Z\r\nDURATION:PT1M\r\n"+
			"RRULE:FREQ=MINUTELY\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n")
		w.fill(reserve, func(i int) string {
			return "BEGIN:VEVENT\r\nUID:moved@example.com\r\nRECURRENCE-ID:" + minute(i) + "\r\nDTSTART:" +
				strings.Replace(minute(i), "00Z", "30Z", 1) + "\r\nDURATION:PT1M\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n"
		})
		return w.done("")
	}},
	{"description", func(limit int) []byte {
		// One meeting with a 30 MB description on one line.
		w := newFeed(limit, "BEGIN:VEVENT\r\nUID:long@example.com\r\nDTSTART:20251020T150000Z\r\nDURATION:PT1H\r\nSUMMARY:Long\r\nDESCRIPTION:")
		w.fill(reserve, func(int) string { return `Agenda item\, with notes\n` })
		return w.done("\r\nEND:VEVENT\r\n")
	}},
	{"folded-line", func(limit int) []byte {
		// One RDATE line listing every ten seconds, folded at 75 octets.
		w := newFeed(limit, "BEGIN:VEVENT\r\nUID:folded@example.com\r\nDTSTART:20251018T000000Z\r\nDURATION:PT10S\r\nSUMMARY:Folded\r\n")
		var line bytes.Buffer
		line.WriteString("RDATE:")
		for i := 0; line.Len()*77/74+reserve+w.Len() < limit; i++ {
			if i > 0 {
				line.WriteByte(',')
			}
			line.WriteString(time.Date(2025, 10, 18, 0, 0, 10*i, 0, time.UTC).Format("20060102T150405Z"))
		}
		for b := line.Bytes(); len(b) > 0; {
			n := min(len(b), 74)
			if w.Len() > 0 && b[0] != 'R' {
				w.WriteByte(' ')
			}
			w.Write(b[:n])
			w.WriteString("\r\n")
			b = b[n:]
		}
		return w.done("END:VEVENT\r\n")
	}},
	{"vtimezones", func(limit int) []byte {
		// A VTIMEZONE of its own for every meeting, each with other offsets.
		w := newFeed(limit, "")
		w.fill(reserve, func(i int) string {
			off := fmt.Sprintf("%+03d%02d", i%24-12, i/24%4*15)
			dst := fmt.Sprintf("%+03d%02d", i%24-11, i/24%4*15)
			return fmt.Sprintf("BEGIN:VTIMEZONE\r\nTZID:Zone %d\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"+
				"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:%[2]s\r\nTZOFFSETTO:%[3]s\r\nEND:STANDARD\r\n"+
				"BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"+
				"TZOFFSETFROM:%[3]s\r\nTZOFFSETTO:%[2]s\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"+
				"BEGIN:VEVENT\r\nUID:zoned-%[1]d@example.com\r\nDTSTART;TZID=Zone %[1]d:20251020T090000\r\n"+
				"DURATION:PT30M\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Zoned %[1]d\r\nEND:VEVENT\r\n", i, dst, off)
		})
		return w.done("")
	}},
	{"events", func(limit int) []byte {
		// Distinct small meetings over three years, about 3,000 of them in
		// the window.
		w := newFeed(limit, "")
		first := time.Date(2023, 11, 1, 9, 0, 0, 0, time.UTC)
		w.fill(reserve, func(i int) string {
			start := first.AddDate(0, 0, i%1100).Add(time.Duration(i%10) * time.Hour)
			return fmt.Sprintf("BEGIN:VEVENT\r\nUID:event-%d@example.com\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:Meeting %d\r\n"+
				"ORGANIZER;CN=Someone:mailto:someone%d@example.com\r\nEND:VEVENT\r\n",
				i, start.Format("20060102T150405Z"), start.Add(30*time.Minute).Format("20060102T150405Z"), i, i%40)
		})
		return w.done("")
	}},
	{"flood-2000", func(int) []byte { return floodCalendar(2000, true) }},
}

// TestHostileChild is run by TestHostileFeeds and BenchmarkHostileFeeds in
// a child process, so that its peak resident size (VmHWM) is its own. It
// builds the feed named by LEADUP_ICS_SHAPE, parses and expands it, and
// prints the figures.
func TestHostileChild(t *testing.T) {
	name := os.Getenv("LEADUP_ICS_SHAPE")
	if name == "" {
		t.Skip("run by TestHostileFeeds")
	}
	var data []byte
	for _, s := range hostileShapes {
		if s.name == name {
			data = s.build(DefaultMaxBytes)
		}
	}
	if data == nil {
		t.Fatalf("no shape %q", name)
	}
	start := time.Now()
	cal, err := parse(data, ParseOptions{Location: chicago, Self: []string{"me@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Expand(floodWindow)
	took := time.Since(start)
	attendees := 0
	for _, e := range evs {
		attendees += len(e.Attendees)
	}
	fmt.Printf("hostile bytes=%d events=%d attendees=%d ns=%d hwm_kb=%d\n", len(data), len(evs), attendees, took.Nanoseconds(), vmHWM())
}

// hostileResult is what a child reported.
type hostileResult struct {
	bytes, events, attendees int
	took                     time.Duration
	hwm                      int // bytes
}

// daemonGOGC is the GOGC the daemon runs with (daemon.idleGCPercent)
// unless GOGC is set: the budget is the daemon's, so the child runs with
// it too. With GOGC=100 the garbage collector lets the heap grow to twice
// what is live, and a feed of 187,000 small events keeps 85 MB live beside
// the 32 MB of the feed itself.
const daemonGOGC = "25"

// runHostileChild runs TestHostileChild for the named shape with this
// GOGC.
func runHostileChild(name, gogc string) (hostileResult, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHostileChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "LEADUP_ICS_SHAPE="+name, "GOGC="+gogc)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return hostileResult{}, fmt.Errorf("child for %s: %w\n%s", name, err, out)
	}
	var (
		r      hostileResult
		ns, kb int64
	)
	line := out[bytes0(out, "hostile "):]
	if _, err := fmt.Sscanf(string(line), "hostile bytes=%d events=%d attendees=%d ns=%d hwm_kb=%d",
		&r.bytes, &r.events, &r.attendees, &ns, &kb); err != nil {
		return hostileResult{}, fmt.Errorf("child for %s said %q: %w", name, out, err)
	}
	r.took, r.hwm = time.Duration(ns), int(kb)<<10
	return r, nil
}

// Every hostile shape, filled to the size cap, is parsed and expanded
// within the budget, with the daemon's GOGC. The race detector multiplies
// memory and time, so the test runs only without it.
func TestHostileFeeds(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds and parses 32 MiB feeds in child processes; not under -short or -race")
	}
	for _, s := range hostileShapes {
		t.Run(s.name, func(t *testing.T) {
			r, err := runHostileChild(s.name, daemonGOGC)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d bytes: %d events, %d attendees, %v, peak RSS %.1f MiB", r.bytes, r.events, r.attendees, r.took, float64(r.hwm)/(1<<20))
			if r.hwm >= hostileMaxRSS {
				t.Errorf("peak RSS %.1f MiB, budget %d MiB", float64(r.hwm)/(1<<20), hostileMaxRSS>>20)
			}
		})
	}
}

// BenchmarkHostileFeeds reports, for each hostile shape, the time and peak
// resident size of one cold parse and expansion in a child process, with
// the daemon's GOGC unless the environment sets one.
func BenchmarkHostileFeeds(b *testing.B) {
	gogc := os.Getenv("GOGC")
	if gogc == "" {
		gogc = daemonGOGC
	}
	for _, s := range hostileShapes {
		b.Run(s.name, func(b *testing.B) {
			var worst hostileResult
			for b.Loop() {
				r, err := runHostileChild(s.name, gogc)
				if err != nil {
					b.Fatal(err)
				}
				worst.bytes, worst.events = r.bytes, r.events
				worst.took, worst.hwm = max(worst.took, r.took), max(worst.hwm, r.hwm)
			}
			b.ReportMetric(float64(worst.bytes)/(1<<20), "feed-MiB")
			b.ReportMetric(float64(worst.events), "events")
			b.ReportMetric(float64(worst.hwm)/(1<<20), "child-peak-rss-MiB")
			b.ReportMetric(float64(worst.took)/1e6, "child-ms")
		})
	}
}
