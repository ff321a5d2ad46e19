package store

import (
	"context"
	"strings"
	"testing"
)

func TestVerify(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if len(schemaTables) < 6 {
		t.Fatalf("schemaTables = %v, want every table of schema.sql", schemaTables)
	}
	if err := s.Verify(ctx); err != nil {
		t.Fatalf("Verify(new database) = %v", err)
	}
	if _, err := s.db.Exec("DROP TABLE ignored_mail"); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(ctx); err == nil || !strings.Contains(err.Error(), "ignored_mail") {
		t.Errorf("Verify(without a table) = %v, want it named", err)
	}
}
