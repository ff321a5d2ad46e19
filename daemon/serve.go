package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/systemd"
)

// Run runs the daemon until ctx ends: the calendar tracker, the scheduler,
// the outbox's deliverer and, with [imap], the mailbox watcher, each in its
// own goroutine. It returns once all have stopped; an SMTP exchange under
// way is let finish. It returns nil when ctx ends, which is a normal stop,
// and the error of a loop that stopped for any other reason. It closes the
// daemon.
func (d *Daemon) Run(ctx context.Context) error { return d.Serve(ctx, nil, nil) }

// Serve is Run with configuration reloads: each time reload receives, it
// loads the configuration again with load and, if the new configuration is
// valid and its daemon opens, stops the running daemon between two steps
// and starts the new one. A configuration that is not valid is logged and
// the running daemon goes on untouched. systemd hears RELOADING=1 when a
// reload starts and READY=1 when it is over, either way.
//
// Serve closes d, and every daemon it opened, before it returns.
func (d *Daemon) Serve(ctx context.Context, reload <-chan struct{}, load func() (*config.Config, error)) error {
	if err := d.writable("run"); err != nil {
		d.Close()
		return err
	}
	if err := d.cfg.CheckDelivery(); err != nil {
		d.Close()
		return err
	}
	TuneGC()
	defer func() { d.Close() }() // the daemon running last
	for {
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- d.run(runCtx) }()

		var next *Daemon
		for next == nil {
			select {
			case err := <-done:
				stop()
				return err
			case <-ctx.Done():
				d.notifier.Stopping()
				err := <-done
				stop()
				return err
			case <-reload:
				n, err := d.reopen(ctx, load)
				if err != nil {
					d.log.Error("reload: keeping the running configuration", "err", err)
					d.notifier.Status("reload failed; running with the previous configuration: see the log")
					d.notifier.Ready()
					continue
				}
				next = n
			}
		}
		// Stop the old loops between two steps (an SMTP exchange under way
		// is let finish), then start the new ones.
		stop()
		err := <-done
		d.Close()
		if err != nil {
			next.Close()
			return err
		}
		d.log.Info("configuration reloaded", "config", next.cfg.Path)
		d = next
	}
}

// CalendarName names the calendar source as the log and the store do:
// "google:primary", "ics:file:" and a path, or "ics:" and a host and hash.
func (d *Daemon) CalendarName() string { return d.source.Name() }

// reopen loads the configuration again and opens a daemon with it, beside
// the running one.
func (d *Daemon) reopen(ctx context.Context, load func() (*config.Config, error)) (*Daemon, error) {
	d.notifier.Reloading()
	d.log.Info("reloading the configuration")
	if load == nil {
		return nil, errors.New("this daemon cannot reload its configuration")
	}
	cfg, err := load()
	if err != nil {
		return nil, err
	}
	if cfg.StateDir != d.cfg.StateDir {
		return nil, &config.Error{File: cfg.Path, Key: "state_dir",
			Msg: fmt.Sprintf("changed from %s to %s", d.cfg.StateDir, cfg.StateDir),
			Fix: "restart leadup to move to another state directory"}
	}
	if err := cfg.CheckDelivery(); err != nil {
		return nil, err
	}
	o := d.opts
	o.Config = cfg
	return Open(ctx, o)
}

// settleTime is how long after start the daemon hands back to the system
// the memory start-up used: by then the first sync, plan and recovery of the
// outbox are long over.
const settleTime = 20 * time.Second

// settle returns the memory start-up freed to the system once the daemon
// has settled, rather than when the scavenger gets round to it: a daemon
// that idles for months should idle at the size it needs (measured: 33.5 →
// 30.4 MiB RSS, docs/BENCHMARKS.md).
func (d *Daemon) settle(ctx context.Context) {
	t := d.clock.NewTimer(settleTime)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C():
		debug.FreeOSMemory()
	}
}

