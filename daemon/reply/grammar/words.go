package grammar

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// word is one word of a sentence, as typed and as compared.
type word struct {
	start, end int // bytes of the word in the sentence, punctuation included
	ks, ke     int // bytes of its key in words.folded
	upper      bool
	colon      bool // typed with a colon after it: "decided:"
}

// words is a sentence cut into words. Keys are folded (lower case, no
// accents, plain apostrophes) and stripped of the punctuation around them;
// contractions are spelt out ("I'll" is "i will", "didn't" is "did not")
// and French and Italian elisions split ("j'envoie" is "j'" "envoie"), so
// that one phrase list serves every spelling. All keys live in one string,
// one space apart, so that a run of words is a substring: a name of several
// words is looked up without building it.
type words struct {
	s      string // the sentence as typed
	folded string
	w      []word
	buf    []byte
	tmp    []byte
	// who caches, word by word, what a person can start there (see
	// parser.personAt); 0 is not yet known.
	who []uint8
}

// maxWords bounds the words read of one sentence: the phrases the parser
// looks for are near its start, and a longer sentence is read by its first
// words only.
const maxWords = 200

// read cuts s into words, reusing the buffers of the last call.
func (ws *words) read(s string) {
	ws.s = s
	ws.w = ws.w[:0]
	ws.buf = ws.buf[:0]
	i := 0
	for i < len(s) && len(ws.w) < maxWords {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i == len(s) {
			break
		}
		j := strings.IndexByte(s[i:], ' ')
		if j < 0 {
			j = len(s)
		} else {
			j += i
		}
		if s[i:j] == ":" && len(ws.w) > 0 {
			// French spacing: "décidé :".
			ws.w[len(ws.w)-1].colon = true
		} else {
			ws.add(s, i, j)
		}
		i = j
	}
	ws.folded = string(ws.buf)
	ws.who = slices.Grow(ws.who, len(ws.w))[:len(ws.w)]
	clear(ws.who)
}

// add folds the word s[start:end] into one or two keys.
func (ws *words) add(s string, start, end int) {
	a, b := start, end
	for a < b {
		r, n := utf8.DecodeRuneInString(s[a:b])
		if !strings.ContainsRune("\"'([{«“‘¿¡*_", r) {
			break
		}
		a += n
	}
	colon := false
	for b > a {
		r, n := utf8.DecodeLastRuneInString(s[a:b])
		if !strings.ContainsRune(".,;:!?)]}\"'»”’*_…", r) {
			break
		}
		if r == ':' {
			colon = true
		}
		b -= n
	}
	upper := false
	if r, _ := utf8.DecodeRuneInString(s[a:b]); unicode.IsUpper(r) {
		upper = true
	}
	key := ws.tmp[:0]
	for _, r := range s[a:b] {
		if r = foldRune(r); r >= 0 {
			key = utf8.AppendRune(key, r)
		}
	}
	ws.tmp = key
	w := word{start: start, end: end, upper: upper, colon: colon}
	apo := bytes.LastIndexByte(key, '\'')
	if apo <= 0 || apo == len(key)-1 {
		ws.emit(w, key)
		return
	}
	// Contractions and elisions become two words, the second carrying the
	// colon.
	first, second, nt := key[:apo], "", false
	switch string(key[apo+1:]) {
	case "ll":
		second = "will"
	case "ve":
		second = "have"
	case "m":
		second = "am"
	case "re":
		second = "are"
	case "d":
		second = "would"
	case "t":
		if key[apo-1] == 'n' {
			// "didn't", "won't", "can't".
			first, second, nt = key[:apo-1], "not", true
			switch string(first) {
			case "wo":
				first = []byte("will")
			case "ca":
				first = []byte("can")
			}
		}
	}
	// Where the apostrophe is in the word as typed.
	raw := a + strings.LastIndexAny(s[a:b], "'’")
	if raw < a {
		ws.emit(w, key)
		return
	}
	_, rn := utf8.DecodeRuneInString(s[raw:])
	if second != "" {
		cut := raw
		if nt {
			cut-- // the "n" of "n't"
		}
		ws.emit(word{start: start, end: cut, upper: upper}, first)
		w.start, w.upper = raw, false
		ws.emit(w, []byte(second))
		return
	}
	if elisions[string(key[:apo])] && !isUpperAfterApostrophe(s[a:b]) {
		// "j'envoie", "l'opzione", "n'a", "qu'on": the first part keeps
		// its apostrophe.
		ws.emit(word{start: start, end: raw + rn, upper: upper}, key[:apo+1])
		w.start, w.upper = raw+rn, false
		ws.emit(w, key[apo+1:])
		return
	}
	ws.emit(w, key)
}

// emit appends a word and its key.
func (ws *words) emit(w word, key []byte) {
	if len(ws.buf) > 0 {
		ws.buf = append(ws.buf, ' ')
	}
	w.ks = len(ws.buf)
	ws.buf = append(ws.buf, key...)
	w.ke = len(ws.buf)
	ws.w = append(ws.w, w)
}

// elisions are the French and Italian words that drop their vowel before
// another: "j'envoie", "l'opzione".
var elisions = set("j", "l", "d", "s", "m", "t", "n", "c", "qu", "un", "dell", "dall", "nell", "sull", "all",
	"coll", "quell", "quest", "lorsqu", "puisqu", "jusqu")

