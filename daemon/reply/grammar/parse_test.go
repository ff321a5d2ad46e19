package grammar

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin on every machine
)

// berlin loads the user's zone of the tests.
func berlin(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("LoadLocation() = %v", err)
	}
	return loc
}

// opts are the options of most tests: boss Dana Whitfield, a reply sent on
// Tuesday 24 November 2026 at 10:00 in Berlin, numeric dates month first
// ("12/3" is December 3).
func opts(t testing.TB) Options {
	return Options{
		BossNames: []string{"Dana Whitfield"},
		Now:       time.Date(2026, time.November, 24, 10, 0, 0, 0, berlin(t)),
		Location:  berlin(t),
		DateOrder: MonthFirst,
	}
}

func day(y int, m time.Month, d int) *Date { return &Date{y, m, d} }

// show prints a Log for a failure message.
func show(l Log) string {
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// Items of each kind, for the tables below; their Source is not compared
// unless set (see sameLog).
func dec(text string) Item   { return Item{Kind: Decision, Text: text} }
func fb(text string) Item    { return Item{Kind: Feedback, Text: text} }
func note(text string) Item  { return Item{Kind: Note, Text: text} }
func topic(text string) Item { return Item{Kind: Topic, Text: text} }
func act(text, owner string, due *Date) Item {
	return Item{Kind: Action, Text: text, Owner: owner, Due: due}
}

// guessed marks an item as inferred from its wording.
func guessed(it Item) Item {
	it.Inferred = true
	return it
}

// from sets the Source an item is expected to have.
func from(it Item, source string) Item {
	it.Source = source
	return it
}

// items makes the Items of a Log.
func items(its ...Item) []Item { return its }

// sameLog compares two logs, leaving out the Source of every item whose
// expected Source is empty.
func sameLog(got, want Log) bool {
	if len(got.Items) == len(want.Items) {
		g := got
		g.Items = slices.Clone(got.Items)
		for i := range g.Items {
			if want.Items[i].Source == "" {
				g.Items[i].Source = ""
			}
		}
		got = g
	}
	return reflect.DeepEqual(got, want)
}

// template is the follow-up email as sent, which a reply may quote in full.
const template = `How did your 1:1 with Dana go (Tue 24 Nov)? Note it down while it is fresh.

Decisions:
-

Action items:
-

Feedback:
-

Next time:
-

Still open with Dana (reply "done 12" to close one):
- [12] Send Dana the Q1 headcount plan draft (you, 4 days overdue)
- [15] Approve the contractor budget for the migration (Dana)
- [17] Write up the EU cut-over runbook (you, due Thu)

Reply to this email and write under the headings; a line like "me: send the budget by Friday" or "Dana: approve the hiring plan" sets who owns it.`

func TestParseReplies(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Log
	}{
		{
			name: "empty",
			text: "",
			want: Log{},
		},
		{
			name: "unfilled template",
			text: template,
			want: Log{},
		},
		{
			name: "top-posted short reply on separate lines",
			// Before any heading each line is sorted by its wording.
			text: "Decided to ship March 3.\nI'll send the deck by Friday.\ndone 12.\n\nThanks,\nSam\n\n" + template,
			want: Log{
				Items: items(
					from(guessed(dec("ship March 3")), "Decided to ship March 3."),
					from(guessed(act("send the deck", "me", day(2026, 11, 27))), "I'll send the deck by Friday."),
				),
				Done: []int{12},
			},
		},
		{
			name: "top-posted short reply on one line",
			// Each sentence is an item, a closing or a sign-off; every item
			// quotes the whole line.
			text: "Decided to ship March 3. I'll send the deck by Friday. done 12. Thanks, Sam",
			want: Log{
				Items: items(
					from(guessed(dec("ship March 3")), "Decided to ship March 3. I'll send the deck by Friday. done 12. Thanks, Sam"),
					from(guessed(act("send the deck", "me", day(2026, 11, 27))), "Decided to ship March 3. I'll send the deck by Friday. done 12. Thanks, Sam"),
				),
				Done: []int{12},
			},
		},
		{
			name: "top-posted reply with headings",
			text: "Decisions: ship on March 3\nActions: I'll send the deck by Friday\ndone 12\n\nThanks, Sam\n\n" + template,
			want: Log{
				Items: items(
					from(dec("ship on March 3"), "Decisions: ship on March 3"),
					from(act("send the deck", "me", day(2026, 11, 27)), "Actions: I'll send the deck by Friday"),
				),
				Done: []int{12},
			},
		},
		{
			name: "template filled in",
			text: `How did your 1:1 with Dana go (Tue 24 Nov)? Note it down while it is fresh.

Decisions:
- Ship the EU cut-over on March 3.
- Hold the contractor budget until Q2

Action items:
- Send Dana the updated migration plan by Friday
- Dana: intro me to Jordan by Friday.
- Priya Nair: security review of billing (due 12/3)
- @jordan share the load-test numbers by EOW

Feedback:
- The weekly update is too long; lead with the risks.

Next time:
- Promotion timeline for Alex?
- Headcount for Q1

Still open with Dana (reply "done 12" to close one):
- [12] Send Dana the Q1 headcount plan draft (you, 4 days overdue)
- [15] Approve the contractor budget for the migration (Dana)
done 12
done #15

Reply to this email and write under the headings; a line like "me: send the budget by Friday" or "Dana: approve the hiring plan" sets who owns it.`,
			want: Log{
				Items: items(
					from(dec("Ship the EU cut-over on March 3"), "- Ship the EU cut-over on March 3."),
					dec("Hold the contractor budget until Q2"),
					from(act("Send Dana the updated migration plan", "me", day(2026, 11, 27)), "- Send Dana the updated migration plan by Friday"),
					act("intro me to Jordan", "boss", day(2026, 11, 27)),
					act("security review of billing", "Priya Nair", day(2026, 12, 3)),
					act("share the load-test numbers", "jordan", day(2026, 11, 27)),
					fb("The weekly update is too long; lead with the risks"),
					topic("Promotion timeline for Alex?"),
					topic("Headcount for Q1"),
				),
				Done: []int{12, 15},
			},
		},
		{
			name: "example in GRAMMAR.md",
			text: "Decisions:\n- Ship the EU cut-over on March 3\n\nAction items:\n- Send Dana the migration plan by Friday\n" +
				"- Dana: intro me to Jordan by Friday.\n- Priya Nair: security review (due 12/3)\n\nFeedback:\n" +
				"- Lead the weekly update with the risks\n\nNext time:\n- Promotion timeline?\n\ndone 12\n\nThanks,\nSam\n",
			want: Log{
				Items: items(
					dec("Ship the EU cut-over on March 3"),
					act("Send Dana the migration plan", "me", day(2026, 11, 27)),
					act("intro me to Jordan", "boss", day(2026, 11, 27)),
					act("security review", "Priya Nair", day(2026, 12, 3)),
					fb("Lead the weekly update with the risks"),
					topic("Promotion timeline?"),
				),
				Done: []int{12},
			},
		},
		{
			name: "markdown reply",
			text: `## Decisions
* We go with vendor B

## My action items
1. Draft the RFC
   - include the cost table
2. Book the design review by next week

## Dana's action items
1) Approve the budget
2) Jordan: send the contract

## Notes
Dana is out 7–11 Dec.`,
			want: Log{
				Items: items(
					dec("We go with vendor B"),
					from(act("Draft the RFC include the cost table", "me", nil), "1. Draft the RFC - include the cost table"),
					act("Book the design review", "me", day(2026, 11, 30)),
					act("Approve the budget", "boss", nil),
					act("send the contract", "Jordan", nil),
					note("Dana is out 7–11 Dec"),
				),
			},
		},
		{
			name: "no bullets, blank lines between items",
			text: "Feedback:\nGreat demo\n\nToo many slides\n\n\nNotes\nhiring freeze until March\n",
			want: Log{Items: items(fb("Great demo"), fb("Too many slides"), note("hiring freeze until March"))},
		},
		{
			name: "text before any heading is notes",
			text: "Good meeting overall.\nShe seemed stressed about the re-org.\n\nDecisions:\n- freeze hiring",
			want: Log{Items: items(
				from(note("Good meeting overall"), "Good meeting overall."),
				note("She seemed stressed about the re-org"),
				dec("freeze hiring"),
			)},
		},
		{
			name: "a sentence starting with a heading word is no heading",
			text: "Action items:\n- send deck\nDecisions were hard this week.\nFeedback from Dana: good job\nNotes",
			want: Log{Items: items(
				act("send deck", "me", nil),
				act("Decisions were hard this week", "me", nil),
				act("good job", "Feedback from Dana", nil),
			)},
		},
		{
			name: "owner prefix outside action sections stays text",
			text: "Decisions:\nDana: we ship by Friday\n\nNext time:\n- I'll bring the numbers",
			want: Log{Items: items(dec("Dana: we ship by Friday"), topic("I'll bring the numbers"))},
		},
		{
			name: "rule lines are ignored and end nothing",
			text: "Decisions:\n---\n- ship it\n***\n___\n- and tell sales",
			want: Log{Items: items(dec("ship it"), dec("and tell sales"))},
		},
		{
			name: "closing ends the reply",
			text: "Feedback:\n- loved the demo\n\nCheers,\nSam Lee\nStaff Engineer, Acme\n\nNotes:\n- not read",
			want: Log{Items: items(fb("loved the demo"))},
		},
		{
			name: "thanks in a sentence is an item",
			text: "Feedback:\n- Thanks to Priya for the numbers\n- Thank you for the quick turnaround on the review\nThanks Priya for the numbers!\n\nThanks!",
			want: Log{Items: items(fb("Thanks to Priya for the numbers"), fb("Thank you for the quick turnaround on the review"), fb("Thanks Priya for the numbers"))},
		},
		{
			name: "unplaced lines",
			text: "done\nAction items:\n- Jordan:\n- by Friday\n- me:\nDone.",
			want: Log{Unplaced: []string{"done", "- Jordan:", "- by Friday", "- me:", "Done."}},
		},
		{
			name: "quoted lines are skipped",
			text: "Notes:\n- fine\n> On Tue, leadup wrote:\n> Decisions:\n- also fine",
			want: Log{Items: items(note("fine"), note("also fine"))},
		},
		{
			name: "windows line endings, tabs and non-breaking spaces",
			text: "Action items:\r\n-\u00a0send\u00a0deck by\u00a0Friday\r\n\tand the notes\r\n- \u200bcall Jordan\r\n",
			want: Log{Items: items(act("send deck and the notes", "me", day(2026, 11, 27)), act("call Jordan", "me", nil))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.text, opts(t))
			if !sameLog(got, tt.want) {
				t.Errorf("Parse(%q) =\n%s\nwant\n%s", tt.text, show(got), show(tt.want))
			}
		})
	}
}

