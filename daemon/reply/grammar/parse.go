package grammar

import (
	"strings"
	"time"
	"unicode"
)

// Owners of an action that are not another person's name.
const (
	OwnerMe   = "me"
	OwnerBoss = "boss"
)

// Options is what Parse needs to know beyond the text.
type Options struct {
	// BossNames are the names that mean the boss as an owner ("Dana:",
	// "@dana") and in headings ("Dana's actions", "For Dana"), compared
	// without regard to case. The first name of each full name counts too:
	// {"Dana Whitfield"} also accepts "Dana".
	BossNames []string
	// People are the other attendees of the meeting, as "Name <address>",
	// a bare name or a bare address: each one's full name, first name and
	// address local part are known owners ("Priya will send…").
	People []string
	// Now is the reply's Date: due phrases count from its day.
	Now time.Time
	// Location is the user's time zone, in which Now's day is taken; nil
	// means UTC.
	Location *time.Location
	// DateOrder says how to read an ambiguous numeric date such as
	// "12/11": DayFirst (12 November) or MonthFirst (December 11). The
	// zero value is DayFirst.
	DateOrder DateOrder
	// Confirmation is set when the text answers one of leadup's
	// confirmations: then lines such as "7 owner Dana", "7 due Fri",
	// "undo 7" or "7: new text" are corrections (Log.Corrections).
	Confirmation bool
}

// DateOrder is the order of day and month in a numeric date.
type DateOrder int

const (
	DayFirst   DateOrder = iota // 12/11 is 12 November
	MonthFirst                  // 12/11 is December 11
)

// Kind is what an item of the log is. The values are the store's.
type Kind string

const (
	Decision Kind = "decision"
	Action   Kind = "action"
	Feedback Kind = "feedback"
	Note     Kind = "note"
	Topic    Kind = "point" // a talking point for the next meeting
)

// Item is one entry the reply makes.
type Item struct {
	Kind Kind
	Text string
	// Owner is, for an action, OwnerMe, OwnerBoss or another person's name
	// as the user wrote it ("Jordan", "Priya Nair"); never empty for an
	// action, empty for the other kinds.
	Owner string
	// Due is an action's due date; nil if it has none.
	Due *Date
	// Source is the line (or lines) the item came from, as typed, for the
	// confirmation to quote.
	Source string
	// Inferred reports that Parse guessed the item's kind or owner from its
	// wording ("Dana will send…", "we agreed…") rather than reading it under
	// a heading or after an explicit prefix ("Dana:", "d:").
	Inferred bool
}

// Log is what a reply says. A field is nil when the reply has nothing for it.
type Log struct {
	// Items are the entries in the order they were written.
	Items []Item
	Done  []int // ids of open items the user closed, in order, each once
	// Unplaced holds lines Parse could not make sense of, as typed, for the
	// confirmation email to show back: "done" without a number, an owner
	// with no task ("Jordan:"), a due date with no task.
	Unplaced []string
	// Corrections are the fixes a reply to a confirmation asks for, in
	// order; only with Options.Confirmation.
	Corrections []Correction
}

// Of returns the items of one kind, in order.
func (l Log) Of(k Kind) []Item {
	var out []Item
	for _, it := range l.Items {
		if it.Kind == k {
			out = append(out, it)
		}
	}
	return out
}

// Texts returns the text of the items of one kind, in order.
func (l Log) Texts(k Kind) []string {
	var out []string
	for _, it := range l.Items {
		if it.Kind == k {
			out = append(out, it.Text)
		}
	}
	return out
}

// Correction is one fix to an item logged earlier, written in reply to a
// confirmation.
type Correction struct {
	Op CorrectionOp
	// ID is the item's number; 0 for UndoReply.
	ID int
	// The new value, for the op that sets it.
	Owner string // SetOwner: OwnerMe, OwnerBoss or a name
	Due   *Date  // SetDue
	Kind  Kind   // SetKind
	Text  string // SetText
	// Source is the line as typed.
	Source string
}

// CorrectionOp is what a correction does.
type CorrectionOp string

const (
	SetOwner  CorrectionOp = "owner"      // "7 owner Dana", "7 is Dana's"
	SetDue    CorrectionOp = "due"        // "7 due Fri", "7 no due date" (Due nil)
	SetKind   CorrectionOp = "kind"       // "7 is a decision"
	SetText   CorrectionOp = "text"       // "7: new text"
	Undo      CorrectionOp = "undo"       // "undo 7"
	UndoReply CorrectionOp = "undo reply" // "undo": everything the confirmed reply logged
)

// kind is the sort of section a heading starts.
type kind int

const (
	kindNotes kind = iota
	kindDecisions
	kindActions
	kindFeedback
	kindTopics
)

// section is where items go: a kind, and for actions the default owner.
type section struct {
	kind  kind
	owner string
}

// pending is the item being read: its first line and any continuation
// lines, kept apart until the item ends so that joining stays linear.
type pending struct {
	indent int
	sec    section
	parts  []string // bullet-stripped text of each line
	raw    []string // each line as typed, for Unplaced
}

type parser struct {
	boss names
	due  dueContext
	sec  section
	item *pending
	seen map[int]bool
	log  Log
}

