package grammar

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The headings of each section, in the seven languages. A heading is
// compared by its compact key: folded, without spaces, hyphens or
// apostrophes, so "To-do", "to do" and "TODO" are one heading.
var (
	decisionHeadings = []string{
		"decisions", "decision", "outcomes", "outcome", "agreements", "what we decided",
		"entscheidungen", "entscheidung", "beschlüsse", "beschluss", "vereinbarungen", "ergebnisse",
		"décisions", "décision", "accords",
		"decisiones", "decisión", "acuerdos",
		"decisioni", "decisione", "accordi",
		"besluiten", "besluit", "beslissingen", "beslissing", "afspraken",
		"decisões", "decisão", "acordos",
	}
	// Headings that are also a one-word answer ("Agreed", "Decided")
	// count only with a colon or Markdown around them.
	decisionMarkedHeadings = []string{
		"decided", "agreed", "beschlossen", "entschieden", "vereinbart", "décidé", "decidido", "acordado",
		"deciso", "concordato", "besloten", "afgesproken", "combinado",
	}
	actionHeadings = []string{
		"action items", "action item", "actions", "action", "to do", "to dos", "todos", "next steps", "next step",
		"follow ups", "follow up", "followups", "tasks", "task", "ais",
		"aufgaben", "aufgabe", "nächste schritte", "maßnahmen", "massnahmen",
		"tâches", "tâche", "à faire", "a faire", "prochaines étapes", "suivi",
		"acciones", "acción", "tareas", "tarea", "pendientes", "próximos pasos",
		"azioni", "azione", "compiti", "compito", "attività", "da fare", "prossimi passi",
		"acties", "actie", "actiepunten", "actiepunt", "taken", "taak", "te doen", "volgende stappen",
		"ações", "ação", "tarefas", "tarefa", "pendências", "próximos passos",
	}
	mineHeadings = []string{"mine", "my action items", "my actions", "my tasks", "my todos"}
	// myWords start a heading of the user's own actions: "Meine Aufgaben",
	// "mes tâches".
	myWords          = set("my", "meine", "mes", "mis", "miei", "mie", "mijn", "minhas", "meus", "i miei", "le mie")
	feedbackHeadings = []string{
		"feedback", "feedbacks", "kudos",
		"rückmeldung", "rückmeldungen",
		"retour", "retours", "commentaires",
		"comentarios", "retroalimentación",
		"commenti", "riscontri", "riscontro",
		"terugkoppeling", "opmerkingen",
		"comentários", "retorno",
	}
	noteHeadings = []string{
		"notes", "note", "takeaways", "key takeaways", "misc",
		"notizen", "notiz", "anmerkungen", "sonstiges",
		"remarques", "divers",
		"notas", "nota", "apuntes",
		"appunti", "varie",
		"notities", "notitie", "aantekeningen",
		"observações",
	}
	topicHeadings = []string{
		"next time", "topics", "topic", "for next meeting", "for next time", "talking points", "talking point",
		"agenda", "to discuss", "to raise", "open questions", "questions",
		"nächstes mal", "fürs nächste mal", "beim nächsten mal", "themen", "tagesordnung", "zu besprechen",
		"offene fragen",
		"prochaine fois", "la prochaine fois", "pour la prochaine fois", "sujets", "points à aborder",
		"à aborder", "ordre du jour", "questions ouvertes",
		"próxima vez", "la próxima vez", "para la próxima", "para la próxima vez", "temas", "puntos a tratar",
		"orden del día", "preguntas",
		"prossima volta", "la prossima volta", "per la prossima volta", "argomenti", "punti da discutere",
		"ordine del giorno", "domande",
		"volgende keer", "de volgende keer", "onderwerpen", "bespreekpunten", "te bespreken", "vragen",
		"da próxima vez", "na próxima vez", "para a próxima", "pauta", "pontos a discutir", "perguntas",
	}
)

// headingEntry is one known heading.
type headingEntry struct {
	key    string
	kind   kind
	mine   bool // an action heading that names the user
	marked bool // counts only with a colon or Markdown
}

