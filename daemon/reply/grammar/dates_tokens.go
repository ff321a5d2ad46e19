package grammar

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// dueTokKind is the kind of a token of an action's text.
type dueTokKind uint8

const (
	dtWord    dueTokKind = iota + 1 // letters, with inner apostrophes and hyphens: "d'ici", "sexta-feira"
	dtNum                           // up to four digits
	dtOrd                           // a day with an ordinal suffix: "3rd", "1er", "4º"
	dtNumDate                       // digits joined by "/", "." or "-": "15/12", "4.12.", "2026-12-15"
	dtTime                          // an hour with its unit: "3pm", "15h", "9h30"
	dtPunct                         // one other character
	dtOther                         // anything else: "Q3", "v2", "10x", a long number
)

// dueToken is a word, a number or a punctuation mark of the text, with its
// byte offsets.
type dueToken struct {
	start, end int
	kind       dueTokKind
	id         uint16 // dtWord: its number in the vocabulary, 0 if unknown
	punct      rune   // dtPunct
	// dtNum, dtOrd, dtTime: n[0] is the value. dtNumDate: n holds the parts,
	// nparts of them, the last one ylen digits long, separated by sep; dot
	// reports a trailing "." ("4.12.").
	n      [3]int
	nparts uint8
	ylen   uint8
	sep    byte
	dot    bool
}

func (t *dueToken) is(r rune) bool { return t.kind == dtPunct && t.punct == r }

// dueMaxWord is the longest folded word looked up in the vocabulary, in bytes.
const dueMaxWord = 40

// dueTokenize splits s into tokens, appending them to toks. It reads each byte
// a bounded number of times.
func dueTokenize(s string, toks []dueToken) []dueToken {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case isASCIIDigit(r) || isWordRune(r):
			var t dueToken
			t, i = dueAlnum(s, i)
			toks = append(toks, t)
		default:
			toks = append(toks, dueToken{start: i, end: i + size, kind: dtPunct, punct: r})
			i += size
		}
	}
	return toks
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
}

// dueAlnum reads the token of letters and digits that starts at s[i].
func dueAlnum(s string, i int) (dueToken, int) {
	start := i
	var letters, digits int
	lastDigit := false
	switches := 0 // changes between letters and digits: "3rd" has one
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isASCIIDigit(r):
			if letters > 0 && !lastDigit {
				switches++
			}
			digits++
			lastDigit = true
		case isWordRune(r):
			if digits > 0 && lastDigit {
				switches++
			}
			letters++
			lastDigit = false
		case (r == '\'' || r == '’' || r == '-') && letters > 0 && digits == 0 && !lastDigit:
			// An inner apostrophe or hyphen between letters: "d'ici",
			// "sexta-feira", "après-midi".
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			if !isWordRune(next) {
				return dueWord(s, start, i), i
			}
		default:
			if digits > 0 && letters == 0 {
				return dueNumber(s, start, i)
			}
			if digits == 0 {
				return dueWord(s, start, i), i
			}
			return dueMixed(s, start, i, switches), i
		}
		i += size
	}
	if letters == 0 {
		return dueNumber(s, start, i)
	}
	if digits == 0 {
		return dueWord(s, start, i), i
	}
	return dueMixed(s, start, i, switches), i
}

func dueWord(s string, start, end int) dueToken {
	t := dueToken{start: start, end: end, kind: dtWord}
	var buf [dueMaxWord + utf8.UTFMax]byte // room for one rune past the limit
	if b, ok := dueFoldInto(buf[:0], s[start:end], dueMaxWord); ok {
		t.id = dueTab.vocab[string(b)]
	}
	return t
}

