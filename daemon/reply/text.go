package reply

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/leadup/leadup/daemon/reply/grammar"
)

// cidRe matches the placeholder Outlook writes in the text part for an
// inline image ("[cid:image001.png@01DB3E4F.6A2B8C10]").
var cidRe = regexp.MustCompile(`^\[cid:[^\]]*\]$`)

// snipRe matches the marker a user leaves where they cut the quote.
var snipRe = regexp.MustCompile(`(?i)^(?:\[\s*(?:\.\.\.|…|snip|snipped)\s*\]|<\s*snip\s*>)$`)

// A classified line of the reply.
type line struct {
	text  string // without quote markers when depth > 0
	depth int    // quote depth: the number of ">" at its start
}

// userText keeps what the user wrote in text: it drops quoted lines, the
// attribution above them, unquoted originals and forwards below a
// separator, an attribution or a header block, signatures after "-- " and
// below a device signature, and, when the user answered inline, puts back
// the template heading each answer was typed under.
func userText(text string, headings []string, b *budget) (string, error) {
	lines, err := splitLines(text, b)
	if err != nil {
		return "", err
	}
	if err := foldLazyQuotes(lines, b); err != nil {
		return "", err
	}
	want := make(map[string]string, len(headings))
	for _, h := range headings {
		if k := headingKey(h); k != "" {
			want[k] = strings.TrimSuffix(strings.TrimSpace(h), ":") + ":"
		}
	}

	out := make([]string, 0, len(lines))
	wrote := false // out holds a non-blank line
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
			if a := attribution(lines, i); a.n > 0 {
				follows := quoteFollows(lines, i+a.n)
				if follows || !a.needQuote {
					if a.keep != "" && !inSig {
						out = append(out, a.keep)
						wrote = true
					}
					i += a.n - 1
					if follows {
						lastQuoted = ""
						inSig = false
						continue
					}
					if wrote {
						break // the original follows without ">": drop it all
					}
					// Nothing was written above: the user may have
					// bottom-posted under an unmarked original, so only
					// the attribution goes.
					continue
				}
			}
			tt := strings.TrimSpace(t)
			if isOriginal(tt) || headerBlock(lines, i) || ruleAboveOriginal(lines, i) {
				break
			}
			if t == "--" { // "-- " before trailing spaces were trimmed (RFC 3676 §4.3)
				inSig = true
				continue
			}
			if isDeviceSignature(tt) {
				// What follows a device signature is the client's
				// unquoted original or more signature, up to the quote.
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
			} else if item, ok := openItemLine(lastQuoted); ok && bareAnswer(t) {
				// "Done" typed under a quoted open item closes that item:
				// keep the item's number above an answer that has none.
				out = append(out, "", item)
			}
		}
		out = append(out, t)
		wrote = true
	}
	return strings.TrimSpace(tidy(dedent(trimTrailingRules(out)))), nil
}

// openItemLine returns a quoted line of the follow-up's open items as the
// grammar reads it, unquoted.
func openItemLine(quoted string) (string, bool) {
	if len(quoted) > maxMarkerLength || !strings.Contains(quoted, "[") || !grammar.IsOpenItem(quoted) {
		return "", false
	}
	return strings.TrimLeft(quoted, "-*•– "), true
}

// bareAnswer reports a short answer without a number, such as "Done",
// "erledigt ✅" or "not yet": one typed under a quoted line it answers.
func bareAnswer(t string) bool {
	return len(t) <= 40 && !strings.ContainsAny(t, "0123456789") && len(strings.Fields(t)) <= 3
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
