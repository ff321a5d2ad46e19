package grammar

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEHasGrammar keeps the README's grammar section in step with
// GRAMMAR.md, which it copies below its own heading.
func TestREADMEHasGrammar(t *testing.T) {
	g, err := os.ReadFile("GRAMMAR.md")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(g), "\n")
	if !strings.Contains(string(readme), "## Replying to a follow-up: the grammar\n"+body) {
		t.Error("README.md's grammar section differs from GRAMMAR.md: copy GRAMMAR.md below \"## Replying to a follow-up: the grammar\"")
	}
}
