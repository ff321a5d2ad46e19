package grammar

import (
	"reflect"
	"testing"
	"time"
)

func TestParseDue(t *testing.T) {
	// Replies are dated Tuesday 24 November 2026, 10:00 in Berlin, unless now
	// says otherwise.
	tue := time.Date(2026, time.November, 24, 10, 0, 0, 0, berlin(t))
	newYear := time.Date(2026, time.December, 28, 9, 0, 0, 0, berlin(t)) // a Monday
	tests := []struct {
		name string
		now  time.Time // zero: tue
		item string
		text string
		due  *Date
	}{
		{"weekday", tue, "send deck by Friday", "send deck", day(2026, 11, 27)},
		{"weekday short", tue, "send deck by Fri", "send deck", day(2026, 11, 27)},
		{"weekday lower", tue, "send deck by friday.", "send deck", day(2026, 11, 27)},
		{"weekday tomorrow", tue, "send deck by Wednesday", "send deck", day(2026, 11, 25)},
		{"same weekday is next week", tue, "send deck by Tuesday", "send deck", day(2026, 12, 1)},
		{"same weekday short", tue, "send deck by tue", "send deck", day(2026, 12, 1)},
		{"monday", tue, "send deck by Mon", "send deck", day(2026, 11, 30)},
		{"thurs", tue, "send deck by Thurs", "send deck", day(2026, 11, 26)},
		{"sunday", tue, "send deck by Sunday", "send deck", day(2026, 11, 29)},
		{"tomorrow", tue, "send deck by tomorrow", "send deck", day(2026, 11, 25)},
		{"today", tue, "send deck by today", "send deck", day(2026, 11, 24)},
		{"end of week", tue, "send deck by end of week", "send deck", day(2026, 11, 27)},
		{"end of the week", tue, "send deck by the end of the week", "send deck", day(2026, 11, 27)},
		{"EOW", tue, "send deck by EOW", "send deck", day(2026, 11, 27)},
		{"bare EOW", tue, "send deck EOW", "send deck", day(2026, 11, 27)},
		{"end of month", tue, "send deck by end of month", "send deck", day(2026, 11, 30)},
		{"end of the month", tue, "send deck by end of the month", "send deck", day(2026, 11, 30)},
		{"EOM", tue, "send deck EOM", "send deck", day(2026, 11, 30)},
		{"by EOM", tue, "send deck by eom", "send deck", day(2026, 11, 30)},
		{"next week", tue, "send deck by next week", "send deck", day(2026, 11, 30)},
		{"month day", tue, "send deck by Dec 3", "send deck", day(2026, 12, 3)},
		{"month dot day", tue, "send deck by Dec. 3rd", "send deck", day(2026, 12, 3)},
		{"full month day", tue, "send deck by December 3", "send deck", day(2026, 12, 3)},
		{"day month", tue, "send deck by 3 Dec", "send deck", day(2026, 12, 3)},
		{"day full month", tue, "send deck by 3 December", "send deck", day(2026, 12, 3)},
		{"ordinal of month", tue, "send deck by the 3rd of December", "send deck", day(2026, 12, 3)},
		{"day of month", tue, "send deck by 3rd of December", "send deck", day(2026, 12, 3)},
		{"month day year", tue, "send deck by Dec 3, 2027", "send deck", day(2027, 12, 3)},
		{"day month year", tue, "send deck by 3 Dec 2027", "send deck", day(2027, 12, 3)},
		{"slash", tue, "send deck by 12/3", "send deck", day(2026, 12, 3)},
		{"slash year", tue, "send deck by 12/3/27", "send deck", day(2027, 12, 3)},
		{"iso", tue, "send deck by 2026-12-03", "send deck", day(2026, 12, 3)},
		{"due iso", tue, "send deck due 2026-12-03", "send deck", day(2026, 12, 3)},
		{"due parens", tue, "send deck (due 12/3)", "send deck", day(2026, 12, 3)},
		{"by parens", tue, "send deck (by Fri) to Jordan", "send deck to Jordan", day(2026, 11, 27)},
		{"due colon", tue, "send deck due: Dec 3", "send deck", day(2026, 12, 3)},
		{"due by", tue, "send deck, due by Friday", "send deck", day(2026, 11, 27)},
		{"upper case", tue, "send deck BY FRIDAY", "send deck", day(2026, 11, 27)},
		{"mid-sentence", tue, "send deck by Friday to Jordan", "send deck to Jordan", day(2026, 11, 27)},
		{"before a comma", tue, "send deck by Friday, then review", "send deck, then review", day(2026, 11, 27)},
		{"after a dash", tue, "send deck – by Friday", "send deck", day(2026, 11, 27)},
		{"first phrase wins", tue, "send deck by Friday by Monday", "send deck by Monday", day(2026, 11, 27)},
		{"today's date", tue, "send deck by Nov 24", "send deck", day(2026, 11, 24)},
		{"past date is next year", tue, "send deck by Nov 23", "send deck", day(2027, 11, 23)},
		{"29 February finds a leap year", tue, "send deck by Feb 29", "send deck", day(2028, 2, 29)},
		{"no such day", tue, "send deck by 2/30", "send deck by 2/30", nil},
		{"no such month", tue, "send deck by 13/5", "send deck by 13/5", nil},
		{"no such iso day", tue, "send deck due 2026-02-29", "send deck due 2026-02-29", nil},
		{"no date after by", tue, "send deck by courier", "send deck by courier", nil},
		{"word starting with a weekday", tue, "grow revenue by monitoring churn", "grow revenue by monitoring churn", nil},
		{"next weekend is no date", tue, "sort it by next weekend", "sort it by next weekend", nil},
		{"overdue is not due", tue, "chase the overdue 12/3 invoice", "chase the overdue 12/3 invoice", nil},
		{"by a number", tue, "cut costs by 3 percent", "cut costs by 3 percent", nil},
		{"year boundary month day", newYear, "send deck by Jan 5", "send deck", day(2027, 1, 5)},
		{"year boundary slash", newYear, "send deck by 1/5", "send deck", day(2027, 1, 5)},
		{"year boundary weekday", newYear, "send deck by Friday", "send deck", day(2027, 1, 1)},
		{"year boundary next week", newYear, "send deck by next week", "send deck", day(2027, 1, 4)},
		{"year boundary end of month", newYear, "send deck by EOM", "send deck", day(2026, 12, 31)},
		{"year boundary end of week", newYear, "send deck by EOW", "send deck", day(2027, 1, 1)},
		{"end of week on a Friday", time.Date(2026, 11, 27, 9, 0, 0, 0, berlin(t)), "send deck by EOW", "send deck", day(2026, 11, 27)},
		{"end of week on a Saturday", time.Date(2026, 11, 28, 9, 0, 0, 0, berlin(t)), "send deck by EOW", "send deck", day(2026, 12, 4)},
		{"next week on a Monday", time.Date(2026, 11, 30, 9, 0, 0, 0, berlin(t)), "send deck by next week", "send deck", day(2026, 12, 7)},
		{"end of February", time.Date(2028, 2, 10, 9, 0, 0, 0, berlin(t)), "send deck by end of month", "send deck", day(2028, 2, 29)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := opts(t)
			o.Now = tt.now
			text := "Action items:\n- " + tt.item
			got := Parse(text, o)
			want := Log{Actions: []Action{{Text: tt.text, Owner: "me", Due: tt.due}}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q) at %v =\n%s\nwant\n%s", text, tt.now, show(got), show(want))
			}
		})
	}
}

// TestParseDueOnlyInActions checks that a due phrase elsewhere is text.
func TestParseDueOnlyInActions(t *testing.T) {
	text := "Decisions:\n- ship by Friday\nNext time:\n- review by Dec 3"
	got := Parse(text, opts(t))
	want := Log{Decisions: []string{"ship by Friday"}, Topics: []string{"review by Dec 3"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse(%q) =\n%s\nwant\n%s", text, show(got), show(want))
	}
}
