package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
)

var meetingsCommand = command{
	name:    "meetings",
	summary: "list your upcoming meetings with your bosses",
	usage:   "[-json] [-days N] [-offline] [-config FILE]",
	help: `Syncs your calendar (one small request when nothing changed) and lists the
meetings with your bosses that have not ended yet: start time in your
configured time zone, title, boss, 1:1 or group, and whether the boss declined.

Use it to check that leadup sees the meetings you expect. If one is missing,
check the boss's addresses in [[boss]] emails and the [filter] settings.
To try it before setting up a calendar, run "leadup demo" and then
"leadup meetings -config DIR/config.toml" on the workspace it leaves.

An event with a boss that someone else (neither a boss nor you) invited you
to, and that you have not answered, is listed apart as awaiting your answer:
anyone can put an event on your calendar, so leadup sends nothing for it
until you accept.

With -json it prints an array of objects with the keys id, title, start, end
(RFC 3339), boss, one_on_one, boss_declined, event_id, recurring_event_id,
awaiting_answer (true for such an invitation) and invited_by (its sender).`,
	setup: func(fs *flag.FlagSet) runFunc {
		asJSON := fs.Bool("json", false, "print JSON instead of a table")
		days := fs.Int("days", 0, "show the next `N` days (default: google.lookahead)")
		offline := fs.Bool("offline", false, "do not sync; list what the last sync stored")
		return func(ctx context.Context, e *env, args []string) int {
			return runMeetings(ctx, e, *asJSON, *days, *offline)
		}
	},
}

func runMeetings(ctx context.Context, e *env, asJSON bool, days int, offline bool) int {
	if days < 0 {
		fmt.Fprintln(e.stderr, "leadup: -days must be 0 or more")
		return exitConfig
	}
	var opts []func(*daemon.Options)
	if offline {
		opts = append(opts, readOnly) // lists what is stored: reads only
	}
	d, cfg, code := e.openDaemon(ctx, opts...)
	if code != exitOK {
		return code
	}
	defer d.Close()

	status := exitOK
	if !offline {
		if _, err := d.SyncMeetings(ctx); err != nil {
			fmt.Fprintf(e.stderr, "leadup: could not sync the calendar: %v\n", err)
			status = exitFail
			if last, err := d.LastSync(ctx); err == nil && !last.IsZero() {
				fmt.Fprintf(e.stderr, "Showing meetings as of the last sync, %s.\n", last.In(cfg.Location).Format("Mon 2 Jan 15:04"))
			}
		}
	}
	within := cfg.Calendar.Lookahead
	if days > 0 {
		within = time.Duration(days) * 24 * time.Hour
	}
	ms, err := d.UpcomingMeetings(ctx, within)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	invites, err := d.Invitations(ctx, within)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	if asJSON {
		if err := writeMeetingsJSON(e, cfg, append(ms, invites...)); err != nil {
			fmt.Fprintf(e.stderr, "leadup: %v\n", err)
			return exitFail
		}
		return status
	}
	writeMeetingsTable(e, cfg, ms, within)
	writeInvitations(e, cfg, invites)
	return status
}

// writeInvitations lists the events that await the user's answer to an
// invitation from someone who is neither a boss nor the user: leadup
// prepares for them once the user accepts.
func writeInvitations(e *env, cfg *config.Config, ms []meeting.Meeting) {
	if len(ms) == 0 {
		return
	}
	fmt.Fprintf(e.stdout, "\nAwaiting your answer (no brief or follow-up until you accept):\n\n")
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tTITLE\tBOSS\tINVITED BY")
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", when(m, cfg.Location), oneLine(m.Event.Title), m.Boss, oneLine(m.Event.Organizer.Email))
	}
	tw.Flush()
}

