package store

import (
	"context"
	"fmt"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
)

// MeetingsAhead returns the active meetings with boss that start at or
// after from, earliest first: where a talking point may still be raised.
// They are light, as MeetingsSince's are: their Event has only its id,
// series id, title, start and end.
func (s *Store) MeetingsAhead(ctx context.Context, boss string, from time.Time) ([]meeting.Meeting, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, calendar, status, boss, boss_email, one_on_one, boss_declined,
		event_id, recurring_event_id, title, start_at, end_at FROM meetings
		WHERE boss = ? AND start_at >= ? AND status = 'active' ORDER BY start_at, key`, boss, from.Unix())
	if err != nil {
		return nil, fmt.Errorf("list meetings ahead with %s: %w", boss, err)
	}
	defer rows.Close()
	var out []meeting.Meeting
	for rows.Next() {
		var m meeting.Meeting
		var start, end int64
		if err := rows.Scan(&m.Key, &m.Calendar, &m.Status, &m.Boss, &m.BossEmail, &m.OneOnOne, &m.BossDeclined,
			&m.Event.ID, &m.Event.RecurringEventID, &m.Event.Title, &start, &end); err != nil {
			return nil, fmt.Errorf("list meetings ahead with %s: %w", boss, err)
		}
		m.Event.Start, m.Event.End = time.Unix(start, 0), time.Unix(end, 0)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list meetings ahead with %s: %w", boss, err)
	}
	return out, nil
}
