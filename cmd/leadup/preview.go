package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"time"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/schedule"
)

var previewCommand = command{
	name:    "preview",
	summary: "show the brief or follow-up for a meeting, or the weekly digest, without sending it",
	usage:   "(-next | -meeting ID | -sample) [-kind brief|followup|notice|digest|catchup|nudge] [-format text|html|eml] [-config FILE]",
	help: `Renders an email exactly as "leadup run" would write it, and prints it instead
of sending it. Nothing is queued, sent or written, and no server is contacted.

-next picks your next meeting with a boss (as of the last sync: run
"leadup meetings" first to sync); -meeting takes an id from
"leadup meetings -json"; -sample uses built-in sample data and needs no
calendar at all, which is handy while editing templates (templates_dir).

-kind digest is the weekly digest that goes out next ([digest] weekly), as
it stands now; it belongs to no meeting, so -next may be left out.
-kind catchup, the email that names the follow-ups not sent after
downtime ([limits] overdue_followups_per_boss), and -kind nudge, the email
sent when you and a boss go too long without meeting ([nudge]), take
-sample only.

-format text prints the subject and the plain-text part, html the HTML part
(save it and open it in a browser), eml the complete message as it would be
sent (save it as a .eml file and open it in your mail program).`,
	setup: func(fs *flag.FlagSet) runFunc {
		next := fs.Bool("next", false, "preview for your next meeting with a boss")
		id := fs.String("meeting", "", "preview for the meeting with this `id`")
		sample := fs.Bool("sample", false, "preview with built-in sample data")
		kind := fs.String("kind", "brief", "which email: brief, followup, notice, digest, catchup or nudge")
		format := fs.String("format", "text", "output: text, html or eml")
		return func(ctx context.Context, e *env, args []string) int {
			return runPreview(ctx, e, *next, *id, *sample, *kind, *format)
		}
	},
}

func runPreview(ctx context.Context, e *env, next bool, id string, sample bool, kind, format string) int {
	picked := 0
	for _, b := range []bool{next, id != "", sample} {
		if b {
			picked++
		}
	}
	switch {
	case kind == outbox.KindDigest && id != "":
		fmt.Fprintln(e.stderr, "leadup: -kind digest belongs to no meeting: leave out -meeting")
		return exitConfig
	case kind == outbox.KindCatchup && !sample:
		fmt.Fprintln(e.stderr, "leadup: -kind catchup is sent only after downtime: use it with -sample")
		return exitConfig
	case kind == outbox.KindNudge && !sample:
		fmt.Fprintln(e.stderr, "leadup: -kind nudge is sent only when a gap opens: use it with -sample (leadup status shows when one is due)")
		return exitConfig
	case picked > 1 || (picked == 0 && kind != outbox.KindDigest):
		fmt.Fprintln(e.stderr, "leadup: give exactly one of -next, -meeting ID or -sample")
		return exitConfig
	}
	switch kind {
	case outbox.KindBrief, outbox.KindFollowup, outbox.KindNotice, outbox.KindDigest, outbox.KindCatchup, outbox.KindNudge:
	default:
		fmt.Fprintf(e.stderr, "leadup: -kind %q: use brief, followup, notice, digest, catchup or nudge\n", kind)
		return exitConfig
	}
	if format != "text" && format != "html" && format != "eml" {
		fmt.Fprintf(e.stderr, "leadup: -format %q: use text, html or eml\n", format)
		return exitConfig
	}
	if sample {
		return previewSample(e, kind, format)
	}
	if kind == outbox.KindDigest {
		return previewDigest(ctx, e, format)
	}

	d, cfg, code := e.openDaemon(ctx, readOnly)
	if code != exitOK {
		return code
	}
	defer d.Close()
	noteThrowawayKey(e, d, cfg)
	var m meeting.Meeting
	if next {
		ms, err := d.UpcomingMeetings(ctx, cfg.Calendar.Lookahead)
		if err != nil {
			fmt.Fprintf(e.stderr, "leadup: %v\n", err)
			return exitFail
		}
		if len(ms) == 0 {
			fmt.Fprintln(e.stderr, "leadup: no upcoming meeting with a boss is stored: run \"leadup meetings\" to sync, or use -sample")
			return exitFail
		}
		m = ms[0]
	} else {
		var err error
		if m, err = d.Store().Meeting(ctx, id); err != nil {
			fmt.Fprintf(e.stderr, "leadup: %v (ids are listed by \"leadup meetings -json\")\n", err)
			return exitFail
		}
	}
	var j schedule.Job
	switch kind {
	case outbox.KindBrief:
		// The shortest lead: the brief that goes out last, closest to the meeting.
		j = schedule.BriefJob(m, cfg.Brief.Before[len(cfg.Brief.Before)-1])
	case outbox.KindFollowup:
		j = schedule.FollowupJob(m, cfg.Followup.After)
	case outbox.KindNotice:
		// The cancellation notice, as if the user had been told the
		// meeting's current start.
		j = schedule.CancelledNoticeJob(m, m.Event.Start, d.Clock().Now())
	}
	msg, r, err := d.Preview(ctx, j)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	return printPreview(e, format, r, msg.Body)
}

