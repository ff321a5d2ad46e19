package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
)

// SyncState returns what is stored about calendar's last sync; the zero
// SyncState before the first one.
func (s *Store) SyncState(ctx context.Context, cal string) (meeting.SyncState, error) {
	var st meeting.SyncState
	var synced, full int64
	err := s.db.QueryRowContext(ctx,
		`SELECT cursor, rule, synced_at, full_synced_at FROM calendar_sync WHERE calendar = ?`, cal,
	).Scan(&st.Cursor, &st.Rule, &synced, &full)
	if errors.Is(err, sql.ErrNoRows) {
		return meeting.SyncState{}, nil
	}
	if err != nil {
		return st, fmt.Errorf("read sync state of %s: %w", cal, err)
	}
	st.SyncedAt, st.FullSyncedAt = time.Unix(synced, 0), time.Unix(full, 0)
	return st, nil
}

// storedMeeting is the part of a row ApplySync compares against.
type storedMeeting struct {
	status     meeting.Status
	digest     string
	start, end int64
	series     string
}

// ApplySync stores one sync's outcome and its cursor in one transaction, and
// returns the meetings it added or altered. Meetings are written only when
// something about them changed, so a sync that changed nothing writes only
// the cursor.
func (s *Store) ApplySync(ctx context.Context, u meeting.SyncUpdate) ([]meeting.Change, error) {
	now := s.now().Unix()
	var changes []meeting.Change
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stored, err := loadStored(ctx, tx, u.Calendar)
		if err != nil {
			return err
		}
		upsert, err := tx.PrepareContext(ctx, `
			INSERT INTO meetings (key, calendar, event_id, recurring_event_id, status, title, start_at, end_at,
				boss, boss_email, one_on_one, boss_declined, event, digest, first_seen_at, changed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET
				event_id = excluded.event_id, recurring_event_id = excluded.recurring_event_id,
				status = excluded.status, title = excluded.title,
				start_at = excluded.start_at, end_at = excluded.end_at,
				boss = excluded.boss, boss_email = excluded.boss_email,
				one_on_one = excluded.one_on_one, boss_declined = excluded.boss_declined,
				event = excluded.event, digest = excluded.digest, changed_at = excluded.changed_at`)
		if err != nil {
			return fmt.Errorf("prepare upsert: %w", err)
		}
		defer upsert.Close()
		setStatus, err := tx.PrepareContext(ctx, `UPDATE meetings SET status = ?, digest = '', changed_at = ? WHERE key = ?`)
		if err != nil {
			return fmt.Errorf("prepare status update: %w", err)
		}
		defer setStatus.Close()

		mark := func(key string, old storedMeeting, to meeting.Status) error {
			if old.status == to {
				return nil
			}
			if _, err := setStatus.ExecContext(ctx, string(to), now, key); err != nil {
				return fmt.Errorf("mark meeting %s %s: %w", key, to, err)
			}
			changes = append(changes, meeting.Change{Key: key, Before: old.status, After: to})
			old.status, old.digest = to, ""
			stored[key] = old
			return nil
		}

		seen := make(map[string]bool, len(u.Meetings))
		for i := range u.Meetings {
			m := &u.Meetings[i]
			seen[m.Key] = true
			old, exists := stored[m.Key]
			switch m.Status {
			case meeting.Active, meeting.Declined:
				row, err := newRow(m)
				if err != nil {
					return err
				}
				if exists && old.digest == row.digest {
					continue
				}
				if _, err := upsert.ExecContext(ctx, m.Key, m.Calendar, m.Event.ID, m.Event.RecurringEventID,
					string(m.Status), m.Event.Title, row.start, row.end, m.Boss, m.BossEmail,
					m.OneOnOne, m.BossDeclined, row.event, row.digest, now, now); err != nil {
					return fmt.Errorf("store meeting %s: %w", m.Key, err)
				}
				c := meeting.Change{Key: m.Key, After: m.Status}
				if exists {
					c.Before = old.status
					c.Moved = old.start != row.start || old.end != row.end
				}
				changes = append(changes, c)
				stored[m.Key] = storedMeeting{status: m.Status, digest: row.digest, start: row.start, end: row.end, series: m.Event.RecurringEventID}
			case meeting.Cancelled, meeting.Unmatched:
				if exists {
					if err := mark(m.Key, old, m.Status); err != nil {
						return err
					}
				}
				// A deleted series can arrive as one tombstone for the series
				// itself rather than one per instance.
				if m.Status == meeting.Cancelled && m.Event.RecurringEventID == "" {
					for key, old := range stored {
						if old.series == m.Event.ID && live(old.status) {
							if err := mark(key, old, meeting.Cancelled); err != nil {
								return err
							}
						}
					}
				}
			}
		}

		if u.Full {
			// A full sync lists every live event in its window: a meeting in
			// the window that it did not list was deleted.
			for key, old := range stored {
				if !seen[key] && live(old.status) &&
					u.Window.Overlaps(time.Unix(old.start, 0), time.Unix(old.end, 0)) {
					if err := mark(key, old, meeting.Cancelled); err != nil {
						return err
					}
				}
			}
		}

		if err := applyInvitations(ctx, tx, u, s.now()); err != nil {
			return err
		}

		fullAt := "full_synced_at"
		if u.Full {
			fullAt = "excluded.full_synced_at"
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO calendar_sync (calendar, cursor, rule, synced_at, full_synced_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (calendar) DO UPDATE SET cursor = excluded.cursor, rule = excluded.rule,
				synced_at = excluded.synced_at, full_synced_at = `+fullAt,
			u.Calendar, u.Cursor, u.Rule, now, now); err != nil {
			return fmt.Errorf("store sync cursor: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("apply sync of %s: %w", u.Calendar, err)
	}
	return changes, nil
}

func live(s meeting.Status) bool { return s == meeting.Active || s == meeting.Declined }

func loadStored(ctx context.Context, tx *sql.Tx, cal string) (map[string]storedMeeting, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT key, status, digest, start_at, end_at, recurring_event_id FROM meetings WHERE calendar = ?`, cal)
	if err != nil {
		return nil, fmt.Errorf("load meetings: %w", err)
	}
	defer rows.Close()
	stored := make(map[string]storedMeeting)
	for rows.Next() {
		var key string
		var m storedMeeting
		if err := rows.Scan(&key, &m.status, &m.digest, &m.start, &m.end, &m.series); err != nil {
			return nil, fmt.Errorf("load meetings: %w", err)
		}
		stored[key] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load meetings: %w", err)
	}
	return stored, nil
}

type row struct {
	start, end int64
	event      string
	digest     string
}

func newRow(m *meeting.Meeting) (row, error) {
	ev, err := json.Marshal(&m.Event)
	if err != nil {
		return row{}, fmt.Errorf("encode event %s: %w", m.Key, err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%t\x00%t\x00", m.Status, m.Boss, m.BossEmail, m.OneOnOne, m.BossDeclined)
	h.Write(ev)
	return row{
		start:  m.Event.Start.Unix(),
		end:    m.Event.End.Unix(),
		event:  string(ev),
		digest: hex.EncodeToString(h.Sum(nil)[:16]),
	}, nil
}

// Query selects meetings.
type Query struct {
	// From and To select meetings that overlap [From, To); zero means
	// unbounded on that side.
	From, To time.Time
	// Statuses selects by status; empty means every status.
	Statuses []meeting.Status
	// Limit caps the number of meetings; 0 means no cap.
	Limit int
}

// Meetings returns the meetings that match q, earliest first.
func (s *Store) Meetings(ctx context.Context, q Query) ([]meeting.Meeting, error) {
	var where []string
	var args []any
	if !q.From.IsZero() {
		where, args = append(where, "end_at > ?"), append(args, q.From.Unix())
	}
	if !q.To.IsZero() {
		where, args = append(where, "start_at < ?"), append(args, q.To.Unix())
	}
	if len(q.Statuses) > 0 {
		where = append(where, "status IN (?"+strings.Repeat(", ?", len(q.Statuses)-1)+")")
		for _, st := range q.Statuses {
			args = append(args, string(st))
		}
	}
	query := `SELECT ` + meetingColumns + ` FROM meetings`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY start_at, key"
	if q.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	defer rows.Close()
	var out []meeting.Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, fmt.Errorf("list meetings: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	return out, nil
}

// Meeting returns the meeting with the given key, or ErrNotFound.
func (s *Store) Meeting(ctx context.Context, key string) (meeting.Meeting, error) {
	r := s.db.QueryRowContext(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE key = ?`, key)
	m, err := scanMeeting(r)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("meeting %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("read meeting %s: %w", key, err)
	}
	return m, nil
}

// meetingColumns are the columns scanMeeting reads, in its order.
const meetingColumns = `key, calendar, status, boss, boss_email, one_on_one, boss_declined, event`

func scanMeeting(r interface{ Scan(...any) error }) (meeting.Meeting, error) {
	var m meeting.Meeting
	var ev string
	if err := r.Scan(&m.Key, &m.Calendar, &m.Status, &m.Boss, &m.BossEmail, &m.OneOnOne, &m.BossDeclined, &ev); err != nil {
		return m, err
	}
	if err := json.Unmarshal([]byte(ev), &m.Event); err != nil {
		return m, fmt.Errorf("decode event of %s: %w", m.Key, err)
	}
	return m, nil
}

// MeetingsSince returns the meetings of any status that end after t,
// earliest first: what the scheduler plans over. They are light: their
// Event has only its id, series id, title, start and end (the scheduler
// needs no more to plan, and loads a whole meeting only for a job that is
// due), which keeps a plan over hundreds of meetings cheap.
func (s *Store) MeetingsSince(ctx context.Context, t time.Time) ([]meeting.Meeting, error) {
	ms, err := s.lightMeetings(ctx, `end_at > ? ORDER BY start_at, key`, t.Unix())
	if err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	return ms, nil
}

// lightMeetings returns the meetings that match where (a WHERE clause's
// condition and what follows it: ORDER BY, LIMIT), light: their Event has
// only its id, series id, title, start and end.
func (s *Store) lightMeetings(ctx context.Context, where string, args ...any) ([]meeting.Meeting, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, calendar, status, boss, boss_email, one_on_one, boss_declined,
		event_id, recurring_event_id, title, start_at, end_at FROM meetings WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []meeting.Meeting
	for rows.Next() {
		var m meeting.Meeting
		var start, end int64
		if err := rows.Scan(&m.Key, &m.Calendar, &m.Status, &m.Boss, &m.BossEmail, &m.OneOnOne, &m.BossDeclined,
			&m.Event.ID, &m.Event.RecurringEventID, &m.Event.Title, &start, &end); err != nil {
			return nil, err
		}
		m.Event.Start, m.Event.End = time.Unix(start, 0), time.Unix(end, 0)
		out = append(out, m)
	}
	return out, rows.Err()
}
