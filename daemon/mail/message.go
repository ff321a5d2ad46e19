// Package mail composes the emails leadup sends and delivers them over SMTP.
//
// Composition (Message.Bytes) produces an RFC 5322 message with a text and
// an optional HTML alternative. Delivery (SMTP.Send) runs one SMTP
// transaction with deadlines on every exchange and reports failures as
// *Error, whose Permanent flag tells the outbox whether retrying can help.
package mail

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/emersion/go-message/mail"
	gotextproto "github.com/emersion/go-message/textproto"
	"github.com/jordan-wright/email"
)

// Message is one email leadup sends.
type Message struct {
	From    *mail.Address
	To      []*mail.Address
	ReplyTo string // optional, a bare address
	Subject string
	Text    string // the text/plain part; required
	HTML    string // the text/html alternative; optional, without it the message is text only
	// MessageID is the Message-ID without angle brackets, e.g.
	// "brief-1h.3f2a9c0d1e2b@example.com". It is required: the outbox uses
	// it to recognise a message it has already delivered.
	MessageID string
	// InReplyTo is an optional Message-ID (without angle brackets) this
	// message answers; it is also written to References (RFC 5322 §3.6.4).
	InReplyTo string
	// References are the Message-IDs of the thread above InReplyTo, oldest
	// first, without angle brackets: with them, clients that thread by
	// References (Outlook, Apple Mail) keep a confirmation under the
	// follow-up even when the user's reply is not in the same mailbox.
	References []string
	Date       time.Time // required
	// Headers are extra header fields, e.g. "X-Leadup-Meeting". They may not
	// replace the fields above or the MIME structure.
	Headers map[string]string
}

// fallbackDomain is the Message-ID domain when From has none; .invalid is
// reserved by RFC 2606, so it can never collide with a real host's IDs.
const fallbackDomain = "leadup.invalid"

// MessageIDDomain returns the domain part of from's address, lower-cased,
// for use on the right of a Message-ID, or "leadup.invalid" when from is
// nil or its domain is missing or not plain ASCII (a Message-ID must be
// ASCII, RFC 5322 §3.6.4, and IDNA conversion is not worth a dependency).
func MessageIDDomain(from *mail.Address) string {
	if from == nil {
		return fallbackDomain
	}
	at := strings.LastIndexByte(from.Address, '@')
	if at < 0 {
		return fallbackDomain
	}
	domain := strings.ToLower(from.Address[at+1:])
	if domain == "" || !validIDPart(domain) {
		return fallbackDomain
	}
	return domain
}

// reservedHeaders are the fields Bytes writes itself. Message.Headers may
// not set them: a second From or Content-Type would make the message
// ambiguous, and overriding Auto-Submitted would invite auto-replies.
var reservedHeaders = []string{
	"Auto-Submitted", "Bcc", "Cc", "Content-Transfer-Encoding", "Content-Type",
	"Date", "From", "In-Reply-To", "Message-Id", "Mime-Version", "References",
	"Reply-To", "Sender", "Subject", "To",
}

// headerOrder is the order Bytes writes fields in. jordan-wright/email
// writes them in map order, which changes from run to run; a fixed order
// makes messages diffable and reads the way mail clients show them.
var headerOrder = []string{
	"Date", "From", "To", "Reply-To", "Subject", "Message-Id", "In-Reply-To",
	"References", "Auto-Submitted",
	// extra headers go here
	"Mime-Version", "Content-Type", "Content-Transfer-Encoding",
}

