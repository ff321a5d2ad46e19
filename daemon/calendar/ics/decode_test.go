package ics

import (
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"
)

func TestParseContentLine(t *testing.T) {
	for _, tc := range []struct {
		name, in  string
		wantName  string
		wantParam map[string][]string
		wantValue string
		wantErr   bool
	}{
		{name: "plain", in: "SUMMARY:Hello: world", wantName: "SUMMARY", wantValue: "Hello: world"},
		{name: "lower case", in: "summary:x", wantName: "SUMMARY", wantValue: "x"},
		{name: "params", in: `ATTENDEE;CN="Doe, John";ROLE=OPT-PARTICIPANT:mailto:j@example.com`, wantName: "ATTENDEE",
			wantParam: map[string][]string{"CN": {"Doe, John"}, "ROLE": {"OPT-PARTICIPANT"}}, wantValue: "mailto:j@example.com"},
		{name: "multi-valued", in: `X;MEMBER="mailto:a@x","mailto:b@x":v`, wantName: "X",
			wantParam: map[string][]string{"MEMBER": {"mailto:a@x", "mailto:b@x"}}, wantValue: "v"},
		{name: "quoted colon", in: `X;ALTREP="http://x/y":v`, wantName: "X", wantParam: map[string][]string{"ALTREP": {"http://x/y"}}, wantValue: "v"},
		{name: "RFC 6868 escapes", in: `X;CN=a^'b^'^nc^^:v`, wantName: "X", wantParam: map[string][]string{"CN": {"a\"b\"\nc^"}}, wantValue: "v"},
		// ical.Decoder panics on the next two.
		{name: "text after a closing quote", in: `ATTENDEE;CN="a"b:mailto:x`, wantName: "ATTENDEE", wantParam: map[string][]string{"CN": {"ab"}}, wantValue: "mailto:x"},
		{name: "no colon after a parameter", in: `X-FOO;A=b`, wantErr: true},
		{name: "stray quote inside a value", in: `ATTENDEE;CN=John "J" Doe:mailto:x`, wantName: "ATTENDEE", wantParam: map[string][]string{"CN": {`John "J" Doe`}}, wantValue: "mailto:x"},
		{name: "unterminated quote", in: `X;CN="abc:v`, wantErr: true},
		{name: "no name", in: ":v", wantErr: true},
		{name: "no colon", in: "JUST TEXT", wantErr: true},
		{name: "bad name", in: "<html>:x", wantErr: true},
		{name: "parameter without value", in: "X;FOO:v", wantErr: true},
		{name: "empty value", in: "LOCATION:", wantName: "LOCATION", wantValue: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parseContentLine(tc.in, true)
			if tc.wantErr {
				if err == nil {
					t.Errorf("parseContentLine(%q) = %+v, want an error", tc.in, p)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseContentLine(%q) = %v", tc.in, err)
			}
			if p.Name != tc.wantName || p.Value != tc.wantValue || len(p.Params) != len(tc.wantParam) {
				t.Errorf("parseContentLine(%q) = %+v", tc.in, p)
			}
			for k, v := range tc.wantParam {
				if strings.Join(p.Params[k], "|") != strings.Join(v, "|") {
					t.Errorf("param %s = %q, want %q", k, p.Params[k], v)
				}
			}
		})
	}
}

func TestUnescapeText(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:               "plain",
		`a\, b\; c\\ d\n e`:   "a, b; c\\ d\n e",
		`upper\Nnewline`:      "upper\nnewline",
		`Lunch, with Bob`:     "Lunch, with Bob", // ical.Prop.Text gives "Lunch"
		`odd \: escape`:       "odd : escape",
		`trailing backslash\`: `trailing backslash\`,
	} {
		if got := unescapeText(in); got != want {
			t.Errorf("unescapeText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodeStructure(t *testing.T) {
	in := "\ufeffBEGIN:VCALENDAR\r\n" +
		"BEGIN:VEVENT\r\nUID:a\r\n" +
		"X-LONG:one\r\n two\r\n\tthree\r\n" +
		"BEGIN:VALARM\r\nACTION:DISPLAY\r\n" +
		// END:VALARM missing: END:VEVENT closes both.
		"END:VEVENT\r\n" +
		"END:VTODO\r\n" + // closes nothing
		"END:VCALENDAR\r\n" +
		"garbage after the calendar\r\n"
	cals, stats, err := decodeAll([]byte(in))
	if err != nil {
		t.Fatalf("decode() = %v", err)
	}
	if len(cals) != 1 || len(cals[0].Children) != 1 || cals[0].Children[0].Name != ical.CompEvent {
		t.Fatalf("decode() = %+v", cals)
	}
	if got := cals[0].Children[0].Props.Get("X-LONG").Value; got != "onetwothree" {
		t.Errorf("unfolded X-LONG = %q", got)
	}
	if ev := cals[0].Children[0]; len(ev.Children) != 1 || ev.Children[0].Props.Get("ACTION") == nil {
		t.Errorf("VALARM not kept under VEVENT: %+v", ev)
	}
	if stats.strayEnds != 1 || stats.malformed != 0 {
		t.Errorf("stats = %+v", stats)
	}
}

// ical.Decoder copies parameter values a byte at a time: 200 kB took
// seconds. decode must stay linear.
func TestDecodeLongParameterIsLinear(t *testing.T) {
	in := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20251020T100000Z\nATTENDEE;CN=" +
		strings.Repeat("a", 4<<20) + ":mailto:a@example.com\nEND:VEVENT\nEND:VCALENDAR\n"
	start := time.Now()
	cal, err := Parse(strings.NewReader(in), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Parse of a 4 MB parameter took %v", d)
	}
	// The name is kept up to maxTextBytes, well past what
	// calendar.Sanitize keeps of it.
	if evs := cal.Expand(span("2025-10-01", "2025-11-01")); len(evs) != 1 || len(evs[0].Attendees[0].Name) != maxTextBytes {
		t.Errorf("Expand() lost the event or the name")
	}
}

// decodeAll decodes data whole, as the tree decode once returned: every
// VCALENDAR (without its own properties) with every component inside it.
func decodeAll(data []byte) ([]*ical.Component, decodeStats, error) {
	var cals []*ical.Component
	all := decodeOptions{build: func(string) bool { return true }, nested: true, count: true}
	stats, err := decode(data, all, func(cal int, c *ical.Component, _ []byte) {
		for len(cals) <= cal {
			cals = append(cals, ical.NewComponent(ical.CompCalendar))
		}
		cals[cal].Children = append(cals[cal].Children, c)
	})
	if err != nil {
		return nil, stats, err
	}
	return cals, stats, nil
}
