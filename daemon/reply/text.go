package reply

import (
	"regexp"
	"strings"
	"unicode"
)

// The patterns below are tested only on unquoted lines of at most
// maxMarkerLength bytes, so a hostile 5 MB line costs one length check.
var (
	// attributionRe matches the line a client writes above the quote, in
	// one line or two joined by a space (Gmail's text part wraps it at 78
	// columns). A digit or an "@" is required, since every client puts a
	// date or an address in it and a sentence of the user's rarely ends
	// with "wrote:" as well.
	attributionRe = regexp.MustCompile(`(?i)^(?:` +
		`on\s.*\swrote` + // en: On Tue, 24 Nov 2026 at 17:05, leadup <…> wrote:
		`|am\s.*\sschrieb\s.*` + // de: Am Di., 24. Nov. 2026 um 17:05 Uhr schrieb leadup <…>:
		`|le\s.*\sa\s+(?:é|e)crit` + // fr: Le mar. 24 nov. 2026 à 17:05, leadup <…> a écrit :
		`|el\s.*\sescribi(?:ó|o)` + // es: El mar, 24 nov 2026 a las 17:05, leadup (<…>) escribió:
		`|il\s.*\sha\s+scritto` + // it: Il giorno mar 24 nov 2026 alle ore 17:05 leadup <…> ha scritto:
		`|op\s.*\s(?:schreef\s.*|het\s+volgende\s+geschreven)` + // nl: Op di 24 nov 2026 om 17:05 schreef leadup <…>:
		`|(?:em|no\s+dia)\s.*\sescreveu` + // pt: Em ter., 24 de nov. de 2026 às 17:05, leadup <…> escreveu:
		`|.*\s(?:пишет|написал|написала|написал\(а\))` + // ru (Thunderbird, Gmail)
		`|.*(?:のメール|さんは書きました|は書きました)` + // ja (Apple Mail, Thunderbird)
		`)\s*[:：]$`)

	// originalRe is the separator above a quoted original that clients
	// do not prefix with ">": Outlook's, localized, and forwards.
	originalRe = regexp.MustCompile(`(?i)^(?:` +
		`-{2,}\s*(?:original message|ursprüngliche nachricht|original-nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|mensagem original|исходное сообщение)\s*-{2,}` +
		`|-{2,}\s*(?:forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht|mensagem encaminhada|пересылаемое сообщение)\s*-{2,}` +
		`|(?:begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié|début du message transféré|inicio del mensaje reenviado|inizio messaggio inoltrato|begin doorgestuurd bericht|início da mensagem reencaminhada|início da mensagem encaminhada)\s*:` +
		`|_{20,}` +
		`)$`)

	// fromFieldRe and headerFieldRe match the lines of the header block
	// Outlook writes above the original ("From: … Sent: … To: …
	// Subject: …") in the languages leadup supports, bold ("*From:*") when
	// a client turned the HTML into text.
	fromFieldRe   = regexp.MustCompile(`(?i)^\*?(?:from|von|de|da|van|от)\s?\*?\s?:\*?\s*\S`)
	headerFieldRe = regexp.MustCompile(`(?i)^\*?(?:sent|date|to|cc|subject|` +
		`gesendet|datum|an|betreff|` +
		`envoyé|à|objet|` +
		`enviado|enviada|fecha|para|asunto|assunto|data|` +
		`inviato|a|oggetto|` +
		`verzonden|aan|onderwerp|` +
		`отправлено|кому|тема|копия|дата)\s?\*?\s?:`)

	// deviceSigRe matches the one-line signatures mobile clients and
	// webmails add.
	deviceSigRe = regexp.MustCompile(`(?i)^(?:` +
		`sent from my \S+(?: \S+){0,3}` +
		`|sent from (?:outlook|mail|yahoo mail|aol mail|proton mail|protonmail|gmail|samsung mobile)(?: (?:for|on) \S+(?: \S+)?)?` +
		`|sent via (?:superhuman|bluemail|spark|blackberry\S*|the samsung \S+(?: \S+){0,4})` +
		`|get outlook for (?:ios|android|mac|windows)` +
		`|(?:ottieni|télécharger|obtener|obter o|obter) outlook (?:per|pour|para) (?:ios|android)` +
		`|outlook (?:für|voor) (?:ios|android) (?:herunterladen|downloaden)` +
		`|sent with proton ?mail secure email` +
		`|(?:von|gesendet von|gesendet mit) meinem ` + device + `(?: gesendet)?` +
		`|envoyé (?:de|depuis) mon ` + device +
		`|enviado (?:desde|de) mi ` + device +
		`|inviato da(?: il mio)? ` + device +
		`|verzonden (?:vanaf|met|van) mijn ` + device +
		`|enviado (?:do|de|a partir do) meu ` + device +
		`|отправлено с (?:моего )?` + device +
		`)[.!]?(?:\s*<[^>]*>)?$`)
)

