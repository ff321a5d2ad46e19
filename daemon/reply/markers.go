package reply

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The functions below recognise the lines a mail client writes around the
// user's text. Each is called only on unquoted lines of at most
// maxMarkerLength bytes and starts with a cheap test that most lines fail,
// so that ordinary prose costs a byte comparison or two.

// maxAttributionLines is how many lines an attribution may be wrapped over:
// Gmail's text part wraps at 78 columns, which puts a long name and address
// on a second line, the "wrote:" on a third, or a lone ">:" on a fourth.
const maxAttributionLines = 4

// lazyWrapWidth is the width past which a client wraps a quoted line. A
// line of the user's right below a quoted line this long, and right above
// another quoted line, is the wrapped rest of the quoted one whose ">" the
// client did not repeat (Gmail on Android, older Outlook).
const lazyWrapWidth = 70

// foldLazyQuotes marks as quoted the unquoted lines that continue a wrapped
// quoted line: a single line between two quoted lines whose first word
// would not have fitted on the quoted line above.
func foldLazyQuotes(lines []line, b *budget) error {
	for i := 1; i+1 < len(lines); i++ {
		if err := b.tick(); err != nil {
			return err
		}
		prev, l, next := lines[i-1], lines[i], lines[i+1]
		if l.depth > 0 || prev.depth == 0 || next.depth == 0 || l.text == "" || prev.text == "" {
			continue
		}
		word, _, _ := strings.Cut(strings.TrimSpace(l.text), " ")
		if 2*prev.depth+len(prev.text)+1+len(word) > lazyWrapWidth {
			lines[i].depth = prev.depth
		}
	}
	return nil
}

// attributionMatch is an attribution found at a line.
type attributionMatch struct {
	n         int    // lines it spans, 0 if none
	keep      string // the user's text before it on its first line
	needQuote bool   // counts only when a quote follows (no colon, no verb)
}

// attribution reports whether the lines from i form an attribution line,
// possibly wrapped over up to maxAttributionLines lines, or end one that
// the user's text shares a line with ("Sounds good On Tue, … wrote:").
func attribution(lines []line, i int) attributionMatch {
	t := strings.TrimSpace(lines[i].text)
	if t == "" || len(t) > maxMarkerLength {
		return attributionMatch{}
	}
	if !hasOpener(t) {
		// Checked first: "Sounds good On Tue, … <dana@…> wrote:" is also
		// a "<someone> <address> wrote:" line as a whole.
		if keep, ok := sharedAttribution(t); ok {
			return attributionMatch{n: 1, keep: keep}
		}
	}
	if ok, nq := isAttribution(t); ok {
		return attributionMatch{n: 1, needQuote: nq}
	}
	if !startsLikeAttribution(t) {
		return attributionMatch{}
	}
	joined := t
	for k := 1; k < maxAttributionLines && i+k < len(lines); k++ {
		next := lines[i+k]
		nt := strings.TrimSpace(next.text)
		if next.depth > 0 {
			// The ">" that closes a wrapped "<address" is read as a
			// quote marker: "<dana@example.com" then ">:" or ">".
			if next.depth > 1 || strings.LastIndexByte(joined, '<') < strings.LastIndexByte(joined, '>') || len(nt) > 1 {
				break
			}
			nt = ">" + nt
		}
		if nt == "" || len(joined)+len(nt) >= maxMarkerLength {
			break
		}
		joined += " " + nt
		if ok, nq := isAttribution(joined); ok {
			return attributionMatch{n: k + 1, needQuote: nq}
		}
	}
	return attributionMatch{}
}

// startsLikeAttribution reports whether s can be the first line of a
// wrapped attribution: it names a date or an address early on, or starts
// like "On …". The user's last line above an attribution rarely does, and
// it must not be joined to it.
func startsLikeAttribution(s string) bool {
	if strings.ContainsAny(s, "@<") || hasOpener(s) {
		return true
	}
	head := s[:min(len(s), 40)]
	return strings.ContainsAny(head, "0123456789")
}

func hasOpener(s string) bool {
	for _, o := range attributionOpeners {
		if strings.HasPrefix(s, o) {
			return true
		}
	}
	return false
}

