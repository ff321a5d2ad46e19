package reply

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	htmlcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
)

// candidate is a body part that may hold the user's text.
type candidate struct {
	text string
	html bool // text is HTML source
	ok   bool
}

// walker walks a MIME tree looking for the body, within limits.
type walker struct {
	b       *budget
	parts   int
	maxBody int64 // decoded bytes read from one part
	err     error // first budget error; stops the walk
}

// selectBody returns the part that carries what the user wrote: the first
// text/plain of a multipart/alternative unless it is empty or only points to
// the HTML, else the HTML. Attachments, forwarded messages (message/rfc822)
// and non-text parts are skipped.
func selectBody(ent *message.Entity, b *budget, maxSize int64) (candidate, error) {
	// Charset conversion can turn one byte into three (ISO-8859-x to UTF-8).
	w := &walker{b: b, maxBody: 3*maxSize + 1024}
	c := w.walk(ent, 0)
	if w.err != nil {
		return candidate{}, w.err
	}
	return c, nil
}

func (w *walker) walk(e *message.Entity, depth int) candidate {
	w.parts++
	if w.parts > maxParts || w.err != nil {
		return candidate{}
	}
	if err := w.b.check(); err != nil {
		w.err = err
		return candidate{}
	}
	if disp, _, _ := e.Header.ContentDisposition(); disp == "attachment" {
		return candidate{}
	}
	mt, params := mediaType(e.Header)
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		if depth >= maxMIMEDepth {
			return candidate{}
		}
		return w.multipart(e, mt, depth)
	case mt == "text/plain":
		s := w.read(e, params)
		if strings.EqualFold(params["format"], "flowed") {
			s = unflow(s, strings.EqualFold(params["delsp"], "yes"))
		}
		return candidate{text: s, ok: true}
	case mt == "text/html":
		return candidate{text: w.read(e, params), html: true, ok: true}
	}
	return candidate{}
}

func (w *walker) multipart(e *message.Entity, mt string, depth int) candidate {
	mr := e.MultipartReader()
	if mr == nil {
		return candidate{}
	}
	var plain, html candidate
	for {
		p, err := mr.NextPart()
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			// io.EOF, or a damaged part header or boundary: keep what was
			// found so far.
			break
		}
		c := w.walk(p, depth+1)
		if w.err != nil || w.parts > maxParts {
			break
		}
		if !c.ok {
			continue
		}
		if mt != "multipart/alternative" {
			// mixed, related, signed, report…: the first body-like part is
			// the body; what follows is attachments or the report itself.
			return c
		}
		if c.html {
			if !html.ok {
				html = c
			}
			continue
		}
		if !plain.ok {
			plain = c
			if !pointsToHTML(c.text) {
				// Preferred; no need to read the HTML alternative.
				return plain
			}
		}
	}
	switch {
	case plain.ok && (!html.ok || !pointsToHTML(plain.text)):
		return plain
	case html.ok:
		return html
	}
	return plain
}

// pointsToHTML reports a text/plain alternative that holds no text of its
// own: empty, or a short "this message is in HTML" notice.
func pointsToHTML(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return true
	}
	return len(s) < 200 && strings.Contains(strings.ToLower(s), "html")
}

// mediaType returns the lower-cased media type and parameters. A missing
// Content-Type means text/plain (RFC 2045 §5.2); a damaged one keeps what
// precedes its parameters.
func mediaType(h message.Header) (string, map[string]string) {
	mt, params, err := h.ContentType()
	if err == nil && mt != "" {
		return mt, params
	}
	v := h.Get("Content-Type")
	if v == "" {
		return "text/plain", map[string]string{}
	}
	mt, _, _ = strings.Cut(v, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	if mt == "" {
		mt = "text/plain"
	}
	return mt, map[string]string{}
}

// read returns a text part's body as UTF-8. go-message has already undone
// the transfer encoding and, when the charset is known, the charset; a part
// that names no charset, or one nobody knows, and is not valid UTF-8 is
// decoded from the charset an HTML part declares in a <meta>, else from
// windows-1252, the usual suspect.
func (w *walker) read(e *message.Entity, params map[string]string) string {
	// An error here is damaged base64 or quoted-printable, or a truncated
	// multipart: keep what decoded.
	data, _ := io.ReadAll(io.LimitReader(e.Body, w.maxBody))
	if utf8.Valid(data) {
		return string(data)
	}
	cs := strings.ToLower(params["charset"])
	if cs == "" || cs == "us-ascii" || cs == "utf-8" || charsetUnknown(cs) {
		if mt, _, _ := e.Header.ContentType(); mt == "text/html" {
			if enc, name, _ := htmlcharset.DetermineEncoding(data, "text/html"); enc != nil && name != "utf-8" {
				if s, err := enc.NewDecoder().Bytes(data); err == nil {
					return string(s)
				}
			}
		}
		if s, err := charmap.Windows1252.NewDecoder().Bytes(data); err == nil {
			return string(s)
		}
	}
	return strings.ToValidUTF8(string(data), "\uFFFD")
}

func charsetUnknown(cs string) bool {
	if message.CharsetReader == nil {
		return true
	}
	_, err := message.CharsetReader(cs, strings.NewReader(""))
	return err != nil
}

// unflow undoes format=flowed (RFC 3676): a line ending in a space is
// joined with the next one of the same quote depth, one leading space is
// removed (space-stuffing, §4.4), and with DelSp=yes the space that marked
// the soft break is removed too (§4.2). Quoted lines are written back with
// one ">" per level and a space (§4.5), so that quote handling downstream
// does not need to know the text was flowed.
func unflow(s string, delSp bool) string {
	var out strings.Builder
	out.Grow(len(s))
	var para strings.Builder
	paraDepth, inPara := 0, false
	flush := func() {
		if !inPara {
			return
		}
		if paraDepth > 0 {
			out.WriteString(strings.Repeat(">", paraDepth))
			out.WriteByte(' ')
		}
		out.WriteString(para.String())
		out.WriteByte('\n')
		para.Reset()
		inPara = false
	}
	for len(s) > 0 {
		var line string
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			line, s = s, ""
		}
		line = strings.TrimSuffix(line, "\r")
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		line = line[depth:]
		line = strings.TrimPrefix(line, " ") // space-stuffing
		if inPara && depth != paraDepth {
			// §4.5: a flowed line followed by one of another depth is
			// treated as fixed.
			flush()
		}
		flowed := strings.HasSuffix(line, " ") && line != "-- "
		if flowed && delSp {
			line = line[:len(line)-1]
		}
		para.WriteString(line)
		paraDepth, inPara = depth, true
		if !flowed {
			flush()
		}
	}
	flush()
	return out.String()
}
