package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// keepIgnored is how many ignored emails the store remembers.
const keepIgnored = 100

// IgnoredMail is an email from the user that leadup did not act on.
type IgnoredMail struct {
	MessageID string
	From      string
	Subject   string
	Reason    string
	At        time.Time
}

// RecordIgnored remembers an ignored email, once for each reason, forgetting
// the oldest beyond the last hundred.
func (s *Store) RecordIgnored(ctx context.Context, m IgnoredMail) error {
	if m.At.IsZero() {
		m.At = s.now()
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		// Once each: a mailbox rescanned after a UIDVALIDITY change hands
		// the same emails over again.
		if _, err := tx.ExecContext(ctx, `INSERT INTO ignored_mail (message_id, from_addr, subject, reason, at)
			SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM ignored_mail WHERE message_id = ? AND reason = ?)`,
			m.MessageID, m.From, m.Subject, m.Reason, m.At.Unix(), m.MessageID, m.Reason); err != nil {
			return fmt.Errorf("record ignored email: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ignored_mail WHERE id <= (SELECT max(id) FROM ignored_mail) - ?`, keepIgnored); err != nil {
			return fmt.Errorf("trim ignored emails: %w", err)
		}
		return nil
	})
}

// RecentIgnored returns the last n ignored emails, newest first.
func (s *Store) RecentIgnored(ctx context.Context, n int) ([]IgnoredMail, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT message_id, from_addr, subject, reason, at FROM ignored_mail ORDER BY id DESC LIMIT ?`, n)
	if err != nil {
		return nil, fmt.Errorf("list ignored emails: %w", err)
	}
	defer rows.Close()
	var out []IgnoredMail
	for rows.Next() {
		var m IgnoredMail
		var at int64
		if err := rows.Scan(&m.MessageID, &m.From, &m.Subject, &m.Reason, &at); err != nil {
			return nil, fmt.Errorf("list ignored emails: %w", err)
		}
		m.At = time.Unix(at, 0)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list ignored emails: %w", err)
	}
	return out, nil
}
