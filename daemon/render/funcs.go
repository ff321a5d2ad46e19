package render

import (
	"errors"
	htmltemplate "html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/meetinglog"
)

// commonFuncs returns the helpers of both kinds of template (see the package
// documentation).
func commonFuncs() map[string]any {
	return map[string]any{
		"when":        when,
		"bossWhen":    bossWhen,
		"bossDay":     bossDay,
		"day":         day,
		"dayTime":     dayTime,
		"clock":       clock,
		"dur":         dur,
		"span":        span,
		"age":         age,
		"ago":         ago,
		"starts":      starts,
		"moved":       moved,
		"due":         due,
		"dueOn":       dueOn,
		"what":        what,
		"whose":       owner,
		"overdue":     overdue,
		"first":       first,
		"poss":        poss,
		"meetingName": meetingName,
		"meetingRef":  meetingRef,
		"people":      people,
		"andList":     andList,
		"owner":       owner,
		"owned":       owned,
		"view":        view,
		"facts":       facts,
		"plural":      plural,
		"capfirst":    capfirst,
		"upper":       strings.ToUpper,
		"oneline":     oneline,
		"lines":       splitLines,
		"join":        strings.Join,
		"short":       short,
		"link":        safeURL,
		"dict":        dict,
	}
}

func textFuncs(d *describer) map[string]any {
	m := commonFuncs()
	m["description"] = d.text
	return m
}

func htmlFuncs(d *describer) htmltemplate.FuncMap {
	m := commonFuncs()
	m["description"] = d.html
	m["msoOpen"] = func() htmltemplate.HTML {
		return `<!--[if mso]><table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->`
	}
	m["msoClose"] = func() htmltemplate.HTML { return `<!--[if mso]></td></tr></table><![endif]-->` }
	return m
}

// Time formats.
const (
	dayLayout   = "Mon 2 Jan"
	clockLayout = "15:04"
)

func day(t time.Time) string     { return t.Format(dayLayout) }
func clock(t time.Time) string   { return t.Format(clockLayout) }
func dayTime(t time.Time) string { return t.Format(dayLayout + " " + clockLayout) }

// sameDay says whether a and b fall on the same date in a's location.
func sameDay(a, b time.Time) bool {
	b = b.In(a.Location())
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// daysBetween counts the midnights from a to b in a's location: 0 for the
// same date, 1 for the next, -1 for the day before.
func daysBetween(a, b time.Time) int {
	b = b.In(a.Location())
	da := time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 12, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// interval formats start to end, putting the date once when both are on it.
func interval(s, e time.Time) string {
	switch {
	case e.IsZero() || !e.After(s):
		return day(s) + ", " + clock(s)
	case sameDay(s, e):
		return day(s) + ", " + clock(s) + "–" + clock(e)
	default:
		return dayTime(s) + " – " + dayTime(e.In(s.Location()))
	}
}

// when formats a meeting's time in the user's zone.
func when(m Meeting) string {
	loc := zone(m.Location)
	return interval(m.Start.In(loc), m.End.In(loc))
}

// bossWhen formats a meeting's time in the boss's zone, if it has one of its
// own with a different clock time; the date is there only when it differs
// from the user's.
func bossWhen(m Meeting) string {
	if m.BossLocation == nil {
		return ""
	}
	user := m.Start.In(zone(m.Location))
	s, e := m.Start.In(m.BossLocation), m.End.In(m.BossLocation)
	_, userOffset := user.Zone()
	if _, bossOffset := s.Zone(); bossOffset == userOffset {
		return ""
	}
	var t string
	switch {
	case s.YearDay() != user.YearDay() || s.Year() != user.Year():
		t = interval(s, e)
	case e.IsZero() || !e.After(s):
		t = clock(s)
	case sameDay(s, e):
		t = clock(s) + "–" + clock(e)
	default:
		t = clock(s) + " – " + dayTime(e)
	}
	return t + " in " + zoneName(m.BossLocation, s)
}

// bossDay is a meeting's day as the boss sees it: in the boss's zone when
// the meeting has one of its own, else in the user's.
func bossDay(m Meeting) string {
	if m.BossLocation != nil {
		return day(m.Start.In(m.BossLocation))
	}
	return day(m.Start.In(zone(m.Location)))
}

// zoneName names a zone as people do: "New York" for America/New_York.
func zoneName(loc *time.Location, t time.Time) string {
	name := loc.String()
	if name == "" || name == "Local" {
		name, _ = t.Zone()
		return name
	}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return strings.ReplaceAll(name, "_", " ")
}

// dur formats a meeting's length: "30 min", "1 h", "1 h 30 min".
func dur(d time.Duration) string {
	d = d.Round(time.Minute)
	if d <= 0 {
		return ""
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return strconv.Itoa(m) + " min"
	case m == 0:
		return strconv.Itoa(h) + " h"
	default:
		return strconv.Itoa(h) + " h " + strconv.Itoa(m) + " min"
	}
}

// span formats a duration for prose: "30 minutes", "1 hour 30 minutes",
// "1 day", "1 day 6 hours".
func span(d time.Duration) string {
	d = d.Round(time.Minute)
	if d <= 0 {
		return "0 minutes"
	}
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, plural(days, "day", "days"))
	}
	if h > 0 {
		parts = append(parts, plural(h, "hour", "hours"))
	}
	if m > 0 && days == 0 {
		parts = append(parts, plural(m, "minute", "minutes"))
	}
	return strings.Join(parts, " ")
}

