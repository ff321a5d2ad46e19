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

// Enqueue adds m to the outbox as queued, due at m.NextAttempt. A message
// for the same job already there wins (the same Message-ID, reply token, or
// for a digest the same week): Enqueue then reports false and changes
// nothing, which makes a job safe to dispatch twice. A digest and a
// catch-up have no meeting (MeetingKey ""); every other kind must have one.
// A catch-up's Skipped follow-ups are written with it, in one transaction.
func (s *Store) Enqueue(ctx context.Context, m outbox.Message) (bool, error) {
	if len(m.Skipped) == 0 {
		ok, err := enqueue(ctx, s.db, m, s.now())
		return ok, s.explainWrite(err)
	}
	var ok bool
	err := s.tx(ctx, func(tx *sql.Tx) (err error) {
		ok, err = enqueue(ctx, tx, m, s.now())
		return err
	})
	return ok, err
}

// execer is a database or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// enqueue is Enqueue on a database or inside a transaction. A catch-up's
// skipped follow-ups go in with it: the caller makes it one transaction.
func enqueue(ctx context.Context, db execer, m outbox.Message, at time.Time) (bool, error) {
	ok, err := insertOutbox(ctx, db, m, outbox.StateQueued, at)
	if err != nil || !ok {
		return ok, err
	}
	for _, sk := range m.Skipped {
		if _, err := insertOutbox(ctx, db, sk, outbox.StateSkipped, at); err != nil {
			return false, err
		}
	}
	return true, nil
}

// insertOutbox writes one row in state, unless its Message-ID is there.
func insertOutbox(ctx context.Context, db execer, m outbox.Message, state string, at time.Time) (bool, error) {
	now := at.Unix()
	var key any
	if m.MeetingKey != "" {
		key = m.MeetingKey
	}
	body := m.Body
	if body == nil {
		body = []byte{}
	}
	res, err := db.ExecContext(ctx, `
		INSERT INTO outbox (message_id, meeting_key, kind, variant, meeting_start, late, reply_token, state,
			next_attempt_at, expires_at, envelope_from, envelope_to, subject, message, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`,
		m.MessageID, key, m.Kind, m.Variant, m.MeetingStart.Unix(), m.Late, m.ReplyToken, state,
		m.NextAttempt.Unix(), m.Expires.Unix(), m.EnvelopeFrom, strings.Join(m.EnvelopeTo, ","), m.Subject, body, now, now)
	if err != nil {
		return false, fmt.Errorf("queue message %s: %w", m.MessageID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("queue message %s: %w", m.MessageID, err)
	}
	return n == 1, nil
}

const outboxColumns = `id, message_id, coalesce(meeting_key, ''), kind, variant, meeting_start, late, reply_token, state, attempts,
	next_attempt_at, expires_at, last_error, envelope_from, envelope_to, subject, created_at, updated_at, sent_at`

func scanOutbox(r interface{ Scan(...any) error }, withBody bool) (outbox.Message, error) {
	var m outbox.Message
	var start, next, expires, created, updated int64
	var sent sql.NullInt64
	var to string
	dest := []any{&m.ID, &m.MessageID, &m.MeetingKey, &m.Kind, &m.Variant, &start, &m.Late, &m.ReplyToken, &m.State,
		&m.Attempts, &next, &expires, &m.LastError, &m.EnvelopeFrom, &to, &m.Subject, &created, &updated, &sent}
	if withBody {
		dest = append(dest, &m.Body)
	}
	if err := r.Scan(dest...); err != nil {
		return m, err
	}
	m.MeetingStart, m.NextAttempt, m.Expires = time.Unix(start, 0), time.Unix(next, 0), time.Unix(expires, 0)
	m.Created, m.Updated = time.Unix(created, 0), time.Unix(updated, 0)
	if sent.Valid {
		m.Sent = time.Unix(sent.Int64, 0)
	}
	if to != "" {
		m.EnvelopeTo = strings.Split(to, ",")
	}
	return m, nil
}

// NextDue implements outbox.Store.
func (s *Store) NextDue(ctx context.Context, now time.Time) (outbox.Message, bool, error) {
	r := s.db.QueryRowContext(ctx, `SELECT `+outboxColumns+`, message FROM outbox
		WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1`, now.Unix())
	m, err := scanOutbox(r, true)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, fmt.Errorf("read outbox: %w", err)
	}
	return m, true, nil
}

