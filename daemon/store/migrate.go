package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// The schema of a new database, and the migrations that bring an older one to
// the same place. Migrations are append-only: never edit a released one, add
// the next file (0002_….sql) and update schema.sql to match.
var (
	//go:embed schema.sql
	schema string
	//go:embed migrations/*.sql
	migrationFiles embed.FS
	migrations     = mustLoadMigrations(migrationFiles)
)

// ErrTooNew is returned for a database written by a newer leadup.
var ErrTooNew = errors.New("database schema is newer than this leadup")

// mustLoadMigrations reads migrations/NNNN_name.sql in order. The files are
// embedded at build time, so a mistake here is a programming error.
func mustLoadMigrations(fsys fs.FS) []string {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	var out []string
	for i, name := range names {
		n, _, ok := strings.Cut(path.Base(name), "_")
		if v, err := strconv.Atoi(n); !ok || err != nil || v != i+1 {
			panic(fmt.Sprintf("migration %s: want number %04d", name, i+1))
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			panic(err)
		}
		out = append(out, string(b))
	}
	return out
}

// knownVersion refuses a schema version this leadup cannot read: one it
// never writes, or a newer one. The caller names the file.
func knownVersion(version, target int) error {
	switch {
	case version < 0:
		// user_version is any 32-bit integer; leadup writes only 0 and up.
		return fmt.Errorf("schema version %d is not one leadup writes: the database was not made by leadup, or is damaged", version)
	case version > target:
		return fmt.Errorf("%w: it is at version %d, this leadup knows up to %d; run a newer leadup", ErrTooNew, version, target)
	}
	return nil
}

// migrate brings db to version len(migs) in one transaction: a new database
// gets fullSchema, an older one the migrations it lacks. The version lives in
// PRAGMA user_version, which is part of the transaction.
func migrate(ctx context.Context, db *sql.DB, fullSchema string, migs []string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration: %w", err)
	}
	defer tx.Rollback()

	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	target := len(migs)
	if err := knownVersion(version, target); err != nil {
		return err
	}
	switch {
	case version == target:
		return nil
	case version == 0:
		var tables int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table'").Scan(&tables); err != nil {
			return fmt.Errorf("inspect database: %w", err)
		}
		if tables > 0 {
			return errors.New("database has tables but no schema version: it was not made by leadup")
		}
		if _, err := tx.ExecContext(ctx, fullSchema); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	default:
		for i := version; i < target; i++ {
			if _, err := tx.ExecContext(ctx, migs[i]); err != nil {
				return fmt.Errorf("migrate to version %d: %w", i+1, err)
			}
		}
	}
	// PRAGMA takes no bound parameters; target is an int we computed.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", target)); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migration: %w", err)
	}
	return nil
}