// age says how long ago t was, counting calendar days in now's zone: "1 day",
// "3 days", "2 weeks", "3 months", "2 years"; "" for the same day.
func age(now, t time.Time) string {
	n := daysBetween(t.In(now.Location()), now)
	switch {
	case n <= 0:
		return ""
	case n < 14:
		return plural(n, "day", "days")
	case n < 60:
		return plural(n/7, "week", "weeks")
	case n < 730:
		return plural(n/30, "month", "months")
	default:
		return plural(n/365, "year", "years")
	}
}

// ago is age as a phrase: "today", "yesterday", "3 days ago".
func ago(now, t time.Time) string {
	switch a := age(now, t); {
	case a == "":
		return "today"
	case a == "1 day":
		return "yesterday"
	default:
		return a + " ago"
	}
}

// starts says when a meeting starts, relative to now, as the rest of a
// sentence: "is tomorrow at 16:00", "starts in 45 min", "started 10 min ago".
func starts(now, t time.Time) string {
	t = t.In(now.Location())
	d := t.Sub(now)
	switch {
	case d < -time.Minute:
		if d > -time.Hour {
			return "started " + strconv.Itoa(int(-d/time.Minute)) + " min ago"
		}
		return "started at " + clock(t)
	case d < time.Minute:
		return "starts now"
	case d < time.Hour:
		return "starts in " + strconv.Itoa(int((d+time.Minute/2)/time.Minute)) + " min (" + clock(t) + ")"
	}
	switch n := daysBetween(now, t); {
	case n == 0:
		return "is today at " + clock(t)
	case n == 1:
		return "is tomorrow at " + clock(t)
	case n < 7:
		return "is on " + t.Weekday().String() + " at " + clock(t)
	default:
		return "is on " + day(t) + " at " + clock(t)
	}
}

// moved describes a change of start time: "from Tue 24 Nov 16:00 to Wed 25
// Nov 14:30", or "from 16:00 to 17:30 on Tue 24 Nov" within a day.
func moved(old, to time.Time) string {
	to = to.In(old.Location())
	if sameDay(old, to) {
		return "from " + clock(old) + " to " + clock(to) + " on " + day(to)
	}
	return "from " + dayTime(old) + " to " + dayTime(to)
}

// due labels an open item's due date relative to now.
func due(now time.Time, it meetinglog.Item) string {
	if it.Due.IsZero() || !it.Done.IsZero() {
		return ""
	}
	d := it.Due.In(now.Location())
	switch n := daysBetween(now, d); {
	case n < 0:
		return overdueBy(-n)
	case n == 0:
		return "due today"
	case n == 1:
		return "due tomorrow"
	case n < 7:
		return "due " + d.Format("Mon")
	default:
		return "due " + day(d)
	}
}

