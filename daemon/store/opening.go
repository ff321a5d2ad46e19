package store

import (
	"context"
	"fmt"
)

// BriefsSent returns how many briefs for meetings with boss are in the
// outbox, sent or on their way (queued or being sent); failed and skipped
// ones never reached the user and are not counted. The brief's opening
// rotates its coaching prompt by this number, so it needs no state of its
// own: each brief that goes out moves the next one on.
func (s *Store) BriefsSent(ctx context.Context, boss string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM outbox o JOIN meetings m ON m.key = o.meeting_key
		WHERE m.boss = ? AND o.kind = 'brief' AND o.state IN ('queued', 'sending', 'sent')`, boss).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count briefs with %s: %w", boss, err)
	}
	return n, nil
}