// headingIndex holds the known headings by compact key, and by first byte
// for the near matches that forgive a typo.
type headingIndex struct {
	exact map[string]headingEntry
	first map[byte][]headingEntry
}

var headings = newHeadingIndex()

func newHeadingIndex() headingIndex {
	h := headingIndex{exact: map[string]headingEntry{}, first: map[byte][]headingEntry{}}
	add := func(list []string, k kind, mine, marked bool) {
		for _, s := range list {
			e := headingEntry{key: compact(s), kind: k, mine: mine, marked: marked}
			if _, dup := h.exact[e.key]; dup {
				continue
			}
			h.exact[e.key] = e
			h.first[e.key[0]] = append(h.first[e.key[0]], e)
		}
	}
	add(decisionHeadings, kindDecisions, false, false)
	add(decisionMarkedHeadings, kindDecisions, false, true)
	add(actionHeadings, kindActions, false, false)
	add(mineHeadings, kindActions, true, false)
	add(feedbackHeadings, kindFeedback, false, false)
	add(noteHeadings, kindNotes, false, false)
	add(topicHeadings, kindTopics, false, false)
	return h
}

// compact is the key of a heading: folded, letters and digits only.
func compact(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r = foldRune(r); r >= 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lookup finds a heading by its compact key, forgiving one typo in a key of
// six letters or more and two in one of ten or more ("Decsions", "Acton
// items"), as long as the first letter is right: shorter words are too
// close to others ("Teams" is not "Temas").
func (h headingIndex) lookup(key string, marked bool) (headingEntry, bool) {
	if e, ok := h.exact[key]; ok {
		return e, marked || !e.marked
	}
	n := len(key)
	if n < 6 || n > 32 {
		return headingEntry{}, false
	}
	limit := 1
	if n >= 10 {
		limit = 2
	}
	best, found, bestD := headingEntry{}, false, limit+1
	for _, e := range h.first[key[0]] {
		if len(e.key) < 6 || abs(len(e.key)-n) > limit || (e.marked && !marked) {
			continue
		}
		if d := distance(key, e.key, limit); d < bestD {
			best, found, bestD = e, true, d
		}
	}
	return best, found
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// distance is the optimal string alignment distance of a and b (each edit
// an insertion, a deletion, a substitution or a swap of neighbours), or
// limit+1 if it is more than limit. Keys are at most 32 bytes.
func distance(a, b string, limit int) int {
	if len(a) > 32 || len(b) > 32 {
		return limit + 1
	}
	var rows [3][33]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			low = min(low, d)
		}
		if low > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}

// heading reads a heading line: "Decisions", "decisions:", "## Action
// items", "**Next time:**", "__Feedback__", "Entscheidungen", "Acton items",
// and "Decisions: ship on March 3", whose text after the colon is the
// section's first item.
func (p *parser) heading(t string) (sec section, rest string, ok bool) {
	s := strings.TrimLeft(t, "#")
	marked := len(s) < len(t)
	s = strings.TrimLeft(s, " ")
	if u := unbold(s); u != s {
		s, marked = u, true
	}
	name, rest, colon := strings.Cut(s, ":")
	if colon {
		marked = true
	}
	if wordCountOver(name, 4) || len(name) > 64 {
		return section{}, "", false
	}
	sec, ok = p.sectionFor(name, marked)
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

// sectionFor maps a heading name as typed to its section. marked says the
// heading had a colon or Markdown around it.
func (p *parser) sectionFor(name string, marked bool) (section, bool) {
	if !headingShaped(name) {
		return section{}, false
	}
	if e, ok := headings.lookup(compact(name), marked); ok {
		if e.kind == kindActions {
			return section{kind: kindActions, owner: OwnerMe}, true
		}
		return section{kind: e.kind}, true
	}
	f := fold(name)
	// "My tasks", "Meine Aufgaben", "i miei compiti".
	for _, n := range [...]int{2, 1} {
		if first, rest, ok := cutWords(f, n); ok && myWords[first] {
			if e, ok := headings.lookup(compact(rest), true); ok && e.kind == kindActions {
				return section{kind: kindActions, owner: OwnerMe}, true
			}
		}
	}
	if owner, ok := p.personHeading(f, name); ok {
		return section{kind: kindActions, owner: owner}, true
	}
	return section{}, false
}

// headingShaped reports a name that can be a heading: letters, digits,
// spaces and a little punctuation, starting with a letter ("- Notes:" is
// an item).
func headingShaped(name string) bool {
	if r, _ := utf8.DecodeRuneInString(name); !unicode.IsLetter(r) {
		return false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" -'’&/", r) {
			return false
		}
	}
	return true
}

// personHeading reads a heading of someone else's actions: "For Dana",
// "Dana's action items", "Dana Whitfield's actions", "Chris' actions",
// "Boss action items", "Für Dana", "Danas Aufgaben", "Aufgaben von Dana",
// "Tâches de Dana", "Tareas para Dana", "Compiti di Dana", "Acties van
// Dana", "Tarefas da Dana". The name must be the boss's or an attendee's.
func (p *parser) personHeading(f, typed string) (string, bool) {
	words := strings.Fields(f)
	if len(words) < 2 {
		return "", false
	}
	typedWords := strings.Fields(typed)
	who := func(i, j int) (string, bool) {
		if len(typedWords) != len(words) {
			return "", false
		}
		name := strings.Join(words[i:j], " ")
		if p.boss[name] {
			return OwnerBoss, true
		}
		if p.people[name] {
			return strings.Join(typedWords[i:j], " "), true
		}
		return "", false
	}
	isActions := func(ws []string) bool {
		e, ok := headings.lookup(compact(strings.Join(ws, " ")), true)
		return ok && e.kind == kindActions
	}
	switch words[0] {
	case "for", "fur", "pour", "para", "per", "voor":
		if o, ok := who(1, len(words)); ok {
			return o, true
		}
	}
	for split := 1; split < len(words); split++ {
		// "Aufgaben von Dana", "tâches de Dana", "acties voor Priya".
		switch words[split] {
		case "von", "fur", "de", "du", "pour", "para", "di", "per", "van", "voor", "da", "do", "of", "for":
			if isActions(words[:split]) {
				if o, ok := who(split+1, len(words)); ok {
					return o, true
				}
			}
		}
	}
	for split := 1; split < len(words); split++ {
		// "Dana's actions", "Chris' actions", "Danas Aufgaben", "Boss
		// action items".
		if !isActions(words[split:]) {
			continue
		}
		last := words[split-1]
		for _, suffix := range [...]string{"'s", "'", "s", ""} {
			base, ok := strings.CutSuffix(last, suffix)
			if !ok || base == "" {
				continue
			}
			name := strings.Join(append(words[:split-1:split-1], base), " ")
			if p.boss[name] {
				return OwnerBoss, true
			}
			if p.people[name] {
				t := strings.Join(typedWords[:split], " ")
				return strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(t, "'s"), "’s"), "'’"), true
			}
		}
	}
	return "", false
}

// cutWords cuts the first n words of a folded string from the rest.
func cutWords(f string, n int) (first, rest string, ok bool) {
	i := 0
	for range n {
		j := strings.IndexByte(f[i:], ' ')
		if j < 0 {
			return "", "", false
		}
		i += j + 1
	}
	return f[:i-1], f[i:], true
}

// shortPrefix reads the one-letter prefixes typed on phones: "d: ship it"
// (a decision), "a:" (an action), "f:" (feedback), "t:" (a talking point),
// "n:" (a note).
func shortPrefix(s string) (k kind, rest string, ok bool) {
	if len(s) < 2 || s[1] != ':' || (len(s) > 2 && s[2] != ' ') {
		return 0, "", false
	}
	switch s[0] | 0x20 {
	case 'd':
		k = kindDecisions
	case 'a':
		k = kindActions
	case 'f':
		k = kindFeedback
	case 't':
		k = kindTopics
	case 'n':
		k = kindNotes
	default:
		return 0, "", false
	}
	return k, strings.TrimLeft(s[2:], " "), true
}

// isQuestion reports a "Q:" line, after which "A:" is an answer, not an
// action.
func isQuestion(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	return (r == 'q' || r == 'Q') && strings.HasPrefix(s[n:], ":")
}
