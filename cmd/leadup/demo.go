package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/config"
)

var demoCommand = command{
	name:    "demo",
	summary: "see leadup work in two minutes, with no accounts and no network",
	usage:   "[-dir DIR] [-speed N]",
	help: `Creates a throwaway workspace (a configuration, an .ics calendar with a
demo boss, and a Maildir), runs the real daemon on it, and tells you what
happens as it happens:

  1. a prep brief for your 1:1 with Dana arrives before the meeting;
  2. after the meeting, the follow-up arrives;
  3. a sample reply is logged with "leadup ingest", and leadup confirms
     what it logged;
  4. the brief for the next meeting with Dana carries what you promised;
  5. Friday's weekly digest, with a status update for Dana, as it would
     read now (the demo does not wait for Friday).

It takes about a minute and a half, and leaves the workspace behind: each
email's HTML part as a file to open in a browser (DIR/html), the Maildir
for any mail client that reads one (mutt -f DIR/Maildir), and a
configuration to run other commands on (leadup status -config
DIR/config.toml). Nothing leaves this machine.`,
	setup: func(fs *flag.FlagSet) runFunc {
		dir := fs.String("dir", "", "create the workspace in `DIR` (default: a new directory under $TMPDIR)")
		speed := fs.Float64("speed", 1, "run the timeline `N` times faster")
		return func(ctx context.Context, e *env, args []string) int {
			if *speed < 1 || *speed > 50 {
				fmt.Fprintln(e.stderr, "leadup: -speed: give a number from 1 to 50")
				return exitConfig
			}
			d := &demo{env: e, speed: *speed, start: time.Now(), stopped: make(chan struct{}), self: demoInvocation(os.Args[0])}
			if err := d.run(ctx, *dir); err != nil {
				fmt.Fprintf(e.stderr, "\nleadup demo: %v\n", err)
				if d.dir != "" {
					fmt.Fprintf(e.stderr, "The workspace and leadup's log are in %s.\n", d.dir)
				}
				return exitFail
			}
			return exitOK
		}
	},
}

// The demo's timeline, at speed 1, from the daemon's start.
const (
	demoLead        = 30 * time.Second // brief before = "30s"
	demoAfter       = 5 * time.Second  // followup after = "5s"
	demoOneOnOne    = 40 * time.Second // the 1:1 starts
	demoLength      = 15 * time.Second
	demoGroup       = 110 * time.Second // the roadmap review starts
	demoStepTimeout = 60 * time.Second  // beyond its due time, a step has failed
)

// The demo's people: example.com addresses (RFC 2606), which go nowhere.
const (
	demoMe   = "sam@example.com"
	demoBoss = "dana@example.com"
)

type demo struct {
	*env
	speed float64
	start time.Time
	dir   string
	seen  map[string]bool // Maildir files already shown
	html  []demoHTML      // the HTML parts written so far, in order
	// self is how the closing hints name this program.
	self string
	// stopped is closed when the daemon has stopped, with runErr set.
	stopped chan struct{}
	runErr  error
}

// wholeSecond rounds t up to a whole second, as the demo calendar writes
// times: rounding down would take up to a second off a fast timeline, all
// of its margin at -speed 50, and start the 1:1 before its brief is due.
func wholeSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); r.Before(t) {
		return r.Add(time.Second)
	}
	return t
}

func (d *demo) scaled(t time.Duration) time.Duration {
	return time.Duration(float64(t) / d.speed).Round(10 * time.Millisecond)
}

func (d *demo) say(format string, args ...any) {
	el := time.Since(d.start)
	fmt.Fprintf(d.stdout, "[%02d:%02d] %s\n", int(el.Minutes()), int(el.Seconds())%60, fmt.Sprintf(format, args...))
}

