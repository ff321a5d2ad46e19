package render

import (
	"html"
	htmltemplate "html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits on an event description, which anyone who can invite the user
// controls.
const (
	// maxDescBytes is how much of the raw description is looked at. Google
	// Calendar caps descriptions at 8,192 characters; Outlook invitations
	// full of markup are larger, but nothing worth reading needs more.
	maxDescBytes = 64 << 10
	// maxDescRunes is how much text a brief shows.
	maxDescRunes = 4000
	// maxNest is how deeply the sanitised HTML may nest; deeper tags are
	// dropped (their text is kept).
	maxNest = 12
	// maxListIndent is how many list levels the text part indents.
	maxListIndent = 4
)

// shortenedNote ends a description that was cut.
const shortenedNote = "[Shortened: the full description is in the calendar event.]"

// linkRel is the rel of every link taken from a description.
const linkRel = "nofollow noopener noreferrer"

// describer turns an untrusted event description into plain text and into
// safe HTML. A describer is immutable once made, so a Renderer can share it
// between goroutines (bluemonday policies are safe for concurrent use once
// built).
type describer struct {
	policy *bluemonday.Policy
}

func newDescriber() *describer {
	p := bluemonday.NewPolicy()
	// Basic text formatting, paragraphs, lists and line breaks: what Google
	// Calendar's editor and most invitations use. Everything else is dropped
	// and its text kept, except the contents of script, style, iframe,
	// object and the like, which bluemonday drops whole.
	p.AllowElements("b", "strong", "i", "em", "u", "s", "strike", "del",
		"br", "p", "div", "ul", "ol", "li", "blockquote", "pre", "code")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AddSpaceWhenStrippingTag(true)
	return &describer{policy: p}
}

// text returns the description as plain text: paragraphs separated by a
// blank line, list items as "- item", entities decoded, whitespace collapsed,
// and at most maxDescRunes long.
func (d *describer) text(s string) string {
	t, _ := d.toText(s)
	return t
}

// toText is text, also saying whether the text left something out (it was
// cut, or conferencing boilerplate was removed), in which case the HTML part
// must be made from the text too.
func (d *describer) toText(s string) (string, bool) {
	s, cut := capBytes(s, maxDescBytes)
	var t string
	if looksHTML(s) {
		t = htmlToText(s)
	} else {
		t = plainToText(s)
	}
	t, stripped := stripBoilerplate(t)
	t = tidyParagraphs(t)
	if t == "" {
		return "", false
	}
	t, cut2 := capRunes(t, maxDescRunes)
	if cut || cut2 {
		t += "\n\n" + shortenedNote
	}
	return t, cut || cut2 || stripped
}

// html returns the description as safe HTML: sanitised by the bluemonday
// policy, then rebuilt from an allowlist with balanced tags, limited nesting
// and the house styles, so that it cannot break the email's layout. An empty
// description gives "".
func (d *describer) html(s string) htmltemplate.HTML {
	t, altered := d.toText(s)
	if t == "" {
		return ""
	}
	s, _ = capBytes(s, maxDescBytes)
	if altered || !looksHTML(s) {
		return htmltemplate.HTML(textToHTML(t))
	}
	out := rebuild(d.policy.Sanitize(s))
	if strings.TrimSpace(out) == "" {
		return htmltemplate.HTML(textToHTML(t))
	}
	return htmltemplate.HTML(out)
}

// htmlTag matches the start of something that only HTML would contain: a
// known tag, a comment or a doctype. Plain text with a "<" ("a < b",
// "<https://zoom.us/j/1>") does not match.
var htmlTag = regexp.MustCompile(`(?i)<(?:!--|!doctype|/?(?:a|abbr|address|article|aside|b|base|big|blockquote|body|br|button|caption|center|code|col|dd|del|details|div|dl|dt|em|embed|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|label|li|link|main|meta|nav|noscript|object|ol|option|p|pre|s|script|section|select|small|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|textarea|tfoot|th|thead|title|tr|u|ul|xmp)\b)`)

// htmlEntity matches a character reference, which a description with no tags
// may still carry (Google's editor writes "R&amp;D").
var htmlEntity = regexp.MustCompile(`&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});`)

// looksHTML says whether a description is HTML rather than plain text.
func looksHTML(s string) bool { return htmlTag.MatchString(s) }

// plainToText tidies a plain-text description, keeping its line breaks.
func plainToText(s string) string {
	if htmlEntity.MatchString(s) {
		s = html.UnescapeString(s)
	}
	return s
}

// htmlToText converts HTML to plain text with a tokenizer rather than a
// parse tree: it needs no stack of elements, so deeply nested or unclosed
// tags cost nothing, and it runs in one linear pass.
func htmlToText(s string) string {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	w := textWriter{}
	w.b.Grow(len(s) / 2)
	skip := 0 // depth inside elements whose content is not text
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return w.b.String()
		case xhtml.TextToken:
			if skip == 0 {
				w.text(string(z.Text()))
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if skipContent(a) {
				if tt == xhtml.StartTagToken {
					skip++
				} else if tt == xhtml.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if a == atom.Body {
				skip = 0 // a missing </title> or </svg> must not hide the body
			}
			if skip > 0 {
				continue
			}
			var href string
			if a == atom.A && tt == xhtml.StartTagToken && hasAttr {
				for {
					k, v, more := z.TagAttr()
					if string(k) == "href" {
						href = safeURL(string(v))
					}
					if !more {
						break
					}
				}
			}
			w.tag(a, tt, href)
		}
	}
}

// skipContent says whether an element's content is not text to show.
func skipContent(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Title, atom.Noscript, atom.Template, atom.Iframe,
		atom.Object, atom.Svg, atom.Math, atom.Noembed, atom.Noframes, atom.Textarea, atom.Select:
		return true
	}
	return false
}

