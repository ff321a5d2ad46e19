package ics

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	ical "github.com/emersion/go-ical"
)

// maxDepth bounds the nesting of components. Real calendars nest three deep
// (VCALENDAR > VEVENT > VALARM); the bound keeps a hostile file from building
// an unbounded stack. The component of the calendar that holds a deeper
// nest is skipped, not the whole calendar.
const maxDepth = 16

// errNotICalendar: the input holds no VCALENDAR at all, such as the HTML
// login page some servers answer with when the secret address is wrong.
var errNotICalendar = errors.New("not an iCalendar file (no BEGIN:VCALENDAR)")

// decodeStats counts what decode had to skip, for one log line per parse.
type decodeStats struct {
	malformed int    // content lines that are not NAME;PARAMS:VALUE
	example   string // the first of them, cut short, for the log
	strayEnds int    // END lines that close nothing open
	tooDeep   int    // components skipped for nesting deeper than maxDepth
	deepUID   string // the UID of the first of them, if it came first, cut short
}

// decode splits an iCalendar stream into its VCALENDAR components (RFC 5545
// section 3.1 and 3.4), stored in go-ical's Component and Prop types.
//
// It replaces ical.Decoder, which panics on some malformed parameters
// ("CN="a"b", a parameter without a colon after it), copies parameter
// values a byte at a time (quadratic: seconds for a 200 kB value),
// recurses once per BEGIN without a bound, rejects a leading UTF-8 byte
// order mark, and fails the whole calendar for one bad line. Here a
// malformed content line is skipped and counted, so one odd attendee does
// not hide every meeting; only input with no calendar at all, or a
// calendar cut short (no END:VCALENDAR: a truncated download, which must not
// read as "every later event was deleted"), is an error.
func decode(data []byte) ([]*ical.Component, decodeStats, error) {
	var (
		stats decodeStats
		cals  []*ical.Component
		stack []*ical.Component
		buf   []byte
		// While skip > 0, the input is inside a nest too deep: skip counts
		// its open BEGINs, and its lines are dropped. drop holds the
		// calendars' children that contained such a nest.
		skip int
		drop map[*ical.Component]bool
	)
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	for len(data) > 0 {
		var line []byte
		line, data, buf = nextLine(data, buf)
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		prop, err := parseContentLine(string(line))
		if err != nil {
			if len(stack) > 0 {
				stats.malformed++
				if stats.example == "" {
					stats.example = fmt.Sprintf("%.40q: %v", line, err)
				}
			}
			continue
		}
		if skip > 0 {
			switch prop.Name {
			case "BEGIN":
				skip++
				continue
			case "END":
				// An END of the skipped component or its calendar ends the
				// skip at once (the closing END of some nested component
				// may be missing); any other closes one skipped BEGIN.
				name := strings.ToUpper(strings.TrimSpace(prop.Value))
				if name != stack[0].Name && name != stack[1].Name {
					skip--
					continue
				}
				skip = 0
			default:
				continue
			}
		}
		switch prop.Name {
		case "BEGIN":
			name := strings.ToUpper(strings.TrimSpace(prop.Value))
			if len(stack) == 0 && name != ical.CompCalendar {
				continue // text around the calendar; ignore it
			}
			if len(stack) >= maxDepth {
				// maxDepth > 2: stack[1] is the calendar's child that holds
				// this nest, such as a VEVENT.
				if drop == nil {
					drop = map[*ical.Component]bool{}
				}
				if !drop[stack[1]] {
					drop[stack[1]] = true
					if stats.tooDeep++; stats.tooDeep == 1 {
						if uid := stack[1].Props.Get(ical.PropUID); uid != nil {
							stats.deepUID = fmt.Sprintf("%.80s", uid.Value)
						}
					}
				}
				skip = 1
				continue
			}
			comp := ical.NewComponent(name)
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, comp)
			} else {
				cals = append(cals, comp)
			}
			stack = append(stack, comp)
		case "END":
			name := strings.ToUpper(strings.TrimSpace(prop.Value))
			// Close the innermost open component of that name, and any
			// left open inside it: lenient towards a missing END:VALARM.
			i := len(stack) - 1
			for i >= 0 && stack[i].Name != name {
				i--
			}
			if i < 0 {
				stats.strayEnds++
				continue
			}
			stack = stack[:i]
		default:
			if len(stack) > 0 {
				stack[len(stack)-1].Props.Add(&prop)
			}
		}
	}
	if len(cals) == 0 {
		return nil, stats, errNotICalendar
	}
	if len(stack) > 0 {
		return nil, stats, errors.New("calendar ends without END:VCALENDAR: truncated")
	}
	if drop != nil {
		for _, cal := range cals {
			cal.Children = slices.DeleteFunc(cal.Children, func(c *ical.Component) bool { return drop[c] })
		}
	}
	return cals, stats, nil
}

