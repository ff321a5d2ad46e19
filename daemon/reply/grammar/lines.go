package grammar

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// numberedRe is a numbered or lettered list marker: "1.", "12)", "a)".
	// A letter with a dot is not one: "A. Smith will…" is a sentence.
	numberedRe = regexp.MustCompile(`^(?:\d{1,3}[.)]|[a-zA-Z]\))(?: +|$)`)
	// checkboxRe is a Markdown task box: "[ ]", "[x]", "[X]".
	checkboxRe = regexp.MustCompile(`^\[( ?|x|X)\](?: +|$)`)

	// Closing open items: "done 12", "Done: #12, 14", "closed #12",
	// "#12 and #14 done". ids is a list of numbers joined by commas, "&",
	// "and" or spaces; up to nine digits so that every id fits an int.
	idsPat     = `\[?#?\d{1,9}\]?(?:(?: *, *| *& *| +and +| +)\[?#?\d{1,9}\]?)*`
	idsRe      = regexp.MustCompile(`^` + idsPat + `$`)
	doneRe     = regexp.MustCompile(`(?i)^(?:done|closed) *[:\-–]? *(` + idsPat + `)$|^(` + idsPat + `) *[:\-–]? *(?:(?:is|are) +)?(?:done|closed)$`)
	bareDoneRe = regexp.MustCompile(`(?i)^(?:done|closed)[ :#\-–\d,&]*$`)

	// Template leftovers that may survive when quoted text is kept: the open
	// items ("- [12] Send Dana the plan (you, 4 days overdue)"), the list's
	// title, the greeting and the instructions.
	openItemRe  = regexp.MustCompile(`^(?:[-*•–] *)?\[\d+\] +\S`)
	stillOpenRe = regexp.MustCompile(`(?i)^still open with .*\(reply .*\) *:?$`)
	templateRe  = regexp.MustCompile(`(?i)write under the headings|note it down while it is fresh`)

	// closingRe is a sign-off: a closing word at the start of the line and,
	// after it, nothing or punctuation or a space. Longer phrases come first
	// so that "Thanks again" is taken whole.
	closingRe = regexp.MustCompile(`(?i)^(?:` +
		`thank you so much|thank you very much|thanks so much|thanks a lot|thanks again|thanks all|thanks everyone|` +
		`thank you|many thanks|thanks|thx|cheers|` +
		`best regards|kind regards|warm regards|best wishes|all the best|regards|best|` +
		`vielen dank|danke schön|danke|viele grüße|viele grüsse|beste grüße|liebe grüße|` +
		`merci beaucoup|merci|cordialement|saludos|gracias|grazie|groeten|obrigad[oa]|abraços|abraço` +
		`)([ ,!.].*)?$`)

	// selfRe is an owner prefix meaning the user: "me:", "I:", "@me",
	// "I'll", "I will".
	selfRe = regexp.MustCompile(`(?i)^(?:(?:me|i) *:|@me\b *[:,]?|i['’]ll\b|i +will\b) *`)
	// atRe is an @handle owner prefix: "@jordan", "@priya.nair:".
	atRe = regexp.MustCompile(`^@([\p{L}\p{N}_][\p{L}\p{N}._\-]*) *[:,]?(?: +|$)`)
	// nameRe is a "Name:" owner prefix: one to three words of letters (with
	// inner apostrophes or hyphens: "O'Neil", "Jean-Luc") and a colon that
	// is followed by a space, so "https://…" is no owner.
	nameRe = regexp.MustCompile(`^(\p{L}+(?:['’\-]\p{L}+)*(?: +\p{L}+(?:['’\-]\p{L}+)*){0,2}) *:(?: +|$)`)
)

// stripBullet removes one list marker and then one task box from the start
// of t, reporting whether the box was ticked.
func stripBullet(t string) (body string, checked bool) {
	body = t
	if r, n := utf8.DecodeRuneInString(body); strings.ContainsRune("-*•–—+◦▪·", r) {
		// "•" and "◦" never start a word; the others need a space after
		// them, so "**bold**" and "-5%" are not bullets.
		rest := body[n:]
		if rest == "" || rest[0] == ' ' || r == '•' || r == '◦' || r == '▪' {
			body = strings.TrimLeft(rest, " ")
		}
	} else if m := numberedRe.FindStringIndex(body); m != nil {
		body = body[m[1]:]
	}
	if m := checkboxRe.FindStringSubmatchIndex(body); m != nil {
		checked = m[3] > m[2] && body[m[2]] != ' '
		body = body[m[1]:]
	}
	return body, checked
}

