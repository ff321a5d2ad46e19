package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
)

// invitationKeep is how long after it ends an invitation is kept: long
// enough for `leadup meetings` to be of use, short enough that the table
// holds no history.
const invitationKeep = 24 * time.Hour

// applyInvitations keeps the invitations table in step with one sync of
// u.Calendar, inside ApplySync's transaction: an event awaiting the user's
// answer is stored or updated, one that no longer awaits it (answered,
// cancelled, changed) goes, and so on a full sync does one in its window
// that the sync did not list. Invitations long over go too.
func applyInvitations(ctx context.Context, tx *sql.Tx, u meeting.SyncUpdate, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM invitations WHERE end_at < ?`, now.Add(-invitationKeep).Unix()); err != nil {
		return fmt.Errorf("prune invitations: %w", err)
	}
	type span struct{ start, end int64 }
	stored := map[string]span{}
	rows, err := tx.QueryContext(ctx, `SELECT key, start_at, end_at FROM invitations WHERE calendar = ?`, u.Calendar)
	if err != nil {
		return fmt.Errorf("load invitations: %w", err)
	}
	for rows.Next() {
		var k string
		var s span
		if err := rows.Scan(&k, &s.start, &s.end); err != nil {
			rows.Close()
			return fmt.Errorf("load invitations: %w", err)
		}
		stored[k] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load invitations: %w", err)
	}

	upsert, err := tx.PrepareContext(ctx, `
		INSERT INTO invitations (key, calendar, event_id, recurring_event_id, title, start_at, end_at, boss, organizer, one_on_one, seen_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET event_id = excluded.event_id, recurring_event_id = excluded.recurring_event_id,
			title = excluded.title, start_at = excluded.start_at, end_at = excluded.end_at, boss = excluded.boss,
			organizer = excluded.organizer, one_on_one = excluded.one_on_one
		WHERE title != excluded.title OR start_at != excluded.start_at OR end_at != excluded.end_at
			OR boss != excluded.boss OR organizer != excluded.organizer OR one_on_one != excluded.one_on_one`)
	if err != nil {
		return fmt.Errorf("prepare invitation upsert: %w", err)
	}
	defer upsert.Close()
	remove := func(key string) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM invitations WHERE key = ?`, key); err != nil {
			return fmt.Errorf("remove invitation %s: %w", key, err)
		}
		delete(stored, key)
		return nil
	}

	seen := make(map[string]bool)
	for i := range u.Meetings {
		m := &u.Meetings[i]
		if !m.Awaiting {
			if _, ok := stored[m.Key]; ok {
				if err := remove(m.Key); err != nil {
					return err
				}
			}
			continue
		}
		seen[m.Key] = true
		ev := &m.Event
		if _, err := upsert.ExecContext(ctx, m.Key, m.Calendar, ev.ID, ev.RecurringEventID, ev.Title,
			ev.Start.Unix(), ev.End.Unix(), m.Boss, ev.OrganizerEmail(), m.OneOnOne, now.Unix()); err != nil {
			return fmt.Errorf("store invitation %s: %w", m.Key, err)
		}
	}
	if u.Full {
		for key, s := range stored {
			if !seen[key] && u.Window.Overlaps(time.Unix(s.start, 0), time.Unix(s.end, 0)) {
				if err := remove(key); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Invitations returns the events awaiting the user's answer that overlap
// [from, to), earliest first, as Unmatched meetings with Awaiting set and
// the inviting address in Event.Organizer.
func (s *Store) Invitations(ctx context.Context, from, to time.Time) ([]meeting.Meeting, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT key, calendar, event_id, recurring_event_id, title, start_at, end_at, boss, organizer, one_on_one
		FROM invitations WHERE end_at > ? AND start_at < ? ORDER BY start_at, key`, from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	defer rows.Close()
	var out []meeting.Meeting
	for rows.Next() {
		m := meeting.Meeting{Status: meeting.Unmatched, Awaiting: true}
		var start, end int64
		if err := rows.Scan(&m.Key, &m.Calendar, &m.Event.ID, &m.Event.RecurringEventID, &m.Event.Title,
			&start, &end, &m.Boss, &m.Event.Organizer.Email, &m.OneOnOne); err != nil {
			return nil, fmt.Errorf("list invitations: %w", err)
		}
		m.Event.Start, m.Event.End = time.Unix(start, 0), time.Unix(end, 0)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	return out, nil
}
