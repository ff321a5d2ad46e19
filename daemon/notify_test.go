package daemon_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/systemd"
)

// stuckSender never finishes an SMTP exchange until released.
type stuckSender struct{ entered, release chan struct{} }

func (s stuckSender) Send(ctx context.Context, from string, to []string, msg []byte) error {
	close(s.entered)
	<-s.release
	return nil
}

func TestSystemdNotifications(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	t.Setenv("WATCHDOG_USEC", "200000")
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))
	got := make(chan string, 1000)
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
	next := func(prefix string) string {
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

	s := newStack(t, "[brief]\nbefore = [\"1h\"]\n")
	// A brief due in two seconds: until then the loops are healthy.
	s.meetingWith("one", "Dana / me", "dana@example.com", time.Now().Add(time.Hour+2*time.Second), 30*time.Minute)
	sender := stuckSender{entered: make(chan struct{}), release: make(chan struct{})}
	d, err := daemon.Open(context.Background(), daemon.Options{Config: s.loadConfig(t), Sender: sender, Notifier: systemd.FromEnv()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
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
