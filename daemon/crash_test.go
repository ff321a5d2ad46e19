package daemon_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/schedule"
)

// The crash tests run the daemon in a child process (this test binary
// again), which kills itself with SIGKILL at a chosen point of a send: no
// deferred cleanup, no flushed buffers, as with kill -9 or a power cut.
const (
	childEnv   = "LEADUP_TEST_CHILD_CONFIG"
	crashAtEnv = "LEADUP_TEST_CRASH_AT"
	// clockEnv, if set, is a duration the child's clock runs ahead of
	// the real one (see offsetClock).
	clockEnv = "LEADUP_TEST_CLOCK_OFFSET"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(runChild(path, os.Getenv(crashAtEnv)))
	}
	os.Exit(m.Run())
}

func runChild(path, crashAt string) int {
	cfg, err := config.Load(path, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	o := daemon.Options{
		Log:          slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Config:       cfg,
		RetryBackoff: func(int) time.Duration { return 300 * time.Millisecond },
	}
	if v := os.Getenv(clockEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		o.Clock = offsetClock{d}
	}
	if crashAt != "" {
		o.Crash = func(point string) {
			if point == crashAt {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // the signal is on its way
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	d, err := daemon.Open(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer d.Close()
	if err := d.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func child(t *testing.T, s *stack, crashAt string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+s.config, crashAtEnv+"="+crashAt)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	return cmd, &logs
}

func TestCrashAtEachStepOfASend(t *testing.T) {
	points := []string{schedule.CrashQueued, outbox.CrashSending, outbox.CrashDelivered, outbox.CrashRetry}
	for _, point := range points {
		t.Run(point, func(t *testing.T) {
			t.Parallel()
			// The brief falls due 2 s in and is useful until the meeting
			// starts 12 s in: room for two child processes to start under
			// -race on a loaded machine.
			s := newStack(t, "[brief]\nbefore = [\"10s\"]\n[followup]\nafter = \"1s\"\n")
			start := time.Now().Truncate(time.Second).Add(12 * time.Second)
			s.meetingWith("one", "Dana / me", "dana@example.com", start, time.Second)
			if point == outbox.CrashRetry {
				s.smtp.FailNext("rcpt", 451, "4.3.0 try again later")
			}

			// The first run dies at the crash point, on the brief.
			first, logs := child(t, s, point)
			done := make(chan error, 1)
			if err := first.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- first.Wait() }()
			select {
			case err := <-done:
				var ee *exec.ExitError
				if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() {
					t.Fatalf("first run ended with %v, want killed at %q; its log:\n%s", err, point, logs)
				}
			case <-time.After(30 * time.Second):
				first.Process.Kill()
				t.Fatalf("first run never reached %q; its log:\n%s", point, logs)
			}

			// The second run picks up from the state directory.
			second, logs2 := child(t, s, "")
			if err := second.Start(); err != nil {
				t.Fatal(err)
			}
			want := 2 // the brief and the follow-up
			if point == outbox.CrashDelivered {
				want = 3 // the brief went out, but "sent" was never recorded
			}
			wctx, wcancel := context.WithTimeout(context.Background(), 45*time.Second)
			defer wcancel()
			if _, err := s.smtp.WaitForMessages(wctx, want); err != nil {
				second.Process.Signal(syscall.SIGTERM)
				second.Wait()
				t.Fatalf("%d of %d messages arrived: %v; the second run's log:\n%s", len(s.smtp.Messages()), want, err, logs2)
			}
			second.Process.Signal(syscall.SIGTERM)
			if err := second.Wait(); err != nil {
				t.Errorf("second run: %v; its log:\n%s", err, logs2)
			}
			// Nothing more could go out: every row is sent, nothing is due.
			d, err := daemon.Open(context.Background(), daemon.Options{Config: s.loadConfig(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			rows, err := d.Store().RecentOutbox(context.Background(), time.Now().Add(-time.Hour), 10)
			if err != nil || len(rows) != 2 {
				t.Fatalf("outbox = %d rows, %v; want 2", len(rows), err)
			}
			for _, r := range rows {
				if r.State != outbox.StateSent {
					t.Errorf("%s %s is %s, want sent", r.Kind, r.MessageID, r.State)
				}
			}
			if due, _, err := d.Plan(context.Background()); err != nil || len(due) != 0 {
				t.Errorf("plan after the runs: %d due, %v; want nothing", len(due), err)
			}

			msgs := s.smtp.Messages()
			byID := map[string][][]byte{}
			for _, m := range msgs {
				byID[m.MessageID] = append(byID[m.MessageID], m.Data)
			}
			if len(byID) != 2 {
				t.Fatalf("%d distinct messages, want the brief and the follow-up: lost or invented one", len(byID))
			}
			if len(msgs) != want {
				t.Errorf("%d messages arrived, want %d", len(msgs), want)
			}
			for id, copies := range byID {
				for _, c := range copies[1:] {
					if !bytes.Equal(c, copies[0]) {
						t.Errorf("the copies of %s differ: a resend must be the same message", id)
					}
				}
			}
		})
	}
}
