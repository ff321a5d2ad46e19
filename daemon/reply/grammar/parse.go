package grammar

import (
	"slices"
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
	// Source is the line (or lines, for an item continued on indented
	// lines) the item came from, as typed with its spaces collapsed, for
	// the confirmation to quote: the whole line, heading and bullet
	// included ("Decisions: ship it", "- send deck by Fri"). The items of
	// one line of several sentences share it.
	Source string
	// Inferred reports that Parse guessed the item's kind or owner from its
	// wording rather than reading it under a heading or after an explicit
	// prefix: a sentence outside any heading sorted by a phrase ("Dana will
	// send…", "we agreed…", "she wants…"), or an action under an action
	// heading whose owner only its wording names ("Dana will send…", "…
	// (Priya)"). A sentence that no phrase sorts is a note, not inferred;
	// a label ("me: …", "decision: …", "feedback: …") or a short prefix
	// ("d:") is read, not guessed.
	Inferred bool
}

// Log is what a reply says. A field is nil when the reply has nothing for it.
type Log struct {
	// Items are the entries in the order they were written.
	Items []Item
	Done  []int // ids of open items the user closed, in order, each once
	// Applied are the ids of feedback the user says they acted on
	// ("applied 4"), in order, each once; an id is in Done or Applied,
	// whichever the reply says first.
	Applied []int
	// Unplaced holds lines Parse could not make sense of, as typed, for the
	// confirmation email to show back: "done" without a number, an owner
	// with no task ("Jordan:"), a due date with no task.
	Unplaced []string
	// Corrections are the fixes a reply to a confirmation asks for, one a
	// line ("7 owner Dana"), in order, one per item a line names ("7, 9
	// owner Dana" is two); only with Options.Confirmation. A line that
	// reads as a correction but cannot be read ("7 owner") goes to
	// Unplaced instead.
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
	// kindNone is the text before any heading, sorted line by line by what
	// it says.
	kindNone kind = iota
	kindNotes
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
	raw    []string // each line as typed, for Source and Unplaced
	// afterQ: the line above was a question ("Q: …"), so "A:" is its
	// answer, not an action.
	afterQ bool
}

type parser struct {
	boss    names
	people  names
	due     dueContext
	confirm bool
	sec     section
	// inline: the section was started by a heading with text after it
	// ("Feedback: too long"), and outer is the one before it. The section
	// lasts only if a list item follows; a plain line goes back to outer,
	// so that "feedback: …" typed among other lines is one item.
	inline bool
	outer  section
	item   *pending // nil, or &cur
	cur    pending
	seen   map[int]bool
	log    Log
	// lastOpen is the id of the open item quoted just above ("[12] Send
	// Dana the plan"), which a "Done" on its own line closes; 0 if the last
	// line with text was something else.
	lastOpen int
	prevQ    bool
	// Scratch space reused from line to line.
	ws     words
	ws2    words // for a sentence's parts while ws holds the sentence
	ids    []int
	spans  []span
	spans2 []span
}

// Parse reads the text of a reply to the follow-up email. It never fails:
// whatever it cannot place goes to Log.Unplaced.
func Parse(text string, o Options) Log {
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	p := &parser{
		boss:    newNames(o.BossNames),
		people:  newPeople(o.People),
		due:     dueContext{today: dateOf(o.Now.In(loc)), order: o.DateOrder},
		confirm: o.Confirmation,
		sec:     section{kind: kindNone},
		seen:    map[int]bool{},
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
		// Quoted mail that survived quote stripping is not the user's text,
		// but a "Done" below a quoted open item closes it.
		if id, ok := openItemID(strings.TrimLeft(t, "> ")); ok {
			p.lastOpen = id
		} else if hasAlnum(t) {
			p.lastOpen = 0
		}
		return true
	case !hasAlnum(t) && !(p.lastOpen > 0 && isBareDone(t)):
		// "---", "***", an empty bullet "-" of the unfilled template; but
		// "✅" under an open item closes it.
		return true
	case isClosing(t):
		return false
	}
	lastOpen := p.lastOpen
	p.lastOpen = 0
	// A line indented under an item continues it even if it reads like a
	// heading: a wrapped "- put it on the\n  agenda" is one item.
	continues := p.item != nil && indent > p.item.indent
	if sec, rest, ok := p.heading(t); ok && !continues {
		p.flush()
		if !p.inline {
			p.outer = p.sec
		}
		p.sec, p.inline = sec, rest != ""
		p.prevQ = false
		if rest != "" {
			p.content(rest, t, indent, 0)
		}
		return true
	}
	if p.inline && !continues {
		if body, _ := stripBullet(t); body == t {
			p.flush()
			p.sec = p.outer
		}
		p.inline = false
	}
	p.content(t, t, indent, lastOpen)
	return true
}