// dueNumber reads a run of digits at s[start:i] and, if a "/", "." or "-"
// and more digits follow, the numeric date it starts.
func dueNumber(s string, start, i int) (dueToken, int) {
	t := dueToken{start: start, kind: dtNum}
	n, ok := dueSmall(s[start:i])
	t.n[0] = n
	t.nparts = 1
	t.ylen = uint8(min(i-start, 5))
	for i+1 < len(s) && strings.IndexByte("/.-", s[i]) >= 0 && isASCIIDigit(rune(s[i+1])) {
		if t.nparts > 1 && s[i] != t.sep || t.nparts == 3 {
			return dueOther(s, start, i), dueSkipOther(s, i)
		}
		t.sep = s[i]
		j := i + 1
		for j < len(s) && isASCIIDigit(rune(s[j])) {
			j++
		}
		v, okv := dueSmall(s[i+1 : j])
		ok = ok && okv
		t.n[t.nparts] = v
		t.nparts++
		t.ylen = uint8(min(j-i-1, 5))
		i = j
	}
	if i < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[i:]); isWordRune(r) {
			// "2.4b", "12/3x": not a date.
			return dueOther(s, start, i), dueSkipOther(s, i)
		}
	}
	if !ok {
		t.kind = dtOther
	} else if t.nparts > 1 {
		t.kind = dtNumDate
		if t.sep == '.' && i < len(s) && s[i] == '.' && (i+1 == len(s) || !isASCIIDigit(rune(s[i+1]))) {
			// "bis 4.12.": the German date ends with a dot.
			t.dot = true
			i++
		}
	}
	t.end = i
	return t, i
}

// dueSmall reads up to four digits; longer runs are no date.
func dueSmall(d string) (int, bool) {
	if len(d) == 0 || len(d) > 4 {
		return 0, false
	}
	n := 0
	for _, c := range []byte(d) {
		n = n*10 + int(c-'0')
	}
	return n, true
}

func dueOther(s string, start, end int) dueToken {
	return dueToken{start: start, end: dueSkipOther(s, end), kind: dtOther}
}

// dueSkipOther moves past the rest of an odd token: letters, digits and the
// characters that join numbers.
func dueSkipOther(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isASCIIDigit(r) && !isWordRune(r) && strings.IndexRune("/.-", r) < 0 {
			break
		}
		if r == '.' && (i+1 == len(s) || s[i+1] == ' ') {
			break // a full stop after "v2.4"
		}
		i += size
	}
	return i
}

// dueMixed classifies a token of digits and letters: an ordinal day ("3rd",
// "1er", "4º"), an hour ("3pm", "15h", "9h30") or something else ("Q3").
func dueMixed(s string, start, end, switches int) dueToken {
	t := dueToken{start: start, end: end, kind: dtOther}
	text := s[start:end]
	d := 0
	for d < len(text) && isASCIIDigit(rune(text[d])) {
		d++
	}
	if d == 0 || d > 2 {
		return t
	}
	n, _ := dueSmall(text[:d])
	var buf [dueMaxWord + utf8.UTFMax]byte // room for one rune past the limit
	suffix, ok := dueFoldInto(buf[:0], text[d:], dueMaxWord)
	if !ok {
		return t
	}
	switch {
	case switches == 1 && isOrdinalSuffix(string(suffix)):
		t.kind, t.n[0] = dtOrd, n
	case switches == 1 && isClockSuffix(string(suffix)):
		t.kind, t.n[0] = dtTime, n
	case switches == 2 && len(suffix) > 1 && suffix[0] == 'h' && dueDigitsOnly(suffix[1:]):
		t.kind, t.n[0] = dtTime, n // "9h30"
	}
	return t
}

func dueDigitsOnly(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// isOrdinalSuffix reports an ordinal suffix: English "st", "nd", "rd", "th",
// French "er", "re", "e", "eme", Spanish, Italian and Portuguese "º", "ª"
// and "o", "a", Dutch "e", "ste", "de".
func isOrdinalSuffix(suffix string) bool {
	switch suffix {
	case "st", "nd", "rd", "th", "er", "re", "e", "eme", "o", "a", "ste", "de", "º", "ª":
		return true
	}
	return false
}

func isClockSuffix(suffix string) bool {
	switch suffix {
	case "am", "pm", "h", "uhr":
		return true
	}
	return false
}

// dueFold writes s as the grammar compares words (foldRune): "Nächste"
// becomes "nachste", "’" "'".
func dueFold(s string) string {
	b, _ := dueFoldInto(nil, s, len(s)*2)
	return string(b)
}

// dueFoldInto appends the folded s to b; ok is false if the result would be
// longer than limit bytes. A combining accent is dropped like a composed
// one ("e\u0301" like "é").
func dueFoldInto(b []byte, s string, limit int) ([]byte, bool) {
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r = foldRune(r); {
		case r < 0:
			continue
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		default:
			b = utf8.AppendRune(b, r)
		}
		if len(b) > limit {
			return b, false
		}
	}
	return b, true
}
