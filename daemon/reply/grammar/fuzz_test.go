package grammar

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics and that what it returns is
// always well formed, whatever the reply: every text a single trimmed line
// of valid UTF-8, every owner set, every due date a real day, and every id
// closed once.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		template,
		"Decided to ship March 3.\nI'll send the deck by Friday.\ndone 12.\nThanks,\nSam",
		"Decisions: ship\n## Action items\n- Dana: intro me to Jordan by Friday.\n  and cc Priya\n- @jordan numbers EOW\n1) me: deck (due 12/3)\n**Next time:** budget\ndone 12 and 14\n[x] #15\ndone\n---\nCheers,\nSam",
		"Actions:\n- by 2/30\n- Jordan:\n- send by Dec 3, 2027\n- by the end of the month\n\tnested\n\r\n> quoted",
		"For Dana: sign\nDana Whitfield's actions:\n- x by 29 Feb\nMine: y by next week",
		"done 99999999999999999999\n#1 & #2 done\n[X] 3, 4\n- [12] Send Dana (you)\n\xff\xfe bad utf8 by fri",
	}
	for _, s := range seeds {
		f.Add(s, int64(1795510800)) // Tue 24 Nov 2026, 10:00 in Berlin
	}
	loc := berlin(f)
	f.Fuzz(func(t *testing.T, text string, now int64) {
		o := Options{BossNames: []string{"Dana Whitfield", "DW"}, Now: time.Unix(now, 0), Location: loc}
		l := Parse(text, o)
		lists := [][]string{l.Decisions, l.Feedback, l.Notes, l.Topics, l.Unplaced}
		for _, list := range lists {
			for _, s := range list {
				checkText(t, text, s)
			}
		}
		for _, a := range l.Actions {
			checkText(t, text, a.Text)
			if a.Owner == "" {
				t.Errorf("Parse(%q): action %q has no owner", text, a.Text)
			}
			if a.Due != nil && !validDate(a.Due.Year, a.Due.Month, a.Due.Day) {
				t.Errorf("Parse(%q): action %q due on %v, no real day", text, a.Text, *a.Due)
			}
		}
		seen := map[int]bool{}
		for _, id := range l.Done {
			if seen[id] {
				t.Errorf("Parse(%q): Done = %v repeats %d", text, l.Done, id)
			}
			seen[id] = true
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
	}
	for name, block := range blocks {
		t.Run(name, func(t *testing.T) {
			o := opts(t)
			measure := func(n int) time.Duration {
				text := strings.Repeat(block, n)
				if name == "long line" {
					text = "Actions:\n- " + strings.Repeat("by 2/30 by Fri due x ", n)
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
