package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/leadup/leadup/daemon/meetinglog"
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

// TestDiskFull: a write that finds the disk full says so, with the path.
// SQLite's max_page_count makes the database full without filling a disk.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.db.SetMaxOpenConns(1) // the pragma below holds for one connection
	var pages int
	if err := s.db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	var err error
	for i := 0; i < 200 && err == nil; i++ {
		_, err = s.RecordReply(ctx, meetinglog.Record{Reply: meetinglog.Reply{MessageID: fmt.Sprint(i), Boss: "Dana", Subject: strings.Repeat("x", 4000)}})
	}
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), s.path) {
		t.Errorf("RecordReply() on a full database = %v, want disk full with %s", err, s.path)
	}
	if err := s.RecordIgnored(ctx, IgnoredMail{MessageID: "x", Subject: strings.Repeat("y", 8000)}); !errors.Is(err, ErrDiskFull) {
		t.Errorf("RecordIgnored() on a full database = %v, want disk full", err)
	}
}
