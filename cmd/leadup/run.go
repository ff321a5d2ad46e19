package main

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"syscall"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/systemd"
)

var runDaemonCommand = command{
	name:     "run",
	summary:  "run leadup: watch the calendar, send briefs and follow-ups",
	usage:    "[-config FILE]",
	logLevel: "info",
	help: `Runs leadup in the foreground until it is stopped (Ctrl-C or SIGTERM). It polls
the calendar every google.poll, emails you a prep brief before each meeting
with a boss ([brief] before), a follow-up after it ([followup] after), and a
short notice if a meeting whose brief went out is cancelled or moved.

Every email is written to the outbox in the state directory before it is
sent, so a crash or restart neither loses nor repeats one. After downtime, a
brief whose meeting has not started yet is sent at once, marked [late]; a
follow-up is still sent up to a day after its meeting.

It needs [mail] from and to, and [smtp]. Check what it plans with
"leadup status", and what an email will look like with "leadup preview".

SIGHUP (systemctl reload leadup) reads the configuration file again. A
configuration that is not valid is logged and the running one goes on; the
state directory cannot change without a restart.`,
	setup: func(fs *flag.FlagSet) runFunc {
		return func(ctx context.Context, e *env, args []string) int {
			// Catch SIGHUP from the start: its default action ends the process.
			reload := make(chan struct{})
			stop := notifyReload(ctx, reload)
			defer stop()
			d, _, code := e.openDaemon(ctx, func(o *daemon.Options) { o.Notifier = systemd.FromEnv() })
			if code != exitOK {
				return code
			}
			log := e.logger()
			load := func() (*config.Config, error) { return config.Load(e.configPath, log) }
			// Serve checks first that the configuration can send email.
			if err := d.Serve(ctx, reload, load); err != nil {
				return e.report(err)
			}
			return exitOK
		}
	},
}

// notifyReload sends on reload for each SIGHUP until ctx ends or stop is
// called. A SIGHUP that arrives while a reload is under way is folded into it.
func notifyReload(ctx context.Context, reload chan<- struct{}) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		for {
			select {
			case <-hup:
				select {
				case reload <- struct{}{}:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		cancel()
	}
}