// Bytes returns the message in RFC 5322 form with CRLF line endings, ready
// for SMTP DATA. The body is multipart/alternative when HTML is set, each
// part UTF-8 and quoted-printable so that no line exceeds 76 octets.
func (m *Message) Bytes() ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("compose message: %w", err)
	}

	// From and To are not given to the library: they are set on the
	// header it writes, below.
	e := email.NewEmail()
	// jordan-wright/email Q-encodes every header value that is not
	// printable ASCII (RFC 2047); a CR or LF would be encoded rather than
	// start a new field, but it would still decode to a line break, so
	// clean strips them first. headerText then encodes an ASCII value that
	// holds an encoded-word, which the library would leave for the reader's
	// client to decode into whatever it says.
	e.Subject = headerText(clean(m.Subject))
	e.Text = []byte(m.Text)
	if m.HTML != "" {
		e.HTML = []byte(m.HTML)
	}

	h := e.Headers
	// "Message-Id" is the canonical spelling textproto gives Message-ID,
	// and the key jordan-wright/email looks under before generating an ID
	// of its own: setting it here is what keeps the header single.
	h.Set("Message-Id", "<"+m.MessageID+">")
	h.Set("Date", m.Date.Format(time.RFC1123Z))
	// RFC 3834 §5: auto-responders must not answer auto-generated mail, so
	// an out-of-office reply does not come back as a "reply" to a brief.
	h.Set("Auto-Submitted", "auto-generated")
	if m.ReplyTo != "" {
		a, _ := mail.ParseAddress(m.ReplyTo) // checked by validate
		h.Set("Reply-To", a.Address)
	}
	if m.InReplyTo != "" {
		h.Set("In-Reply-To", "<"+m.InReplyTo+">")
		refs := make([]string, 0, len(m.References)+1)
		for _, id := range m.References {
			refs = append(refs, "<"+id+">")
		}
		h.Set("References", strings.Join(append(refs, "<"+m.InReplyTo+">"), " "))
	}
	for k, v := range m.Headers {
		h.Set(k, headerText(clean(v)))
	}

	raw, err := e.Bytes()
	if err != nil {
		return nil, fmt.Errorf("compose message: %w", err)
	}
	// The library writes its fields in map order, each on one line; they
	// are read back with go-message and written again by writeHeader.
	br := bufio.NewReader(bytes.NewReader(raw))
	var out gomail.Header
	if out.Header.Header, err = gotextproto.ReadHeader(br); err != nil {
		return nil, fmt.Errorf("compose message: read header: %w", err)
	}
	// jordan-wright/email splits the From and To values at every comma and
	// formats each piece as an address, which cuts a quoted display name
	// such as "Doe, Jane" (as directories like to write them) in two. So
	// the addresses skip the library: go-message joins them as net/mail
	// formats them, a quoted string for an ASCII name and RFC 2047 words
	// for any other. clean keeps line breaks out of the decoded names.
	to := make([]*mail.Address, len(m.To))
	for i, a := range m.To {
		to[i] = &mail.Address{Name: clean(a.Name), Address: a.Address}
	}
	out.SetAddressList("From", []*mail.Address{{Name: clean(m.From.Name), Address: m.From.Address}})
	out.SetAddressList("To", to)

	var buf bytes.Buffer
	buf.Grow(len(raw) + 64)
	if err := writeHeader(&buf, out.Header.Header); err != nil {
		return nil, fmt.Errorf("compose message: %w", err)
	}
	if _, err := br.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("compose message: %w", err)
	}
	return buf.Bytes(), nil
}

func (m *Message) validate() error {
	if m.From == nil {
		return errors.New("no From address")
	}
	if len(m.To) == 0 {
		return errors.New("no To address")
	}
	for _, a := range append([]*mail.Address{m.From}, m.To...) {
		if a == nil {
			return errors.New("nil address")
		}
		if err := checkAddress(a.Address); err != nil {
			return err
		}
	}
	if m.ReplyTo != "" {
		a, err := mail.ParseAddress(m.ReplyTo)
		if err != nil {
			return fmt.Errorf("parse Reply-To %q: %w", m.ReplyTo, err)
		}
		if err := checkAddress(a.Address); err != nil {
			return err
		}
	}
	if m.Text == "" {
		return errors.New("no text body")
	}
	if !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML) || !utf8.ValidString(m.Subject) {
		return errors.New("text is not valid UTF-8")
	}
	if m.Date.IsZero() {
		return errors.New("no Date")
	}
	if err := checkMessageID(m.MessageID); err != nil {
		return fmt.Errorf("Message-ID: %w", err)
	}
	if m.InReplyTo != "" {
		if err := checkMessageID(m.InReplyTo); err != nil {
			return fmt.Errorf("In-Reply-To: %w", err)
		}
	}
	if len(m.References) > 0 && m.InReplyTo == "" {
		return errors.New("References without In-Reply-To")
	}
	for _, id := range m.References {
		if err := checkMessageID(id); err != nil {
			return fmt.Errorf("References: %w", err)
		}
	}
	for k := range m.Headers {
		if !validFieldName(k) {
			return fmt.Errorf("invalid header name %q", k)
		}
		if slices.Contains(reservedHeaders, textproto.CanonicalMIMEHeaderKey(k)) {
			return fmt.Errorf("header %q is set by the message itself", k)
		}
	}
	return nil
}