// isAttribution reports whether s (trimmed, possibly several lines joined
// by spaces) is an attribution line, and whether it counts only above a
// quote. The shapes, with the evidence each needs:
//
//   - "<opener> <date>, <someone> <verb>:" in any language, "<someone>
//     <address> <verb>:", "<date> <someone> <verb>:": a verb from
//     attributionVerbs at the end, and an address, a time, or an opener
//     and a digit, since a sentence of the user's rarely has both;
//   - Android's "---- Dana wrote ----" and Zoho's "---- On … wrote ----":
//     the dashes on both sides are evidence enough;
//   - Gmail's "2026-11-24 11:28 GMT+01:00 Dana <dana@…>:" and other "<date>
//     <someone> <address>:" forms without a verb: an address and a time or
//     a year, ending in ">:" or ")" and a colon;
//   - "Am <date> schrieb <someone>:" and its Dutch and Scandinavian kin,
//     with the verb before the name: a time or an address;
//   - Hungarian Gmail's "<someone> <address> ezt írta (időpont: …):" and the
//     "<someone> <address> schrieb am <date>:" family with the date last;
//   - Gmail's older "2011/4/7 Dana <dana@…>" without a colon: only above a
//     quote.
func isAttribution(s string) (ok, needQuote bool) {
	if len(s) < 8 || len(s) > maxMarkerLength {
		return false, false
	}
	lead := len(s)
	s = strings.TrimLeft(s, " -*_")
	lead -= len(s)
	core := strings.TrimRight(s, " *_")
	trail := len(core)
	core = strings.TrimRight(core, " -")
	dashed := lead >= 2 && trail-len(core) >= 2
	colon := false
	if c, ok := strings.CutSuffix(core, ":"); ok {
		core, colon = strings.TrimRight(c, " "), true
	} else if c, ok := strings.CutSuffix(core, "："); ok {
		core, colon = strings.TrimRight(c, " "), true
	}
	if core == "" {
		return false, false
	}
	last, _ := utf8.DecodeLastRuneInString(core)
	if !colon && !dashed && last != '>' && !(unicode.IsLetter(last) && hasOpener(core)) {
		return false, false // only "On … wrote" and "2011/4/7 Dana <…>" go without
	}
	at := strings.IndexByte(core, '@') >= 0
	clock := hasClock(core)
	opener := hasOpener(core)
	digit := strings.ContainsAny(core, "0123456789")

	lower := strings.ToLower(core)
	if verb := endingVerb(lower); verb != "" {
		evidence := at || clock || (opener && digit) || strings.Contains(lower, "пользователь")
		switch {
		case dashed:
			return true, false
		case colon && evidence:
			return true, false
		case colon:
			// "On Sun, leadup wrote:": no date or address to go by, so
			// only right above a quote.
			return opener, true
		default: // "On Wed, 14 Nov 2018 08:14:43 -0200 Dana <dana@…> wrote"
			return opener && (at || clock), false
		}
	}
	if !colon {
		// "2011/4/7 Dana <dana@example.com>" above a quote.
		first, _ := utf8.DecodeRuneInString(core)
		return at && last == '>' && unicode.IsDigit(first), true
	}
	if at && (strings.Contains(lower, " ezt írta (") || strings.Contains(lower, " wrote on ") ||
		strings.Contains(lower, " schrieb am ")) && digit {
		return true, false
	}
	if (at || clock) && digit && hasMidVerb(lower) {
		return true, false
	}
	return at && (last == '>' || last == ')' || last == ']') && (clock || hasYear(core)), false
}

// endingVerb returns the attribution verb s ends with, or "". A verb must
// follow a space or a non-letter, so that "rewrote" is not "wrote"; the
// Chinese and Japanese ones follow the date or name directly.
func endingVerb(s string) string {
	for _, v := range attributionVerbs {
		if !strings.HasSuffix(s, v) {
			continue
		}
		rest := s[:len(s)-len(v)]
		if rest == "" {
			continue
		}
		r, _ := utf8.DecodeLastRuneInString(rest)
		first, _ := utf8.DecodeRuneInString(v)
		if first >= 0x2E80 || !unicode.IsLetter(r) {
			return v
		}
	}
	return ""
}

// midVerbs are the verbs of attributions that name the writer after the
// verb: "Am 24.11.26 um 17:05 schrieb Dana:", "Op 12 dec. 2016 19:05
// schreef Dana <…>:", "Den 8. jun. 2015 kl. 21.21 skrev Dana <…>:".
// Apple Mail writes "Dana kirjoitti 24.11.2026 kello 17.05:" in Finnish
// and "Wiadomość napisana przez Dana <…> w dniu 24.11.2026, o godz.
// 17:05:" in Polish.
var midVerbs = []string{" schrieb ", " schreef ", " skrev ", " verzond ", " kirjoitti ", "napisana przez "}

