package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/replytoken"
	"github.com/leadup/leadup/daemon/store"
	"github.com/leadup/leadup/internal/dirsnap"
)

// reporting are the commands that only read the state directory, each with
// a piece of the output it must print from the state populatedState makes.
var reporting = []struct {
	args []string
	want string
}{
	{[]string{"status"}, "Planned:"},
	{[]string{"status", "-days", "30"}, "sent"},
	{[]string{"items"}, "intro me to Jordan"},
	{[]string{"items", "-all", "-json"}, `"status": "open"`},
	{[]string{"log"}, "Ship on March 3"},
	{[]string{"log", "-format", "json", "-boss", "Dana Whitfield"}, `"kind": "decision"`},
	{[]string{"preview", "-next"}, "Subject: Prep:"},
	{[]string{"preview", "-next", "-kind", "followup", "-format", "eml"}, "Message-ID: <leadup.followup."},
	{[]string{"preview", "-kind", "digest"}, "Subject: "},
	{[]string{"meetings", "-offline"}, "Dana / me"},
}

// runReporting runs every reporting command and checks that each succeeds
// and prints what it should; extra is more output `items` must show.
func runReporting(t *testing.T, cfg, extra string) {
	t.Helper()
	for _, c := range reporting {
		args := append(append([]string{}, c.args...), "-config", cfg)
		out, errOut, code := runCLI(t, args...)
		if code != exitOK || !strings.Contains(out, c.want) {
			t.Errorf("%s = exit %d, want %q in the output:\n%.600s\nstderr:\n%s", strings.Join(c.args, " "), code, c.want, out, errOut)
		}
		if extra != "" && c.args[0] == "items" && !strings.Contains(out, extra) {
			t.Errorf("%s lacks %q:\n%s", strings.Join(c.args, " "), extra, out)
		}
	}
}

