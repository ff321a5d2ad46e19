package render

import (
	"slices"
	"strings"
	"testing"

	"github.com/leadup/leadup/daemon/reply/grammar"
)

func TestAgenda(t *testing.T) {
	d := newDescriber()
	for _, tt := range []struct {
		name, desc string
		want       []string
	}{
		{"plain list", "Agenda:\n1. Budget\n2) Hiring\n\nThanks", []string{"Budget", "Hiring"}},
		{"blank line after the heading", "Agenda\n\n- Budget\n- Hiring", []string{"Budget", "Hiring"}},
		{"google calendar HTML", "Hi team<br><br><b>Agenda</b><ul><li>One</li><li>Two</li></ul>Bye", []string{"One", "Two"}},
		{"on the heading's line", "Agenda: budget, hiring", []string{"budget, hiring"}},
		{"no agenda", "Weekly check-in.\n- Budget", nil},
		{"a word in a sentence", "The agenda is in the doc.", nil},
		{"empty", "", nil},
		{"capped", "Agenda\n" + strings.Repeat("- item\n", 20), slices.Repeat([]string{"item"}, maxAgenda)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := d.agenda(tt.desc); !slices.Equal(got, tt.want) {
				t.Errorf("agenda(%q) = %q, want %q", tt.desc, got, tt.want)
			}
		})
	}
}

// TestFollowupPointsTicked: "done" typed after a talking point's line of
// the follow-up, or "done 16" anywhere, raises it; a reply that says
// nothing of it leaves it alone.
func TestFollowupPointsTicked(t *testing.T) {
	r := newRenderer(t)
	d := SampleFollowup(fixedNow(t))
	got, err := r.Followup(d)
	if err != nil {
		t.Fatalf("Followup() = %v", err)
	}
	var line string
	for l := range strings.Lines(got.Text) {
		if strings.HasPrefix(l, "- [16] ") {
			line = strings.TrimSpace(l)
		}
	}
	if line == "" || !strings.Contains(line, `raised? reply "done 16"`) {
		t.Fatalf("the follow-up has no line for talking point 16 asking if it was raised:\n%s", got.Text)
	}
	opts := grammar.Options{BossNames: []string{d.Boss.Name}, Now: d.Now}
	for _, tt := range []struct {
		name, reply string
		want        []int
	}{
		{"ticked on its line", line + " done", []int{16}},
		{"done under its line", line + "\nDone", []int{16}},
		{"by number", "Decisions:\n- ship it\n\ndone 16", []int{16}},
		{"not mentioned", "Decisions:\n- ship it", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if log := grammar.Parse(tt.reply, opts); !slices.Equal(log.Done, tt.want) {
				t.Errorf("Parse(%q).Done = %v, want %v", tt.reply, log.Done, tt.want)
			}
		})
	}
}
