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

	// idsRe is a list of ids after a ticked box: "[x] #12", "[x] 12, 14".
	idsRe = regexp.MustCompile(`^\[?#?\d{1,9}\]?(?:(?: *, *| *& *| +and +| +)\[?#?\d{1,9}\]?)*$`)

	// Template leftovers that may survive when quoted text is kept: the open
	// items ("- [12] Send Dana the plan (you, 4 days overdue)"), the list's
	// title, the greeting and the instructions.
	openItemRe  = regexp.MustCompile(`^(?:[-*•–] *)?\[(\d{1,9})\] +(\S.*)$`)
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
	// "I'll", "I will", and "me" in the other languages ("moi:", "ich:").
	selfRe = regexp.MustCompile(`(?i)^(?:(?:me|i|moi|ich|yo|io|ik|eu) *:|@me\b *[:,]?|i['’]ll\b|i +will\b) *`)
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

// tickedIDs reads the ids after a ticked box: "[x] #12", "[x] 12, 14".
func tickedIDs(body string, out []int) ([]int, bool) {
	s := strings.TrimRight(body, ".,;:! ")
	if !idsRe.MatchString(s) {
		return out, false
	}
	for f := range strings.FieldsFuncSeq(s, func(r rune) bool { return r < '0' || r > '9' }) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out, len(out) > 0
}

// openItem reads a line of the follow-up's list of open items: "- [12]
// Send Dana the plan (you, 4 days overdue)". rest is what the user may
// have typed after it ("done"): the text after its last bracket, or all of
// it when it has none ("[12] done").
func openItem(t string) (id int, rest string, ok bool) {
	m := openItemRe.FindStringSubmatch(t)
	if m == nil {
		return 0, "", false
	}
	id, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, "", false
	}
	rest = m[2]
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	return id, strings.TrimLeft(rest, " -–—:"), true
}

// IsOpenItem reports a line of the follow-up's list of open items ("- [12]
// Send Dana the plan (you, 4 days overdue)"), for package reply, which keeps
// such a quoted line above a bare "Done" typed under it.
func IsOpenItem(line string) bool {
	_, _, ok := openItem(line)
	return ok
}

// openItemID is the id of an open item's line.
func openItemID(t string) (int, bool) {
	id, _, ok := openItem(t)
	return id, ok
}

// isLeftover reports a line of the follow-up template itself.
func isLeftover(t string) bool {
	if openItemRe.MatchString(t) || stillOpenRe.MatchString(t) {
		return true
	}
	// The instructions are long and rare: look for them only in a line
	// with one of their words.
	return (strings.Contains(t, "eadings") || strings.Contains(t, "resh")) && templateRe.MatchString(t)
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
			if _, heading := p.sectionFor(name, true); !heading {
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
	case meWords[f]:
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
		"ps", "nb", "due", "done", "applied", "reminder", "status":
		return true
	}
	return false
}

// names is a set of folded names: the boss's, or the other attendees'.
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

// newPeople builds the set of the other attendees' names from
// Options.People ("Priya Nair <priya@example.com>", "Sam", or
// "jordan.lee@example.com"): each full name, its first word, the name
// without spaces, and the address's local part with its dots as spaces
// ("jordan lee") and without ("jordan.lee"), and its first part ("jordan").
func newPeople(list []string) names {
	n := names{}
	addName := func(f string) {
		if len(f) < 2 || meWords[f] || notNames[f] || f == OwnerBoss {
			return
		}
		n[f] = true
	}
	for _, s := range list {
		name, addr := s, ""
		if i := strings.IndexByte(s, '<'); i >= 0 {
			name, addr = s[:i], strings.TrimSuffix(strings.TrimSpace(s[i+1:]), ">")
		} else if strings.Contains(s, "@") {
			name, addr = "", s
		}
		name = strings.Trim(strings.TrimSpace(name), `"'`)
		if last, first, ok := strings.Cut(name, ","); ok {
			// "Lee, Jordan".
			name = strings.TrimSpace(first) + " " + strings.TrimSpace(last)
		}
		if f := fold(name); f != "" {
			addName(f)
			addName(strings.ReplaceAll(f, " ", ""))
			if first, _, ok := strings.Cut(f, " "); ok {
				addName(first)
			}
		}
		if local, _, ok := strings.Cut(fold(addr), "@"); ok && local != "" {
			addName(local)
			spaced := strings.Join(strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' }), " ")
			addName(spaced)
			if first, _, ok := strings.Cut(spaced, " "); ok {
				addName(first)
			}
		}
	}
	return n
}
