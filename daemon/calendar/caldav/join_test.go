package caldav

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/calendar/ics"
)

func TestJoiner(t *testing.T) {
	zone := "BEGIN:VTIMEZONE\nTZID:Custom/Zone\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\n"
	for _, tc := range []struct {
		name    string
		objects []string
		want    string // the components between the stream's header and END:VCALENDAR
		dropped int
	}{{
		name:    "wrapper and calendar properties dropped, folding kept",
		objects: []string{"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:long\r\n  title\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"},
		want:    "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:long\r\n  title\r\nEND:VEVENT\r\n",
	}, {
		name:    "one copy of each VTIMEZONE",
		objects: []string{"BEGIN:VCALENDAR\n" + zone + "BEGIN:VEVENT\nUID:a\nEND:VEVENT\nEND:VCALENDAR\n", "BEGIN:VCALENDAR\n" + zone + "BEGIN:VEVENT\nUID:b\nEND:VEVENT\nEND:VCALENDAR\n"},
		want:    strings.ReplaceAll(zone, "\n", "\r\n") + "BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nEND:VEVENT\r\n",
	}, {
		name:    "other components dropped",
		objects: []string{"BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:t\nBEGIN:VALARM\nEND:VALARM\nEND:VTODO\nEND:VCALENDAR\n"},
	}, {
		name:    "an object without its wrapper",
		objects: []string{"BEGIN:VEVENT\nUID:a\nEND:VEVENT\n"},
		want:    "BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n",
	}, {
		name:    "a component left open cannot swallow the next object",
		objects: []string{"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:open\n", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:b\nEND:VEVENT\nEND:VCALENDAR\n"},
		want:    "BEGIN:VEVENT\r\nUID:b\r\nEND:VEVENT\r\n",
		dropped: 1,
	}, {
		name:    "mismatched END",
		objects: []string{"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nBEGIN:VALARM\nEND:VEVENT\nEND:VALARM\nEND:VCALENDAR\nBEGIN:VEVENT\nUID:c\nEND:VEVENT\n"},
		want:    "BEGIN:VEVENT\r\nUID:c\r\nEND:VEVENT\r\n",
		dropped: 1,
	}, {
		name:    "nesting too deep",
		objects: []string{"BEGIN:VEVENT\n" + strings.Repeat("BEGIN:X\n", 20) + strings.Repeat("END:X\n", 20) + "END:VEVENT\n"},
		dropped: 1,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			j := newJoiner()
			for _, o := range tc.objects {
				j.add(o)
			}
			got := string(j.bytes())
			head := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//leadup//CalDAV//EN\r\n"
			if want := head + tc.want + "END:VCALENDAR\r\n"; got != want {
				t.Errorf("joined stream =\n%q\nwant\n%q", got, want)
			}
			if j.dropped != tc.dropped {
				t.Errorf("dropped = %d, want %d", j.dropped, tc.dropped)
			}
		})
	}
}

// FuzzJoin checks that whatever the objects hold, the joined stream is
// one balanced VCALENDAR that package ics parses without failing.
func FuzzJoin(f *testing.F) {
	f.Add("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20260302T100000Z\nEND:VEVENT\nEND:VCALENDAR\n", "BEGIN:VEVENT\nBEGIN:VALARM\n")
	f.Add("END:VCALENDAR\nEND:VEVENT\nBEGIN:VEVENT", "ATTENDEE;CN=\"x:mailto:a\n \n\tEND:VEVENT")
	w := calendar.Window{Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, a, b string) {
		j := newJoiner()
		j.add(a)
		j.add(b)
		out := j.bytes()
		depth := 0
		for _, line := range bytes.Split(out, []byte("\r\n")) {
			switch {
			case bytes.HasPrefix(line, []byte("BEGIN:")):
				depth++
			case bytes.HasPrefix(line, []byte("END:")):
				depth--
			}
			if depth < 0 {
				t.Fatalf("unbalanced stream:\n%s", out)
			}
		}
		if depth != 0 {
			t.Fatalf("unbalanced stream:\n%s", out)
		}
		cal, err := ics.Parse(bytes.NewReader(out), ics.ParseOptions{Location: time.UTC})
		if err != nil {
			t.Fatalf("Parse() of the joined stream = %v\n%s", err, out)
		}
		cal.Expand(w)
	})
}