func TestParseHeadings(t *testing.T) {
	tests := []struct {
		heading string
		want    Log
	}{
		{"Decisions:", Log{Items: items(dec("x"))}},
		{"decisions", Log{Items: items(dec("x"))}},
		{"DECIDED:", Log{Items: items(dec("x"))}},
		{"Decision", Log{Items: items(dec("x"))}},
		{"# Decisions", Log{Items: items(dec("x"))}},
		{"### Decisions:", Log{Items: items(dec("x"))}},
		{"**Decisions**", Log{Items: items(dec("x"))}},
		{"**Decisions:**", Log{Items: items(dec("x"))}},
		{"**Decisions**:", Log{Items: items(dec("x"))}},
		{"__Decisions__", Log{Items: items(dec("x"))}},
		{"## **Decisions**", Log{Items: items(dec("x"))}},
		{"   Decisions :", Log{Items: items(dec("x"))}},
		{"Action items:", Log{Items: items(act("x", "me", nil))}},
		{"ACTIONS", Log{Items: items(act("x", "me", nil))}},
		{"Action", Log{Items: items(act("x", "me", nil))}},
		{"To do:", Log{Items: items(act("x", "me", nil))}},
		{"Todo", Log{Items: items(act("x", "me", nil))}},
		{"To-do:", Log{Items: items(act("x", "me", nil))}},
		{"Next steps", Log{Items: items(act("x", "me", nil))}},
		{"My action items:", Log{Items: items(act("x", "me", nil))}},
		{"My actions", Log{Items: items(act("x", "me", nil))}},
		{"Mine:", Log{Items: items(act("x", "me", nil))}},
		{"Boss action items:", Log{Items: items(act("x", "boss", nil))}},
		{"Dana's action items:", Log{Items: items(act("x", "boss", nil))}},
		{"dana’s action items", Log{Items: items(act("x", "boss", nil))}},
		{"Dana's actions", Log{Items: items(act("x", "boss", nil))}},
		{"Dana Whitfield's actions:", Log{Items: items(act("x", "boss", nil))}},
		{"For Dana:", Log{Items: items(act("x", "boss", nil))}},
		{"**for dana**", Log{Items: items(act("x", "boss", nil))}},
		{"Feedback:", Log{Items: items(fb("x"))}},
		{"## feedback", Log{Items: items(fb("x"))}},
		{"Notes:", Log{Items: items(note("x"))}},
		{"Note", Log{Items: items(note("x"))}},
		{"Next time:", Log{Items: items(topic("x"))}},
		{"Topics", Log{Items: items(topic("x"))}},
		{"For next meeting:", Log{Items: items(topic("x"))}},
		{"For next time", Log{Items: items(topic("x"))}},
		{"Talking points:", Log{Items: items(topic("x"))}},
		{"AGENDA", Log{Items: items(topic("x"))}},
		// Not headings: the line is an item of the section above (notes).
		{"Jordan's action items:", Log{Items: items(note("Jordan's action items"), note("x"))}},
		{"For Jordan", Log{Items: items(note("For Jordan"), note("x"))}},
		{"- Decisions:", Log{Items: items(note("Decisions"), note("x"))}},
		{"Decisions made", Log{Items: items(note("Decisions made"), note("x"))}},
		{"*Decisions*", Log{Items: items(note("*Decisions*"), note("x"))}},
	}
	for _, tt := range tests {
		t.Run(tt.heading, func(t *testing.T) {
			text := tt.heading + "\n- x"
			got := Parse(text, opts(t))
			if !sameLog(got, tt.want) {
				t.Errorf("Parse(%q) =\n%s\nwant\n%s", text, show(got), show(tt.want))
			}
		})
	}
}

