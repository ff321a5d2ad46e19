package render

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// This file works out the brief's opening: what to say first in this
// meeting, from its facts, in the order the boss should hear it. Your
// overdue items come first, each with a blank for the new date (bad news
// early, before the boss has to ask); then your results since last time;
// then the decisions and asks you need from the boss; then, only where it
// helps, an offer to help with the boss's own items; and last one coaching
// prompt that fits the situation. The opening names the facts briefly; the
// sections below it list them in full.

// openingMax is how many items each line of the opening names before it
// says "and N more": the opening must stay short on a phone.
const openingMax = 3

// Opening is the brief's opening (see BriefData.Opening).
type Opening struct {
	// Overdue are the user's open items past their due date, oldest due
	// first, at most openingMax; OverdueMore counts the rest.
	Overdue     []meetinglog.Item
	OverdueMore int
	// Results are the user's own action items closed since last time (not
	// the boss's or anyone else's), at most openingMax; ResultsMore counts
	// the rest.
	Results     []meetinglog.Item
	ResultsMore int
	// Needs are the talking points written "decision: …" or "ask: …" (see
	// NeedOf), at most openingMax; NeedsMore counts the rest.
	Needs     []Need
	NeedsMore int
	// Help are the boss's open items worth offering help with: those
	// overdue, and those that hold up one of the user's (see holdsUp).
	// HelpWhy says which: "overdue", "holding up yours" or "overdue or
	// holding up yours"; "" when Help is empty.
	Help    []meetinglog.Item
	HelpWhy string
	// Prompt is one coaching prompt that fits the situation (see
	// coachingPrompts), chosen by BriefData.BriefsSent so that it changes
	// from one brief with the boss to the next.
	Prompt string
}

// Need is a talking point that asks the boss for something.
type Need struct {
	// Decision says the point asks for a decision ("decision: …"); else
	// it is an ask ("ask: …").
	Decision bool
	// Text is the point's text after its label.
	Text string
}

// needLabel matches a talking point that asks the boss for something: it
// starts with "decision" or "ask", at most a few words, and a colon:
// "decision: …", "Decision needed: …", "Ask Dana: …".
var needLabel = regexp.MustCompile(`(?i)^\s*(decision|ask)\b[^:]{0,20}:\s*(\S.*)$`)

// NeedOf reads a talking point written "decision: …" or "ask: …" (after
// any "[meeting]" tag, see meetinglog.PointTag); ok is false for any other.
func NeedOf(text string) (n Need, ok bool) {
	if tag, rest := meetinglog.PointTag(text); tag != "" {
		text = rest
	}
	m := needLabel.FindStringSubmatch(text)
	if m == nil {
		return Need{}, false
	}
	return Need{Decision: strings.EqualFold(m[1], "decision"), Text: strings.TrimSpace(m[2])}, true
}

// itemRef matches a reference to an item by its number in an item's text:
// "#15", "[15]", "item 15".
var itemRef = regexp.MustCompile(`(?i)(?:#|\[|\bitems?\s+)(\d+)\b`)

// holdsUp reports whether the boss's item theirs holds up one of mine: one
// of my open items names it by its number ("after #15", "needs [15]",
// "waiting on item 15"). The log records no dependencies, so the user's
// own words are the only sure sign; a shared word or a later due date
// would flag too many.
func holdsUp(theirs meetinglog.Item, named map[string]bool) bool {
	return theirs.ID != 0 && named[strconv.FormatInt(theirs.ID, 10)]
}

// namedNumbers returns the item numbers my items name ("after #15"), read
// once for all of the boss's items.
func namedNumbers(mine []meetinglog.Item) map[string]bool {
	named := make(map[string]bool)
	for _, it := range mine {
		for _, m := range itemRef.FindAllStringSubmatch(it.Text, -1) {
			named[m[1]] = true
		}
	}
	return named
}

