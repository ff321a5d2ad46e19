package mail

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// parsed is a message as a reader sees it.
type parsed struct {
	header    mail.Header
	subject   string
	from      []*mail.Address
	to        []*mail.Address
	mediaType string
	text      string // decoded, line endings normalised to \n
	html      string
}

// parseMessage reads raw with the standard library alone, checking the
// transport rules on the way: CRLF line endings, 7-bit ASCII, and lines
// within RFC 5322's 998 octets.
func parseMessage(t *testing.T, raw []byte) parsed {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("message has a bare LF")
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d octets long, over RFC 5322's 998", i+1, len(line))
		}
		for _, c := range []byte(line) {
			if c >= 0x80 || c == '\r' {
				t.Errorf("line %d has byte %#x: %q", i+1, c, line)
				break
			}
		}
	}

	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("mail.ReadMessage() = %v\n%s", err, raw)
	}
	p := parsed{header: msg.Header}
	dec := new(mime.WordDecoder)
	if p.subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Errorf("DecodeHeader(Subject %q) = %v", msg.Header.Get("Subject"), err)
	}
	if p.from, err = msg.Header.AddressList("From"); err != nil {
		t.Errorf("AddressList(From %q) = %v", msg.Header.Get("From"), err)
	}
	if p.to, err = msg.Header.AddressList("To"); err != nil {
		t.Errorf("AddressList(To %q) = %v", msg.Header.Get("To"), err)
	}

	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("ParseMediaType(%q) = %v", msg.Header.Get("Content-Type"), err)
	}
	p.mediaType = mediaType
	body := func(r io.Reader, ct string) {
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("read %s body: %v", ct, err)
		}
		s := strings.ReplaceAll(string(b), "\r\n", "\n")
		switch ct {
		case "text/plain; charset=UTF-8":
			p.text = s
		case "text/html; charset=UTF-8":
			p.html = s
		default:
			t.Errorf("part with Content-Type %q", ct)
		}
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
			t.Errorf("Content-Transfer-Encoding = %q, want quoted-printable", cte)
		}
		// A single part: decode it the way multipart.Reader does for parts.
		body(quotedprintable.NewReader(msg.Body), msg.Header.Get("Content-Type"))
		return p
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		// NextPart decodes quoted-printable and drops the header saying so.
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("NextPart() = %v", err)
		}
		body(part, part.Header.Get("Content-Type"))
	}
	return p
}

