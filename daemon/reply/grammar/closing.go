package grammar

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxRange bounds the ids one closing may name: "done 3-5" closes three
// items, "done 3-500" none (it is shown back to the user instead).
const maxRange = 50

// doneWords close open items, in the seven languages, folded.
var doneWords = set(
	"done", "closed", "close", "finished", "complete", "completed", "raised", "✅", "✔", "☑", "✓",
	"erledigt", "fertig", "abgeschlossen", "geschlossen",
	"fait", "faite", "termine", "terminee", "fini", "finie",
	"hecho", "terminado", "terminada", "cerrado", "cerrada", "completado",
	"fatto", "fatta", "finito", "finita", "completato", "chiuso", "chiusa",
	"klaar", "gedaan", "afgerond", "gesloten",
	"feito", "feita", "concluido", "concluida", "pronto", "fechado", "fechada",
)

// appliedWords say that feedback was acted on ("applied 4"), in the seven
// languages, folded: they close a feedback item the way doneWords close an
// action. Single words only, past participles, so that "we applied 2
// changes" stays text (followsIDs) and "apply 4" is no claim it was.
var appliedWords = set(
	"applied", "addressed", "actioned",
	"umgesetzt", "angewendet", "angewandt", "beherzigt", "beruecksichtigt", "berucksichtigt",
	"applique", "appliquee", "appliques", "appliquees",
	"aplicado", "aplicada", "aplicados", "aplicadas",
	"applicato", "applicata", "applicati", "applicate",
	"toegepast", "verwerkt", "opgevolgd",
)

// doneLinks may stand between the ids and the word that closes them:
// "#12 is done", "3 ist jetzt erledigt".
var doneLinks = set(
	"is", "are", "now", "also", "all", "has", "have", "been", "ist", "sind", "jetzt", "auch", "alle",
	"est", "sont", "es", "esta", "estan", "ya", "e", "sono", "gia", "tutti", "zijn", "nu", "ook", "estao",
	"agora", "todos",
)

// negations before a closing word undo it: "not done 3".
var negations = set("not", "nicht", "noch", "pas", "no", "non", "niet", "nao", "never", "nie", "nog")

// closeStatus is what a sentence says about closing items.
type closeStatus int

const (
	noClosing  closeStatus = iota
	closes                 // names the ids it closes
	badClosing             // looks like a closing but its ids cannot be read ("done 3-500")
)

// closingWord reports whether word key closes items, and whether it says
// feedback was applied rather than an item done.
func closingWord(key string) (ok, applied bool) {
	if appliedWords[key] {
		return true, true
	}
	return doneWords[key], false
}

// closing reads a sentence that closes open items: "done 12", "done #12",
// "Done: 12, 14", "done 3 and 5", "done 3-5", "closed #4", "finished 4",
// "✅ 2", "fait 4", "#12 done", "3 done", "12 erledigt", "#12 is done", also
// inside a longer sentence ("also, done 3 – sent it yesterday"); and the
// same with a word of appliedWords ("applied 4", "✅ applied 4", "4
// umgesetzt"), for which applied is true. The ids are appended to out. ws
// is scratch space.
func closing(s string, ws *words, out []int) (ids []int, st closeStatus, applied bool) {
	if !hasDigit(s) {
		return out, noClosing, false
	}
	ws.read(s)
	n := len(ws.w)
	// "done 12": a closing word, then the ids.
	for i := 0; i < n; i++ {
		ok, ap := closingWord(ws.key(i))
		if !ok || negations[ws.key(i-1)] {
			continue
		}
		ids, end, st := readIDs(s, skipDash(s, ws.w[i].end), out)
		if st != noClosing && followsIDs(s, end) {
			return ids, st, ap
		}
	}
	// "12 done": ids at the start of the sentence, or after a "#" anywhere,
	// then the closing word.
	for i := 0; i < n; i++ {
		start := ws.w[i].start
		if i > 0 && s[start] != '#' {
			continue
		}
		ids, end, st := readIDs(s, start, out)
		if st == noClosing {
			continue
		}
		j := i
		for j < n && ws.w[j].start < end {
			j++
		}
		if j == n || strings.Trim(s[end:ws.w[j].start], " :-–—") != "" {
			continue
		}
		for k := 0; k < 2 && j < n && doneLinks[ws.key(j)]; k++ {
			j++
		}
		if j == n {
			continue
		}
		if ok, ap := closingWord(ws.key(j)); ok && followsIDs(s, ws.w[j].end) {
			return ids, st, ap
		}
	}
	return out, noClosing, false
}