// dueOn says when an item is due as a full date, for confirmations, where a
// misread date must show: "due Fri 11 Dec", "due Mon 4 Jan 2027" outside
// now's year; "" without a due date.
func dueOn(now, due time.Time) string {
	if due.IsZero() {
		return ""
	}
	d := due.In(now.Location())
	if d.Year() != now.Year() {
		return "due " + d.Format(dayLayout+" 2006")
	}
	return "due " + day(d)
}

// what names an item's kind, and for an action its owner and due date, as
// a confirmation states a guess or a fix: "Action for Dana, due Tue 1 Dec",
// "Action for you", "Decision", "Talking point".
func what(now time.Time, b Boss, it meetinglog.Item) string {
	switch it.Kind {
	case meetinglog.Action:
		s := "Action for " + owner(it, b)
		if d := dueOn(now, it.Due); d != "" {
			s += ", " + d
		}
		return s
	case meetinglog.Point:
		return "Talking point"
	}
	return capfirst(string(it.Kind))
}

func overdueBy(days int) string {
	if days < 14 {
		return plural(days, "day", "days") + " overdue"
	}
	return plural(days/7, "week", "weeks") + " overdue"
}

// overdue says whether an open item is past its due date (by date, in now's
// zone).
func overdue(now time.Time, it meetinglog.Item) bool {
	return !it.Due.IsZero() && it.Done.IsZero() && daysBetween(now, it.Due) < 0
}

// honorific says whether a word is a title to skip when looking for a first
// name.
func honorific(w string) bool {
	switch strings.ToLower(strings.TrimSuffix(w, ".")) {
	case "dr", "mr", "mrs", "ms", "mx", "prof", "sir":
		return true
	}
	return false
}

// firstName returns the first name in name: "Dana" for "Dana Whitfield",
// "Whitfield, Dana" and "Dr. Dana Whitfield"; "" for "".
func firstName(name string) string {
	if i := strings.IndexByte(name, ','); i >= 0 && strings.TrimSpace(name[i+1:]) != "" {
		name = name[i+1:]
	}
	fields := strings.Fields(name)
	for i, f := range fields {
		if i < len(fields)-1 && honorific(f) {
			continue
		}
		return f
	}
	return ""
}

// FirstName is what the emails call a boss: their first name, skipping
// titles, or "your boss" for one with no name.
func FirstName(name string) string { return first(name) }

// first is firstName for templates, with "your boss" for a boss with no
// name.
func first(name string) string {
	if f := firstName(name); f != "" {
		return f
	}
	return "your boss"
}

// poss makes a possessive: "Dana's".
func poss(name string) string { return name + "'s" }

// titleLength is about the most of a meeting's title that a subject or a
// first line shows: a longer title is cut at a word, with "…".
const titleLength = 60

// meetingName names a meeting by its own title, so that two meetings with
// the boss on one day can be told apart: "Budget sync (1:1 with Dana)" for a
// 1:1, "Q4 planning with Dana" for a group meeting, the title alone when it
// names the boss already ("Dana / Alex weekly"), and "1:1 with Dana" or
// "meeting with Dana" when the title is empty or says no more than that
// ("1:1", "Dana <> Alex 1:1" is a title; "1:1 with Dana" is not).
func meetingName(m Meeting, b Boss) string {
	f := first(b.Name)
	title := oneline(m.Title)
	if generic(title, b) {
		if m.OneOnOne || oneOnOneWords(title) {
			return "1:1 with " + f
		}
		return "meeting with " + f
	}
	title = cutTitle(title, titleLength)
	switch {
	case namesBoss(title, b):
		return title
	case !m.OneOnOne:
		return title + " with " + f
	case oneOnOneWords(title):
		return title + " with " + f // "Weekly 1:1 with Dana"
	}
	return title + " (1:1 with " + f + ")"
}

// meetingRef is meetingName to start a sentence with: "your 1:1 with Dana",
// "your meeting with Dana", or the title as meetingName gives it.
func meetingRef(m Meeting, b Boss) string {
	n := meetingName(m, b)
	if generic(oneline(m.Title), b) {
		return "your " + n
	}
	return n
}

