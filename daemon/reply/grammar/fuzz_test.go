package grammar

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics and that what it returns is
// always well formed, whatever the reply: every text a single trimmed line
// of valid UTF-8, every action with an owner and no other item with one,
// every due date a real day, every id closed once, every correction
// complete.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		template,
		"Decided to ship March 3.\nI'll send the deck by Friday.\ndone 12.\nThanks,\nSam",
		"Decisions: ship\n## Action items\n- Dana: intro me to Jordan by Friday.\n  and cc Priya\n- @jordan numbers EOW\n1) me: deck (due 12/3)\n**Next time:** budget\ndone 12 and 14\n[x] #15\ndone\n---\nCheers,\nSam",
		"Actions:\n- by 2/30\n- Jordan:\n- send by Dec 3, 2027\n- by the end of the month\n\tnested\n\r\n> quoted",
		"For Dana: sign\nDana Whitfield's actions:\n- x by 29 Feb\nMine: y by next week",
		"done 99999999999999999999\n#1 & #2 done\n[X] 3, 4\n- [12] Send Dana (you)\n\xff\xfe bad utf8 by fri",
		// Lines sorted by their wording, in the seven languages.
		"Dana will send the budget by Friday. we agreed to ship in March. she wants shorter updates\nask about the promotion next week\n@priya review the RFC\nsend the deck (Jordan)",
		"Dana schickt das Budget bis Freitag. Wir haben beschlossen, im März zu starten. ich werde die Folien schicken",
		"je vais envoyer le deck. on a décidé de reporter. elle veut plus de détails. la prochaine fois: budget",
		"hemos decidido lanzar en marzo. voy a preparar el informe. Dana quiere más datos",
		"abbiamo deciso di rimandare. Dana invierà il piano. la prossima volta: stipendio",
		"we hebben besloten om te wachten. ik ga de cijfers sturen. Dana wil meer context",
		"decidimos adiar. vou enviar o relatório. Dana gostou da demo. próxima vez: promoção",
		// Headings that forgive, short prefixes, closings anywhere.
		"Decsions:\n- ship\nActon items\n- x\nEntscheidungen\n- y\nd: ship it\nA: send deck\nQ: who pays?\nA: Dana\nTodo bien\nDec 15",
		"also, done 3 – sent it yesterday\ndone 3-5\ndone 3-500\n✅ 2\n12 erledigt\nfait 4\n- [12] Send Dana the plan (you, 4 days overdue)\nDone\n90% done\ndone with the deck",
		// Corrections.
		"7 owner Dana\n7 owner me\n7 due Fri\n7 due 15/12\n7 no due date\n7 is a decision\nundo 7\nundo\n7: new text\n8 owner\n9 due someday",
	}
	for _, s := range seeds {
		f.Add(s, int64(1795510800), false) // Tue 24 Nov 2026, 10:00 in Berlin
	}
	f.Add(seeds[len(seeds)-1], int64(1795510800), true)
	loc := berlin(f)
	f.Fuzz(func(t *testing.T, text string, now int64, confirm bool) {
		o := Options{BossNames: []string{"Dana Whitfield", "DW"}, People: []string{"Priya Nair <priya@example.com>", "jordan.lee@example.com"},
			Now: time.Unix(now, 0), Location: loc, Confirmation: confirm}
		l := Parse(text, o)
		for _, s := range l.Unplaced {
			checkText(t, text, s)
		}
		for _, it := range l.Items {
			checkText(t, text, it.Text)
			checkText(t, text, it.Source)
			switch it.Kind {
			case Action:
				if it.Owner == "" {
					t.Errorf("Parse(%q): action %q has no owner", text, it.Text)
				}
			case Decision, Feedback, Note, Topic:
				if it.Owner != "" || it.Due != nil {
					t.Errorf("Parse(%q): %s %q has an owner or a due date", text, it.Kind, it.Text)
				}
			default:
				t.Errorf("Parse(%q): item %q of kind %q", text, it.Text, it.Kind)
			}
			if it.Due != nil && !validDate(it.Due.Year, it.Due.Month, it.Due.Day) {
				t.Errorf("Parse(%q): action %q due on %v, no real day", text, it.Text, *it.Due)
			}
		}
		seen := map[int]bool{}
		for _, id := range append(slices.Clone(l.Done), l.Applied...) {
			if seen[id] {
				t.Errorf("Parse(%q): Done %v and Applied %v repeat %d", text, l.Done, l.Applied, id)
			}
			seen[id] = true
		}
		if !confirm && slices.ContainsFunc(l.Corrections, func(c Correction) bool { return c.Op != SetDue }) {
			t.Errorf("Parse(%q): corrections %+v without Confirmation, other than new due dates", text, l.Corrections)
		}
		for _, c := range l.Corrections {
			checkText(t, text, c.Source)
			if (c.ID == 0) != (c.Op == UndoReply) {
				t.Errorf("Parse(%q): correction %+v has the wrong id", text, c)
			}
			switch c.Op {
			case SetOwner:
				if c.Owner == "" {
					t.Errorf("Parse(%q): correction %+v has no owner", text, c)
				}
			case SetDue:
				if c.Due != nil && !validDate(c.Due.Year, c.Due.Month, c.Due.Day) {
					t.Errorf("Parse(%q): correction %+v due on no real day", text, c)
				}
			case SetKind:
				if c.Kind == "" {
					t.Errorf("Parse(%q): correction %+v has no kind", text, c)
				}
			case SetText:
				checkText(t, text, c.Text)
			case Undo, UndoReply:
			default:
				t.Errorf("Parse(%q): correction %+v of no known op", text, c)
			}
		}
	})
}