func previewSample(e *env, kind, format string) int {
	if format == "eml" {
		fmt.Fprintln(e.stderr, "leadup: -sample renders text or html; use -next or -meeting for a whole message")
		return exitConfig
	}
	// The sample needs no configuration: with none, the built-in
	// templates; with one, its templates_dir.
	dir := ""
	switch cfg, err := config.Load(e.configPath, e.logger()); {
	case err == nil:
		dir = cfg.TemplatesDir
	case !errors.Is(err, fs.ErrNotExist):
		e.invalidConfig(err)
		fmt.Fprintln(e.stderr, "leadup: showing the built-in templates")
	}
	rnd, err := render.New(dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitConfig
	}
	now := time.Now()
	var r render.Rendered
	switch kind {
	case outbox.KindBrief:
		r, err = rnd.Brief(render.SampleBrief(now))
	case outbox.KindFollowup:
		r, err = rnd.Followup(render.SampleFollowup(now))
	case outbox.KindDigest:
		r, err = rnd.Digest(render.SampleDigest(now))
	case outbox.KindCatchup:
		r, err = rnd.Catchup(render.SampleCatchup(now))
	case outbox.KindNudge:
		r, err = rnd.Nudge(render.SampleNudge(now))
	default:
		r, err = rnd.Notice(render.SampleNotice(now))
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	return printPreview(e, format, r, nil)
}

// previewDigest composes the digest due next from the store.
func previewDigest(ctx context.Context, e *env, format string) int {
	d, cfg, code := e.openDaemon(ctx, readOnly)
	if code != exitOK {
		return code
	}
	defer d.Close()
	noteThrowawayKey(e, d, cfg)
	if !cfg.Digest.Enabled {
		fmt.Fprintf(e.stderr, "leadup: the digest is off ([digest] weekly = \"\"); this is how it would look at %s\n", cfg.Digest.Weekly)
	}
	due := cfg.Digest.Weekly.Next(d.Clock().Now(), cfg.Location)
	msg, r, err := d.Preview(ctx, schedule.DigestJob(due, cfg.Location))
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	return printPreview(e, format, r, msg.Body)
}

// noteThrowawayKey says, on standard error, when the preview's reply tokens
// come from a throwaway key: a preview creates nothing, so it does not
// create the key "leadup run" will, and a reply to what it shows would not
// be recognised.
func noteThrowawayKey(e *env, d *daemon.Daemon, cfg *config.Config) {
	if d.ThrowawayReplyKey() {
		fmt.Fprintf(e.stderr, "leadup: note: %s has no reply token key yet (\"leadup run\" creates it): "+
			"the reply tokens and talking-points address in this preview are placeholders that leadup will not accept\n",
			cfg.StateDir)
	}
}

func printPreview(e *env, format string, r render.Rendered, eml []byte) int {
	var err error
	switch format {
	case "text":
		_, err = fmt.Fprintf(e.stdout, "Subject: %s\n\n%s", r.Subject, r.Text)
	case "html":
		_, err = fmt.Fprint(e.stdout, r.HTML)
	case "eml":
		_, err = e.stdout.Write(eml)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	return exitOK
}