// titleWords splits a title into lower-case words of letters and digits:
// "1:1 Dana/Alex" is "1", "1", "dana", "alex".
func titleWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// bossWords are the words of the boss's name that name them in a title:
// first name and surname, without honorifics.
func bossWords(b Boss) []string {
	var out []string
	for _, w := range titleWords(b.Name) {
		if len(w) > 1 && !honorific(w) {
			out = append(out, w)
		}
	}
	return out
}

// namesBoss says whether title names the boss by a word of their name:
// "Dana <> team" and "Whitfield / Alex" do, "Dancing lessons" does not.
func namesBoss(title string, b Boss) bool {
	names := bossWords(b)
	for _, w := range titleWords(title) {
		if slices.Contains(names, w) {
			return true
		}
	}
	return false
}

// oneOnOneWords says whether a title calls the meeting a 1:1: "1:1", "1-1",
// "1on1", "one-on-one", "1-2-1".
func oneOnOneWords(title string) bool {
	t := " " + strings.Join(titleWords(title), " ") + " "
	for _, s := range [...]string{" 1 1 ", " 1on1 ", " 1 on 1 ", " one on one ", " 1 2 1 ", " 121 ", " 1x1 "} {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// generic says whether a title says nothing that "1:1 with Dana" or
// "meeting with Dana" does not: it is empty, or made only of the boss's
// name, 1:1 and meeting words and small words ("1:1", "1:1 with Dana",
// "Meeting", "One-on-one").
func generic(title string, b Boss) bool {
	names := bossWords(b)
	words := titleWords(title)
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case slices.Contains(names, w):
		case w == "1" || w == "2" || w == "121" || w == "1on1" || w == "1x1" || w == "11":
		case w == "one" || w == "on" || w == "with" || w == "and" || w == "x" || w == "me" || w == "my" || w == "our":
		case w == "meeting" || w == "1s":
		default:
			return false
		}
	}
	return true
}

// cutTitle cuts a title of more than n runes to about n: at the last space
// in the last third, or at n, followed by "…".
func cutTitle(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := short(n, s)
	body := strings.TrimSuffix(cut, "…")
	if i := strings.LastIndexByte(body, ' '); i >= 0 && utf8.RuneCountInString(body[:i]) >= n*2/3 {
		body = body[:i]
	}
	return strings.TrimRightFunc(body, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' }) + "…"
}

// people lists guests by name (or address): at most four, then "and N
// others".
func people(ps []Person) string {
	names := make([]string, 0, min(len(ps), 5))
	for i, p := range ps {
		if i == 4 && len(ps) > 5 {
			names = append(names, plural(len(ps)-4, "other", "others"))
			break
		}
		n := p.Name
		if n == "" {
			n = p.Email
		}
		names = append(names, n)
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	default:
		return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
}

// owner names an item's owner for the user: "you", the boss's first name, or
// the name as written.
func owner(it meetinglog.Item, b Boss) string {
	switch it.Owner {
	case "me", "":
		return "you"
	case "boss":
		return first(b.Name)
	}
	return it.Owner
}

// owned returns the items owned by who: "me", "boss", or "others" (anyone
// else).
func owned(who string, items []meetinglog.Item) []meetinglog.Item {
	n := 0
	for i := range items {
		if ownedBy(who, &items[i]) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]meetinglog.Item, 0, n)
	for i := range items {
		if ownedBy(who, &items[i]) {
			out = append(out, items[i])
		}
	}
	return out
}

// ownedBy says whether who ("me", "boss" or "others") owns it.
func ownedBy(who string, it *meetinglog.Item) bool {
	switch it.Owner {
	case "me", "":
		return who == "me"
	case "boss":
		return who == "boss"
	}
	return who == "others"
}

// ItemView is an item with the labels templates show, worked out once in Go
// rather than by several template calls per item (see view). It repeats the
// item's fields rather than embedding Item: templates look embedded fields up
// far more slowly.
type ItemView struct {
	ID                 int64
	Kind, Owner, Text  string
	Created, Due, Done time.Time
	Age                string // how long it has been open: "3 weeks"; "" under a day
	DueLabel           string // "due tomorrow", "3 days overdue"… (see due); "" if none
	Overdue            bool
	Whose              string // "you", the boss's first name, or the owner's name
	ByOther            bool   // owned by someone other than the user and the boss
}

// view returns the items as ItemViews, as of now.
func view(now time.Time, b Boss, items []meetinglog.Item) []ItemView {
	out := make([]ItemView, len(items))
	for i, it := range items {
		out[i] = ItemView{
			ID: it.ID, Kind: string(it.Kind), Owner: it.Owner, Text: it.Text,
			Created: it.Created, Due: it.Due, Done: it.Done,
			Age:      age(now, it.Created),
			DueLabel: due(now, it),
			Overdue:  overdue(now, it),
			Whose:    owner(it, b),
			ByOther:  it.Owner != "me" && it.Owner != "boss" && it.Owner != "",
		}
	}
	return out
}

// facts are the brief's headline facts, most pressing first, for the line
// under the headline and the preview text: "You: 3 open, 1 overdue",
// "Dana: 1 open", "2 results to report", "3 talking points".
func facts(d BriefData) []string {
	var out []string
	f := first(d.Boss.Name)
	count := func(who string) (open, late int) {
		for i := range d.OpenItems {
			if ownedBy(who, &d.OpenItems[i]) {
				open++
				if overdue(d.Now, d.OpenItems[i]) {
					late++
				}
			}
		}
		return open, late
	}
	add := func(who string, open, late int) {
		if open == 0 {
			return
		}
		s := who + ": " + strconv.Itoa(open) + " open"
		if late > 0 {
			s += ", " + strconv.Itoa(late) + " overdue"
		}
		out = append(out, s)
	}
	o, l := count("me")
	add("You", o, l)
	o, l = count("boss")
	add(capfirst(f), o, l)
	o, l = count("others")
	add("Others", o, l)
	if n := len(d.ClosedSince); n > 0 {
		out = append(out, plural(n, "result", "results")+" to report")
	}
	if n := len(d.TalkingPoints); n > 0 {
		out = append(out, plural(n, "talking point", "talking points"))
	}
	return out
}

// plural returns n and the right form: "1 item", "3 items".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// capfirst upper-cases the first letter of s.
func capfirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// short cuts s to at most n runes, ending it with "…" if it was cut.
func short(n int, s string) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i = range s {
		if count == n-1 {
			break
		}
		count++
	}
	return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
}