func TestMessageBytes(t *testing.T) {
	date := time.Date(2026, 11, 24, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	longLine := strings.Repeat("Zoë asked about the roadmap, the hiring plan and the budget. ", 20)
	tests := []struct {
		name string
		msg  Message
	}{
		{
			name: "text and HTML, non-ASCII",
			msg: Message{
				From:      &mail.Address{Name: "leadup", Address: "me@example.com"},
				To:        []*mail.Address{{Name: "Zoë Ångström", Address: "zoe@example.com"}, {Address: "me@example.com"}},
				ReplyTo:   "replies@example.com",
				Subject:   "Prep: 1:1 with Zoë — Tue 24 Nov",
				Text:      "Hi,\n\n" + longLine + "\n\n– leadup\n",
				HTML:      "<p>Hi,</p>\n<p>" + longLine + "</p>\n",
				MessageID: "brief-1h.3f2a9c0d1e2b@example.com",
				InReplyTo: "brief-24h.0011aabb@example.com",
				Date:      date,
				Headers:   map[string]string{"X-Leadup-Meeting": "primary/abc123@2026-11-24T09:30:00Z", "X-Leadup-Kind": "brief-1h"},
			},
		},
		{
			name: "text only",
			msg: Message{
				From:      &mail.Address{Address: "me@example.com"},
				To:        []*mail.Address{{Address: "me@example.com"}},
				Subject:   "Follow-up: 1:1 with Sam",
				Text:      "Plain text.\n. a line starting with a dot\nFrom a line starting with From\n",
				MessageID: "followup.1@example.com",
				Date:      date,
			},
		},
		{
			name: "display names with commas and quotes",
			msg: Message{
				From:      &mail.Address{Name: "Doe, Jane", Address: "jane@example.com"},
				To:        []*mail.Address{{Name: "Smith, Zoë", Address: "zoe@example.com"}, {Name: `Sam "the boss" O'Neil`, Address: "sam@example.com"}},
				Subject:   "Names",
				Text:      "x",
				MessageID: "names.1@example.com",
				Date:      date,
			},
		},
		{
			name: "long subjects and many recipients are folded",
			msg: Message{
				From:      &mail.Address{Name: strings.TrimSpace(strings.Repeat("Long Name ", 20)), Address: "me@example.com"},
				To:        manyAddresses(40),
				Subject:   strings.TrimSpace(strings.Repeat("A long ASCII subject that goes on ", 40)),
				Text:      "x",
				MessageID: "long.1@example.com",
				Date:      date,
			},
		},
		{
			name: "long non-ASCII subject",
			msg: Message{
				From:      &mail.Address{Address: "me@example.com"},
				To:        []*mail.Address{{Address: "me@example.com"}},
				Subject:   strings.TrimSpace(strings.Repeat("Zoë — ", 200)),
				Text:      "x",
				MessageID: "long.2@example.com",
				Date:      date,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.msg
			raw, err := m.Bytes()
			if err != nil {
				t.Fatalf("Bytes() = %v", err)
			}
			p := parseMessage(t, raw)
			checkFolding(t, raw)

			if p.subject != m.Subject {
				t.Errorf("Subject = %q, want %q", p.subject, m.Subject)
			}
			checkAddresses(t, "From", p.from, []*mail.Address{m.From})
			checkAddresses(t, "To", p.to, m.To)
			if got, want := p.header.Get("Message-ID"), "<"+m.MessageID+">"; got != want {
				t.Errorf("Message-ID = %q, want %q", got, want)
			}
			if n := len(p.header["Message-Id"]); n != 1 {
				t.Errorf("%d Message-ID fields, want 1", n)
			}
			if n := bytes.Count(bytes.ToLower(raw), []byte("\r\nmessage-id:")); n != 1 {
				t.Errorf("%d Message-ID lines in the message, want 1", n)
			}
			if got, err := p.header.Date(); err != nil || !got.Equal(m.Date) {
				t.Errorf("Date = %v, %v; want %v", got, err, m.Date)
			}
			if got := p.header.Get("Auto-Submitted"); got != "auto-generated" {
				t.Errorf("Auto-Submitted = %q, want auto-generated", got)
			}
			if got := p.header.Get("MIME-Version"); got != "1.0" {
				t.Errorf("MIME-Version = %q, want 1.0", got)
			}
			if got := p.header.Get("Reply-To"); got != m.ReplyTo {
				t.Errorf("Reply-To = %q, want %q", got, m.ReplyTo)
			}
			wantRef := ""
			if m.InReplyTo != "" {
				wantRef = "<" + m.InReplyTo + ">"
			}
			if got := p.header.Get("In-Reply-To"); got != wantRef {
				t.Errorf("In-Reply-To = %q, want %q", got, wantRef)
			}
			if got := p.header.Get("References"); got != wantRef {
				t.Errorf("References = %q, want %q", got, wantRef)
			}
			for k, v := range m.Headers {
				if got := p.header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}

			wantType := "text/plain"
			if m.HTML != "" {
				wantType = "multipart/alternative"
			}
			if p.mediaType != wantType {
				t.Errorf("Content-Type = %q, want %q", p.mediaType, wantType)
			}
			if p.text != m.Text {
				t.Errorf("text part = %q, want %q", p.text, m.Text)
			}
			if p.html != m.HTML {
				t.Errorf("HTML part = %q, want %q", p.html, m.HTML)
			}
		})
	}
}

// checkFolding checks that every header line is within the 78 octets of
// RFC 5322 §2.1.1 unless it holds a single word that cannot be folded (an
// encoded-word after the field name).
func checkFolding(t *testing.T, raw []byte) {
	t.Helper()
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for i, line := range strings.Split(string(head), "\r\n") {
		if len(line) <= 78 {
			continue
		}
		rest := line[1:] // after the folding white space
		if _, value, ok := strings.Cut(line, ": "); ok && line[0] != ' ' {
			rest = value
		}
		if strings.ContainsAny(rest, " \t") {
			t.Errorf("header line %d is %d octets long and could have been folded: %q", i+1, len(line), line)
		}
	}
}

func manyAddresses(n int) []*mail.Address {
	var as []*mail.Address
	for i := range n {
		as = append(as, &mail.Address{Name: "Person Number " + string(rune('A'+i%26)), Address: "person" + strings.Repeat("x", i) + "@example.com"})
	}
	return as
}

func checkAddresses(t *testing.T, field string, got, want []*mail.Address) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s has %d addresses, want %d: %v", field, len(got), len(want), got)
		return
	}
	for i := range got {
		if got[i].Name != want[i].Name || got[i].Address != want[i].Address {
			t.Errorf("%s[%d] = %q <%s>, want %q <%s>", field, i, got[i].Name, got[i].Address, want[i].Name, want[i].Address)
		}
	}
}

