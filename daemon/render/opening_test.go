package render

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

func TestNeedOf(t *testing.T) {
	tests := []struct {
		text string
		want Need
		ok   bool
	}{
		{"decision: one weekend cut-over or two weeknights?", Need{Decision: true, Text: "one weekend cut-over or two weeknights?"}, true},
		{"Decision needed: hire now or in Q1", Need{Decision: true, Text: "hire now or in Q1"}, true},
		{"ask: an intro to Tom", Need{Text: "an intro to Tom"}, true},
		{"Ask Dana: budget for the offsite", Need{Text: "budget for the offsite"}, true},
		{"[roadmap review] decision: cut Q3 scope", Need{Decision: true, Text: "cut Q3 scope"}, true},
		{"Ask first whether Dana wants feedback", Need{}, false},
		{"decision:", Need{}, false},
		{"Decisions we made last quarter and why they held up well: a recap", Need{}, false},
		{"Propose moving this 1:1 to Thursdays", Need{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, ok := NeedOf(tt.text)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NeedOf(%q) = %+v, %v; want %+v, %v", tt.text, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestOpening(t *testing.T) {
	now := fixedNow(t)
	day := 24 * time.Hour
	mine := func(id int64, text string, due time.Duration) meetinglog.Item {
		it := meetinglog.Item{ID: id, Kind: meetinglog.Action, Owner: "me", Text: text, Created: now.Add(-30 * day)}
		if due != 0 {
			it.Due = now.Add(due)
		}
		return it
	}
	theirs := func(id int64, text string, due time.Duration) meetinglog.Item {
		it := mine(id, text, due)
		it.Owner = "boss"
		return it
	}
	texts := func(items []meetinglog.Item) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.Text)
		}
		return out
	}
	base := emptyBrief(SampleBrief(now))

	t.Run("overdue first, latest due last, capped", func(t *testing.T) {
		d := base
		d.OpenItems = []meetinglog.Item{mine(1, "b", -2*day), mine(2, "on time", 2*day), mine(3, "a", -5*day),
			mine(4, "c", -day), mine(5, "d", -day), theirs(6, "hers", -9*day)}
		o := d.Opening()
		if got, want := texts(o.Overdue), []string{"a", "b", "c"}; !slices.Equal(got, want) || o.OverdueMore != 1 {
			t.Errorf("Overdue = %q and %d more, want %q and 1 more", got, o.OverdueMore, want)
		}
	})
	t.Run("results are mine only", func(t *testing.T) {
		d := base
		done := func(it meetinglog.Item) meetinglog.Item { it.Done = now.Add(-day); return it }
		d.ClosedSince = []meetinglog.Item{done(mine(1, "mine", 0)), done(theirs(2, "hers", 0)),
			{ID: 3, Kind: meetinglog.Action, Owner: "Priya Nair", Text: "Priya's", Done: now.Add(-day)}}
		if got := texts(d.Opening().Results); !slices.Equal(got, []string{"mine"}) {
			t.Errorf("Results = %q, want only the user's", got)
		}
	})
	t.Run("needs from decision and ask points", func(t *testing.T) {
		d := base
		d.TalkingPoints = []meetinglog.Item{{ID: 1, Kind: meetinglog.Point, Text: "Decision: A or B?"},
			{ID: 2, Kind: meetinglog.Point, Text: "Team morale"}, {ID: 3, Kind: meetinglog.Point, Text: "ask: headcount"}}
		want := []Need{{Decision: true, Text: "A or B?"}, {Text: "headcount"}}
		if got := d.Opening().Needs; !slices.Equal(got, want) {
			t.Errorf("Needs = %+v, want %+v", got, want)
		}
	})
	help := []struct {
		name    string
		items   []meetinglog.Item
		want    []string
		wantWhy string
	}{
		{"hers open, not overdue, holds nothing up", []meetinglog.Item{theirs(15, "approve budget", 3*day), mine(1, "write runbook", 0)}, nil, ""},
		{"hers overdue", []meetinglog.Item{theirs(15, "approve budget", -day)}, []string{"approve budget"}, "overdue"},
		{"mine names hers by number", []meetinglog.Item{theirs(15, "approve budget", 0), mine(1, "hire contractor after #15", 0)},
			[]string{"approve budget"}, "holding up yours"},
		{"mine names hers as [n] and item n", []meetinglog.Item{theirs(15, "approve budget", 0), theirs(16, "intro", -day),
			mine(1, "needs [15]", 0), mine(2, "waiting on item 15", 0)}, []string{"approve budget", "intro"}, "overdue or holding up yours"},
		{"another number is not hers", []meetinglog.Item{theirs(15, "approve budget", 0), mine(1, "after #150 and [5]", 0)}, nil, ""},
	}
	for _, tt := range help {
		t.Run(tt.name, func(t *testing.T) {
			d := base
			d.OpenItems = tt.items
			o := d.Opening()
			if got := texts(o.Help); !slices.Equal(got, tt.want) || o.HelpWhy != tt.wantWhy {
				t.Errorf("Help = %q (%q), want %q (%q)", got, o.HelpWhy, tt.want, tt.wantWhy)
			}
		})
	}
}

