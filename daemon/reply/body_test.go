package reply

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// TestBodySelection covers which MIME part Extract reads.
func TestBodySelection(t *testing.T) {
	const hdr = "From: sam@example.com\r\nMIME-Version: 1.0\r\n"
	alt := func(plain, html string) string {
		return hdr + "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n" +
			"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + plain + "\r\n" +
			"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n--b--\r\n"
	}
	tests := []struct {
		name     string
		raw      string
		want     string
		htmlOnly bool
	}{
		{"text/plain preferred", alt("from text", "<div>from html</div>"), "from text", false},
		{"empty text/plain", alt("\r\n  \r\n", "<div>from html</div>"), "from html", true},
		{"see-HTML notice", alt("This message is in HTML format. Please use an HTML-capable mail client.", "<div>from html</div>"), "from html", true},
		{"html only", hdr + "Content-Type: text/html; charset=utf-8\r\n\r\n<p>x</p>", "x", true},
		{"no content type", "From: sam@example.com\r\n\r\nplain by default", "plain by default", false},
		{"damaged content type", hdr + "Content-Type: text/plain; charset=\r\n\r\nstill text", "still text", false},
		{"related around alternative", hdr + "Content-Type: multipart/related; boundary=\"r\"\r\n\r\n--r\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n--a\r\nContent-Type: text/html\r\n\r\n<b>deep</b>\r\n--a--\r\n--r\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n", "deep", true},
		{"attachment skipped", hdr + "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"notes.txt\"\r\n\r\nnot me\r\n--m\r\nContent-Type: text/plain\r\n\r\nme\r\n--m--\r\n", "me", false},
		{"forwarded message skipped", hdr + "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@y\r\n\r\nnot me\r\n--m\r\nContent-Type: text/plain\r\n\r\nme\r\n--m--\r\n", "me", false},
		{"non-text part skipped", hdr + "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n--m\r\nContent-Type: text/plain\r\n\r\nme\r\n--m--\r\n", "me", false},
		{"signed", hdr + "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"s\"\r\n\r\n--s\r\nContent-Type: text/plain\r\n\r\nsigned text\r\n--s\r\nContent-Type: application/pgp-signature\r\n\r\n-----BEGIN PGP SIGNATURE-----\r\n--s--\r\n", "signed text", false},
		{"truncated multipart", hdr + "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\ncut short", "cut short", false},
		{"damaged base64", hdr + "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString([]byte("kept part")) + "\r\n!!!!\r\n", "kept part", false},
		{"unknown transfer encoding", hdr + "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nraw", "raw", false},
		{"unknown charset, valid utf-8", hdr + "Content-Type: text/plain; charset=x-unknown\r\n\r\ncafé", "café", false},
		{"unknown charset, latin bytes", hdr + "Content-Type: text/plain; charset=x-unknown\r\n\r\ncaf\xe9", "café", false},
		{"no charset, html meta", hdr + "Content-Type: text/html\r\n\r\n<meta charset=\"iso-8859-2\"><p>\xb1</p>", "ą", true},
		{"format=flowed", hdr + "Content-Type: text/plain; format=flowed\r\n\r\none \r\ntwo\r\n", "one two", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Extract([]byte(tt.raw), Options{})
			if err != nil {
				t.Fatalf("Extract() = %v", err)
			}
			if m.Text != tt.want || m.HTMLOnly != tt.htmlOnly {
				t.Errorf("Extract() Text, HTMLOnly = %q, %v; want %q, %v", m.Text, m.HTMLOnly, tt.want, tt.htmlOnly)
			}
		})
	}
}

// TestCharsets decodes a body in each charset leadup's users send.
func TestCharsets(t *testing.T) {
	tests := []struct {
		charset string
		enc     encoding.Encoding // nil: UTF-8
		text    string
	}{
		{"utf-8", nil, "Décision: on garde 🚀"},
		{"iso-8859-1", charmap.ISO8859_1, "Größeres Budget für Schulungen"},
		{"iso-8859-15", charmap.ISO8859_15, "Budget : 2 000 € pour l'œuvre"},
		{"windows-1252", charmap.Windows1252, "We’ll keep the “lite” flow – Dana"},
		{"windows-1251", charmap.Windows1251, "Запуск переносится на январь"},
		{"koi8-r", charmap.KOI8R, "Релиз в пятницу остаётся"},
		{"iso-2022-jp", japanese.ISO2022JP, "金曜日のリリースは継続"},
		{"shift_jis", japanese.ShiftJIS, "採用計画を承認する"},
	}
	for _, tt := range tests {
		t.Run(tt.charset, func(t *testing.T) {
			body := tt.text
			if tt.enc != nil {
				b, err := tt.enc.NewEncoder().String(tt.text)
				if err != nil {
					t.Fatalf("encode: %v", err)
				}
				body = b
			}
			for _, cte := range []string{"8bit", "base64"} {
				b := body
				if cte == "base64" {
					b = base64.StdEncoding.EncodeToString([]byte(body))
				}
				raw := "From: sam@example.com\r\nContent-Type: text/plain; charset=\"" + strings.ToUpper(tt.charset) + "\"\r\nContent-Transfer-Encoding: " + cte + "\r\n\r\n" + b + "\r\n"
				m, err := Extract([]byte(raw), Options{})
				if err != nil {
					t.Fatalf("Extract() = %v", err)
				}
				if m.Text != tt.text {
					t.Errorf("Extract(%s, %s).Text = %q, want %q", tt.charset, cte, m.Text, tt.text)
				}
			}
		})
	}
}

// TestMboxFromLine checks that an mbox separator before the header is
// skipped.
func TestMboxFromLine(t *testing.T) {
	raw := "From sam@example.com Tue Nov 24 17:05:00 2026\nFrom: sam@example.com\nSubject: x\n\nok\n"
	m, err := Extract([]byte(raw), Options{})
	if err != nil {
		t.Fatalf("Extract() = %v", err)
	}
	if m.Text != "ok" || m.From == nil || m.From.Address != "sam@example.com" {
		t.Errorf("Extract() Text, From = %q, %v; want ok, sam@example.com", m.Text, m.From)
	}
}
