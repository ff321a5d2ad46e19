package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
)

// lastLoggedQuery walks the boss's meetings before a time from the latest
// back, and stops at the first with a log: an item other than a talking
// point tied to it (items_by_meeting), or a reply about it received once it
// had started. A reply to a brief before the meeting only queues talking
// points for it, which say nothing of how it went. The status is not
// looked at: a meeting cancelled or declined but logged all the same did
// take place in some form, and one without a log is skipped whatever its
// status.
//
// The reply check runs only for a meeting without such items, and the walk
// is over one boss's meetings; with the indexes meetings (boss, start_at)
// and replies (meeting_key) it reads a handful of rows (see
// TestLastLoggedPlan).
const lastLoggedQuery = `SELECT ` + meetingColumns + ` FROM meetings m
	WHERE m.boss = ? AND m.start_at < ? AND m.one_on_one >= ?
	AND (EXISTS (SELECT 1 FROM items i WHERE i.meeting_key = m.key AND i.kind != 'point')
		OR EXISTS (SELECT 1 FROM replies r WHERE r.meeting_key = m.key AND r.received_at >= m.start_at))
	ORDER BY m.start_at DESC, m.key DESC LIMIT 1`

// LastLogged returns the latest meeting with boss that started before
// before and has a log, of any status; with oneOnOne, only a 1:1. false if
// there is none. It implements meetinglog.Reader.
func (s *Store) LastLogged(ctx context.Context, boss string, before time.Time, oneOnOne bool) (meeting.Meeting, bool, error) {
	m, err := scanMeeting(s.db.QueryRowContext(ctx, lastLoggedQuery, boss, before.Unix(), oneOnOne))
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, fmt.Errorf("find the last logged meeting with %s: %w", boss, err)
	}
	return m, true, nil
}
