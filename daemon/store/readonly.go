package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// Errors from OpenReadOnly and from a write on a store it opened.
var (
	// ErrNoDatabase is returned when there is no database to read yet.
	ErrNoDatabase = errors.New("no database")
	// ErrTooOld is returned for a database whose schema lacks tables or
	// columns this leadup reads: only `leadup run` (Open) migrates it.
	ErrTooOld = errors.New("database schema is older than this leadup")
	// ErrReadOnly is returned by every write on a store opened with
	// OpenReadOnly.
	ErrReadOnly = errors.New("database opened read-only")
)

// OpenReadOnly opens the database at path for reading only, for the commands
// that report on the state (status, items, log, preview): they must work
// beside a running daemon, on a read-only state directory, and as another
// user (root reading a user's state), without leaving a file behind that
// the daemon could not open afterwards.
//
// Unlike Open it never creates, chmods, migrates or writes anything: a
// missing database is ErrNoDatabase, a database from an older leadup is read
// as it is if it has every table and column this leadup reads (ErrTooOld
// otherwise), and every write on the store fails with ErrReadOnly. A
// database from a newer leadup is refused as Open refuses it.
func OpenReadOnly(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w at %s: run \"leadup run\" first to create it", ErrNoDatabase, path)
	case err != nil:
		return nil, fmt.Errorf("open database %s: %w", path, err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("open database %s: not a regular file", path)
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		opts.Log.Warn("database file is readable by others; \"leadup run\" makes it private", "path", path, "mode", fmt.Sprintf("%#o", mode))
	}
	params := url.Values{
		// mode=ro: SQLite opens the file O_RDONLY and refuses every write
		// with SQLITE_READONLY; it also never creates a missing file.
		// query_only is a second lock on the same door, at the SQL level.
		"mode":    {"ro"},
		"_pragma": {"busy_timeout(10000)", "query_only(1)", "cache_size(-512)"},
	}
	if !sharedWAL(path) {
		params.Set("immutable", "1")
		if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
			opts.Log.Warn("the database's write-ahead log is left from a daemon that stopped without closing it; "+
				"what it holds is not shown until \"leadup run\" opens the database again", "path", path+"-wal")
		}
	}
	dsn := (&url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: params.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(time.Minute)
	s := &Store{db: db, path: path, now: opts.Now, log: opts.Log, readOnly: true}
	if err := s.checkReadable(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return s, nil
}

// sharedWAL reports whether the database's -wal and -shm files both exist,
// which is when a read-only connection can read it the ordinary way.
//
// The database is in WAL mode, and SQLite (3.22 and later) opens a WAL
// database read-only only through its -wal and -shm files: when they exist
// it uses them, even when it may not write them, and so sees every commit,
// those of a daemon running beside it included. When they are missing it
// creates them if the directory lets it and leaves them behind, since a
// read-only connection may not remove them at close; and it cannot open
// the database at all in a read-only directory. A file left so would also
// belong to whoever ran the command (root, say), and a daemon running as
// the user could then not write through it.
//
// They are both missing after a daemon closed the database, which folds the
// log into the database file and removes both: then nobody is writing, the
// file is complete, and immutable=1 reads it as a plain file with no
// locking and no -wal or -shm at all. The trade-off: SQLite trusts an
// immutable file not to change, so a daemon that starts during the read
// could make it see a page from before and one from after a commit; the
// command then fails or prints a stale line, and never damages anything,
// since it writes nothing. A non-empty -wal left without its -shm (after a
// crash, or the -shm removed by hand) is not read at all that way, which
// OpenReadOnly warns about.
//
// Between this check and the first query, a daemon could stop and remove
// both files; SQLite would then create them as described above. The window
// is short, and the files left are an empty log and its index, which the
// next daemon uses as its own when it may write them.
func sharedWAL(path string) bool {
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err != nil {
			return false
		}
	}
	return true
}

// checkReadable checks the schema version as migrate does, without
// migrating: this leadup's version or an older one whose tables and columns
// include all of this leadup's (a migration that only added an index, say)
// are read; anything else is refused with what to do.
func (s *Store) checkReadable(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	target := len(migrations)
	if err := knownVersion(version, target); err != nil {
		return err
	}
	if version == target {
		return nil
	}
	have, err := columns(ctx, s.db)
	if err != nil {
		return fmt.Errorf("inspect database: %w", err)
	}
	if version == 0 {
		if len(have) > 0 {
			return errors.New("database has tables but no schema version: it was not made by leadup")
		}
		// Created, but never set up: Open was stopped before migrating.
		return fmt.Errorf("%w yet, only an empty file: run \"leadup run\" first to create it", ErrNoDatabase)
	}
	want, err := schemaColumns(ctx)
	if err != nil {
		return err
	}
	var missing []string
	for _, c := range want {
		if !slices.Contains(have, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		if len(missing) > 3 {
			missing = append(missing[:3], "…")
		}
		return fmt.Errorf("%w: it is at version %d, this leadup reads version %d and needs %s: run \"leadup run\" once to upgrade it",
			ErrTooOld, version, target, strings.Join(missing, ", "))
	}
	s.log.Debug("database schema is older than this leadup, but has every table and column it reads",
		"path", s.path, "version", version, "want", target)
	return nil
}

// columns lists the columns of db's tables as "table.column", sorted.
func columns(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT m.name || '.' || c.name FROM sqlite_master AS m, pragma_table_info(m.name) AS c
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// schemaColumns lists the columns of this leadup's schema as columns does,
// from schema.sql run in a private in-memory database: the schema is the
// one description of them, so nothing here needs updating when a migration
// adds a column.
func schemaColumns(ctx context.Context) ([]string, error) {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		return nil, fmt.Errorf("build reference schema: %w", err)
	}
	defer db.Close()
	// Every connection to :memory: is a database of its own: keep one.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return nil, fmt.Errorf("build reference schema: %w", err)
	}
	cols, err := columns(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("build reference schema: %w", err)
	}
	return cols, nil
}

// refuseWrite is the error of a write on a read-only store.
func (s *Store) refuseWrite() error {
	return fmt.Errorf("%w: %s: nothing was written", ErrReadOnly, s.path)
}
