package meetinglog

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/leadup/leadup/daemon/meeting"
)

// PointsFor returns the open talking points of m's boss that belong to m,
// as of now, oldest first: those RoutePoints gives m among the meetings
// with the boss still ahead.
func PointsFor(ctx context.Context, r Reader, m meeting.Meeting, now time.Time) ([]Item, error) {
	points, err := r.OpenTalkingPoints(ctx, m.Boss)
	if err != nil || len(points) == 0 {
		return nil, err
	}
	ahead, err := r.MeetingsAhead(ctx, m.Boss, now)
	if err != nil {
		return nil, err
	}
	return RoutePoints(points, m, ahead), nil
}

// RoutePoints returns the talking points of points that go to meeting m,
// given the meetings with the boss ahead (earliest first; m may be among
// them). A talking point stays open until a reply says it was raised, and
// goes to one meeting at a time:
//
//   - to the meeting it was queued for, in a reply to its brief, while
//     that meeting is m or still ahead;
//   - else to the first group meeting ahead (m included) it is addressed
//     to: one whose title the tag at the start of its text names ("topic:
//     [roadmap review] …", see PointTag), or, without a tag, whose title
//     its text names;
//   - else, addressed to nothing still ahead, to the 1:1s: the default, so
//     that a point is never lost. A group meeting gets these only when no
//     1:1 with the boss is ahead.
//
// So the brief of a 1:1 shows the points addressed to no other meeting,
// and that of a group meeting only those addressed to it, unless the boss
// has no 1:1 coming.
func RoutePoints(points []Item, m meeting.Meeting, ahead []meeting.Meeting) []Item {
	cands := make([]meeting.Meeting, 0, len(ahead)+1)
	cands = append(cands, m)
	oneOnOneAhead := false
	for _, a := range ahead {
		if a.Key != m.Key {
			cands = append(cands, a)
			oneOnOneAhead = oneOnOneAhead || a.OneOnOne
		}
	}
	slices.SortStableFunc(cands, func(a, b meeting.Meeting) int { return a.Event.Start.Compare(b.Event.Start) })
	var out []Item
	for _, p := range points {
		switch pointTarget(p, cands) {
		case m.Key:
			out = append(out, p)
		case "":
			if m.OneOnOne || !oneOnOneAhead {
				out = append(out, p)
			}
		}
	}
	return out
}

// pointTarget returns the key of the meeting among cands (earliest first)
// that point p is addressed to, "" for none (see RoutePoints).
func pointTarget(p Item, cands []meeting.Meeting) string {
	if p.MeetingKey != "" {
		for _, c := range cands {
			// Queued for it before it ended: in a reply to its brief, not
			// under "Next time" in a reply to its follow-up.
			if c.Key == p.MeetingKey && p.Created.Before(c.Event.End) {
				return c.Key
			}
		}
	}
	tag, rest := PointTag(p.Text)
	for _, c := range cands {
		if c.OneOnOne {
			continue
		}
		title := words(c.Event.Title)
		if tag != "" && inOrder(words(tag), title) || tag == "" && contiguous(title, words(rest)) {
			return c.Key
		}
	}
	return ""
}

// PointTag splits a talking point's text into the meeting it is addressed
// to, named in brackets at its start, and the rest: "[roadmap review] Q3
// scope" (from a "topic: [roadmap review] Q3 scope" subject) is "roadmap
// review", "Q3 scope". A text without a tag is "", text. A number in
// brackets ("[12]") is an item's, not a tag.
func PointTag(text string) (tag, rest string) {
	s := strings.TrimSpace(text)
	if !strings.HasPrefix(s, "[") {
		return "", text
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return "", text
	}
	tag = strings.TrimSpace(s[1:end])
	if !strings.ContainsFunc(tag, unicode.IsLetter) {
		return "", text
	}
	return tag, strings.TrimSpace(s[end+1:])
}

// words returns s's words, lower-cased, without punctuation: "Roadmap
// Review – Q3" is "roadmap", "review", "q3".
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// inOrder reports whether the words of name all appear in title, in that
// order: "[roadmap review]" names "Q3 Roadmap Review", and "[roadmap]"
// names it too; "[review roadmap]" does not.
func inOrder(name, title []string) bool {
	if len(name) == 0 {
		return false
	}
	i := 0
	for _, w := range title {
		if i < len(name) && w == name[i] {
			i++
		}
	}
	return i == len(name)
}

// contiguous reports whether the words of title appear together, in
// order, in text: "push back on the roadmap review scope" names the
// "Roadmap review".
func contiguous(title, text []string) bool {
	if len(title) == 0 {
		return false
	}
	for i := 0; i+len(title) <= len(text); i++ {
		if slices.Equal(text[i:i+len(title)], title) {
			return true
		}
	}
	return false
}