func (d *demo) run(ctx context.Context, dir string) error {
	var err error
	if dir == "" {
		dir, err = os.MkdirTemp("", "leadup-demo-")
	} else {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return fmt.Errorf("create the workspace: %w", err)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	d.dir, d.seen = dir, make(map[string]bool)

	now := wholeSecond(time.Now())
	oneOnOne := wholeSecond(now.Add(d.scaled(demoOneOnOne)))
	end := wholeSecond(oneOnOne.Add(d.scaled(demoLength)))
	group := wholeSecond(now.Add(d.scaled(demoGroup)))
	if err := d.writeWorkspace(oneOnOne, end, group); err != nil {
		return err
	}
	d.say("Workspace: %s", dir)
	d.say("  config.toml    your settings: Dana Whitfield is your boss; briefs %s before, follow-ups %s after",
		d.scaled(demoLead), d.scaled(demoAfter))
	d.say("  calendar.ics   a weekly 1:1 with Dana at %s, and a roadmap review with Dana and Priya at %s",
		oneOnOne.Format("15:04:05"), group.Format("15:04:05"))
	d.say("  Maildir/       where leadup delivers, instead of sending email")

	logFile, err := os.OpenFile(filepath.Join(dir, "leadup.log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cfgPath := filepath.Join(dir, "config.toml")
	cfg, err := config.Load(cfgPath, nil)
	if err != nil {
		return fmt.Errorf("the demo's configuration: %w", err)
	}
	dm, err := daemon.Open(ctx, daemon.Options{Config: cfg, Log: slog.New(slog.NewTextHandler(logFile, nil)), UserAgent: "leadup/" + version})
	if err != nil {
		return err
	}
	parent := ctx // outlives the daemon, for what runs after it stops
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		d.runErr = dm.Run(ctx)
		close(d.stopped)
	}()
	defer func() {
		cancel()
		<-d.stopped
	}()
	d.say("leadup is running (its log: leadup.log). The brief is due at %s.\n", oneOnOne.Add(-d.scaled(demoLead)).Format("15:04:05"))

	// 1. The brief.
	brief, err := d.await(ctx, "brief", "Dana / Sam 1:1", oneOnOne.Add(-d.scaled(demoLead)),
		"Why: a 1:1 goes best when you walk in with the agenda, what you owe, and a problem with a fix in hand.")
	if err != nil {
		return err
	}
	if err := d.show(brief, "The prep brief for your 1:1 arrived, %s before the meeting:", d.scaled(demoLead)); err != nil {
		return err
	}
	fmt.Fprintln(d.stdout, "  It puts on one page what ten minutes of scrambling would: the agenda, what you owe,\n"+
		"  what Dana cares about and how she likes to hear it, and what to bring.")
	fmt.Fprintln(d.stdout)

	// 2. The follow-up.
	followup, err := d.await(ctx, "followup", "Dana / Sam 1:1", end.Add(d.scaled(demoAfter)),
		"Why: what was agreed is clearest right after the meeting; two lines now save a \"what did we decide?\" later.")
	if err != nil {
		return err
	}
	if err := d.show(followup, "The meeting ended; the follow-up arrived:"); err != nil {
		return err
	}
	fmt.Fprintln(d.stdout, "  You answer it from your phone while it is fresh. leadup logs your reply.")
	fmt.Fprintln(d.stdout)

	// 3. The reply, through "leadup ingest", as a mail server would deliver it.
	reply := d.sampleReply(followup)
	replyPath := filepath.Join(dir, "reply.eml")
	if err := os.WriteFile(replyPath, reply, 0o600); err != nil {
		return err
	}
	d.say("You reply (%s):", "reply.eml")
	fmt.Fprintln(d.stdout, indentLines(demoReplyText, "  | "))
	d.say("$ leadup ingest -config %s reply.eml", cfgPath)
	var out, errOut bytes.Buffer
	if code := ingestCommand.invoke(ctx, []string{"-config", cfgPath, replyPath}, &out, &errOut); code != exitOK {
		return fmt.Errorf("leadup ingest: exit %d: %s", code, strings.TrimSpace(errOut.String()))
	}
	// ingest reports on standard error, for mail servers' logs.
	fmt.Fprint(d.stdout, indentLines(strings.TrimSpace(errOut.String()), "  "), "\n")
	confirm, err := d.await(ctx, "confirm", "", time.Now(), "")
	if err != nil {
		return err
	}
	if err := d.show(confirm, "leadup confirmed in the same thread what it logged, so that a wrong guess is fixed with one line:"); err != nil {
		return err
	}
	d.say("$ leadup items -config %s", cfgPath)
	out.Reset()
	if code := itemsCommand.invoke(ctx, []string{"-config", cfgPath}, &out, &errOut); code != exitOK {
		return fmt.Errorf("leadup items: exit %d: %s", code, strings.TrimSpace(errOut.String()))
	}
	fmt.Fprint(d.stdout, indentLines(strings.TrimSpace(out.String()), "  "), "\n\n")

	// 4. The next brief carries what was promised.
	next, err := d.await(ctx, "brief", "Q2 roadmap review", group.Add(-d.scaled(demoLead)),
		"Why: bosses notice who keeps track of promises, theirs and yours; the next brief puts both in front of you.")
	if err != nil {
		return err
	}
	if err := d.show(next, "The brief for the roadmap review with Dana carries what you owe her and what you wanted to raise:"); err != nil {
		return err
	}
	fmt.Fprintln(d.stdout)

	cancel()
	if <-d.stopped; d.runErr != nil {
		return d.runErr
	}

	// 5. The digest goes out on Fridays; rather than wait, compose it from
	// the demo's store as "leadup preview -kind digest" does.
	if err := d.showDigest(parent, cfgPath); err != nil {
		return err
	}

	fmt.Fprintf(d.stdout, "\nDone in %s. Everything is still in %s.\n", time.Since(d.start).Round(time.Second), dir)
	fmt.Fprintln(d.stdout, "Open the emails in a browser, as a mail program would show them:")
	var files [][2]string
	for _, h := range d.html {
		files = append(files, [2]string{filepath.Join(dir, h.file), h.what})
	}
	printColumns(d.stdout, files)
	fmt.Fprintf(d.stdout, "Or read them in any mail client that reads a Maildir (mutt -f %s), or ask leadup:\n", filepath.Join(dir, "Maildir"))
	flagCfg := " -config " + shellQuote(cfgPath)
	printColumns(d.stdout, [][2]string{
		{d.self + " preview -next" + flagCfg, "the next brief, as text"},
		{d.self + " preview -kind digest" + flagCfg, "Friday's digest as it stands"},
		{d.self + " preview -sample -kind nudge", "the nudge when you and a boss go too long without meeting"},
		{d.self + " meetings" + flagCfg, "the meetings with Dana that leadup found"},
		{d.self + " status" + flagCfg, "what leadup plans next"},
	})
	fmt.Fprintln(d.stdout, "Next: make your own config.toml from config.example.toml (the README sets up Google, Microsoft 365, CalDAV or an .ics address).")
	return nil
}

// printColumns prints pairs as two aligned columns.
func printColumns(w io.Writer, rows [][2]string) {
	width := 0
	for _, r := range rows {
		width = max(width, len(r[0]))
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width, r[0], r[1])
	}
}

// demoHTML is an email's HTML part, written to the workspace.
type demoHTML struct {
	file string // relative to the workspace
	what string
}

// saveHTML writes an email's HTML part as html/NN-kind.html.
func (d *demo) saveHTML(kind, what, html string) error {
	if html == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(d.dir, "html"), 0o700); err != nil {
		return err
	}
	name := filepath.Join("html", fmt.Sprintf("%02d-%s.html", len(d.html)+1, kind))
	if err := os.WriteFile(filepath.Join(d.dir, name), []byte(html), 0o600); err != nil {
		return fmt.Errorf("write the HTML part: %w", err)
	}
	d.html = append(d.html, demoHTML{file: name, what: what})
	return nil
}

