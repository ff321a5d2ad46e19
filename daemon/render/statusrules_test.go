package render

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// TestUpdateRules: the plain words of a boss's feedback that make each ask,
// and words that look close but ask nothing.
func TestUpdateRules(t *testing.T) {
	tests := []struct {
		feedback string
		want     []UpdateAsk
	}{
		{"Lead with the risks", []UpdateAsk{AskRisksFirst}},
		{"risks first, please", []UpdateAsk{AskRisksFirst}},
		{"Start with the blockers next time", []UpdateAsk{AskRisksFirst}},
		{"Bad news first.", []UpdateAsk{AskRisksFirst}},
		{"Bottom line first", []UpdateAsk{AskBottomLine}},
		{"Give me a TL;DR at the top", []UpdateAsk{AskBottomLine}},
		{"tldr please", []UpdateAsk{AskBottomLine}},
		{"Summary first, then details", []UpdateAsk{AskBottomLine}},
		{"BLUF", []UpdateAsk{AskBottomLine}},
		{"Keep it brief", []UpdateAsk{AskShorter}},
		{"Shorter updates please", []UpdateAsk{AskShorter}},
		{"fewer details", []UpdateAsk{AskShorter}},
		{"The migration update was too detailed: lead with the risk and the date, details on request",
			[]UpdateAsk{AskRisksFirst, AskShorter}},
		{"TL;DR first, keep it short and lead with the risks", []UpdateAsk{AskRisksFirst, AskBottomLine, AskShorter}},
		// Nothing about how to report.
		{"Great call on the latency work", nil},
		{"The risk register needs an owner", nil},
		{"Bluffing in the board meeting did not help", nil},
		{"She wants a short list of candidates", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.feedback, func(t *testing.T) {
			var got []UpdateAsk
			for _, a := range asksOf([]meetinglog.Item{{ID: 4, Kind: meetinglog.Feedback, Text: tt.feedback}}, "") {
				got = append(got, a.Ask)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("asksOf(%q) = %v, want %v", tt.feedback, got, tt.want)
			}
		})
	}
}

// TestUpdateAsksNewest: the newest feedback that makes an ask is the one
// the update names.
func TestUpdateAsksNewest(t *testing.T) {
	asks := asksOf([]meetinglog.Item{
		{ID: 4, Text: "Lead with the risks"},
		{ID: 9, Text: "Risks first, as I said", Done: time.Now()},
	}, "")
	if len(asks) != 1 || asks[0].Feedback.ID != 9 {
		t.Errorf("asksOf() = %+v, want risks first from 9", asks)
	}
}

func sampleUpdate() StatusUpdate {
	item := func(id int64, text string) meetinglog.Item {
		return meetinglog.Item{ID: id, Kind: meetinglog.Action, Owner: "me", Text: text}
	}
	return StatusUpdate{
		Done:       []meetinglog.Item{item(1, "d1"), item(2, "d2"), item(3, "d3"), item(4, "d4"), item(5, "d5")},
		InProgress: []meetinglog.Item{item(6, "p1")},
		Blocked:    []meetinglog.Item{item(7, "b1"), item(8, "b2")},
		Late:       []meetinglog.Item{item(9, "l1"), item(10, "l2")},
		Needed:     []meetinglog.Item{item(11, "Approve the budget")},
	}
}

func partKinds(ps []UpdatePart) string {
	var ks []string
	for _, p := range ps {
		ks = append(ks, p.Kind)
	}
	return strings.Join(ks, " ")
}

func TestUpdateParts(t *testing.T) {
	u := sampleUpdate()
	if got := partKinds(u.Parts()); got != "done progress risks needed" {
		t.Errorf("Parts() = %s, want the default order", got)
	}
	if u.Headline() != "" || u.Asked() != "" {
		t.Errorf("Headline() = %q, Asked() = %q without asks; want none", u.Headline(), u.Asked())
	}

	fb := meetinglog.Item{ID: 4, Kind: meetinglog.Feedback, Text: "risks first, tl;dr on top, keep it short"}
	u.Asks = asksOf([]meetinglog.Item{fb}, "")
	parts := u.Parts()
	if got := partKinds(parts); got != "risks needed done progress" {
		t.Errorf("Parts() risks first = %s, want risks needed done progress", got)
	}
	// Shorter: at most ShortCap a part, the rest counted.
	risks, done := parts[0], parts[2]
	if len(risks.Items) != 2 || len(risks.Late) != 1 || risks.More != 1 {
		t.Errorf("risks part = %d blocked, %d late, %d more; want 2, 1, 1", len(risks.Items), len(risks.Late), risks.More)
	}
	if len(done.Items) != ShortCap || done.More != 2 {
		t.Errorf("done part = %d items, %d more; want %d, 2", len(done.Items), done.More, ShortCap)
	}
	if len(u.Done) != 5 {
		t.Errorf("Parts() changed the update's items: %d done", len(u.Done))
	}
	if got, want := u.Headline(), "Bottom line: I need one thing from you (below); 4 items are blocked or at risk."; got != want {
		t.Errorf("Headline() = %q, want %q", got, want)
	}
	if got, want := u.Asked(), "risks first, a bottom line on top and at most 3 items a part"; got != want {
		t.Errorf("Asked() = %q, want %q", got, want)
	}
	if by := u.AskedBy(); len(by) != 1 || by[0].ID != 4 {
		t.Errorf("AskedBy() = %+v, want feedback 4 once", by)
	}
	if got := u.StillOpen(); !slices.Equal(got, []string{"4"}) {
		t.Errorf("StillOpen() = %v, want [4]", got)
	}
	u.Asks[0].Feedback.Done = time.Now()
	u.Asks[1].Feedback.Done, u.Asks[2].Feedback.Done = u.Asks[0].Feedback.Done, u.Asks[0].Feedback.Done
	if got := u.StillOpen(); len(got) != 0 {
		t.Errorf("StillOpen() once applied = %v, want none: the update still follows it", got)
	}
}

