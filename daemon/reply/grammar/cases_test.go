package grammar

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestParseCases runs the replies of testdata/replies.txt, written the way
// people type them, against what each should log. The file's header says
// how it is written.
func TestParseCases(t *testing.T) {
	cases, err := readCases("testdata/replies.txt")
	if err != nil {
		t.Fatalf("readCases() = %v", err)
	}
	if len(cases) < 80 {
		t.Errorf("readCases() = %d cases, want at least 80", len(cases))
	}
	loc := berlin(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := Options{
				BossNames:    []string{"Dana Reyes"},
				People:       []string{"Priya Nair <priya@example.com>", "jordan.lee@example.com"},
				Now:          time.Date(2026, time.November, 24, 10, 0, 0, 0, loc),
				Location:     loc,
				Confirmation: c.confirm,
			}
			if c.monthFirst {
				o.DateOrder = MonthFirst
			}
			got := Parse(c.reply, o)
			// Sources are compared only where the case gives one.
			cmp := got
			cmp.Items = append([]Item(nil), got.Items...)
			if len(cmp.Items) == len(c.want.Items) {
				for i := range cmp.Items {
					if c.want.Items[i].Source == "" {
						cmp.Items[i].Source = ""
					}
				}
			}
			cmp.Corrections = append([]Correction(nil), got.Corrections...)
			if len(cmp.Corrections) == len(c.want.Corrections) {
				for i := range cmp.Corrections {
					if c.want.Corrections[i].Source == "" {
						cmp.Corrections[i].Source = ""
					}
				}
			}
			if len(cmp.Items) == 0 {
				cmp.Items = nil
			}
			if len(cmp.Corrections) == 0 {
				cmp.Corrections = nil
			}
			if !reflect.DeepEqual(cmp, c.want) {
				t.Errorf("%s:%d: Parse(%q) =\n%s\nwant\n%s", "testdata/replies.txt", c.line, c.reply, show(got), show(c.want))
			}
		})
	}
}

// testCase is one reply of testdata/replies.txt.
type testCase struct {
	name                string
	line                int
	reply               string
	confirm, monthFirst bool
	want                Log
	lastWant            string // the last expectation read, for "source"
}

// readCases reads the cases file. A case starts with "=== name" (and the
// flags "confirm", "monthfirst" in brackets after the name), then the
// reply verbatim, then a line "--- want" and one expectation a line:
//
//	decision "text"             an item (a kind of decision, action,
//	action me 2026-11-27 "text" feedback, note or point; for an action
//	action Priya_Nair - "text"  the owner, "_" for a space, then the due
//	                            date or "-");
//	note? "text"                "?" after the kind: inferred
//	source "line"               the Source of the item or fix above
//	done 3 4 5                  ids closed
//	applied 4 6                 ids of feedback acted on
//	unplaced "line"             a line shown back
//	fix 7 owner boss            a correction: owner NAME, due DATE|none,
//	fix undo-reply              kind KIND, text "TEXT", undo, undo-reply
//
// Lines starting with "#" between cases and among the expectations are
// comments.
func readCases(path string) ([]testCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		cases  []testCase
		cur    *testCase
		reply  []string
		inWant bool
		n      int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "=== "); ok {
			cases = append(cases, testCase{line: n})
			cur, reply, inWant = &cases[len(cases)-1], nil, false
			if i := strings.Index(name, " ["); i >= 0 && strings.HasSuffix(name, "]") {
				for fl := range strings.FieldsSeq(name[i+2 : len(name)-1]) {
					switch fl {
					case "confirm":
						cur.confirm = true
					case "monthfirst":
						cur.monthFirst = true
					default:
						return nil, fmt.Errorf("%s:%d: unknown flag %q", path, n, fl)
					}
				}
				name = name[:i]
			}
			cur.name = name
			continue
		}
		if cur == nil {
			continue
		}
		if !inWant {
			if line == "--- want" {
				cur.reply, inWant = strings.Join(reply, "\n"), true
				continue
			}
			reply = append(reply, line)
			continue
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := cur.expect(line); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, c := range cases {
		if c.reply == "" && c.want.Items == nil && c.want.Done == nil && c.want.Applied == nil {
			return nil, fmt.Errorf("%s:%d: case %q has no reply or no \"--- want\"", path, c.line, c.name)
		}
	}
	return cases, nil
}