func TestMessageBytesHeaderInjection(t *testing.T) {
	m := Message{
		From:      &mail.Address{Name: "Eve\r\nBcc: evil@example.net", Address: "me@example.com"},
		To:        []*mail.Address{{Name: "Zoë\nX-Injected: yes", Address: "me@example.com"}},
		Subject:   "Prep\r\nBcc: evil@example.net\r\n\r\nfake body",
		Text:      "body",
		MessageID: "inj.1@example.com",
		Date:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Headers:   map[string]string{"X-Leadup-Meeting": "k\r\nX-Injected: yes"},
	}
	raw, err := m.Bytes()
	if err != nil {
		t.Fatalf("Bytes() = %v", err)
	}
	p := parseMessage(t, raw)
	for _, field := range []string{"Bcc", "X-Injected"} {
		if v, ok := p.header[field]; ok {
			t.Errorf("message has an injected %s field: %q\n%s", field, v, raw)
		}
	}
	if strings.ContainsAny(p.subject, "\r\n") || !strings.HasPrefix(p.subject, "Prep") {
		t.Errorf("Subject = %q, want one line starting with Prep", p.subject)
	}
	if p.text != "body" {
		t.Errorf("text part = %q, want %q", p.text, "body")
	}
	if len(p.from) != 1 || strings.ContainsAny(p.from[0].Name, "\r\n") {
		t.Errorf("From = %v, want one address with a one-line name", p.from)
	}
}

func TestMessageBytesInvalid(t *testing.T) {
	valid := func() Message {
		return Message{
			From:      &mail.Address{Address: "me@example.com"},
			To:        []*mail.Address{{Address: "me@example.com"}},
			Subject:   "s",
			Text:      "t",
			MessageID: "id.1@example.com",
			Date:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		}
	}
	tests := []struct {
		name   string
		change func(m *Message)
	}{
		{"no From", func(m *Message) { m.From = nil }},
		{"no To", func(m *Message) { m.To = nil }},
		{"nil To address", func(m *Message) { m.To = []*mail.Address{nil} }},
		{"non-ASCII address", func(m *Message) { m.To[0].Address = "zoë@example.com" }},
		{"address without domain", func(m *Message) { m.To[0].Address = "me" }},
		{"bad Reply-To", func(m *Message) { m.ReplyTo = "not an address" }},
		{"no text", func(m *Message) { m.Text = "" }},
		{"no Date", func(m *Message) { m.Date = time.Time{} }},
		{"no Message-ID", func(m *Message) { m.MessageID = "" }},
		{"Message-ID with brackets", func(m *Message) { m.MessageID = "<id@example.com>" }},
		{"Message-ID without @", func(m *Message) { m.MessageID = "id.example.com" }},
		{"Message-ID with a line break", func(m *Message) { m.MessageID = "id@example.com\r\nBcc: x@y" }},
		{"bad In-Reply-To", func(m *Message) { m.InReplyTo = "a b@c" }},
		{"header overriding From", func(m *Message) { m.Headers = map[string]string{"from": "x@y"} }},
		{"header overriding Content-Type", func(m *Message) { m.Headers = map[string]string{"Content-Type": "text/html"} }},
		{"header name with a colon", func(m *Message) { m.Headers = map[string]string{"X-A:b": "c"} }},
		{"header name with a space", func(m *Message) { m.Headers = map[string]string{"X A": "c"} }},
		{"invalid UTF-8", func(m *Message) { m.Text = "\xff" }},
		{"unfoldable subject", func(m *Message) { m.Subject = strings.Repeat("x", 1200) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.change(&m)
			if raw, err := m.Bytes(); err == nil {
				t.Errorf("Bytes() = nil error, want one; message:\n%s", raw)
			}
		})
	}
	m := valid()
	if _, err := m.Bytes(); err != nil {
		t.Errorf("Bytes() of the valid base message = %v", err)
	}
}

