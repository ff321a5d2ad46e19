package grammar

import (
	"strings"
	"testing"
)

// BenchmarkParse parses a filled-in follow-up reply of a typical length.
func BenchmarkParse(b *testing.B) {
	text := strings.Replace(template, "Action items:\n-", "Action items:\n- Dana: intro me to Jordan by Friday.\n- I'll send the deck (due 12/3)\n- @jordan numbers by EOW\n  and the forecast", 1)
	o := opts(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(text, o)
	}
}
