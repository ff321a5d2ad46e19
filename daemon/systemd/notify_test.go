package systemd

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// listen opens a notification socket like systemd's and returns a function
// reading the next datagram.
func listen(t *testing.T, name string) func() string {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatalf("ListenUnixgram(%q) = %v", name, err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", name)
	return func() string {
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 4096)
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("read notification: %v", err)
		}
		return string(buf[:n])
	}
}

func TestNotify(t *testing.T) {
	for _, tt := range []struct{ name, socket string }{
		{"path", filepath.Join(t.TempDir(), "notify")},
		{"abstract", fmt.Sprintf("@leadup-test-%d-%d", os.Getpid(), time.Now().UnixNano())},
	} {
		t.Run(tt.name, func(t *testing.T) {
			next := listen(t, tt.socket)
			n := FromEnv()
			if !n.Enabled() {
				t.Fatal("FromEnv() is not enabled with NOTIFY_SOCKET set")
			}
			checks := []struct {
				send func() error
				want string
			}{
				{n.Ready, "READY=1"},
				{func() error { return n.Status("next: brief for\n1:1 Dana  at 09:30") }, "STATUS=next: brief for 1:1 Dana at 09:30"},
				{n.Stopping, "STOPPING=1"},
				{n.Watchdog, "WATCHDOG=1"},
			}
			for _, c := range checks {
				if err := c.send(); err != nil {
					t.Fatalf("send %q: %v", c.want, err)
				}
				if got := next(); got != c.want {
					t.Errorf("notification = %q, want %q", got, c.want)
				}
			}
			if err := n.Reloading(); err != nil {
				t.Fatal(err)
			}
			got := next()
			lines := strings.Split(got, "\n")
			usec, err := strconv.ParseInt(strings.TrimPrefix(lines[len(lines)-1], "MONOTONIC_USEC="), 10, 64)
			if len(lines) != 2 || lines[0] != "RELOADING=1" || err != nil || usec <= 0 {
				t.Errorf("reloading notification = %q", got)
			}
		})
	}
}

func TestNotifyOutsideSystemd(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	n := FromEnv()
	if n.Enabled() {
		t.Fatal("enabled without NOTIFY_SOCKET")
	}
	if err := n.Ready(); err != nil {
		t.Errorf("Ready() without a socket = %v, want nil", err)
	}
}

func TestMalformedAssignment(t *testing.T) {
	listen(t, filepath.Join(t.TempDir(), "notify"))
	if err := FromEnv().Send("READY"); err == nil {
		t.Error("Send(\"READY\") = nil, want an error")
	}
	if err := FromEnv().Send("STATUS=a\nREADY=1"); err == nil {
		t.Error("Send with an embedded newline = nil, want an error")
	}
}

func TestWatchdogInterval(t *testing.T) {
	t.Setenv("WATCHDOG_USEC", "30000000")
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))
	if d, ok := WatchdogInterval(); !ok || d != 30*time.Second {
		t.Errorf("WatchdogInterval() = %v, %t; want 30s", d, ok)
	}
	t.Setenv("WATCHDOG_PID", "1")
	if _, ok := WatchdogInterval(); ok {
		t.Error("WatchdogInterval() for another pid = ok")
	}
	t.Setenv("WATCHDOG_USEC", "")
	if _, ok := WatchdogInterval(); ok {
		t.Error("WatchdogInterval() without WATCHDOG_USEC = ok")
	}
}
