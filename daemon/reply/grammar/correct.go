package grammar

import (
	"regexp"
	"slices"
	"strings"
)

// Words of the correction lines, folded.
var (
	undoWords = set("undo", "ruckgangig", "annuler", "annule", "deshacer", "deshaz", "annulla", "ongedaan",
		"desfazer", "desfaz", "revert")
	// undoAll after "undo" means the whole reply, like "undo" alone.
	undoAll = set("all", "everything", "it all", "alles", "tout", "todo", "tutto", "tudo", "this reply",
		"the reply", "all of it")
	// undoTail may follow the ids of an undo: "7 rückgängig machen".
	undoTail   = set("machen", "maken", "please", "bitte", "svp", "por favor", "per favore", "alstublieft", "pls")
	ownerWords = set("owner", "owners", "besitzer", "verantwortlich", "zustandig", "responsable",
		"responsabile", "eigenaar", "verantwoordelijke", "dono", "responsavel", "owned by", "assign",
		"assigned to", "assign to")
	// strongDue words always mean a due date; a date after a weak one
	// ("7 by Friday") makes a correction, anything else ordinary text.
	strongDue = set("due", "deadline", "falligkeit", "fallig", "frist", "termin", "echeance", "scadenza",
		"prazo", "vence", "vencimiento", "fecha", "datum", "date", "due date")
	weakDue = set("by", "bis", "pour", "avant", "para", "entro", "per", "uiterlijk", "voor", "ate", "until",
		"before")
	// noDue after an item's number removes its due date: "7 no due date".
	noDue = set("no due date", "no due", "no date", "no deadline", "remove due date", "remove the due date",
		"remove date", "without date", "without a date",
		"kein datum", "ohne datum", "kein termin", "keine frist", "ohne frist", "kein falligkeitsdatum",
		"pas de date", "sans date", "sans echeance", "pas d'echeance", "sin fecha", "sin plazo", "senza data",
		"senza scadenza", "geen datum", "geen deadline", "sem data", "sem prazo")
	// noneWords after a due word do too: "7 due none".
	noneWords = set("none", "no", "-", "never", "nothing", "keine", "keins", "nie", "aucune", "aucun", "jamais",
		"ninguna", "ninguno", "nunca", "nessuna", "nessuno", "mai", "geen", "nooit", "nenhuma", "nenhum")
	copulas = set("is", "=", "->", "→", "ist", "est", "es", "e", "should be", "sollte", "soll", "wird",
		"devrait", "deberia", "dovrebbe", "moet", "deve", "becomes", "as", "als", "comme", "como", "come", "sein",
		"etre", "ser", "essere", "zijn")
	articles = set("a", "an", "eine", "ein", "une", "un", "una", "uno", "un'", "een", "uma", "um")
	// kindWords name a kind beyond the headings: "7 is a point".
	kindWords = map[string]Kind{
		"point": Topic, "punto": Topic, "punt": Topic, "ponto": Topic, "gesprachspunkt": Topic,
		"talking point": Topic, "bespreekpunt": Topic, "argomento": Topic, "onderwerp": Topic,
		"sujet": Topic, "tema": Topic, "thema": Topic, "action item": Action, "to-do": Action,
		"todo": Action, "task": Action, "aufgabe": Action, "tache": Action, "tarea": Action,
		"compito": Action, "taak": Action, "tarefa": Action, "commentaire": Feedback, "comentario": Feedback,
		"commento": Feedback, "opmerking": Feedback,
	}
	// ownerNameRe is an owner's name in a correction: one to three words
	// of letters.
	ownerNameRe = regexp.MustCompile(`^\p{L}+(?:['’\-.]\p{L}+)*(?: +\p{L}+(?:['’\-.]\p{L}+)*){0,2}$`)
)

// corrStatus is what a line of a reply to a confirmation is.
type corrStatus int

const (
	notCorrection corrStatus = iota
	corrected
	badCorrection // a correction that cannot be read: "7 owner", "7 due someday"
)

