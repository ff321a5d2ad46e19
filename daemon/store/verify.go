package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// schemaTables are the tables schema.sql creates.
var schemaTables = func() []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^CREATE TABLE (\w+)`).FindAllStringSubmatch(schema, -1) {
		out = append(out, m[1])
	}
	return out
}()

// Verify checks what `leadup check` reports of the database: its schema
// version is this leadup's, every table is there, and SQLite's quick check
// finds no damage.
func (s *Store) Verify(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version != len(migrations) {
		return fmt.Errorf("schema version %d, want %d", version, len(migrations))
	}
	rows, err := s.db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	var have []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("list tables: %w", err)
		}
		have = append(have, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	var missing []string
	for _, t := range schemaTables {
		if !slices.Contains(have, t) {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("tables missing: %s", strings.Join(missing, ", "))
	}
	var result string
	if err := s.db.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&result); err != nil {
		return fmt.Errorf("quick check: %w", err)
	}
	if result != "ok" {
		return fmt.Errorf("damaged: %s", result)
	}
	return nil
}