// expect reads one expectation line.
func (c *testCase) expect(line string) error {
	word, rest, _ := strings.Cut(line, " ")
	kind, inferred := strings.CutSuffix(word, "?")
	quoted := func(s string) (string, error) {
		v, err := strconv.Unquote(strings.TrimSpace(s))
		if err != nil {
			return "", fmt.Errorf("want a quoted string, got %s", s)
		}
		return v, nil
	}
	date := func(s string) (*Date, error) {
		if s == "-" || s == "none" {
			return nil, nil
		}
		tm, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, err
		}
		d := dateOf(tm)
		return &d, nil
	}
	switch kind {
	case "decision", "feedback", "note", "point":
		text, err := quoted(rest)
		if err != nil {
			return err
		}
		c.want.Items = append(c.want.Items, Item{Kind: Kind(kind), Text: text, Inferred: inferred})
	case "action":
		f := strings.SplitN(rest, " ", 3)
		if len(f) != 3 {
			return fmt.Errorf("want: action OWNER DUE \"text\"")
		}
		due, err := date(f[1])
		if err != nil {
			return err
		}
		text, err := quoted(f[2])
		if err != nil {
			return err
		}
		owner := strings.ReplaceAll(f[0], "_", " ")
		c.want.Items = append(c.want.Items, Item{Kind: Action, Text: text, Owner: owner, Due: due, Inferred: inferred})
	case "source":
		s, err := quoted(rest)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(c.lastWant, "fix") && len(c.want.Corrections) > 0:
			c.want.Corrections[len(c.want.Corrections)-1].Source = s
		case len(c.want.Items) > 0:
			c.want.Items[len(c.want.Items)-1].Source = s
		default:
			return fmt.Errorf("source before any item")
		}
		return nil
	case "done", "applied":
		to := &c.want.Done
		if kind == "applied" {
			to = &c.want.Applied
		}
		for f := range strings.FieldsSeq(rest) {
			id, err := strconv.Atoi(f)
			if err != nil {
				return err
			}
			*to = append(*to, id)
		}
	case "unplaced":
		s, err := quoted(rest)
		if err != nil {
			return err
		}
		c.want.Unplaced = append(c.want.Unplaced, s)
	case "fix":
		fix, err := readFix(rest, quoted, date)
		if err != nil {
			return err
		}
		c.want.Corrections = append(c.want.Corrections, fix)
	default:
		return fmt.Errorf("unknown expectation %q", word)
	}
	c.lastWant = kind
	return nil
}

// readFix reads a correction: "7 owner boss", "undo-reply".
func readFix(s string, quoted func(string) (string, error), date func(string) (*Date, error)) (Correction, error) {
	if s == "undo-reply" {
		return Correction{Op: UndoReply}, nil
	}
	f := strings.SplitN(s, " ", 3)
	id, err := strconv.Atoi(f[0])
	if err != nil || len(f) < 2 {
		return Correction{}, fmt.Errorf("want: fix ID OP [VALUE]")
	}
	c := Correction{ID: id}
	arg := ""
	if len(f) == 3 {
		arg = f[2]
	}
	switch f[1] {
	case "owner":
		c.Op, c.Owner = SetOwner, arg
	case "due":
		c.Op = SetDue
		c.Due, err = date(arg)
	case "kind":
		c.Op, c.Kind = SetKind, Kind(arg)
	case "text":
		c.Op = SetText
		c.Text, err = quoted(arg)
	case "undo":
		c.Op = Undo
	default:
		return c, fmt.Errorf("unknown fix %q", f[1])
	}
	return c, err
}