// fitting returns the texts of the coaching prompts that fit s.
func fitting(s situation) []string {
	var out []string
	for _, c := range coachingPrompts {
		if c.fits(s) {
			out = append(out, c.say(s.boss))
		}
	}
	return out
}

func TestCoachingPromptsFit(t *testing.T) {
	tests := []struct {
		name string
		s    situation
		want string // among the prompts that fit
		not  string // not among them
	}{
		{"results, nothing overdue", situation{results: true, points: true}, "Lead with the result, then what's next.", ""},
		{"results but overdue", situation{results: true, overdue: true}, "Bad news travels best early", "Lead with the result"},
		{"blocked", situation{blocked: true}, "Bad news travels best early", ""},
		{"a decision", situation{decision: true, points: true}, "Bring the options and your recommendation", ""},
		{"feedback open", situation{feedbackOpen: true}, "Say what you changed since Dana's feedback", ""},
		{"feedback to give in a 1:1", situation{feedbackToGive: true, oneOnOne: true, points: true}, "Ask whether Dana is open to feedback", "Keep your feedback"},
		{"feedback to give in a group", situation{feedbackToGive: true, points: true}, "Keep your feedback for Dana for a 1:1.", "Ask whether Dana"},
		{"no talking points", situation{}, "What does Dana need to know before having to ask?", "Headline first"},
		{"talking points", situation{points: true}, "Headline first", "What does Dana need to know"},
		{"group with others", situation{others: true}, "Who in the room does Dana listen to", ""},
		{"priorities", situation{priorities: true}, "still aligned on this quarter's priorities", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.s.boss = "Dana"
			fit := strings.Join(fitting(tt.s), "\n")
			if !strings.Contains(fit, tt.want) {
				t.Errorf("prompts fitting %+v:\n%s\nwant one with %q", tt.s, fit, tt.want)
			}
			if tt.not != "" && strings.Contains(fit, tt.not) {
				t.Errorf("prompts fitting %+v:\n%s\nwant none with %q", tt.s, fit, tt.not)
			}
		})
	}
}

// TestCoachingPromptRotates checks that two consecutive briefs with the
// same boss and facts get different prompts whenever more than one fits,
// and that one always fits.
func TestCoachingPromptRotates(t *testing.T) {
	now := fixedNow(t)
	full := SampleBrief(now)
	group := full
	group.Meeting.OneOnOne = false
	group.Meeting.Others = []Person{{Name: "Priya Nair"}}
	quiet := emptyBrief(full)
	quiet.TalkingPoints = full.TalkingPoints[1:2]
	for _, tt := range []struct {
		name string
		d    BriefData
		one  bool // only one prompt fits
	}{{"full", full, false}, {"group", group, false}, {"empty", emptyBrief(full), true}, {"quiet", quiet, true},
		{"profile", withSampleProfile(full), false}} {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d
			seen := map[string]bool{}
			prev := ""
			for n := range 12 {
				d.BriefsSent = n
				p := d.Opening().Prompt
				if p == "" {
					t.Fatalf("Opening() with %d sent has no prompt", n)
				}
				if n > 0 && p == prev && len(seen) > 1 {
					t.Errorf("briefs %d and %d both have %q", n-1, n, p)
				}
				seen[p], prev = true, p
			}
			if n := len(seen); tt.one && n != 1 || !tt.one && n < 2 {
				t.Errorf("12 briefs used %d prompts; one fits: %v", n, tt.one)
			}
		})
	}
}