// skipDash skips spaces and one ":" or dash after a closing word: "done:
// 12", "done – 12".
func skipDash(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	for _, d := range [...]string{":", "-", "–", "—"} {
		if strings.HasPrefix(s[i:], d) {
			i += len(d)
			break
		}
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// readIDs reads a list of ids at s[i:]: "12", "#12", "[12]", "12, 14",
// "12 & 14", "12 and 14" (and "und", "et", "y", "e", "en"), "3-5", "3–5",
// "3..5". It returns the ids appended to out and where the list ends.
func readIDs(s string, i int, out []int) ([]int, int, closeStatus) {
	base := len(out)
	end := i
	for {
		a, j, ok := readID(s, i)
		if !ok {
			break
		}
		b := a
		if k, ok := rangeDash(s, j); ok {
			if c, j2, ok := readID(s, k); ok {
				if c < a || c-a >= maxRange {
					return out[:base], j2, badClosing
				}
				b, j = c, j2
			}
		}
		if len(out)-base+b-a+1 > maxRange {
			return out[:base], j, badClosing
		}
		for id := a; id <= b; id++ {
			out = append(out, id)
		}
		end = j
		// A separator, then another id, or the list ends here.
		k := j
		for k < len(s) && s[k] == ' ' {
			k++
		}
		switch {
		case k < len(s) && (s[k] == ',' || s[k] == '&' || s[k] == '+'):
			k++
		default:
			for _, w := range [...]string{"and ", "und ", "et ", "y ", "e ", "en "} {
				if k > j && len(s)-k > len(w) && strings.EqualFold(s[k:k+len(w)], w) {
					k += len(w)
					break
				}
			}
		}
		for k < len(s) && s[k] == ' ' {
			k++
		}
		i = k
	}
	if len(out) == base {
		return out, i, noClosing
	}
	return out, end, closes
}

// readID reads one id: up to nine digits (so that it fits an int), with a
// "#" before or brackets around. A longer number is no id.
func readID(s string, i int) (int, int, bool) {
	if i < len(s) && s[i] == '#' {
		i++
	}
	bracket := i < len(s) && s[i] == '['
	if bracket {
		i++
	}
	j := i
	n := 0
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		if j-i == 9 {
			return 0, i, false
		}
		n = n*10 + int(s[j]-'0')
		j++
	}
	if j == i {
		return 0, i, false
	}
	if bracket {
		if j >= len(s) || s[j] != ']' {
			return 0, i, false
		}
		j++
	}
	return n, j, true
}

// rangeDash reads the dash of a range after an id: "3-5", "3 – 5",
// "3..5". With spaces around it, a dash is a range only before a number.
func rangeDash(s string, j int) (int, bool) {
	k := j
	for k < len(s) && s[k] == ' ' {
		k++
	}
	for _, d := range [...]string{"..", "-", "–", "—"} {
		if strings.HasPrefix(s[k:], d) {
			k += len(d)
			for k < len(s) && s[k] == ' ' {
				k++
			}
			if k < len(s) && (s[k] == '#' || (s[k] >= '0' && s[k] <= '9')) {
				return k, true
			}
			return 0, false
		}
	}
	return 0, false
}

// followsIDs reports whether what comes after a closing's ids or word
// leaves it a closing: the end, or punctuation, a dash or an emoji; not a
// word ("finished 4 interviews"), a unit ("done 90%") or more of a number
// ("done 3.5", "done 3/12").
func followsIDs(s string, end int) bool {
	for end < len(s) && s[end] == ' ' {
		end++
	}
	if end >= len(s) {
		return true
	}
	r, n := utf8.DecodeRuneInString(s[end:])
	switch {
	case unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.Sc, r):
		return false
	case strings.ContainsRune("%/°'’", r):
		return false
	case strings.ContainsRune(".:,", r):
		next, _ := utf8.DecodeRuneInString(s[end+n:])
		return !unicode.IsDigit(next)
	}
	return true
}

// isBareDone reports a closing that names no item it can read: "done",
// "Done.", "done ✅", "erledigt", "✅", "done #", "done 1234567890123",
// "Applied", "✅ applied".
func isBareDone(s string) bool {
	ok, _ := bareClosing(s)
	return ok
}

// bareClosing is isBareDone, and whether the closing says feedback was
// applied ("Applied", "✅ applied", "umgesetzt").
func bareClosing(s string) (ok, applied bool) {
	if len(s) > 80 {
		return false, false
	}
	found := false
	words := 0
	for f := range strings.FieldsSeq(s) {
		words++
		if words > 4 {
			return false, false
		}
		k := fold(strings.Trim(f, ".,;:!?()"))
		switch {
		case appliedWords[k]:
			found, applied = true, true
		case doneWords[k]:
			found = true
		case words == 1:
			return false, false
		case strings.Trim(k, "#:-–,&0123456789") == "", !hasAlnum(k):
		default:
			return false, false
		}
	}
	return found, found && applied
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}
