package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/store"
)

var logCommand = command{
	name:    "log",
	summary: "export the meeting log: decisions, actions, feedback, notes",
	usage:   "[-boss NAME] [-since YYYY-MM-DD] [-format md|json] [-config FILE]",
	help: `Prints everything your replies logged, meeting by meeting, oldest first:
decisions, action items (with owner, due date and when they were closed),
feedback, notes and talking points. -format md (the default) is Markdown to
read or keep; json is for scripts. It only reads the state directory, which may
be read-only.`,
	setup: func(fs *flag.FlagSet) runFunc {
		boss := fs.String("boss", "", "only the log with the boss of this `name`")
		since := fs.String("since", "", "only what was logged on or after this `date` (YYYY-MM-DD)")
		format := fs.String("format", "md", "output: md or json")
		return func(ctx context.Context, e *env, args []string) int {
			return runLog(ctx, e, *boss, *since, *format)
		}
	},
}

// logEntry is one meeting's part of the log (or, with no meeting, talking
// points sent between meetings).
type logEntry struct {
	Meeting *string       `json:"meeting"`
	Title   string        `json:"title"`
	Start   *string       `json:"start"`
	Boss    string        `json:"boss"`
	Items   []logItemJSON `json:"items"`
	start   time.Time
}

type logItemJSON struct {
	ID      *int64          `json:"id"` // the item's number; null for a decision or a note
	Kind    meetinglog.Kind `json:"kind"`
	Text    string          `json:"text"`
	Owner   string          `json:"owner,omitempty"`
	Due     *string         `json:"due"`
	Status  string          `json:"status"`
	Created string          `json:"created"`
	Done    *string         `json:"done"`
}

func runLog(ctx context.Context, e *env, boss, since, format string) int {
	if format != "md" && format != "json" {
		fmt.Fprintf(e.stderr, "leadup: -format %q: use md or json\n", format)
		return exitConfig
	}
	d, cfg, code := e.openDaemon(ctx, readOnly)
	if code != exitOK {
		return code
	}
	defer d.Close()
	q := store.ItemQuery{Boss: boss}
	if since != "" {
		t, err := time.ParseInLocation(time.DateOnly, since, cfg.Location)
		if err != nil {
			fmt.Fprintf(e.stderr, "leadup: -since %q: use YYYY-MM-DD\n", since)
			return exitConfig
		}
		q.Since = t
	}
	items, err := d.Store().ListItems(ctx, q)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	day := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		s := t.In(cfg.Location).Format(time.DateOnly)
		return &s
	}
	byMeeting := map[string]*logEntry{}
	var entries []*logEntry
	for _, it := range items {
		key := it.MeetingKey + "\x00" + it.Boss
		en := byMeeting[key]
		if en == nil {
			en = &logEntry{Boss: it.Boss, Title: "Between meetings", start: it.Created}
			if it.MeetingKey != "" {
				k := it.MeetingKey
				en.Meeting = &k
				if m, err := d.Store().Meeting(ctx, k); err == nil {
					en.Title, en.start = m.Event.Title, m.Event.Start
					s := m.Event.Start.In(cfg.Location).Format(time.RFC3339)
					en.Start = &s
				}
			}
			byMeeting[key] = en
			entries = append(entries, en)
		}
		li := logItemJSON{ID: number(it), Kind: it.Kind, Text: it.Text, Owner: it.Owner, Due: day(it.Due), Done: day(it.Done),
			Status: "open", Created: it.Created.In(cfg.Location).Format(time.RFC3339)}
		if !it.Done.IsZero() {
			li.Status = "done"
		}
		en.Items = append(en.Items, li)
	}
	slices.SortStableFunc(entries, func(a, b *logEntry) int { return a.start.Compare(b.start) })
	if format == "json" {
		out := make([]logEntry, len(entries))
		for i, en := range entries {
			out[i] = *en
		}
		return e.printJSON(out)
	}
	writeLogMarkdown(e.stdout, entries, cfg.Location)
	return exitOK
}

func writeLogMarkdown(w io.Writer, entries []*logEntry, loc *time.Location) {
	fmt.Fprintln(w, "# Meeting log")
	if len(entries) == 0 {
		fmt.Fprintln(w, "\nNothing logged yet. Reply to a follow-up to start the log.")
		return
	}
	sections := []struct {
		kind  meetinglog.Kind
		title string
	}{
		{meetinglog.Decision, "Decisions"}, {meetinglog.Action, "Action items"}, {meetinglog.Feedback, "Feedback"},
		{meetinglog.Note, "Notes"}, {meetinglog.Point, "Talking points"},
	}
	for _, en := range entries {
		when := ""
		if !en.start.IsZero() && en.Meeting != nil {
			when = en.start.In(loc).Format("Mon 2 Jan 2006") + " · "
		}
		fmt.Fprintf(w, "\n## %s%s (%s)\n", when, strings.TrimSpace(en.Title), en.Boss)
		for _, sec := range sections {
			var lines []string
			for _, it := range en.Items {
				if it.Kind != sec.kind {
					continue
				}
				line := "- " + it.Text
				if it.Kind == meetinglog.Action {
					var facts []string
					if it.ID != nil {
						facts = append(facts, fmt.Sprintf("#%d", *it.ID))
					}
					if it.Owner == "boss" {
						facts = append(facts, en.Boss)
					} else if it.Owner != "" {
						facts = append(facts, it.Owner)
					}
					if it.Due != nil {
						facts = append(facts, "due "+*it.Due)
					}
					if it.Done != nil {
						facts = append(facts, "done "+*it.Done)
					}
					line += " (" + strings.Join(facts, ", ") + ")"
				}
				lines = append(lines, line)
			}
			if len(lines) > 0 {
				fmt.Fprintf(w, "\n**%s**\n\n%s\n", sec.title, strings.Join(lines, "\n"))
			}
		}
	}
}

// number is an item's number for JSON: nil for a decision or a note, which
// have none.
func number(it meetinglog.Item) *int64 {
	if it.ID == 0 {
		return nil
	}
	n := it.ID
	return &n
}