// populatedState makes a state directory as use leaves it: "leadup run"
// syncs the calendar and sends the follow-up of a meeting that ended, then
// stops; "leadup ingest" logs a reply to that follow-up. A meeting three
// hours ahead leaves a brief and a follow-up planned. It returns the
// configuration's path and the state directory.
func populatedState(t *testing.T) (cfg, state string) {
	t.Helper()
	srv := googletest.NewServer()
	t.Cleanup(srv.Close)
	smtpSrv, settings := mailSettings(t)
	danaMeeting(srv, "past", time.Now().Add(-2*time.Hour))
	danaMeeting(srv, "later", time.Now().Add(3*time.Hour))
	cfg = setup(t, srv, settings+"\n[digest]\nweekly = \"Fri 16:00\"\n")
	state = filepath.Join(filepath.Dir(cfg), "state")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var logs bytes.Buffer
	go func() { done <- runCommand(ctx, []string{"run", "-config", cfg}, &bytes.Buffer{}, &logs) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	msgs, err := smtpSrv.WaitForMessages(wctx, 1)
	cancel()
	if code := <-done; code != exitOK || err != nil {
		t.Fatalf("run = exit %d, %v:\n%s", code, err, logs.String())
	}
	reply := strings.Replace(sampleReply, "To: leadup@example.com\r\n",
		"To: leadup@example.com\r\nIn-Reply-To: <"+msgs[0].MessageID+">\r\n", 1)
	file := filepath.Join(t.TempDir(), "reply.eml")
	if err := os.WriteFile(file, []byte(reply), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "ingest", "-config", cfg, file); code != exitOK || !strings.Contains(errOut, "logged") {
		t.Fatalf("ingest = exit %d:\n%s", code, errOut)
	}
	return cfg, state
}

// TestReportingCommandsWriteNothing runs status, items, log, preview and
// meetings -offline on a state directory a real daemon populated, and
// checks that they leave it exactly as it was: every file's bytes, size,
// mode and time, the listing, and the directory's own time. That holds as
// root too, unlike a read-only mode.
func TestReportingCommandsWriteNothing(t *testing.T) {
	cfg, state := populatedState(t)

	t.Run("stopped daemon", func(t *testing.T) {
		before := dirsnap.Must(t, state)
		runReporting(t, cfg, "")
		if after := dirsnap.Must(t, state); after != before {
			t.Errorf("the commands changed the state directory:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})

	t.Run("beside a running daemon", func(t *testing.T) {
		// A writer holds the database open, with its -wal and -shm, and
		// has committed an item that is only in the -wal so far.
		db := filepath.Join(state, store.FileName)
		w, err := store.Open(context.Background(), db, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if _, err := w.AddItem(context.Background(), meetinglog.Item{Boss: "Dana Whitfield", Kind: meetinglog.Action, Owner: "me",
			Text: "written beside the commands"}); err != nil {
			t.Fatal(err)
		}
		// The -shm is shared memory the writer and the readers both use:
		// its bytes are not the commands' to keep still.
		before := dirsnap.Must(t, state, store.FileName+"-shm")
		runReporting(t, cfg, "written beside the commands")
		if after := dirsnap.Must(t, state, store.FileName+"-shm"); after != before {
			t.Errorf("the commands changed the state directory:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})

	t.Run("read-only state directory", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes through any mode: run the tests as another user to check a read-only state directory")
		}
		entries, err := os.ReadDir(state)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if err := os.Chmod(filepath.Join(state, e.Name()), 0o400); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(state, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			os.Chmod(state, 0o700)
			for _, e := range entries {
				os.Chmod(filepath.Join(state, e.Name()), 0o600)
			}
		})
		before := dirsnap.Must(t, state)
		runReporting(t, cfg, "")
		if after := dirsnap.Must(t, state); after != before {
			t.Errorf("the commands changed the state directory:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

// TestReportingCommandsNeedADatabase: before the first "leadup run" there
// is nothing to report; each command says so and what to do, and creates no
// database.
func TestReportingCommandsNeedADatabase(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	_, settings := mailSettings(t)
	cfg := setup(t, srv, settings)
	state := filepath.Join(filepath.Dir(cfg), "state")
	before := dirsnap.Must(t, state)
	db := filepath.Join(state, store.FileName)
	for _, args := range [][]string{{"status"}, {"items"}, {"log"}, {"preview", "-next"}, {"preview", "-kind", "digest"}, {"meetings", "-offline"}} {
		_, errOut, code := runCLI(t, append(args, "-config", cfg)...)
		if code != exitFail || !strings.Contains(errOut, "no database at "+db) || !strings.Contains(errOut, "leadup run") {
			t.Errorf("%s without a database = exit %d, stderr %q; want %d and what to do", strings.Join(args, " "), code, errOut, exitFail)
		}
	}
	if after := dirsnap.Must(t, state); after != before {
		t.Errorf("the commands changed the state directory:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestPreviewWithoutReplyKey: a preview creates no reply token key; it
// renders with a throwaway one and says that its tokens are placeholders.
func TestPreviewWithoutReplyKey(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	_, settings := mailSettings(t)
	danaMeeting(srv, "later", time.Now().Add(3*time.Hour))
	cfg := setup(t, srv, settings)
	if _, errOut, code := runCLI(t, "meetings", "-config", cfg); code != exitOK {
		t.Fatalf("meetings = exit %d:\n%s", code, errOut)
	}
	state := filepath.Join(filepath.Dir(cfg), "state")
	if err := os.Remove(filepath.Join(state, replytoken.KeyFile)); err != nil {
		t.Fatal(err)
	}
	before := dirsnap.Must(t, state)
	out, errOut, code := runCLI(t, "preview", "-next", "-kind", "followup", "-format", "eml", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "Message-ID: <leadup.followup.") {
		t.Fatalf("preview without a key = exit %d:\n%.400s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "no reply token key") || !strings.Contains(errOut, "placeholders") {
		t.Errorf("preview does not say its tokens are placeholders; stderr:\n%s", errOut)
	}
	if out, errOut, _ := runCLI(t, "status", "-config", cfg); strings.Contains(errOut, "placeholders") || strings.Contains(out, "placeholders") {
		t.Errorf("status mentions placeholders, which it does not print:\n%s%s", out, errOut)
	}
	if after := dirsnap.Must(t, state); after != before {
		t.Errorf("previewing created or changed something:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
