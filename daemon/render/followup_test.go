package render

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leadup/leadup/daemon/reply/grammar"
)

// TestFollowupTopLine: the follow-up starts with one line that says where to
// reply and names exactly the short prefixes the reply grammar reads, no
// more and no fewer.
func TestFollowupTopLine(t *testing.T) {
	r := newRenderer(t)
	got, err := r.Followup(SampleFollowup(fixedNow(t)))
	if err != nil {
		t.Fatalf("Followup() = %v", err)
	}
	top, _, _ := strings.Cut(got.Text, "\n")
	if !strings.HasPrefix(top, "Reply above this line") {
		t.Fatalf("first line = %q, want it to start \"Reply above this line\"", top)
	}
	var named []string
	for _, m := range regexp.MustCompile(`\b([a-z]):`).FindAllStringSubmatch(top, -1) {
		named = append(named, m[1])
	}

	// Under a heading that takes no owners, a prefix the grammar reads is
	// dropped from the item's text; any other "x:" (an owner such as "i:"
	// included) stays in it.
	var accepted []string
	for c := 'a'; c <= 'z'; c++ {
		const text = "ship the billing migration"
		log := grammar.Parse("Feedback:\n"+string(c)+": "+text, grammar.Options{BossNames: []string{"Dana Whitfield"}, Now: fixedNow(t)})
		if len(log.Items) == 1 && log.Items[0].Text == text {
			accepted = append(accepted, string(c))
		}
	}
	slices.Sort(named)
	slices.Sort(accepted)
	if !slices.Equal(named, accepted) {
		t.Errorf("the top line names the prefixes %q, the grammar reads %q:\n%s", named, accepted, top)
	}
}

// TestFollowupSentBackLogsNothing: a client that sends the follow-up back
// without quoting it leaves its lines in the reply; none of them, the
// instructions, headings and open items, may be logged as something the
// user wrote.
func TestFollowupSentBackLogsNothing(t *testing.T) {
	r := newRenderer(t)
	now := fixedNow(t)
	untitled := SampleFollowup(now)
	untitled.Meeting.Title, untitled.Meeting.OneOnOne = "", false
	noItems := SampleFollowup(now)
	noItems.OpenItems = nil
	for _, tt := range []struct {
		name string
		data FollowupData
	}{{"sample", SampleFollowup(now)}, {"untitled group", untitled}, {"no open items", noItems}} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Followup(tt.data)
			if err != nil {
				t.Fatalf("Followup() = %v", err)
			}
			log := grammar.Parse(got.Text, grammar.Options{BossNames: []string{"Dana Whitfield"}, Now: tt.data.Now})
			if len(log.Items)+len(log.Done)+len(log.Unplaced) != 0 {
				t.Errorf("Parse(the follow-up as sent) = %+v, want nothing logged:\n%s", log, got.Text)
			}
		})
	}
}
