package render

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leadup/leadup/templates"
)

// TestFollowupHeadings reads the follow-up's headings off the templates
// loaded: the built-in ones, and an override that renames one.
func TestFollowupHeadings(t *testing.T) {
	r, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Decisions", "Action items", "Feedback", "Next time"}
	if got := r.FollowupHeadings(); !slices.Equal(got, want) {
		t.Errorf("FollowupHeadings() = %q, want %q", got, want)
	}

	src, err := templates.FS.ReadFile("followup.txt.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	renamed := strings.Replace(string(src), "\nNext time:\n", "\nAgenda:\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "followup.txt.tmpl"), []byte(renamed), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err = New(dir)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"Decisions", "Action items", "Feedback", "Agenda"}
	if got := r.FollowupHeadings(); !slices.Equal(got, want) {
		t.Errorf("FollowupHeadings() with %s overridden = %q, want %q", "followup.txt.tmpl", got, want)
	}
}
