package main

import (
	"context"
	"flag"

	"github.com/leadup/leadup/daemon"
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
"leadup status", and what an email will look like with "leadup preview".`,
	setup: func(fs *flag.FlagSet) runFunc {
		return func(ctx context.Context, e *env, args []string) int {
			d, _, code := e.openDaemon(ctx, func(o *daemon.Options) { o.Notifier = systemd.FromEnv() })
			if code != exitOK {
				return code
			}
			defer d.Close()
			// Run checks first that the configuration can send email.
			if err := d.Run(ctx); err != nil {
				return e.report(err)
			}
			return exitOK
		}
	},
}