func hasMidVerb(s string) bool {
	for _, v := range midVerbs {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

// hasClock reports a time of day in s: a digit, ":" or ".", two digits
// ("17:05", "17.50", "9:30").
func hasClock(s string) bool {
	for i := 1; i+2 < len(s); i++ {
		if (s[i] == ':' || s[i] == '.') && isDigit(s[i-1]) && isDigit(s[i+1]) && isDigit(s[i+2]) &&
			(i+3 == len(s) || !isDigit(s[i+3])) {
			return true
		}
	}
	return false
}

// hasYear reports a four-digit year from 1990 to 2099 in s.
func hasYear(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if (i > 0 && isDigit(s[i-1])) || (i+4 < len(s) && isDigit(s[i+4])) {
			continue
		}
		if (s[i] == '2' && s[i+1] == '0' || s[i] == '1' && s[i+1] == '9') && isDigit(s[i+2]) && isDigit(s[i+3]) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// sharedOpeners begin an attribution that a client appended to the last
// line of the user's text, as Gmail's text part does when the user typed
// no line break after their reply.
var sharedOpeners = []string{"On ", "Le ", "Am ", "El ", "Il ", "Op ", "Em ", "W dniu ", "Den ", "På "}

// sharedAttribution reports whether s ends with an attribution that follows
// the user's text on the same line, and returns that text.
func sharedAttribution(s string) (string, bool) {
	if !strings.HasSuffix(s, ":") || !strings.ContainsAny(s, "@0123456789") {
		return "", false
	}
	for _, o := range sharedOpeners {
		for from, n := 1, 0; from < len(s) && n < 8; n++ {
			j := strings.Index(s[from:], o)
			if j < 0 {
				break
			}
			p := from + j
			from = p + 1
			if c := s[p-1]; c != ' ' && c != '-' {
				continue
			}
			if ok, nq := isAttribution(s[p:]); ok && !nq {
				if keep := strings.TrimRight(s[:p], " -"); keep != "" && !nameLike(keep) {
					return keep, true
				}
			}
		}
	}
	return "", false
}

// nameLike reports text that may be the start of a name ("Tran Le Van
// <tran@…> wrote:") rather than a reply: no word in lower case and no
// closing punctuation.
func nameLike(s string) bool {
	if r, _ := utf8.DecodeLastRuneInString(s); strings.ContainsRune(".!?:;)", r) {
		return false
	}
	for _, w := range strings.Fields(s) {
		if strings.ToLower(w) == w && strings.ToUpper(w) != w {
			return false
		}
	}
	return true
}

// quoteFollows reports whether the first non-blank line from i is quoted.
func quoteFollows(lines []line, i int) bool {
	for ; i < len(lines); i++ {
		if lines[i].depth > 0 {
			return true
		}
		if strings.TrimSpace(lines[i].text) != "" {
			return false
		}
	}
	return false
}

// isOriginal reports the separator a client writes above an unquoted
// original or forward: dashes around a phrase from originalSeparators, in
// bold or not ("*-----Original Message-----*"), or a forward introduction
// such as Apple Mail's "Begin forwarded message:".
func isOriginal(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	s = strings.Trim(s, " *_")
	if s == "" {
		return false
	}
	if intro, ok := strings.CutSuffix(s, ":"); ok && s[0] != '-' {
		return forwardIntros[strings.ToLower(strings.TrimSpace(intro))]
	}
	if s[0] != '-' && s[len(s)-1] != '-' {
		return false
	}
	core := strings.Trim(s, "- ")
	if len(s)-len(core) < 2 {
		return false
	}
	return originalSeparators[strings.ToLower(core)]
}

// headerField reports the role of the header field s starts with, and its
// value: "From: Dana", "*Von:* Dana", "**De :** Dana", "差出人: Dana".
func headerField(s string) (fieldKind, string) {
	s = strings.TrimLeft(s, " \t*")
	end := min(len(s), 40)
	i := strings.IndexByte(s[:end], ':')
	w := 1
	if j := strings.Index(s[:end], "："); j >= 0 && (i < 0 || j < i) {
		i, w = j, len("：")
	}
	if i <= 0 {
		return 0, ""
	}
	name := strings.ToLower(strings.Trim(s[:i], " *\u00a0"))
	kind := headerFieldNames[name]
	if kind == 0 {
		return 0, ""
	}
	return kind, strings.Trim(s[i+w:], " *")
}

// headerBlock reports whether line i starts the header block Outlook,
// Yahoo, Hotmail and others write above an unquoted original, in any
// language and with its fields in any order: three fields in a row, or two
// when one is From with an address or Date or Sent with a date. A value
// may wrap onto one more line. A lone "From: Dana" or an invitation's
// "Date: … / Time: … / Address: …" is the user's.
func headerBlock(lines []line, i int) bool {
	t := strings.TrimSpace(lines[i].text)
	kind, value := headerField(t)
	if kind == 0 {
		return false
	}
	if inlineFields(t) >= 2 {
		return true // "Date: … From: … To: … Subject: …" on one line
	}
	fields, evidence, wrapped := 1, strongField(kind, value), 0
	for j := i + 1; j < len(lines) && j <= i+12; j++ {
		tt := strings.TrimSpace(lines[j].text)
		if lines[j].depth > 0 || tt == "" || len(tt) > maxMarkerLength {
			break
		}
		if k, v := headerField(tt); k != 0 {
			fields++
			evidence = evidence || strongField(k, v)
			wrapped = 0
			continue
		}
		if wrapped++; wrapped > 1 {
			break
		}
	}
	return fields >= 3 || fields == 2 && evidence
}

// strongField reports a field that only a header block has: From with an
// address, or a date field with a digit in its value.
func strongField(k fieldKind, v string) bool {
	switch k {
	case fieldFrom:
		return strings.ContainsAny(v, "@[")
	case fieldDate:
		return strings.ContainsAny(v, "0123456789")
	}
	return false
}

// inlineFields counts the English header fields after the first one on a
// line, as Outlook writes them when it flattens the block into one
// paragraph.
func inlineFields(s string) int {
	n := 0
	for _, f := range []string{" From: ", " To: ", " Subject: ", " Sent: ", " Date: ", " Cc: "} {
		if strings.Contains(s, f) {
			n++
		}
	}
	return n
}

// ruleAboveOriginal reports a rule of underscores that introduces an
// original the other tests do not recognise: Outlook's line of underscores
// directly above a field (in a language leadup does not know), or the
// mailing-list footer below a reply. A rule the user typed between two
// paragraphs of their own stays.
func ruleAboveOriginal(lines []line, i int) bool {
	t := strings.TrimSpace(lines[i].text)
	if len(t) < 2 || strings.Trim(t, "_") != "" {
		return false
	}
	for j, seen := i+1, 0; j < len(lines) && seen < 2; j++ {
		tt := strings.TrimSpace(lines[j].text)
		if tt == "" || lines[j].depth > 0 {
			continue
		}
		seen++
		if strings.Contains(strings.ToLower(tt), "mailing list") {
			return true
		}
		if seen == 1 && len(t) >= 20 {
			c := strings.IndexAny(tt, ":：")
			return c > 0 && c <= 32 && strings.IndexByte(tt[:c], '.') < 0
		}
	}
	return false
}

// isDeviceSignature reports a one-line signature a mobile client or webmail
// adds ("Sent from my iPhone", "Von meinem iPhone gesendet", "Get Outlook
// for iOS<https://aka.ms/o0ukef>"), by the rules in deviceSigRules.
func isDeviceSignature(s string) bool {
	if len(s) < 6 || len(s) > 120 {
		return false
	}
	link := false
	if i := strings.Index(s, "http"); i > 0 {
		s, link = s[:i], true
	}
	// "&lt;" is the "<" of a link in a text part made from escaped HTML.
	s = strings.TrimRight(strings.TrimSuffix(s, "&lt;"), " <([.!")
	if len(s) < 4 {
		return false
	}
	lower := strings.ToLower(s)
	for _, r := range deviceSigRules {
		if len(lower) <= len(r.prefix)+len(r.suffix) || !strings.HasPrefix(lower, r.prefix) || !strings.HasSuffix(lower, r.suffix) {
			continue
		}
		middle := strings.TrimSpace(lower[len(r.prefix) : len(lower)-len(r.suffix)])
		if middle == "" || strings.ContainsAny(middle, ",;:") || strings.Count(middle, " ") > 5 {
			continue
		}
		if r.needDevice && !link && !deviceWords[lastWord(middle)] {
			continue
		}
		return true
	}
	return false
}

// lastWord returns the last word of s without punctuation, skipping
// version numbers ("Mail for Windows 10" ends with "windows").
func lastWord(s string) string {
	f := strings.Fields(s)
	for k := len(f) - 1; k >= 0; k-- {
		w := strings.Trim(f[k], ".!?()<>\"'")
		if w != "" && strings.Trim(w, "0123456789.") != "" {
			return w
		}
	}
	return ""
}

// isClutter reports a line a client added that is not a signature: an
// image placeholder, a snip marker or the "ᐧ" of Gmail's read-tracking
// extensions.
func isClutter(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	switch s[0] {
	case '[', '<':
		return cidRe.MatchString(s) || snipRe.MatchString(s)
	}
	return s == "ᐧ"
}

// trimTrailingRules drops the rules and blank lines left at the end of the
// user's text when the original below them was cut: Outlook's underscores,
// a Markdown "---" above a header block, Yahoo's "====".
func trimTrailingRules(out []string) []string {
	for len(out) > 0 {
		t := strings.TrimSpace(out[len(out)-1])
		if t != "" && (len(t) < 2 || strings.Trim(t, "-_=*~+#—ᐧ ") != "") {
			break
		}
		out = out[:len(out)-1]
	}
	return out
}
