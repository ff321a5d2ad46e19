package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/internal/dirsnap"
)

// populated returns the path of a database that a read-write Store wrote
// an action item to and closed, as a stopped daemon leaves it: no -wal and
// no -shm.
func populated(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", FileName)
	s, err := Open(context.Background(), path, Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	if _, err := s.AddItem(context.Background(), meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Owner: "me", Text: "draft the plan"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Fatalf("%s left after Close: the test would not exercise the immutable open", FileName+suffix)
		}
	}
	return path
}

func openReadOnlyTest(t *testing.T, path string) *Store {
	t.Helper()
	s, err := OpenReadOnly(context.Background(), path, Options{})
	if err != nil {
		t.Fatalf("OpenReadOnly() = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func actionTexts(t *testing.T, s *Store) []string {
	t.Helper()
	items, err := s.ListItems(context.Background(), ItemQuery{Kinds: []meetinglog.Kind{meetinglog.Action}})
	if err != nil {
		t.Fatalf("ListItems() = %v", err)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.Text)
	}
	return out
}

// tryWrites attempts one write of each path a write can take: through tx,
// and straight on the database.
func tryWrites(ctx context.Context, s *Store) map[string]error {
	_, _, closeErr := s.CloseItems(ctx, []int64{1})
	_, addErr := s.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Note, Text: "x"})
	_, enqErr := s.Enqueue(ctx, outbox.Message{MessageID: "m@x", Kind: outbox.KindDigest, Variant: "2026-W48",
		EnvelopeFrom: "a@x", EnvelopeTo: []string{"b@x"}, Subject: "s", Body: []byte("b")})
	return map[string]error{
		"CloseItems (tx)":         closeErr,
		"ApplySync (tx)":          second(s.ApplySync(ctx, meeting.SyncUpdate{Calendar: "c", Cursor: "x"})),
		"RecordIgnored (tx)":      s.RecordIgnored(ctx, IgnoredMail{MessageID: "m", Reason: "r"}),
		"AddItem (direct)":        addErr,
		"Enqueue (direct)":        enqErr,
		"SaveCheckpoint (direct)": s.SaveCheckpoint(ctx, "INBOX", 1, 2),
		"MarkFailed (direct)":     s.MarkFailed(ctx, 1, "x", t0),
	}
}

func second[T any](_ T, err error) error { return err }

// TestOpenReadOnlyStoppedDaemon reads a database a daemon closed (no -wal,
// no -shm: the immutable open), refuses every write with ErrReadOnly and
// the path, and leaves the directory exactly as it was: nothing created,
// written or touched, the directory's own time included.
func TestOpenReadOnlyStoppedDaemon(t *testing.T) {
	ctx := context.Background()
	path := populated(t)
	dir := filepath.Dir(path)
	before := dirsnap.Must(t, dir)

	s, err := OpenReadOnly(ctx, path, Options{})
	if err != nil {
		t.Fatalf("OpenReadOnly() = %v", err)
	}
	if got := actionTexts(t, s); len(got) != 1 || got[0] != "draft the plan" {
		t.Errorf("actions = %q, want the one written", got)
	}
	for what, err := range tryWrites(ctx, s) {
		if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s on a read-only store = %v, want ErrReadOnly naming %s", what, err, path)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if after := dirsnap.Must(t, dir); after != before {
		t.Errorf("the state directory changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// What was refused was refused: a read-write open sees no trace of it.
	rw, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if got := actionTexts(t, rw); len(got) != 1 {
		t.Errorf("after refused writes the database holds %q", got)
	}
	if n, err := rw.RecentIgnored(ctx, 10); err != nil || len(n) != 0 {
		t.Errorf("RecentIgnored() = %v, %v; want none", n, err)
	}
}

// TestOpenReadOnlyBesideWriter reads beside an open read-write store, as
// the commands do beside a running daemon: it sees what is committed but
// only in the write-ahead log, then a later commit, and leaves the database
// file and the log as they were. The -shm index is shared memory the
// writer and the reader both use, so it is not compared.
func TestOpenReadOnlyBesideWriter(t *testing.T) {
	ctx := context.Background()
	path := populated(t)
	dir := filepath.Dir(path)
	w, err := Open(ctx, path, Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Owner: "me", Text: "in the log only"}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("no write-ahead log beside an open writer: %v", err)
	}
	before := dirsnap.Must(t, dir, FileName+"-shm")

	r := openReadOnlyTest(t, path)
	if got := actionTexts(t, r); len(got) != 2 || got[1] != "in the log only" {
		t.Errorf("actions = %q, want both, the one in the log included", got)
	}
	if _, err := r.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Note, Text: "x"}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("AddItem() beside a writer = %v, want ErrReadOnly", err)
	}
	if after := dirsnap.Must(t, dir, FileName+"-shm"); after != before {
		t.Errorf("reading changed the state directory:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	if _, err := w.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Owner: "me", Text: "later"}); err != nil {
		t.Fatal(err)
	}
	if got := actionTexts(t, r); len(got) != 3 {
		t.Errorf("after another commit the reader sees %q, want 3 actions", got)
	}
}

