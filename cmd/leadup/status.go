package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/schedule"
)

var statusCommand = command{
	name:    "status",
	summary: "show what leadup will send next, the outbox and recent failures",
	usage:   "[-days N] [-config FILE]",
	help: `Prints, from the state directory and without contacting any server: when the
calendar was last synced, the emails planned for the coming days, the outbox
(messages waiting to be sent or retried), what was sent or failed recently,
with the error, and the last emails from you (or claiming to answer leadup)
that leadup read but did not act on, with the reason. Safe to run while "leadup run" is running:
it only reads the state directory, which may be read-only.`,
	setup: func(fs *flag.FlagSet) runFunc {
		days := fs.Int("days", 7, "show the emails planned and sent within `N` days")
		return func(ctx context.Context, e *env, args []string) int {
			return runStatus(ctx, e, *days)
		}
	},
}

func runStatus(ctx context.Context, e *env, days int) int {
	d, cfg, code := e.openDaemon(ctx, readOnly)
	if code != exitOK {
		return code
	}
	defer d.Close()
	loc := cfg.Location
	now := d.Clock().Now()
	span := time.Duration(max(days, 1)) * 24 * time.Hour
	at := func(t time.Time) string { return t.In(loc).Format("Mon 2 Jan 15:04") }

	if last, err := d.LastSync(ctx); err == nil && !last.IsZero() {
		fmt.Fprintf(e.stdout, "Calendar %s: last synced %s (%s ago).\n", d.CalendarName(), at(last), ago(now.Sub(last)))
	} else {
		fmt.Fprintf(e.stdout, "Calendar %s: never synced. Is \"leadup run\" running?\n", d.CalendarName())
	}

	due, upcoming, err := d.Plan(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	fmt.Fprintln(e.stdout, "\nPlanned:")
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	n := 0
	for _, j := range append(due, upcoming...) {
		if j.Due.After(now.Add(span)) {
			continue
		}
		n++
		when := at(j.Due)
		if !j.Due.After(now) {
			when = "now"
		}
		what, boss := oneLine(j.Meeting.Event.Title), j.Meeting.Boss
		switch j.Kind {
		case outbox.KindDigest:
			what, boss = "week "+j.Variant, "all bosses"
		case outbox.KindCatchup:
			what, boss = fmt.Sprintf("%d meetings without a follow-up", len(j.Skipped)), "all bosses"
		case outbox.KindNudge:
			what, boss = nudgeWhat(j.Nudge, loc), j.Nudge.Boss
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", when, jobLabel(j), what, boss)
	}
	tw.Flush()
	if n == 0 {
		fmt.Fprintf(e.stdout, "  nothing in the next %d days\n", max(days, 1))
	}

	msgs, err := d.Store().RecentOutbox(ctx, now.Add(-span), 50)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	fmt.Fprintln(e.stdout, "\nOutbox:")
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	failed := 0
	for _, m := range msgs {
		detail := ""
		switch m.State {
		case outbox.StateSent:
			detail = "sent " + at(m.Sent)
		case outbox.StateQueued:
			detail = "next attempt " + at(m.NextAttempt)
			if m.Attempts > 0 {
				detail += fmt.Sprintf(" (%d failed: %s)", m.Attempts, oneLine(m.LastError))
			}
		case outbox.StateSending:
			detail = "sending"
		case outbox.StateFailed:
			failed++
			detail = "FAILED: " + oneLine(m.LastError)
		case outbox.StateSkipped:
			detail = "not sent after downtime: named in a catch-up email"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", m.State, oneLine(m.Subject), detail)
	}
	tw.Flush()
	if len(msgs) == 0 {
		fmt.Fprintf(e.stdout, "  nothing sent or queued in the last %d days\n", max(days, 1))
	}
	if failed > 0 {
		fmt.Fprintf(e.stdout, "\n%d email(s) could not be delivered: check [smtp] and \"leadup run\"'s log.\n", failed)
	}

	if a := d.TopicAddress(); a != "" {
		fmt.Fprintf(e.stdout, "\nTalking points between meetings: email %s (keep it private).\n", a)
	}

	ignored, err := d.Store().RecentIgnored(ctx, recentIgnored)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	if len(ignored) > 0 {
		fmt.Fprintln(e.stdout, "\nEmails leadup read but did not act on (latest first):")
		tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for _, m := range ignored {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", at(m.At), oneLine(m.From), oneLine(m.Subject), m.Reason)
		}
		tw.Flush()
	}
	return exitOK
}

// recentIgnored is how many ignored emails `leadup status` lists.
const recentIgnored = 5

func jobLabel(j schedule.Job) string {
	switch {
	case j.Kind == outbox.KindBrief:
		return "brief (" + shortDuration(j.Lead) + " before)"
	case j.Kind == outbox.KindNotice:
		return j.Change + " notice"
	case j.Kind == outbox.KindDigest && j.Late:
		return "weekly digest (late)"
	case j.Kind == outbox.KindDigest:
		return "weekly digest"
	case j.Kind == outbox.KindCatchup:
		return "catch-up"
	}
	return j.Kind
}

// nudgeWhat says what a nudge is about: "two 1:1s in a row missed", "no
// meeting since Tue 17 Nov", in the user's zone loc.
func nudgeWhat(n *schedule.Nudge, loc *time.Location) string {
	switch {
	case n.Reason == schedule.NudgeCancelled:
		return "two 1:1s in a row missed"
	case n.Last.Key != "":
		return "no meeting since " + n.Last.Event.Start.In(loc).Format("Mon 2 Jan")
	}
	return "no meeting seen since " + n.Since.In(loc).Format("Mon 2 Jan")
}

// shortDuration formats 1h0m0s as "1h" and 24h as "1d".
func shortDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 && d > 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
