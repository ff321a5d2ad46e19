package grammar

import (
	"strings"
	"unicode"
)

// A line written outside any heading is sorted by what it says: the
// phrases of phrases.go, in the seven languages, make it a decision, an
// action (the user's or someone else's), a talking point or feedback.
// Anything else is a note: the lists are short on purpose, since a note in
// the wrong place costs the user less than a decision that was never
// taken. Under an action heading, the same phrases name the owner.

// category is what a phrase makes of a sentence.
type category uint8

const (
	catDecision category = iota + 1
	catMine              // an action of the user's
	catTheirs            // an action of the person the phrase names
	catTopic
	catFeedback
)

// slotKind is what one position of a phrase accepts.
type slotKind uint8

const (
	slotWord   slotKind = iota // one of the words listed
	slotPerson                 // the boss or an attendee, by name (up to three words)
	slotName                   // a known person, or an unknown name typed with a capital
	slotWho                    // a known person or a pronoun ("she", "elle")
	slotAny                    // one to three words of any kind ("ask the whole team to")
	slotInf                    // a word that reads as an infinitive ("envoyer", "enviar")
)

type slot struct {
	kind  slotKind
	alts  map[string]bool
	colon bool // typed with a colon: "decided:"
	keep  bool // the item's text starts at this slot
}

type rule struct {
	cat   category
	slots []slot
	// verbFinal: a German or Dutch future whose verb ends the sentence
	// ("Dana wird das Budget schicken").
	verbFinal bool
	// german, english: "Dana will" is "Dana wants" when the sentence is
	// German, and "Dana will [do]" when it is not.
	german, english bool
	// notNext are words that may not follow the phrase: "I will be out" is
	// no action.
	notNext map[string]bool
	// lowerNext: the word after the phrase may not have a capital ("I'm
	// going to Berlin").
	lowerNext bool
}

// phrase compiles a phrase: words separated by spaces, alternatives by
// "|"; "{p}", "{n}", "{who}", "{any}", "{inf}" are the slots above; a
// leading "+" marks where the item's text starts (by default after the
// phrase) and a trailing ":" a word typed with a colon.
func phrase(c category, spec string, flags ...string) rule {
	r := rule{cat: c}
	for f := range strings.FieldsSeq(spec) {
		var s slot
		if rest, ok := strings.CutPrefix(f, "+"); ok {
			s.keep, f = true, rest
		}
		if rest, ok := strings.CutSuffix(f, ":"); ok && rest != "" {
			s.colon, f = true, rest
		}
		switch f {
		case "{p}":
			s.kind = slotPerson
		case "{n}":
			s.kind = slotName
		case "{who}":
			s.kind = slotWho
		case "{any}":
			s.kind = slotAny
		case "{inf}":
			s.kind = slotInf
		default:
			s.alts = map[string]bool{}
			for a := range strings.SplitSeq(f, "|") {
				if rest, ok := strings.CutSuffix(a, ":"); ok {
					s.colon, a = true, rest
				}
				s.alts[fold(strings.ReplaceAll(a, "_", " "))] = true
			}
		}
		r.slots = append(r.slots, s)
	}
	for _, f := range flags {
		switch f {
		case "verbFinal":
			r.verbFinal = true
		case "german":
			r.german = true
		case "english":
			r.english = true
		case "notWill":
			r.notNext = notAfterWill
		case "notTo":
			r.notNext, r.lowerNext = notAfterTo, true
		default:
			panic("grammar: phrase flag " + f)
		}
	}
	return r
}

// ruleSet indexes rules by the words their first slot accepts; rules that
// start with a person are kept apart.
type ruleSet struct {
	byFirst map[string][]int
	person  []int
	all     []rule
}