// TestOpenReadOnlyMissing: no database is a clear error naming the path
// and what to do, and creates neither the file nor its directory.
func TestOpenReadOnlyMissing(t *testing.T) {
	root := t.TempDir()
	for _, path := range []string{
		filepath.Join(root, FileName),                // a directory without the database
		filepath.Join(root, "no", "state", FileName), // no directory at all
	} {
		before := dirsnap.Must(t, root)
		s, err := OpenReadOnly(context.Background(), path, Options{})
		if err == nil {
			s.Close()
			t.Fatalf("OpenReadOnly(%s) = nil error", path)
		}
		if !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "leadup run") {
			t.Errorf("OpenReadOnly(%s) = %v, want ErrNoDatabase naming the path and leadup run", path, err)
		}
		if after := dirsnap.Must(t, root); after != before {
			t.Errorf("OpenReadOnly(%s) changed %s:\nbefore:\n%s\nafter:\n%s", path, root, before, after)
		}
	}

	// An empty file (a daemon stopped before its first migration) is no
	// database either, and stays empty.
	empty := filepath.Join(root, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReadOnly(context.Background(), empty, Options{}); !errors.Is(err, ErrNoDatabase) {
		t.Errorf("OpenReadOnly(empty file) = %v, want ErrNoDatabase", err)
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("the empty file: %v, %v; want it left empty", fi, err)
	}
}

// TestOpenReadOnlySchemaVersions: an older database is read when it has
// every table and column this leadup reads and refused with what to do when
// not, without migrating either; a newer or negative version is refused
// as Open refuses it.
func TestOpenReadOnlySchemaVersions(t *testing.T) {
	ctx := context.Background()
	target := len(migrations)
	setVersion := func(t *testing.T, path string, v int) {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("older with every column", func(t *testing.T) {
		// As after a migration that only adds an index.
		path := populated(t)
		setVersion(t, path, target-1)
		s := openReadOnlyTest(t, path)
		if got := actionTexts(t, s); len(got) != 1 {
			t.Errorf("actions = %q, want the one written", got)
		}
		s.Close()
		db, _ := sql.Open("sqlite", "file:"+path)
		defer db.Close()
		if v := userVersion(t, db); v != target-1 {
			t.Errorf("user_version = %d after a read-only open, want %d left as it was", v, target-1)
		}
	})

	t.Run("older without", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), FileName)
		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		if err := migrate(ctx, db, migrations[0], migrations[:1]); err != nil {
			t.Fatal(err)
		}
		db.Close()
		_, err = OpenReadOnly(ctx, path, Options{})
		if !errors.Is(err, ErrTooOld) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "leadup run") ||
			!strings.Contains(err.Error(), "version 1") {
			t.Errorf("OpenReadOnly(version 1) = %v, want ErrTooOld naming the path, the version and leadup run", err)
		}
		db, _ = sql.Open("sqlite", "file:"+path)
		defer db.Close()
		if v := userVersion(t, db); v != 1 {
			t.Errorf("user_version = %d after a refused open, want 1", v)
		}
	})

	t.Run("newer", func(t *testing.T) {
		path := populated(t)
		setVersion(t, path, target+1)
		if _, err := OpenReadOnly(ctx, path, Options{}); !errors.Is(err, ErrTooNew) || !strings.Contains(err.Error(), path) {
			t.Errorf("OpenReadOnly(version %d) = %v, want ErrTooNew naming the path", target+1, err)
		}
	})

	t.Run("negative", func(t *testing.T) {
		path := populated(t)
		setVersion(t, path, -1)
		if _, err := OpenReadOnly(ctx, path, Options{}); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "-1") {
			t.Errorf("OpenReadOnly(version -1) = %v, want an error naming the path and the version", err)
		}
	})

	t.Run("not leadup's", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "other.db")
		db, _ := sql.Open("sqlite", "file:"+path)
		if _, err := db.Exec("CREATE TABLE t (x)"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if _, err := OpenReadOnly(ctx, path, Options{}); err == nil || !strings.Contains(err.Error(), "not made by leadup") {
			t.Errorf("OpenReadOnly(foreign database) = %v, want it refused", err)
		}
	})
}