// showDigest prints the weekly digest as it would go out next, and writes
// its HTML part. It runs after the daemon has stopped: preview opens the
// store read-only.
func (d *demo) showDigest(ctx context.Context, cfgPath string) error {
	d.say("$ leadup preview -kind digest -config %s", cfgPath)
	var text, html, errOut bytes.Buffer
	if code := previewCommand.invoke(ctx, []string{"-kind", "digest", "-config", cfgPath}, &text, &errOut); code != exitOK {
		return fmt.Errorf("leadup preview -kind digest: exit %d: %s", code, strings.TrimSpace(errOut.String()))
	}
	if code := previewCommand.invoke(ctx, []string{"-kind", "digest", "-format", "html", "-config", cfgPath}, &html, &errOut); code != exitOK {
		return fmt.Errorf("leadup preview -kind digest -format html: exit %d: %s", code, strings.TrimSpace(errOut.String()))
	}
	subject, body, _ := strings.Cut(text.String(), "\n\n")
	d.say("The weekly digest goes out on Fridays, so the demo does not wait for it. This is what Friday's would say,")
	fmt.Fprintln(d.stdout, "  with what you logged today and a status update you can forward to Dana as it is:")
	fmt.Fprintf(d.stdout, "  ┌ Friday's weekly digest (not sent)\n  │ %s\n  │\n%s\n  └\n", subject, indentLines(strings.TrimRight(body, "\r\n"), "  │ "))
	return d.saveHTML("digest", "Friday's weekly digest (a preview, not sent)", html.String())
}