func compileRules(rs []rule) ruleSet {
	s := ruleSet{byFirst: map[string][]int{}, all: rs}
	for i, r := range rs {
		switch first := r.slots[0]; first.kind {
		case slotWord:
			for a := range first.alts {
				// A first slot of several words ("next time") is indexed
				// by its first word, once.
				w, _, _ := strings.Cut(a, " ")
				if l := s.byFirst[w]; len(l) == 0 || l[len(l)-1] != i {
					s.byFirst[w] = append(l, i)
				}
			}
		case slotPerson, slotName, slotWho:
			s.person = append(s.person, i)
		default:
			panic("grammar: a phrase starts with a person or a word")
		}
	}
	return s
}

// infinitive reports a word that reads as a French, Spanish, Italian or
// Portuguese infinitive: "envoyer", "enviar", "inviare", "fazer".
func infinitive(k string) bool {
	if len(k) < 3 {
		return false
	}
	for _, e := range [...]string{"er", "ir", "re", "ar", "or", "oir"} {
		if strings.HasSuffix(k, e) {
			return true
		}
	}
	return false
}

// verbFinal reports a German or Dutch sentence that ends with an
// infinitive: "… das Budget schicken", "… de deck sturen".
func verbFinal(ws *words) bool {
	k := ws.key(len(ws.w) - 1)
	switch k {
	case "sein", "werden", "haben", "zijn", "worden", "hebben":
		return false
	}
	return len(k) > 3 && (strings.HasSuffix(k, "en") || strings.HasSuffix(k, "ern") || strings.HasSuffix(k, "eln"))
}

func isGerman(ws *words, from int) bool {
	for i := from; i < len(ws.w) && i < from+6; i++ {
		if germanWords[ws.key(i)] {
			return true
		}
	}
	return false
}

// match is where a rule matched: the words [start, end), the person slot
// and the first kept word (-1: none).
type match struct {
	start, end     int
	person, perEnd int
	keep           int
}

// matchAt tries rule r at word i.
func (p *parser) matchAt(r *rule, ws *words, i int) (match, bool) {
	m := match{start: i, person: -1, keep: -1}
	end, ok := p.matchSlots(r.slots, ws, i, &m)
	if !ok {
		return m, false
	}
	m.end = end
	if r.notNext != nil && (end >= len(ws.w) || r.notNext[ws.key(end)]) {
		return m, false
	}
	if r.lowerNext && end < len(ws.w) && ws.w[end].upper {
		// "I'm going to Berlin": a word with a capital inside a sentence
		// is a name, not a task.
		return m, false
	}
	if m.person >= 0 && r.cat == catTheirs && !p.known(ws.keys(m.person, m.perEnd)) && notAfterUnknown[ws.key(end)] {
		// "Headcount will stay flat": an unknown name must be followed by
		// a task.
		return m, false
	}
	if r.verbFinal && !verbFinal(ws) {
		return m, false
	}
	if (r.german || r.english) && isGerman(ws, end) != r.german {
		return m, false
	}
	return m, true
}

// matchSlots matches slots from word i, returning the end.
func (p *parser) matchSlots(slots []slot, ws *words, i int, m *match) (int, bool) {
	if len(slots) == 0 {
		return i, true
	}
	s := &slots[0]
	try := func(n int) (int, bool) {
		if n == 0 || i+n > len(ws.w) || (s.colon && !ws.w[i+n-1].colon) {
			return 0, false
		}
		saved := *m
		if s.keep {
			m.keep = i
		}
		if s.kind == slotPerson || s.kind == slotName || s.kind == slotWho {
			m.person, m.perEnd = i, i+n
		}
		if !s.colon && n > 0 && ws.w[i+n-1].colon && len(slots) > 1 {
			// "Dana: will send" is a prefix, not this phrase.
			*m = saved
			return 0, false
		}
		end, ok := p.matchSlots(slots[1:], ws, i+n, m)
		if !ok {
			*m = saved
		}
		return end, ok
	}
	switch s.kind {
	case slotWord:
		// A slot's words may be several ("for the next 1:1"): try the
		// longest.
		for n := 4; n >= 1; n-- {
			if i+n <= len(ws.w) && s.alts[ws.keys(i, i+n)] {
				if end, ok := try(n); ok {
					return end, true
				}
			}
		}
	case slotPerson, slotName, slotWho:
		who := p.personAt(ws, i)
		for n := 3; n >= 1; n-- {
			ok := who&knownOf(n) != 0
			switch {
			case s.kind == slotWho && n == 1 && who&whoPronoun != 0:
				ok = true
			case s.kind == slotName && n == 1 && who&whoName1 != 0, s.kind == slotName && n == 2 && who&whoName2 != 0:
				ok = true
			}
			if ok {
				if end, ok := try(n); ok {
					return end, true
				}
			}
		}
	case slotAny:
		for n := 1; n <= 3; n++ {
			if end, ok := try(n); ok {
				return end, true
			}
		}
	case slotInf:
		if infinitive(ws.key(i)) {
			return try(1)
		}
	}
	return 0, false
}

