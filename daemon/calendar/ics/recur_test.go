package ics

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/leadup/leadup/daemon/calendar"
)

var newYork = mustLoad("America/New_York")

// expandText parses VEVENT lines (wrapped in a VEVENT with UID "t" unless
// they hold their own) and lists the starts of what Expand gives in w, in
// zone loc, with any ID that is not UID_originalstart noted.
func expandText(t *testing.T, body string, w calendar.Window, loc *time.Location) []string {
	t.Helper()
	if !strings.Contains(body, "BEGIN:VEVENT") {
		body = "BEGIN:VEVENT\nUID:t\n" + body + "\nEND:VEVENT"
	}
	cal, err := Parse(strings.NewReader("BEGIN:VCALENDAR\nVERSION:2.0\n"+body+"\nEND:VCALENDAR\n"), ParseOptions{Location: chicago})
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	var out []string
	for _, e := range cal.Expand(w) {
		s := e.Start.In(loc).Format("2006-01-02 Mon 15:04 MST")
		if e.RecurringEventID == "" || e.ID != instanceID(e.RecurringEventID, e.Start) {
			s += " " + e.ID
		}
		out = append(out, s)
	}
	return out
}

func span(from, to string) calendar.Window {
	return calendar.Window{Start: utc(from + "T00:00"), End: utc(to + "T00:00")}
}