// checkAddress accepts the plain ASCII addresses leadup sends to. Non-ASCII
// ones would need SMTPUTF8 (RFC 6531) end to end, and a comma or line break
// could split the header that lists them.
func checkAddress(addr string) error {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return fmt.Errorf("address %q has no local part or domain", addr)
	}
	for i := 0; i < len(addr); i++ {
		if c := addr[i]; c <= ' ' || c > '~' || c == ',' {
			return fmt.Errorf("address %q: only printable ASCII without spaces or commas is supported", addr)
		}
	}
	return nil
}

// checkMessageID accepts the id-left "@" id-right of RFC 5322 §3.6.4,
// loosely: printable ASCII without the characters that would end or break
// the angle-bracketed form.
func checkMessageID(id string) error {
	at := strings.LastIndexByte(id, '@')
	if at <= 0 || at == len(id)-1 {
		return fmt.Errorf("%q is not of the form left@right", id)
	}
	if !validIDPart(id) {
		return fmt.Errorf("%q has characters a Message-ID cannot hold", id)
	}
	return nil
}

func validIDPart(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c > '~' || strings.IndexByte(`<>()\",;:`, c) >= 0 {
			return false
		}
	}
	return true
}

// validFieldName reports whether s is a field name per RFC 5322 §3.6.8:
// printable ASCII except the colon.
func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' || c == ':' {
			return false
		}
	}
	return true
}

// clean replaces line breaks and other control characters with spaces, so
// that text from a calendar cannot add header fields (header injection) or
// end the header early, drops the zero-width and bidi controls that make
// text read differently from what it is, and trims the white space at the
// ends, which parsers drop anyway.
func clean(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r < ' ' || (r >= 0x7f && r <= 0x9f) || r == '\u2028' || r == '\u2029':
			return ' '
		case hidden(r):
			return -1
		}
		return r
	}, s))
}

// hidden reports the format characters a header may not carry: the
// zero-width characters and marks U+200B–U+200F, the bidi embeddings and
// overrides U+202A–U+202E, the isolates U+2066–U+2069, the Arabic letter
// mark U+061C and the byte-order mark U+FEFF.
func hidden(r rune) bool {
	return (r >= '\u200b' && r <= '\u200f') || (r >= '\u202a' && r <= '\u202e') ||
		(r >= '\u2066' && r <= '\u2069') || r == '\u061c' || r == '\ufeff'
}

// headerText returns s as an unstructured header value should be given to
// jordan-wright/email: as it is, unless it is ASCII and holds "=?", the
// start of an RFC 2047 encoded-word. The library writes ASCII as it is (so
// does go-message's mail.Header.SetText: both use mime.QEncoding, which
// leaves ASCII alone), and a client would decode such a word, so a title like
// "=?utf-8?b?4oCuQmNjOiB4?=" would show as whatever it encodes, line breaks
// and bidi overrides included. Encoding the whole value makes the client
// show the text leadup meant, "=?" and all.
func headerText(s string) string {
	if !strings.Contains(s, "=?") || strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) {
		// Non-ASCII values are Q-encoded whole by the library, "=" and
		// "?" included.
		return s
	}
	return forceBEncode(s)
}