func TestMessageIDDomain(t *testing.T) {
	tests := []struct {
		name string
		from *mail.Address
		want string
	}{
		{"plain", &mail.Address{Address: "me@Example.COM"}, "example.com"},
		{"with name", &mail.Address{Name: "Me", Address: "me@mail.example.org"}, "mail.example.org"},
		{"nil", nil, "leadup.invalid"},
		{"no @", &mail.Address{Address: "me"}, "leadup.invalid"},
		{"empty domain", &mail.Address{Address: "me@"}, "leadup.invalid"},
		{"non-ASCII domain", &mail.Address{Address: "me@bücher.example"}, "leadup.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MessageIDDomain(tt.from); got != tt.want {
				t.Errorf("MessageIDDomain(%v) = %q, want %q", tt.from, got, tt.want)
			}
		})
	}
}

func TestMessageBytesHostileSubject(t *testing.T) {
	word := "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte("\u202eCRLF\r\nBcc: x@evil")) + "?="
	tests := []struct {
		name, subject, want string
	}{
		// An encoded-word leadup did not decode (a title rendered before
		// calendars were sanitised) reaches the reader as written, not as
		// what it encodes.
		{"encoded-word", "Prep: " + word + " with Dana", "Prep: " + word + " with Dana"},
		{"encoded-word and non-ASCII", "Prép: " + word, "Prép: " + word},
		{"decoded", "Prep: \u202eCRLF\r\nBcc: x@evil", "Prep: CRLF  Bcc: x@evil"},
		// A fold next to the two spaces left of a line break would lose
		// one of them in Go's unfolding.
		{"long with a line break", strings.Repeat("abcd ", 13) + "a\r\ndefg and more words to fold", strings.Repeat("abcd ", 13) + "a  defg and more words to fold"},
		{"zero-width and isolates", "a\u200bb\u2066c\u2069\ufeffd\u061ce\u200f", "abcde"},
		{"C1 and line separators", "a\u0085b\u2028c", "a b c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Message{
				From:      &mail.Address{Address: "me@example.com"},
				To:        []*mail.Address{{Address: "me@example.com"}},
				Subject:   tt.subject,
				Text:      "body",
				MessageID: "hostile.1@example.com",
				Date:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			}
			raw, err := m.Bytes()
			if err != nil {
				t.Fatalf("Bytes() = %v", err)
			}
			p := parseMessage(t, raw)
			if v, ok := p.header["Bcc"]; ok {
				t.Errorf("message has an injected Bcc field: %q\n%s", v, raw)
			}
			if p.subject != tt.want {
				t.Errorf("Subject decodes to %q, want %q\n%s", p.subject, tt.want, raw)
			}
			if strings.ContainsAny(p.subject, "\r\n\u202e\u200b\u2066\ufeff") {
				t.Errorf("Subject decodes to %q, with a line break or hidden character", p.subject)
			}
		})
	}
}
