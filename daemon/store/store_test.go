package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/meeting"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "state", FileName), Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	path := filepath.Join(dir, FileName)
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	defer s.Close()
	// Force the WAL into existence.
	if _, err := s.ApplySync(context.Background(), meeting.SyncUpdate{Calendar: "c", Cursor: "x"}); err != nil {
		t.Fatalf("ApplySync() = %v", err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("state dir mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("stat %s: %v", name, err)
			continue
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", name, fi.Mode().Perm())
		}
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
}

func TestOpenTightensLooseMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	s.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after Open = %v, want 0600", fi.Mode().Perm())
	}
}

func rawDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func userVersion(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	v1 := []string{"CREATE TABLE a (x INTEGER);"}
	v3 := append(slices.Clone(v1), "ALTER TABLE a ADD COLUMN y TEXT;", "CREATE TABLE b (z TEXT);")
	full := "CREATE TABLE a (x INTEGER, y TEXT); CREATE TABLE b (z TEXT);"

	t.Run("fresh database gets the full schema", func(t *testing.T) {
		db := rawDB(t)
		if err := migrate(ctx, db, full, v3); err != nil {
			t.Fatalf("migrate() = %v", err)
		}
		if v := userVersion(t, db); v != 3 {
			t.Errorf("user_version = %d, want 3", v)
		}
	})
	t.Run("old database is upgraded", func(t *testing.T) {
		db := rawDB(t)
		if err := migrate(ctx, db, v1[0], v1); err != nil {
			t.Fatalf("migrate(v1) = %v", err)
		}
		if _, err := db.Exec("INSERT INTO a (x) VALUES (7)"); err != nil {
			t.Fatal(err)
		}
		if err := migrate(ctx, db, full, v3); err != nil {
			t.Fatalf("migrate(v3) = %v", err)
		}
		var x int
		var y sql.NullString
		if err := db.QueryRow("SELECT x, y FROM a").Scan(&x, &y); err != nil || x != 7 {
			t.Errorf("row after upgrade = %d, %v, %v; want 7", x, y, err)
		}
		if v := userVersion(t, db); v != 3 {
			t.Errorf("user_version = %d, want 3", v)
		}
	})
	t.Run("newer database is refused", func(t *testing.T) {
		db := rawDB(t)
		if err := migrate(ctx, db, full, v3); err != nil {
			t.Fatal(err)
		}
		err := migrate(ctx, db, v1[0], v1)
		if !errors.Is(err, ErrTooNew) {
			t.Fatalf("migrate(older binary) = %v, want ErrTooNew", err)
		}
		if !strings.Contains(err.Error(), "version 3") {
			t.Errorf("error %q does not name the version", err)
		}
	})
	t.Run("failed migration changes nothing", func(t *testing.T) {
		db := rawDB(t)
		if err := migrate(ctx, db, v1[0], v1); err != nil {
			t.Fatal(err)
		}
		bad := append(slices.Clone(v1), "ALTER TABLE a ADD COLUMN y TEXT;", "CREATE TABLE oops (")
		if err := migrate(ctx, db, full, bad); err == nil {
			t.Fatal("migrate(broken) = nil, want an error")
		}
		if v := userVersion(t, db); v != 1 {
			t.Errorf("user_version after failed migration = %d, want 1", v)
		}
		if _, err := db.Exec("SELECT y FROM a"); err == nil {
			t.Error("column y exists after a rolled-back migration")
		}
	})
	t.Run("negative version is refused", func(t *testing.T) {
		db := rawDB(t)
		if _, err := db.Exec("PRAGMA user_version = -1"); err != nil {
			t.Fatal(err)
		}
		err := migrate(ctx, db, full, v3)
		if err == nil || !strings.Contains(err.Error(), "-1") {
			t.Fatalf("migrate(user_version -1) = %v, want an error naming -1", err)
		}
	})
	t.Run("foreign database is refused", func(t *testing.T) {
		db := rawDB(t)
		if _, err := db.Exec("CREATE TABLE mine (x)"); err != nil {
			t.Fatal(err)
		}
		if err := migrate(ctx, db, full, v3); err == nil {
			t.Fatal("migrate(unversioned database with tables) = nil, want an error")
		}
	})
}

