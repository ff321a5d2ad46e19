package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/leadup/leadup/daemon/clock"
)

// closeTimeout bounds the closing of one component. The store's close
// checkpoints the WAL into the database, which takes milliseconds; a close
// that hangs (a disk gone away) must not keep the process from exiting,
// nor a reload from going on, past systemd's stop timeout.
const closeTimeout = 10 * time.Second

// lifecycle is the teardown of a daemon: its components' closers, each
// named, registered in the order the components were opened. close runs
// them last-first, so that nothing is closed while something opened after
// it, which may use it, is still open: the store, opened first, closes last.
type lifecycle struct {
	clock   clock.Clock
	log     *slog.Logger
	timeout time.Duration // for each closer
	closers []namedCloser
}

type namedCloser struct {
	name  string
	close func(ctx context.Context) error
}

// add registers the closer of the component called name. Its context ends
// when the closer runs out of time.
func (l *lifecycle) add(name string, close func(ctx context.Context) error) {
	l.closers = append(l.closers, namedCloser{name: name, close: close})
}

// addIfCloser registers v's Close if v has one. The calendar source and the
// mail sender are interfaces with several back ends, only some of which
// may hold something open.
func (l *lifecycle) addIfCloser(name string, v any) {
	if c, ok := v.(io.Closer); ok {
		l.add(name, func(context.Context) error { return c.Close() })
	}
}

// close runs the closers in reverse order of registration, each for at most
// the timeout, and returns their errors joined, each named after its
// component; it logs them too, since a daemon being torn down often has no
// one left to return an error to. A failing or late closer does not keep
// the next from running.
func (l *lifecycle) close() error {
	var errs []error
	for _, c := range slices.Backward(l.closers) {
		if err := l.closeOne(c); err != nil {
			l.log.Error("could not close "+c.name, "err", err)
			errs = append(errs, fmt.Errorf("close %s: %w", c.name, err))
		}
	}
	return errors.Join(errs...)
}

// closeOne runs one closer and waits for it until the timeout. A closer
// still running then is left to finish on its own: the daemon is going
// away, and waiting longer would only hold up the exit or the reload.
func (l *lifecycle) closeOne(c namedCloser) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.close(ctx) }()
	t := l.clock.NewTimer(l.timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C():
		return fmt.Errorf("gave up after %v: %w", l.timeout, context.DeadlineExceeded)
	}
}

// teardown lists what Close releases, in the order Open opened it: the
// store, then the calendar source, then the mail sender the daemon built
// (one given in Options.Sender belongs to the caller). The loops are not
// in it: they stop when the context of Run ends, before Close.
func (d *Daemon) teardown() *lifecycle {
	l := &lifecycle{clock: d.clock, log: d.log, timeout: closeTimeout}
	if d.store != nil {
		l.add("store", func(context.Context) error { return d.store.Close() })
	}
	if d.source != nil {
		l.addIfCloser("calendar source", d.source)
	}
	if d.sender != nil && d.opts.Sender == nil {
		l.addIfCloser("mail sender", d.sender)
	}
	return l
}
