package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/store"
)

var itemsCommand = command{
	name:    "items",
	summary: "list your action items, or close some: items done ID…",
	usage:   "[-json] [-all] [-boss NAME] [-config FILE] | done ID…",
	help: `Lists the open action items from your meeting log, yours, your bosses' and
others', oldest first: the number to close it with, who owns it, when it is
due. -all includes the closed ones. Listing only reads the state directory,
which may be read-only.

"leadup items done 12 14" (or "close 12 14") closes items 12 and 14, as
replying "done 12 14" to a follow-up would. The numbers are the ones the
emails show: actions, feedback and talking points are numbered 1, 2, 3… in
the order they were logged, and a number is never given to another item.

With -json it prints an array of objects with the keys id, text, owner (me,
boss or a name), due (YYYY-MM-DD or null), status (open or done) and boss.`,
	setup: func(fs *flag.FlagSet) runFunc {
		asJSON := fs.Bool("json", false, "print JSON instead of a table")
		all := fs.Bool("all", false, "include closed items")
		boss := fs.String("boss", "", "only the items with the boss of this `name`")
		return func(ctx context.Context, e *env, args []string) int {
			if len(args) > 0 && (args[0] == "done" || args[0] == "close") {
				return runItemsDone(ctx, e, args[1:])
			}
			if len(args) > 0 {
				fmt.Fprintf(e.stderr, "leadup: unexpected %q: use \"leadup items done ID…\" to close items\n", args[0])
				return exitConfig
			}
			return runItems(ctx, e, *asJSON, *all, *boss)
		}
	},
}

type itemJSON struct {
	ID     int64   `json:"id"`
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
	if asJSON {
		out := make([]itemJSON, 0, len(items))
		for _, it := range items {
			j := itemJSON{ID: it.ID, Text: it.Text, Owner: it.Owner, Status: "open", Boss: it.Boss}
			if !it.Due.IsZero() {
				s := it.Due.In(cfg.Location).Format(time.DateOnly)
				j.Due = &s
			}
			if !it.Done.IsZero() {
				j.Status = "done"
			}
			out = append(out, j)
		}
		return e.printJSON(out)
	}
	if len(items) == 0 {
		fmt.Fprintln(e.stdout, "No open action items. Reply to a follow-up to log some.")
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tITEM\tOWNER\tBOSS\tDUE\tSTATUS")
	for _, it := range items {
		due, status := "", "open"
		if !it.Due.IsZero() {
			due = it.Due.In(cfg.Location).Format("Mon 2 Jan")
		}
		if !it.Done.IsZero() {
			status = "done " + it.Done.In(cfg.Location).Format("2 Jan")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", it.ID, oneLine(it.Text), ownerName(it), it.Boss, due, status)
	}
	tw.Flush()
	return exitOK
}

// ownerName says who owns an item: "me", the boss's name, or the name given.
func ownerName(it meetinglog.Item) string {
	if it.Owner == "boss" {
		return it.Boss
	}
	return it.Owner
}

func runItemsDone(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "leadup: give the numbers of the items to close, e.g. leadup items done 12 14")
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
	closed, notFound, err := d.Store().CloseItems(ctx, ids)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	for _, id := range closed {
		fmt.Fprintf(e.stdout, "closed %d\n", id)
	}
	if len(notFound) > 0 {
		fmt.Fprintf(e.stderr, "leadup: no open action item %v\n", notFound)
		return exitFail
	}
	return exitOK
}