func TestRecurrence(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		w    calendar.Window
		loc  *time.Location
		want []string
	}{
		{
			name: "weekly keeps 09:30 across the New York DST change",
			body: "DTSTART;TZID=America/New_York:20251021T093000\nDURATION:PT30M\nRRULE:FREQ=WEEKLY;COUNT=4",
			w:    span("2025-10-01", "2025-12-01"), loc: newYork,
			want: []string{"2025-10-21 Tue 09:30 EDT", "2025-10-28 Tue 09:30 EDT", "2025-11-04 Tue 09:30 EST", "2025-11-11 Tue 09:30 EST"},
		},
		{
			name: "weekly on two days across the Berlin autumn change",
			body: "DTSTART;TZID=Europe/Berlin:20251020T091500\nRRULE:FREQ=WEEKLY;BYDAY=MO,FR;COUNT=4",
			w:    span("2025-10-01", "2025-12-01"), loc: mustLoad("Europe/Berlin"),
			want: []string{"2025-10-20 Mon 09:15 CEST", "2025-10-24 Fri 09:15 CEST", "2025-10-27 Mon 09:15 CET", "2025-10-31 Fri 09:15 CET"},
		},
		{
			name: "weekly across the Berlin spring change",
			body: "DTSTART;TZID=Europe/Berlin:20260323T091500\nRRULE:FREQ=WEEKLY;COUNT=2",
			w:    span("2026-03-01", "2026-05-01"), loc: mustLoad("Europe/Berlin"),
			want: []string{"2026-03-23 Mon 09:15 CET", "2026-03-30 Mon 09:15 CEST"},
		},
		{
			name: "monthly on the second Tuesday",
			body: "DTSTART;TZID=America/New_York:20260113T100000\nRRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=4",
			w:    span("2026-01-01", "2026-06-01"), loc: newYork,
			want: []string{"2026-01-13 Tue 10:00 EST", "2026-02-10 Tue 10:00 EST", "2026-03-10 Tue 10:00 EDT", "2026-04-14 Tue 10:00 EDT"},
		},
		{
			name: "monthly on the last Friday",
			body: "DTSTART;TZID=America/New_York:20260130T160000\nRRULE:FREQ=MONTHLY;BYDAY=-1FR",
			w:    span("2026-01-01", "2026-05-01"), loc: newYork,
			want: []string{"2026-01-30 Fri 16:00 EST", "2026-02-27 Fri 16:00 EST", "2026-03-27 Fri 16:00 EDT", "2026-04-24 Fri 16:00 EDT"},
		},
		{
			name: "monthly on the last day",
			body: "DTSTART:20260131T170000Z\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4",
			w:    span("2026-01-01", "2026-12-01"), loc: time.UTC,
			want: []string{"2026-01-31 Sat 17:00 UTC", "2026-02-28 Sat 17:00 UTC", "2026-03-31 Tue 17:00 UTC", "2026-04-30 Thu 17:00 UTC"},
		},
		{
			name: "monthly on the last weekday, by BYSETPOS",
			body: "DTSTART:20260130T170000Z\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=4",
			w:    span("2026-01-01", "2026-12-01"), loc: time.UTC,
			want: []string{"2026-01-30 Fri 17:00 UTC", "2026-02-27 Fri 17:00 UTC", "2026-03-31 Tue 17:00 UTC", "2026-04-30 Thu 17:00 UTC"},
		},
		{
			name: "monthly on the 31st skips short months",
			body: "DTSTART:20260131T090000Z\nRRULE:FREQ=MONTHLY;COUNT=3",
			w:    span("2026-01-01", "2027-01-01"), loc: time.UTC,
			want: []string{"2026-01-31 Sat 09:00 UTC", "2026-03-31 Tue 09:00 UTC", "2026-05-31 Sun 09:00 UTC"},
		},
		{
			name: "yearly on the last Sunday of March",
			body: "DTSTART:20260329T090000Z\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;COUNT=2",
			w:    span("2026-01-01", "2028-01-01"), loc: time.UTC,
			want: []string{"2026-03-29 Sun 09:00 UTC", "2027-03-28 Sun 09:00 UTC"},
		},
		{
			name: "RFC 5545 WKST example, week from Monday",
			body: "DTSTART;TZID=America/New_York:19970805T090000\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
			w:    span("1997-08-01", "1997-10-01"), loc: newYork,
			want: []string{"1997-08-05 Tue 09:00 EDT", "1997-08-10 Sun 09:00 EDT", "1997-08-19 Tue 09:00 EDT", "1997-08-24 Sun 09:00 EDT"},
		},
		{
			name: "RFC 5545 WKST example, week from Sunday",
			body: "DTSTART;TZID=America/New_York:19970805T090000\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
			w:    span("1997-08-01", "1997-10-01"), loc: newYork,
			want: []string{"1997-08-05 Tue 09:00 EDT", "1997-08-17 Sun 09:00 EDT", "1997-08-19 Tue 09:00 EDT", "1997-08-31 Sun 09:00 EDT"},
		},
		{
			name: "fortnightly since 2020 keeps its weeks",
			body: "DTSTART;TZID=America/New_York:20200107T100000\nRRULE:FREQ=WEEKLY;INTERVAL=2",
			w:    span("2025-10-01", "2025-11-01"), loc: newYork,
			want: []string{"2025-10-07 Tue 10:00 EDT", "2025-10-21 Tue 10:00 EDT"},
		},
		{
			name: "every second month since 2019 on the first Monday",
			body: "DTSTART;TZID=America/New_York:20190107T100000\nRRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO",
			w:    span("2025-09-01", "2026-01-01"), loc: newYork,
			want: []string{"2025-09-01 Mon 10:00 EDT", "2025-11-03 Mon 10:00 EST"},
		},
		{
			name: "daily since 1900",
			body: "DTSTART;TZID=Europe/Berlin:19000101T080000\nRRULE:FREQ=DAILY",
			w:    span("2025-10-25", "2025-10-28"), loc: mustLoad("Europe/Berlin"),
			want: []string{"2025-10-25 Sat 08:00 CEST", "2025-10-26 Sun 08:00 CET", "2025-10-27 Mon 08:00 CET"},
		},
		{
			name: "UNTIL in UTC is inclusive",
			body: "DTSTART;TZID=Europe/Berlin:20251020T093000\nRRULE:FREQ=DAILY;UNTIL=20251023T073000Z",
			w:    span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 07:30 UTC", "2025-10-21 Tue 07:30 UTC", "2025-10-22 Wed 07:30 UTC", "2025-10-23 Thu 07:30 UTC"},
		},
		{
			name: "floating UNTIL reads in the event's zone",
			body: "DTSTART;TZID=Europe/Berlin:20251020T093000\nRRULE:FREQ=DAILY;UNTIL=20251022T093000",
			w:    span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 07:30 UTC", "2025-10-21 Tue 07:30 UTC", "2025-10-22 Wed 07:30 UTC"},
		},
		{
			name: "DATE UNTIL on a timed series keeps that day",
			body: "DTSTART;TZID=Europe/Berlin:20251020T233000\nRRULE:FREQ=DAILY;UNTIL=20251022",
			w:    span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 21:30 UTC", "2025-10-21 Tue 21:30 UTC", "2025-10-22 Wed 21:30 UTC"},
		},
		{
			name: "daily on weekdays",
			body: "DTSTART:20251020T100000Z\nRRULE:FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=5",
			w:    span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 10:00 UTC", "2025-10-22 Wed 10:00 UTC", "2025-10-24 Fri 10:00 UTC", "2025-10-27 Mon 10:00 UTC", "2025-10-29 Wed 10:00 UTC"},
		},
		{
			name: "a DTSTART off the rule is the first of COUNT instances",
			body: "DTSTART:20251021T100000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3",
			w:    span("2025-10-01", "2025-12-01"), loc: time.UTC,
			want: []string{"2025-10-21 Tue 10:00 UTC", "2025-10-27 Mon 10:00 UTC", "2025-11-03 Mon 10:00 UTC"},
		},
		{
			name: "a wall time skipped by DST moves forward an hour",
			body: "DTSTART;TZID=America/New_York:20260307T023000\nRRULE:FREQ=DAILY;COUNT=3",
			w:    span("2026-03-01", "2026-04-01"), loc: newYork,
			want: []string{"2026-03-07 Sat 02:30 EST", "2026-03-08 Sun 03:30 EDT", "2026-03-09 Mon 02:30 EDT"},
		},
		{
			name: "a wall time repeated by DST is its first occurrence",
			body: "DTSTART;TZID=America/New_York:20251101T013000\nRRULE:FREQ=DAILY;COUNT=3",
			w:    span("2025-10-01", "2025-12-01"), loc: newYork,
			want: []string{"2025-11-01 Sat 01:30 EDT", "2025-11-02 Sun 01:30 EDT", "2025-11-03 Mon 01:30 EST"},
		},
		{
			name: "EXDATE lists, repeated, and in another zone",
			body: "DTSTART:20251020T100000Z\nRRULE:FREQ=DAILY;COUNT=5\nEXDATE:20251021T100000Z,20251023T100000Z\nEXDATE;TZID=Europe/Berlin:20251024T120000",
			w:    span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 10:00 UTC", "2025-10-22 Wed 10:00 UTC"},
		},
		{
			name: "EXDATE as a DATE on a timed series",
			body: "DTSTART;TZID=America/New_York:20251020T220000\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE;VALUE=DATE:20251021",
			w:    span("2025-10-01", "2025-11-01"), loc: newYork,
			want: []string{"2025-10-20 Mon 22:00 EDT", "2025-10-22 Wed 22:00 EDT"},
		},
		{
			name: "RDATE without RRULE, with a DTSTART that is also an RDATE",
			body: "DTSTART:20251020T100000Z\nRDATE:20251020T100000Z,20251027T150000Z\nRDATE;VALUE=DATE:20251029",
			w:    span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 10:00 UTC", "2025-10-27 Mon 15:00 UTC", "2025-10-29 Wed 10:00 UTC"},
		},
		{
			name: "rule in lower case with an extension part",
			body: "DTSTART:20251020T100000Z\nRRULE:freq=weekly;count=2;x-name=ignored;",
			w:    span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 10:00 UTC", "2025-10-27 Mon 10:00 UTC"},
		},
		{
			name: "an unusable rule leaves the first instance",
			body: "DTSTART:20251020T100000Z\nRRULE:FREQ=FORTNIGHTLY",
			w:    span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 10:00 UTC"},
		},
		{
			name: "an ordinal beyond the fifth week is refused, not a panic",
			body: "DTSTART:20251020T100000Z\nRRULE:FREQ=MONTHLY;BYDAY=-6MO",
			w:    span("2025-10-01", "2026-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 10:00 UTC"},
		},
		{
			name: "an hourly rule that never reaches its BYHOUR does not loop",
			body: "DTSTART:20251020T030000Z\nRRULE:FREQ=HOURLY;INTERVAL=24;BYHOUR=5",
			w:    span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 03:00 UTC"},
		},
		{
			name: "an hourly rule that reaches its BYHOUR",
			body: "DTSTART:20251020T030000Z\nRRULE:FREQ=HOURLY;INTERVAL=2;BYHOUR=5,6;COUNT=3",
			w:    span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 03:00 UTC", "2025-10-20 Mon 05:00 UTC", "2025-10-21 Tue 05:00 UTC"},
		},
		{
			name: "a rule that never matches again",
			body: "DTSTART:20251020T100000Z\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
			w:    span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 10:00 UTC"},
		},
		{
			name: "leap days since 2000",
			body: "DTSTART;VALUE=DATE:20000229\nRRULE:FREQ=YEARLY",
			w:    span("2025-01-01", "2033-01-01"), loc: time.UTC,
			want: []string{"2028-02-29 Tue 00:00 UTC", "2032-02-29 Sun 00:00 UTC"},
		},
		{
			name: "override matched by instant across zones, and THISANDFUTURE as one instance",
			body: "BEGIN:VEVENT\nUID:s\nDTSTART;TZID=Europe/Berlin:20251020T100000\nRRULE:FREQ=DAILY;COUNT=4\nEND:VEVENT\n" +
				"BEGIN:VEVENT\nUID:s\nRECURRENCE-ID:20251021T080000Z\nDTSTART;TZID=Europe/Berlin:20251021T150000\nEND:VEVENT\n" +
				"BEGIN:VEVENT\nUID:s\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=America/New_York:20251022T040000\nDTSTART:20251022T200000Z\nEND:VEVENT",
			w: span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{
				"2025-10-20 Mon 08:00 UTC",
				"2025-10-21 Tue 13:00 UTC s_20251021T080000Z",
				"2025-10-22 Wed 20:00 UTC s_20251022T080000Z",
				"2025-10-23 Thu 08:00 UTC",
			},
		},
		{
			name: "override without DTSTART, by a floating RECURRENCE-ID",
			body: "BEGIN:VEVENT\nUID:s\nDTSTART;TZID=Europe/Berlin:20251020T100000\nDTEND;TZID=Europe/Berlin:20251020T110000\nRRULE:FREQ=DAILY;COUNT=2\nEND:VEVENT\n" +
				"BEGIN:VEVENT\nUID:s\nRECURRENCE-ID:20251021T100000\nSUMMARY:renamed\nEND:VEVENT",
			w: span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 08:00 UTC", "2025-10-21 Tue 08:00 UTC"},
		},
		{
			name: "of two copies the higher SEQUENCE wins",
			body: "BEGIN:VEVENT\nUID:s\nSEQUENCE:2\nDTSTART:20251020T100000Z\nEND:VEVENT\n" +
				"BEGIN:VEVENT\nUID:s\nSEQUENCE:1\nDTSTART:20251020T120000Z\nEND:VEVENT",
			w: span("2025-10-01", "2025-11-01"), loc: time.UTC,
			want: []string{"2025-10-20 Mon 10:00 UTC s"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := expandText(t, tc.body, tc.w, tc.loc)
			diffLines(t, "Expand", got, tc.want)
		})
	}
}

