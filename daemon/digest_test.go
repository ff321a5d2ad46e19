package daemon_test

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/schedule"
)

// crashOnceQueued runs a child daemon on clk that is killed (SIGKILL) the
// moment it has queued an email (what names it), checks that nothing was
// sent, and runs a second child until that email has arrived and a while
// after, for a second copy to show.
func crashOnceQueued(t *testing.T, s *stack, clk offsetClock, what string) {
	t.Helper()
	run := func(crashAt string) (*exec.Cmd, func() string) {
		cmd, logs := child(t, s, crashAt)
		cmd.Env = append(cmd.Env, clockEnv+"="+clk.d.String())
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, logs.String
	}

	first, logs := run(schedule.CrashQueued)
	done := make(chan error, 1)
	go func() { done <- first.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() {
			t.Fatalf("first run ended with %v, want killed once the %s was queued; its log:\n%s", err, what, logs())
		}
	case <-time.After(30 * time.Second):
		first.Process.Kill()
		t.Fatalf("first run never queued the %s; its log:\n%s", what, logs())
	}
	if n := len(s.smtp.Messages()); n != 0 {
		t.Fatalf("%d messages before the restart, want none", n)
	}

	second, logs2 := run("")
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	if _, err := s.smtp.WaitForMessages(wctx, 1); err != nil {
		second.Process.Kill()
		second.Wait()
		t.Fatalf("the %s never arrived: %v; the second run's log:\n%s", what, err, logs2())
	}
	time.Sleep(500 * time.Millisecond) // room for a second copy, which must not come
	second.Process.Signal(syscall.SIGTERM)
	if err := second.Wait(); err != nil {
		t.Errorf("second run: %v; its log:\n%s", err, logs2())
	}
}

// offsetClock is the real clock moved by d: the daemon runs in real time
// (real timers, a real SMTP server) at a date a test chooses.
type offsetClock struct{ d time.Duration }

func (c offsetClock) Now() time.Time                       { return time.Now().Add(c.d) }
func (c offsetClock) NewTimer(d time.Duration) clock.Timer { return clock.System{}.NewTimer(d) }
func (c offsetClock) at(real time.Time) time.Time          { return real.Add(c.d) }
func clockAt(shifted time.Time, after time.Duration) offsetClock {
	return offsetClock{shifted.Sub(time.Now().Add(after))}
}

// digestDue is when the digest of the tests falls due: Friday 27 November
// 2026, 16:00 in Berlin (the stack's zone), in ISO week 48.
func digestDue(t testing.TB) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("LoadLocation() = %v", err)
	}
	return time.Date(2026, 11, 27, 16, 0, 0, 0, loc)
}

const digestSettings = "[digest]\nweekly = \"Fri 16:00\"\n"

// runFor runs a daemon on clk until stop is called.
func runFor(t *testing.T, s *stack, clk clock.Clock) (d *daemon.Daemon, stop func()) {
	t.Helper()
	d, err := daemon.Open(context.Background(), daemon.Options{Config: s.loadConfig(t), Clock: clk})
	if err != nil {
		t.Fatalf("daemon.Open() = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run() = %v", err)
		}
		d.Close()
	}
	t.Cleanup(stop)
	return d, stop
}

// sawCalendar opens a daemon on clk, syncs the calendar once and closes it:
// leadup was at work then.
func sawCalendar(t *testing.T, s *stack, clk clock.Clock) {
	t.Helper()
	d, err := daemon.Open(context.Background(), daemon.Options{Config: s.loadConfig(t), Clock: clk})
	if err != nil {
		t.Fatalf("daemon.Open() = %v", err)
	}
	defer d.Close()
	if _, err := d.SyncMeetings(context.Background()); err != nil {
		t.Fatalf("SyncMeetings() = %v", err)
	}
}

// digestRows returns the digests in the outbox.
func digestRows(t *testing.T, d *daemon.Daemon) []outbox.Message {
	t.Helper()
	rows, err := d.Store().OutboxWithoutMeeting(context.Background(), time.Time{})
	if err != nil {
		t.Fatalf("OutboxWithoutMeeting() = %v", err)
	}
	return rows
}

// quiet checks that no more than n messages reached the SMTP server within
// a while: long enough for a started daemon to plan and send.
func quiet(t *testing.T, s *stack, n int) {
	t.Helper()
	time.Sleep(700 * time.Millisecond)
	if got := len(s.smtp.Messages()); got != n {
		t.Errorf("%d messages arrived, want %d", got, n)
	}
}

// planned reports whether the plan has the digest of week due, and upcoming
// the one of week next.
func planned(t *testing.T, d *daemon.Daemon, due, next string) {
	t.Helper()
	dueJobs, upcoming, err := d.Plan(context.Background())
	if err != nil {
		t.Fatalf("Plan() = %v", err)
	}
	var got, ahead []string
	for _, j := range dueJobs {
		got = append(got, j.Describe())
	}
	for _, j := range upcoming {
		if j.Kind == outbox.KindDigest {
			ahead = append(ahead, j.Variant)
		}
	}
	if want := due; strings.Join(got, ",") != want {
		t.Errorf("due = %q, want %q", got, want)
	}
	if len(ahead) != 1 || ahead[0] != next {
		t.Errorf("upcoming digests = %q, want %s", ahead, next)
	}
}

