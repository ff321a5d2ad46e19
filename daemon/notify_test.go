package daemon_test

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/systemd"
	"github.com/leadup/leadup/internal/syncbuf"
)

// stuckSender never finishes an SMTP exchange until released.
type stuckSender struct{ entered, release chan struct{} }

func (s stuckSender) Send(ctx context.Context, from string, to []string, msg []byte) error {
	close(s.entered)
	<-s.release
	return nil
}

// notifications listens on a notification socket for the test's daemon
// and returns what waits for the next notification starting with a prefix,
// and the channel of every one.
func notifications(t *testing.T) (next func(prefix string) string, got chan string) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", sock)
	got = make(chan string, 1000)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
		}
	}()
	next = func(prefix string) string {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case m := <-got:
				if strings.HasPrefix(m, prefix) {
					return m
				}
			case <-timeout:
				t.Fatalf("no %q notification", prefix)
			}
		}
	}
	return next, got
}

func TestSystemdNotifications(t *testing.T) {
	next, got := notifications(t)
	t.Setenv("WATCHDOG_USEC", "200000")
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))

	s := newStack(t, "[brief]\nbefore = [\"1h\"]\n")
	// A brief due in two seconds: until then the loops are healthy.
	s.meetingWith("one", "Dana / me", "dana@example.com", time.Now().Add(time.Hour+2*time.Second), 30*time.Minute)
	sender := stuckSender{entered: make(chan struct{}), release: make(chan struct{})}
	d, err := daemon.Open(context.Background(), daemon.Options{Config: s.loadConfig(t), Sender: sender, Notifier: systemd.FromEnv()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()

	if m := next("READY=1"); m != "READY=1" {
		t.Errorf("ready = %q", m)
	}
	if m := next("STATUS="); !strings.Contains(m, "next: brief for Dana / me with Dana Whitfield") {
		t.Errorf("status = %q", m)
	}
	next("WATCHDOG=1")

	// The brief falls due; the SMTP exchange hangs; the pings stop.
	<-sender.entered
	time.Sleep(300 * time.Millisecond) // longer than the watchdog interval
	for len(got) > 0 {
		<-got
	}
	quiet := time.After(500 * time.Millisecond)
watch:
	for {
		select {
		case m := <-got:
			if m == "WATCHDOG=1" {
				t.Fatal("watchdog pinged while the deliverer was stuck")
			}
		case <-quiet:
			break watch
		}
	}
	close(sender.release)
	next("WATCHDOG=1") // unstuck: pings again
	cancel()
	next("STOPPING=1")
	if err := <-done; err != nil {
		t.Errorf("Run() = %v", err)
	}
}

// TestReload: a configuration that is not valid is logged and the running
// one goes on; a valid one replaces it without a restart. systemd hears
// RELOADING=1 and READY=1 each time.
func TestReload(t *testing.T) {
	next, _ := notifications(t)
	s := newStack(t, "[brief]\nbefore = [\"1h\"]\n")
	// Ninety minutes away: a brief an hour before is not due yet, one two
	// hours before is (late).
	s.meetingWith("one", "Dana / me", "dana@example.com", time.Now().Add(90*time.Minute), 30*time.Minute)
	var logs syncbuf.Buffer
	d, err := daemon.Open(context.Background(), daemon.Options{Config: s.loadConfig(t), Notifier: systemd.FromEnv(),
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	reload := make(chan struct{})
	load := func() (*config.Config, error) { return config.Load(s.config, nil) }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx, reload, load) }()
	next("READY=1")

	good, err := os.ReadFile(s.config)
	if err != nil {
		t.Fatal(err)
	}
	write := func(cfg string) {
		t.Helper()
		if err := os.WriteFile(s.config, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	write(string(good) + "\nbogus_key = 1\n")
	reload <- struct{}{}
	m := next("RELOADING=1")
	if usec, ok := strings.CutPrefix(m, "RELOADING=1\nMONOTONIC_USEC="); !ok || usec == "" {
		t.Errorf("reloading = %q, want RELOADING=1 and MONOTONIC_USEC", m)
	}
	next("READY=1")
	if !strings.Contains(logs.String(), "keeping the running configuration") || !strings.Contains(logs.String(), "bogus_key") {
		t.Errorf("the broken configuration is not logged:\n%s", logs.String())
	}
	if n := len(s.smtp.Messages()); n != 0 {
		t.Fatalf("%d emails before a valid reload", n)
	}

	write(strings.Replace(string(good), `before = ["1h"]`, `before = ["2h"]`, 1))
	reload <- struct{}{}
	next("RELOADING=1")
	next("READY=1")
	p := parse(t, s.wait(t, 1)[0])
	if !strings.HasPrefix(p.subject, "[late]") || !strings.Contains(p.subject, "Dana") {
		t.Errorf("after the reload: subject %q, want the late brief the new lead calls for", p.subject)
	}
	if !strings.Contains(logs.String(), "configuration reloaded") {
		t.Errorf("the reload is not logged:\n%s", logs.String())
	}

	write(strings.Replace(string(good), `state_dir = "state"`, `state_dir = "elsewhere"`, 1))
	reload <- struct{}{}
	next("RELOADING=1")
	next("READY=1")
	if !strings.Contains(logs.String(), "restart leadup to move to another state directory") {
		t.Errorf("a new state_dir is not refused:\n%s", logs.String())
	}

	cancel()
	next("STOPPING=1")
	if err := <-done; err != nil {
		t.Errorf("Serve() = %v", err)
	}
}
