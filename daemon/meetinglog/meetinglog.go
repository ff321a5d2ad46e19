// Package meetinglog is the meeting log: what the user's emails record about
// their meetings with a boss (decisions, action items, feedback, notes and
// talking points), the replies that recorded it, the corrections a reply to
// a confirmation makes, and the rules on what the next meeting with a boss
// carries over from it.
//
// The store persists the log, ingest writes it from replies, and the
// composer and the templates read it; all of them speak these types, so an
// item is converted once, from a parsed reply into an Item.
package meetinglog

import (
	"time"

	"github.com/leadup/leadup/daemon/outbox"
)

// Kind is the kind of an item in the log.
type Kind string

// The kinds of item.
const (
	Decision Kind = "decision"
	Action   Kind = "action"
	Feedback Kind = "feedback"
	Point    Kind = "point" // a talking point for the next meeting
	Note     Kind = "note"
)

// Noun is how a kind reads in a sentence: "action item", "talking point",
// "decision".
func (k Kind) Noun() string {
	switch k {
	case Action:
		return "action item"
	case Point:
		return "talking point"
	}
	return string(k)
}

// Numbered reports whether items of the kind get a number: the things that
// can be closed, action items (done), feedback (applied) and talking points
// (raised). Decisions and notes are never closed, so they take no number
// and leave the sequence short.
func (k Kind) Numbered() bool {
	return k == Action || k == Feedback || k == Point
}

// Item is one entry of the log.
type Item struct {
	// ID is the item's number, the one the user sees ("[7]") and types
	// ("done 7", "7 owner Priya"): actions, feedback and talking points
	// are numbered 1, 2, 3… in the order they were logged, one sequence
	// per install, and a number is never given twice, even after its item
	// is closed or removed. It is 0 for a decision or a note, unless it
	// was guessed (see Numbered) or numbered before a correction changed
	// its kind.
	ID int64
	// Row is the item's row in the store: never shown to the user.
	Row        int64
	Boss       string // the boss's configured name
	MeetingKey string // "" for a talking point queued between meetings
	Kind       Kind
	// Owner is "me", "boss" or another person's name (for actions).
	Owner string
	// Text was typed by the user in an email: templates escape it, never
	// interpret it.
	Text    string
	Due     time.Time // zero if none
	Created time.Time
	Done    time.Time // zero while open
	// Source is the line of the user's email the item was read from, and
	// Inferred says its kind or owner was guessed from the wording.
	Source   string
	Inferred bool
}

// Numbered reports whether the item gets a number: one of a kind that is
// closed, or one whose kind or owner was guessed from the wording, so that
// a wrong guess can be fixed by its number ("14 is a note").
func (it Item) Numbered() bool { return it.Kind.Numbered() || it.Inferred }

// Reply is an email the user sent that leadup turned into log entries.
type Reply struct {
	MessageID  string
	MeetingKey string // "" for talking points sent between meetings
	Boss       string
	Subject    string
	Received   time.Time
}

// Record is one email's worth of changes to the log, stored in one
// transaction.
type Record struct {
	Reply Reply
	Items []Item // new items
	// Done are the numbers the reply closes ("done 4"): action items done,
	// feedback applied, talking points raised.
	Done []int64
	// Applied are the numbers of the feedback the reply says was applied
	// ("applied 4").
	Applied []int64
	// Answers is the store's id of the leadup email the reply answers (0
	// for none). An email written before items were numbered showed row
	// ids, so the numbers in a reply to it are read as those.
	Answers int64
	// Fixes correct items logged earlier (a reply to a confirmation).
	Fixes []Fix
	// Confirmation, when set, composes the email that confirms what was
	// logged, from what was; it is queued in the outbox in the same
	// transaction, so that a crash cannot log a reply and lose its
	// confirmation. ok false: none to send.
	Confirmation func(Logged) (m outbox.Message, ok bool)
}

// Logged is what recording a Record did.
type Logged struct {
	Items         []Item  // the new items, with their numbers
	Closed        []int64 // numbers of the action items closed and talking points raised
	AlreadyClosed []int64 // numbers of the "done" action items of this boss closed before
	NotFound      []int64 // "done" numbers, as typed, that are no action item with this boss
	// Applied are the numbers of the feedback the reply closed, by
	// "applied 4" or "done 4"; AlreadyApplied those of this boss's
	// feedback closed before; NotFeedback the "applied" numbers, as typed,
	// that are no feedback from this boss (see Applied).
	Applied        []int64
	AlreadyApplied []int64
	NotFeedback    []int64
	Fixed          []Fixed // the fixes, in order, applied or not
	// Confirmed reports that a confirmation was queued with the reply.
	Confirmed bool
}

// Ops of a Fix.
const (
	FixOwner     = "owner"      // set an action's owner
	FixDue       = "due"        // set or clear an action's due date
	FixKind      = "kind"       // make the item another kind
	FixText      = "text"       // replace the item's text
	FixUndo      = "undo"       // remove the item
	FixUndoReply = "undo reply" // remove what one reply logged, reopen what it closed
)

// Fix is one correction of the log, written in reply to a confirmation.
type Fix struct {
	Op    string
	ID    int64     // the item's number, as typed; 0 for FixUndoReply
	Owner string    // FixOwner; FixKind to an action ("me" if empty)
	Due   time.Time // FixDue; zero clears the date
	Kind  Kind      // FixKind
	Text  string    // FixText
	Reply string    // FixUndoReply: the Message-ID of the reply to undo
}

// Fixed is what became of a Fix.
type Fixed struct {
	Fix
	// Item is the item after the fix (before it, for FixUndo).
	Item Item
	// Removed and Reopened are what FixUndoReply took back.
	Removed, Reopened []Item
	// Problem says why the fix was not applied; "" when it was.
	Problem string
}