// meetingJSON is the -json form of a meeting: a stable interface for scripts.
type meetingJSON struct {
	ID               string `json:"id"`
	Title            string `json:"title"`
	Start            string `json:"start"`
	End              string `json:"end"`
	Boss             string `json:"boss"`
	OneOnOne         bool   `json:"one_on_one"`
	BossDeclined     bool   `json:"boss_declined"`
	EventID          string `json:"event_id"`
	RecurringEventID string `json:"recurring_event_id"`
	// AwaitingAnswer: an invitation from InvitedBy, neither a boss nor the
	// user, that the user has not answered; no email until it is accepted.
	AwaitingAnswer bool   `json:"awaiting_answer"`
	InvitedBy      string `json:"invited_by,omitempty"`
}

func writeMeetingsJSON(e *env, cfg *config.Config, ms []meeting.Meeting) error {
	out := make([]meetingJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, meetingJSON{
			ID:               m.Key,
			Title:            m.Event.Title,
			Start:            m.Event.Start.In(cfg.Location).Format(time.RFC3339),
			End:              m.Event.End.In(cfg.Location).Format(time.RFC3339),
			Boss:             m.Boss,
			OneOnOne:         m.OneOnOne,
			BossDeclined:     m.BossDeclined,
			EventID:          m.Event.ID,
			RecurringEventID: m.Event.RecurringEventID,
			AwaitingAnswer:   m.Awaiting,
			InvitedBy:        invitedBy(m),
		})
	}
	return writeJSON(e.stdout, out)
}

// invitedBy is who sent an invitation awaiting an answer; "" for a meeting.
func invitedBy(m meeting.Meeting) string {
	if !m.Awaiting {
		return ""
	}
	return m.Event.Organizer.Email
}

func writeMeetingsTable(e *env, cfg *config.Config, ms []meeting.Meeting, within time.Duration) {
	span := fmt.Sprintf("the next %d days", int(math.Ceil(within.Hours()/24)))
	if len(ms) == 0 {
		fmt.Fprintf(e.stdout, "No meetings with %s in %s.\n", bossNames(cfg), span)
		return
	}
	fmt.Fprintf(e.stdout, "Meetings with your bosses in %s (%s):\n\n", span, zoneName(cfg.Location))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tTITLE\tBOSS\tKIND\tNOTE")
	for _, m := range ms {
		kind := "1:1"
		if !m.OneOnOne {
			kind = fmt.Sprintf("group (%d)", people(m))
		}
		note := ""
		if m.BossDeclined {
			note = "boss declined"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", when(m, cfg.Location), oneLine(m.Event.Title), m.Boss, kind, note)
	}
	tw.Flush()
}

// zoneName names loc for people: its IANA name, or for the unnamed local
// zone its current abbreviation.
func zoneName(loc *time.Location) string {
	if loc == time.Local {
		name, _ := time.Now().In(loc).Zone()
		return name
	}
	return loc.String()
}

// when formats a meeting's time span in loc: "Mon 23 Nov 09:00–09:30".
func when(m meeting.Meeting, loc *time.Location) string {
	start, end := m.Event.Start.In(loc), m.Event.End.In(loc)
	s := start.Format("Mon 2 Jan 15:04") + "–"
	if y1, m1, d1 := start.Date(); y1 == end.Year() && m1 == end.Month() && d1 == end.Day() {
		return s + end.Format("15:04")
	}
	return s + end.Format("Mon 2 Jan 15:04")
}

// people counts the people invited, rooms aside.
func people(m meeting.Meeting) int {
	n := 0
	for _, a := range m.Event.Attendees {
		if !a.Resource {
			n++
		}
	}
	return n
}

// oneLine keeps a title from breaking the table or the terminal: calendar
// titles are typed by anyone who can invite you, so control characters
// (escape sequences among them) and bidirectional overrides are dropped.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r), r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	if s == "" {
		return "(no title)"
	}
	return s
}

func bossNames(cfg *config.Config) string {
	names := make([]string, len(cfg.Bosses))
	for i, b := range cfg.Bosses {
		names[i] = b.Name
	}
	switch len(names) {
	case 0:
		return "your bosses"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