// situation is what the coaching prompts are chosen on.
type situation struct {
	boss           string // the boss's first name
	overdue        bool   // an item of mine is overdue
	blocked        bool   // an item of mine is held up, or says it is blocked
	results        bool   // I closed something since last time
	decision       bool   // a talking point asks for a decision or something else
	feedbackOpen   bool   // the boss's feedback is not yet applied
	feedbackToGive bool   // a talking point is feedback for the boss
	points         bool   // there are talking points
	oneOnOne       bool
	others         bool // a group meeting with other guests
	inProgress     bool // an item of mine is open and not overdue
	priorities     bool // the boss's priorities are configured
}

// coaching is a prompt and the situations it fits. In its text, "{boss}"
// stands for the boss's first name and "{boss's}" for its possessive.
type coaching struct {
	fits func(s situation) bool
	text string
}

// coachingPrompts are the coaching prompts, in the order the rotation
// walks them, each with the situations it fits (after LEADING-UP: bad news
// early and with a fix, problems with options and a recommendation,
// results first, feedback acted on and given with permission, work in
// progress shown early, stakeholders, priorities, what the boss needs to
// know before asking). The catch-all pair at the end (talking points or
// none) makes sure at least one always fits.
var coachingPrompts = []coaching{
	{func(s situation) bool { return s.overdue || s.blocked },
		"Bad news travels best early: name the problem before {boss} asks, with the fix you propose."},
	{func(s situation) bool { return s.decision },
		"Bring the options and your recommendation, so {boss} can decide in the room."},
	{func(s situation) bool { return s.results && !s.overdue },
		"Lead with the result, then what's next."},
	{func(s situation) bool { return s.feedbackOpen },
		"Say what you changed since {boss's} feedback: it counts once it is seen."},
	{func(s situation) bool { return s.feedbackToGive && s.oneOnOne },
		"Ask whether {boss} is open to feedback before you give it, then be specific."},
	{func(s situation) bool { return s.feedbackToGive && !s.oneOnOne },
		"Keep your feedback for {boss} for a 1:1."},
	{func(s situation) bool { return s.inProgress },
		"Show work in progress {boss} can shape now, while changes are cheap."},
	{func(s situation) bool { return s.others },
		"Who in the room does {boss} listen to, and whose support would help?"},
	{func(s situation) bool { return s.priorities },
		"Check that you are still aligned on this quarter's priorities."},
	{func(s situation) bool { return !s.points },
		"What does {boss} need to know before having to ask? Lead with it."},
	{func(s situation) bool { return s.points },
		"Headline first: the one thing {boss} should leave knowing."},
}

// say is c's text for the boss whose first name is f.
func (c coaching) say(f string) string {
	return strings.NewReplacer("{boss's}", poss(f), "{boss}", f).Replace(c.text)
}

// blockedWord finds an item of mine that says it is held up.
var blockedWord = regexp.MustCompile(`(?i)\b(blocked|blocker|stuck|waiting (on|for))\b`)

// feedbackWord finds a talking point that is feedback to give.
var feedbackWord = regexp.MustCompile(`(?i)\bfeedback\b`)

// Opening works out the brief's opening from d's facts. Templates call it
// on the prepared data (Brief), where owners are "me", "boss" or a name.
// The coaching prompt is the (BriefsSent mod n)th of the n prompts that fit
// the facts: two consecutive briefs with the boss differ whenever more
// than one prompt fits both.
func (d BriefData) Opening() Opening {
	if d.opening != nil {
		return *d.opening
	}
	return d.makeOpening()
}

