package meeting

import "time"

// Contact is what the store knows of the meetings with one boss around a
// moment: enough to tell whether the user and the boss have gone too long
// without meeting (schedule's nudges). Its meetings are light: their Event
// has only its id, series id, title, start and end.
type Contact struct {
	Boss string
	// Last is the last meeting held with the boss: on (Active), the boss
	// not declining, started at or before the moment. Its Key is "" when
	// there is none.
	Last Meeting
	// After are the boss's meetings of any status but Unmatched that start
	// after Last (all of them when there is no Last), earliest first, at
	// most MaxContactAfter: the cancelled 1:1s since, and the next meeting
	// booked.
	After []Meeting
	// OneOnOnes are the starts of the boss's latest 1:1s of any status but
	// Unmatched, up to a lookahead past the moment, earliest first, at most
	// MaxContactOneOnOnes: the rhythm of a series, when no cadence was
	// agreed.
	OneOnOnes []time.Time
}

// Bounds of a Contact: a boss who organises a meeting every minute must not
// make every plan read thousands of rows.
const (
	MaxContactAfter     = 50
	MaxContactOneOnOnes = 8
)

// Held says whether m counts as a meeting held with its boss, by at: on,
// not declined by the boss, and started.
func Held(m Meeting, at time.Time) bool {
	return m.Status == Active && !m.BossDeclined && !m.Event.Start.After(at)
}