// newDate reads a new due date for an open item in a reply that is not to
// a confirmation: the follow-up asks "new date?" of each open item, and
// "7 due Fri" is the answer. Any other correction ("7 owner Dana") is left
// to the line's ordinary reading there, and reports false.
func (p *parser) newDate(body, source string) bool {
	before := len(p.log.Corrections)
	if p.correction(body, source) == corrected {
		added := p.log.Corrections[before:]
		if !slices.ContainsFunc(added, func(c Correction) bool { return c.Op != SetDue }) {
			return true
		}
	}
	p.log.Corrections = p.log.Corrections[:before]
	return false
}

// content reads a line, or the text after a heading's colon, that is not a
// heading: a correction, a template leftover, a closing of open items, a
// new item or the continuation of the item above. line is the whole line
// as typed, lastOpen the open item quoted on the line above, if any.
func (p *parser) content(t, line string, indent, lastOpen int) {
	body, checked := stripBullet(t)
	afterQ := p.prevQ
	p.prevQ = isQuestion(body)
	if p.confirm {
		switch p.correction(body, oneLine(line)) {
		case corrected:
			p.flush()
			return
		case badCorrection:
			p.flush()
			p.log.Unplaced = append(p.log.Unplaced, oneLine(line))
			return
		}
	} else if p.newDate(body, oneLine(line)) {
		p.flush()
		return
	}
	if id, rest, ok := openItem(t); ok {
		// The follow-up's list of open items, quoted back: "[12] Send Dana
		// the plan (you, 4 days overdue)", maybe with "done" after it.
		p.flush()
		if ok, applied := bareClosing(rest); ok {
			p.closeAs(applied, id)
		} else {
			p.lastOpen = id
		}
		return
	}
	if isLeftover(t) {
		p.flush()
		return
	}
	if checked {
		// "[x] #12": a ticked box with ids only.
		if ids, ok := tickedIDs(body, p.ids[:0]); ok {
			p.ids = ids
			p.flush()
			p.close(ids...)
			return
		}
	}
	rest, bad := p.closings(body)
	if bad {
		p.flush()
		p.log.Unplaced = append(p.log.Unplaced, oneLine(line))
	}
	body = rest
	if ok, applied := bareClosing(body); ok {
		p.flush()
		if lastOpen > 0 {
			// "Done" under "[12] Send Dana the plan", "Applied" under
			// "[4] Lead with the risks".
			p.closeAs(applied, lastOpen)
		} else {
			p.log.Unplaced = append(p.log.Unplaced, oneLine(line))
		}
		return
	}
	if !hasAlnum(body) {
		p.flush()
		return
	}
	if p.item != nil && indent > p.item.indent {
		// Indented more than the item: a wrapped line or a nested bullet.
		p.item.parts = append(p.item.parts, body)
		p.item.raw = append(p.item.raw, line)
		return
	}
	p.flush()
	// The pending item's slices are reused from item to item: flush is
	// done with them.
	it := &p.cur
	*it = pending{indent: indent, sec: p.sec, parts: it.parts[:0], raw: append(it.raw[:0], line), afterQ: afterQ}
	if p.sec.kind != kindNone {
		// Outside any heading, classify reads the prefix sentence by
		// sentence.
		if k, rest, ok := shortPrefix(body); ok && !(k == kindActions && afterQ) {
			it.sec, body = section{kind: k, owner: OwnerMe}, rest
			if !hasAlnum(body) {
				p.log.Unplaced = append(p.log.Unplaced, oneLine(line))
				return
			}
		}
	}
	it.parts = append(it.parts, body)
	p.item = it
}

// closings removes from a line the sentences that close open items ("done
// 12", "also, done 3 – sent it yesterday") and, in a line of several
// sentences, a sign-off ("… done 12. Thanks, Sam"). It returns the rest of
// the line, and whether a sentence looked like a closing but could not be
// read ("done 3-500").
func (p *parser) closings(body string) (rest string, bad bool) {
	p.spans = sentences(body, p.spans[:0])
	if len(p.spans) == 1 && !hasDigit(body) {
		return body, false
	}
	var kept []span
	dropped := false
	for _, sp := range p.spans {
		s := body[sp.a:sp.b]
		ids, st, applied := closing(strings.TrimRight(s, ".!?… "), &p.ws, p.ids[:0])
		p.ids = ids
		switch {
		case st == closes:
			p.closeAs(applied, ids...)
		case st == badClosing:
			bad = true
		case len(p.spans) > 1 && isClosing(strings.TrimSpace(s)):
		default:
			kept = append(kept, sp)
			continue
		}
		dropped = true
	}
	if !dropped {
		return body, bad
	}
	parts := make([]string, len(kept))
	for i, sp := range kept {
		parts[i] = strings.TrimSpace(body[sp.a:sp.b])
	}
	return strings.Join(parts, " "), bad
}