// doneIDs reads a line that closes open items: "done 12", "done #12",
// "Done: 12, 14", "done 12 and 14", "closed #12", "#12 done", or a ticked
// box with ids only ("[x] #12").
func doneIDs(body string, checked bool) ([]int, bool) {
	s := strings.TrimRight(body, ".,;:! ")
	if s == "" || !strings.ContainsRune("dDcC#[0123456789", rune(s[0])) {
		// Most lines start with none of "done", "closed", "#12", "[12]", "12".
		return nil, false
	}
	var ids string
	if checked {
		if !idsRe.MatchString(s) {
			return nil, false
		}
		ids = s
	} else {
		m := doneRe.FindStringSubmatch(s)
		if m == nil {
			return nil, false
		}
		ids = m[1] + m[2]
	}
	var out []int
	for f := range strings.FieldsFuncSeq(ids, func(r rune) bool { return r < '0' || r > '9' }) {
		n, err := strconv.Atoi(f)
		if err == nil {
			out = append(out, n)
		}
	}
	return out, len(out) > 0
}

// isBareDone reports a closing that names no item it can read: "done",
// "Done.", "done #", "done 1234567890123".
func isBareDone(body string) bool {
	return bareDoneRe.MatchString(strings.TrimRight(body, ".,;:! "))
}

// isLeftover reports a line of the follow-up template itself.
func isLeftover(t string) bool {
	return openItemRe.MatchString(t) || stillOpenRe.MatchString(t) || templateRe.MatchString(t)
}

