package config

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// keyIndex maps dotted keys, with 1-based array-table indexes
// ("boss[2].emails"), to the line where they are written. go-toml's Decoder
// only reports lines for the errors it finds itself; mistakes found while
// validating the decoded values are located through this index.
type keyIndex struct {
	lines   map[string]int
	entries []indexEntry
}

type indexEntry struct {
	indexed string // "boss[2].emails"
	plain   string // "boss.emails"
	line    int
}

// indexKeys walks data with go-toml's unstable parser. On a syntax error it
// stops and keeps what it has: the Decoder reports the error itself.
func indexKeys(data []byte) *keyIndex {
	idx := &keyIndex{lines: make(map[string]int)}
	re := regexp.MustCompile(`\[[0-9]+\]`) // the "[n]" parts of an indexed key
	arrays := make(map[string]int)         // indexed path of an array table → elements so far
	var p unstable.Parser
	p.Reset(data)

	add := func(indexed string, line int) {
		// Keep the first line for lineOf, and every occurrence for
		// lookup: go-toml reports a duplicate key at its second line.
		if _, ok := idx.lines[indexed]; !ok {
			idx.lines[indexed] = line
		}
		idx.entries = append(idx.entries, indexEntry{indexed: indexed, plain: re.ReplaceAllString(indexed, ""), line: line})
	}
	// resolve names a header's key, descending into the last element of
	// each array table on the way ("[boss.x]" after "[[boss]]" is "boss[n].x").
	resolve := func(parts []string) string {
		cur := ""
		for i, part := range parts {
			cur = join(cur, part)
			if n := arrays[cur]; n > 0 && i < len(parts)-1 {
				cur += "[" + strconv.Itoa(n) + "]"
			}
		}
		return cur
	}
	var walkValue func(prefix string, v *unstable.Node)
	walkKeyValue := func(prefix string, kv *unstable.Node) {
		parts, line := keyParts(&p, kv)
		cur := prefix
		for _, part := range parts {
			cur = join(cur, part)
			add(cur, line)
		}
		walkValue(cur, kv.Value())
	}
	walkValue = func(prefix string, v *unstable.Node) {
		switch v.Kind {
		case unstable.InlineTable:
			it := v.Children()
			for it.Next() {
				if kv := it.Node(); kv.Kind == unstable.KeyValue {
					walkKeyValue(prefix, kv)
				}
			}
		case unstable.Array:
			it := v.Children()
			for i := 1; it.Next(); i++ {
				if el := it.Node(); el.Kind == unstable.InlineTable {
					elem := prefix + "[" + strconv.Itoa(i) + "]"
					add(elem, p.Shape(el.Raw).Start.Line)
					walkValue(elem, el)
				}
			}
		}
	}

	prefix := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.KeyValue:
			walkKeyValue(prefix, e)
		case unstable.Table:
			parts, line := keyParts(&p, e)
			prefix = resolve(parts)
			add(prefix, line)
		case unstable.ArrayTable:
			parts, line := keyParts(&p, e)
			path := resolve(parts)
			arrays[path]++
			prefix = path + "[" + strconv.Itoa(arrays[path]) + "]"
			add(path, line)
			add(prefix, line)
		}
	}
	return idx
}

// keyParts returns the parts of a key-value's or table header's key and the
// line it starts on.
func keyParts(p *unstable.Parser, n *unstable.Node) ([]string, int) {
	var parts []string
	line := 0
	it := n.Key()
	for it.Next() {
		k := it.Node()
		if line == 0 {
			line = p.Shape(k.Raw).Start.Line
		}
		parts = append(parts, string(k.Data))
	}
	return parts, line
}

func join(prefix, part string) string {
	if prefix == "" {
		return part
	}
	return prefix + "." + part
}

// lineOf returns the line of key or, when key is not written in the file, of
// the nearest enclosing table that is; 0 when none is.
func (idx *keyIndex) lineOf(key string) int {
	for key != "" {
		if line, ok := idx.lines[key]; ok {
			return line
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}

// lookup returns the indexed and the plain name of the key that go-toml
// reported as plain at line. Inside inline tables go-toml reports only the
// innermost part ("nam" for boss[1].nam), so a key ending in plain on that
// line is the next best match. Unknown keys come back as given.
func (idx *keyIndex) lookup(plain string, line int) (indexed, full string) {
	var suffix *indexEntry
	for i := range idx.entries {
		e := &idx.entries[i]
		if e.line != line {
			continue
		}
		if strings.EqualFold(e.plain, plain) {
			return e.indexed, e.plain
		}
		if suffix == nil && plain != "" && len(e.plain) > len(plain) && strings.EqualFold(e.plain[len(e.plain)-len(plain)-1:], "."+plain) {
			suffix = e
		}
	}
	if suffix != nil {
		return suffix.indexed, suffix.plain
	}
	return plain, plain
}

// knownKeys lists every key the file may contain, tables included, in the
// plain dotted form ("boss.emails"), derived from rawConfig's toml tags so a
// new section is known as soon as it is declared.
func knownKeys() []string {
	var keys []string
	walkRaw(reflect.TypeFor[rawConfig](), "", func(key string, _ reflect.StructField) {
		keys = append(keys, key)
	})
	return keys
}

// typeHint says how to write the value of key, for type mismatches: from
// the field's `hint` tag, or from its Go type.
func typeHint(key string) string {
	key = strings.ToLower(key)
	var f reflect.StructField
	walkRaw(reflect.TypeFor[rawConfig](), "", func(k string, field reflect.StructField) {
		if k == key {
			f = field
		}
	})
	if h := f.Tag.Get("hint"); h != "" {
		return h
	}
	t := fieldType(key)
	if t == nil {
		return ""
	}
	name := f.Tag.Get("toml")
	switch {
	case t.Kind() == reflect.String:
		return `put the value in double quotes, like ` + name + ` = "..."`
	case t.Kind() == reflect.Bool:
		return "write true or false, without quotes"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return `write a list of strings, like ` + name + ` = ["...", "..."]`
	case isArrayTable(key):
		return "write it as one or more [[" + key + "]] tables"
	case t.Kind() == reflect.Struct:
		return "write it as a [" + key + "] table"
	}
	return ""
}

// isTable reports whether key names a table or array of tables.
func isTable(key string) bool {
	t := fieldType(key)
	return t != nil && (t.Kind() == reflect.Struct || t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct)
}

// isArrayTable reports whether key names an array of tables ([[boss]]).
func isArrayTable(key string) bool {
	t := fieldType(key)
	return t != nil && t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct
}

// fieldType returns the type of key's raw field, pointers removed, or nil.
func fieldType(key string) reflect.Type {
	var t reflect.Type
	walkRaw(reflect.TypeFor[rawConfig](), "", func(k string, f reflect.StructField) {
		if k == key {
			t = f.Type
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
		}
	})
	return t
}

// walkRaw calls fn for every toml-tagged field of t and, recursively, of
// the tables it contains.
func walkRaw(t reflect.Type, prefix string, fn func(key string, f reflect.StructField)) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "" || name == "-" {
			continue
		}
		key := join(prefix, name)
		fn(key, f)
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			walkRaw(ft, key, fn)
		}
	}
}