// What a person can start at a word: a known name of one, two or three
// words, a pronoun, a name-like unknown word or two.
const (
	whoKnown1 uint8 = 1 << iota
	whoKnown2
	whoKnown3
	whoPronoun
	whoName1
	whoName2
	whoDone // computed
)

func knownOf(n int) uint8 { return whoKnown1 << (n - 1) }

// personAt tells what a person can start at word i, once per sentence and
// word: each rule that starts with a person asks.
func (p *parser) personAt(ws *words, i int) uint8 {
	if i >= len(ws.who) {
		return 0
	}
	if w := ws.who[i]; w != 0 {
		return w &^ whoDone
	}
	w := whoDone
	for n := 1; n <= 3 && i+n <= len(ws.w); n++ {
		if p.known(ws.keys(i, i+n)) {
			w |= knownOf(n)
		}
	}
	if pronouns[ws.key(i)] {
		w |= whoPronoun
	}
	if w&whoKnown1 == 0 && p.looksLikeName(ws, i, i+1) {
		w |= whoName1
		if i+2 <= len(ws.w) && w&whoKnown2 == 0 && p.looksLikeName(ws, i+1, i+2) {
			w |= whoName2
		}
	}
	ws.who[i] = w
	return w &^ whoDone
}

// known reports a known person's folded name.
func (p *parser) known(k string) bool {
	return p.boss[k] || p.people[k]
}

// looksLikeName reports unknown words that can be a person's name: typed
// with a capital, letters only, and not a pronoun or another common word
// that starts a sentence.
func (p *parser) looksLikeName(ws *words, i, j int) bool {
	for k := i; k < j; k++ {
		w := ws.w[k]
		key := ws.key(k)
		if !w.upper || notNames[key] || fillers[key] || w.colon {
			return false
		}
		for _, r := range key {
			if !unicode.IsLetter(r) && r != '-' {
				return false
			}
		}
	}
	return true
}

// guess is what a sentence outside any heading turns out to be.
type guess struct {
	kind  Kind
	owner string
	text  string // as typed, from where the item's text starts
	due   *Date
	// inferred: the kind or the owner came from the wording.
	inferred bool
}

// classify sorts one sentence written outside any heading. afterQ says
// the sentence before was a question ("Q: …"), so that "A: …" is its
// answer, not an action.
func (p *parser) classify(s string, afterQ bool) guess {
	note := guess{kind: Note, text: s}
	if k, rest, ok := shortPrefix(s); ok && !(k == kindActions && afterQ) {
		if k != kindActions {
			return guess{kind: kindOf(k), text: rest}
		}
		owner, task, due, inferred, _ := p.actionParts(rest, OwnerMe)
		return guess{kind: Action, owner: owner, text: task, due: due, inferred: inferred}
	}
	if isQuestion(s) {
		return note
	}
	ws := &p.ws
	ws.read(s)
	if len(ws.w) == 0 {
		return note
	}
	// Skip a filler or two ("ok so we agreed…") and emoji ("🚀 we agreed…").
	i := 0
	for n := 0; n < 3 && i < len(ws.w)-1 && (fillers[ws.key(i)] || !hasAlnum(ws.key(i))); n++ {
		i++
	}
	// Explicit owners: "me: …", "@priya …", "Dana: …" for a known person.
	if rest, ok := strings.CutPrefix(ws.from(i), "@"); ok {
		if owner, text, ok := p.owner("@" + rest); ok {
			g := p.actionGuess(text, owner)
			g.inferred = true
			return g.orNote(note)
		}
	}
	if ws.w[i].colon && meWords[ws.key(i)] {
		// "me: book the room", "moi : réserver la salle". A name with a
		// colon ("Dana: the numbers look off") may be someone speaking:
		// only under an action heading is it an owner.
		return p.actionGuess(ws.from(i+1), OwnerMe).orNote(note)
	}
	if r, m, ok := p.byRule(ws, i, false); ok {
		return p.fromMatch(r, ws, m).orNote(note)
	}
	if g, ok := p.topicByTime(ws, i); ok {
		return g.orNote(note)
	}
	if owner, text, ok := p.parenOwner(s); ok {
		g := p.actionGuess(text, owner)
		g.inferred = true
		return g.orNote(note)
	}
	return note
}

