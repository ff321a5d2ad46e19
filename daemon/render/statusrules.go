package render

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leadup/leadup/daemon/meetinglog"
)

// UpdateAsk is one way a boss asked to be reported to, which the draft
// status update follows once their feedback says so.
type UpdateAsk string

// The asks the status update knows.
const (
	// AskRisksFirst puts what is blocked or late first, then what the user
	// needs from the boss, then what is done and in progress.
	AskRisksFirst UpdateAsk = "risks first"
	// AskBottomLine puts a one-line summary on top, naming the one thing
	// that matters most.
	AskBottomLine UpdateAsk = "bottom line first"
	// AskShorter cuts each part to its first ShortCap items.
	AskShorter UpdateAsk = "shorter"
)

// ShortCap is how many items a part of a shorter status update keeps.
const ShortCap = 3

// updateRules says which feedback asks for what: feedback whose text has
// one of an ask's phrases, as a whole word or words, in any case, asks for
// it. Phrases are plain words a boss says about updates; a phrase that
// could be about anything else ("short") is not one.
var updateRules = []struct {
	ask     UpdateAsk
	phrases []string
}{
	{AskRisksFirst, []string{
		"lead with the risk", "lead with the risks", "lead with risks", "lead with the blockers", "lead with blockers",
		"risks first", "risk first", "blockers first", "problems first", "issues first", "bad news first",
		"start with the risks", "start with the risk", "start with the blockers", "risks up front", "risks at the top",
	}},
	{AskBottomLine, []string{
		"bottom line first", "bottom line up front", "bluf", "tl;dr", "tldr", "summary first", "summary on top",
		"summary at the top", "start with a summary", "start with the summary", "lead with a summary",
		"lead with the summary", "headline first", "lead with the headline", "executive summary", "one-line summary",
	}},
	{AskShorter, []string{
		"shorter", "keep it brief", "keep it short", "keep them short", "keep them brief", "be brief", "briefer",
		"more concise", "be concise", "fewer details", "less detail", "too detailed", "too much detail", "too long",
		"details on request",
	}},
}

// AppliedAsk is an ask the update follows and what made it: the boss's
// logged feedback, or else Style, the line of the boss's configured style
// that says it (and Feedback is zero).
type AppliedAsk struct {
	Ask      UpdateAsk
	Feedback meetinglog.Item
	Style    string
}

// asksOf returns the asks of the boss's feedback and configured style, in
// the order of updateRules, each once: from the newest feedback that makes
// it, or else from the first line of style that does. A style that says
// "bottom line first" counts as feedback that says it.
func asksOf(feedback []meetinglog.Item, style string) []AppliedAsk {
	var out []AppliedAsk
	for _, r := range updateRules {
		found := false
		for i := len(feedback) - 1; i >= 0 && !found; i-- {
			if hasPhrase(feedback[i].Text, r.phrases) {
				out = append(out, AppliedAsk{Ask: r.ask, Feedback: feedback[i]})
				found = true
			}
		}
		for line := range strings.SplitSeq(style, "\n") {
			if line = oneline(line); !found && hasPhrase(line, r.phrases) {
				out = append(out, AppliedAsk{Ask: r.ask, Style: line})
				found = true
			}
		}
	}
	return out
}