func TestParseHeadingText(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Log
	}{
		{"decision", "Decisions: ship on March 3", Log{Items: items(dec("ship on March 3"))}},
		{"bold", "**Decisions:** ship on March 3", Log{Items: items(dec("ship on March 3"))}},
		{"bold then colon", "**Decided**: ship on March 3.", Log{Items: items(dec("ship on March 3"))}},
		{"hash", "## Feedback: too long", Log{Items: items(fb("too long"))}},
		{"action with owner and due", "Actions: Dana: approve the budget by tomorrow",
			Log{Items: items(act("approve the budget", "boss", day(2026, 11, 25)))}},
		{"boss heading with text", "For Dana: sign the offer", Log{Items: items(act("sign the offer", "boss", nil))}},
		{"mine with text", "Mine: book the room", Log{Items: items(act("book the room", "me", nil))}},
		{"next item follows", "Next time: budget\n- hiring", Log{Items: items(topic("budget"), topic("hiring"))}},
		{"continuation of heading text", "Decisions: ship on March 3\n  after the freeze", Log{Items: items(dec("ship on March 3 after the freeze"))}},
		{"done after heading", "Action items: done 12", Log{Done: []int{12}}},
		{"note heading switches sections", "Actions:\n- send deck\nNote: Dana is out\n- book room",
			Log{Items: items(act("send deck", "me", nil), note("Dana is out"), note("book room"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.text, opts(t))
			if !sameLog(got, tt.want) {
				t.Errorf("Parse(%q) =\n%s\nwant\n%s", tt.text, show(got), show(tt.want))
			}
		})
	}
}