// orNote returns g, or note if g has no text left.
func (g guess) orNote(note guess) guess {
	if !hasAlnum(g.text) {
		return note
	}
	return g
}

// byRule tries the phrase rules at word i. With theirsOnly, only the
// rules that name another person's action count (an action section needs
// no other).
func (p *parser) byRule(ws *words, i int, theirsOnly bool) (*rule, match, bool) {
	cand := rules.byFirst[ws.key(i)]
	person := rules.person
	if p.personAt(ws, i) == 0 {
		person = nil
	}
	// Both lists are in rule order; merge them.
	a, b := 0, 0
	for a < len(cand) || b < len(person) {
		var idx int
		if b >= len(person) || (a < len(cand) && cand[a] < person[b]) {
			idx = cand[a]
			a++
		} else {
			idx = person[b]
			b++
		}
		r := &rules.all[idx]
		if theirsOnly && r.cat != catTheirs {
			continue
		}
		if m, ok := p.matchAt(r, ws, i); ok {
			return r, m, true
		}
	}
	return nil, match{}, false
}

// textFrom is the word where a matched rule's item text starts: the first
// kept word, or the first after the phrase (and, for a decision, a talking
// point or feedback, after a connector: "we agreed to ship" is "ship").
func textFrom(r *rule, ws *words, m match) int {
	if m.keep >= 0 {
		return m.keep
	}
	from := m.end
	if r.cat != catMine && r.cat != catTheirs {
		for n := 0; n < 2 && from < len(ws.w)-1 && connectors[ws.key(from)]; n++ {
			from++
		}
	}
	return from
}

// fromMatch builds the guess a matched rule makes.
func (p *parser) fromMatch(r *rule, ws *words, m match) guess {
	text := ws.from(textFrom(r, ws, m))
	// A label ("decision: …", "feedback: …") says the kind as plainly as a
	// heading: only a phrase is a guess.
	label := r.slots[0].colon
	g := guess{text: text, inferred: !label}
	switch r.cat {
	case catDecision:
		g.kind = Decision
	case catFeedback:
		g.kind = Feedback
	case catTopic:
		g.kind = Topic
		g.text = p.withoutTime(g.text)
	case catMine:
		if t, ok := p.topicText(text); ok {
			// "I'll raise the budget at the next 1:1" is a talking point.
			return guess{kind: Topic, text: t, inferred: true}
		}
		g = p.actionGuess(text, OwnerMe)
		g.inferred = !label
	case catTheirs:
		g = p.actionGuess(text, p.person(ws.typed(m.person, m.perEnd), false))
		g.inferred = true
	}
	return g
}

// actionGuess reads an action's text: its due phrase, and the owner.
func (p *parser) actionGuess(text, owner string) guess {
	due, rest := cutDue(collapse(text), p.due)
	return guess{kind: Action, owner: owner, text: rest, due: due}
}