// correction reads a line that fixes logged items: "7 owner Dana", "7 due
// Fri", "7 no due date", "7 is a decision", "undo 7", "undo", "7: new
// text". source is the line as typed.
func (p *parser) correction(body, source string) corrStatus {
	s := strings.TrimRight(body, " .!;")
	if s == "" || len(s) > 1000 {
		return notCorrection
	}
	ws := &p.ws
	ws.read(s)
	n := len(ws.w)
	if n == 0 {
		return notCorrection
	}
	add := func(c Correction) {
		c.Source = source
		p.log.Corrections = append(p.log.Corrections, c)
	}
	if last := ws.key(n - 1); n >= 2 && (undoWords[last] || last == "machen" || last == "maken") {
		// "alles rückgängig (machen)", "tout annuler".
		k := n - 1
		if !undoWords[last] {
			k--
		}
		if k > 0 && undoWords[ws.key(k)] && undoAll[ws.keys(0, k)] {
			add(Correction{Op: UndoReply})
			return corrected
		}
	}
	if undoWords[ws.key(0)] {
		k := 1
		if k < n && (ws.key(k) == "maken" || ws.key(k) == "machen") {
			k++
		}
		rest := ws.keys(k, n)
		switch {
		case rest == "" || undoAll[rest]:
			add(Correction{Op: UndoReply})
			return corrected
		}
		ids, end, st := readIDs(s, ws.w[k].start, p.ids[:0])
		p.ids = ids
		if st != closes || !p.tailOnly(ws, end, undoTail) || slices.Contains(ids, 0) {
			return notCorrection
		}
		for _, id := range ids {
			add(Correction{Op: Undo, ID: id})
		}
		return corrected
	}
	// Everything else starts with the item's number: "7 …", "#7 …".
	ids, end, st := readIDs(s, 0, p.ids[:0])
	p.ids = ids
	if st != closes || end >= len(s) {
		return notCorrection
	}
	if slices.Contains(ids, 0) {
		// Items are numbered from 1; 0 is no item.
		return notCorrection
	}
	if s[end] == ':' {
		// "7: new text".
		switch {
		case len(ids) != 1:
			return notCorrection
		case end+1 == len(s):
			// "7:" and no text.
			return badCorrection
		case s[end+1] != ' ':
			// "10:30 call with Jordan".
			return notCorrection
		}
		text := clean(s[end+1:])
		if !hasAlnum(text) {
			return badCorrection
		}
		add(Correction{Op: SetText, ID: ids[0], Text: text})
		return corrected
	}
	k := 0
	for k < n && ws.w[k].start < end {
		k++
	}
	if k == n || ws.w[k].start == ws.w[k-1].start {
		return notCorrection
	}
	one := func(c Correction) corrStatus {
		for _, id := range ids {
			c.ID = id
			add(c)
		}
		return corrected
	}
	rest := ws.keys(k, n)
	switch {
	case undoWords[ws.key(k)] && p.tailOnly(ws, ws.w[k].end, undoTail):
		return one(Correction{Op: Undo})
	case noDue[rest]:
		return one(Correction{Op: SetDue})
	}
	// "7 owner Dana", "7 owner: me", "7 owner is Dana".
	for w := 2; w >= 1; w-- {
		if k+w <= n && ownerWords[ws.keys(k, k+w)] {
			j := k + w
			for j < n && (copulas[ws.key(j)] || ws.key(j) == "to") {
				j++
			}
			owner, ok := p.correctionOwner(ws, j)
			if !ok {
				return badCorrection
			}
			return one(Correction{Op: SetOwner, Owner: owner})
		}
	}
	// "7 due Fri", "7 due: 15/12", "7 due none", "7 by Friday".
	for w := 2; w >= 1; w-- {
		if k+w > n {
			continue
		}
		dw := ws.keys(k, k+w)
		strong, weak := strongDue[dw], weakDue[dw]
		if !strong && !weak {
			continue
		}
		j := k + w
		for j < n && (ws.key(j) == "on" || ws.key(j) == "by" || ws.key(j) == "is") {
			j++
		}
		if rest := ws.keys(j, n); j < n && (noDue[rest] || noneWords[rest]) {
			return one(Correction{Op: SetDue})
		}
		if j < n {
			if d, ok := resolveDue(strings.Trim(ws.from(j), " :"), p.due); ok {
				return one(Correction{Op: SetDue, Due: &d})
			}
		}
		if strong {
			return badCorrection
		}
		return notCorrection
	}
	// "7 is a decision", "7 ist eine Aufgabe", "7 is mine", "7 is Dana's".
	j := k
	for c := 0; c < 2 && j < n; c++ {
		if w := ws.keys(j, min(j+2, n)); copulas[w] && j+2 <= n {
			j += 2
		} else if copulas[ws.key(j)] {
			j++
		} else {
			break
		}
	}
	copula := j > k
	if j < n && articles[ws.key(j)] {
		j++
	}
	if j == n {
		return notCorrection
	}
	what := ws.keys(j, n)
	if mine[what] {
		return one(Correction{Op: SetOwner, Owner: OwnerMe})
	}
	if kind, ok := p.kindWord(what); ok {
		return one(Correction{Op: SetKind, Kind: kind})
	}
	if !copula {
		return notCorrection
	}
	if j+1 < n && forWords[ws.key(j)] {
		// "7 is for Dana", "7 ist für Priya".
		if owner, ok := p.correctionOwner(ws, j+1); ok {
			return one(Correction{Op: SetOwner, Owner: owner})
		}
	}
	// "7 is Dana's".
	typed := ws.typed(j, n)
	for _, suffix := range [...]string{"'s", "’s"} {
		if name, ok := strings.CutSuffix(typed, suffix); ok && ownerNameRe.MatchString(name) {
			return one(Correction{Op: SetOwner, Owner: p.person(name, false)})
		}
	}
	return notCorrection
}