func TestParseItems(t *testing.T) {
	tests := []struct {
		name string
		item string // under "Notes:"
		want []string
	}{
		{"dash", "- ship it", []string{"ship it"}},
		{"star", "* ship it", []string{"ship it"}},
		{"bullet", "• ship it", []string{"ship it"}},
		{"bullet without space", "•ship it", []string{"ship it"}},
		{"en dash", "– ship it", []string{"ship it"}},
		{"plus", "+ ship it", []string{"ship it"}},
		{"numbered dot", "1. ship it", []string{"ship it"}},
		{"numbered paren", "12) ship it", []string{"ship it"}},
		{"lettered", "a) ship it", []string{"ship it"}},
		{"box", "[ ] ship it", []string{"ship it"}},
		{"ticked box", "[x] ship it", []string{"ship it"}},
		{"ticked box upper", "[X] ship it", []string{"ship it"}},
		{"bullet and box", "- [ ] ship it", []string{"ship it"}},
		{"no bullet", "ship it", []string{"ship it"}},
		{"empty bullets", "-\n*\n1.\n[ ]\n- [ ]", nil},
		{"not bullets", "-5% churn\n**bold** move\n1.5 days late\nA. Smith joins", []string{"-5% churn", "**bold** move", "1.5 days late", "A. Smith joins"}},
		{"trailing punctuation", "- ship it!;.\n- why?\n- ends with colon:", []string{"ship it", "why?", "ends with colon"}},
		{"whitespace collapsed", "-   ship    it  now ", []string{"ship it now"}},
		{"casing kept", "- Ship IT to EU", []string{"Ship IT to EU"}},
		{"indented continuation", "- ship the EU cut-over\n  on March 3\n- next", []string{"ship the EU cut-over on March 3", "next"}},
		{"nested bullets", "- launch plan\n  - beta in Jan\n    * GA in March\n- next", []string{"launch plan beta in Jan GA in March", "next"}},
		{"continuation that reads like a heading", "- put it on the\n  agenda\n- next", []string{"put it on the agenda", "next"}},
		{"tab continuation", "- launch plan\n\tbeta in Jan", []string{"launch plan beta in Jan"}},
		{"blank line ends item", "- launch plan\n\n  beta in Jan", []string{"launch plan", "beta in Jan"}},
		{"same indent is a new item", "  - one\n  - two", []string{"one", "two"}},
		{"unindented line is a new item", "- one\ntwo", []string{"one", "two"}},
		{"rules", "---\n***\n___\n- - -", nil},
		{"template leftovers", "- [12] Send Dana the Q1 headcount plan draft (you, 4 days overdue)\n[15] Approve the budget (Dana)\nStill open with Dana (reply \"done 12\" to close one):", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "Notes:\n" + tt.item
			got := Parse(text, opts(t))
			var want Log
			for _, n := range tt.want {
				want.Items = append(want.Items, note(n))
			}
			if !sameLog(got, want) {
				t.Errorf("Parse(%q) =\n%s\nwant\n%s", text, show(got), show(want))
			}
		})
	}
}

