package daemon_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/replytoken"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
	"github.com/leadup/leadup/internal/dirsnap"
)

// TestOpenReadOnly assembles the daemon for reading on a state directory a
// read-write daemon left: it reads and previews, refuses everything that
// would write with store.ErrReadOnly, warns about a state directory others
// can open instead of fixing it, and leaves the directory exactly as it was.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	s := newStack(t, "")
	state := filepath.Join(s.dir, "state")
	cfg := s.loadConfig(t)

	// Before any run there is nothing to read, and nothing is created.
	before := dirsnap.Must(t, state)
	if d, err := daemon.Open(ctx, daemon.Options{Config: cfg, ReadOnly: true}); !errors.Is(err, store.ErrNoDatabase) {
		if err == nil {
			d.Close()
		}
		t.Fatalf("Open(ReadOnly) before any run = %v, want store.ErrNoDatabase", err)
	}
	if after := dirsnap.Must(t, state); after != before {
		t.Fatalf("Open(ReadOnly) changed the state directory:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	s.meetingWith("later", "Dana / me", "dana@example.com", time.Now().Add(3*time.Hour), 30*time.Minute)
	rw, err := daemon.Open(ctx, daemon.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rw.SyncMeetings(ctx); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	if err := os.Chmod(state, 0o755); err != nil {
		t.Fatal(err)
	}
	before = dirsnap.Must(t, state)

	var logs bytes.Buffer
	d, err := daemon.Open(ctx, daemon.Options{Config: cfg, ReadOnly: true, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("Open(ReadOnly) = %v", err)
	}
	if d.ThrowawayReplyKey() {
		t.Error("ThrowawayReplyKey() with the key in the state directory")
	}
	if _, upcoming, err := d.Plan(ctx); err != nil || len(upcoming) == 0 {
		t.Errorf("Plan() = %d upcoming, %v; want the meeting's emails", len(upcoming), err)
	}
	followup := previewFollowup(t, d)
	if !strings.Contains(followup, "Message-ID: <leadup.followup.") {
		t.Errorf("preview of the follow-up:\n%.400s", followup)
	}
	refusals := map[string]error{
		"SyncMeetings":  second(d.SyncMeetings(ctx)),
		"Ingest":        second(d.Ingest(ctx, []byte("From: me@example.com\r\n\r\nhi\r\n"))),
		"DeliverDue":    d.DeliverDue(ctx),
		"Store.AddItem": second(d.Store().AddItem(ctx, meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Note, Text: "x"})),
		"Store.CloseItems": func() error {
			_, _, err := d.Store().CloseItems(ctx, []int64{1})
			return err
		}(),
	}
	for what, err := range refusals {
		if !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("%s on a read-only daemon = %v, want store.ErrReadOnly", what, err)
		}
	}
	if err := d.Run(ctx); !errors.Is(err, store.ErrReadOnly) { // Run closes d
		t.Errorf("Run() on a read-only daemon = %v, want store.ErrReadOnly", err)
	}
	if after := dirsnap.Must(t, state); after != before {
		t.Errorf("the read-only daemon changed the state directory:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), state) {
		t.Errorf("no warning about the state directory others can open:\n%s", logs.String())
	}

	// Without a reply token key, previews mint with a throwaway one, and
	// none is created.
	if err := os.Remove(filepath.Join(state, replytoken.KeyFile)); err != nil {
		t.Fatal(err)
	}
	before = dirsnap.Must(t, state)
	d, err = daemon.Open(ctx, daemon.Options{Config: cfg, ReadOnly: true})
	if err != nil {
		t.Fatalf("Open(ReadOnly) without a reply token key = %v", err)
	}
	defer d.Close()
	if !d.ThrowawayReplyKey() || d.TopicAddress() != "" {
		t.Errorf("without a key: ThrowawayReplyKey() = %v, TopicAddress() = %q; want true and none", d.ThrowawayReplyKey(), d.TopicAddress())
	}
	if tokens := replytoken.Candidates(previewFollowup(t, d)); len(tokens) == 0 {
		t.Error("the follow-up previewed without a key carries no token")
	}
	d.Close()
	if after := dirsnap.Must(t, state); after != before {
		t.Errorf("previewing without a key changed the state directory:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// previewFollowup renders the follow-up of the next stored meeting.
func previewFollowup(t *testing.T, d *daemon.Daemon) string {
	t.Helper()
	ms, err := d.UpcomingMeetings(context.Background(), 24*time.Hour)
	if err != nil || len(ms) == 0 {
		t.Fatalf("UpcomingMeetings() = %d, %v; want the synced meeting", len(ms), err)
	}
	j := schedule.Job{Meeting: ms[0], Kind: outbox.KindFollowup}
	j.Due, j.Expires = j.Meeting.Event.End, j.Meeting.Event.End.Add(schedule.FollowupWindow)
	msg, _, err := d.Preview(context.Background(), j)
	if err != nil {
		t.Fatalf("Preview(followup) = %v", err)
	}
	return string(msg.Body)
}

func second[T any](_ T, err error) error { return err }