// textWriter builds the text of an HTML description: words are written
// with at most one space between them, and block boundaries ask for line
// breaks that are written only when more text follows.
type textWriter struct {
	b      strings.Builder
	nl     int  // line breaks wanted before the next word (0–2)
	space  bool // a space wanted before the next word
	bullet string
	lists  []int // per open list: -1 for <ul>, else the last <ol> number
	pre    int
	href   string // the open link's target, if safe
	linkAt int    // where the open link's text starts
}

// want asks for n line breaks (2: a blank line) before the next word.
func (w *textWriter) want(n int) {
	if len(w.lists) > 0 && n > 1 {
		n = 1 // inside a list, blocks are lines, not paragraphs
	}
	w.nl = max(w.nl, n)
}

// flush writes what the next word needs before it.
func (w *textWriter) flush() {
	if w.b.Len() > 0 {
		switch {
		case w.nl > 0:
			w.b.WriteString("\n\n"[:w.nl])
			if w.bullet == "" && len(w.lists) > 0 {
				w.b.WriteString(strings.Repeat("  ", min(len(w.lists), maxListIndent)))
			}
		case w.space:
			w.b.WriteByte(' ')
		}
	}
	w.b.WriteString(w.bullet)
	w.nl, w.space, w.bullet = 0, false, ""
}

func (w *textWriter) text(s string) {
	s = stripControls(s)
	if w.pre > 0 {
		if s == "" {
			return
		}
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				w.nl = min(w.nl+1, 2)
			}
			if line = strings.TrimRight(line, " \t"); line != "" {
				w.flush()
				w.b.WriteString(line)
			}
		}
		return
	}
	first := true
	for f := range strings.FieldsSeq(s) {
		if !first || startsSpace(s) {
			w.space = true
		}
		first = false
		w.flush()
		w.b.WriteString(f)
	}
	if first && s != "" || endsSpace(s) {
		w.space = true
	}
}

func startsSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func endsSpace(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(r)
}

