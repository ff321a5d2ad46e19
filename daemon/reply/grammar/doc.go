// Package grammar turns the text of a reply to the follow-up email into a
// meeting log: decisions, action items (with an owner and maybe a due date),
// feedback, notes, talking points for the next meeting, and the ids of open
// items the user closed.
//
// The input is the user's own text, already stripped of quoted mail and
// signatures by package reply. Parse is forgiving by design: it never fails,
// it puts every line somewhere (a line it cannot understand goes to
// Log.Unplaced so the confirmation email can show it back), and it runs in
// time linear in the length of the reply, so a hostile or enormous reply
// costs no more than a long one.
//
// The grammar is described for users in GRAMMAR.md, which is copied into the
// README; keep the two in step. In short: a heading line ("Decisions:",
// "## Action items", "**Next time**") starts a section; each further line,
// bulleted or not, is one item, and an indented line continues the item above;
// in action sections a leading "me:", "I'll", "Dana:" or "@jordan" names the
// owner and "by Friday", "due 12/3" and the like set the due date; "done 12"
// closes item 12 anywhere; a closing such as "Thanks," ends the reply.
package grammar