// NextAttempt implements outbox.Store.
func (s *Store) NextAttempt(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT min(next_attempt_at) FROM outbox WHERE state = 'queued'`).Scan(&next); err != nil {
		return time.Time{}, false, fmt.Errorf("read outbox: %w", err)
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	return time.Unix(next.Int64, 0), true, nil
}

func (s *Store) updateOutbox(ctx context.Context, what string, id int64, query string, args ...any) error {
	res, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return s.explainWrite(fmt.Errorf("mark message %d %s: %w", id, what, err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("mark message %d %s: %w", id, what, outbox.ErrNotFound)
	}
	return nil
}

// MarkSending implements outbox.Store. It claims the message: only a
// queued one can be marked, so of two processes delivering the same outbox
// (the daemon and a one-shot "leadup ingest") one gets it and the other is
// told outbox.ErrNotFound.
func (s *Store) MarkSending(ctx context.Context, id int64, now time.Time) error {
	return s.updateOutbox(ctx, "sending", id,
		`UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'queued'`, now.Unix(), id)
}

// MarkSent implements outbox.Store.
func (s *Store) MarkSent(ctx context.Context, id int64, now time.Time) error {
	return s.updateOutbox(ctx, "sent", id,
		`UPDATE outbox SET state = 'sent', sent_at = ?, updated_at = ?, last_error = '' WHERE id = ?`, now.Unix(), now.Unix(), id)
}

// MarkRetry implements outbox.Store.
func (s *Store) MarkRetry(ctx context.Context, id int64, next time.Time, errText string, now time.Time) error {
	return s.updateOutbox(ctx, "for retry", id,
		`UPDATE outbox SET state = 'queued', next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?`,
		next.Unix(), errText, now.Unix(), id)
}

// MarkFailed implements outbox.Store.
func (s *Store) MarkFailed(ctx context.Context, id int64, errText string, now time.Time) error {
	return s.updateOutbox(ctx, "failed", id,
		`UPDATE outbox SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ?`, errText, now.Unix(), id)
}

// Unfinished implements outbox.Store.
func (s *Store) Unfinished(ctx context.Context) ([]outbox.Message, error) {
	return s.listOutbox(ctx, false, `WHERE state = 'sending' ORDER BY id`)
}

// OutboxForMeetings returns the outbox rows of the given meetings, bodies
// left out, keyed by meeting.
func (s *Store) OutboxForMeetings(ctx context.Context, keys []string) (map[string][]outbox.Message, error) {
	out := make(map[string][]outbox.Message)
	if len(keys) == 0 {
		return out, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	ms, err := s.listOutbox(ctx, false, `WHERE meeting_key IN (?`+strings.Repeat(", ?", len(keys)-1)+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out[m.MeetingKey] = append(out[m.MeetingKey], m)
	}
	return out, nil
}

// OutboxWithoutMeeting returns the outbox rows that belong to no meeting
// (the weekly digests, catch-ups and nudges) created at or after since,
// oldest first, bodies left out.
func (s *Store) OutboxWithoutMeeting(ctx context.Context, since time.Time) ([]outbox.Message, error) {
	return s.listOutbox(ctx, false, `WHERE meeting_key IS NULL AND created_at >= ? ORDER BY id`, since.Unix())
}

// FirstRecorded returns when the store first recorded anything that shows
// leadup at work: a meeting seen on the calendar or an email queued. It is
// zero for a new store. The scheduler makes up a missed digest only for a
// week leadup was watching.
func (s *Store) FirstRecorded(ctx context.Context) (time.Time, error) {
	var first sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT min(t) FROM (
		SELECT min(first_seen_at) AS t FROM meetings UNION ALL SELECT min(created_at) FROM outbox)`).Scan(&first); err != nil {
		return time.Time{}, fmt.Errorf("read first record: %w", err)
	}
	if !first.Valid {
		return time.Time{}, nil
	}
	return time.Unix(first.Int64, 0), nil
}

// RecentOutbox returns the messages created or changed since since, newest
// first, bodies left out: for `leadup status`.
func (s *Store) RecentOutbox(ctx context.Context, since time.Time, limit int) ([]outbox.Message, error) {
	return s.listOutbox(ctx, false, `WHERE updated_at >= ? OR state IN ('queued', 'sending') ORDER BY updated_at DESC, id DESC LIMIT ?`,
		since.Unix(), limit)
}

// OutboxMessage returns one message with its body.
func (s *Store) OutboxMessage(ctx context.Context, id int64) (outbox.Message, error) {
	m, err := scanOutbox(s.db.QueryRowContext(ctx, `SELECT `+outboxColumns+`, message FROM outbox WHERE id = ?`, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("message %d: %w", id, outbox.ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("read message %d: %w", id, err)
	}
	return m, nil
}

func (s *Store) listOutbox(ctx context.Context, withBody bool, where string, args ...any) ([]outbox.Message, error) {
	cols := outboxColumns
	if withBody {
		cols += ", message"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+cols+` FROM outbox `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	var out []outbox.Message
	for rows.Next() {
		m, err := scanOutbox(rows, withBody)
		if err != nil {
			return nil, fmt.Errorf("list outbox: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return out, nil
}