// nextLine returns the first logical line of data, unfolded (RFC 5545
// section 3.1: a line break followed by one space or tab continues the
// line), and the rest of data. buf is scratch space for folded lines; the
// returned line may alias it or data and is only valid until the next call.
func nextLine(data, buf []byte) (line, rest, newBuf []byte) {
	line, rest = cutLine(data)
	if len(rest) == 0 || (rest[0] != ' ' && rest[0] != '\t') {
		return line, rest, buf
	}
	buf = append(buf[:0], line...)
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
		var more []byte
		more, rest = cutLine(rest[1:])
		buf = append(buf, more...)
	}
	return buf, rest, buf
}

// cutLine splits data after its first line break (LF or CRLF).
func cutLine(data []byte) (line, rest []byte) {
	line, rest, _ = bytes.Cut(data, []byte{'\n'})
	return bytes.TrimSuffix(line, []byte{'\r'}), rest
}

// parseContentLine parses `name *(";" param) ":" value` (RFC 5545 section
// 3.1) in one pass. It accepts what real producers send beyond the grammar:
// lower-case names, text after a closing quote, and a stray quote inside an
// unquoted parameter value.
func parseContentLine(s string) (ical.Prop, error) {
	i := strings.IndexAny(s, ";:")
	if i <= 0 {
		return ical.Prop{}, errors.New("no colon after the property name")
	}
	name := s[:i]
	for _, c := range []byte(name) {
		if !isNameChar(c) {
			return ical.Prop{}, errors.New("invalid property name")
		}
	}
	prop := ical.Prop{Name: strings.ToUpper(name), Params: ical.Params{}}
	s = s[i:]
	for s[0] == ';' {
		s = s[1:]
		eq := strings.IndexAny(s, "=;:")
		if eq <= 0 || s[eq] != '=' {
			return ical.Prop{}, errors.New("parameter without a value")
		}
		pname := strings.ToUpper(s[:eq])
		s = s[eq+1:]
		for {
			var v string
			if strings.HasPrefix(s, `"`) {
				end := strings.IndexByte(s[1:], '"')
				if end < 0 {
					return ical.Prop{}, errors.New("unterminated quoted parameter value")
				}
				v, s = s[1:1+end], s[2+end:]
				if j := strings.IndexAny(s, ",;:"); j > 0 {
					v, s = v+s[:j], s[j:] // CN="a"b: keep the b
				}
			} else {
				j := strings.IndexAny(s, ",;:")
				if j < 0 {
					return ical.Prop{}, errors.New("no colon after the parameters")
				}
				v, s = s[:j], s[j:]
			}
			if len(s) == 0 {
				return ical.Prop{}, errors.New("no colon after the parameters")
			}
			prop.Params[pname] = append(prop.Params[pname], unescapeParam(v))
			if s[0] != ',' {
				break
			}
			s = s[1:]
		}
	}
	if s[0] != ':' {
		return ical.Prop{}, errors.New("no colon after the parameters")
	}
	prop.Value = s[1:]
	return prop, nil
}

func isNameChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// unescapeParam undoes RFC 6868 caret escapes in a parameter value: ^n is
// a line break, ^' a double quote, ^^ a caret.
func unescapeParam(v string) string {
	if !strings.Contains(v, "^") {
		return v
	}
	var sb strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '^' && i+1 < len(v) {
			switch v[i+1] {
			case 'n', 'N':
				sb.WriteByte('\n')
				i++
				continue
			case '\'':
				sb.WriteByte('"')
				i++
				continue
			case '^':
				sb.WriteByte('^')
				i++
				continue
			}
		}
		sb.WriteByte(v[i])
	}
	return sb.String()
}

// unescapeText decodes a TEXT value (RFC 5545 section 3.3.11): \\ \; \,
// and \n. Unlike ical.Prop.Text it keeps an unescaped comma as text
// ("Lunch, Bob" is a common producer mistake; go-ical would return
// "Lunch"), and it keeps an unknown escape such as \: as the bare
// character instead of failing.
func unescapeText(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var sb strings.Builder
	sb.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			i++
			switch c = v[i]; c {
			case 'n', 'N':
				sb.WriteByte('\n')
			default:
				sb.WriteByte(c)
			}
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}
