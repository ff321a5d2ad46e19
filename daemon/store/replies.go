package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
)

// ErrDuplicate is returned for a reply whose Message-ID was processed before.
var ErrDuplicate = errors.New("reply already processed")

// RecordReply stores a reply and what it logged, in one transaction: the
// new items (numbered), the action items it closes, the talking points it
// says were raised ("done 5" on a point's number: they are in Closed), and
// the fixes to earlier items. A reply already recorded returns ErrDuplicate and
// changes nothing.
func (s *Store) RecordReply(ctx context.Context, rec meetinglog.Record) (meetinglog.Logged, error) {
	now := s.now()
	r := rec.Reply
	var out meetinglog.Logged
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM replies WHERE message_id = ?`, r.MessageID).Scan(&exists); err != nil {
			return fmt.Errorf("look up reply: %w", err)
		}
		if exists > 0 {
			return ErrDuplicate
		}
		var key any
		if r.MeetingKey != "" {
			key = r.MeetingKey
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO replies (message_id, meeting_key, boss, subject, received_at, processed_at)
			VALUES (?, ?, ?, ?, ?, ?)`, r.MessageID, key, r.Boss, r.Subject, r.Received.Unix(), now.Unix()); err != nil {
			return fmt.Errorf("record reply: %w", err)
		}
		legacy, err := legacyNumbers(ctx, tx, rec.Answers)
		if err != nil {
			return err
		}
		for _, f := range rec.Fixes {
			fixed, err := applyFix(ctx, tx, f, legacy, now)
			if err != nil {
				return err
			}
			out.Fixed = append(out.Fixed, fixed)
		}
		for _, it := range rec.Items {
			it.Boss, it.MeetingKey, it.Created = r.Boss, r.MeetingKey, now
			if it.ID, err = insertItem(ctx, tx, it, now, r.MessageID); err != nil {
				return fmt.Errorf("add %s item: %w", it.Kind, err)
			}
			out.Items = append(out.Items, it)
		}
		applied := func(st closeState, number int64) bool {
			switch st {
			case closedNow:
				out.Applied = append(out.Applied, number)
			case closedBefore:
				out.AlreadyApplied = append(out.AlreadyApplied, number)
			default:
				return false
			}
			return true
		}
		for _, n := range rec.Applied {
			st, number, err := closeItem(ctx, tx, meetinglog.Feedback, n, legacy, r.Boss, r.MessageID, now)
			if err != nil {
				return err
			}
			if !applied(st, number) {
				out.NotFeedback = append(out.NotFeedback, n)
			}
		}
		for _, n := range rec.Done {
			// "done 4" closes an action, applies feedback or raises a
			// talking point, whichever has that number.
			st, number, kind, err := closeFirst(ctx, tx, n, legacy, r.Boss, r.MessageID, now,
				meetinglog.Action, meetinglog.Feedback, meetinglog.Point)
			if err != nil {
				return err
			}
			if kind == meetinglog.Feedback && applied(st, number) {
				continue
			}
			switch st {
			case closedNow:
				out.Closed = append(out.Closed, number)
			case closedBefore:
				out.AlreadyClosed = append(out.AlreadyClosed, number)
			default:
				out.NotFound = append(out.NotFound, n)
			}
		}
		// A talking point is raised only by a "done" on its number (above),
		// so that a reply that does not mention one leaves it for the next
		// meeting.
		if rec.Confirmation != nil {
			if m, ok := rec.Confirmation(out); ok {
				var err error
				if out.Confirmed, err = enqueue(ctx, tx, m, now); err != nil {
					return fmt.Errorf("queue confirmation: %w", err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return meetinglog.Logged{}, fmt.Errorf("record reply %s: %w", r.MessageID, err)
	}
	return out, nil
}

// How closeAction found an item.
type closeState int

const (
	notFound     closeState = iota // no item of that kind with that number (and boss)
	closedNow                      // open, and now closed
	closedBefore                   // already closed
)

// legacyNumbers reports whether the numbers in a reply to the outbox email
// answered (0: none) are row ids: the email was written before migration 7
// numbered the items, and showed row ids. Reading them as such keeps "done
// 12", typed under an old follow-up's "[12]", on the item it showed; the
// confirmation then shows that item's number.
func legacyNumbers(ctx context.Context, tx *sql.Tx, answered int64) (bool, error) {
	if answered == 0 {
		return false, nil
	}
	var before int64
	err := tx.QueryRowContext(ctx, `SELECT legacy_before FROM item_numbers`).Scan(&before)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read item numbering: %w", err)
	}
	return answered < before, nil
}

// byNumber is the condition that finds an item by the number the user
// typed: its number, or its row id when legacy (see legacyNumbers).
func byNumber(legacy bool) string {
	if legacy {
		return `id = ?`
	}
	return `number = ?`
}

// closeItem closes the item of kind numbered n (its row id if legacy) of
// boss ("" for any boss): an action done, feedback applied, a talking point
// raised. It records the reply that closed it (by; "" for none) and
// returns the item's number.
func closeItem(ctx context.Context, tx *sql.Tx, kind meetinglog.Kind, n int64, legacy bool, boss, by string, now time.Time) (closeState, int64, error) {
	q := `SELECT id, coalesce(number, 0), done_at IS NOT NULL FROM items WHERE ` + byNumber(legacy) + ` AND kind = ?`
	args := []any{n, string(kind)}
	if boss != "" {
		q += ` AND boss = ?`
		args = append(args, boss)
	}
	var row, number int64
	var done bool
	switch err := tx.QueryRowContext(ctx, q, args...).Scan(&row, &number, &done); {
	case errors.Is(err, sql.ErrNoRows):
		return notFound, 0, nil
	case err != nil:
		return notFound, 0, fmt.Errorf("close %s %d: %w", kind, n, err)
	case done:
		return closedBefore, number, nil
	}
	var closedBy any
	if by != "" {
		closedBy = by
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET done_at = ?, closed_by = ? WHERE id = ?`, now.Unix(), closedBy, row); err != nil {
		return notFound, 0, fmt.Errorf("close %s %d: %w", kind, n, err)
	}
	return closedNow, number, nil
}

// CloseItems closes open action items, and raises talking points, by
// number, of any boss: `leadup items done`.
func (s *Store) CloseItems(ctx context.Context, numbers []int64) (closed, missing []int64, err error) {
	closed, missing, err = s.closeNumbers(ctx, numbers, meetinglog.Action, meetinglog.Point)
	if err != nil {
		return nil, nil, fmt.Errorf("close items: %w", err)
	}
	return closed, missing, nil
}

// closeNumbers closes, in one transaction, the open items of any boss with
// these numbers, of the first of kinds that has each: closed are the
// numbers closed now, missing the others.
func (s *Store) closeNumbers(ctx context.Context, numbers []int64, kinds ...meetinglog.Kind) (closed, missing []int64, err error) {
	now := s.now()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for _, n := range numbers {
			st, _, _, err := closeFirst(ctx, tx, n, false, "", "", now, kinds...)
			if err != nil {
				return err
			}
			if st == closedNow {
				closed = append(closed, n)
			} else {
				missing = append(missing, n)
			}
		}
		return nil
	})
	return closed, missing, err
}

// closeFirst closes the item numbered n of the first of kinds that has
// one (see closeItem), and says which kind that was.
func closeFirst(ctx context.Context, tx *sql.Tx, n int64, legacy bool, boss, by string, now time.Time, kinds ...meetinglog.Kind) (closeState, int64, meetinglog.Kind, error) {
	for _, k := range kinds {
		st, number, err := closeItem(ctx, tx, k, n, legacy, boss, by, now)
		if err != nil || st != notFound {
			return st, number, k, err
		}
	}
	return notFound, 0, "", nil
}

// ReplySeen reports whether a reply with this Message-ID was processed.
func (s *Store) ReplySeen(ctx context.Context, messageID string) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM replies WHERE message_id = ?`, messageID).Scan(&n); err != nil {
		return false, fmt.Errorf("look up reply: %w", err)
	}
	return n > 0, nil
}

// ItemQuery selects log items.
type ItemQuery struct {
	Boss  string            // "" for every boss
	Kinds []meetinglog.Kind // empty for every kind
	Open  bool              // only items not done
	Since time.Time         // logged at or after; zero for all
}

// ListItems returns the items q selects, oldest first.
func (s *Store) ListItems(ctx context.Context, q ItemQuery) ([]meetinglog.Item, error) {
	where := []string{"1 = 1"}
	var args []any
	if q.Boss != "" {
		where, args = append(where, "boss = ?"), append(args, q.Boss)
	}
	if len(q.Kinds) > 0 {
		where = append(where, "kind IN (?"+strings.Repeat(", ?", len(q.Kinds)-1)+")")
		for _, k := range q.Kinds {
			args = append(args, string(k))
		}
	}
	if q.Open {
		where = append(where, "done_at IS NULL")
	}
	if !q.Since.IsZero() {
		where, args = append(where, "created_at >= ?"), append(args, q.Since.Unix())
	}
	return s.items(ctx, strings.Join(where, " AND ")+" ORDER BY created_at, id", args...)
}

// SentByToken returns the message (a brief, follow-up or confirmation) that
// carried a reply token.
func (s *Store) SentByToken(ctx context.Context, token string) (outbox.Message, error) {
	m, err := scanOutbox(s.db.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE reply_token = ?`, token), false)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("message for token: %w", ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("look up message by token: %w", err)
	}
	return m, nil
}

// ReplyByID returns the reply recorded under a Message-ID.
func (s *Store) ReplyByID(ctx context.Context, messageID string) (meetinglog.Reply, error) {
	var r meetinglog.Reply
	var received int64
	err := s.db.QueryRowContext(ctx, `SELECT message_id, coalesce(meeting_key, ''), boss, subject, received_at FROM replies
		WHERE message_id = ?`, messageID).Scan(&r.MessageID, &r.MeetingKey, &r.Boss, &r.Subject, &received)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("reply %s: %w", messageID, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("look up reply: %w", err)
	}
	r.Received = time.Unix(received, 0)
	return r, nil
}

// LoadCheckpoint returns where the mailbox watcher stopped.
func (s *Store) LoadCheckpoint(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT uid_validity, last_uid FROM mailbox_checkpoints WHERE mailbox = ?`, mailbox).
		Scan(&uidValidity, &lastUID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("read mailbox checkpoint: %w", err)
	}
	return uidValidity, lastUID, nil
}

// SaveCheckpoint records where the mailbox watcher got to.
func (s *Store) SaveCheckpoint(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO mailbox_checkpoints (mailbox, uid_validity, last_uid) VALUES (?, ?, ?)
		ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid`,
		mailbox, uidValidity, lastUID); err != nil {
		return s.explainWrite(fmt.Errorf("save mailbox checkpoint: %w", err))
	}
	return nil
}

// ItemsByNumber returns the items with the given numbers, in number order.
func (s *Store) ItemsByNumber(ctx context.Context, numbers []int64) ([]meetinglog.Item, error) {
	if len(numbers) == 0 {
		return nil, nil
	}
	args := make([]any, len(numbers))
	for i, n := range numbers {
		args[i] = n
	}
	return s.items(ctx, `number IN (?`+strings.Repeat(", ?", len(numbers)-1)+`) ORDER BY number`, args...)
}