// cidRe matches the placeholder Outlook writes in the text part for an
// inline image ("[cid:image001.png@01DB3E4F.6A2B8C10]").
var cidRe = regexp.MustCompile(`^\[cid:[^\]]*\]$`)

// snipRe matches the marker a user leaves where they cut the quote.
var snipRe = regexp.MustCompile(`(?i)^(?:\[\s*(?:\.\.\.|…|snip|snipped)\s*\]|<\s*snip\s*>)$`)

// device names the one-line signatures of non-English clients end with.
const device = `(?:iphone|ipad|ipod|android|smartphone|mobile|handy|tablet|telefono|telefoon|téléphone|celular|móvil|` +
	`(?:samsung|galaxy|pixel|huawei|xiaomi)(?: \S+){0,3}|айфона)`

// A classified line of the reply.
type line struct {
	text  string // without quote markers when depth > 0
	depth int    // quote depth: the number of ">" at its start
}

// userText keeps what the user wrote in text: it drops quoted lines, the
// attribution above them, Outlook's unquoted originals and forwards,
// signatures after "-- " and one-line device signatures, and, when the user
// answered inline, puts back the template heading each answer was typed
// under.
func userText(text string, headings []string, b *budget) (string, error) {
	lines, err := splitLines(text, b)
	if err != nil {
		return "", err
	}
	want := make(map[string]string, len(headings))
	for _, h := range headings {
		if k := headingKey(h); k != "" {
			want[k] = strings.TrimSuffix(strings.TrimSpace(h), ":") + ":"
		}
	}

	out := make([]string, 0, len(lines))
	inSig := false
	lastQuoted := ""      // the nearest substantive quoted line above
	quotedBefore := false // a quoted line came after the last user line
	for i := 0; i < len(lines); i++ {
		if err := b.tick(); err != nil {
			return "", err
		}
		l := lines[i]
		if l.depth > 0 {
			inSig = false // the signature ends where quoting resumes
			quotedBefore = true
			if t := strings.TrimSpace(l.text); !isPlaceholder(t) {
				lastQuoted = t
			}
			continue
		}
		t := l.text
		if len(t) <= maxMarkerLength {
			if n := attribution(lines, i); n > 0 {
				if !quoteFollows(lines, i+n) {
					break // the original follows without ">": drop it all
				}
				i += n - 1
				lastQuoted = ""
				inSig = false
				continue
			}
			tt := strings.TrimSpace(t)
			if isOriginal(tt) || headerBlock(lines, i) {
				break
			}
			if t == "--" { // "-- " before trailing spaces were trimmed (RFC 3676 §4.3)
				inSig = true
				continue
			}
			if isClutter(tt) {
				continue
			}
		}
		if inSig {
			continue
		}
		if strings.TrimSpace(t) == "" {
			out = append(out, "")
			continue
		}
		if quotedBefore {
			quotedBefore = false
			if h, ok := want[headingKey(lastQuoted)]; ok && lastQuoted != "" {
				if _, own := want[headingKey(t)]; !own {
					out = append(out, "", h)
				}
			}
		}
		out = append(out, t)
	}
	return strings.TrimSpace(tidy(dedent(out))), nil
}

// splitLines normalises line ends and characters and classifies quote
// depth.
func splitLines(text string, b *budget) ([]line, error) {
	text = strings.ToValidUTF8(text, "\uFFFD")
	lines := make([]line, 0, min(strings.Count(text, "\n")+1, 1<<16))
	for len(text) > 0 {
		if err := b.tick(); err != nil {
			return nil, err
		}
		var s string
		if i, w := lineEnd(text); i >= 0 {
			s, text = text[:i], text[i+w:]
		} else {
			s, text = text, ""
		}
		s = cleanLine(s)
		d, rest := quoteDepth(s)
		if rest == "" && len(lines) > 0 {
			// A run of blank lines means no more than one does, and
			// hostile input may hold millions.
			if prev := lines[len(lines)-1]; prev.text == "" && prev.depth == d {
				continue
			}
		}
		lines = append(lines, line{text: rest, depth: d})
	}
	return lines, nil
}

// lineEnd returns the index and width of the first line break in s: LF,
// CR LF, a lone CR, or U+2028/U+2029 (E2 80 A8/A9 in UTF-8); -1 if none.
func lineEnd(s string) (int, int) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n':
			return i, 1
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				return i, 2
			}
			return i, 1
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			return i, 3
		}
	}
	return -1, 0
}

// cleanLine removes control characters but tabs, zero-width spaces and
// byte-order marks, turns no-break spaces into spaces and trims the right.
func cleanLine(s string) string {
	clean := true
	for _, r := range s {
		if r == '\u00a0' || r == '\u200b' || r == '\ufeff' || (r != '\t' && unicode.IsControl(r)) {
			clean = false
			break
		}
	}
	if !clean {
		var sb strings.Builder
		sb.Grow(len(s))
		for _, r := range s {
			switch {
			case r == '\u00a0':
				sb.WriteByte(' ')
			case r == '\u200b' || r == '\ufeff':
			case r != '\t' && unicode.IsControl(r):
			default:
				sb.WriteRune(r)
			}
		}
		s = sb.String()
	}
	return strings.TrimRight(s, " \t")
}