// run runs the loops until ctx ends or one of them fails, and returns the
// failures, not the loops' reports of ctx ending (see stopped). It tells
// systemd the daemon is ready once the first calendar sync has been
// attempted.
func (d *Daemon) run(ctx context.Context) error {
	type loop struct {
		name string
		run  func(context.Context) error
	}
	loops := []loop{
		{"calendar tracker", d.tracker.Run},
		{"scheduler", d.scheduler.Run},
		{"deliverer", d.deliverer.Run},
	}
	probes := []*clock.Probe{&d.tracker.Probe, &d.scheduler.Probe, &d.deliverer.Probe}
	if d.watcher != nil {
		loops = append(loops, loop{"mailbox watcher", d.watcher.Run})
		probes = append(probes, &d.watcher.Probe)
	}
	// Ready once the first calendar sync has been attempted, so that
	// "systemctl start" returns with the meetings known (or the reason
	// they are not in the log).
	// A panic here is logged like a failed sync; the tracker's loop counts
	// its own.
	var err error
	if perr := clock.NewGuard("first calendar sync", d.clock, d.log).Do(func() { _, err = d.tracker.Sync(ctx) }); perr != nil {
		err = perr
	}
	if err != nil && ctx.Err() == nil {
		d.log.Error("first calendar sync failed; retrying in the background", "err", err)
	}
	d.notifier.Ready()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(loops))
	for i, l := range loops {
		wg.Go(func() {
			if err := stopped(ctx, l.run(ctx)); err != nil {
				errs[i] = fmt.Errorf("%s: %w", l.name, err)
				cancel() // one loop failing stops the daemon: systemd restarts it
			}
		})
	}
	d.log.Info("leadup running", "calendar", d.source.Name(), "bosses", len(d.cfg.Bosses), "leads", d.cfg.Brief.Before)
	wg.Go(func() { d.settle(ctx) })
	if interval, ok := systemd.WatchdogInterval(); ok && d.notifier.Enabled() {
		wg.Go(func() { d.watchdog(ctx, interval, probes) })
	}
	<-ctx.Done()
	wg.Wait()
	return errors.Join(errs...)
}

// errLoopReturned is a loop that returned nil while it was meant to run on.
var errLoopReturned = errors.New("stopped with no error while the daemon ran on")

// stopped sorts out what a loop's Run returned: nil for a normal stop (ctx
// ended, on shutdown, on reload, or because another loop failed, and the
// loop returned its cause), the error otherwise. A loop that returns while
// ctx goes on has failed, even with no error to say why.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil && (err == nil || errors.Is(err, ctx.Err()) || errors.Is(err, context.Cause(ctx))) {
		return nil
	}
	if err == nil {
		return errLoopReturned
	}
	return err
}

// watchdog pings systemd's watchdog twice per interval while no loop is
// stuck: a loop inside one step for longer than the interval (a hung
// connection, a deadlock) stops the pings, and systemd restarts leadup.
// A loop asleep between steps is fine, however long it sleeps.
func (d *Daemon) watchdog(ctx context.Context, interval time.Duration, probes []*clock.Probe) {
	stuck := false
	clock.Loop(ctx, d.clock, nil, nil, func(context.Context) time.Duration {
		now := d.clock.Now()
		for _, p := range probes {
			if p.Busy(now) > interval {
				if !stuck {
					d.log.Error("a loop is stuck; no more watchdog pings", "busy", p.Busy(now).Round(time.Second))
				}
				stuck = true
				return interval / 2
			}
		}
		stuck = false
		d.notifier.Watchdog()
		return interval / 2
	})
}

// ensurePrivateDir creates the state directory with mode 0700, or makes an
// existing one private, with a warning: it holds the reply token key, the
// Google token and every email leadup wrote.
func ensurePrivateDir(dir string, log *slog.Logger) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create state directory: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		log.Warn("state directory was open to others; making it private", "path", dir, "mode", fmt.Sprintf("%#o", mode))
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("chmod state directory: %w", err)
		}
	}
	return nil
}

// warnOpenDir is ensurePrivateDir for a daemon opened read-only: it only
// warns about a state directory others can open, since it may not change
// it (and the next "leadup run" does). A missing directory is left for the
// store to report, as a missing database.
func warnOpenDir(dir string, log *slog.Logger) {
	fi, err := os.Stat(dir)
	if err != nil {
		return
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		log.Warn("state directory is open to others; \"leadup run\" makes it private", "path", dir, "mode", fmt.Sprintf("%#o", mode))
	}
}
