package ics

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
	"unsafe"

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
	cut       int    // built components that had properties or components left out
	cutName   string // the first property or component left out
	cutUID    string // the UID of the component it was left out of, cut short
}

// decodeOptions say what one pass of decode builds.
type decodeOptions struct {
	// build reports whether to build the VCALENDAR child of this name (upper
	// case). Nothing is built for the others: their lines are only
	// scanned for the BEGIN and END that give the structure.
	build func(name string) bool
	// count makes decode check every content line, counting the malformed
	// ones in decodeStats; without it, only the lines of built components
	// and BEGIN and END lines are read, and the stats may be incomplete.
	count bool
	// nested builds the components inside a built child too (the STANDARD
	// and DAYLIGHT parts of a VTIMEZONE); without it they are skipped.
	nested bool
	// limit, when set, returns how many properties of this name one built
	// component keeps, and how many components it keeps inside it; the
	// rest are left out and counted. keep, when set, is asked about each
	// property past the limit, and may keep it still, up to twice the
	// limit.
	limit func(name string) int
	keep  func(prop ical.Prop) bool
}

// decode walks an iCalendar stream (RFC 5545 sections 3.1 and 3.4) once and
// calls emit for each child of a VCALENDAR (VEVENT, VTIMEZONE…) that
// o.build accepts, in the order of the input, stored in go-ical's Component
// and Prop types. cal is the index of the VCALENDAR (a stream may hold
// several), and raw the bytes of data the child spans, from its BEGIN line
// to its END line, which decodeComponent reads again. Nothing built is kept
// after emit returns, so a large feed never exists as one tree: memory is
// that of the largest component.
//
// It replaces ical.Decoder, which panics on some malformed parameters
// ("CN="a"b", a parameter without a colon after it), copies parameter
// values a byte at a time (quadratic: seconds for a 200 kB value),
// recurses once per BEGIN without a bound, rejects a leading UTF-8 byte
// order mark, and fails the whole calendar for one bad line. Here a
// malformed content line is skipped and counted, so one odd attendee does
// not hide every meeting; a child holding components nested deeper than
// maxDepth is skipped; only input with no calendar at all, or a calendar cut
// short (no END:VCALENDAR: a truncated download, which must not read as
// "every later event was deleted"), is an error. That error is known only at
// the end of the input, after emit was called for what came before.
func decode(data []byte, o decodeOptions, emit func(cal int, c *ical.Component, raw []byte)) (decodeStats, error) {
	w := walker{decodeOptions: o, emit: emit, childUIDAt: -1}
	w.walk(bytes.TrimPrefix(data, []byte("\ufeff")))
	if w.cals == 0 {
		return w.stats, errNotICalendar
	}
	if len(w.stack) > 0 {
		return w.stats, errors.New("calendar ends without END:VCALENDAR: truncated")
	}
	return w.stats, nil
}

// decodeComponent builds the one component that raw, a span decode passed
// to emit, holds: the same component decode built, or nil if there is none.
func decodeComponent(raw []byte) *ical.Component {
	var got *ical.Component
	w := walker{
		decodeOptions: decodeOptions{build: func(string) bool { return true }, nested: true, limit: limitTimezone},
		emit:          func(_ int, c *ical.Component, _ []byte) { got = c },
		// Inside the calendar the span came from, so that an END:VCALENDAR
		// closes it as it did then.
		stack:      []frame{{name: ical.CompCalendar}},
		cals:       1,
		childUIDAt: -1,
	}
	w.walk(raw)
	return got
}

// frame is one open component: its name, and the component being built,
// nil when it is only scanned.
type frame struct {
	name string
	comp *ical.Component
}

// walker is the state of one decode.
type walker struct {
	decodeOptions
	emit  func(cal int, c *ical.Component, raw []byte)
	data  []byte // the input
	stats decodeStats
	stack []frame // open components, the VCALENDAR first
	cals  int     // VCALENDARs begun
	// While skip > 0, the input is inside a nest too deep: skip counts its
	// open BEGINs, and its lines are dropped.
	skip int
	// Of the open child of the VCALENDAR: where its BEGIN line starts in
	// the data, whether it holds a nest too deep (and is to be dropped),
	// and where its first UID line starts (-1: none yet), read again only
	// for the log.
	childAt    int
	childDeep  bool
	childCut   bool // had something left out past the limit
	childUIDAt int
}

// childUID returns the UID of the open child of the VCALENDAR, cut short
// for the log, or "" if none came yet.
func (w *walker) childUID() string {
	if w.childUIDAt < 0 {
		return ""
	}
	raw, folded, _ := nextLine(w.data[w.childUIDAt:])
	line := string(raw)
	if folded {
		line = unfold(raw)
	}
	prop, err := parseContentLine(line, false)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%.80s", prop.Value)
}

// within reports whether a built component that has n properties of
// prop's name keeps prop too.
func (w *walker) within(n int, prop ical.Prop) bool {
	limit := w.limit(prop.Name)
	return n < limit || (w.keep != nil && n < 2*limit && w.keep(prop))
}