// forceBEncode writes the ASCII string s as RFC 2047 B-encoded words
// (mime.BEncoding leaves ASCII alone). Words hold at most 45 octets, 72
// characters encoded, within the 75 RFC 2047 §2 allows.
func forceBEncode(s string) string {
	var words []string
	for s != "" {
		n := min(len(s), 45)
		words = append(words, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}

// spelling gives the fields whose usual spelling differs from the
// canonical form textproto gives them (RFC 2045 §4, RFC 5322 §3.6.4); names
// are case-insensitive, but people and some filters read the usual one.
var spelling = map[string]string{
	"message-id":   "Message-ID",
	"mime-version": "MIME-Version",
}

const (
	// foldAt is where header lines are folded when they can be, the
	// "SHOULD" of RFC 5322 §2.1.1.
	foldAt = 78
	// maxLine is the hard limit of RFC 5322 §2.1.1, excluding CRLF.
	maxLine = 998
)

// writeHeader writes the fields of h in headerOrder, extra fields by name,
// each folded by writeFolded, and the empty line that ends the header. The
// library writes each field on one line, and Go's encoded-word writer
// separates the words of a long subject with spaces but no line breaks, so
// a long subject or recipient list would otherwise break the 998-octet
// limit of RFC 5322 §2.1.1.
func writeHeader(out *bytes.Buffer, h gotextproto.Header) error {
	extra := slices.Index(headerOrder, "Mime-Version") // extra fields go here
	rank := func(name string) int {
		i := slices.Index(headerOrder, name) // name is canonical
		switch {
		case i < 0:
			return extra
		case i >= extra:
			return i + 1
		}
		return i
	}
	type field struct{ name, value string }
	var fields []field
	for f := h.Fields(); f.Next(); {
		fields = append(fields, field{f.Key(), f.Value()})
	}
	slices.SortStableFunc(fields, func(a, b field) int {
		return cmp.Or(rank(a.name)-rank(b.name), strings.Compare(a.name, b.name))
	})
	for _, f := range fields {
		name := f.name
		if s, ok := spelling[strings.ToLower(name)]; ok {
			name = s
		}
		// Never leave the field name alone on a line.
		if err := writeFolded(out, name+": "+f.value, len(name)+2); err != nil {
			return fmt.Errorf("header %s: %w", name, err)
		}
	}
	out.WriteString("\r\n")
	return nil
}

// writeFolded writes line followed by CRLF, breaking it before single
// spaces at or after index from so that pieces stay within foldAt where
// possible and within maxLine always (RFC 5322 §2.2.3). Only a space with
// non-space on both sides is used, because unfolding parsers (Go's
// textproto among them) collapse the white space around a fold.
//
// go-message's folding (textproto.WriteHeader) is not used because it does
// not do this job: once one word does not fit its 76-octet line, it puts
// the rest of the field on one line of up to 998 octets, which is what a
// long non-ASCII subject gets, its first 75-character encoded-word not
// fitting after "Subject: "; it splits a word longer than 998 octets with a
// space instead of failing; and it folds at a space next to another.
func writeFolded(out *bytes.Buffer, line string, from int) error {
	for len(line) > foldAt {
		cut := -1
		for i := max(from, 1); i < len(line)-1; i++ {
			if line[i] != ' ' || line[i-1] == ' ' || line[i-1] == '\t' || line[i+1] == ' ' || line[i+1] == '\t' {
				continue
			}
			if i > foldAt && cut >= 0 {
				break
			}
			cut = i
			if i > foldAt {
				break
			}
		}
		if cut < 0 || cut > maxLine {
			break
		}
		out.WriteString(line[:cut])
		out.WriteString("\r\n")
		line = line[cut:]
		from = 1
	}
	if len(line) > maxLine {
		return fmt.Errorf("a word is longer than the %d octets a line may hold", maxLine)
	}
	out.WriteString(line)
	out.WriteString("\r\n")
	return nil
}
