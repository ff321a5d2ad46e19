package render

import (
	"bytes"
	"cmp"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// DigestData is what the weekly digest is made from: the week it looks back
// on, from From to Due, the week ahead, and for each boss what the log
// holds.
type DigestData struct {
	Now time.Time
	// Location is the user's zone.
	Location *time.Location
	// Due is when the digest fell due: the end of the week it looks back
	// on. Late says it is sent after downtime.
	Due  time.Time
	Late bool
	// From is the start of the week it looks back on.
	From time.Time
	// Meetings are the meetings with a boss in the coming week.
	Meetings []DigestMeeting
	// Bosses are the user's bosses, in the configured order.
	Bosses []DigestBoss
	// Me is the user's name, from the display name of mail.to, to sign
	// the status updates with; "" when unknown, and they go unsigned.
	Me string
}

// DigestMeeting is a meeting of the coming week and the boss it is with.
type DigestMeeting struct {
	Meeting Meeting
	Boss    Boss
}

// DigestBoss is one boss's part of the digest.
type DigestBoss struct {
	Boss Boss
	// Open are the open action items with this boss, anyone's. Templates
	// see them overdue first: by due date, those without one last.
	Open []meetinglog.Item
	// Closed are the action items with this boss closed in the week.
	Closed []meetinglog.Item
	// Decisions are the decisions with this boss logged in the week.
	Decisions []meetinglog.Item
	// Feedback is all the feedback from this boss, applied or not, oldest
	// first: what it asks of updates shapes the status update (see
	// StatusUpdate.Asks), and keeps shaping it once applied.
	Feedback []meetinglog.Item
	// Record is the user's follow-through on their commitments to this
	// boss, this month and last; Digest names the months.
	Record FollowRecord
	// Meetings (the boss's part of DigestData.Meetings) and Update are
	// worked out by Digest; what the caller sets is replaced.
	Meetings []Meeting
	Update   StatusUpdate
}

// FollowRecord is the user's follow-through with one boss: of their action
// items due in the month of the digest so far (This) and in the month
// before (Last), how many were closed on time.
type FollowRecord struct {
	This, Last           meetinglog.FollowThrough
	ThisMonth, LastMonth time.Month
}

// Sentence tells the record in one line: "In December so far you closed 4
// of 5 commitments on time (1 late, 1 overdue); in November, 2 of 4." It
// is "" when nothing fell due in either month.
func (r FollowRecord) Sentence() string {
	var b strings.Builder
	switch {
	case r.This.Due > 0:
		fmt.Fprintf(&b, "In %s so far you closed %d of %s on time", r.ThisMonth, r.This.OnTime,
			plural(r.This.Due, "commitment", "commitments"))
		var rest []string
		if r.This.Late > 0 {
			rest = append(rest, strconv.Itoa(r.This.Late)+" late")
		}
		if r.This.Open > 0 {
			rest = append(rest, strconv.Itoa(r.This.Open)+" overdue")
		}
		if len(rest) > 0 {
			b.WriteString(" (" + andList(rest) + ")")
		}
		if r.Last.Due > 0 {
			fmt.Fprintf(&b, "; in %s, %d of %d", r.LastMonth, r.Last.OnTime, r.Last.Due)
		}
	case r.Last.Due > 0:
		fmt.Fprintf(&b, "Nothing has fallen due in %s yet; in %s you closed %d of %s on time", r.ThisMonth,
			r.LastMonth, r.Last.OnTime, plural(r.Last.Due, "commitment", "commitments"))
	default:
		return ""
	}
	return b.String() + "."
}

// StatusUpdate is the draft of a short status update for one boss, which
// the user can forward as written: in the first person, addressed to the
// boss, about the user's own work, with what the user needs from the boss
// and the decisions of the week to confirm. The log has no "blocked"
// state, so Digest sorts the items by this rule:
//
//   - Done: the user's action items closed in the week;
//   - Needed: the open action items the boss owns, which the user is
//     waiting for: the only place the boss's items appear;
//   - Blocked: the user's other open items whose text says they are
//     stuck: "blocked", "waiting on", "waiting for", "on hold" or "stuck";
//   - Late: the user's other open items past their due date, which are at
//     risk and go out with a blank for their new date;
//   - InProgress: the rest of the user's open items.
//
// Items owned by someone else are left out: the update speaks for the
// user. The boss's feedback and configured style shape it (updateRules):
// "lead with the risks" puts what is blocked or late first, "bottom line
// first" a one-line summary on top, "keep it shorter" cuts each part to a
// few items. Templates show the non-empty parts in order with Parts, the
// summary with Headline, and tell the user, above the update, which asks
// were followed with Asked.
type StatusUpdate struct {
	Done, InProgress, Blocked, Late, Needed []meetinglog.Item
	// Decisions are the decisions of the week, to confirm one a line.
	Decisions []meetinglog.Item
	// Meetings are the meetings with the boss in the coming week (in a
	// nudge, the next one booked).
	Meetings []Meeting
	// Span is what the update covers, for its first line: "for the week"
	// when "" ("since we last met" in a nudge); Ahead names its meetings
	// ahead: "Next week" when "".
	Span, Ahead string
	// Asks are the boss's asks the update follows, in the order of
	// updateRules, each with the feedback or style line that made it.
	Asks []AppliedAsk
	// Me is the first name the update is signed with; "" for none.
	Me string
	// Subject is the subject of the email the update is sent in.
	Subject string
	// Send is a mailto: URL that opens a draft to the boss with Subject
	// and the update as its body; Paste says the update was too long for
	// a link (MaxMailto), so Send has the subject only and the user pastes
	// the update in. Digest builds both from escaped parts.
	Send  htmltemplate.URL
	Paste bool
}

// MaxMailto is the longest mailto: URL the digest links to: mail clients
// cut or refuse longer ones, at around 2,000 characters.
const MaxMailto = 2000

// blockedText finds the words that mark an item as stuck.
var blockedText = regexp.MustCompile(`(?i)\b(blocked|waiting (on|for)|on hold|stuck)\b`)

// Empty says whether the update has nothing to tell: no items and no
// decisions.
func (u StatusUpdate) Empty() bool {
	return len(u.Done)+len(u.InProgress)+len(u.Blocked)+len(u.Late)+len(u.Needed)+len(u.Decisions) == 0
}

// BottomLine is the update's first sentence, what needs the boss first:
// "Quick update for the week: 1 thing I need from you and 2 items blocked
// or at risk (below); 2 done and 3 in progress." It names only what there
// is: never "nothing blocked".
func (u StatusUpdate) BottomLine() string {
	var attention, progress []string
	if n := len(u.Needed); n > 0 {
		attention = append(attention, plural(n, "thing", "things")+" I need from you")
	}
	if n := len(u.Blocked) + len(u.Late); n > 0 {
		attention = append(attention, plural(n, "item", "items")+" blocked or at risk")
	}
	if n := len(u.Done); n > 0 {
		progress = append(progress, strconv.Itoa(n)+" done")
	}
	if n := len(u.InProgress); n > 0 {
		progress = append(progress, strconv.Itoa(n)+" in progress")
	}
	if n := len(u.Decisions); n > 0 {
		progress = append(progress, plural(n, "decision", "decisions")+" to confirm")
	}
	s := "Quick update " + cmp.Or(u.Span, "for the week")
	switch {
	case len(attention) > 0 && len(progress) > 0:
		return s + ": " + andList(attention) + " (below); " + andList(progress) + "."
	case len(attention) > 0:
		return s + ": " + andList(attention) + " (below)."
	case len(progress) > 0:
		return s + ": " + andList(progress) + "."
	}
	return s + "."
}

// Covers says, to the user, what the update covers: "this week", or
// "since you last met" in a nudge.
func (u StatusUpdate) Covers() string {
	switch u.Span {
	case "":
		return "this week"
	case "since we last met":
		return "since you last met"
	}
	return "lately"
}

// AheadTitle names the meetings the update lists as coming.
func (u StatusUpdate) AheadTitle() string { return cmp.Or(u.Ahead, "Next week") }

// andList joins phrases as prose: "a", "a and b", "a, b and c".
func andList(ps []string) string {
	if len(ps) < 2 {
		return strings.Join(ps, "")
	}
	return strings.Join(ps[:len(ps)-1], ", ") + " and " + ps[len(ps)-1]
}

// Summary is the digest's headline facts across bosses, for the line under
// the headline and the subject: "3 done", "6 open (1 overdue)", "2
// decisions", "3 meetings next week". It is empty for a quiet week.
func (d DigestData) Summary() []string {
	var done, open, late, decided int
	for _, b := range d.Bosses {
		done += len(b.Closed)
		open += len(b.Open)
		decided += len(b.Decisions)
		for _, it := range b.Open {
			if overdue(d.Now, it) {
				late++
			}
		}
	}
	var out []string
	if done > 0 {
		out = append(out, strconv.Itoa(done)+" done")
	}
	if open > 0 {
		s := strconv.Itoa(open) + " open"
		if late > 0 {
			s += " (" + strconv.Itoa(late) + " overdue)"
		}
		out = append(out, s)
	}
	if decided > 0 {
		out = append(out, plural(decided, "decision", "decisions"))
	}
	if n := len(d.Meetings); n > 0 {
		out = append(out, plural(n, "meeting", "meetings")+" next week")
	}
	return out
}

// BossNames names the bosses by first name: "Dana", "Dana and Sam"; "your
// boss" when there is none.
func (d DigestData) BossNames() string {
	names := make([]string, 0, len(d.Bosses))
	for _, b := range d.Bosses {
		names = append(names, first(b.Boss.Name))
	}
	if len(names) == 0 {
		return "your boss"
	}
	return andList(names)
}

// Digest renders the weekly digest.
func (r *Renderer) Digest(d DigestData) (Rendered, error) {
	loc := zone(d.Location)
	d.Location = loc
	d.Now, d.Due, d.From = d.Now.In(loc), d.Due.In(loc), d.From.In(loc)
	ms := make([]DigestMeeting, len(d.Meetings))
	for i, m := range d.Meetings {
		ms[i] = DigestMeeting{Meeting: prepMeeting(m.Meeting, loc), Boss: prepBoss(m.Boss)}
	}
	slices.SortStableFunc(ms, func(a, b DigestMeeting) int { return a.Meeting.Start.Compare(b.Meeting.Start) })
	d.Meetings = ms
	bs := make([]DigestBoss, len(d.Bosses))
	for i, b := range d.Bosses {
		b.Boss = prepBoss(b.Boss)
		b.Open = prepItems(b.Open, b.Boss, loc, byDue)
		b.Closed = prepItems(b.Closed, b.Boss, loc, byDone)
		b.Decisions = prepItems(b.Decisions, b.Boss, loc, byCreated)
		b.Feedback = prepItems(b.Feedback, b.Boss, loc, byCreated)
		b.Meetings = nil
		for _, m := range ms {
			if m.Boss.Name == b.Boss.Name {
				b.Meetings = append(b.Meetings, m.Meeting)
			}
		}
		b.Record.ThisMonth, b.Record.LastMonth = d.Due.Month(), d.Due.AddDate(0, 0, -d.Due.Day()).Month()
		b.Update = statusUpdate(d.Now, b)
		if me := oneline(d.Me); me != "" {
			b.Update.Me = first(me)
		}
		b.Update.Subject = "Update for the week to " + day(d.Due)
		body, err := r.statusText(b, d.Now)
		if err != nil {
			return Rendered{}, err
		}
		b.Update.Send, b.Update.Paste = sendLink(b.Boss.Email, b.Update.Subject, body)
		bs[i] = b
	}
	d.Bosses = bs
	return r.render("digest", d)
}

// statusText renders the boss's status update as plain text, for the body
// of the draft the Send link opens: the "status-update" block, the user's
// if they redefined it.
func (r *Renderer) statusText(b DigestBoss, now time.Time) (string, error) {
	var buf bytes.Buffer
	data := map[string]any{"U": b.Update, "Boss": b.Boss, "Now": now}
	if err := r.text.ExecuteTemplate(&buf, "status-update", data); err != nil {
		return "", fmt.Errorf("render status update: %w", err)
	}
	return strings.TrimSpace(tidyText(buf.String())), nil
}

// sendLink returns a mailto: URL (RFC 6068) that opens a draft to to with
// subject and body, and false; or, if that is longer than MaxMailto, one
// with the subject only, and true. Every part is percent-encoded, line
// breaks as CRLF, so the URL is safe to give html/template as trusted.
func sendLink(to, subject, body string) (htmltemplate.URL, bool) {
	head := "mailto:" + mailtoEscape(to, "@") + "?subject=" + mailtoEscape(subject, "")
	crlf := strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	if full := head + "&body=" + mailtoEscape(crlf, ""); len(full) <= MaxMailto {
		return htmltemplate.URL(full), false
	}
	return htmltemplate.URL(head), true
}

// mailtoEscape percent-encodes every byte of s but the unreserved
// characters of RFC 3986 and those in keep: spaces become %20, never "+",
// which mail clients would show.
func mailtoEscape(s, keep string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', strings.IndexByte(keep, c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// statusUpdate sorts a boss's prepared items into a StatusUpdate (see its
// rule), keeping their order.
func statusUpdate(now time.Time, b DigestBoss) StatusUpdate {
	u := StatusUpdate{Meetings: b.Meetings, Decisions: b.Decisions, Asks: asksOf(b.Feedback, b.Boss.Style)}
	for _, it := range b.Closed {
		if it.Owner == "me" {
			u.Done = append(u.Done, it)
		}
	}
	for _, it := range b.Open {
		switch {
		case it.Owner == "boss":
			u.Needed = append(u.Needed, it)
		case it.Owner != "me":
			// Someone else's: theirs to report.
		case blockedText.MatchString(it.Text):
			u.Blocked = append(u.Blocked, it)
		case overdue(now, it):
			u.Late = append(u.Late, it)
		default:
			u.InProgress = append(u.InProgress, it)
		}
	}
	return u
}

// sampleDigestDue returns 16:00 on the first Friday at or after now, in
// now's zone: the default digest time.
func sampleDigestDue(now time.Time) time.Time {
	d := now
	for {
		at := time.Date(d.Year(), d.Month(), d.Day(), 16, 0, 0, 0, now.Location())
		if at.Weekday() == time.Friday && !at.Before(now) {
			return at
		}
		d = d.AddDate(0, 0, 1)
	}
}

// SampleDigest returns a realistic digest, due on the first Friday at 16:00
// at or after now: with Dana, every section filled (an overdue item, one
// blocked, one she owns, results, decisions, two meetings ahead); with Sam,
// Alex's skip-level, nothing logged and one meeting ahead.
func SampleDigest(now time.Time) DigestData {
	due := sampleDigestDue(now)
	day := 24 * time.Hour
	dana := sampleBoss()
	sam := Boss{Name: "Sam Okafor", Email: "sam@example.com", Style: "Wants the big picture and the risks."}
	oneOnOne := sampleMeeting(due.AddDate(0, 0, 4)) // Tuesday 16:00
	planning := sampleMeeting(time.Date(due.Year(), due.Month(), due.Day()+5, 14, 0, 0, 0, due.Location()))
	planning.Key, planning.Title, planning.OneOnOne = "primary/q1-planning", "Q1 planning: billing migration", false
	planning.End = planning.Start.Add(time.Hour)
	planning.Others = []Person{{Name: "Priya Nair"}, {Name: "Tom Berg"}}
	planning.Description, planning.Attachments = "", nil
	skip := Meeting{Key: "primary/skip-level", Title: "Skip-level with Sam", OneOnOne: true,
		Start: time.Date(due.Year(), due.Month(), due.Day()+6, 11, 0, 0, 0, due.Location()), Location: due.Location()}
	skip.End = skip.Start.Add(45 * time.Minute)
	return DigestData{
		Now:      due,
		Location: due.Location(),
		Due:      due,
		From:     due.AddDate(0, 0, -7),
		Meetings: []DigestMeeting{{Meeting: oneOnOne, Boss: dana}, {Meeting: planning, Boss: dana}, {Meeting: skip, Boss: sam}},
		Me:       "Alex Morgan",
		Bosses: []DigestBoss{
			{
				Boss: dana,
				Open: []meetinglog.Item{
					{ID: 12, Kind: meetinglog.Action, Owner: "me", Text: "Send Dana the Q1 headcount plan draft",
						Created: due.Add(-25 * day), Due: due.Add(-3 * day)},
					{ID: 15, Kind: meetinglog.Action, Owner: "boss", Text: "Approve the contractor budget for the migration",
						Created: due.Add(-18 * day)},
					{ID: 17, Kind: meetinglog.Action, Owner: "me", Text: "Write up the EU cut-over runbook",
						Created: due.Add(-13 * day), Due: due.Add(6 * day)},
					{ID: 19, Kind: meetinglog.Action, Owner: "Priya Nair", Text: "Security review of the new billing service",
						Created: due.Add(-10 * day), Due: due.Add(6 * day)},
					{ID: 22, Kind: meetinglog.Action, Owner: "me", Text: "Load test of the invoicing service: waiting on a staging environment from infra",
						Created: due.Add(-4 * day), Due: due.Add(3 * day)},
				},
				Closed: []meetinglog.Item{
					{ID: 9, Kind: meetinglog.Action, Owner: "me", Text: "Moved the first 10% of EU accounts to the new billing system, with no incidents",
						Created: due.Add(-24 * day), Done: due.Add(-2 * day)},
					{ID: 14, Kind: meetinglog.Action, Owner: "me", Text: "Brought p95 checkout latency from 420 ms to 310 ms",
						Created: due.Add(-17 * day), Done: due.Add(-day)},
					{ID: 21, Kind: meetinglog.Action, Owner: "boss", Text: "Intro me to Jordan in finance",
						Created: due.Add(-10 * day), Done: due.Add(-3 * day)},
				},
				Decisions: []meetinglog.Item{
					{ID: 10, Kind: meetinglog.Decision, Text: "Keep the March deadline; drop invoice export from the first cut",
						Created: due.Add(-3 * day)},
					{ID: 23, Kind: meetinglog.Decision, Text: "Move the EU cut-over to two weeknight windows",
						Created: due.Add(-3 * day)},
				},
				Feedback: []meetinglog.Item{
					{ID: 13, Kind: meetinglog.Feedback, Owner: "boss", Text: "The migration update was too detailed: lead with the risk and the date, details on request",
						Created: due.Add(-10 * day)},
				},
				Record: FollowRecord{
					This: meetinglog.FollowThrough{Due: 5, OnTime: 4, Open: 1},
					Last: meetinglog.FollowThrough{Due: 4, OnTime: 2, Late: 2},
				},
			},
			{Boss: sam},
		},
	}
}

// emptyDigest returns d with nothing logged and no meetings ahead: the
// digest of a quiet week.
func emptyDigest(d DigestData) DigestData {
	d.Meetings = nil
	bs := make([]DigestBoss, len(d.Bosses))
	for i, b := range d.Bosses {
		bs[i] = DigestBoss{Boss: b.Boss}
	}
	d.Bosses = bs
	return d
}