// leftOut counts a property or component a built child leaves out past the
// limit: the child once, in stats.cut.
func (w *walker) leftOut(name string) {
	if w.childCut {
		return
	}
	w.childCut = true
	if w.stats.cut++; w.stats.cut == 1 {
		w.stats.cutName = name
		w.stats.cutUID = w.childUID()
	}
}

// walk reads data line by line.
func (w *walker) walk(data []byte) {
	w.data = data
	for rest := data; len(rest) > 0; {
		at := len(data) - len(rest)
		var (
			raw    []byte
			folded bool
		)
		raw, folded, rest = nextLine(rest)
		next := len(data) - len(rest)
		if folded {
			w.line(unfold(raw), true, at, next)
		} else {
			// A view of the data, which stays as it is while decode runs.
			w.line(unsafe.String(unsafe.SliceData(raw), len(raw)), false, at, next)
		}
	}
}

// line handles one unfolded content line, which starts at offset at of the
// data and ends before next. owned says line is a string of its own; if
// not, it is a view of the data, copied before anything of it is kept.
func (w *walker) line(line string, owned bool, at, next int) {
	if len(strings.TrimSpace(line)) == 0 {
		return
	}
	top := len(w.stack) - 1
	structural := isStructural(line)
	building := top >= 0 && w.stack[top].comp != nil
	if !structural && !building && !(w.count && top >= 0) && !(top == 1 && w.childUIDAt < 0 && isProp(line, ical.PropUID)) {
		return // no need to read it
	}
	keep := structural || building
	if keep && !owned {
		// Kept: the strings must not share the input's memory.
		line = strings.Clone(line)
	}
	// Only looked at, the line is not copied, nor its parameters unescaped.
	prop, err := parseContentLine(line, keep)
	if err != nil {
		if top >= 0 && w.count {
			w.stats.malformed++
			if w.stats.example == "" {
				w.stats.example = fmt.Sprintf("%.40q: %v", line, err)
			}
		}
		return
	}
	if w.skip > 0 {
		switch prop.Name {
		case "BEGIN":
			w.skip++
			return
		case "END":
			// An END of the skipped component or its calendar ends the
			// skip at once (the closing END of some nested component may
			// be missing); any other closes one skipped BEGIN.
			name := strings.ToUpper(strings.TrimSpace(prop.Value))
			if name != w.stack[0].name && name != w.stack[1].name {
				w.skip--
				return
			}
			w.skip = 0
		default:
			return
		}
	}
	switch prop.Name {
	case "BEGIN":
		w.begin(strings.ToUpper(strings.TrimSpace(prop.Value)), at)
	case "END":
		w.end(strings.ToUpper(strings.TrimSpace(prop.Value)), next)
	default:
		if c := w.stack[top].comp; c != nil {
			// Appended as a value: a pointer would move each line's Prop to
			// the heap.
			if have := c.Props[prop.Name]; w.limit == nil || w.within(len(have), prop) {
				c.Props[prop.Name] = append(have, prop)
			} else {
				w.leftOut(prop.Name)
			}
		}
		if top == 1 && prop.Name == ical.PropUID && w.childUIDAt < 0 {
			w.childUIDAt = at
		}
	}
}

// begin opens a component.
func (w *walker) begin(name string, at int) {
	depth := len(w.stack)
	switch {
	case depth == 0 && name != ical.CompCalendar:
		return // text around the calendar; ignore it
	case depth >= maxDepth:
		// maxDepth > 2: the calendar's child that holds this nest, such
		// as a VEVENT, is open; it is dropped.
		if !w.childDeep {
			w.childDeep = true
			if w.stats.tooDeep++; w.stats.tooDeep == 1 {
				w.stats.deepUID = w.childUID()
			}
		}
		w.skip = 1
		return
	}
	f := frame{name: name}
	switch {
	case depth == 0:
		w.cals++
	case depth == 1:
		w.childAt, w.childDeep, w.childCut, w.childUIDAt = at, false, false, -1
		if w.build(name) {
			f.comp = ical.NewComponent(name)
		}
	default:
		parent := w.stack[depth-1].comp
		switch {
		case parent == nil || !w.nested:
		case w.limit != nil && len(parent.Children) >= w.limit(name):
			w.leftOut(name) // scanned, not built
		default:
			f.comp = ical.NewComponent(name)
			parent.Children = append(parent.Children, f.comp)
		}
	}
	w.stack = append(w.stack, f)
}

// end closes the innermost open component of that name, and any left open
// inside it: lenient towards a missing END:VALARM. Closing the calendar's
// child hands it to emit, with its span up to next, unless it held a nest
// too deep.
func (w *walker) end(name string, next int) {
	i := len(w.stack) - 1
	for i >= 0 && w.stack[i].name != name {
		i--
	}
	if i < 0 {
		w.stats.strayEnds++
		return
	}
	if i <= 1 && len(w.stack) > 1 {
		if c := w.stack[1].comp; c != nil && !w.childDeep {
			w.emit(w.cals-1, c, w.data[w.childAt:next])
		}
		w.childDeep, w.childCut, w.childUIDAt = false, false, -1
	}
	clear(w.stack[i:]) // let the built components go
	w.stack = w.stack[:i]
}