func TestParseOwners(t *testing.T) {
	tests := []struct {
		name    string
		heading string
		item    string
		want    Item
	}{
		{"default", "Action items:", "- send deck", act("send deck", "me", nil)},
		{"me colon", "Action items:", "- me: send deck", act("send deck", "me", nil)},
		{"Me colon", "Action items:", "Me : send deck", act("send deck", "me", nil)},
		{"I colon", "Action items:", "- I: send deck", act("send deck", "me", nil)},
		{"I'll", "Action items:", "- I'll send the deck", act("send the deck", "me", nil)},
		{"I’ll curly", "Action items:", "- I’ll send the deck", act("send the deck", "me", nil)},
		{"I will", "Action items:", "- I will send the deck", act("send the deck", "me", nil)},
		{"at me", "Action items:", "- @me send the deck", act("send the deck", "me", nil)},
		{"boss first name", "Action items:", "- Dana: approve budget", act("approve budget", "boss", nil)},
		{"boss first name lower", "Action items:", "- dana: approve budget", act("approve budget", "boss", nil)},
		{"boss full name", "Action items:", "- Dana Whitfield: approve budget", act("approve budget", "boss", nil)},
		{"boss full name upper", "Action items:", "- DANA WHITFIELD: approve budget", act("approve budget", "boss", nil)},
		{"boss word", "Action items:", "- Boss: approve budget", act("approve budget", "boss", nil)},
		{"boss handle", "Action items:", "- @dana approve budget", act("approve budget", "boss", nil)},
		{"boss dotted handle", "Action items:", "- @dana.whitfield: approve budget", act("approve budget", "boss", nil)},
		{"other person", "Action items:", "- Jordan: send numbers", act("send numbers", "Jordan", nil)},
		{"other person lower", "Action items:", "- jordan: send numbers", act("send numbers", "jordan", nil)},
		{"other full name", "Action items:", "- Priya Nair: security review", act("security review", "Priya Nair", nil)},
		{"three words", "Action items:", "- Mary Ann Lee: review", act("review", "Mary Ann Lee", nil)},
		{"apostrophe and hyphen", "Action items:", "- Jean-Luc O'Neil: review", act("review", "Jean-Luc O'Neil", nil)},
		{"unicode name", "Action items:", "- Zoë Ångström: review", act("review", "Zoë Ångström", nil)},
		{"handle", "Action items:", "- @jordan send numbers", act("send numbers", "jordan", nil)},
		{"handle with colon", "Action items:", "- @Jordan: send numbers", act("send numbers", "Jordan", nil)},
		{"four words is no owner", "Action items:", "- Jordan and Priya Nair: pair", act("Jordan and Priya Nair: pair", "me", nil)},
		{"digits is no owner", "Action items:", "- Q1 plan: finish", act("Q1 plan: finish", "me", nil)},
		{"note is no owner", "Action items:", "- Note: room booked", act("Note: room booked", "me", nil)},
		{"fyi is no owner", "Action items:", "- FYI: room booked", act("FYI: room booked", "me", nil)},
		{"re is no owner", "Action items:", "- Re: budget", act("Re: budget", "me", nil)},
		{"question is no owner", "Action items:", "- Question: who pays", act("Question: who pays", "me", nil)},
		{"heading word is no owner", "Action items:", "- Feedback: slides", act("Feedback: slides", "me", nil)},
		{"url is no owner", "Action items:", "- https://example.com/doc read it", act("https://example.com/doc read it", "me", nil)},
		{"colon mid-sentence", "Action items:", "- send deck to Jordan: the new one", act("send deck to Jordan: the new one", "me", nil)},
		{"boss section default", "Dana's action items:", "- approve budget", act("approve budget", "boss", nil)},
		{"boss section me", "For Dana:", "- I'll send the draft first", act("send the draft first", "me", nil)},
		{"boss section other", "Boss action items:", "- Jordan: countersign", act("countersign", "Jordan", nil)},
		{"my section other", "My actions:", "- Dana: approve", act("approve", "boss", nil)},
		{"box then owner", "Action items:", "- [ ] Dana: approve budget", act("approve budget", "boss", nil)},
		{"owner on continuation's item", "Action items:", "- Jordan: send the numbers\n  for Q1", act("send the numbers for Q1", "Jordan", nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.heading + "\n" + tt.item
			got := Parse(text, opts(t))
			want := Log{Items: items(tt.want)}
			if !sameLog(got, want) {
				t.Errorf("Parse(%q) =\n%s\nwant\n%s", text, show(got), show(want))
			}
		})
	}
}