// safeURL returns s, trimmed, if it is an absolute http or https URL with a
// host or a mailto URL, else "". These are the only links leadup's emails
// carry.
func safeURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
	case "mailto":
		if u.Opaque == "" {
			return ""
		}
	default:
		return ""
	}
	return s
}

// dict makes a map from alternating keys and values.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict needs pairs of keys and values")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, errors.New("dict keys must be strings")
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// oneline makes s a single line: runs of white space (line breaks included)
// become one space and other control characters go.
func oneline(s string) string {
	if isSimple(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
		case isControl(r):
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isSimple says whether s is printable ASCII with single inner spaces and
// no outer ones: the common case, which oneline returns as it is.
func isSimple(s string) bool {
	prev := byte(' ')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || (c == ' ' && prev == ' ') {
			return false
		}
		prev = c
	}
	return prev != ' ' || s == ""
}

// splitLines returns the non-blank lines of s, each made a single line.
func splitLines(s string) []string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n").Replace(s)
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if line = oneline(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// isControl reports the characters that must not reach an email: C0 and C1
// controls, the zero-width characters and the bidirectional controls that
// can make text read differently from what it is (see calendar.IsHidden).
func isControl(r rune) bool { return calendar.IsHidden(r) }

// stripControls removes control characters from s, keeping line breaks and
// tabs.
func stripControls(s string) string {
	clean := true
	for _, r := range s {
		if r != '\n' && r != '\t' && isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && isControl(r) {
			return -1
		}
		return r
	}, s)
}

// tidyText finishes a rendered text part: control characters and trailing
// spaces go, there is at most one blank line in a row, and it ends with one
// line break.
func tidyText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	blank := 0
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimRightFunc(stripControls(line), unicode.IsSpace)
		if line == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n"[:min(blank, 1)+1])
		}
		blank = 0
		b.WriteString(line)
	}
	b.WriteByte('\n')
	return b.String()
}

// tidySubject makes a rendered subject one line of at most 200 characters.
func tidySubject(s string) string { return short(200, oneline(s)) }
