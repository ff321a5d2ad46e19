package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/store"
)

var itemsCommand = command{
	name:    "items",
	summary: "list your action items and feedback, or close some: items done ID…, items applied ID…",
	usage:   "[-json] [-all] [-boss NAME] [-config FILE] | done ID… | applied ID…",
	help: `Lists the open action items from your meeting log, yours, your bosses' and
others', oldest first: the number to close it with, who owns it, when it is
due; then the feedback from your bosses you have not yet applied, which
each brief with that boss shows until you do. -all includes the closed
ones. Listing only reads the state directory, which may be read-only.

"leadup items done 12 14" (or "close 12 14") closes items 12 and 14, as
replying "done 12 14" to a follow-up would; "leadup items applied 4" marks
feedback 4 as acted on, as replying "applied 4" would ("done" on feedback
does too). The numbers are the ones the emails show: actions, feedback and
talking points are numbered 1, 2, 3… in the order they were logged, and a
number is never given to another item.

With -json it prints an array of objects with the keys id, kind (action or
feedback), text, owner (me, boss or a name; "boss" for feedback), due
(YYYY-MM-DD or null), status (open, or done for an action and applied for
feedback) and boss.`,
	setup: func(fs *flag.FlagSet) runFunc {
		asJSON := fs.Bool("json", false, "print JSON instead of a table")
		all := fs.Bool("all", false, "include closed items")
		boss := fs.String("boss", "", "only the items with the boss of this `name`")
		return func(ctx context.Context, e *env, args []string) int {
			if len(args) > 0 && (args[0] == "done" || args[0] == "close") {
				return runItemsDone(ctx, e, args[1:], false)
			}
			if len(args) > 0 && args[0] == "applied" {
				return runItemsDone(ctx, e, args[1:], true)
			}
			if len(args) > 0 {
				fmt.Fprintf(e.stderr, "leadup: unexpected %q: use \"leadup items done ID…\" to close items, \"leadup items applied ID…\" for feedback\n", args[0])
				return exitConfig
			}
			return runItems(ctx, e, *asJSON, *all, *boss)
		}
	},
}

type itemJSON struct {
	ID     int64   `json:"id"`
	Kind   string  `json:"kind"`
	Text   string  `json:"text"`
	Owner  string  `json:"owner"`
	Due    *string `json:"due"`
	Status string  `json:"status"`
	Boss   string  `json:"boss"`
}

func runItems(ctx context.Context, e *env, asJSON, all bool, boss string) int {
	d, cfg, code := e.openDaemon(ctx, readOnly)
	if code != exitOK {
		return code
	}
	defer d.Close()
	items, err := d.Store().ListItems(ctx, store.ItemQuery{Boss: boss, Kinds: []meetinglog.Kind{meetinglog.Action}, Open: !all})
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	feedback, err := d.Store().ListItems(ctx, store.ItemQuery{Boss: boss, Kinds: []meetinglog.Kind{meetinglog.Feedback}, Open: !all})
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	if asJSON {
		out := make([]itemJSON, 0, len(items)+len(feedback))
		for _, it := range slices.Concat(items, feedback) {
			j := itemJSON{ID: it.ID, Kind: string(it.Kind), Text: it.Text, Owner: it.Owner, Status: "open", Boss: it.Boss}
			if it.Kind == meetinglog.Feedback {
				j.Owner = "boss"
			}
			if !it.Due.IsZero() {
				s := it.Due.In(cfg.Location).Format(time.DateOnly)
				j.Due = &s
			}
			if !it.Done.IsZero() {
				j.Status = "done"
				if it.Kind == meetinglog.Feedback {
					j.Status = "applied"
				}
			}
			out = append(out, j)
		}
		return e.printJSON(out)
	}
	if len(items)+len(feedback) == 0 {
		fmt.Fprintln(e.stdout, "No open action items or feedback. Reply to a follow-up to log some.")
		return exitOK
	}
	if len(items) == 0 {
		fmt.Fprintln(e.stdout, "No open action items.")
	} else {
		printActions(e, cfg.Location, items)
	}
	if len(feedback) > 0 {
		fmt.Fprintln(e.stdout)
		printFeedback(e, cfg.Location, feedback, all)
	}
	return exitOK
}