// isClosing reports a sign-off line such as "Thanks,", "Best, Sam" or
// "Viele Grüße": a closing phrase, then at most a name, in four words or
// fewer. "Thanks to Priya for the numbers" is a sentence, not a closing.
func isClosing(t string) bool {
	if wordCountOver(t, 4) {
		return false
	}
	m := closingRe.FindStringSubmatch(t)
	if m == nil {
		return false
	}
	rest := strings.TrimLeft(m[1], " ")
	afterPunct := false
	if r := strings.TrimLeft(rest, ",!."); r != rest {
		afterPunct = true
		rest = r
	}
	// What follows must look like a name: "Thanks, sam", "Cheers Dana!",
	// not "Thanks to Priya". Words without letters or digits (":)", "🙏")
	// are allowed anywhere.
	for w := range strings.FieldsSeq(rest) {
		w = strings.TrimRight(w, ",!.")
		if !hasAlnum(w) {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		if !afterPunct && !unicode.IsUpper(first) {
			return false
		}
		for _, r := range w {
			if !unicode.IsLetter(r) && r != '.' && r != '-' && r != '\'' && r != '’' {
				return false
			}
		}
	}
	return true
}

// wordCountOver reports whether s has more than n words, without looking
// further than the (n+1)th.
func wordCountOver(s string, n int) bool {
	words := 0
	for range strings.FieldsSeq(s) {
		words++
		if words > n {
			return true
		}
	}
	return false
}

// heading reads a heading line: "Decisions", "decisions:", "## Action
// items", "**Next time:**", "__Feedback__", and "Decisions: ship on March 3",
// whose text after the colon is the section's first item.
func (p *parser) heading(t string) (sec section, rest string, ok bool) {
	s := strings.TrimLeft(strings.TrimLeft(t, "#"), " ")
	s = unbold(s)
	name, rest, _ := strings.Cut(s, ":")
	sec, ok = p.sectionFor(fold(name))
	if !ok {
		return section{}, "", false
	}
	return sec, strings.TrimSpace(rest), true
}

// unbold removes the first pair of ** or __ around the start of s:
// "**Decisions:** ship" and "**Decisions**: ship" both become
// "Decisions: ship".
func unbold(s string) string {
	for _, m := range [...]string{"**", "__"} {
		if inner, ok := strings.CutPrefix(s, m); ok {
			if i := strings.Index(inner, m); i >= 0 {
				return strings.TrimSpace(inner[:i]) + inner[i+len(m):]
			}
		}
	}
	return s
}

// sectionFor maps a folded heading name to its section.
func (p *parser) sectionFor(name string) (section, bool) {
	switch name {
	case "decisions", "decided", "decision":
		return section{kind: kindDecisions}, true
	case "action items", "actions", "action", "to do", "todo", "to-do", "next steps",
		"my action items", "my actions", "mine":
		return section{kind: kindActions, owner: OwnerMe}, true
	case "feedback":
		return section{kind: kindFeedback}, true
	case "notes", "note":
		return section{kind: kindNotes}, true
	case "next time", "topics", "for next meeting", "for next time", "talking points", "agenda":
		return section{kind: kindTopics}, true
	}
	boss := section{kind: kindActions, owner: OwnerBoss}
	if who, ok := strings.CutPrefix(name, "for "); ok && p.boss[who] {
		return boss, true
	}
	for _, suffix := range [...]string{"'s action items", "'s actions", "' action items", "' actions", " action items", " actions"} {
		// "Dana's action items", "Dana Whitfield's actions", "Boss action
		// items", and "Chris' actions" for a name ending in s.
		if who, ok := strings.CutSuffix(name, suffix); ok && p.boss[who] {
			return boss, true
		}
	}
	return section{}, false
}

// owner reads an owner prefix at the start of an action: "me:", "I:", "I'll",
// "I will", "@me" mean the user; "Name:" or "@name" a person, the boss if the
// name is one of the boss's. It returns the text after the prefix.
func (p *parser) owner(s string) (owner, rest string, ok bool) {
	if m := selfRe.FindStringIndex(s); m != nil {
		return OwnerMe, s[m[1]:], true
	}
	if m := atRe.FindStringSubmatchIndex(s); m != nil {
		handle := strings.TrimRight(s[m[2]:m[3]], "._-")
		if handle != "" {
			return p.person(handle, true), s[m[1]:], true
		}
	}
	if m := nameRe.FindStringSubmatchIndex(s); m != nil {
		name := s[m[2]:m[3]]
		if f := fold(name); !notOwner(f) {
			if _, heading := p.sectionFor(f); !heading {
				return p.person(name, false), s[m[1]:], true
			}
		}
	}
	return "", s, false
}

// person maps a name as written to an owner.
func (p *parser) person(name string, handle bool) string {
	f := fold(name)
	if handle {
		// "@dana.whitfield" and "@dana_whitfield" are "dana whitfield".
		f = strings.Map(func(r rune) rune {
			if r == '.' || r == '_' || r == '-' {
				return ' '
			}
			return r
		}, f)
	}
	switch {
	case f == "me":
		return OwnerMe
	case p.boss[f], p.boss[strings.ReplaceAll(f, " ", "")]:
		return OwnerBoss
	}
	return name
}

// notOwner lists words that start a line with a colon without naming a
// person: "Note: the room is booked" stays an action's text.
func notOwner(f string) bool {
	switch f {
	case "note", "fyi", "re", "todo", "update", "idea", "question", "q", "a",
		"ps", "nb", "due", "done", "reminder", "status":
		return true
	}
	return false
}

// names is a set of folded names that mean the boss.
type names map[string]bool

// newNames builds the set from Options.BossNames: each name, its first word,
// the name without spaces (for "@danawhitfield"), and "boss".
func newNames(list []string) names {
	n := names{OwnerBoss: true}
	for _, s := range list {
		f := fold(s)
		if f == "" || f == OwnerMe {
			continue
		}
		n[f] = true
		n[strings.ReplaceAll(f, " ", "")] = true
		if first, _, ok := strings.Cut(f, " "); ok {
			n[first] = true
		}
	}
	return n
}

// fold makes a name or heading comparable: lower case, one space between
// words, a plain apostrophe.
func fold(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "’", "'")
	return strings.Join(strings.Fields(s), " ")
}