// isUpperAfterApostrophe reports a name such as "O'Neil" or "D'Angelo",
// which is no elision.
func isUpperAfterApostrophe(s string) bool {
	i := strings.IndexAny(s, "'’")
	if i < 0 {
		return false
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	r, _ := utf8.DecodeRuneInString(s[i+n:])
	return unicode.IsUpper(r)
}

// key is the folded key of word i.
func (ws *words) key(i int) string {
	if i < 0 || i >= len(ws.w) {
		return ""
	}
	return ws.folded[ws.w[i].ks:ws.w[i].ke]
}

// keys is the folded keys of words i to j-1, one space apart.
func (ws *words) keys(i, j int) string {
	if i >= j || j > len(ws.w) {
		return ""
	}
	return ws.folded[ws.w[i].ks:ws.w[j-1].ke]
}

// from is the sentence as typed from word i on ("" past the end).
func (ws *words) from(i int) string {
	if i >= len(ws.w) {
		return ""
	}
	return ws.s[ws.w[i].start:]
}

// typed is words i to j-1 as typed, without the punctuation around them.
func (ws *words) typed(i, j int) string {
	s := strings.TrimSpace(ws.s[ws.w[i].start:ws.w[j-1].end])
	return strings.Trim(s, "\"'([{«“‘¿¡*_.,;:!?)]}»”’…")
}

// foldRune makes a rune comparable: lower case, the accents of the seven
// languages dropped, one apostrophe. It returns -1 for a rune to drop (an
// emoji's variation selector).
func foldRune(r rune) rune {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	r = unicode.ToLower(r)
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā':
		return 'a'
	case 'ç':
		return 'c'
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę':
		return 'e'
	case 'ì', 'í', 'î', 'ï':
		return 'i'
	case 'ñ':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø':
		return 'o'
	case 'ù', 'ú', 'û', 'ü':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case 'ß':
		return 's'
	case '’', '‘', 'ʼ', '´':
		return '\''
	case '\uFE0F', '\uFE0E':
		return -1
	}
	return r
}

// fold makes a name or heading comparable: folded runes, one space between
// words.
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if r = foldRune(r); r < 0 {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// span is a part of a string, by byte offsets.
type span struct{ a, b int }

// sentences cuts s into sentences, appending their spans to out: a
// sentence ends at ".", "!", "?" or "…" followed by a space, unless the
// word before is an abbreviation ("e.g.", "Dec.", "A.") or a number
// followed by a month or a number ("3. Dezember", "v1. 2").
func sentences(s string, out []span) []span {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		n := 1
		switch {
		case c == '.' || c == '!' || c == '?':
		case c == 0xE2 && strings.HasPrefix(s[i:], "…"):
			n = len("…")
		default:
			continue
		}
		// Take the whole run of marks: "?!", "...".
		j := i + n
		for j < len(s) && (s[j] == '.' || s[j] == '!' || s[j] == '?') {
			j++
		}
		if j >= len(s) || s[j] != ' ' {
			i = j - 1
			continue
		}
		if c == '.' && j == i+1 && !endsSentence(s[start:i], s[j:]) {
			i = j - 1
			continue
		}
		out = append(out, span{start, j})
		for j < len(s) && s[j] == ' ' {
			j++
		}
		start = j
		i = j - 1
	}
	if start < len(s) {
		out = append(out, span{start, len(s)})
	}
	return out
}

// endsSentence reports whether a full stop after before, with after
// following it, ends a sentence.
func endsSentence(before, after string) bool {
	w := before
	if i := strings.LastIndexByte(before, ' '); i >= 0 {
		w = before[i+1:]
	}
	w = strings.TrimLeft(w, "(\"'")
	if w == "" {
		return true
	}
	if strings.IndexByte(w, '.') >= 0 {
		// "e.g.", "U.S.", "z.B.".
		return false
	}
	if r, n := utf8.DecodeRuneInString(w); n == len(w) && unicode.IsLetter(r) {
		// An initial, "A. Smith", "Dana J. Reyes", at the start or after
		// a name; not "going with option B. Priya will…".
		prev := strings.TrimRight(before[:len(before)-len(w)], " ")
		if i := strings.LastIndexByte(prev, ' '); i >= 0 {
			prev = prev[i+1:]
		}
		first, _ := utf8.DecodeRuneInString(prev)
		if prev == "" || unicode.IsUpper(first) {
			return false
		}
	}
	if len(w) <= 8 {
		var b [8]byte
		for i := 0; i < len(w); i++ {
			b[i] = w[i] | 0x20 // ASCII lower case; other bytes match nothing
		}
		if abbreviations[string(b[:len(w)])] {
			return false
		}
	}
	if isDigits(w) {
		// "3. Dezember", "am 3. 12.": a German date, not an ending.
		next := strings.TrimLeft(after, " ")
		if next != "" && next[0] >= '0' && next[0] <= '9' {
			return false
		}
		if len(next) >= 3 && monthPrefixes[fold(firstRunes(next, 3))] {
			return false
		}
	}
	return true
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// abbreviations end with a full stop that ends no sentence.
var abbreviations = set(
	"eg", "ie", "etc", "vs", "approx", "ca", "cf", "incl", "excl", "min", "max", "mr", "mrs", "ms", "dr", "prof",
	"st", "no", "nr", "vol", "fig", "ref", "dept", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
	"sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
	"bzw", "usw", "ggf", "evtl", "inkl", "zb", "mo", "di", "mi", "do", "fr", "sa", "so", "okt", "dez", "mrz",
	"env", "p", "pp", "sr", "sra", "srta", "dott", "ecc", "sig", "dhr", "mevr", "blz", "sr", "av",
)

// monthPrefixes are the first three letters, folded, of the months of the
// seven languages.
var monthPrefixes = set(
	"jan", "feb", "fev", "mar", "mae", "apr", "avr", "abr", "mai", "may", "mag", "mei", "jun", "jui", "giu",
	"jul", "lug", "aug", "aou", "ago", "sep", "set", "okt", "oct", "ott", "out", "nov", "dez", "dec", "dic",
	"gen", "ene", "fév",
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
