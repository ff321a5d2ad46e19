package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Error is one configuration mistake.
type Error struct {
	File string // config path
	Line int    // 0 when unknown (e.g. a missing required key: then the table's line if there is one)
	Key  string // dotted key, e.g. "google.poll", "boss[2].emails"
	Msg  string // what is wrong
	Fix  string // how to fix it, e.g. `use Go syntax like "90s" or "1h30m", or days like "14d"`

	cause error // underlying error, if any, for errors.Is (e.g. fs.ErrNotExist)
}

// Error formats the mistake as "FILE:LINE: KEY: MSG: FIX", leaving out the
// parts that are unknown, so editors and terminals can jump to the line.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Fix != "" {
		b.WriteString(": ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Unwrap returns the underlying cause, such as fs.ErrNotExist for a missing
// file, or nil.
func (e *Error) Unwrap() error { return e.cause }

// IsConfigError reports whether err is, or joins, a configuration mistake
// the user can fix by editing the file; the command line exits with status 78
// (EX_CONFIG) for those.
func IsConfigError(err error) bool {
	var ce *Error
	return errors.As(err, &ce)
}

// decodeErrors turns what go-toml's Decoder returned into Errors with
// indexed key names ("boss[2].nme") and, for unknown keys, a suggestion.
func (p *parser) decodeErrors(err error) {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		for i := range strict.Errors {
			de := &strict.Errors[i]
			line, _ := de.Position()
			key, plain := p.idx.lookup(strings.Join(de.Key(), "."), line)
			what := "unknown key"
			if strings.Contains(de.Error(), "missing table") {
				what = "unknown table"
			}
			fix := "remove it, or compare with config.example.toml"
			if s := suggest(plain, knownKeys()); s != "" {
				fix = "did you mean " + renderSuggestion(key, plain, s) + "?"
			} else if s := suggestElsewhere(plain, knownKeys()); s != "" {
				fix = "did you mean " + s + "? " + moveHint(s)
			}
			p.errs = append(p.errs, &Error{File: p.file, Line: line, Key: key, Msg: what, Fix: fix})
		}
		return
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		key, plain := p.idx.lookup(strings.Join(de.Key(), "."), line)
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		var fix string
		if found, ok := strings.CutPrefix(msg, "cannot decode TOML "); ok {
			msg = mismatchMessage(found)
			fix = typeHint(plain)
		} else if strings.HasPrefix(msg, "cannot store ") {
			fix = typeHint(plain)
		} else if plain == "" {
			msg = "invalid TOML: " + msg
		}
		p.errs = append(p.errs, &Error{File: p.file, Line: line, Key: key, Msg: msg, Fix: fix, cause: err})
		return
	}
	p.errs = append(p.errs, &Error{File: p.file, Msg: "decode TOML: " + err.Error(), cause: err})
}

// mismatchMessage rewrites the rest of go-toml's "cannot decode TOML
// integer into struct field config.rawCalendar.Poll of type string", which
// names Go types the user never sees, as "expected a string, found an
// integer".
func mismatchMessage(s string) string {
	found, target, _ := strings.Cut(s, " into ")
	if i := strings.LastIndex(target, " of type "); i >= 0 {
		target = target[i+len(" of type "):]
	}
	want := "another type"
	switch {
	case target == "string" || strings.HasSuffix(target, ".Duration"):
		want = "a string"
	case target == "bool":
		want = "true or false"
	case strings.HasPrefix(target, "int") || strings.HasPrefix(target, "uint"):
		want = "a whole number"
	case strings.HasPrefix(target, "[]"):
		want = "a list"
	case strings.HasPrefix(target, "struct") || strings.HasPrefix(target, "config.raw"):
		want = "a table"
	}
	article := "a "
	if found != "" && strings.ContainsRune("aeiou", rune(found[0])) {
		article = "an "
	}
	return "wrong type: expected " + want + ", found " + article + found
}

// suggestElsewhere finds a known key in another table whose last part is
// close to key's: "filter.timezone" was meant as "timezone" but written
// below the [filter] header.
func suggestElsewhere(key string, known []string) string {
	_, last := splitKey(strings.ToLower(key))
	best, bestDist := "", 3
	for _, k := range known {
		if isTable(k) {
			continue
		}
		_, kl := splitKey(k)
		if d := editDistance(last, kl); d < bestDist && k != key {
			best, bestDist = k, d
		}
	}
	return best
}

// moveHint tells where a key written in the wrong table belongs.
func moveHint(key string) string {
	table, _ := splitKey(key)
	const why = "a key belongs to the table whose [header] is above it"
	switch {
	case table == "":
		return why + ": move it above the first [header]"
	case isArrayTable(table):
		return why + ": move it under a [[" + table + "]]"
	default:
		return why + ": move it under [" + table + "]"
	}
}

// splitKey splits "google.poll" into "google" and "poll".
func splitKey(key string) (table, last string) {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return "", key
	}
	return key[:i], key[i+1:]
}

// renderSuggestion shows the suggested key in the same indexed form as the
// mistaken one: a typo in boss[2].nme suggests boss[2].name.
func renderSuggestion(indexed, plain, suggestion string) string {
	pi := strings.LastIndexByte(plain, '.')
	si := strings.LastIndexByte(suggestion, '.')
	ii := strings.LastIndexByte(indexed, '.')
	if pi < 0 || si < 0 || ii < 0 || plain[:pi] != suggestion[:si] {
		return suggestion
	}
	return indexed[:ii] + suggestion[si:]
}

// suggest returns the known key closest to key when it is within edit
// distance 2, or "".
func suggest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(key), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// errorf records a validation mistake at key, pointing at the key's line, or
// at its table's line when the key itself is absent.
func (p *parser) errorf(key, fix, format string, args ...any) {
	p.errs = append(p.errs, &Error{
		File: p.file,
		Line: p.idx.lineOf(key),
		Key:  key,
		Msg:  fmt.Sprintf(format, args...),
		Fix:  fix,
	})
}