// demoInvocation is how the closing hints name the running program: the
// path as invoked, or "go run ./cmd/leadup" for the throwaway binary that
// "go run" builds (which is gone once the demo ends).
func demoInvocation(arg0 string) string {
	if arg0 == "" {
		p, err := os.Executable()
		if err != nil {
			return "leadup"
		}
		arg0 = p
	}
	base := strings.TrimSuffix(filepath.Base(arg0), ".exe")
	if !strings.HasSuffix(base, ".test") {
		for _, el := range strings.Split(filepath.ToSlash(arg0), "/") {
			if strings.HasPrefix(el, "go-build") {
				return "go run ./cmd/leadup"
			}
		}
	}
	return shellQuote(arg0)
}

// shellQuote quotes s for a POSIX shell if it needs quoting.
func shellQuote(s string) string {
	if strings.ContainsAny(s, " \t'\"$&;|<>()*?[]{}`\\") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

// writeWorkspace writes the configuration and the calendar.
func (d *demo) writeWorkspace(oneOnOne, end, group time.Time) error {
	md := filepath.Join(d.dir, "Maildir")
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(md, sub), 0o700); err != nil {
			return err
		}
	}
	cfg := fmt.Sprintf(`# leadup's demo: an .ics calendar and a Maildir, no accounts, no network.
state_dir = "state"

[calendar]
source = "ics"
ics_file = "calendar.ics"
me = [%[1]q]

[brief]
before = [%[3]q]

[followup]
after = %[4]q

[mail]
transport = "maildir"
maildir = "Maildir"
from = "leadup <leadup@example.com>"
to = "Sam Rivera <%[1]s>"

[[boss]]
name = "Dana Whitfield"
emails = [%[2]q]
style = "Bottom line first; numbers over adjectives. Prefers a written summary before decisions."
priorities = ["Ship the billing migration by March", "Hire two senior engineers"]
`, demoMe, demoBoss, config.Duration(d.scaled(demoLead)).String(), config.Duration(d.scaled(demoAfter)).String())
	if err := os.WriteFile(filepath.Join(d.dir, "config.toml"), []byte(cfg), 0o600); err != nil {
		return err
	}
	stamp := func(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
	ics := strings.ReplaceAll(fmt.Sprintf(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//leadup//demo//EN
BEGIN:VEVENT
UID:demo-1on1@example.com
DTSTAMP:%[1]s
DTSTART:%[2]s
DTEND:%[3]s
RRULE:FREQ=WEEKLY;COUNT=12
SUMMARY:Dana / Sam 1:1
DESCRIPTION:Agenda:\n- Billing migration: cut-over date\n- Hiring: the two senior roles
ORGANIZER;CN=Dana Whitfield:mailto:%[6]s
ATTENDEE;CN=Dana Whitfield;PARTSTAT=ACCEPTED:mailto:%[6]s
ATTENDEE;CN=Sam Rivera;PARTSTAT=ACCEPTED:mailto:%[7]s
END:VEVENT
BEGIN:VEVENT
UID:demo-roadmap@example.com
DTSTAMP:%[1]s
DTSTART:%[4]s
DTEND:%[5]s
SUMMARY:Q2 roadmap review
DESCRIPTION:Where each team stands against the Q2 roadmap.
ORGANIZER;CN=Priya Nair:mailto:priya@example.com
ATTENDEE;CN=Priya Nair;PARTSTAT=ACCEPTED:mailto:priya@example.com
ATTENDEE;CN=Dana Whitfield;PARTSTAT=ACCEPTED:mailto:%[6]s
ATTENDEE;CN=Sam Rivera;PARTSTAT=ACCEPTED:mailto:%[7]s
END:VEVENT
END:VCALENDAR
`, stamp(d.start), stamp(oneOnOne), stamp(end), stamp(group), stamp(group.Add(30*time.Minute)),
		demoBoss, demoMe), "\n", "\r\n")
	return os.WriteFile(filepath.Join(d.dir, "calendar.ics"), []byte(ics), 0o600)
}

// demoReplyText is what the user answers to the follow-up.
const demoReplyText = `Decisions:
- Cut over billing on March 3

Action items:
- Send Dana the revised cut-over plan by Friday
- Dana: intro me to the payments team lead

Feedback:
- Lead the weekly update with the risks, not the wins

Next time:
- [roadmap review] The second senior hire: where is the offer?`

// sampleReply makes the user's reply to the follow-up, as their mail client
// would.
func (d *demo) sampleReply(followup *demoMail) []byte {
	to := followup.header.Get("Reply-To")
	if to == "" {
		to = followup.header.Get("From")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Sam Rivera <%s>\r\nTo: %s\r\nSubject: Re: %s\r\nDate: %s\r\n", demoMe, to, followup.subject, time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <demo-reply.%d@example.com>\r\nIn-Reply-To: %s\r\nReferences: %s\r\n",
		time.Now().UnixNano(), followup.header.Get("Message-ID"), followup.header.Get("Message-ID"))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(strings.ReplaceAll(demoReplyText, "\n", "\r\n"))
	b.WriteString("\r\n\r\nSent from my phone\r\n")
	return b.Bytes()
}

// demoMail is an email leadup delivered to the Maildir.
type demoMail struct {
	file    string
	header  gomail.Header
	subject string
	kind    string // X-Leadup-Kind
	text    string
	html    string
}

// await waits for the next email of kind whose subject contains about, in
// the Maildir, expected at due. While it waits, it shows why.
func (d *demo) await(ctx context.Context, kind, about string, due time.Time, why string) (*demoMail, error) {
	if wait := time.Until(due); wait > time.Second {
		// Whole seconds, cut down: 2.7 s shows as "2s", and the email
		// comes within the second after that.
		d.say("Waiting %s for the %s.", wait.Truncate(time.Second), kindName(kind))
		if why != "" {
			fmt.Fprintf(d.stdout, "  %s\n", why)
		}
	}
	deadline := time.NewTimer(time.Until(due) + demoStepTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		m, err := d.next(kind, about)
		if err != nil || m != nil {
			return m, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-d.stopped:
			return nil, fmt.Errorf("leadup stopped: %v", d.runErr)
		case <-deadline.C:
			return nil, fmt.Errorf("no %s arrived within %s of its due time; see leadup.log", kindName(kind), demoStepTimeout)
		case <-tick.C:
		}
	}
}

// next returns the first email of kind about a subject not shown yet, or nil.
func (d *demo) next(kind, about string) (*demoMail, error) {
	dir := filepath.Join(d.dir, "Maildir", "new")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names) // Maildir names start with the delivery time
	for _, name := range names {
		if d.seen[name] {
			continue
		}
		m, err := readDemoMail(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if m.kind == kind && strings.Contains(m.subject, about) {
			d.seen[name] = true
			return m, nil
		}
	}
	return nil, nil
}

func readDemoMail(path string) (*demoMail, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := gomail.CreateReader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	m := &demoMail{file: path, header: r.Header, kind: r.Header.Get("X-Leadup-Kind")}
	m.subject, _ = r.Header.Subject()
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if h, ok := part.Header.(*gomail.InlineHeader); ok {
			ct, _, _ := h.ContentType()
			var into *string
			switch {
			case ct == "text/plain" && m.text == "":
				into = &m.text
			case ct == "text/html" && m.html == "":
				into = &m.html
			default:
				continue
			}
			b, err := io.ReadAll(part.Body)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", path, err)
			}
			*into = string(b)
		}
	}
	return m, nil
}

// show prints an email with a headline, and writes its HTML part.
func (d *demo) show(m *demoMail, format string, args ...any) error {
	d.say(format, args...)
	rel, _ := filepath.Rel(d.dir, m.file)
	fmt.Fprintf(d.stdout, "  ┌ %s\n  │ Subject: %s\n  │\n%s\n  └\n", rel, m.subject, indentLines(strings.TrimRight(m.text, "\r\n"), "  │ "))
	return d.saveHTML(m.kind, m.subject, m.html)
}

func kindName(kind string) string {
	switch kind {
	case "followup":
		return "follow-up"
	case "confirm":
		return "confirmation"
	}
	return kind
}

func indentLines(s, prefix string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