func TestParseBossNames(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		item  string
		owner string
	}{
		{"no boss names", nil, "Dana: approve", "Dana"},
		{"first name only", []string{"Dana"}, "dana: approve", "boss"},
		{"first name from full", []string{"Dana Whitfield"}, "Dana: approve", "boss"},
		{"last name alone is someone else", []string{"Dana Whitfield"}, "Whitfield: approve", "Whitfield"},
		{"extra spaces", []string{"  Dana   Whitfield "}, "Dana Whitfield: approve", "boss"},
		{"several names", []string{"Dana Whitfield", "DW"}, "dw: approve", "boss"},
		{"handle without dot", []string{"Dana Whitfield"}, "@danawhitfield approve", "boss"},
		{"empty names ignored", []string{"", " "}, "Jordan: approve", "Jordan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := opts(t)
			o.BossNames = tt.names
			got := Parse("Actions:\n"+tt.item, o)
			if a := got.Of(Action); len(a) != 1 || a[0].Owner != tt.owner {
				t.Errorf("Parse(%q) with BossNames %q =\n%s\nwant owner %q", tt.item, tt.names, show(got), tt.owner)
			}
		})
	}
}

func TestParseDone(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		done     []int
		unplaced []string
	}{
		{"done", "done 12", []int{12}, nil},
		{"Done period", "Done 12.", []int{12}, nil},
		{"done hash", "done #12", []int{12}, nil},
		{"done colon list", "Done: 12, 14", []int{12, 14}, nil},
		{"done and", "done 12 and 14", []int{12, 14}, nil},
		{"done ampersand hashes", "DONE #12 & #14", []int{12, 14}, nil},
		{"ticked hash", "[x] #12", []int{12}, nil},
		{"ticked", "[x] 12", []int{12}, nil},
		{"ticked upper bulleted", "- [X] 12", []int{12}, nil},
		{"closed", "closed #12", []int{12}, nil},
		{"hash done", "#12 done", []int{12}, nil},
		{"hash list done", "#12, #14 done", []int{12, 14}, nil},
		{"is done", "#12 is done!", []int{12}, nil},
		{"bracket done", "[12] done", []int{12}, nil},
		{"bulleted", "- done 12", []int{12}, nil},
		{"numbered", "1. done 12", []int{12}, nil},
		{"in a section", "Feedback:\n- good\ndone 12\n- more", []int{12}, nil},
		{"indented under an item", "Actions:\n- send deck\n  done 12", []int{12}, nil},
		{"dedup in order", "done 14\ndone 12, 14\n#12 done\ndone 3", []int{14, 12, 3}, nil},
		{"no number", "done", nil, []string{"done"}},
		{"no number bulleted", "- Done!", nil, []string{"- Done!"}},
		{"hash only", "done #", nil, []string{"done #"}},
		{"spaces collapsed", "done   !", nil, []string{"done !"}},
		{"closed alone", "Closed.", nil, []string{"Closed."}},
		{"number too long", "done 12345678901234567890", nil, []string{"done 12345678901234567890"}},
		{"unticked box is no closing", "[ ] 12", nil, nil},
		{"template's still-open line is no closing", `Still open with Dana (reply "done 12" to close one):`, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.text, opts(t))
			if !reflect.DeepEqual(got.Done, tt.done) || !reflect.DeepEqual(got.Unplaced, tt.unplaced) {
				t.Errorf("Parse(%q) =\n%s\nwant Done %v, Unplaced %q", tt.text, show(got), tt.done, tt.unplaced)
			}
			for _, a := range got.Of(Action) {
				if strings.Contains(a.Text, "done") {
					t.Errorf("Parse(%q): closing line also an action %q", tt.text, a.Text)
				}
			}
		})
	}
}

