package render

import (
	"strings"
	"unicode"
)

// Limits on the agenda a follow-up lists from an event description.
const (
	maxAgenda      = 8  // entries
	maxAgendaRunes = 80 // per entry
)

// agenda returns the agenda of an event description: the list under a
// line that says only "Agenda" ("Agenda:", "**Agenda**"), or the text
// after "Agenda:" on its line, entry by entry, each on one line and
// shortened, at most maxAgenda of them. nil when the description has
// none: the follow-up then lists only the talking points.
//
// The description is untrusted; the entries come from its plain text
// (describer.text), and the templates show them as text.
func (d *describer) agenda(desc string) []string {
	if !strings.Contains(strings.ToLower(desc), "agenda") {
		return nil
	}
	lines := strings.Split(d.text(desc), "\n")
	for i, l := range lines {
		rest, ok := agendaHeading(l)
		if !ok {
			continue
		}
		var out []string
		add := func(s string) {
			if s = short(maxAgendaRunes, oneline(s)); s != "" && len(out) < maxAgenda {
				out = append(out, s)
			}
		}
		add(rest)
		for _, l := range lines[i+1:] {
			item, ok := listItem(l)
			if !ok {
				if strings.TrimSpace(l) == "" && len(out) == 0 {
					continue // "Agenda:", a blank line, then the list
				}
				break
			}
			add(item)
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// agendaHeading reports a line that starts an agenda: "Agenda",
// "Agenda:", "## Agenda", "**Agenda:**", or "Agenda: budget, hiring",
// whose text after the colon it returns.
func agendaHeading(l string) (rest string, ok bool) {
	s := strings.Trim(strings.TrimSpace(l), "#*_ ")
	word, rest, colon := strings.Cut(s, ":")
	if !strings.EqualFold(strings.Trim(word, "*_ "), "agenda") {
		return "", false
	}
	if !colon {
		return "", true
	}
	return strings.Trim(rest, "*_ "), true
}

// listItem returns the text of a list line of the description's text:
// "- Budget", "* Budget", "• Budget", "1. Budget", "1) Budget", indented
// or not.
func listItem(l string) (string, bool) {
	s := strings.TrimSpace(l)
	for _, b := range []string{"- ", "* ", "• ", "– "} {
		if t, ok := strings.CutPrefix(s, b); ok {
			return t, true
		}
	}
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
	if i > 0 && i <= 3 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' ' {
		return s[i+2:], true
	}
	return "", false
}
