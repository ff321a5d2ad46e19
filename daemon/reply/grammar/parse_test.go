package grammar

import (
	"encoding/json"
	"reflect"
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
// Tuesday 24 November 2026 at 10:00 in Berlin.
func opts(t testing.TB) Options {
	return Options{
		BossNames: []string{"Dana Whitfield"},
		Now:       time.Date(2026, time.November, 24, 10, 0, 0, 0, berlin(t)),
		Location:  berlin(t),
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
			// Before any heading everything is a note: "I'll" sets an owner
			// only under an action heading.
			text: "Decided to ship March 3.\nI'll send the deck by Friday.\ndone 12.\n\nThanks,\nSam\n\n" + template,
			want: Log{
				Notes: []string{"Decided to ship March 3", "I'll send the deck by Friday"},
				Done:  []int{12},
			},
		},
		{
			name: "top-posted short reply on one line",
			// Items, closings and "done" are whole lines: a one-line reply
			// is one note.
			text: "Decided to ship March 3. I'll send the deck by Friday. done 12. Thanks, Sam",
			want: Log{
				Notes: []string{"Decided to ship March 3. I'll send the deck by Friday. done 12. Thanks, Sam"},
			},
		},
		{
			name: "top-posted reply with headings",
			text: "Decisions: ship on March 3\nActions: I'll send the deck by Friday\ndone 12\n\nThanks, Sam\n\n" + template,
			want: Log{
				Decisions: []string{"ship on March 3"},
				Actions:   []Action{{Text: "send the deck", Owner: "me", Due: day(2026, 11, 27)}},
				Done:      []int{12},
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
				Decisions: []string{"Ship the EU cut-over on March 3", "Hold the contractor budget until Q2"},
				Actions: []Action{
					{Text: "Send Dana the updated migration plan", Owner: "me", Due: day(2026, 11, 27)},
					{Text: "intro me to Jordan", Owner: "boss", Due: day(2026, 11, 27)},
					{Text: "security review of billing", Owner: "Priya Nair", Due: day(2026, 12, 3)},
					{Text: "share the load-test numbers", Owner: "jordan", Due: day(2026, 11, 27)},
				},
				Feedback: []string{"The weekly update is too long; lead with the risks"},
				Topics:   []string{"Promotion timeline for Alex?", "Headcount for Q1"},
				Done:     []int{12, 15},
			},
		},
		{
			name: "example in GRAMMAR.md",
			text: "Decisions:\n- Ship the EU cut-over on March 3\n\nAction items:\n- Send Dana the migration plan by Friday\n" +
				"- Dana: intro me to Jordan by Friday.\n- Priya Nair: security review (due 12/3)\n\nFeedback:\n" +
				"- Lead the weekly update with the risks\n\nNext time:\n- Promotion timeline?\n\ndone 12\n\nThanks,\nSam\n",
			want: Log{
				Decisions: []string{"Ship the EU cut-over on March 3"},
				Actions: []Action{
					{Text: "Send Dana the migration plan", Owner: "me", Due: day(2026, 11, 27)},
					{Text: "intro me to Jordan", Owner: "boss", Due: day(2026, 11, 27)},
					{Text: "security review", Owner: "Priya Nair", Due: day(2026, 12, 3)},
				},
				Feedback: []string{"Lead the weekly update with the risks"},
				Topics:   []string{"Promotion timeline?"},
				Done:     []int{12},
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
				Decisions: []string{"We go with vendor B"},
				Actions: []Action{
					{Text: "Draft the RFC include the cost table", Owner: "me"},
					{Text: "Book the design review", Owner: "me", Due: day(2026, 11, 30)},
					{Text: "Approve the budget", Owner: "boss"},
					{Text: "send the contract", Owner: "Jordan"},
				},
				Notes: []string{"Dana is out 7–11 Dec"},
			},
		},
		{
			name: "no bullets, blank lines between items",
			text: "Feedback:\nGreat demo\n\nToo many slides\n\n\nNotes\nhiring freeze until March\n",
			want: Log{
				Feedback: []string{"Great demo", "Too many slides"},
				Notes:    []string{"hiring freeze until March"},
			},
		},
		{
			name: "text before any heading is notes",
			text: "Good meeting overall.\nShe seemed stressed about the re-org.\n\nDecisions:\n- freeze hiring",
			want: Log{
				Decisions: []string{"freeze hiring"},
				Notes:     []string{"Good meeting overall", "She seemed stressed about the re-org"},
			},
		},
		{
			name: "a sentence starting with a heading word is no heading",
			text: "Action items:\n- send deck\nDecisions were hard this week.\nFeedback from Dana: good job\nNotes",
			want: Log{
				Actions: []Action{
					{Text: "send deck", Owner: "me"},
					{Text: "Decisions were hard this week", Owner: "me"},
					{Text: "good job", Owner: "Feedback from Dana"},
				},
			},
		},
		{
			name: "owner prefix outside action sections stays text",
			text: "Decisions:\nDana: we ship by Friday\n\nNext time:\n- I'll bring the numbers",
			want: Log{
				Decisions: []string{"Dana: we ship by Friday"},
				Topics:    []string{"I'll bring the numbers"},
			},
		},
		{
			name: "rule lines are ignored and end nothing",
			text: "Decisions:\n---\n- ship it\n***\n___\n- and tell sales",
			want: Log{Decisions: []string{"ship it", "and tell sales"}},
		},
		{
			name: "closing ends the reply",
			text: "Feedback:\n- loved the demo\n\nCheers,\nSam Lee\nStaff Engineer, Acme\n\nNotes:\n- not read",
			want: Log{Feedback: []string{"loved the demo"}},
		},
		{
			name: "thanks in a sentence is an item",
			text: "Feedback:\n- Thanks to Priya for the numbers\n- Thank you for the quick turnaround on the review\nThanks Priya for the numbers!\n\nThanks!",
			want: Log{Feedback: []string{
				"Thanks to Priya for the numbers",
				"Thank you for the quick turnaround on the review",
				"Thanks Priya for the numbers",
			}},
		},
		{
			name: "unplaced lines",
			text: "done\nAction items:\n- Jordan:\n- by Friday\n- me:\nDone.",
			want: Log{Unplaced: []string{"done", "- Jordan:", "- by Friday", "- me:", "Done."}},
		},
		{
			name: "quoted lines are skipped",
			text: "Notes:\n- fine\n> On Tue, leadup wrote:\n> Decisions:\n- also fine",
			want: Log{Notes: []string{"fine", "also fine"}},
		},
		{
			name: "windows line endings, tabs and non-breaking spaces",
			text: "Action items:\r\n-\u00a0send\u00a0deck by\u00a0Friday\r\n\tand the notes\r\n- \u200bcall Jordan\r\n",
			want: Log{Actions: []Action{
				{Text: "send deck and the notes", Owner: "me", Due: day(2026, 11, 27)},
				{Text: "call Jordan", Owner: "me"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.text, opts(t))
			if !reflect.DeepEqual(got, tt.want) {
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
		{"Decisions:", Log{Decisions: []string{"x"}}},
		{"decisions", Log{Decisions: []string{"x"}}},
		{"DECIDED:", Log{Decisions: []string{"x"}}},
		{"Decision", Log{Decisions: []string{"x"}}},
		{"# Decisions", Log{Decisions: []string{"x"}}},
		{"### Decisions:", Log{Decisions: []string{"x"}}},
		{"**Decisions**", Log{Decisions: []string{"x"}}},
		{"**Decisions:**", Log{Decisions: []string{"x"}}},
		{"**Decisions**:", Log{Decisions: []string{"x"}}},
		{"__Decisions__", Log{Decisions: []string{"x"}}},
		{"## **Decisions**", Log{Decisions: []string{"x"}}},
		{"   Decisions :", Log{Decisions: []string{"x"}}},
		{"Action items:", Log{Actions: []Action{{Text: "x", Owner: "me"}}}},
		{"ACTIONS", Log{Actions: []Action{{Text: "x", Owner: "me"}}}},
		{"Action", Log{Actions: []Action{{Text: "x", Owner: "me"}}}},
		{"To do:", Log{Actions: []Action{{Text: "x", Owner: "me"}}}},
		{"Todo", Log{Actions: []Action{{Text: "x", Owner: "me"}}}},
		{"To-do:", Log{Actions: []Action{{Text: "x", Owner: "me"}}}},
		{"Next steps", Log{Actions: []Action{{Text: "x", Owner: "me"}}}},
		{"My action items:", Log{Actions: []Action{{Text: "x", Owner: "me"}}}},
		{"My actions", Log{Actions: []Action{{Text: "x", Owner: "me"}}}},
		{"Mine:", Log{Actions: []Action{{Text: "x", Owner: "me"}}}},
		{"Boss action items:", Log{Actions: []Action{{Text: "x", Owner: "boss"}}}},
		{"Dana's action items:", Log{Actions: []Action{{Text: "x", Owner: "boss"}}}},
		{"dana’s action items", Log{Actions: []Action{{Text: "x", Owner: "boss"}}}},
		{"Dana's actions", Log{Actions: []Action{{Text: "x", Owner: "boss"}}}},
		{"Dana Whitfield's actions:", Log{Actions: []Action{{Text: "x", Owner: "boss"}}}},
		{"For Dana:", Log{Actions: []Action{{Text: "x", Owner: "boss"}}}},
		{"**for dana**", Log{Actions: []Action{{Text: "x", Owner: "boss"}}}},
		{"Feedback:", Log{Feedback: []string{"x"}}},
		{"## feedback", Log{Feedback: []string{"x"}}},
		{"Notes:", Log{Notes: []string{"x"}}},
		{"Note", Log{Notes: []string{"x"}}},
		{"Next time:", Log{Topics: []string{"x"}}},
		{"Topics", Log{Topics: []string{"x"}}},
		{"For next meeting:", Log{Topics: []string{"x"}}},
		{"For next time", Log{Topics: []string{"x"}}},
		{"Talking points:", Log{Topics: []string{"x"}}},
		{"AGENDA", Log{Topics: []string{"x"}}},
		// Not headings: the line is an item of the section above (notes).
		{"Jordan's action items:", Log{Notes: []string{"Jordan's action items", "x"}}},
		{"For Jordan", Log{Notes: []string{"For Jordan", "x"}}},
		{"- Decisions:", Log{Notes: []string{"Decisions", "x"}}},
		{"Decisions made", Log{Notes: []string{"Decisions made", "x"}}},
		{"*Decisions*", Log{Notes: []string{"*Decisions*", "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.heading, func(t *testing.T) {
			text := tt.heading + "\n- x"
			got := Parse(text, opts(t))
			if !reflect.DeepEqual(got, tt.want) {
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
		{"decision", "Decisions: ship on March 3", Log{Decisions: []string{"ship on March 3"}}},
		{"bold", "**Decisions:** ship on March 3", Log{Decisions: []string{"ship on March 3"}}},
		{"bold then colon", "**Decided**: ship on March 3.", Log{Decisions: []string{"ship on March 3"}}},
		{"hash", "## Feedback: too long", Log{Feedback: []string{"too long"}}},
		{"action with owner and due", "Actions: Dana: approve the budget by tomorrow",
			Log{Actions: []Action{{Text: "approve the budget", Owner: "boss", Due: day(2026, 11, 25)}}}},
		{"boss heading with text", "For Dana: sign the offer", Log{Actions: []Action{{Text: "sign the offer", Owner: "boss"}}}},
		{"mine with text", "Mine: book the room", Log{Actions: []Action{{Text: "book the room", Owner: "me"}}}},
		{"next item follows", "Next time: budget\n- hiring", Log{Topics: []string{"budget", "hiring"}}},
		{"continuation of heading text", "Decisions: ship on March 3\n  after the freeze", Log{Decisions: []string{"ship on March 3 after the freeze"}}},
		{"done after heading", "Action items: done 12", Log{Done: []int{12}}},
		{"note heading switches sections", "Actions:\n- send deck\nNote: Dana is out\n- book room",
			Log{Actions: []Action{{Text: "send deck", Owner: "me"}}, Notes: []string{"Dana is out", "book room"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.text, opts(t))
			if !reflect.DeepEqual(got, tt.want) {
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
			want := Log{Notes: tt.want}
			if !reflect.DeepEqual(got, want) {
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
		want    Action
	}{
		{"default", "Action items:", "- send deck", Action{Text: "send deck", Owner: "me"}},
		{"me colon", "Action items:", "- me: send deck", Action{Text: "send deck", Owner: "me"}},
		{"Me colon", "Action items:", "Me : send deck", Action{Text: "send deck", Owner: "me"}},
		{"I colon", "Action items:", "- I: send deck", Action{Text: "send deck", Owner: "me"}},
		{"I'll", "Action items:", "- I'll send the deck", Action{Text: "send the deck", Owner: "me"}},
		{"I’ll curly", "Action items:", "- I’ll send the deck", Action{Text: "send the deck", Owner: "me"}},
		{"I will", "Action items:", "- I will send the deck", Action{Text: "send the deck", Owner: "me"}},
		{"at me", "Action items:", "- @me send the deck", Action{Text: "send the deck", Owner: "me"}},
		{"boss first name", "Action items:", "- Dana: approve budget", Action{Text: "approve budget", Owner: "boss"}},
		{"boss first name lower", "Action items:", "- dana: approve budget", Action{Text: "approve budget", Owner: "boss"}},
		{"boss full name", "Action items:", "- Dana Whitfield: approve budget", Action{Text: "approve budget", Owner: "boss"}},
		{"boss full name upper", "Action items:", "- DANA WHITFIELD: approve budget", Action{Text: "approve budget", Owner: "boss"}},
		{"boss word", "Action items:", "- Boss: approve budget", Action{Text: "approve budget", Owner: "boss"}},
		{"boss handle", "Action items:", "- @dana approve budget", Action{Text: "approve budget", Owner: "boss"}},
		{"boss dotted handle", "Action items:", "- @dana.whitfield: approve budget", Action{Text: "approve budget", Owner: "boss"}},
		{"other person", "Action items:", "- Jordan: send numbers", Action{Text: "send numbers", Owner: "Jordan"}},
		{"other person lower", "Action items:", "- jordan: send numbers", Action{Text: "send numbers", Owner: "jordan"}},
		{"other full name", "Action items:", "- Priya Nair: security review", Action{Text: "security review", Owner: "Priya Nair"}},
		{"three words", "Action items:", "- Mary Ann Lee: review", Action{Text: "review", Owner: "Mary Ann Lee"}},
		{"apostrophe and hyphen", "Action items:", "- Jean-Luc O'Neil: review", Action{Text: "review", Owner: "Jean-Luc O'Neil"}},
		{"unicode name", "Action items:", "- Zoë Ångström: review", Action{Text: "review", Owner: "Zoë Ångström"}},
		{"handle", "Action items:", "- @jordan send numbers", Action{Text: "send numbers", Owner: "jordan"}},
		{"handle with colon", "Action items:", "- @Jordan: send numbers", Action{Text: "send numbers", Owner: "Jordan"}},
		{"four words is no owner", "Action items:", "- Jordan and Priya Nair: pair", Action{Text: "Jordan and Priya Nair: pair", Owner: "me"}},
		{"digits is no owner", "Action items:", "- Q1 plan: finish", Action{Text: "Q1 plan: finish", Owner: "me"}},
		{"note is no owner", "Action items:", "- Note: room booked", Action{Text: "Note: room booked", Owner: "me"}},
		{"fyi is no owner", "Action items:", "- FYI: room booked", Action{Text: "FYI: room booked", Owner: "me"}},
		{"re is no owner", "Action items:", "- Re: budget", Action{Text: "Re: budget", Owner: "me"}},
		{"question is no owner", "Action items:", "- Question: who pays", Action{Text: "Question: who pays", Owner: "me"}},
		{"heading word is no owner", "Action items:", "- Feedback: slides", Action{Text: "Feedback: slides", Owner: "me"}},
		{"url is no owner", "Action items:", "- https://example.com/doc read it", Action{Text: "https://example.com/doc read it", Owner: "me"}},
		{"colon mid-sentence", "Action items:", "- send deck to Jordan: the new one", Action{Text: "send deck to Jordan: the new one", Owner: "me"}},
		{"boss section default", "Dana's action items:", "- approve budget", Action{Text: "approve budget", Owner: "boss"}},
		{"boss section me", "For Dana:", "- I'll send the draft first", Action{Text: "send the draft first", Owner: "me"}},
		{"boss section other", "Boss action items:", "- Jordan: countersign", Action{Text: "countersign", Owner: "Jordan"}},
		{"my section other", "My actions:", "- Dana: approve", Action{Text: "approve", Owner: "boss"}},
		{"box then owner", "Action items:", "- [ ] Dana: approve budget", Action{Text: "approve budget", Owner: "boss"}},
		{"owner on continuation's item", "Action items:", "- Jordan: send the numbers\n  for Q1", Action{Text: "send the numbers for Q1", Owner: "Jordan"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.heading + "\n" + tt.item
			got := Parse(text, opts(t))
			want := Log{Actions: []Action{tt.want}}
			if !reflect.DeepEqual(got, want) {
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
			if len(got.Actions) != 1 || got.Actions[0].Owner != tt.owner {
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
			for _, a := range got.Actions {
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
			want := Log{Notes: []string{"before"}}
			if !tt.closing {
				want.Notes = append(want.Notes, clean(strings.TrimPrefix(tt.line, "- ")), "Sam", "after")
			}
			if !reflect.DeepEqual(got, want) {
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
			if len(got.Actions) != 1 || got.Actions[0].Due == nil || *got.Actions[0].Due != tt.want {
				t.Errorf("Parse(by tomorrow) at %v in %v =\n%s\nwant due %v", tt.now, tt.loc, show(got), tt.want)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	a := Action{Text: "x", Owner: "me", Due: &Date{2026, time.December, 3}}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("Marshal() = %v", err)
	}
	if want := `{"Text":"x","Owner":"me","Due":"2026-12-03"}`; string(b) != want {
		t.Errorf("Marshal() = %s, want %s", b, want)
	}
	var back Action
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
