package grammar

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Due phrases. Go's regexp alternation prefers the earlier alternative, so
// longer spellings come first ("tuesday" before "tue"); the \b after a phrase
// keeps "by mon" from matching "by monitoring".
const (
	weekdayPat = `monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu|friday|fri|saturday|sat|sunday|sun`
	monthPat   = `january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep|october|oct|november|nov|december|dec`
	ordinalPat = `(?:st|nd|rd|th)?`
	datePat    = `\d{4}-\d{1,2}-\d{1,2}` +
		`|\d{1,2}/\d{1,2}(?:/(?:\d{4}|\d{2}))?` +
		`|(?:` + monthPat + `)\.? *\d{1,2}` + ordinalPat + `(?:,? *\d{4})?` +
		`|(?:the +)?\d{1,2}` + ordinalPat + ` +(?:of +)?(?:` + monthPat + `)\.?(?:,? *\d{4})?` +
		`|today|tomorrow|next +week` +
		`|(?:the +)?end +of +(?:the +)?(?:week|month)|eow|eom` +
		`|` + weekdayPat
)

var (
	// dueRe finds a due phrase: "(due 12/3)", "(by Fri)", "due: Dec 3",
	// "due by Friday", "by tomorrow", or a bare "EOW"/"EOM". Exactly one of
	// the three groups holds the date part.
	dueRe = regexp.MustCompile(`(?i)\( *(?:due|by) *:? *(` + datePat + `) *\)` +
		`|\b(?:due *:? *(?:by +|on +)?|by +)(` + datePat + `)\b` +
		`|\b(eow|eom)\b`)

	isoRe   = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	slashRe = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?$`)
	mdRe    = regexp.MustCompile(`^([a-z]+)\.? *(\d{1,2})` + ordinalPat + `(?:,? *(\d{4}))?$`)
	dmRe    = regexp.MustCompile(`^(\d{1,2})` + ordinalPat + ` +(?:of +)?([a-z]+)\.?(?:,? *(\d{4}))?$`)
)

// dueContext is what reading a due phrase needs: the day the reply was
// written, in the user's zone, and how to read "12/11".
type dueContext struct {
	today Date
	order DateOrder
}

// cutDue finds the first due phrase in s and, if it names a real day,
// returns that day and s without the phrase. A phrase naming no real day
// ("by 2/30") is left in the text and no due date is set.
func cutDue(s string, c dueContext) (*Date, string) {
	m := dueRe.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, s
	}
	var phrase string
	for g := 1; g <= 3; g++ {
		if m[2*g] >= 0 {
			phrase = s[m[2*g]:m[2*g+1]]
			break
		}
	}
	d, ok := resolveDue(phrase, c)
	if !ok {
		return nil, s
	}
	left := strings.TrimRight(s[:m[0]], " ")
	right := strings.TrimLeft(s[m[1]:], " ")
	if right == "" {
		// "intro me to Jordan – by Friday": the dash only introduced the date.
		left = strings.TrimRight(strings.TrimRight(left, "-–—"), " ")
		return &d, left
	}
	if left == "" || strings.ContainsRune(",.;:!?)", rune(right[0])) {
		return &d, left + right
	}
	return &d, left + " " + right
}

// resolveDue turns the date part of a due phrase into a day, counting from
// today (the reply's date in the user's zone).
func resolveDue(phrase string, c dueContext) (Date, bool) {
	today := c.today
	p := strings.Join(strings.Fields(strings.ToLower(phrase)), " ")
	p = strings.TrimPrefix(p, "the ")
	if m := isoRe.FindStringSubmatch(p); m != nil {
		return exactDate(atoi(m[1]), time.Month(atoi(m[2])), atoi(m[3]))
	}
	if m := slashRe.FindStringSubmatch(p); m != nil {
		mon, day := time.Month(atoi(m[1])), atoi(m[2])
		if c.order == DayFirst {
			mon, day = time.Month(day), int(mon)
		}
		if m[3] == "" {
			return nextDate(today, mon, day)
		}
		y := atoi(m[3])
		if len(m[3]) == 2 {
			y += 2000
		}
		return exactDate(y, mon, day)
	}
	if m := mdRe.FindStringSubmatch(p); m != nil {
		if mon, ok := monthOf(m[1]); ok {
			return monthDay(today, mon, atoi(m[2]), m[3])
		}
	}
	if m := dmRe.FindStringSubmatch(p); m != nil {
		if mon, ok := monthOf(m[2]); ok {
			return monthDay(today, mon, atoi(m[1]), m[3])
		}
	}
	switch p {
	case "today":
		return today, true
	case "tomorrow":
		return today.addDays(1), true
	case "next week":
		// The Monday after today.
		return today.addDays(daysUntil(today.weekday(), time.Monday, false)), true
	case "end of week", "end of the week", "eow":
		// This week's Friday, or the next one from a weekend.
		return today.addDays(daysUntil(today.weekday(), time.Friday, true)), true
	case "end of month", "end of the month", "eom":
		return dateOf(time.Date(today.Year, today.Month+1, 0, 12, 0, 0, 0, time.UTC)), true
	}
	if wd, ok := weekdayOf(p); ok {
		// Strictly after today: on a Tuesday, "by Tuesday" is next week's.
		return today.addDays(daysUntil(today.weekday(), wd, false)), true
	}
	return Date{}, false
}

// daysUntil counts the days from weekday from to the next weekday to; zero
// only if today counts (orToday) and is already to.
func daysUntil(from, to time.Weekday, orToday bool) int {
	n := (int(to) - int(from) + 7) % 7
	if n == 0 && !orToday {
		n = 7
	}
	return n
}

func monthDay(today Date, mon time.Month, day int, year string) (Date, bool) {
	if year == "" {
		return nextDate(today, mon, day)
	}
	return exactDate(atoi(year), mon, day)
}

func exactDate(y int, m time.Month, d int) (Date, bool) {
	if !validDate(y, m, d) {
		return Date{}, false
	}
	return Date{y, m, d}, true
}

// nextDate is the first mon/day on or after today: in late December,
// "Jan 5" is next year's. Eight years always reach a 29 February.
func nextDate(today Date, mon time.Month, day int) (Date, bool) {
	for y := today.Year; y <= today.Year+8; y++ {
		d := Date{y, mon, day}
		if validDate(y, mon, day) && !d.before(today) {
			return d, true
		}
	}
	return Date{}, false
}

// monthOf reads a month name or abbreviation already matched by monthPat.
func monthOf(s string) (time.Month, bool) {
	if len(s) < 3 {
		return 0, false
	}
	switch s[:3] {
	case "jan":
		return time.January, true
	case "feb":
		return time.February, true
	case "mar":
		return time.March, true
	case "apr":
		return time.April, true
	case "may":
		return time.May, true
	case "jun":
		return time.June, true
	case "jul":
		return time.July, true
	case "aug":
		return time.August, true
	case "sep":
		return time.September, true
	case "oct":
		return time.October, true
	case "nov":
		return time.November, true
	case "dec":
		return time.December, true
	}
	return 0, false
}

// weekdayOf reads a weekday name or abbreviation already matched by
// weekdayPat.
func weekdayOf(s string) (time.Weekday, bool) {
	if len(s) < 3 {
		return 0, false
	}
	switch s[:3] {
	case "mon":
		return time.Monday, true
	case "tue":
		return time.Tuesday, true
	case "wed":
		return time.Wednesday, true
	case "thu":
		return time.Thursday, true
	case "fri":
		return time.Friday, true
	case "sat":
		return time.Saturday, true
	case "sun":
		return time.Sunday, true
	}
	return 0, false
}

// atoi reads a run of at most four digits, which the patterns guarantee.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
