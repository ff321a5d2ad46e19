package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/outbox"
)

// ErrDuplicate is returned for a reply whose Message-ID was processed before.
var ErrDuplicate = errors.New("reply already processed")

// Reply is an email the user sent that leadup turned into log entries.
type Reply struct {
	MessageID  string
	MeetingKey string // "" for talking points sent between meetings
	Boss       string
	Subject    string
	Received   time.Time
}

// Logged is what RecordReply did.
type Logged struct {
	Items    []Item  // the new items, with their ids
	Closed   []int64 // action items closed
	NotFound []int64 // "done" ids that are no open action item with this boss
}

// RecordReply stores a reply and what it logged, in one transaction: the
// new items, the action items it closes, and, when pointsRaisedBefore is
// set, the talking points queued before that time (the meeting the reply
// is about, where they were raised) marked done. A reply already recorded
// returns ErrDuplicate and changes nothing.
func (s *Store) RecordReply(ctx context.Context, r Reply, items []Item, done []int64, pointsRaisedBefore time.Time) (Logged, error) {
	now := s.now()
	var out Logged
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
		for _, it := range items {
			it.Boss, it.MeetingKey, it.Created = r.Boss, r.MeetingKey, now
			res, err := tx.ExecContext(ctx, `INSERT INTO items (boss, meeting_key, kind, owner, text, due_at, created_at, done_at, reply_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
				it.Boss, key, it.Kind, it.Owner, it.Text, unixOrNull(it.Due), now.Unix(), r.MessageID)
			if err != nil {
				return fmt.Errorf("add %s item: %w", it.Kind, err)
			}
			if it.ID, err = res.LastInsertId(); err != nil {
				return fmt.Errorf("add %s item: %w", it.Kind, err)
			}
			out.Items = append(out.Items, it)
		}
		for _, id := range done {
			ok, err := closeAction(ctx, tx, id, r.Boss, now)
			if err != nil {
				return err
			}
			if ok {
				out.Closed = append(out.Closed, id)
			} else {
				out.NotFound = append(out.NotFound, id)
			}
		}
		if !pointsRaisedBefore.IsZero() {
			if _, err := tx.ExecContext(ctx, `UPDATE items SET done_at = ? WHERE boss = ? AND kind = 'point'
				AND done_at IS NULL AND created_at < ?`, now.Unix(), r.Boss, pointsRaisedBefore.Unix()); err != nil {
				return fmt.Errorf("close raised talking points: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Logged{}, fmt.Errorf("record reply %s: %w", r.MessageID, err)
	}
	return out, nil
}

// closeAction closes an open action item of boss ("" for any boss).
func closeAction(ctx context.Context, tx *sql.Tx, id int64, boss string, now time.Time) (bool, error) {
	q := `UPDATE items SET done_at = ? WHERE id = ? AND kind = 'action' AND done_at IS NULL`
	args := []any{now.Unix(), id}
	if boss != "" {
		q += ` AND boss = ?`
		args = append(args, boss)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("close item %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CloseItems closes open action items by id, of any boss.
func (s *Store) CloseItems(ctx context.Context, ids []int64) (closed, notFound []int64, err error) {
	now := s.now()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			ok, err := closeAction(ctx, tx, id, "", now)
			if err != nil {
				return err
			}
			if ok {
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
	Boss  string    // "" for every boss
	Kinds []string  // empty for every kind
	Open  bool      // only items not done
	Since time.Time // logged at or after; zero for all
}

// ListItems returns the items q selects, oldest first.
func (s *Store) ListItems(ctx context.Context, q ItemQuery) ([]Item, error) {
	where := []string{"1 = 1"}
	var args []any
	if q.Boss != "" {
		where, args = append(where, "boss = ?"), append(args, q.Boss)
	}
	if len(q.Kinds) > 0 {
		where = append(where, "kind IN (?"+strings.Repeat(", ?", len(q.Kinds)-1)+")")
		for _, k := range q.Kinds {
			args = append(args, k)
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

// FollowupByToken returns the follow-up that carried a reply token.
func (s *Store) FollowupByToken(ctx context.Context, token string) (outbox.Message, error) {
	m, err := scanOutbox(s.db.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE reply_token = ?`, token), false)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("follow-up for token: %w", ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("look up follow-up: %w", err)
	}
	return m, nil
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
		return fmt.Errorf("save mailbox checkpoint: %w", err)
	}
	return nil
}

// ItemsByID returns the items with the given ids, in id order.
func (s *Store) ItemsByID(ctx context.Context, ids []int64) ([]Item, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return s.items(ctx, `id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY id`, args...)
}
