package reply

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The HTML of a reply is read with html.Tokenizer into a small tree of our
// own rather than with html.Parse: the HTML5 tree builder rejects documents
// nested deeper than 512 elements and spends time proportional to the depth
// on every tag, while here depth and node count are capped and the rules
// mail needs (implicit </p>, </li>, </td>) are a handful.

// node is an element or, when tag and name are empty, a text node.
type node struct {
	tag      atom.Atom
	name     string // tag name when tag is 0 (o:p, custom elements)
	text     string
	id       string // lower-cased, without Outlook Web's "x_" prefixes
	class    string // lower-cased, space-separated
	style    string // lower-cased, spaces removed
	typ      string // lower-cased type attribute (blockquote type=cite)
	smart    string // data-smartmail
	marker   string // data-marker (Zimbra's "__DIVIDER__"), lower-cased
	parent   *node
	next     *node // next sibling
	children []*node
}

// appendChild adds ch as the last child of n.
func (n *node) appendChild(ch *node) {
	ch.parent = n
	if l := len(n.children); l > 0 {
		n.children[l-1].next = ch
	}
	n.children = append(n.children, ch)
}

func (n *node) isText() bool { return n.tag == 0 && n.name == "" }

func (n *node) hasClass(c string) bool {
	for _, f := range strings.Fields(n.class) {
		if f == c {
			return true
		}
	}
	return false
}

func (n *node) hasClassPrefix(c string) bool {
	for _, f := range strings.Fields(n.class) {
		if strings.HasPrefix(f, c) {
			return true
		}
	}
	return false
}

var voidElements = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true,
	atom.Hr: true, atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true,
	atom.Param: true, atom.Source: true, atom.Track: true, atom.Wbr: true,
}

// closesP are start tags that end an open <p> (HTML5 §13.2.6.4.7, the
// common subset).
var closesP = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Div: true, atom.Dl: true, atom.Fieldset: true, atom.Footer: true, atom.Form: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Header: true, atom.Hr: true, atom.Ol: true, atom.P: true, atom.Pre: true,
	atom.Section: true, atom.Table: true, atom.Ul: true,
}

// parseHTML builds the tree. It never fails: past the limits, elements are
// ignored (their text still lands in the deepest open element) and past
// maxHTMLNodes the rest of the document is dropped.
func parseHTML(src string, b *budget) (*node, error) {
	root := &node{tag: atom.Html}
	stack := []*node{root}
	nodes := 0
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		if err := b.tick(); err != nil {
			return nil, err
		}
		tt := z.Next()
		if tt == html.ErrorToken {
			return root, nil // io.EOF, or a tokenizer error: keep what we have
		}
		if nodes > maxHTMLNodes {
			return root, nil
		}
		top := stack[len(stack)-1]
		switch tt {
		case html.TextToken:
			nodes++
			top.appendChild(&node{text: string(z.Text())})
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			n := &node{name: string(name)}
			n.tag = atom.Lookup(name)
			if n.tag != 0 {
				n.name = ""
			}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "id":
					n.id = strings.ToLower(string(v))
					for strings.HasPrefix(n.id, "x_") {
						n.id = n.id[2:]
					}
				case "class":
					n.class = strings.ToLower(string(v))
				case "style":
					// Only <div> and <blockquote> styles are ever looked at.
					if n.tag == atom.Div || n.tag == atom.Blockquote {
						n.style = compactLower(v)
					}
				case "type":
					n.typ = strings.ToLower(string(v))
				case "data-smartmail":
					n.smart = strings.ToLower(string(v))
				case "data-marker":
					n.marker = strings.ToLower(string(v))
				}
			}
			stack = implicitEnd(stack, n.tag)
			top = stack[len(stack)-1]
			if len(stack) >= maxHTMLDepth && !voidElements[n.tag] && tt != html.SelfClosingTagToken {
				continue // too deep: ignore the element, keep its content
			}
			nodes++
			top.appendChild(n)
			if !voidElements[n.tag] && tt != html.SelfClosingTagToken {
				stack = append(stack, n)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := atom.Lookup(name)
			if tag == atom.Br { // </br> is a <br> (HTML5 §13.2.6.4.7)
				nodes++
				top.appendChild(&node{tag: atom.Br})
				continue
			}
			// Pop to the nearest open element of that name; an end tag
			// nothing opened is ignored.
			for i := len(stack) - 1; i > 0; i-- {
				if stack[i].tag == tag && (tag != 0 || stack[i].name == string(name)) {
					stack = stack[:i]
					break
				}
			}
		}
	}
}