func TestParseClosings(t *testing.T) {
	tests := []struct {
		line    string
		closing bool
	}{
		{"Thanks,", true},
		{"Thanks", true},
		{"Thank you!", true},
		{"Thx", true},
		{"Cheers,", true},
		{"Best,", true},
		{"Best regards,", true},
		{"Kind regards,", true},
		{"Regards,", true},
		{"Many thanks", true},
		{"Danke,", true},
		{"Viele Grüße", true},
		{"viele grüsse,", true},
		{"Merci,", true},
		{"Cordialement", true},
		{"Saludos,", true},
		{"Gracias", true},
		{"Grazie", true},
		{"Groeten", true},
		{"Obrigado", true},
		{"Abraço", true},
		{"Thanks, Sam", true},
		{"Thanks, sam lee", true},
		{"Cheers Dana!", true},
		{"Thanks again!", true},
		{"Thank you so much!", true},
		{"Thanks 🙏", true},
		{"THANKS!!", true},
		{"Thanks to Priya for the numbers", false},
		{"Thanks to Priya", false},
		{"Thanks for the feedback", false},
		{"Thank you for your time today", false},
		{"Best practice doc", false},
		{"Thanksgiving plans", false},
		{"Regards to the team from Dana", false},
		{"- Thanks", false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			text := "Notes:\n- before\n" + tt.line + "\nSam\n- after"
			got := Parse(text, opts(t))
			want := Log{Items: items(note("before"))}
			if !tt.closing {
				want.Items = append(want.Items, note(clean(strings.TrimPrefix(tt.line, "- "))), note("Sam"), note("after"))
			}
			if !sameLog(got, want) {
				t.Errorf("Parse(%q) =\n%s\nwant\n%s", text, show(got), show(want))
			}
		})
	}
}