// TestOpeningInBrief checks the rendered opening of the sample brief: it
// comes before the meeting, names the facts in order, and the boss's
// priorities appear once in the whole brief.
func TestOpeningInBrief(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	got, err := r.Brief(SampleBrief(now))
	if err != nil {
		t.Fatalf("Brief() = %v", err)
	}
	inOrder(t, got.Text, []string{"YOUR OPENING", "- Overdue: Send Dana the Q1 headcount plan draft (was due Fri 20 Nov). New date: ________",
		"- Results: Moved the first 10%", "- The decision you need: one weekend cut-over", "THE MEETING"})
	for _, p := range sampleBoss().Priorities {
		for part, s := range map[string]string{"text": got.Text, "HTML": got.HTML} {
			if n := strings.Count(s, p); n != 1 {
				t.Errorf("%s has priority %q %d times, want once", part, p, n)
			}
		}
	}
	if strings.Contains(got.Text, "Dana has 1 open item") {
		t.Errorf("text offers help with Dana's item, which is neither overdue nor holding up yours:\n%s", got.Text)
	}
	helped, err := r.Brief(openingSamples(SampleBrief(now))[0])
	if err != nil {
		t.Fatalf("Brief() = %v", err)
	}
	for _, s := range []string{helped.Text, helped.HTML} {
		if !strings.Contains(s, "Dana has 2 open items overdue or holding up yours: ask whether you can help.") {
			t.Errorf("the brief does not offer help with Dana's items:\n%s", s)
		}
	}
}

func TestGoldenOpening(t *testing.T) {
	r := newRenderer(t)
	samples := openingSamples(SampleBrief(fixedNow(t)))
	for i, name := range []string{"brief-opening-help", "brief-opening-more"} {
		t.Run(name, func(t *testing.T) {
			got, err := r.Brief(samples[i])
			if err != nil {
				t.Fatalf("Brief() = %v", err)
			}
			golden(t, name+".txt", got.Text)
			golden(t, name+".html", got.HTML)
		})
	}
}

// TestPromptsOverride checks that a templates_dir that redefines "prompts"
// as it was before the opening (a list over .D, .Mine and .Theirs) still
// loads and is used.
func TestPromptsOverride(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"mine.txt.tmpl": `{{define "prompts"}}- MY PROMPTS for {{first .D.Boss.Name}}: {{len .Mine}} mine, {{len .Theirs}} theirs` + "\n" + `{{end}}`,
		"mine.html.tmpl": `{{define "prompts"}}<ul><li>MY PROMPTS for {{first .D.Boss.Name}}: {{len .Mine}} mine, ` +
			`{{len .Theirs}} theirs</li></ul>{{end}}`,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r, err := New(dir)
	if err != nil {
		t.Fatalf("New(%s) = %v", dir, err)
	}
	got, err := r.Brief(SampleBrief(fixedNow(t)))
	if err != nil {
		t.Fatalf("Brief() = %v", err)
	}
	if !strings.Contains(got.Text, "YOUR OPENING\n- MY PROMPTS for Dana: 3 mine, 1 theirs\n") {
		t.Errorf("text does not use the user's prompts block:\n%s", got.Text)
	}
	if !strings.Contains(got.HTML, "<li>MY PROMPTS for Dana: 3 mine, 1 theirs</li>") || strings.Contains(got.HTML, "New date:") {
		t.Errorf("HTML does not use the user's prompts block alone:\n%s", got.HTML)
	}
}