// compactLower returns v lower-cased without white space, so that
// "border-top: solid" and "border-top:solid" compare equal.
func compactLower(v []byte) string {
	b := make([]byte, 0, len(v))
	for _, c := range v {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// implicitEnd closes the elements a start tag ends implicitly: an open <p>
// before a block, the previous <li>, <td> or <tr>.
func implicitEnd(stack []*node, tag atom.Atom) []*node {
	popTo := func(want atom.Atom, stops ...atom.Atom) {
		for i := len(stack) - 1; i > 0; i-- {
			t := stack[i].tag
			if t == want {
				stack = stack[:i]
				return
			}
			for _, s := range stops {
				if t == s {
					return
				}
			}
		}
	}
	switch {
	case closesP[tag]:
		if top := stack[len(stack)-1]; top.tag == atom.P {
			stack = stack[:len(stack)-1]
		}
	case tag == atom.Li:
		popTo(atom.Li, atom.Ul, atom.Ol)
	case tag == atom.Td || tag == atom.Th:
		popTo(atom.Td, atom.Tr, atom.Table)
		popTo(atom.Th, atom.Tr, atom.Table)
	case tag == atom.Tr:
		popTo(atom.Tr, atom.Table)
	}
	return stack
}

// htmlToText converts an HTML body to text: blocks become lines, <br> a
// line break, list items "- item" or "1. item" indented two spaces per
// level, and the content of a <blockquote> is prefixed with "> " per level
// so that the quote handling of userText serves HTML and text alike.
//
// Before that, what mail clients wrap around the original message and the
// signature is recognised by the markup each client produces and dropped.
func htmlToText(src string, b *budget) (string, error) {
	root, err := parseHTML(src, b)
	if err != nil {
		return "", err
	}
	c := &converter{b: b}
	c.walk(root)
	if c.err != nil {
		return "", c.err
	}
	c.endLine(false)
	return strings.Join(c.lines, "\n"), nil
}

// maxQuotePrefix caps the "> " markers written for nested blockquotes.
const maxQuotePrefix = 8

type list struct {
	ordered bool
	n       int
}

type converter struct {
	b       *budget
	err     error
	lines   []string
	cur     strings.Builder
	started bool // cur holds a line (its prefix at least)
	space   bool // collapsed whitespace waits before the next word
	quote   int  // <blockquote> depth
	lists   []list
	marker  string // list marker for the next line
	pre     int
	stopped bool // the rest of the document is the quoted original
}

// what a converter does with an element.
type action int

const (
	render   action = iota
	drop            // skip the element and its content
	stop            // skip it and everything after it
	asQuote         // render the content as quoted
	noIndent        // a <blockquote> used for indentation: render as a block
)

func (c *converter) classify(n *node) action {
	switch n.tag {
	case atom.Head, atom.Script, atom.Style, atom.Title, atom.Template, atom.Svg,
		atom.Math, atom.Object, atom.Iframe, atom.Select, atom.Button, atom.Textarea:
		return drop
	}
	switch n.id {
	case "divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container", "olk_src_body_section":
		// Outlook (desktop, web, mobile): the reply header and the
		// original below it, not quoted.
		return stop
	case "signature", "ms-outlook-mobile-signature", "applemailsignature":
		return drop
	}
	if strings.Contains(n.id, "yahoo_quoted") || strings.Contains(n.class, "yahoo_quoted") {
		// Yahoo quotes the original in plain <div>s, so everything after
		// the attribution goes. Its class and id carry a per-message
		// prefix ("ydp6b2d4c1ayahoo_quoted").
		return stop
	}
	if n.smart == "gmail_signature" || n.hasClass("gmail_signature") || n.hasClass("gmail_signature_prefix") ||
		n.hasClass("moz-signature") || n.hasClassPrefix("protonmail_signature_block") {
		return drop
	}
	if n.hasClass("gmail_attr") || n.hasClass("moz-cite-prefix") {
		return drop // "On … wrote:" above the quote
	}
	if n.hasClass("moz-forward-container") || n.hasClass("moz-email-headers-table") {
		return stop
	}
	if n.tag == atom.Blockquote {
		// Gmail's and Thunderbird's "indent" is a <blockquote> without a
		// rule; a quote has type=cite, a quote class or a left border.
		if n.typ != "cite" && !strings.Contains(n.class, "quote") && n.id != "qt" &&
			(strings.Contains(n.style, "border:none") || strings.Contains(n.style, "border:0")) {
			return noIndent
		}
		return asQuote
	}
	if n.tag == atom.Div && (n.hasClass("gmail_quote") || n.hasClass("gmail_quote_container") ||
		n.hasClass("protonmail_quote") || n.id == "qt") {
		// The container of the attribution and the quote. A reply puts
		// the original in a <blockquote> inside, and text the user typed
		// between blockquotes is theirs; a forward puts the original in
		// plain <div>s, so nothing in it is.
		if !hasDescendant(n, atom.Blockquote, 0) {
			return stop
		}
		return render
	}
	if n.tag == atom.Hr && (n.id == "zwchr" || n.marker == "__divider__") {
		// Zimbra: the rule above its header block and the original.
		return stop
	}
	if n.tag == atom.Div && (strings.Contains(n.style, "border-top:solid") || strings.Contains(n.style, "border-style:solidnonenone") ||
		strings.Contains(n.style, "border-top-style:solid")) &&
		startsWithHeaderField(n) {
		// Outlook desktop and mobile, Windows Mail: a rule above "From: …
		// Sent: …", then the original, unquoted.
		return stop
	}
	return render
}

// nextIsList reports whether the element after n, skipping white space,
// is a list.
func nextIsList(n *node) bool {
	next := n.next
	if next != nil && next.isText() && strings.TrimSpace(next.text) == "" {
		next = next.next
	}
	return next != nil && (next.tag == atom.Ul || next.tag == atom.Ol)
}

func hasDescendant(n *node, tag atom.Atom, depth int) bool {
	if depth > maxHTMLDepth {
		return false
	}
	for _, ch := range n.children {
		if ch.tag == tag || hasDescendant(ch, tag, depth+1) {
			return true
		}
	}
	return false
}

// startsWithHeaderField reports whether the text of n begins like a reply
// header block ("From:", "Von:", "De :", "От:"…), in any language
// headerFieldNames knows.
func startsWithHeaderField(n *node) bool {
	var sb strings.Builder
	var collect func(*node, int)
	collect = func(n *node, depth int) {
		if sb.Len() > 60 || depth > maxHTMLDepth {
			return
		}
		if n.isText() {
			sb.WriteString(n.text)
			return
		}
		for _, ch := range n.children {
			collect(ch, depth+1)
		}
	}
	collect(n, 0)
	s := strings.TrimSpace(strings.ReplaceAll(sb.String(), "\u00a0", " "))
	kind, _ := headerField(s)
	return kind != 0
}

func (c *converter) walk(n *node) {
	if c.stopped || c.err != nil {
		return
	}
	if err := c.b.tick(); err != nil {
		c.err = err
		return
	}
	if n.isText() {
		c.text(n.text)
		return
	}
	switch c.classify(n) {
	case drop:
		return
	case stop:
		c.stopped = true
		return
	case asQuote:
		c.endLine(false)
		c.quote++
		c.children(n)
		c.endLine(false)
		c.quote--
		return
	case noIndent:
		c.endLine(false)
		c.children(n)
		c.endLine(false)
		return
	}
	switch n.tag {
	case atom.Br:
		c.endLine(true)
	case atom.Hr:
		c.endLine(false)
	case atom.Ul, atom.Ol:
		c.endLine(false)
		c.lists = append(c.lists, list{ordered: n.tag == atom.Ol})
		c.children(n)
		c.lists = c.lists[:len(c.lists)-1]
		c.endLine(false)
		if len(c.lists) == 0 {
			c.blank() // the margin under a list
		}
	case atom.Li:
		c.endLine(false)
		indent := 0
		marker := "- "
		if l := len(c.lists); l > 0 {
			indent = l - 1
			if c.lists[l-1].ordered {
				c.lists[l-1].n++
				marker = strconv.Itoa(c.lists[l-1].n) + ". "
			}
		}
		c.marker = strings.Repeat("  ", indent) + marker
		c.children(n)
		c.marker = ""
		c.endLine(false)
	case atom.Pre:
		c.endLine(false)
		c.pre++
		c.children(n)
		c.pre--
		c.endLine(false)
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		c.endLine(false)
		c.children(n)
		c.endLine(false)
		// A browser draws a margin under a paragraph; Outlook's Word HTML
		// zeroes it in its style sheet and writes blank lines as
		// <p>&nbsp;</p>. A heading line directly above its list stays
		// attached to it, as the user would type it in plain text.
		if !n.hasClassPrefix("mso") && !nextIsList(n) {
			c.blank()
		}
	case atom.Div, atom.Address, atom.Article, atom.Aside, atom.Center, atom.Dd, atom.Details,
		atom.Dialog, atom.Dir, atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption, atom.Figure,
		atom.Footer, atom.Form, atom.Header, atom.Hgroup, atom.Main, atom.Nav, atom.Section,
		atom.Summary, atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Td, atom.Th,
		atom.Caption, atom.Body, atom.Html, atom.Blockquote, atom.Menu:
		c.endLine(false)
		c.children(n)
		c.endLine(false)
	default:
		c.children(n)
	}
}

func (c *converter) children(n *node) {
	for _, ch := range n.children {
		c.walk(ch)
		if c.stopped || c.err != nil {
			return
		}
	}
}

// start begins a line with its quote prefix and list marker.
func (c *converter) start() {
	c.cur.Reset()
	for range min(c.quote, maxQuotePrefix) {
		c.cur.WriteString("> ")
	}
	c.cur.WriteString(c.marker)
	c.marker = ""
	c.started = true
	c.space = false
}

// text writes a text node, collapsing whitespace outside <pre>.
func (c *converter) text(s string) {
	if c.pre > 0 {
		for i, l := range strings.Split(s, "\n") {
			if i > 0 {
				c.endLine(true)
			}
			if l != "" {
				if !c.started {
					c.start()
				}
				c.cur.WriteString(l)
			}
		}
		return
	}
	for len(s) > 0 {
		i := strings.IndexAny(s, " \t\n\r\f")
		word := s
		if i >= 0 {
			word = s[:i]
		}
		if word != "" {
			if !c.started {
				c.start()
			} else if c.space {
				c.cur.WriteByte(' ')
			}
			c.space = false
			c.cur.WriteString(word)
		}
		if i < 0 {
			break
		}
		if c.started {
			c.space = true
		}
		s = s[i+1:]
	}
}

// endLine ends the current line. A forced end (a <br>) writes a line even
// when nothing was written on it, which is how HTML mail draws blank lines.
func (c *converter) endLine(force bool) {
	switch {
	case c.started:
		c.lines = append(c.lines, c.cur.String())
	case force:
		c.lines = append(c.lines, c.quotePrefix())
	}
	c.cur.Reset()
	c.started, c.space = false, false
}

// blank ends a paragraph with one blank line.
func (c *converter) blank() {
	c.endLine(false)
	if n := len(c.lines); n > 0 && strings.TrimLeft(c.lines[n-1], "> ") != "" {
		c.lines = append(c.lines, c.quotePrefix())
	}
}

// quotePrefix is the text of an empty line at the current quote depth.
// Depth is capped: only quoted or not matters downstream, and a hostile
// nest of blockquotes must not multiply the size of every line.
func (c *converter) quotePrefix() string {
	return strings.TrimSuffix(strings.Repeat("> ", min(c.quote, maxQuotePrefix)), " ")
}
