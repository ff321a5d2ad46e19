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

// sortedReply is a reply typed on a phone without headings, in several
// languages, whose lines are sorted by their wording.
const sortedReply = `Good 1:1 today. Dana will review the RFC by Friday. We agreed to pause hiring.
she wants shorter status updates
i'll send the deck by fri
@priya review the security doc
ask about the promo timeline next week
Dana schickt das Budget an Finance. ich werde die Folien überarbeiten
on a décidé de reporter le lancement. elle veut des points plus courts
hemos decidido lanzar en marzo
also, done 3 – sent it yesterday
- [12] Send Dana the plan (you, 4 days overdue)
Done
Decsions
- ship in March
Thanks,
Sam`

// BenchmarkParseSorted parses a reply without headings.
func BenchmarkParseSorted(b *testing.B) {
	o := opts(b)
	o.People = []string{"Priya Nair <priya@example.com>", "jordan.lee@example.com"}
	b.SetBytes(int64(len(sortedReply)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(sortedReply, o)
	}
}
