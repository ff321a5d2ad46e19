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
// new items, the action items it closes, the talking points raised, and the
// fixes to earlier items. A reply already recorded returns ErrDuplicate and
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
		for _, f := range rec.Fixes {
			fixed, err := applyFix(ctx, tx, f, now)
			if err != nil {
				return err
			}
			out.Fixed = append(out.Fixed, fixed)
		}
		for _, it := range rec.Items {
			it.Boss, it.MeetingKey, it.Created = r.Boss, r.MeetingKey, now
			res, err := tx.ExecContext(ctx, `INSERT INTO items (boss, meeting_key, kind, owner, text, due_at, created_at, done_at, reply_id, source, inferred)
				VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
				it.Boss, key, string(it.Kind), it.Owner, it.Text, unixOrNull(it.Due), now.Unix(), r.MessageID, it.Source, it.Inferred)
			if err != nil {
				return fmt.Errorf("add %s item: %w", it.Kind, err)
			}
			if it.ID, err = res.LastInsertId(); err != nil {
				return fmt.Errorf("add %s item: %w", it.Kind, err)
			}
			out.Items = append(out.Items, it)
		}
		for _, id := range rec.Done {
			st, err := closeAction(ctx, tx, id, r.Boss, r.MessageID, now)
			if err != nil {
				return err
			}
			switch st {
			case closedNow:
				out.Closed = append(out.Closed, id)
			case closedBefore:
				out.AlreadyClosed = append(out.AlreadyClosed, id)
			default:
				out.NotFound = append(out.NotFound, id)
			}
		}
		if !rec.PointsRaisedBefore.IsZero() {
			if _, err := tx.ExecContext(ctx, `UPDATE items SET done_at = ?, closed_by = ? WHERE boss = ? AND kind = 'point'
				AND done_at IS NULL AND created_at < ?`, now.Unix(), r.MessageID, r.Boss, rec.PointsRaisedBefore.Unix()); err != nil {
				return fmt.Errorf("close raised talking points: %w", err)
			}
		}
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
	notAnAction  closeState = iota // no action item with that id (and boss)
	closedNow                      // open, and now closed
	closedBefore                   // already closed
)

// closeAction closes an action item of boss ("" for any boss), recording
// the reply that closed it ("" for none).
func closeAction(ctx context.Context, tx *sql.Tx, id int64, boss, by string, now time.Time) (closeState, error) {
	q := `SELECT done_at IS NOT NULL FROM items WHERE id = ? AND kind = 'action'`
	args := []any{id}
	if boss != "" {
		q += ` AND boss = ?`
		args = append(args, boss)
	}
	var done bool
	switch err := tx.QueryRowContext(ctx, q, args...).Scan(&done); {
	case errors.Is(err, sql.ErrNoRows):
		return notAnAction, nil
	case err != nil:
		return notAnAction, fmt.Errorf("close item %d: %w", id, err)
	case done:
		return closedBefore, nil
	}
	var closedBy any
	if by != "" {
		closedBy = by
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET done_at = ?, closed_by = ? WHERE id = ?`, now.Unix(), closedBy, id); err != nil {
		return notAnAction, fmt.Errorf("close item %d: %w", id, err)
	}
	return closedNow, nil
}

// CloseItems closes open action items by id, of any boss.
func (s *Store) CloseItems(ctx context.Context, ids []int64) (closed, notFound []int64, err error) {
	now := s.now()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			st, err := closeAction(ctx, tx, id, "", "", now)
			if err != nil {
				return err
			}
			if st == closedNow {
				closed = append(closed, id)
			} else {
				notFound = append(notFound, id)
			}
		}
		return nil
	})
	return closed, notFound, err
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

// ItemsByID returns the items with the given ids, in id order.
func (s *Store) ItemsByID(ctx context.Context, ids []int64) ([]meetinglog.Item, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return s.items(ctx, `id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY id`, args...)
}
