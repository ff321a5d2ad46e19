package ics

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"
)

func TestWindowsZonesLoad(t *testing.T) {
	for win, iana := range windowsZones {
		if _, err := time.LoadLocation(iana); err != nil {
			t.Errorf("%q maps to %q: %v", win, iana, err)
		}
	}
	if got, ok := windowsZone("central europe standard time"); !ok || got != "Europe/Budapest" {
		t.Errorf("windowsZone(lower case) = %q, %v", got, ok)
	}
}

func newZones(defs map[string][]byte, log *slog.Logger) *zones {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &zones{floating: &zone{loc: chicago}, defs: defs, cache: map[string]*zone{},
		warned: map[string]bool{}, iana: map[string]*time.Location{}, warns: &warnings{log: log}}
}

func TestZoneLookup(t *testing.T) {
	zs := newZones(nil, nil)
	for _, tc := range []struct{ tzid, name string }{
		{"America/New_York", "America/New_York"},
		{"Eastern Standard Time", "America/New_York"},
		{"W. Europe Standard Time", "Europe/Berlin"},
		{"GMT Standard Time", "Europe/London"},
		{"Central Europe Standard Time", "Europe/Budapest"},
		{"India Standard Time", "Asia/Kolkata"},
		{"Tokyo Standard Time", "Asia/Tokyo"},
		{"AUS Eastern Standard Time", "Australia/Sydney"},
		{"/mozilla.org/20050126_1/America/New_York", "America/New_York"},
		{"/softwarestudio.org/Olson_20011030_5/America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"},
		{"UTC", "UTC"},
	} {
		if z := zs.lookup(tc.tzid); z.name != tc.name {
			t.Errorf("lookup(%q).name = %q, want %q", tc.tzid, z.name, tc.name)
		}
	}
	for _, tzid := range []string{"", "Local", "../../etc/passwd", "Nowhere Standard Time"} {
		if z := zs.lookup(tzid); z != zs.floating {
			t.Errorf("lookup(%q) = %+v, want the floating zone", tzid, z)
		}
	}
}

func TestZoneInstant(t *testing.T) {
	z := &zone{loc: newYork}
	for _, tc := range []struct {
		name, civil string
		want        time.Time
	}{
		{"summer", "2025-07-01T09:30", utc("2025-07-01T13:30")},
		{"winter", "2025-12-01T09:30", utc("2025-12-01T14:30")},
		// RFC 5545 section 3.3.5: a skipped wall time uses the offset before
		// the gap; a repeated one is its first occurrence.
		{"gap", "2026-03-08T02:30", utc("2026-03-08T07:30")},
		{"repeated", "2025-11-02T01:30", utc("2025-11-02T05:30")},
		{"after the repeated hour", "2025-11-02T02:00", utc("2025-11-02T07:00")},
	} {
		if got := z.instant(utc(tc.civil)); !got.Equal(tc.want) {
			t.Errorf("%s: instant(%s) = %v, want %v", tc.name, tc.civil, got, tc.want)
		}
	}
	// civil inverts instant, except in the second occurrence of a
	// repeated hour.
	for _, s := range []string{"2025-07-01T13:30", "2025-11-02T05:30", "2025-11-02T07:30", "2026-03-08T07:30"} {
		if c := z.civil(utc(s)); !z.instant(c).Equal(utc(s)) {
			t.Errorf("instant(civil(%s)) = %v", s, z.instant(c))
		}
	}
}