// Bounds: rules built to make the expansion slow or large finish quickly
// with at most DefaultMaxSeriesInstances per series.
func TestRecurrenceBounds(t *testing.T) {
	w := span("2025-10-01", "2025-10-22")
	for _, tc := range []struct {
		name string
		body string
		want int
	}{
		{"secondly since 1900", "DTSTART:19000101T000000Z\nRRULE:FREQ=SECONDLY", DefaultMaxSeriesInstances},
		{"minutely since 1900 with a huge COUNT", "DTSTART:19000101T000000Z\nRRULE:FREQ=MINUTELY;COUNT=2000000000", 0},
		{"secondly on an impossible day", "DTSTART:20251001T090000Z\nRRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", 1},
		{"hourly on an impossible day", "DTSTART:20251001T090000Z\nRRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=31", 1},
		{"secondly unreachable seconds", "DTSTART:20251001T090000Z\nRRULE:FREQ=SECONDLY;INTERVAL=60;BYSECOND=30", 1},
		// 1440 is not a multiple of 7: 8 or 9 a day, 180 in 21 days.
		{"minutely every 7 minutes at 09:xx", "DTSTART:20251001T090000Z\nRRULE:FREQ=MINUTELY;INTERVAL=7;BYHOUR=9", 180},
		{"huge interval", "DTSTART:20251001T090000Z\nRRULE:FREQ=WEEKLY;INTERVAL=99999999", 1},
		{"BYEASTER", "DTSTART:20251001T090000Z\nRRULE:FREQ=YEARLY;BYEASTER=400", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			got := expandText(t, tc.body, w, time.UTC)
			if len(got) != tc.want {
				t.Errorf("Expand gave %d instances, want %d", len(got), tc.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Expand took %v", d)
			}
		})
	}
}

