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

// Item is one entry of the log.
type Item struct {
	ID         int64
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
	Items []Item  // new items
	Done  []int64 // action items to close
	// PointsRaisedBefore, when set, marks done the boss's talking points
	// queued before it: they were raised at the meeting the reply is about
	// (see RaisedAt).
	PointsRaisedBefore time.Time
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
	Items         []Item  // the new items, with their ids
	Closed        []int64 // action items closed
	AlreadyClosed []int64 // "done" ids of action items of this boss closed before
	NotFound      []int64 // "done" ids that are no action item with this boss
	Fixed         []Fixed // the fixes, in order, applied or not
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
	ID    int64     // the item; 0 for FixUndoReply
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