// findTime finds a next-meeting phrase in words [from, len): the words it
// spans, with the prepositions before it.
func findTime(ws *words, from int) (int, int, bool) {
	for i := from; i < len(ws.w); i++ {
		for n := 3; n >= 2; n-- {
			if i+n <= len(ws.w) && nextMeeting[ws.keys(i, i+n)] {
				start := i
				for k := 0; k < 3 && start > from && timePreps[ws.key(start-1)]; k++ {
					start--
				}
				return start, i + n, true
			}
		}
	}
	return 0, 0, false
}

// topicByTime reads a talking point marked by when it is for: a topic verb
// and a next-meeting phrase ("raise the budget at the next 1:1").
func (p *parser) topicByTime(ws *words, i int) (guess, bool) {
	a, b, ok := findTime(ws, i)
	if !ok {
		return guess{}, false
	}
	last := len(ws.w) - 1
	if b == len(ws.w) && a > i {
		last = a - 1
	}
	if !topicVerbs[ws.key(i)] && !topicVerbs[ws.key(last)] {
		return guess{}, false
	}
	return guess{kind: Topic, text: without(ws, i, a, b), inferred: true}, true
}

// topicText reads the text of an action of the user's as a talking point
// if it is one: "raise the budget at the next 1:1".
func (p *parser) topicText(text string) (string, bool) {
	ws := &p.ws2
	ws.read(text)
	g, ok := p.topicByTime(ws, 0)
	return g.text, ok
}

// withoutTime drops the next-meeting phrase of a talking point: "ask about
// the budget next week" is "ask about the budget".
func (p *parser) withoutTime(text string) string {
	ws := &p.ws2
	ws.read(text)
	a, b, ok := findTime(ws, 0)
	if !ok {
		return text
	}
	return without(ws, 0, a, b)
}

// without is the sentence from word i on, less words [a, b).
func without(ws *words, i, a, b int) string {
	if i >= len(ws.w) {
		return ""
	}
	left := strings.TrimRight(ws.s[ws.w[i].start:ws.w[a].start], " ,")
	if a == i {
		left = ""
	}
	right := ""
	if b < len(ws.w) {
		right = strings.TrimLeft(ws.s[ws.w[b].start:], " ")
	}
	switch {
	case left == "":
		return right
	case right == "":
		return left
	}
	return left + " " + right
}

// parenOwner reads an owner in brackets at the end of a sentence: "send the
// budget (Dana)", "book the room (me)".
func (p *parser) parenOwner(s string) (owner, text string, ok bool) {
	t := strings.TrimRight(s, " .!;")
	if !strings.HasSuffix(t, ")") {
		return "", "", false
	}
	open := strings.LastIndexByte(t, '(')
	if open <= 0 || len(t)-open > 40 {
		return "", "", false
	}
	name := strings.TrimSpace(t[open+1 : len(t)-1])
	name = strings.TrimPrefix(name, "@")
	f := fold(name)
	switch {
	case meWords[f]:
		owner = OwnerMe
	case p.known(f), p.known(strings.ReplaceAll(f, ".", " ")):
		owner = p.person(name, false)
	default:
		return "", "", false
	}
	return owner, strings.TrimRight(t[:open], " -–,"), true
}

// ownerByWording reads the owner of an action under an action heading from
// its wording: "Dana will send the deck", "send the deck (Priya)".
func (p *parser) ownerByWording(text string) (owner, rest string, ok bool) {
	ws := &p.ws
	ws.read(text)
	if len(ws.w) == 0 {
		return "", "", false
	}
	if r, m, ok := p.byRule(ws, 0, true); ok {
		return p.person(ws.typed(m.person, m.perEnd), false), ws.from(textFrom(r, ws, m)), true
	}
	if owner, rest, ok := p.parenOwner(text); ok {
		return owner, rest, true
	}
	return "", "", false
}

func kindOf(k kind) Kind {
	switch k {
	case kindDecisions:
		return Decision
	case kindActions:
		return Action
	case kindFeedback:
		return Feedback
	case kindTopics:
		return Topic
	}
	return Note
}