func (w *textWriter) tag(a atom.Atom, tt xhtml.TokenType, href string) {
	start := tt != xhtml.EndTagToken
	switch a {
	case atom.Br:
		if w.b.Len() > 0 {
			w.nl = min(w.nl+1, 2)
		}
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote,
		atom.Table, atom.Dl, atom.Figure, atom.Hr, atom.Address, atom.Section, atom.Article,
		atom.Header, atom.Footer, atom.Nav, atom.Aside, atom.Main:
		w.want(2)
	case atom.Pre:
		w.want(2)
		if tt == xhtml.StartTagToken {
			w.pre++
		} else if tt == xhtml.EndTagToken && w.pre > 0 {
			w.pre--
		}
	case atom.Div, atom.Tr, atom.Dt, atom.Dd, atom.Caption, atom.Form, atom.Fieldset,
		atom.Details, atom.Summary, atom.Center, atom.Html, atom.Body:
		w.want(1)
	case atom.Ul, atom.Ol:
		w.want(1)
		switch tt {
		case xhtml.StartTagToken:
			n := 0
			if a == atom.Ul {
				n = -1
			}
			w.lists = append(w.lists, n)
		case xhtml.EndTagToken:
			if len(w.lists) > 0 {
				w.lists = w.lists[:len(w.lists)-1]
			}
			if len(w.lists) == 0 {
				w.want(1)
			}
		}
	case atom.Li:
		w.want(1)
		if start && tt == xhtml.StartTagToken {
			depth := min(len(w.lists), maxListIndent)
			mark := "- "
			if len(w.lists) > 0 && w.lists[len(w.lists)-1] >= 0 {
				w.lists[len(w.lists)-1]++
				mark = strconv.Itoa(w.lists[len(w.lists)-1]) + ". "
			}
			w.bullet = strings.Repeat("  ", max(depth-1, 0)) + mark
		}
	case atom.Td, atom.Th:
		w.space = true
	case atom.A:
		switch tt {
		case xhtml.StartTagToken:
			w.href, w.linkAt = href, w.b.Len()
		case xhtml.EndTagToken:
			if w.href != "" && w.linkAt <= w.b.Len() {
				label := w.b.String()[w.linkAt:]
				target := strings.TrimPrefix(w.href, "mailto:")
				if !strings.Contains(label, target) || realHost(label, w.href) != "" {
					w.space = true
					w.flush()
					w.b.WriteString("<" + target + ">")
				}
			}
			w.href = ""
		}
	}
}

// googleMarker is the line around the conferencing block that Google
// Calendar writes into some descriptions ("-::~:~::~:~…::-").
var googleMarker = regexp.MustCompile(`(?m)^[ \t]*-::~[:~]*::-[ \t]*$`)

// stripBoilerplate removes the conferencing blocks that calendars paste into
// descriptions (the brief shows the video link by itself): Google's block
// between its "-::~:~::~" markers, and Microsoft Teams' block, which starts
// with a line of underscores. It says whether it removed anything.
func stripBoilerplate(t string) (string, bool) {
	stripped := false
	if locs := googleMarker.FindAllStringIndex(t, 2); len(locs) > 0 {
		end := len(t)
		if len(locs) == 2 {
			end = locs[1][1]
		}
		t = t[:locs[0][0]] + t[end:]
		stripped = true
	}
	if i := strings.Index(t, "________________"); i >= 0 {
		rest := t[i:]
		if j := strings.Index(rest, "Microsoft Teams"); j >= 0 && j < 200 {
			t = t[:i]
			stripped = true
		}
	}
	return t, stripped
}

// tidyParagraphs strips control characters and trailing spaces, drops
// leading and trailing blank lines and keeps at most one blank line in a
// row.
func tidyParagraphs(t string) string {
	// A lone CR ends a line here, and tabs become spaces; the rest is what
	// a rendered text part gets.
	t = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\t", "    ").Replace(t)
	return strings.TrimSuffix(tidyText(t), "\n")
}