// close records ids as closed, each once.
func (p *parser) close(ids ...int) { p.closeAs(false, ids...) }

// closeAs records ids as closed ("done 12") or, if applied, as feedback
// acted on ("applied 4"), each once.
func (p *parser) closeAs(applied bool, ids ...int) {
	for _, id := range ids {
		if p.seen[id] {
			continue
		}
		p.seen[id] = true
		if applied {
			p.log.Applied = append(p.log.Applied, id)
		} else {
			p.log.Done = append(p.log.Done, id)
		}
	}
}

// flush files the pending item, if any, in its section.
func (p *parser) flush() {
	it := p.item
	if it == nil {
		return
	}
	p.item = nil
	text := strings.Join(it.parts, " ")
	switch it.sec.kind {
	case kindNone:
		p.infer(text, it)
		return
	case kindActions:
		p.action(text, it)
		return
	}
	text = clean(text)
	if !hasAlnum(text) {
		return
	}
	p.log.Items = append(p.log.Items, Item{Kind: kindOf(it.sec.kind), Text: text, Source: source(it.raw)})
}

// infer files an item written outside any heading: each sentence is an
// item of the kind its wording says, a note if it says none.
func (p *parser) infer(text string, it *pending) {
	src := source(it.raw)
	afterQ := it.afterQ
	p.spans2 = sentences(text, p.spans2[:0])
	spans := p.spans2
	if len(spans) > maxSentences {
		// A line of hundreds of sentences is not sorted: one note.
		spans = []span{{0, len(text)}}
	}
	for _, sp := range spans {
		s := clean(text[sp.a:sp.b])
		if !hasAlnum(s) {
			continue
		}
		if _, rest, ok := shortPrefix(strings.TrimSpace(text[sp.a:sp.b])); ok && !hasAlnum(rest) {
			// "d:" and nothing after it.
			p.log.Unplaced = append(p.log.Unplaced, src)
			continue
		}
		g := p.classify(s, afterQ)
		afterQ = isQuestion(s)
		t := clean(g.text)
		if !hasAlnum(t) {
			p.log.Unplaced = append(p.log.Unplaced, src)
			continue
		}
		if g.kind == Action && g.owner == "" {
			g.owner = OwnerMe
		}
		p.log.Items = append(p.log.Items, Item{Kind: g.kind, Text: t, Owner: g.owner, Due: g.due, Source: src, Inferred: g.inferred})
	}
}

// maxSentences bounds the sentences of one item that are sorted apart.
const maxSentences = 50

// source is an item's lines as typed, joined by spaces.
func source(raw []string) string {
	return collapse(strings.Join(raw, " "))
}

// oneLine is a line as typed with its spaces collapsed.
func oneLine(t string) string {
	return collapse(t)
}

// action files an item of an action section: a due phrase, an owner prefix
// or wording, and what is left is the task.
func (p *parser) action(text string, it *pending) {
	owner, rest, due, inferred, explicit := p.actionParts(text, it.sec.owner)
	rest = clean(rest)
	if !hasAlnum(rest) {
		if explicit || due != nil {
			// "Jordan:" or "by Friday" alone: someone or something is meant,
			// but there is no task to log.
			p.log.Unplaced = append(p.log.Unplaced, source(it.raw))
		}
		return
	}
	p.log.Items = append(p.log.Items, Item{Kind: Action, Text: rest, Owner: owner, Due: due, Source: source(it.raw), Inferred: inferred})
}

// actionParts reads an action: its due phrase, then an owner prefix ("me:",
// "Dana:", "@jordan", "I'll") or, failing that, an owner in its wording
// ("Dana will send…", "… (Priya)"); the owner is def if it names none.
func (p *parser) actionParts(text, def string) (owner, rest string, due *Date, inferred, explicit bool) {
	// The due phrase goes first, so that "send deck due: Dec 3" is not
	// taken for an owner "send deck due".
	due, text = cutDue(collapse(text), p.due)
	owner, rest, explicit = p.owner(text)
	if explicit {
		return owner, rest, due, false, true
	}
	if owner, rest, ok := p.ownerByWording(text); ok {
		return owner, rest, due, true, false
	}
	return def, text, due, false, false
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
	s = collapse(s)
	return strings.TrimRight(s, ".,;:! ")
}

// collapse makes every run of spaces in s one plain space and trims its
// ends, like joining its fields, without a copy when s is already so.
func collapse(s string) string {
	prevSpace := true
	for i, r := range s {
		space := unicode.IsSpace(r)
		if space && (prevSpace || r != ' ' || i == len(s)-1) {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = space
	}
	return s
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