// TestDigestOnTimeOnceAcrossRestart: the digest goes out at its time with
// the week's meetings in it; a daemon started again right after sends
// nothing more and plans next week's.
func TestDigestOnTimeOnceAcrossRestart(t *testing.T) {
	due := digestDue(t)
	s := newStack(t, digestSettings)
	clk := clockAt(due, 3*time.Second)
	s.meetingWith("next", "Dana / me", "dana@example.com", due.Add(4*24*time.Hour), 30*time.Minute)
	d, stop := runFor(t, s, clk)

	msgs := s.wait(t, 1)
	p := parse(t, msgs[0])
	// Woken by its timer at the due time, not by the 5-minute safety net;
	// the slack is for a loaded machine.
	if late := clk.at(msgs[0].At).Sub(due); late < 0 || late > 10*time.Second {
		t.Errorf("digest arrived %v after its due time, want within seconds", late)
	}
	if !strings.HasPrefix(p.subject, "Your week to Fri 27 Nov") || !strings.HasPrefix(p.messageID, "leadup.digest.2026-W48.") {
		t.Errorf("subject %q, Message-ID %q; want the digest of week 48, on time", p.subject, p.messageID)
	}
	for _, want := range []string{"1:1 with Dana", "STATUS UPDATE FOR DANA", "Hi Dana,", "STATUS UPDATE FOR SAM"} {
		if !strings.Contains(p.text, want) {
			t.Errorf("digest lacks %q:\n%s", want, p.text)
		}
	}
	if p.header.Get("X-Leadup-Kind") != "digest" || !strings.Contains(p.html, "max-width:600px") {
		t.Errorf("digest headers %v; want X-Leadup-Kind: digest and the HTML layout", p.header)
	}
	planned(t, d, "", "2026-W49")
	stop()

	d2, _ := runFor(t, s, clk)
	if _, err := d2.SyncMeetings(context.Background()); err != nil {
		t.Fatal(err)
	}
	quiet(t, s, 1)
	planned(t, d2, "", "2026-W49")
	if rows := digestRows(t, d2); len(rows) != 1 || rows[0].State != outbox.StateSent || rows[0].Late {
		t.Errorf("digests in the outbox = %+v, want week 48's, sent on time", rows)
	}
}

// TestDigestAcrossDowntime: leadup saw the calendar before the due time,
// then was down across it.
func TestDigestAcrossDowntime(t *testing.T) {
	due := digestDue(t)
	t.Run("back within the window: sent once, late", func(t *testing.T) {
		s := newStack(t, digestSettings)
		s.meetingWith("next", "Dana / me", "dana@example.com", due.Add(4*24*time.Hour), 30*time.Minute)
		sawCalendar(t, s, clockAt(due.Add(-time.Hour), 0))

		_, stop := runFor(t, s, clockAt(due.Add(17*time.Hour), 0)) // Saturday morning
		p := parse(t, s.wait(t, 1)[0])
		if !strings.HasPrefix(p.subject, "[late] Your week to Fri 27 Nov") || !strings.HasPrefix(p.messageID, "leadup.digest.2026-W48.") {
			t.Errorf("subject %q, Message-ID %q; want week 48's digest, late", p.subject, p.messageID)
		}
		if !strings.Contains(p.text, "This digest is late: it was due Fri 27 Nov 16:00.") {
			t.Errorf("late digest does not say so:\n%s", p.text)
		}
		stop()

		// Restarted again: nothing more.
		d, _ := runFor(t, s, clockAt(due.Add(18*time.Hour), 0))
		quiet(t, s, 1)
		planned(t, d, "", "2026-W49")
	})
	t.Run("back after the window: skipped", func(t *testing.T) {
		s := newStack(t, digestSettings)
		s.meetingWith("next", "Dana / me", "dana@example.com", due.Add(4*24*time.Hour), 30*time.Minute)
		sawCalendar(t, s, clockAt(due.Add(-time.Hour), 0))

		d, _ := runFor(t, s, clockAt(due.Add(schedule.DigestWindow+time.Hour), 0))
		quiet(t, s, 0)
		planned(t, d, "", "2026-W49")
		if rows := digestRows(t, d); len(rows) != 0 {
			t.Errorf("digests in the outbox = %+v, want none", rows)
		}
	})
	t.Run("first start after the due time: nothing made up", func(t *testing.T) {
		s := newStack(t, digestSettings)
		d, _ := runFor(t, s, clockAt(due.Add(2*time.Hour), 0))
		quiet(t, s, 0)
		planned(t, d, "", "2026-W49")
	})
}

// TestDigestCrashRightAfterQueued kills the daemon (SIGKILL, in a child
// process) the moment the digest is in the outbox: the next run sends it,
// once, and plans no second one for the week.
func TestDigestCrashRightAfterQueued(t *testing.T) {
	due := digestDue(t)
	s := newStack(t, digestSettings)
	s.meetingWith("next", "Dana / me", "dana@example.com", due.Add(4*24*time.Hour), 30*time.Minute)
	// Due 5 s after the first child starts: time to start under -race.
	clk := clockAt(due, 5*time.Second)
	crashOnceQueued(t, s, clk, "digest")
	msgs := s.smtp.Messages()
	if len(msgs) != 1 || !strings.HasPrefix(strings.Trim(msgs[0].MessageID, "<>"), "leadup.digest.2026-W48.") {
		t.Fatalf("%d messages arrived (first %q), want week 48's digest once", len(msgs), msgs[0].MessageID)
	}
	if p := parse(t, msgs[0]); strings.HasPrefix(p.subject, "[late]") {
		t.Errorf("subject %q: the digest was queued on time", p.subject)
	}

	d, err := daemon.Open(context.Background(), daemon.Options{Config: s.loadConfig(t), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if rows := digestRows(t, d); len(rows) != 1 || rows[0].State != outbox.StateSent {
		t.Errorf("digests in the outbox = %+v, want one, sent", rows)
	}
	planned(t, d, "", "2026-W49")
}