var (
	// mine after "7 is" makes the user the owner.
	mine = set("mine", "meins", "meine", "a moi", "mio", "mia", "mijn", "meu", "minha", "for me", "fur mich",
		"pour moi", "para mi", "per me", "voor mij")
	andWords = set("and", "und", "et", "y", "e", "en")
	forWords = set("for", "fur", "pour", "para", "per", "voor", "von", "de", "di", "van", "da", "do")
)

// tailOnly reports whether s after end holds nothing but words of tail.
func (p *parser) tailOnly(ws *words, end int, tail map[string]bool) bool {
	for i := range ws.w {
		if ws.w[i].start >= end && !tail[ws.key(i)] {
			return false
		}
	}
	return true
}

// correctionOwner reads the new owner from word j on: "me", "Dana", "Priya
// Nair", "@jordan".
func (p *parser) correctionOwner(ws *words, j int) (string, bool) {
	if j >= len(ws.w) {
		return "", false
	}
	typed := strings.TrimRight(strings.TrimSpace(ws.from(j)), ".!,;")
	if h, ok := strings.CutPrefix(typed, "@"); ok {
		h = strings.TrimRight(h, "._-")
		if h == "" || strings.ContainsAny(h, " @") {
			return "", false
		}
		return p.person(h, true), true
	}
	f := fold(typed)
	switch {
	case meWords[f]:
		return OwnerMe, true
	case !ownerNameRe.MatchString(typed):
		return "", false
	}
	for w := range strings.FieldsSeq(f) {
		if andWords[w] {
			// "Dana and Priya": an item has one owner.
			return "", false
		}
	}
	return p.person(typed, false), true
}

// kindWord reads the name of a kind: "decision", "action", "a note",
// "feedback", "talking point", "Entscheidung", "tâche".
func (p *parser) kindWord(what string) (Kind, bool) {
	if k, ok := kindWords[what]; ok {
		return k, true
	}
	e, ok := headings.lookup(compact(what), true)
	if !ok {
		return "", false
	}
	return kindOf(e.kind), true
}
