// Package systemd speaks the service manager's notification protocol
// (sd_notify(3)): readiness, status lines, reloading, stopping and watchdog
// pings, sent as datagrams to the socket named by $NOTIFY_SOCKET. Outside
// systemd every method is a no-op, so the daemon calls them unconditionally.
package systemd

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Notifier sends notifications to the service manager. The zero value and
// a nil *Notifier send nothing.
type Notifier struct {
	addr *net.UnixAddr
}

// FromEnv returns a Notifier for $NOTIFY_SOCKET, or nil when leadup does not
// run under a service manager that asked for notifications (Type=notify).
func FromEnv() *Notifier {
	name := os.Getenv("NOTIFY_SOCKET")
	if name == "" {
		return nil
	}
	// A name starting with "@" is an abstract socket (unix(7)); Go's
	// socket address encoding turns the "@" into the leading NUL.
	return &Notifier{addr: &net.UnixAddr{Name: name, Net: "unixgram"}}
}

// Enabled reports whether notifications go anywhere.
func (n *Notifier) Enabled() bool { return n != nil && n.addr != nil }

// Send sends one notification made of the given "KEY=value" assignments.
func (n *Notifier) Send(assignments ...string) error {
	if !n.Enabled() {
		return nil
	}
	for _, a := range assignments {
		if !strings.Contains(a, "=") || strings.Contains(a, "\n") {
			return fmt.Errorf("sd_notify: malformed assignment %q", a)
		}
	}
	conn, err := net.DialUnix("unixgram", nil, n.addr)
	if err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(strings.Join(assignments, "\n"))); err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	return nil
}

// Ready says start-up is complete (READY=1).
func (n *Notifier) Ready() error { return n.Send("READY=1") }

// Status sets the one-line status shown by systemctl status.
func (n *Notifier) Status(s string) error {
	return n.Send("STATUS=" + strings.Join(strings.Fields(s), " "))
}

// Reloading says a configuration reload starts. systemd wants the time of
// the request on CLOCK_MONOTONIC with it (systemd.service(5), Type=notify-reload).
func (n *Notifier) Reloading() error {
	return n.Send("RELOADING=1", "MONOTONIC_USEC="+strconv.FormatInt(monotonicUsec(), 10))
}

// Stopping says shutdown has begun (STOPPING=1).
func (n *Notifier) Stopping() error { return n.Send("STOPPING=1") }

// Watchdog pings the watchdog (WATCHDOG=1).
func (n *Notifier) Watchdog() error { return n.Send("WATCHDOG=1") }

// WatchdogInterval returns how often the service manager expects a watchdog
// ping ($WATCHDOG_USEC, for this process per $WATCHDOG_PID), and false when
// no watchdog is set.
func WatchdogInterval() (time.Duration, bool) {
	usec, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return 0, false
	}
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return 0, false // meant for another process
	}
	return time.Duration(usec) * time.Microsecond, true
}

func monotonicUsec() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return ts.Nano() / 1000
}