// hasPhrase reports whether text has one of phrases, lower case, as whole
// words: "lead with the risks" in "Lead with the risks, please", not
// "shorter" in "shortermism".
func hasPhrase(text string, phrases []string) bool {
	t := strings.ToLower(text)
	for _, p := range phrases {
		for i := 0; i <= len(t)-len(p); {
			j := strings.Index(t[i:], p)
			if j < 0 {
				break
			}
			a, b := i+j, i+j+len(p)
			before, _ := utf8.DecodeLastRuneInString(t[:a])
			after, _ := utf8.DecodeRuneInString(t[b:])
			if !isWordRune(before) && !isWordRune(after) {
				return true
			}
			i = a + 1
		}
	}
	return false
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// Has reports whether the update follows ask.
func (u StatusUpdate) Has(ask UpdateAsk) bool {
	return slices.ContainsFunc(u.Asks, func(a AppliedAsk) bool { return a.Ask == ask })
}

// UpdatePart is one part of a status update, in the order the update
// gives them (StatusUpdate.Parts).
type UpdatePart struct {
	// Kind is "done", "progress", "risks", "needed" or "decisions".
	Kind  string
	Title string
	// Items are the part's items; for "risks", the blocked ones, and Late
	// the late ones after them.
	Items, Late []meetinglog.Item
	// More is how many items a shorter update left out.
	More int
}

// Parts returns the parts of the update that have items, in their order:
// done, in progress, blocked or at risk, needed from the boss, decisions
// to confirm; with AskRisksFirst, blocked or at risk, needed, decisions,
// done, in progress. An empty part is left out, never "nothing
// blocked". With AskShorter each part keeps its first ShortCap items and
// counts the rest in More.
func (u StatusUpdate) Parts() []UpdatePart {
	done := UpdatePart{Kind: "done", Title: "Done", Items: u.Done}
	progress := UpdatePart{Kind: "progress", Title: "In progress", Items: u.InProgress}
	risks := UpdatePart{Kind: "risks", Title: "Blocked or at risk", Items: u.Blocked, Late: u.Late}
	needed := UpdatePart{Kind: "needed", Title: "Need from you", Items: u.Needed}
	decisions := UpdatePart{Kind: "decisions", Title: "Confirming", Items: u.Decisions}
	parts := []UpdatePart{done, progress, risks, needed, decisions}
	if u.Has(AskRisksFirst) {
		parts = []UpdatePart{risks, needed, decisions, done, progress}
	}
	parts = slices.DeleteFunc(parts, func(p UpdatePart) bool { return len(p.Items)+len(p.Late) == 0 })
	if u.Has(AskShorter) {
		for i := range parts {
			p := &parts[i]
			n := len(p.Items) + len(p.Late)
			if n <= ShortCap {
				continue
			}
			p.More = n - ShortCap
			if len(p.Items) >= ShortCap {
				p.Items, p.Late = p.Items[:ShortCap], nil
			} else {
				p.Late = p.Late[:ShortCap-len(p.Items)]
			}
		}
	}
	return parts
}

// Confirming is how the update recaps a decision of the week, on one line:
// "Confirming: cut over billing on March 3." The text keeps its words;
// only a capital that starts a plain word is lowered ("Keep" but not
// "EU" or "Q1").
func (u StatusUpdate) Confirming(decision meetinglog.Item) string {
	t := strings.TrimRight(strings.TrimSpace(decision.Text), ".;: ")
	if r, n := utf8.DecodeRuneInString(t); unicode.IsUpper(r) {
		next, _ := utf8.DecodeRuneInString(t[n:])
		if unicode.IsLower(next) {
			t = string(unicode.ToLower(r)) + t[n:]
		}
	}
	return "Confirming: " + t + "."
}

// Headline is the one-line summary a bottom-line-first update starts
// with: the one thing that matters most, "Bottom line: I need one thing
// from you (below); 2 items are blocked or at risk." It names none of the
// boss's items, which the update lists under "Need from you" only. It is
// "" without AskBottomLine.
func (u StatusUpdate) Headline() string {
	if !u.Has(AskBottomLine) {
		return ""
	}
	risks := len(u.Blocked) + len(u.Late)
	var s string
	switch {
	case len(u.Needed) == 1:
		s = "I need one thing from you (below)"
	case len(u.Needed) > 1:
		s = "I need " + strconv.Itoa(len(u.Needed)) + " things from you (below)"
	case risks > 0:
		first := append(slices.Clone(u.Blocked), u.Late...)[0]
		s = "“" + first.Text + "” is at risk"
		if risks > 1 {
			s = strconv.Itoa(risks) + " items are blocked or at risk, first “" + first.Text + "”"
		}
		risks = 0
	case len(u.Done) > 0:
		s = "on track, with " + strconv.Itoa(len(u.Done)) + " done this week"
	case len(u.Decisions) > 0:
		s = "on track, with " + plural(len(u.Decisions), "decision", "decisions") + " to confirm"
	default:
		s = "on track"
	}
	if risks == 1 {
		s += "; 1 item is blocked or at risk"
	} else if risks > 1 {
		s += "; " + strconv.Itoa(risks) + " items are blocked or at risk"
	}
	return "Bottom line: " + s + "."
}

// Asked says, for the user, how the update follows the boss's feedback:
// "risks first, a bottom line on top and at most 3 items a part"; "" if it
// follows none.
func (u StatusUpdate) Asked() string {
	var ps []string
	for _, a := range u.Asks {
		switch a.Ask {
		case AskRisksFirst:
			ps = append(ps, "risks first")
		case AskBottomLine:
			ps = append(ps, "a bottom line on top")
		case AskShorter:
			ps = append(ps, "at most "+strconv.Itoa(ShortCap)+" items a part")
		}
	}
	return andList(ps)
}

// AskedBy returns the feedback the update follows, each once, in the
// order of Asks; AskedInStyle has the lines of the configured style.
func (u StatusUpdate) AskedBy() []meetinglog.Item {
	var out []meetinglog.Item
	for _, a := range u.Asks {
		if a.Style != "" {
			continue
		}
		if !slices.ContainsFunc(out, func(it meetinglog.Item) bool { return it.ID == a.Feedback.ID && it.Text == a.Feedback.Text }) {
			out = append(out, a.Feedback)
		}
	}
	return out
}

// StillOpen returns the numbers of the feedback the update follows that is
// not yet applied, for the user to close once the update is sent.
func (u StatusUpdate) StillOpen() []string {
	var out []string
	for _, it := range u.AskedBy() {
		if it.Done.IsZero() && it.ID != 0 {
			out = append(out, strconv.FormatInt(it.ID, 10))
		}
	}
	return out
}

// AskedInStyle returns the lines of the boss's configured style the update
// follows, each once, in the order of Asks.
func (u StatusUpdate) AskedInStyle() []string {
	var out []string
	for _, a := range u.Asks {
		if a.Style != "" && !slices.Contains(out, a.Style) {
			out = append(out, a.Style)
		}
	}
	return out
}