func checkText(t *testing.T, text, s string) {
	t.Helper()
	switch {
	case s == "":
		t.Errorf("Parse(%q): an empty text", text)
	case !utf8.ValidString(s):
		t.Errorf("Parse(%q): text %q is not UTF-8", text, s)
	case strings.ContainsAny(s, "\n\r\t"):
		t.Errorf("Parse(%q): text %q is not one line", text, s)
	case strings.TrimSpace(s) != s || strings.Contains(s, "  "):
		t.Errorf("Parse(%q): text %q has stray spaces", text, s)
	}
}

// TestParseLarge feeds Parse replies built to be slow for a careless parser
// (one enormous line, thousands of due phrases, deep nesting) and checks the
// time grows no faster than the input.
func TestParseLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	blocks := map[string]string{
		"long line":      "", // built in measure
		"due phrases":    "Actions:\n- by 2/30 by 2/31 by Friday (due 12/3) EOW ",
		"nested":         "Actions:\n- a\n  - b\n    - c by Fri\n",
		"closings-alike": "Notes:\nThanks to Priya for all of it\nBest practice doc\n",
		"owners":         "Actions:\n- Mary Ann Lee Jones: x\n- @a.b.c.d.e y\n",
		"sorted lines":   "Dana will send the budget by Friday. we agreed to ship. ask Dana about it next week. x (Priya)\n",
		"sentences":      "", // built in measure
		"closings":       "done 1-50, 3 and 5. #7 done. also, done 9 – sent it\n- [12] Send Dana the plan (you)\nDone\n",
		"headings":       "Decsions\nActon itemz:\n## Entscheidungen\nTodo bien\n",
		"corrections":    "7 owner Dana\n7 due Fri\n7 is a decision\nundo 7\n7: new text\n",
	}
	for name, block := range blocks {
		t.Run(name, func(t *testing.T) {
			o := opts(t)
			o.People = []string{"Priya Nair <priya@example.com>"}
			o.Confirmation = name == "corrections"
			measure := func(n int) time.Duration {
				text := strings.Repeat(block, n)
				switch name {
				case "long line":
					text = "Actions:\n- " + strings.Repeat("by 2/30 by Fri due x ", n)
				case "sentences":
					text = strings.Repeat("Dana will send it. done 3. we agreed. ", n)
				}
				// The fastest of five runs: on a loaded machine any one run
				// may be preempted, the fastest rarely is.
				best := time.Duration(1<<63 - 1)
				for range 5 {
					start := time.Now()
					Parse(text, o)
					best = min(best, time.Since(start))
				}
				return best
			}
			measure(100) // warm up
			small, big := measure(250), measure(2000)
			// Linear: 8 times the input, about 8 times the time. Quadratic
			// would be 64 times; allow generous noise.
			if big > 30*small+50*time.Millisecond {
				t.Errorf("Parse of 8× the input took %v, against %v: not linear", big, small)
			}
		})
	}
}
