package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/leadup/leadup/daemon"
)

var checkCommand = command{
	name:    "check",
	summary: "check the configuration and every server leadup uses",
	usage:   "[-send-test] [-timeout D] [-config FILE]",
	help: `Validates the configuration, then tries each thing leadup depends on, live,
and prints a line for each with a fix for what fails:

  config    the file, the time zone, the templates, what sending email needs
  state     the state directory is writable and the store opens
  token     the Google token is there, Google still refreshes it, and it has
            the scopes leadup needs
  calendar  the calendar can be read, and each boss appears on it within the
            lookahead (if not, it lists who does, to spot a wrong address)
  smtp      connect, TLS and sign-in, without sending anything unless
            -send-test is given
  maildir   instead of smtp, with transport = "maildir": the Maildir is
            writable (-send-test writes a test email into it)
  imap      sign-in, the mailbox exists (opened read-only) and IDLE works

The exit status is 0 only if every check passes, 78 if the configuration is
not valid, and 1 otherwise. Nothing is changed on any server.`,
	setup: func(fs *flag.FlagSet) runFunc {
		sendTest := fs.Bool("send-test", false, "send a test email to [mail] to once the SMTP check passes")
		timeout := fs.Duration("timeout", 30*time.Second, "give up on each server after `duration`")
		return func(ctx context.Context, e *env, args []string) int {
			log := e.logger()
			cfg, code := e.loadConfig(log)
			if code != exitOK {
				fmt.Fprintf(e.stdout, "✗ %-9s %s is not valid (above)\n", "config", e.configPath)
				return code
			}
			o := daemon.Options{Config: cfg, Log: log, UserAgent: "leadup/" + version}
			failed, total := 0, 0
			ok := daemon.Check(ctx, o, daemon.CheckOptions{SendTest: *sendTest, Timeout: *timeout}, func(r daemon.CheckResult) {
				total++
				mark := "✓"
				switch {
				case !r.OK:
					mark = "✗"
					failed++
				case r.Skipped:
					mark = "–"
				}
				fmt.Fprintf(e.stdout, "%s %-9s %s\n", mark, r.Name, r.Detail)
				if r.Fix != "" {
					fmt.Fprintf(e.stdout, "  %-9s fix: %s\n", "", r.Fix)
				}
			})
			if !ok {
				fmt.Fprintf(e.stdout, "\n%d of %d checks failed.\n", failed, total)
				return exitFail
			}
			fmt.Fprintln(e.stdout, "\nEverything leadup needs works.")
			return exitOK
		}
	},
}