// TestOpenReadOnlyLeftoverLog: a -wal without its -shm (left by a daemon
// killed where the -shm was lost) is not read, so OpenReadOnly warns; it
// reads the database file, and leaves both as they were.
func TestOpenReadOnlyLeftoverLog(t *testing.T) {
	path := populated(t)
	if err := os.WriteFile(path+"-wal", bytes.Repeat([]byte{1}, 64), 0o600); err != nil {
		t.Fatal(err)
	}
	before := dirsnap.Must(t, filepath.Dir(path))
	var logs bytes.Buffer
	s, err := OpenReadOnly(context.Background(), path, Options{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("OpenReadOnly() = %v", err)
	}
	if got := actionTexts(t, s); len(got) != 1 {
		t.Errorf("actions = %q, want the one in the database file", got)
	}
	s.Close()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), path+"-wal") {
		t.Errorf("no warning naming the leftover log:\n%s", logs.String())
	}
	if after := dirsnap.Must(t, filepath.Dir(path)); after != before {
		t.Errorf("the state directory changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestOpenReadOnlyLeavesModes: a database others can read is warned about,
// not made private: that is for "leadup run".
func TestOpenReadOnlyLeavesModes(t *testing.T) {
	path := populated(t)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s, err := OpenReadOnly(context.Background(), path, Options{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("OpenReadOnly() = %v", err)
	}
	s.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v after a read-only open, want 0644 left alone", fi.Mode().Perm())
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), path) {
		t.Errorf("no warning naming the database others can read:\n%s", logs.String())
	}
}

// TestOpenReadOnlyPermissions makes the state directory and its files
// read-only and reads them, both as a stopped daemon leaves them and with
// the -wal and -shm of a running one. Root may write anyway, so this part
// runs only as another user.
func TestOpenReadOnlyPermissions(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes through any mode: run the tests as another user to check read-only permissions")
	}
	ctx := context.Background()
	lock := func(t *testing.T, dir string) {
		t.Helper()
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if err := os.Chmod(filepath.Join(dir, e.Name()), 0o400); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			os.Chmod(dir, 0o700)
			for _, e := range entries {
				os.Chmod(filepath.Join(dir, e.Name()), 0o600)
			}
		})
	}

	t.Run("stopped daemon", func(t *testing.T) {
		path := populated(t)
		lock(t, filepath.Dir(path))
		before := dirsnap.Must(t, filepath.Dir(path))
		s := openReadOnlyTest(t, path)
		if got := actionTexts(t, s); len(got) != 1 {
			t.Errorf("actions = %q, want the one written", got)
		}
		s.Close()
		if after := dirsnap.Must(t, filepath.Dir(path)); after != before {
			t.Errorf("the state directory changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})

	t.Run("running daemon", func(t *testing.T) {
		path := populated(t)
		w, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if _, err := w.AddItem(ctx, meetinglog.Item{Boss: "Dana", Kind: meetinglog.Action, Owner: "me", Text: "in the log only"}); err != nil {
			t.Fatal(err)
		}
		lock(t, filepath.Dir(path))
		s := openReadOnlyTest(t, path)
		if got := actionTexts(t, s); len(got) != 2 {
			t.Errorf("actions = %q, want both, the one in the log included", got)
		}
	})
}
