// Package outbox delivers the emails leadup has decided to send, exactly
// once as far as the protocol allows.
//
// A message enters the outbox complete (its final bytes and Message-ID) in
// one transaction, before any SMTP exchange: that row is the intent. The
// Deliverer then marks it sending, talks SMTP, and marks it sent; a failure
// that a retry can help is retried with backoff until the message expires
// (a brief is useless once its meeting has started); any other failure
// marks it failed, visible in `leadup status`.
//
// The one window the protocol leaves open is between the server accepting
// DATA and our commit of "sent": a crash there leaves the row in sending,
// and on restart the message is sent again with the same Message-ID (mail
// stores and clients collapse copies with the same Message-ID). With a
// mailbox to check, the Verifier looks for that Message-ID first.
package outbox

import (
	"context"
	"time"
)

// Kinds of message.
const (
	KindBrief    = "brief"
	KindFollowup = "followup"
	KindNotice   = "notice"
	KindConfirm  = "confirm" // the confirmation of a logged reply
	KindDigest   = "digest"  // the weekly digest, which belongs to no meeting
	// KindCatchup names the overdue follow-ups that were not sent after
	// downtime ([limits] overdue_followups_per_boss); it belongs to no
	// meeting.
	KindCatchup = "catchup"
	// KindNudge says that the user and a boss have gone too long without
	// meeting; it belongs to no meeting.
	KindNudge = "nudge"
)

// OfMeeting reports whether messages of kind are about one meeting: all
// but the digest and the catch-up.
func OfMeeting(kind string) bool {
	return kind != KindDigest && kind != KindCatchup && kind != KindNudge
}

// TokenSubject is what the reply token of a message of kind for a meeting
// stands for (replytoken.Mint's subject): every message that takes a reply
// gets a token of its own, since the outbox finds the message by it. A
// follow-up's is its meeting's key, as it was before briefs and
// confirmations took replies, so tokens already sent still verify. A
// confirmation's variant is the Message-ID of the reply it confirms.
func TokenSubject(kind, meetingKey, variant string) string {
	switch kind {
	case KindFollowup:
		return meetingKey
	case KindConfirm:
		return "confirm\x00" + variant
	}
	return kind + "\x00" + meetingKey + "\x00" + variant
}

// TakesReplies reports whether messages of kind carry a reply token: a
// reply to a brief adds talking points for its meeting, one to a follow-up
// logs the meeting, one to a confirmation corrects what was logged.
func TakesReplies(kind string) bool {
	return kind == KindBrief || kind == KindFollowup || kind == KindConfirm
}

// States of a message.
const (
	StateQueued  = "queued"  // waiting for its next attempt
	StateSending = "sending" // an SMTP exchange was started and not recorded as finished
	StateSent    = "sent"
	StateFailed  = "failed" // given up: permanent error, or expired
	// StateSkipped marks a follow-up that was never sent: a catch-up named
	// it instead. Its row holds no message.
	StateSkipped = "skipped"
)

// Message is one outbox row.
type Message struct {
	ID           int64
	MessageID    string // without angle brackets
	MeetingKey   string // "" for a digest
	Kind         string
	Variant      string    // see the outbox table: lead seconds, notice kind, ISO week…
	MeetingStart time.Time // the start the message tells
	Late         bool
	ReplyToken   string
	State        string
	Attempts     int
	NextAttempt  time.Time
	Expires      time.Time
	LastError    string
	EnvelopeFrom string
	EnvelopeTo   []string
	Subject      string
	Body         []byte // the complete RFC 5322 message; empty in listings
	Created      time.Time
	Updated      time.Time
	Sent         time.Time // zero until sent
	// Skipped, for a catch-up, are the follow-ups it names instead of
	// sending them: the store writes them in state StateSkipped in the
	// same transaction as the catch-up, so that they are named once.
	Skipped []Message
}

// Store is the outbox's persistence.
type Store interface {
	// NextDue returns the queued message with the earliest next attempt at
	// or before now, and false if there is none.
	NextDue(ctx context.Context, now time.Time) (Message, bool, error)
	// NextAttempt returns when the earliest queued message is due, and
	// false if none is queued.
	NextAttempt(ctx context.Context) (time.Time, bool, error)
	// MarkSending records that an attempt starts now. It claims the
	// message, and fails with ErrNotFound when another deliverer has.
	MarkSending(ctx context.Context, id int64, now time.Time) error
	MarkSent(ctx context.Context, id int64, now time.Time) error
	MarkRetry(ctx context.Context, id int64, next time.Time, errText string, now time.Time) error
	MarkFailed(ctx context.Context, id int64, errText string, now time.Time) error
	// Unfinished returns the messages left in sending by an unclean stop.
	Unfinished(ctx context.Context) ([]Message, error)
}

// Sender sends a message over SMTP.
type Sender interface {
	Send(ctx context.Context, from string, to []string, msg []byte) error
}

// Verifier looks for a message in the user's mailbox by Message-ID, to
// settle whether an interrupted send went out. found is meaningful only
// when err is nil.
type Verifier interface {
	Delivered(ctx context.Context, messageID string) (found bool, err error)
}