// isStructural reports whether line is a BEGIN or END line: its name,
// before any parameters, is one of those.
func isStructural(line string) bool {
	return isProp(line, "BEGIN") || isProp(line, "END")
}

// isProp reports whether line is a property of this name (upper case),
// with any case in the line.
func isProp(line, name string) bool {
	return len(line) > len(name) && (line[len(name)] == ':' || line[len(name)] == ';') &&
		strings.EqualFold(line[:len(name)], name)
}

// nextLine splits off the first logical line of data (RFC 5545 section
// 3.1: a line break followed by one space or tab continues the line): raw
// is the line without its final line break, still folded if folded says
// so, and rest the data after it.
func nextLine(data []byte) (raw []byte, folded bool, rest []byte) {
	raw, rest = cutLine(data)
	if len(rest) == 0 || (rest[0] != ' ' && rest[0] != '\t') {
		return raw, false, rest
	}
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
		_, rest = cutLine(rest)
	}
	raw = bytes.TrimSuffix(bytes.TrimSuffix(data[:len(data)-len(rest)], []byte{'\n'}), []byte{'\r'})
	return raw, true, rest
}

// unfold joins the physical lines of a folded line, dropping each line
// break and the space or tab after it, into a string allocated once at its
// final size: a 30 MB line costs 30 MB, not twice that in growing buffers.
func unfold(raw []byte) string {
	n := 0
	for rest := raw; len(rest) > 0; {
		var line []byte
		line, rest = cutLine(rest)
		n += len(line)
		if len(rest) > 0 {
			rest = rest[1:]
		}
	}
	var b strings.Builder
	b.Grow(n)
	for rest := raw; len(rest) > 0; {
		var line []byte
		line, rest = cutLine(rest)
		b.Write(line)
		if len(rest) > 0 {
			rest = rest[1:]
		}
	}
	return b.String()
}

// cutLine splits data after its first line break (LF or CRLF).
func cutLine(data []byte) (line, rest []byte) {
	line, rest, _ = bytes.Cut(data, []byte{'\n'})
	return bytes.TrimSuffix(line, []byte{'\r'}), rest
}

// Why parseContentLine refuses a line. They are values, not made per
// line: a hostile feed may have millions of bad lines.
var (
	errNoNameColon   = errors.New("no colon after the property name")
	errBadName       = errors.New("invalid property name")
	errParamNoValue  = errors.New("parameter without a value")
	errUnterminated  = errors.New("unterminated quoted parameter value")
	errNoParamsColon = errors.New("no colon after the parameters")
)

// parseContentLine parses `name *(";" param) ":" value` (RFC 5545 section
// 3.1) in one pass. It accepts what real producers send beyond the grammar:
// lower-case names, text after a closing quote, and a stray quote inside an
// unquoted parameter value. Without keepParams it only checks the
// parameters: the Prop has no Params, and nothing is allocated for a line
// whose name is in upper case, so that scanning past a component costs
// nothing but the reading. Params is nil for a line without parameters.
func parseContentLine(s string, keepParams bool) (ical.Prop, error) {
	i := strings.IndexAny(s, ";:")
	if i <= 0 {
		return ical.Prop{}, errNoNameColon
	}
	name := s[:i]
	for _, c := range []byte(name) {
		if !isNameChar(c) {
			return ical.Prop{}, errBadName
		}
	}
	prop := ical.Prop{Name: strings.ToUpper(name)}
	s = s[i:]
	for s[0] == ';' {
		s = s[1:]
		eq := strings.IndexAny(s, "=;:")
		if eq <= 0 || s[eq] != '=' {
			return ical.Prop{}, errParamNoValue
		}
		pname := s[:eq]
		if keepParams {
			pname = strings.ToUpper(pname)
			if prop.Params == nil {
				prop.Params = ical.Params{}
			}
		}
		s = s[eq+1:]
		for {
			var v string
			if strings.HasPrefix(s, `"`) {
				end := strings.IndexByte(s[1:], '"')
				if end < 0 {
					return ical.Prop{}, errUnterminated
				}
				v, s = s[1:1+end], s[2+end:]
				if j := strings.IndexAny(s, ",;:"); j > 0 {
					if keepParams {
						v = v + s[:j] // CN="a"b: keep the b
					}
					s = s[j:]
				}
			} else {
				j := strings.IndexAny(s, ",;:")
				if j < 0 {
					return ical.Prop{}, errNoParamsColon
				}
				v, s = s[:j], s[j:]
			}
			if len(s) == 0 {
				return ical.Prop{}, errNoParamsColon
			}
			if keepParams {
				prop.Params[pname] = append(prop.Params[pname], unescapeParam(v))
			}
			if s[0] != ',' {
				break
			}
			s = s[1:]
		}
	}
	if s[0] != ':' {
		return ical.Prop{}, errNoParamsColon
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

// clipBytes cuts s to at most n bytes, at a rune boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