func TestHeadline(t *testing.T) {
	ask := []AppliedAsk{{Ask: AskBottomLine}}
	it := func(text string) meetinglog.Item { return meetinglog.Item{Text: text} }
	tests := []struct {
		name string
		u    StatusUpdate
		want string
	}{
		{"one risk", StatusUpdate{Late: []meetinglog.Item{it("The runbook")}, Asks: ask}, "Bottom line: “The runbook” is at risk."},
		{"risks", StatusUpdate{Blocked: []meetinglog.Item{it("Load test")}, Late: []meetinglog.Item{it("The runbook")}, Asks: ask},
			"Bottom line: 2 items are blocked or at risk, first “Load test”."},
		{"needs", StatusUpdate{Needed: []meetinglog.Item{it("Approve"), it("Intro")}, Blocked: []meetinglog.Item{it("Load test")}, Asks: ask},
			"Bottom line: I need 2 things from you (below); 1 item is blocked or at risk."},
		{"done", StatusUpdate{Done: []meetinglog.Item{it("a")}, Asks: ask}, "Bottom line: on track, with 1 done this week."},
		{"decisions", StatusUpdate{Decisions: []meetinglog.Item{it("a")}, Asks: ask}, "Bottom line: on track, with 1 decision to confirm."},
		{"nothing", StatusUpdate{Asks: ask}, "Bottom line: on track."},
	}
	for _, tt := range tests {
		if got := tt.u.Headline(); got != tt.want {
			t.Errorf("%s: Headline() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestStatusUpdateShaped renders a digest whose boss asked for all three:
// the user is told which feedback shaped it, the update starts with its
// bottom line, and long parts end with how many more.
func TestStatusUpdateShaped(t *testing.T) {
	r := newRenderer(t)
	d := SampleDigest(fixedNow(t))
	d.Bosses[0].Feedback = append(d.Bosses[0].Feedback, meetinglog.Item{ID: 24, Kind: meetinglog.Feedback, Owner: "boss",
		Text: "tl;dr first please", Created: d.Due.Add(-48 * time.Hour)})
	b := &d.Bosses[0]
	for i := range 3 {
		b.Closed = append(b.Closed, meetinglog.Item{ID: int64(30 + i), Kind: meetinglog.Action, Owner: "me", Text: "Shipped part " + string(rune('A'+i)),
			Created: d.Due.Add(-72 * time.Hour), Done: d.Due.Add(-time.Hour)})
	}
	got, err := r.Digest(d)
	if err != nil {
		t.Fatalf("Digest() = %v", err)
	}
	inOrder(t, got.Text, []string{
		"Ordered as Dana asked: risks first, a bottom line on top and at most 3 items a part (feedback [13] “The migration",
		`, [24] “tl;dr first please”). Once you have sent it, reply "applied 13, 24"`,
		"Hi Dana,\n\nBottom line: I need one thing from you (below); 2 items are blocked or at risk.\n\nQuick update",
		"Blocked or at risk:\n- ", "Need from you:\n- ", "Done:\n- ", "- Shipped part A\n- and 2 more\n\nIn progress:",
	})
	inOrder(t, got.HTML, []string{"Ordered as Dana asked", "<strong>Bottom line: I need one thing", "Blocked or at risk:", "Done:", "and 2 more</li>"})
}

// TestUpdateAsksFromStyle: the boss's configured style asks as feedback
// does, feedback first when both say it.
func TestUpdateAsksFromStyle(t *testing.T) {
	asks := asksOf(nil, "Numbers over adjectives.\nBottom line first, please.")
	if len(asks) != 1 || asks[0].Ask != AskBottomLine || asks[0].Style != "Bottom line first, please." {
		t.Errorf("asksOf(style) = %+v, want bottom line first from its second line", asks)
	}
	fb := meetinglog.Item{ID: 7, Text: "BLUF, always"}
	asks = asksOf([]meetinglog.Item{fb}, "Lead with the risks.\nBottom line first.")
	if len(asks) != 2 || asks[0].Ask != AskRisksFirst || asks[0].Style != "Lead with the risks." ||
		asks[1].Ask != AskBottomLine || asks[1].Feedback.ID != 7 || asks[1].Style != "" {
		t.Errorf("asksOf(feedback, style) = %+v, want risks first from the style, bottom line from feedback 7", asks)
	}
	u := StatusUpdate{Asks: asks, Done: []meetinglog.Item{{Text: "a"}}, Late: []meetinglog.Item{{Text: "b"}}}
	var kinds []string
	for _, p := range u.Parts() {
		kinds = append(kinds, p.Kind)
	}
	if got := strings.Join(kinds, " "); got != "risks done" {
		t.Errorf("Parts() = %s, want risks done: a style asks as feedback does", got)
	}
	if got := u.AskedInStyle(); !slices.Equal(got, []string{"Lead with the risks."}) {
		t.Errorf("AskedInStyle() = %q", got)
	}
	if by := u.AskedBy(); len(by) != 1 || by[0].ID != 7 {
		t.Errorf("AskedBy() = %+v, want feedback 7 alone", by)
	}
	if got := (StatusUpdate{}).Confirming(meetinglog.Item{Text: "Cut over billing on March 3."}); got != "Confirming: cut over billing on March 3." {
		t.Errorf("Confirming() = %q", got)
	}
	if got := (StatusUpdate{}).Confirming(meetinglog.Item{Text: "EU cut-over in two windows"}); got != "Confirming: EU cut-over in two windows." {
		t.Errorf("Confirming() = %q", got)
	}
}
