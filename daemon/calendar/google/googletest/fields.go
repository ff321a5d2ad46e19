package googletest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// fieldSel is a parsed partial-response selector (the fields parameter of
// Google APIs). Each key selects a member of a JSON object; a nil value
// selects the member whole, a non-nil one only the sub-members it names.
// The key "*" stands for every member.
//
// The syntax, from Google's "Partial response" guide:
//
//	fields   = item *( "," item )
//	item     = path [ "(" fields ")" ]
//	path     = name *( "/" name )
//	name     = 1*( any char but , / ( ) and space ) / "*"
//
// "a/b" means the same as "a(b)", and a selector applied to an array
// applies to each element.
type fieldSel map[string]fieldSel

type fieldParser struct {
	s   string
	pos int
}

// parseFields parses a fields parameter.
func parseFields(s string) (fieldSel, error) {
	p := &fieldParser{s: s}
	sel, err := p.list()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.s) {
		return nil, fmt.Errorf("unexpected %q at offset %d", p.s[p.pos], p.pos)
	}
	return sel, nil
}

func (p *fieldParser) peek() byte {
	p.skipSpace()
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *fieldParser) skipSpace() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *fieldParser) list() (fieldSel, error) {
	sel := fieldSel{}
	for {
		if err := p.item(sel); err != nil {
			return nil, err
		}
		if p.peek() != ',' {
			return sel, nil
		}
		p.pos++
	}
}

func (p *fieldParser) item(into fieldSel) error {
	var path []string
	for {
		name, err := p.name()
		if err != nil {
			return err
		}
		path = append(path, name)
		if p.peek() != '/' {
			break
		}
		p.pos++
	}
	var sub fieldSel
	if p.peek() == '(' {
		p.pos++
		var err error
		if sub, err = p.list(); err != nil {
			return err
		}
		if p.peek() != ')' {
			return fmt.Errorf("missing ) at offset %d", p.pos)
		}
		p.pos++
	}
	into.add(path, sub)
	return nil
}

func (p *fieldParser) name() (string, error) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) && !strings.ContainsRune(",/() ", rune(p.s[p.pos])) {
		p.pos++
	}
	name := p.s[start:p.pos]
	switch {
	case name == "":
		if p.pos == len(p.s) {
			return "", errors.New("expected a field name at the end")
		}
		return "", fmt.Errorf("expected a field name at offset %d, found %q", p.pos, p.s[p.pos])
	case name != "*" && strings.Contains(name, "*"):
		return "", fmt.Errorf("wildcard inside name %q", name)
	}
	return name, nil
}

// add merges the selection of path (with sub below its last name) into sel.
// A whole-member selection absorbs any partial one of the same member, so
// "items,items(id)" and "items(id),items" both mean "items".
func (sel fieldSel) add(path []string, sub fieldSel) {
	node := sel
	for _, name := range path[:len(path)-1] {
		child, ok := node[name]
		if ok && child == nil {
			return
		}
		if !ok {
			child = fieldSel{}
			node[name] = child
		}
		node = child
	}
	last := path[len(path)-1]
	existing, ok := node[last]
	switch {
	case !ok || sub == nil:
		node[last] = sub
	case existing == nil:
	default:
		for k, v := range sub {
			existing.add([]string{k}, v)
		}
	}
}

// member returns the selection for the member name of an object: nil and
// true if it is selected whole, false if not at all. It follows filter.
func (sel fieldSel) member(name string) (fieldSel, bool) {
	if sel == nil {
		return nil, true
	}
	star, hasStar := sel["*"]
	sub, ok := sel[name]
	switch {
	case hasStar && star == nil:
		return nil, true
	case ok:
		return sub, true
	case hasStar:
		return star, true
	}
	return nil, false
}

// String writes sel in canonical form: sorted, with sub-selections in
// parentheses. Tests compare parses through it.
func (sel fieldSel) String() string {
	keys := make([]string, 0, len(sel))
	for k := range sel {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		if sub := sel[k]; sub != nil {
			b.WriteString("(" + sub.String() + ")")
		}
	}
	return b.String()
}

// filter returns the parts of a decoded JSON value that sel selects.
// Selecting a member the value lacks is not an error; it selects nothing.
func (sel fieldSel) filter(v any) any {
	if sel == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(sel))
		for k, val := range x {
			if sub, ok := sel.member(k); ok {
				out[k] = sub.filter(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			out[i] = sel.filter(el)
		}
		return out
	default:
		// A sub-selection of a scalar: the scalar is all there is.
		return x
	}
}