// Parse reads the text of a reply to the follow-up email. It never fails:
// whatever it cannot place goes to Log.Unplaced.
func Parse(text string, o Options) Log {
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	p := &parser{
		boss: newNames(o.BossNames),
		due:  dueContext{today: dateOf(o.Now.In(loc)), order: o.DateOrder},
		sec:  section{kind: kindNotes},
		seen: map[int]bool{},
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	for line := range strings.SplitSeq(text, "\n") {
		if !p.line(line) {
			break
		}
	}
	p.flush()
	return p.log
}

// line reads one line of the reply. It returns false at a closing
// ("Thanks,"), after which nothing more is read.
func (p *parser) line(line string) bool {
	indent, t := normalize(line)
	switch {
	case t == "":
		// A blank line ends an item but not a section.
		p.flush()
		return true
	case strings.HasPrefix(t, ">"):
		// Quoted mail that survived quote stripping is not the user's text.
		return true
	case !hasAlnum(t):
		// "---", "***", an empty bullet "-" of the unfilled template.
		return true
	case isClosing(t):
		return false
	}
	// A line indented under an item continues it even if it reads like a
	// heading: a wrapped "- put it on the\n  agenda" is one item.
	continues := p.item != nil && indent > p.item.indent
	if sec, rest, ok := p.heading(t); ok && !continues {
		p.flush()
		p.sec = sec
		if rest != "" {
			p.content(rest, indent)
		}
		return true
	}
	p.content(t, indent)
	return true
}

// content reads a line, or the text after a heading's colon, that is not a
// heading: a closing of open items, a template leftover, a new item or the
// continuation of the item above.
func (p *parser) content(t string, indent int) {
	body, checked := stripBullet(t)
	if ids, ok := doneIDs(body, checked); ok {
		p.flush()
		for _, id := range ids {
			if !p.seen[id] {
				p.seen[id] = true
				p.log.Done = append(p.log.Done, id)
			}
		}
		return
	}
	if isBareDone(body) {
		p.flush()
		p.log.Unplaced = append(p.log.Unplaced, strings.Join(strings.Fields(t), " "))
		return
	}
	if isLeftover(t) {
		p.flush()
		return
	}
	if p.item != nil && indent > p.item.indent {
		// Indented more than the item: a wrapped line or a nested bullet.
		p.item.parts = append(p.item.parts, body)
		p.item.raw = append(p.item.raw, t)
		return
	}
	p.flush()
	p.item = &pending{indent: indent, sec: p.sec, parts: []string{body}, raw: []string{t}}
}

// flush files the pending item, if any, in its section.
func (p *parser) flush() {
	it := p.item
	if it == nil {
		return
	}
	p.item = nil
	text := strings.Join(it.parts, " ")
	if it.sec.kind == kindActions {
		p.action(text, it)
		return
	}
	text = clean(text)
	if !hasAlnum(text) {
		return
	}
	k := Note
	switch it.sec.kind {
	case kindDecisions:
		k = Decision
	case kindFeedback:
		k = Feedback
	case kindTopics:
		k = Topic
	}
	p.log.Items = append(p.log.Items, Item{Kind: k, Text: text, Source: source(it.raw)})
}

// source is an item's lines as typed, joined by spaces.
func source(raw []string) string {
	return strings.Join(strings.Fields(strings.Join(raw, " ")), " ")
}

// action files an item of an action section: a due phrase, an owner prefix,
// and what is left is the task.
func (p *parser) action(text string, it *pending) {
	// The due phrase goes first, so that "send deck due: Dec 3" is not
	// taken for an owner "send deck due".
	due, text := cutDue(strings.Join(strings.Fields(text), " "), p.due)
	owner, rest, explicit := p.owner(text)
	if !explicit {
		owner = it.sec.owner
	}
	rest = clean(rest)
	if !hasAlnum(rest) {
		if explicit || due != nil {
			// "Jordan:" or "by Friday" alone: someone or something is meant,
			// but there is no task to log.
			p.log.Unplaced = append(p.log.Unplaced, strings.Join(strings.Fields(strings.Join(it.raw, " ")), " "))
		}
		return
	}
	p.log.Items = append(p.log.Items, Item{Kind: Action, Text: rest, Owner: owner, Due: due, Source: source(it.raw)})
}

// normalize measures a line's indentation (a tab counts to the next multiple
// of four columns) and returns the rest with every kind of space made a
// plain space, control and invisible format characters (zero-width spaces,
// byte order marks, bidi marks) dropped, and the ends trimmed.
func normalize(line string) (indent int, text string) {
	var b strings.Builder
	leading := true
	for _, r := range line {
		switch {
		case r == '\t' && leading:
			indent += 4 - indent%4
			continue
		case unicode.IsSpace(r):
			if leading {
				indent++
				continue
			}
			r = ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			continue
		}
		leading = false
		b.WriteRune(r)
	}
	return indent, strings.TrimRight(b.String(), " ")
}

// clean collapses runs of spaces and trims trailing punctuation:
// "ship it ." becomes "ship it".
func clean(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimRight(s, ".,;:! ")
}

// hasAlnum reports whether s has a letter or a digit: a line without one
// ("-", "---", "…") says nothing.
func hasAlnum(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
