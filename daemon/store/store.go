package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the database's name inside the state directory.
const FileName = "leadup.db"

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Store is leadup's database. It is safe for concurrent use.
type Store struct {
	db       *sql.DB
	path     string
	now      func() time.Time
	log      *slog.Logger
	readOnly bool // opened by OpenReadOnly: every write is refused
}

// Options tune Open and OpenReadOnly. The zero value is fine.
type Options struct {
	Now func() time.Time // defaults to time.Now
	Log *slog.Logger     // defaults to discarding
}

// Open opens (creating if needed) the database at path and brings its schema
// up to date. It refuses a database written by a newer leadup.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if err := ensurePrivateFile(path, opts.Log); err != nil {
		return nil, err
	}
	// synchronous=FULL: a committed outbox row must survive power loss, or a
	// message could go out twice. Writes are rare, so the cost is nothing.
	// _txlock=immediate takes the write lock at BEGIN, so two writers queue
	// on busy_timeout instead of failing with SQLITE_BUSY on upgrade.
	dsn := (&url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: url.Values{
		// cache_size: 512 KiB a connection (SQLite's default is 2 MiB): the
		// database holds a few hundred meetings, and the cache is memory
		// an idle daemon keeps.
		"_pragma": {"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "cache_size(-512)"},
		"_txlock": {"immediate"},
	}.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// The daemon's loops touch the database in short bursts. Extra
	// connections (each with its own page cache, outside the Go heap) are
	// closed once idle, so an idle daemon keeps one.
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(time.Minute)
	s := &Store{db: db, path: path, now: opts.Now, log: opts.Log}
	if err := migrate(ctx, db, schema, migrations); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// ensurePrivateFile creates path with mode 0600 (and its directory with
// 0700) before SQLite opens it: SQLite gives its -wal and -shm files the
// mode of the database file, so this keeps all three private.
func ensurePrivateFile(path string, log *slog.Logger) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create state directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat database %s: %w", path, err)
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		log.Warn("database file was readable by others; making it private", "path", path, "mode", fmt.Sprintf("%#o", mode))
		if err := f.Chmod(0o600); err != nil {
			return fmt.Errorf("chmod database %s: %w", path, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction. A read-only store refuses before
// beginning one.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.readOnly {
		return s.refuseWrite()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.explainWrite(fmt.Errorf("begin: %w", err))
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return s.explainWrite(err)
	}
	if err := tx.Commit(); err != nil {
		return s.explainWrite(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// ErrDiskFull reports a write that failed because the disk (or the
// user's quota) is full; nothing was written.
var ErrDiskFull = errors.New("disk full")

// explainWrite says "disk full" with the database's path when err is SQLite's
// SQLITE_FULL, so that the log says what to do rather than a code. On a
// store opened with OpenReadOnly it also turns SQLITE_READONLY into
// ErrReadOnly with the path: the writes that do not go through tx are
// refused by SQLite itself there, and their errors pass here.
func (s *Store) explainWrite(err error) error {
	var se interface{ Code() int }
	if err == nil || !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqliteFull:
		return fmt.Errorf("%w: %s: free some space: %w", ErrDiskFull, s.path, err)
	case sqliteReadOnly:
		if s.readOnly {
			return fmt.Errorf("%w: %w", s.refuseWrite(), err)
		}
	}
	return err
}

// Primary SQLite result codes that explainWrite explains.
const (
	sqliteReadOnly = 8  // SQLITE_READONLY: a write on a read-only connection
	sqliteFull     = 13 // SQLITE_FULL: a write that found the disk full
)