// capBytes cuts s to at most n bytes, at a rune boundary.
func capBytes(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// capRunes cuts t to at most n runes, at the last line break or space
// before the limit when there is one near it.
func capRunes(t string, n int) (string, bool) {
	if utf8.RuneCountInString(t) <= n {
		return t, false
	}
	i, count := 0, 0
	for i = range t {
		if count == n {
			break
		}
		count++
	}
	cut := t[:i]
	if j := strings.LastIndexAny(cut, "\n "); j > len(cut)*3/4 {
		cut = cut[:j]
	}
	return strings.TrimRightFunc(cut, unicode.IsSpace) + " …", true
}

// urlInText finds links in plain text. Angle brackets, quotes and spaces end
// a link; trailing punctuation is trimmed by trimURL.
var urlInText = regexp.MustCompile(`(?i)\b(?:https?://|mailto:)[^\s<>"]+`)

// textToHTML renders plain text as HTML: escaped, line breaks kept, links
// made clickable.
func textToHTML(t string) string {
	var b strings.Builder
	b.Grow(len(t) + len(t)/4)
	for i, line := range strings.Split(t, "\n") {
		if i > 0 {
			b.WriteString("<br>\n")
		}
		last := 0
		for _, m := range urlInText.FindAllStringIndex(line, -1) {
			u := trimURL(line[m[0]:m[1]])
			end := m[0] + len(u)
			b.WriteString(escapeText(line[last:m[0]]))
			if safe := linkable(u); safe != "" {
				writeLink(&b, safe)
				b.WriteString(escapeText(u))
				b.WriteString("</a>")
			} else {
				b.WriteString(escapeText(u))
			}
			last = end
		}
		b.WriteString(escapeText(line[last:]))
	}
	return b.String()
}

// trimURL drops punctuation that ends a sentence rather than a link: a
// closing bracket stays only if the link opens one.
func trimURL(u string) string {
	parens := strings.Count(u, "(") - strings.Count(u, ")")
	brackets := strings.Count(u, "[") - strings.Count(u, "]")
	for len(u) > 0 {
		switch c := u[len(u)-1]; {
		case strings.IndexByte(".,;:!?'*", c) >= 0:
		case c == ')' && parens < 0:
			parens++
		case c == ']' && brackets < 0:
			brackets++
		default:
			return u
		}
		u = u[:len(u)-1]
	}
	return u
}

// descStyle returns the style of an element a description may use as a
// block, for email clients that ignore or reset default margins, and false
// for other elements. (Switches rather than maps: the package keeps no
// mutable state.)
func descStyle(a atom.Atom) (string, bool) {
	switch a {
	case atom.P:
		return "margin:0 0 8px;", true
	case atom.Div:
		return "margin:0;", true
	case atom.Ul, atom.Ol:
		return "margin:0 0 8px;padding-left:22px;", true
	case atom.Li:
		return "margin:0 0 2px;", true
	case atom.Blockquote:
		return "margin:0 0 8px;padding-left:10px;border-left:3px solid #d0d7de;color:#57606a;", true
	case atom.Pre:
		return "margin:0 0 8px;white-space:pre-wrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;", true
	case atom.Code:
		return "font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;", true
	}
	return "", false
}

// descInline says whether a is an inline element a description may use,
// with no attributes.
func descInline(a atom.Atom) bool {
	switch a {
	case atom.B, atom.Strong, atom.I, atom.Em, atom.U, atom.S, atom.Strike, atom.Del:
		return true
	}
	return false
}

// rebuild re-emits sanitised HTML from an allowlist: known elements only,
// with no attributes but our own styles and, on links, a checked href and a
// fixed rel; end tags without a start are dropped, unclosed elements are
// closed at the end, and elements nested deeper than maxNest are dropped
// (their text is kept). It is a second line of defence after bluemonday
// and the reason a stray <b> or <ul> cannot leak into the rest of the email.
func rebuild(s string) string {
	type open struct {
		a    atom.Atom
		kept bool
		// For a kept link: its target, and the text shown for it so far.
		href  string
		label *strings.Builder
	}
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	var stack []open
	counts := map[atom.Atom]int{}
	kept := 0
	var labels []*strings.Builder // of the open kept links
	closeTag := func(o open) {
		counts[o.a]--
		if o.kept {
			kept--
			b.WriteString("</" + o.a.String() + ">")
		}
		if o.label != nil {
			labels = labels[:len(labels)-1]
			if host := realHost(o.label.String(), o.href); host != "" {
				b.WriteString(escapeText(" (goes to " + host + ")"))
			}
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			for i := len(stack) - 1; i >= 0; i-- {
				closeTag(stack[i])
			}
			return b.String()
		case xhtml.TextToken:
			t := stripControls(string(z.Text()))
			for _, l := range labels {
				if l.Len() < maxLabelBytes {
					l.WriteString(t)
				}
			}
			b.WriteString(escapeText(t))
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Br {
				b.WriteString("<br>")
				continue
			}
			style, block := descStyle(a)
			href := ""
			if a == atom.A && hasAttr {
				for {
					k, v, more := z.TagAttr()
					if string(k) == "href" {
						href = linkable(string(v))
					}
					if !more {
						break
					}
				}
			}
			allowed := block || descInline(a) || (a == atom.A && href != "")
			if !allowed || tt == xhtml.SelfClosingTagToken {
				continue
			}
			o := open{a: a, kept: kept < maxNest}
			if o.kept {
				kept++
				switch {
				case a == atom.A:
					writeLink(&b, href)
					o.href, o.label = href, &strings.Builder{}
					labels = append(labels, o.label)
				case block:
					b.WriteString("<" + a.String() + ` style="` + style + `">`)
				default:
					b.WriteString("<" + a.String() + ">")
				}
			}
			stack = append(stack, o)
			counts[a]++
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if counts[a] == 0 {
				continue
			}
			// Close everything opened after it, like a browser would.
			for len(stack) > 0 {
				o := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				closeTag(o)
				if o.a == a {
					break
				}
			}
		}
	}
}

// maxLabelBytes is how much of a link's text realHost looks at.
const maxLabelBytes = 2048

// shownHost matches what a link's text may show as a host name: two or more
// dot-separated labels ending in an alphabetic top-level domain, alone or in
// a URL. Only a name at the start of the text, after a space or an opening
// bracket or quote, or after "://" counts: one after "@", "/" or "=" is an
// address's domain, a file name or a query value.
var shownHost = regexp.MustCompile(`(?:^|[\s(<\[{"'«“‘]|://)((?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-zA-Z0-9-]{1,59}))`)

// realHost returns the host an http or https link to href goes to if its
// text, label, shows another host ("meet.google.com" on a link to
// evil.example), else "". Emails show it next to the link, as link text
// is the oldest trick in phishing.
func realHost(label, href string) string {
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := normalHost(u.Hostname())
	if host == "" {
		return ""
	}
	for _, m := range shownHost.FindAllStringSubmatch(label, 8) {
		if normalHost(m[1]) != host {
			return host
		}
	}
	return ""
}

// normalHost lower-cases a host name and drops a final dot and a leading
// "www.", so that "WWW.Example.com." and "example.com" compare equal.
func normalHost(h string) string {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	return strings.TrimPrefix(h, "www.")
}

// writeLink writes the start tag of a link to a safe URL.
func writeLink(b *strings.Builder, u string) {
	b.WriteString(`<a href="`)
	b.WriteString(html.EscapeString(u))
	b.WriteString(`" rel="` + linkRel + `" target="_blank" style="color:#0b57d0;">`)
}

// escapeText escapes text for HTML. It also breaks up, with a character
// reference that renders the same, the words that naive filters downstream
// (a mail gateway, a spam scorer) take for script: "javascript:",
// "vbscript:" and "onerror".
func escapeText(s string) string {
	return defang(html.EscapeString(s), "&#58;")
}

// risky returns the lowercase words that escapeText breaks up, and that make
// a link from a description plain text: no honest meeting link needs them.
func risky() []string { return []string{"javascript:", "vbscript:", "onerror"} }

// linkable returns u if a description may link to it: a safe URL (see
// safeURL) without any risky word; else "".
func linkable(u string) string {
	u = safeURL(u)
	lower := asciiLower(u)
	for _, w := range risky() {
		if strings.Contains(lower, w) {
			return ""
		}
	}
	return u
}

// defang rewrites, ASCII-case-insensitively, each risky word in s: the
// colon of a scheme becomes colon, and the "n" of "onerror" becomes the
// character reference "&#110;".
func defang(s, colon string) string {
	lower := asciiLower(s)
	if !strings.Contains(lower, "script:") && !strings.Contains(lower, "onerror") {
		return s
	}
	words := risky()
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		w := ""
		for _, r := range words {
			if strings.HasPrefix(lower[i:], r) {
				w = r
				break
			}
		}
		if w == "" {
			b.WriteByte(s[i])
			i++
			continue
		}
		word := s[i : i+len(w)]
		if strings.HasSuffix(w, ":") {
			b.WriteString(word[:len(word)-1])
			b.WriteString(colon)
		} else {
			b.WriteByte(word[0])
			b.WriteString("&#" + strconv.Itoa(int(word[1])) + ";")
			b.WriteString(word[2:])
		}
		i += len(w)
	}
	return b.String()
}

// asciiLower lowercases the ASCII letters of s only, so that byte offsets
// into the result are offsets into s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
