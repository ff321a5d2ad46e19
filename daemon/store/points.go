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
	ms, err := s.lightMeetings(ctx, `boss = ? AND start_at >= ? AND status = 'active' ORDER BY start_at, key`, boss, from.Unix())
	if err != nil {
		return nil, fmt.Errorf("list meetings ahead with %s: %w", boss, err)
	}
	return ms, nil
}