// makeOpening works out the opening; Renderer.Brief does it once per brief,
// for both parts.
func (d BriefData) makeOpening() Opening {
	var o Opening
	f := first(d.Boss.Name)
	mine, theirs := owned("me", d.OpenItems), owned("boss", d.OpenItems)
	s := situation{boss: f, oneOnOne: d.Meeting.OneOnOne, others: !d.Meeting.OneOnOne && len(d.Meeting.Others) > 0,
		priorities: len(d.Boss.Priorities) > 0, feedbackOpen: len(d.OpenFeedback) > 0, points: len(d.TalkingPoints) > 0}

	var late []meetinglog.Item
	for _, it := range mine {
		if overdue(d.Now, it) {
			late = append(late, it)
		} else {
			s.inProgress = true
		}
		if blockedWord.MatchString(it.Text) {
			s.blocked = true
		}
	}
	slices.SortStableFunc(late, func(a, b meetinglog.Item) int { return a.Due.Compare(b.Due) })
	o.Overdue, o.OverdueMore = capItems(late)
	s.overdue = len(late) > 0

	o.Results, o.ResultsMore = capItems(owned("me", d.ClosedSince))
	s.results = len(o.Results) > 0

	for _, p := range d.TalkingPoints {
		if n, ok := NeedOf(p.Text); ok {
			if len(o.Needs) < openingMax {
				o.Needs = append(o.Needs, n)
			} else {
				o.NeedsMore++
			}
		} else if feedbackWord.MatchString(p.Text) {
			s.feedbackToGive = true
		}
	}
	s.decision = len(o.Needs) > 0

	var bossLate, held bool
	named := namedNumbers(mine)
	for _, it := range theirs {
		l, h := overdue(d.Now, it), holdsUp(it, named)
		if l || h {
			o.Help = append(o.Help, it)
			bossLate, held = bossLate || l, held || h
		}
	}
	switch {
	case bossLate && held:
		o.HelpWhy = "overdue or holding up yours"
	case bossLate:
		o.HelpWhy = "overdue"
	case held:
		o.HelpWhy = "holding up yours"
	}
	s.blocked = s.blocked || held

	o.Prompt = coachingPrompt(s, d.BriefsSent)
	return o
}

// coachingPrompt returns the (sent mod n)th of the n prompts that fit s.
func coachingPrompt(s situation, sent int) string {
	var fit []coaching
	for _, c := range coachingPrompts {
		if c.fits(s) {
			fit = append(fit, c)
		}
	}
	if len(fit) == 0 { // cannot happen: the last two prompts cover every case
		return ""
	}
	return fit[max(sent, 0)%len(fit)].say(s.boss)
}

// capItems returns the first openingMax of items and how many are left.
func capItems(items []meetinglog.Item) ([]meetinglog.Item, int) {
	if len(items) > openingMax {
		return items[:openingMax], len(items) - openingMax
	}
	return items, 0
}

// openingSamples returns briefs New's check renders for the parts of the
// opening the sample brief leaves out: an item of the boss's overdue and
// another holding up one of the user's, with an ask; and more of each
// kind of item than the opening names.
func openingSamples(d BriefData) []BriefData {
	day := 24 * time.Hour
	help := d
	help.OpenItems = append(sampleOpen(d.Now),
		meetinglog.Item{ID: 22, Kind: meetinglog.Action, Owner: "boss", Text: "Confirm the EU cut-over date with Finance",
			Created: d.Now.Add(-8 * day), Due: d.Now.Add(-1 * day)},
		meetinglog.Item{ID: 23, Kind: meetinglog.Action, Owner: "me", Text: "Brief the support team once #15 is approved",
			Created: d.Now.Add(-2 * day)})
	help.TalkingPoints = append(d.TalkingPoints, meetinglog.Item{ID: 24, Kind: meetinglog.Point, Owner: "me",
		Text: "ask: an intro to Tom Berg about on-call for the cut-over", Created: d.Now.Add(-day)})
	many := help
	many.OpenItems = nil
	many.ClosedSince = nil
	many.TalkingPoints = nil
	for i := range 5 {
		n := int64(30 + i)
		many.OpenItems = append(many.OpenItems, meetinglog.Item{ID: n, Kind: meetinglog.Action, Owner: "me",
			Text: "Overdue item " + strconv.Itoa(i+1), Created: d.Now.Add(-20 * day), Due: d.Now.Add(-time.Duration(i+1) * day)})
		many.ClosedSince = append(many.ClosedSince, meetinglog.Item{ID: n + 10, Kind: meetinglog.Action, Owner: "me",
			Text: "Result " + strconv.Itoa(i+1), Created: d.Now.Add(-20 * day), Done: d.Now.Add(-day)})
		many.TalkingPoints = append(many.TalkingPoints, meetinglog.Item{ID: n + 20, Kind: meetinglog.Point, Owner: "me",
			Text: "decision: option " + strconv.Itoa(i+1), Created: d.Now.Add(-day)})
	}
	return []BriefData{help, many}
}