// printFeedback prints the feedback from the bosses, with the number to
// apply it by and how long it has waited.
func printFeedback(e *env, loc *time.Location, items []meetinglog.Item, all bool) {
	if all {
		fmt.Fprintln(e.stdout, "Feedback:")
	} else {
		fmt.Fprintln(e.stdout, "Feedback to act on (\"leadup items applied ID\" once you have):")
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFEEDBACK\tBOSS\tGIVEN\tSTATUS")
	for _, it := range items {
		status := "open"
		if !it.Done.IsZero() {
			status = "applied " + it.Done.In(loc).Format("2 Jan")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", it.ID, oneLine(it.Text), it.Boss, it.Created.In(loc).Format("Mon 2 Jan"), status)
	}
	tw.Flush()
}

// printActions prints the action items as a table.
func printActions(e *env, loc *time.Location, items []meetinglog.Item) {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tITEM\tOWNER\tBOSS\tDUE\tSTATUS")
	for _, it := range items {
		due, status := "", "open"
		if !it.Due.IsZero() {
			due = it.Due.In(loc).Format("Mon 2 Jan")
		}
		if !it.Done.IsZero() {
			status = "done " + it.Done.In(loc).Format("2 Jan")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", it.ID, oneLine(it.Text), ownerName(it), it.Boss, due, status)
	}
	tw.Flush()
}

// ownerName says who owns an item: "me", the boss's name, or the name given.
func ownerName(it meetinglog.Item) string {
	if it.Owner == "boss" {
		return it.Boss
	}
	return it.Owner
}

// runItemsDone closes items by number: action items ("done"), or
// feedback applied ("applied"). "done" on a number that is feedback applies
// it, as "done 4" in a reply does.
func runItemsDone(ctx context.Context, e *env, args []string, applied bool) int {
	verb := "done"
	if applied {
		verb = "applied"
	}
	if len(args) == 0 {
		fmt.Fprintf(e.stderr, "leadup: give the numbers of the items, e.g. leadup items %s 12 14\n", verb)
		return exitConfig
	}
	var ids []int64
	for _, a := range args {
		for _, f := range strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == '#' }) {
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil || id <= 0 {
				fmt.Fprintf(e.stderr, "leadup: %q is not an item number\n", f)
				return exitConfig
			}
			ids = append(ids, id)
		}
	}
	d, _, code := e.openDaemon(ctx)
	if code != exitOK {
		return code
	}
	defer d.Close()
	var closed, notFound []int64
	var err error
	if !applied {
		if closed, notFound, err = d.Store().CloseItems(ctx, ids); err != nil {
			fmt.Fprintf(e.stderr, "leadup: %v\n", err)
			return exitFail
		}
		for _, id := range closed {
			fmt.Fprintf(e.stdout, "closed %d\n", id)
		}
		ids = notFound
	}
	if len(ids) > 0 {
		var fb []int64
		if fb, notFound, err = d.Store().ApplyItems(ctx, ids); err != nil {
			fmt.Fprintf(e.stderr, "leadup: %v\n", err)
			return exitFail
		}
		for _, id := range fb {
			fmt.Fprintf(e.stdout, "applied %d\n", id)
		}
	}
	if len(notFound) > 0 {
		if applied {
			fmt.Fprintf(e.stderr, "leadup: no open feedback %v (\"leadup items done\" closes action items)\n", notFound)
		} else {
			fmt.Fprintf(e.stderr, "leadup: no open action item or feedback %v\n", notFound)
		}
		return exitFail
	}
	return exitOK
}
