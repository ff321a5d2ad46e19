package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
)

func unixOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// AddItem stores it and returns its number (0 for a kind that takes none,
// see meetinglog.Kind.Numbered).
func (s *Store) AddItem(ctx context.Context, it meetinglog.Item) (int64, error) {
	created := it.Created
	if created.IsZero() {
		created = s.now()
	}
	var number int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		number, err = insertItem(ctx, tx, it, created, nil)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("add %s item: %w", it.Kind, err)
	}
	return number, nil
}

// insertItem adds it, created at created and logged by the reply replyID
// (nil for none), with the next number if its kind takes one, and returns
// that number.
func insertItem(ctx context.Context, tx *sql.Tx, it meetinglog.Item, created time.Time, replyID any) (int64, error) {
	var key, number any
	if it.MeetingKey != "" {
		key = it.MeetingKey
	}
	var n int64
	if it.Numbered() {
		var err error
		if n, err = nextNumber(ctx, tx); err != nil {
			return 0, err
		}
		number = n
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO items (boss, meeting_key, kind, owner, text, due_at, created_at, done_at, reply_id, source, inferred, number)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.Boss, key, string(it.Kind), it.Owner, it.Text, unixOrNull(it.Due), created.Unix(), unixOrNull(it.Done), replyID,
		it.Source, it.Inferred, number); err != nil {
		return 0, err
	}
	return n, nil
}

// nextNumber takes the next item number. The counter, not max(number)+1,
// says which: "undo" deletes items, and a number once shown must not come
// back on another item. Writers queue on the database lock
// (_txlock=immediate), so two transactions never take the same number; the
// unique index items_by_number would refuse it if they did.
func nextNumber(ctx context.Context, tx *sql.Tx) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO item_numbers (id, last) VALUES (1, 1)
		ON CONFLICT (id) DO UPDATE SET last = last + 1 RETURNING last`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("number item: %w", err)
	}
	return n, nil
}

const itemColumns = `coalesce(number, 0), id, boss, coalesce(meeting_key, ''), kind, owner, text, due_at, created_at, done_at, source, inferred`

func (s *Store) items(ctx context.Context, where string, args ...any) ([]meetinglog.Item, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+itemColumns+` FROM items WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	return scanItems(rows)
}

// scanItems reads rows of itemColumns and closes them.
func scanItems(rows *sql.Rows) ([]meetinglog.Item, error) {
	defer rows.Close()
	var out []meetinglog.Item
	for rows.Next() {
		var it meetinglog.Item
		var due, done sql.NullInt64
		var created int64
		if err := rows.Scan(&it.ID, &it.Row, &it.Boss, &it.MeetingKey, &it.Kind, &it.Owner, &it.Text, &due, &created, &done, &it.Source, &it.Inferred); err != nil {
			return nil, fmt.Errorf("list items: %w", err)
		}
		it.Created = time.Unix(created, 0)
		if due.Valid {
			it.Due = time.Unix(due.Int64, 0)
		}
		if done.Valid {
			it.Done = time.Unix(done.Int64, 0)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	return out, nil
}

// OpenActions returns the open action items with boss, oldest first.
func (s *Store) OpenActions(ctx context.Context, boss string) ([]meetinglog.Item, error) {
	return s.items(ctx, `boss = ? AND kind = 'action' AND done_at IS NULL ORDER BY created_at, id`, boss)
}

// ClosedActionsSince returns the action items with boss closed at or after
// since, in the order they were closed.
func (s *Store) ClosedActionsSince(ctx context.Context, boss string, since time.Time) ([]meetinglog.Item, error) {
	return s.items(ctx, `boss = ? AND kind = 'action' AND done_at >= ? ORDER BY done_at, id`, boss, since.Unix())
}

// ClosedActionsBetween returns the action items with boss closed in [from,
// to), in the order they were closed.
func (s *Store) ClosedActionsBetween(ctx context.Context, boss string, from, to time.Time) ([]meetinglog.Item, error) {
	return s.items(ctx, `boss = ? AND kind = 'action' AND done_at >= ? AND done_at < ? ORDER BY done_at, id`,
		boss, from.Unix(), to.Unix())
}

// CommitmentsDueBetween returns the user's own action items with boss due
// in [from, to), open or closed, by due date: what their follow-through
// is measured on (meetinglog.FollowThroughOf).
func (s *Store) CommitmentsDueBetween(ctx context.Context, boss string, from, to time.Time) ([]meetinglog.Item, error) {
	return s.items(ctx, `boss = ? AND kind = 'action' AND owner = 'me' AND due_at >= ? AND due_at < ? ORDER BY due_at, id`,
		boss, from.Unix(), to.Unix())
}

// LoggedBetween returns the items of kind with boss logged in [from, to),
// in the order they were logged: the decisions of a week, say.
func (s *Store) LoggedBetween(ctx context.Context, boss string, kind meetinglog.Kind, from, to time.Time) ([]meetinglog.Item, error) {
	return s.items(ctx, `boss = ? AND kind = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, id`,
		boss, string(kind), from.Unix(), to.Unix())
}

// OpenTalkingPoints returns the talking points for boss not yet raised,
// oldest first.
func (s *Store) OpenTalkingPoints(ctx context.Context, boss string) ([]meetinglog.Item, error) {
	return s.items(ctx, `boss = ? AND kind = 'point' AND done_at IS NULL ORDER BY created_at, id`, boss)
}

// MeetingItems returns the items logged for a meeting, of the given kind,
// in the order they were logged.
func (s *Store) MeetingItems(ctx context.Context, key string, kind meetinglog.Kind) ([]meetinglog.Item, error) {
	return s.items(ctx, `meeting_key = ? AND kind = ? ORDER BY created_at, id`, key, string(kind))
}

// PreviousMeeting returns the latest active meeting with boss that started
// before before, and false if there is none.
func (s *Store) PreviousMeeting(ctx context.Context, boss string, before time.Time) (meeting.Meeting, bool, error) {
	r := s.db.QueryRowContext(ctx, `SELECT `+meetingColumns+`
		FROM meetings WHERE boss = ? AND status = 'active' AND start_at < ? ORDER BY start_at DESC LIMIT 1`, boss, before.Unix())
	m, err := scanMeeting(r)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, fmt.Errorf("find previous meeting with %s: %w", boss, err)
	}
	return m, true, nil
}

// OpenFeedback returns the feedback from boss not yet applied, oldest
// first, from every meeting: it stays in each brief until the user says
// it was applied.
func (s *Store) OpenFeedback(ctx context.Context, boss string) ([]meetinglog.Item, error) {
	return s.items(ctx, `boss = ? AND kind = 'feedback' AND done_at IS NULL ORDER BY created_at, id`, boss)
}

// ApplyItems closes feedback by number, of any boss, as "leadup items
// applied 4" does: applied are the numbers closed now, notFeedback those
// that are no open feedback.
func (s *Store) ApplyItems(ctx context.Context, numbers []int64) (applied, notFeedback []int64, err error) {
	applied, notFeedback, err = s.closeNumbers(ctx, numbers, meetinglog.Feedback)
	if err != nil {
		return nil, nil, fmt.Errorf("apply feedback: %w", err)
	}
	return applied, notFeedback, nil
}

// Feedback returns all the feedback from boss, applied or not, oldest
// first: what the boss asked of the user's updates, which the weekly
// status update keeps following once applied.
func (s *Store) Feedback(ctx context.Context, boss string) ([]meetinglog.Item, error) {
	return s.items(ctx, `boss = ? AND kind = 'feedback' ORDER BY created_at, id`, boss)
}