// TestMigrationsMatchSchema checks that running every migration from an
// empty database gives the same structure as schema.sql: the same columns
// (type, NOT NULL, default, key), foreign keys, indexes and CHECK
// constraints. It compares structure, not text, because ALTER TABLE and a
// table rebuild leave the stored CREATE statements worded differently.
func TestMigrationsMatchSchema(t *testing.T) {
	ctx := context.Background()
	fresh := rawDB(t)
	if err := migrate(ctx, fresh, schema, migrations); err != nil {
		t.Fatal(err)
	}
	stepped := rawDB(t)
	for i := range migrations {
		if err := migrate(ctx, stepped, migrations[0], migrations[:i+1]); err != nil {
			t.Fatalf("migrate to %d: %v", i+1, err)
		}
	}
	if a, b := describeSchema(t, fresh), describeSchema(t, stepped); a != b {
		t.Errorf("schema.sql and migrations differ:\nschema.sql:\n%s\nmigrations:\n%s", a, b)
	}
}

var checkClause = regexp.MustCompile(`(?i)CHECK\s*\(([^()]|\([^()]*\))*\)`)

func describeSchema(t *testing.T, db *sql.DB) string {
	t.Helper()
	query := func(q string, args ...any) [][]string {
		rows, err := db.Query(q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out [][]string
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := make([]string, len(cols))
			for i, v := range vals {
				row[i] = v.String
			}
			out = append(out, row)
		}
		return out
	}
	var b strings.Builder
	for _, tbl := range query(`SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name`) {
		name := tbl[0]
		fmt.Fprintf(&b, "table %s\n", name)
		for _, c := range query(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY name`, name) {
			fmt.Fprintf(&b, "  column %s\n", strings.Join(c, " "))
		}
		for _, fk := range query(`SELECT "from", "table", "to" FROM pragma_foreign_key_list(?) ORDER BY "from"`, name) {
			fmt.Fprintf(&b, "  foreign key %s\n", strings.Join(fk, " "))
		}
		var checks []string
		for _, c := range checkClause.FindAllString(tbl[1], -1) {
			checks = append(checks, strings.Join(strings.Fields(c), " "))
		}
		slices.Sort(checks)
		for _, c := range checks {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	}
	for _, idx := range query(`SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`) {
		fmt.Fprintf(&b, "index %s on %s: %s\n", idx[0], idx[1], strings.Join(strings.Fields(idx[2]), " "))
	}
	return b.String()
}

func activeMeeting(id string, start time.Time) meeting.Meeting {
	ev := calendar.Event{ID: id, Status: calendar.StatusConfirmed, Title: "1:1 " + id, Start: start, End: start.Add(30 * time.Minute)}
	return meeting.Meeting{Key: "cal/" + id, Calendar: "cal", Event: ev, Status: meeting.Active, Boss: "Dana", BossEmail: "dana@example.com", OneOnOne: true}
}

func keys(cs []meeting.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Key+":"+string(c.Before)+">"+string(c.After))
	}
	slices.Sort(out)
	return out
}

func TestApplySync(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	window := calendar.Window{Start: t0.Add(-24 * time.Hour), End: t0.Add(21 * 24 * time.Hour)}
	a := activeMeeting("a", t0.Add(time.Hour))
	b := activeMeeting("b", t0.Add(48*time.Hour))
	far := activeMeeting("far", t0.Add(40*24*time.Hour)) // beyond the window

	apply := func(u meeting.SyncUpdate) []string {
		t.Helper()
		u.Calendar, u.Rule = "cal", "r1"
		cs, err := s.ApplySync(ctx, u)
		if err != nil {
			t.Fatalf("ApplySync() = %v", err)
		}
		return keys(cs)
	}
	check := func(got []string, want ...string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("changes = %q, want %q", got, want)
		}
	}

	check(apply(meeting.SyncUpdate{Full: true, Window: window, Meetings: []meeting.Meeting{a, b}, Cursor: "c1"}),
		"cal/a:>active", "cal/b:>active")
	// The same again changes nothing.
	check(apply(meeting.SyncUpdate{Full: true, Window: window, Meetings: []meeting.Meeting{a, b}, Cursor: "c2"}))
	// An incremental sync that moves a and learns of far.
	moved := a
	moved.Event.Start, moved.Event.End = a.Event.Start.Add(time.Hour), a.Event.End.Add(time.Hour)
	cs, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Rule: "r1", Meetings: []meeting.Meeting{moved, far}, Cursor: "c3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Key != "cal/a" || !cs[0].Moved || cs[0].Before != meeting.Active || cs[1].Moved {
		t.Errorf("changes = %+v, want a moved and far new", cs)
	}
	// b is declined by the user.
	declined := b
	declined.Status = meeting.Declined
	check(apply(meeting.SyncUpdate{Meetings: []meeting.Meeting{declined}, Cursor: "c4"}), "cal/b:active>declined")
	// A full sync that lists neither a nor b: both deleted; far, outside the
	// window, is left alone.
	check(apply(meeting.SyncUpdate{Full: true, Window: window, Cursor: "c5"}), "cal/a:active>cancelled", "cal/b:declined>cancelled")
	got, err := s.Meeting(ctx, "cal/far")
	if err != nil || got.Status != meeting.Active {
		t.Errorf("Meeting(far) = %v, %v; want active", got.Status, err)
	}
	// Coming back to life restores the meeting.
	check(apply(meeting.SyncUpdate{Meetings: []meeting.Meeting{a}, Cursor: "c6"}), "cal/a:cancelled>active")
	// Unmatched only touches stored meetings.
	unmatched := a
	unmatched.Status = meeting.Unmatched
	stranger := activeMeeting("stranger", t0)
	stranger.Status = meeting.Unmatched
	check(apply(meeting.SyncUpdate{Meetings: []meeting.Meeting{unmatched, stranger}, Cursor: "c7"}), "cal/a:active>unmatched")
	if _, err := s.Meeting(ctx, "cal/stranger"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Meeting(stranger) error = %v, want ErrNotFound", err)
	}

	st, err := s.SyncState(ctx, "cal")
	if err != nil || st.Cursor != "c7" || st.Rule != "r1" || !st.SyncedAt.Equal(t0) || !st.FullSyncedAt.Equal(t0) {
		t.Errorf("SyncState() = %+v, %v", st, err)
	}
}

func TestApplySyncSeriesTombstone(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var series []meeting.Meeting
	for i := range 3 {
		start := t0.AddDate(0, 0, 7*i)
		m := activeMeeting("weekly_"+start.Format("20060102T150405Z"), start)
		m.Event.RecurringEventID, m.Event.OriginalStart = "weekly", start
		m.Key = meeting.KeyOf("cal", &m.Event)
		series = append(series, m)
	}
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: series, Cursor: "1"}); err != nil {
		t.Fatal(err)
	}
	// The series itself is deleted: one tombstone with the series id.
	tomb := meeting.Meeting{Key: "cal/weekly", Calendar: "cal", Status: meeting.Cancelled,
		Event: calendar.Event{ID: "weekly", Status: calendar.StatusCancelled}}
	cs, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{tomb}, Cursor: "2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 {
		t.Fatalf("changes = %+v, want all 3 instances cancelled", cs)
	}
	live, err := s.Meetings(ctx, Query{Statuses: []meeting.Status{meeting.Active}})
	if err != nil || len(live) != 0 {
		t.Errorf("active meetings after series deletion = %d, %v; want 0", len(live), err)
	}
}

func TestMeetingsQuery(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ms := []meeting.Meeting{activeMeeting("late", t0.Add(3*time.Hour)), activeMeeting("early", t0.Add(time.Hour)), activeMeeting("past", t0.Add(-2*time.Hour))}
	ms[0].Event.Attendees = []calendar.Attendee{{Email: "dana@example.com", Response: calendar.ResponseAccepted}}
	if _, err := s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "cal", Meetings: ms, Cursor: "1"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Meetings(ctx, Query{From: t0, To: t0.Add(24 * time.Hour), Statuses: []meeting.Status{meeting.Active}})
	if err != nil {
		t.Fatalf("Meetings() = %v", err)
	}
	if len(got) != 2 || got[0].Key != "cal/early" || got[1].Key != "cal/late" {
		t.Fatalf("Meetings() = %v, want early then late", got)
	}
	if m := got[1]; m.Boss != "Dana" || !m.OneOnOne || len(m.Event.Attendees) != 1 || !m.Event.Start.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("Meetings()[1] did not round-trip: %+v", m)
	}
}

func TestOpenRefusesNegativeSchemaVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "leadup.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	if _, err := s.db.Exec("PRAGMA user_version = -1"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path, Options{})
	if err == nil {
		s.Close()
		t.Fatal("Open(user_version -1) = nil error")
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "-1") {
		t.Errorf("Open(user_version -1) = %q, want the file and the version named", msg)
	}
}
