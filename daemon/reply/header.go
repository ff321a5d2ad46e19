package reply

import (
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"
)

var (
	// msgIDRe finds <id> tokens when a Message-ID list does not parse as
	// RFC 5322 msg-ids (some clients put comments or bare IDs there).
	msgIDRe = regexp.MustCompile(`<([^<>\s]{1,500})>`)
	// addrRe finds bare addresses in an address list that net/mail rejects.
	addrRe = regexp.MustCompile(`[^\s<>,;:"()\[\]]{1,200}@[^\s<>,;:"()\[\]]{1,200}`)
)

// readHeader fills the header fields of a Message. It never fails: a field
// that does not parse is left empty, since a damaged Cc must not cost the
// user their reply.
func readHeader(h message.Header) *Message {
	m := &Message{Header: make(map[string][]string, h.Len())}
	for f := h.Fields(); f.Next(); {
		v, err := f.Text()
		if err != nil {
			v = f.Value()
		}
		// Keys are canonical already: go-message's textproto.ReadHeader
		// applies textproto.CanonicalMIMEHeaderKey.
		m.Header[f.Key()] = append(m.Header[f.Key()], strings.ToValidUTF8(v, "\uFFFD"))
	}

	mh := gomail.Header{Header: h}
	if id, err := mh.MessageID(); err == nil {
		m.MessageID = id
	} else if ids := lenientIDs(h.Get("Message-Id")); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	if ids := msgIDList(mh, "In-Reply-To"); len(ids) > 0 {
		m.InReplyTo = ids[0]
	}
	m.References = msgIDList(mh, "References")

	// net/mail's parser handles RFC 2047 display names itself; give it
	// every charset go-message knows instead of its three defaults.
	ap := &mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader}}
	if v := h.Get("From"); v != "" {
		if a, err := ap.Parse(v); err == nil {
			m.From = a
		} else if l, err := ap.ParseList(v); err == nil && len(l) > 0 {
			m.From = l[0]
		}
	}
	m.To = addresses(ap, h.Values("To"))
	m.Cc = addresses(ap, h.Values("Cc"))
	m.DeliveredTo = addresses(ap, append(h.Values("Delivered-To"), h.Values("X-Original-To")...))

	if s, err := h.Text("Subject"); err == nil {
		m.Subject = s
	} else {
		m.Subject = h.Get("Subject")
	}
	m.Subject = strings.ToValidUTF8(m.Subject, "\uFFFD")
	if d, err := mh.Date(); err == nil {
		m.Date = d
	}
	return m
}

func msgIDList(mh gomail.Header, key string) []string {
	ids, err := mh.MsgIDList(key)
	if err != nil {
		return lenientIDs(mh.Get(key))
	}
	return ids
}

// lenientIDs returns the <…> tokens of v, or v itself when it is one bare
// token, as some broken clients write it.
func lenientIDs(v string) []string {
	var ids []string
	for _, sm := range msgIDRe.FindAllStringSubmatch(v, 100) {
		ids = append(ids, sm[1])
	}
	if ids == nil {
		if v = strings.TrimSpace(v); v != "" && !strings.ContainsAny(v, " \t<>") && utf8.ValidString(v) {
			ids = []string{v}
		}
	}
	return ids
}

// addresses returns the bare addresses in the address-list values vs,
// lower-cased and without duplicates.
func addresses(ap *mail.AddressParser, vs []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(a string) {
		a = strings.ToLower(strings.TrimSpace(a))
		if a != "" && !seen[a] && utf8.ValidString(a) {
			seen[a] = true
			out = append(out, a)
		}
	}
	for _, v := range vs {
		if l, err := ap.ParseList(v); err == nil {
			for _, a := range l {
				add(a.Address)
			}
			continue
		}
		for _, a := range addrRe.FindAllString(v, 100) {
			add(a)
		}
	}
	return out
}