func TestParseLocation(t *testing.T) {
	tests := []struct {
		name string
		now  time.Time
		loc  *time.Location
		want Date
	}{
		// 23:30 UTC on Tuesday is already Wednesday in Berlin.
		{"user's zone", time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC), berlin(t), Date{2026, 11, 26}},
		{"nil is UTC", time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC), nil, Date{2026, 11, 25}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{Now: tt.now, Location: tt.loc}
			got := Parse("Actions:\n- call by tomorrow", o)
			if a := got.Of(Action); len(a) != 1 || a[0].Due == nil || *a[0].Due != tt.want {
				t.Errorf("Parse(by tomorrow) at %v in %v =\n%s\nwant due %v", tt.now, tt.loc, show(got), tt.want)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	a := Item{Kind: Action, Text: "x", Owner: "me", Due: &Date{2026, time.December, 3}, Source: "x by Dec 3", Inferred: true}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("Marshal() = %v", err)
	}
	if want := `{"Kind":"action","Text":"x","Owner":"me","Due":"2026-12-03","Source":"x by Dec 3","Inferred":true}`; string(b) != want {
		t.Errorf("Marshal() = %s, want %s", b, want)
	}
	var back Item
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s) = %v", b, err)
	}
	if !reflect.DeepEqual(back, a) {
		t.Errorf("Unmarshal(%s) = %+v, want %+v", b, back, a)
	}
	for _, bad := range []string{`"2026-13-01"`, `20261203`, `"tomorrow"`} {
		var d Date
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", bad, d)
		}
	}
	if got := (Date{2026, time.March, 3}).In(berlin(t)); !got.Equal(time.Date(2026, 3, 3, 0, 0, 0, 0, berlin(t))) {
		t.Errorf("In(Berlin) = %v", got)
	}
}