// quoteDepth counts the ">" markers at the start of s, allowing spaces
// between them ("> > text" as well as ">> text"), and returns the rest.
func quoteDepth(s string) (int, string) {
	d, i := 0, 0
	for i < len(s) && d < len(s) {
		j := i
		for j < len(s) && j-i < 4 && s[j] == ' ' {
			j++
		}
		if j < len(s) && s[j] == '>' {
			d++
			i = j + 1
			continue
		}
		break
	}
	if d == 0 {
		return 0, s
	}
	return d, strings.TrimPrefix(s[i:], " ")
}

// attribution returns how many lines (1 or 2) from i form an attribution
// line, or 0.
func attribution(lines []line, i int) int {
	t := strings.TrimSpace(lines[i].text)
	if t == "" || len(t) > maxMarkerLength {
		return 0
	}
	if isAttribution(t) {
		return 1
	}
	if i+1 < len(lines) && lines[i+1].depth == 0 {
		next := strings.TrimSpace(lines[i+1].text)
		if next != "" && len(t)+len(next) < maxMarkerLength && isAttribution(t+" "+next) {
			return 2
		}
	}
	return 0
}

// The is… functions test a cheap necessary condition before the regular
// expression: most lines fail it, and a regexp match costs an allocation
// whenever its machine pool is empty.

func isOriginal(s string) bool {
	if s == "" || (s[0] != '-' && s[0] != '_' && !strings.HasSuffix(s, ":")) {
		return false
	}
	return originalRe.MatchString(s)
}

func isFromField(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case 'f', 'F', 'v', 'V', 'd', 'D', '*', 0xd0: // 0xd0 starts Cyrillic "От"
		return fromFieldRe.MatchString(s)
	}
	return false
}

// isClutter reports a line a client added: a device signature, an image
// placeholder or a snip marker.
func isClutter(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	switch s[0] {
	case '[', '<':
		return cidRe.MatchString(s) || snipRe.MatchString(s)
	case 's', 'S', 'g', 'G', 'v', 'V', 'e', 'E', 'i', 'I', 'o', 'O', 't', 'T', 0xd0:
		return deviceSigRe.MatchString(s)
	}
	return false
}

func isAttribution(s string) bool {
	if !strings.HasSuffix(s, ":") && !strings.HasSuffix(s, "：") {
		return false
	}
	return strings.ContainsAny(s, "0123456789@") && attributionRe.MatchString(s)
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

// headerBlock reports whether line i starts Outlook's "From: … Sent: …
// To: … Subject: …" block: a From line followed, within the next five
// lines, by two more header fields.
func headerBlock(lines []line, i int) bool {
	if !isFromField(strings.TrimSpace(lines[i].text)) {
		return false
	}
	n := 0
	for j := i + 1; j < len(lines) && j <= i+5; j++ {
		t := strings.TrimSpace(lines[j].text)
		if lines[j].depth > 0 || len(t) > maxMarkerLength {
			break
		}
		if headerFieldRe.MatchString(t) {
			n++
		}
	}
	return n >= 2
}

// headingKey is how a heading compares: lower-case, without the colon,
// surrounding spaces and the "*" or "_" of a bold or italic rendering.
func headingKey(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 100 {
		return ""
	}
	s = strings.Trim(s, "*_ ")
	s = strings.TrimSuffix(strings.TrimSpace(s), ":")
	s = strings.Trim(s, "*_ ")
	return strings.ToLower(s)
}

// isPlaceholder reports a quoted line with no content of its own: blank,
// or the empty bullet under each heading of the template.
func isPlaceholder(s string) bool {
	switch strings.TrimSpace(s) {
	case "", "-", "–", "—", "•", "*", "·":
		return true
	}
	return false
}

// dedent removes the indentation all non-blank lines share, which some
// clients (Yahoo's text part) add to every line.
func dedent(lines []string) []string {
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if common < 0 || n < common {
			common = n
		}
		if common == 0 {
			return lines
		}
	}
	if common <= 0 {
		return lines
	}
	for i, l := range lines {
		if len(l) >= common {
			lines[i] = l[common:]
		} else {
			lines[i] = ""
		}
	}
	return lines
}

// tidy joins lines: at most one blank line in a row, none at either end.
func tidy(lines []string) string {
	var sb strings.Builder
	blank := false
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			blank = sb.Len() > 0
			continue
		}
		if blank {
			sb.WriteString("\n\n")
		} else if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		blank = false
		sb.WriteString(l)
	}
	return sb.String()
}
