// Package reply understands the emails a user sends back to leadup: it reads
// one raw message (RFC 5322, MIME) and returns its threading headers, whether
// a machine sent it (an out-of-office notice, a bounce) and the text the user
// wrote, without the quoted template, the attribution line, forwarded
// headers and signatures that mail clients add around it.
//
// The grammar of that text (headings, owners, due dates) is the business of
// package reply/grammar; this package only decides which characters the user
// typed.
//
// Extract reads untrusted input. It refuses messages over a size limit, caps
// MIME nesting, the number of parts and HTML nesting, and checks a time
// budget in every loop, so a hostile message costs bounded time and memory.
package reply

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"time"

	"github.com/emersion/go-message"
)

// Errors returned by Extract, always wrapped: test with errors.Is.
var (
	// ErrTooLarge reports a message over Options.MaxSize.
	ErrTooLarge = errors.New("message too large")
	// ErrTimeout reports a message that took longer than Options.Deadline.
	ErrTimeout = errors.New("message took too long to read")
	// ErrMalformed reports a message whose header cannot be read.
	ErrMalformed = errors.New("malformed message")
)

// Defaults for the zero Options.
const (
	DefaultMaxSize  = 2 << 20
	DefaultDeadline = 5 * time.Second
)

// Limits on hostile structure. Real replies stay far below them: a Gmail
// reply nests MIME three deep and HTML about twenty deep.
const (
	maxMIMEDepth    = 20      // multipart nesting
	maxParts        = 200     // MIME parts visited
	maxHeaderBytes  = 1 << 20 // the top-level header block
	maxHTMLDepth    = 200     // open HTML elements
	maxHTMLNodes    = 100_000 // HTML elements and text nodes kept
	maxMarkerLength = 400     // longest line tested for an attribution, header or signature
)

// Options tune Extract. The zero value is usable.
type Options struct {
	// MaxSize is the largest message accepted, in bytes (default 2 MB);
	// larger ones fail with an error wrapping ErrTooLarge.
	MaxSize int64
	// Deadline bounds the time spent on one message (default 5s); past it
	// Extract fails with an error wrapping ErrTimeout.
	Deadline time.Duration
	// TemplateHeadings are the headings of the template leadup sent, e.g.
	// "Decisions", "Action items", "Feedback", "Next time". When the user
	// typed answers inline into the quoted template, the quoted heading
	// above an answer is kept (unquoted) so the grammar knows the section.
	TemplateHeadings []string
}

func (o Options) withDefaults() Options {
	if o.MaxSize <= 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.Deadline <= 0 {
		o.Deadline = DefaultDeadline
	}
	return o
}

// Message is what Extract learned from one email.
type Message struct {
	MessageID  string   // without <>
	InReplyTo  string   // without <>; the first ID when there are several
	References []string // without <>, oldest first
	From       *mail.Address
	// To, Cc and DeliveredTo hold bare addresses, lower-cased. DeliveredTo
	// gathers the Delivered-To and X-Original-To fields that the receiving
	// servers added, which name the mailbox the message reached even when
	// To is a list or Bcc was used.
	To, Cc, DeliveredTo []string
	Subject             string // decoded (RFC 2047)
	Date                time.Time
	// Auto reports a message sent by a machine that must never be taken
	// for a reply: an out-of-office notice, a bounce (DSN), bulk mail.
	// AutoReason says which evidence decided it.
	Auto       bool
	AutoReason string
	// Header holds every header field, keyed by canonical name, values
	// decoded (RFC 2047) in the order they appear.
	Header map[string][]string
	// Text is only what the user wrote: no quoted original, attribution
	// line, forwarded header block, signature or "Sent from my iPhone".
	// Lines are joined by \n, without trailing spaces, at most one blank
	// line in a row, and the whole is trimmed.
	Text string
	// HTMLOnly reports that Text came from an HTML part because the
	// message had no usable text/plain part.
	HTMLOnly bool
}

// panicError is the error Extract returns when it recovered a panic; the
// fuzz test looks for it, since a panic is always a bug to fix.
type panicError struct{ v any }

func (e panicError) Error() string { return fmt.Sprintf("%v: internal error: %v", ErrMalformed, e.v) }
func (e panicError) Unwrap() error { return ErrMalformed }

// Extract reads one raw message and returns what the user wrote in it.
//
// Errors wrap ErrTooLarge, ErrTimeout or ErrMalformed. A message whose body
// is damaged (bad base64, an unknown charset, a truncated multipart) is not
// an error: Extract keeps what it could read.
func Extract(raw []byte, o Options) (m *Message, err error) {
	defer func() {
		// The last line of defence: a panic on hostile input is a bug, but
		// it must not take the daemon down with it.
		if v := recover(); v != nil {
			m, err = nil, panicError{v}
		}
	}()
	o = o.withDefaults()
	if int64(len(raw)) > o.MaxSize {
		return nil, fmt.Errorf("extract: %d bytes, limit %d: %w", len(raw), o.MaxSize, ErrTooLarge)
	}
	b := newBudget(o.Deadline)
	if bytes.HasPrefix(raw, []byte("From ")) {
		// An mbox "From " separator line, left by some exports.
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			raw = raw[i+1:]
		}
	}

	ent, err := message.ReadWithOptions(bytes.NewReader(raw), &message.ReadOptions{MaxHeaderBytes: maxHeaderBytes})
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, fmt.Errorf("read header: %w: %w", ErrMalformed, err)
	}
	if ent.Header.Len() == 0 {
		return nil, fmt.Errorf("read header: no header fields: %w", ErrMalformed)
	}

	m = readHeader(ent.Header)
	m.Auto, m.AutoReason = autoReason(ent.Header, m)

	body, err := selectBody(ent, b, o.MaxSize)
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	text := body.text
	if body.html {
		m.HTMLOnly = true
		if text, err = htmlToText(text, b); err != nil {
			return nil, fmt.Errorf("convert HTML: %w", err)
		}
	}
	if m.Text, err = userText(text, o.TemplateHeadings, b); err != nil {
		return nil, fmt.Errorf("strip quotes: %w", err)
	}
	return m, nil
}

// budget is the time limit of one Extract call. Loops call tick, which
// reads the clock only every 256 calls so that the check stays cheap in the
// per-rune and per-token loops.
type budget struct {
	deadline time.Time
	n        uint
}

func newBudget(d time.Duration) *budget { return &budget{deadline: time.Now().Add(d)} }

func (b *budget) tick() error {
	b.n++
	if b.n%256 != 0 {
		return nil
	}
	return b.check()
}

func (b *budget) check() error {
	if time.Now().After(b.deadline) {
		return ErrTimeout
	}
	return nil
}