// A zone derived from a VTIMEZONE agrees with the IANA database at every
// hour, including the hours around each change.
func TestVTimezoneMatchesIANA(t *testing.T) {
	for _, tc := range []struct {
		file, tzid, iana string
	}{
		{"google.ics", "America/New_York", "America/New_York"},
		{"nextcloud.ics", "Europe/Berlin", "Europe/Berlin"},
		{"outlook.ics", "W. Europe Standard Time", "Europe/Berlin"},
		{"outlook.ics", "Customized Time Zone", "America/New_York"},
		{"outlook.ics", "Pacific Standard Time", "America/Los_Angeles"},
	} {
		t.Run(tc.file+"/"+tc.tzid, func(t *testing.T) {
			def := vtimezoneDef(t, tc.file, tc.tzid)
			vtz, err := parseVTimezone(def, maxZoneOnsets)
			if err != nil {
				t.Fatalf("parseVTimezone() = %v", err)
			}
			z, iana := &zone{vtz: vtz}, &zone{loc: mustLoad(tc.iana)}
			for at := utc("2024-01-01T00:00"); at.Before(utc("2027-01-01T00:00")); at = at.Add(time.Hour) {
				if got, want := z.offset(at), iana.offset(at); got != want {
					t.Fatalf("offset at %v = %d, want %d", at, got, want)
				}
			}
			for _, c := range []string{"2025-03-09T02:30", "2025-03-30T02:30", "2025-10-26T02:30", "2025-11-02T01:30"} {
				if got, want := z.instant(utc(c)), iana.instant(utc(c)); !got.Equal(want) {
					t.Errorf("instant(%s) = %v, want %v", c, got, want)
				}
			}
		})
	}
}

func vtimezoneDef(t *testing.T, file, tzid string) *ical.Component {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	cals, _, err := decodeAll(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cals[0].Children {
		if c.Name == ical.CompTimezone && c.Props.Get(ical.PropTimezoneID).Value == tzid {
			return c
		}
	}
	t.Fatalf("%s has no VTIMEZONE %q", file, tzid)
	return nil
}

func TestVTimezoneErrors(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"no parts", "TZID:X", "no STANDARD"},
		{"bad offset", "BEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+01\nTZOFFSETTO:+0100\nEND:STANDARD", "UTC offset"},
		{"no DTSTART", "BEGIN:STANDARD\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nEND:STANDARD", "DTSTART"},
	} {
		cals, _, err := decodeAll([]byte("BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\n" + tc.body + "\nEND:VTIMEZONE\nEND:VCALENDAR\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseVTimezone(cals[0].Children[0], maxZoneOnsets); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: parseVTimezone() = %v, want an error about %q", tc.name, err, tc.want)
		}
	}
	// A calendar whose VTIMEZONE is unusable falls back, with a warning.
	log, buf := logBuffer()
	body := "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Odd\nEND:VTIMEZONE\n" +
		"BEGIN:VEVENT\nUID:a\nDTSTART;TZID=Odd:20251020T100000\nEND:VEVENT\nEND:VCALENDAR\n"
	cal, err := Parse(strings.NewReader(body), ParseOptions{Location: time.UTC, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if evs := cal.Expand(span("2025-10-01", "2025-11-01")); len(evs) != 1 || !evs[0].Start.Equal(utc("2025-10-20T10:00")) {
		t.Errorf("Expand() = %v, want the event at 10:00 in the default zone (UTC)", lines(evs))
	}
	if !strings.Contains(buf.String(), "unusable VTIMEZONE") {
		t.Errorf("no warning:\n%s", buf.String())
	}
}

// Exchange sometimes names zones by their display name, commas and all, and
// defines them only in a VTIMEZONE. A TZID with a colon must be quoted; one
// with only commas may arrive unquoted, as several parameter values.
func TestDisplayNameTZID(t *testing.T) {
	vtimezone := func(tzid string) string {
		return "BEGIN:VTIMEZONE\r\nTZID:" + tzid + "\r\n" +
			"BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n" +
			"BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n" +
			"END:VTIMEZONE\r\n"
	}
	body := vtimezone(`(UTC+01:00) Amsterdam\, Berlin\, Bern\, Rome\, Stockholm\, Vienna`) + vtimezone(`Amsterdam\, Berlin`) +
		"BEGIN:VEVENT\r\nUID:quoted\r\nDTSTART;TZID=\"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna\":20251020T090000\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:bare\r\nDTSTART;TZID=Amsterdam, Berlin:20251027T090000\r\nEND:VEVENT"
	got := expandText(t, body, span("2025-10-01", "2025-11-01"), time.UTC)
	diffLines(t, "Expand", got, []string{"2025-10-20 Mon 07:00 UTC quoted", "2025-10-27 Mon 08:00 UTC bare"})
}
