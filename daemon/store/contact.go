package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
)

// Contact returns what the store knows of the meetings with boss around at
// (see meeting.Contact), with 1:1s looked for up to ahead past at. Each of
// its three queries walks the index meetings (boss, start_at) and reads a
// bounded number of rows.
func (s *Store) Contact(ctx context.Context, boss string, at time.Time, ahead time.Duration) (meeting.Contact, error) {
	c := meeting.Contact{Boss: boss}
	last, err := s.lightMeetings(ctx, `boss = ? AND status = 'active' AND boss_declined = 0 AND start_at <= ?
		ORDER BY start_at DESC, key DESC LIMIT 1`, boss, at.Unix())
	if err != nil {
		return c, fmt.Errorf("find the last meeting held with %s: %w", boss, err)
	}
	after := `boss = ? AND status != 'unmatched'`
	args := []any{boss}
	if len(last) == 1 {
		c.Last = last[0]
		after, args = after+` AND start_at > ?`, append(args, c.Last.Event.Start.Unix())
	}
	c.After, err = s.lightMeetings(ctx, after+fmt.Sprintf(` ORDER BY start_at, key LIMIT %d`, meeting.MaxContactAfter), args...)
	if err != nil {
		return c, fmt.Errorf("list the meetings with %s since the last one held: %w", boss, err)
	}
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`SELECT start_at FROM meetings
		WHERE boss = ? AND one_on_one = 1 AND status != 'unmatched' AND start_at <= ?
		ORDER BY start_at DESC LIMIT %d`, meeting.MaxContactOneOnOnes), boss, at.Add(ahead).Unix())
	if err != nil {
		return c, fmt.Errorf("list the 1:1s with %s: %w", boss, err)
	}
	defer rows.Close()
	for rows.Next() {
		var start int64
		if err := rows.Scan(&start); err != nil {
			return c, fmt.Errorf("list the 1:1s with %s: %w", boss, err)
		}
		c.OneOnOnes = append(c.OneOnOnes, time.Unix(start, 0))
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("list the 1:1s with %s: %w", boss, err)
	}
	slices.Reverse(c.OneOnOnes) // read latest first, for the LIMIT
	return c, nil
}
