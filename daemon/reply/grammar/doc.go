// Package grammar turns the text of a reply to the follow-up email into a
// meeting log: decisions, action items (with an owner and maybe a due date),
// feedback, notes, talking points for the next meeting, and the ids of open
// items the user closed; and, in a reply to a confirmation, the corrections
// it asks for.
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
// "## Action items", "**Next time**", "Aufgaben", "Decsions") starts a
// section; each further line, bulleted or not, is one item, and an
// indented line continues the item above; in action sections a leading
// "me:", "I'll", "Dana:" or "@jordan", or a wording such as "Dana will…",
// names the owner, and "by Friday", "due 12/3" and the like set the due
// date. Before any heading, each sentence is sorted by its wording, in
// seven languages ("Dana will send…", "we agreed…", "she wants…", "ask
// about … next week"), and is a note when its wording says nothing clear:
// such items are marked Inferred. "done 12" closes item 12 anywhere, and
// "applied 4" says feedback 4 was acted on (Log.Applied); a closing such
// as "Thanks," ends the reply.
//
// The files: parse.go reads lines and files items; headings.go knows the
// headings; infer.go sorts a sentence with the phrases of phrases.go, over
// the words of words.go; closing.go reads "done 12" and "applied 4";
// correct.go reads corrections; due.go and the dates files read due dates.
package grammar
