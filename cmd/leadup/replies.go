package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/reply"
	"github.com/leadup/leadup/daemon/reply/grammar"
)

// exitTempFail is sysexits' EX_TEMPFAIL: a mail server delivering to
// "leadup ingest" through a pipe keeps the message and tries again later.
const exitTempFail = 75

// maxInput bounds what parse-reply and ingest read.
const maxInput = 64 << 20

var parseReplyCommand = command{
	name:    "parse-reply",
	summary: "show how leadup understands a reply, without logging it",
	usage:   "[-config FILE] [FILE]",
	help: `Reads one email (FILE, or standard input) and prints, as JSON, what leadup
would log from it: the text you wrote (quotes, attributions, signatures and
boilerplate removed), decisions, action items with owner and due date,
feedback, notes, topics for next time, and the item numbers marked done;
then every item in the order written, with the line it came from and whether
leadup guessed its kind or owner from the wording, and the lines it could not
place. Nothing is stored or sent.

With -config it knows your bosses' names (for owners) and your time zone (for
due dates); without, owners stay as written and dates resolve in UTC.`,
	setup: func(fs *flag.FlagSet) runFunc {
		return func(ctx context.Context, e *env, args []string) int {
			configSet := false
			fs.Visit(func(f *flag.Flag) { configSet = configSet || f.Name == "config" })
			return runParseReply(e, args, configSet)
		}
	},
}

// parseJSON is parse-reply's output: a stable interface for scripts.
type parseJSON struct {
	Text      string       `json:"text"`
	Decisions []string     `json:"decisions"`
	Actions   []actionJSON `json:"actions"`
	Feedback  []string     `json:"feedback"`
	Notes     []string     `json:"notes"`
	Topics    []string     `json:"topics"`
	Done      []int        `json:"done"`
	// Applied are the numbers of feedback marked applied ("applied 4").
	Applied []int `json:"applied"`
	// Items are all of the above but Done, in the order written, each
	// with the line it came from and whether its kind or owner was
	// guessed from the wording.
	Items    []parsedItemJSON `json:"items"`
	Unplaced []string         `json:"unplaced"`
}

type parsedItemJSON struct {
	Kind     string  `json:"kind"`
	Text     string  `json:"text"`
	Owner    string  `json:"owner,omitempty"`
	Due      *string `json:"due,omitempty"`
	Source   string  `json:"source"`
	Inferred bool    `json:"inferred"`
}

type actionJSON struct {
	Text  string  `json:"text"`
	Owner string  `json:"owner"`
	Due   *string `json:"due"`
}

func readInput(e *env, args []string) ([]byte, bool) {
	var r io.Reader = os.Stdin
	switch len(args) {
	case 0:
	case 1:
		f, err := os.Open(args[0])
		if err != nil {
			fmt.Fprintf(e.stderr, "leadup: %v\n", err)
			return nil, false
		}
		defer f.Close()
		r = f
	default:
		fmt.Fprintln(e.stderr, "leadup: give one file, or none to read standard input")
		return nil, false
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: read the email: %v\n", err)
		return nil, false
	}
	if len(raw) > maxInput {
		fmt.Fprintf(e.stderr, "leadup: the email is larger than %d MB\n", maxInput>>20)
		return nil, false
	}
	return raw, true
}

func runParseReply(e *env, args []string, withConfig bool) int {
	raw, ok := readInput(e, args)
	if !ok {
		return exitFail
	}
	var opts reply.Options
	gopts := grammar.Options{Location: time.UTC}
	templatesDir := ""
	if withConfig {
		cfg, code := e.loadConfig(e.logger())
		if code != exitOK {
			return code
		}
		opts.MaxSize, opts.Deadline = cfg.Reply.MaxSize, cfg.Reply.TimeLimit
		gopts.Location = cfg.Location
		for _, b := range cfg.Bosses {
			gopts.BossNames = append(gopts.BossNames, b.Name)
		}
		templatesDir = cfg.TemplatesDir
	}
	// The follow-up's headings, as the templates the daemon loads write
	// them, for answers typed inline into the quoted follow-up.
	rnd, err := render.New(templatesDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: templates: %v\n", err)
		return exitConfig
	}
	opts.TemplateHeadings = rnd.FollowupHeadings()
	msg, err := reply.Extract(raw, opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: cannot read the email: %v\n", err)
		return exitFail
	}
	gopts.Now = msg.Date
	if gopts.Now.IsZero() {
		gopts.Now = time.Now()
	}
	p := grammar.Parse(msg.Text, gopts)
	out := parseJSON{Text: msg.Text, Decisions: nonNil(p.Texts(grammar.Decision)), Actions: []actionJSON{},
		Feedback: nonNil(p.Texts(grammar.Feedback)), Notes: nonNil(p.Texts(grammar.Note)), Topics: nonNil(p.Texts(grammar.Topic)), Done: p.Done}
	if out.Done == nil {
		out.Done = []int{}
	}
	if out.Applied = p.Applied; out.Applied == nil {
		out.Applied = []int{}
	}
	out.Items, out.Unplaced = []parsedItemJSON{}, nonNil(p.Unplaced)
	for _, it := range p.Items {
		ij := parsedItemJSON{Kind: string(it.Kind), Text: it.Text, Owner: it.Owner, Source: it.Source, Inferred: it.Inferred}
		if it.Due != nil {
			s := it.Due.String()
			ij.Due = &s
		}
		out.Items = append(out.Items, ij)
	}
	for _, a := range p.Of(grammar.Action) {
		aj := actionJSON{Text: a.Text, Owner: a.Owner}
		if a.Due != nil {
			s := a.Due.String()
			aj.Due = &s
		}
		out.Actions = append(out.Actions, aj)
	}
	return e.printJSON(out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

var ingestCommand = command{
	name:    "ingest",
	summary: "log one email (a reply, or talking points), for pipe delivery",
	usage:   "[-config FILE] [FILE]",
	help: `Processes one email (FILE, or standard input) exactly as the IMAP watcher of
"leadup run" would: a reply to a follow-up from an accepted sender is logged
and confirmed; an email to the reply address, or whose subject starts with
"topic:" or "agenda:", queues talking points; anything else is ignored. Use it
to deliver replies by pipe instead of IMAP: procmail, Postfix's
mailbox_command, or a sieve "pipe" action.

Exit status 0 when the email was logged, already processed, or ignored (the
reason goes to standard error); 75 (EX_TEMPFAIL) when logging failed in a way
a retry can fix, so that the mail server keeps the message and tries again.`,
	setup: func(fs *flag.FlagSet) runFunc {
		return func(ctx context.Context, e *env, args []string) int {
			raw, ok := readInput(e, args)
			if !ok {
				return exitTempFail
			}
			d, _, code := e.openDaemon(ctx)
			if code != exitOK {
				if code == exitFail {
					return exitTempFail
				}
				return code
			}
			defer d.Close()
			res, err := d.Ingest(ctx, raw)
			if err != nil {
				fmt.Fprintf(e.stderr, "leadup: %v\n", err)
				return exitTempFail
			}
			fmt.Fprintf(e.stderr, "leadup: %s\n", res.Describe())
			if err := d.DeliverDue(ctx); err != nil && !errors.Is(err, context.Canceled) {
				// The confirmation stays queued for "leadup run".
				fmt.Fprintf(e.stderr, "leadup: the confirmation is queued but could not be sent now: %v\n", err)
			}
			return exitOK
		}
	},
}
