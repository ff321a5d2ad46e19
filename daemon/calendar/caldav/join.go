package caldav

import (
	"bytes"
	"strings"
)

// maxNesting bounds how deep components nest in one object. A VEVENT
// holds VALARMs, a VTIMEZONE its STANDARD and DAYLIGHT parts: three levels
// are all RFC 5545 has.
const maxNesting = 16

// joiner builds one iCalendar stream out of many calendar objects: one
// VCALENDAR holding the VEVENTs and VTIMEZONEs of every object (RFC 4791
// section 4.1: each object is a VCALENDAR with the components of one UID
// and the VTIMEZONEs they use). It copies content lines without decoding
// them, so it costs one pass over the bytes; package ics reads the result.
//
// It guarantees a balanced stream whatever an object holds: a component
// whose BEGIN and END lines do not match, or that an object leaves open,
// is left out, so that it cannot swallow the objects after it. A VTIMEZONE
// whose TZID an earlier object defined is left out too: every object of a
// series in the same zone carries a copy.
type joiner struct {
	buf     bytes.Buffer
	zones   map[string]bool // TZIDs written
	dropped int             // components left out as malformed
}

func newJoiner() *joiner {
	j := &joiner{zones: map[string]bool{}}
	j.buf.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//leadup//CalDAV//EN\r\n")
	return j
}

// bytes ends the stream and returns it.
func (j *joiner) bytes() []byte {
	j.buf.WriteString("END:VCALENDAR\r\n")
	return j.buf.Bytes()
}

// add copies the VEVENTs and VTIMEZONEs of one object.
func (j *joiner) add(data string) {
	var (
		comp  bytes.Buffer // the current top-level component's lines
		stack []string     // its open components, itself first
		keep  bool         // comp is a VEVENT or VTIMEZONE
		bad   bool         // comp is malformed
		tzid  string       // of a VTIMEZONE
		last  bool         // the previous line went into comp: a folded continuation follows it
	)
	for len(data) > 0 {
		line, rest, _ := strings.Cut(data, "\n")
		data = rest
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' { // RFC 5545 section 3.1 folding
			if last {
				comp.WriteString(line)
				comp.WriteString("\r\n")
			}
			continue
		}
		last = false
		name, value, _ := strings.Cut(line, ":")
		name = strings.ToUpper(strings.TrimSpace(name))
		value = strings.ToUpper(strings.TrimSpace(value))
		switch {
		case name == "BEGIN" && len(stack) == 0:
			if value == "VCALENDAR" {
				continue // the object's own wrapper
			}
			comp.Reset()
			stack = append(stack, value)
			keep = value == "VEVENT" || value == "VTIMEZONE"
			bad, tzid = false, ""
		case name == "BEGIN":
			stack = append(stack, value)
			if len(stack) > maxNesting {
				bad = true
			}
		case name == "END" && len(stack) == 0:
			continue // END:VCALENDAR, or stray
		case name == "END":
			if value != stack[len(stack)-1] {
				bad = true
			}
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				break
			}
			comp.WriteString(line)
			comp.WriteString("\r\n")
			j.commit(&comp, keep, bad, tzid)
			continue
		case len(stack) == 0:
			continue // the object's VERSION, PRODID, METHOD…
		case len(stack) == 1 && (name == "TZID" || strings.HasPrefix(name, "TZID;")):
			tzid = line[strings.IndexByte(line, ':')+1:]
		}
		comp.WriteString(line)
		comp.WriteString("\r\n")
		last = true
	}
	if len(stack) > 0 && keep {
		j.dropped++ // left open
	}
}

// commit writes a finished top-level component.
func (j *joiner) commit(comp *bytes.Buffer, keep, bad bool, tzid string) {
	switch {
	case !keep:
	case bad:
		j.dropped++
	case tzid != "" && j.zones[tzid]:
	default:
		if tzid != "" {
			j.zones[tzid] = true
		}
		j.buf.Write(comp.Bytes())
	}
	comp.Reset()
}
