package grammar

import (
	"fmt"
	"strconv"
	"time"
)

// Date is a calendar day without a time or a zone: a due date as the user
// meant it, in their own time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateOf returns the calendar day of t in t's location.
func dateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String formats d as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalJSON encodes d as the string "2006-01-02".
func (d Date) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(d.String())), nil
}

// UnmarshalJSON decodes the string "2006-01-02", so that a Log survives a
// round trip through JSON.
func (d *Date) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("decode date %s: %w", b, err)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("decode date: %w", err)
	}
	*d = dateOf(t)
	return nil
}

// In returns the start of day d in loc (UTC if loc is nil).
func (d Date) In(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// noon is d at noon UTC: day arithmetic on it never trips over a DST change.
func (d Date) noon() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
}

func (d Date) addDays(n int) Date { return dateOf(d.noon().AddDate(0, 0, n)) }

func (d Date) weekday() time.Weekday { return d.noon().Weekday() }

func (d Date) before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// validDate reports whether y-m-d is a real day (no 31 April, no 29 February
// outside leap years).
func validDate(y int, m time.Month, d int) bool {
	if m < time.January || m > time.December || d < 1 || d > 31 {
		return false
	}
	return dateOf(time.Date(y, m, d, 12, 0, 0, 0, time.UTC)) == Date{y, m, d}
}

// addMonths is d n months later, on the month's last day if it is shorter:
// a month from 31 January is the last day of February.
func (d Date) addMonths(n int) Date {
	last := lastDay(d.Year, d.Month+time.Month(n))
	return Date{last.Year, last.Month, min(d.Day, last.Day)}
}

// lastDay is the last day of month m of year y; m may run past December.
func lastDay(y int, m time.Month) Date {
	return dateOf(time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC))
}

// exactDate is y-m-d if that is a real day.
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

// nextDay is the first day numbered day on or after today: "the 3rd" on
// 24 November is 3 December, "the 31st" on 1 April is 31 May.
func nextDay(today Date, day int) (Date, bool) {
	for k := range 3 {
		first := dateOf(time.Date(today.Year, today.Month+time.Month(k), 1, 12, 0, 0, 0, time.UTC))
		d := Date{first.Year, first.Month, day}
		if validDate(d.Year, d.Month, day) && !d.before(today) {
			return d, true
		}
	}
	return Date{}, false
}