// The skip-ahead must give exactly what iterating from DTSTART gives.
func TestRebaseMatchesFullIteration(t *testing.T) {
	dtstart := time.Date(2017, 3, 31, 9, 45, 0, 0, time.UTC)
	from := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	for _, rule := range []string{
		"FREQ=YEARLY", "FREQ=YEARLY;INTERVAL=3;BYMONTH=1,10;BYDAY=-1SU", "FREQ=YEARLY;BYWEEKNO=1,40;BYDAY=MO",
		"FREQ=YEARLY;BYYEARDAY=1,100,-1", "FREQ=MONTHLY", "FREQ=MONTHLY;INTERVAL=5;BYDAY=2TU,-1FR",
		"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1", "FREQ=WEEKLY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,WE;WKST=SU",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,WE;WKST=TH", "FREQ=DAILY;INTERVAL=11", "FREQ=DAILY;BYMONTHDAY=13;BYDAY=FR",
		"FREQ=HOURLY;INTERVAL=7", "FREQ=HOURLY;INTERVAL=5;BYHOUR=9,10,11", "FREQ=MINUTELY;INTERVAL=997;BYDAY=MO",
	} {
		t.Run(rule, func(t *testing.T) {
			rec, err := parseRecurrence(rule)
			if err != nil {
				t.Fatalf("parseRecurrence(%q) = %v", rule, err)
			}
			got, err := rec.starts(dtstart, from, to, time.Time{}, 5000)
			if err != nil {
				t.Fatalf("starts() = %v", err)
			}
			opt := rec.opt
			opt.Dtstart = dtstart
			r, err := rrule.NewRRule(opt)
			if err != nil {
				t.Fatal(err)
			}
			want := r.Between(from, to, true)
			if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("skipping ahead gave\n%v\nwant\n%v", got, want)
			}
		})
	}
}
