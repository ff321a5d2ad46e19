package reply

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
)

var update = flag.Bool("update", false, "rewrite testdata/replies/*.txt from Extract's output (review every diff: the .txt files are the spec)")

// templateHeadings are the headings of leadup's follow-up template.
// minCorpus is the least number of corpus messages the tests accept.
const minCorpus = 40

var templateHeadings = []string{"Decisions", "Action items", "Feedback", "Next time"}

func corpus(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "replies", "*.eml"))
	if err != nil {
		t.Fatalf("Glob() = %v", err)
	}
	if len(files) < minCorpus {
		t.Fatalf("corpus has %d messages, want at least 40", len(files))
	}
	return files
}

// TestCorpus runs Extract on every testdata/replies/*.eml and compares Text
// with the sibling .txt, byte for byte.
func TestCorpus(t *testing.T) {
	for _, file := range corpus(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Extract(raw, Options{TemplateHeadings: templateHeadings})
			if err != nil {
				t.Fatalf("Extract() = %v", err)
			}
			want := strings.TrimSuffix(file, ".eml") + ".txt"
			if *update {
				if err := os.WriteFile(want, []byte(m.Text), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			exp, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			if m.Text != string(exp) {
				t.Errorf("Extract(%s).Text =\n%s\n---- want ----\n%s", name, m.Text, exp)
			}
			if m.Auto {
				t.Errorf("Extract(%s).Auto = true (%s), want false", name, m.AutoReason)
			}
		})
	}
}

// TestCorpusHTML runs the HTML alternative of every corpus message that has
// one through the HTML path, so that each client's markup is tested even
// where Extract prefers the text part. The expected text is the sibling
// .html.txt when the two renderings legitimately differ (list markers,
// Outlook's text bullets), else the .txt.
func TestCorpusHTML(t *testing.T) {
	for _, file := range corpus(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		src, ok := htmlPart(t, raw)
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			b := newBudget(time.Minute)
			text, err := htmlToText(src, b)
			if err != nil {
				t.Fatalf("htmlToText() = %v", err)
			}
			got, err := userText(text, templateHeadings, b)
			if err != nil {
				t.Fatalf("userText() = %v", err)
			}
			want := strings.TrimSuffix(file, ".eml") + ".txt"
			if _, err := os.Stat(strings.TrimSuffix(file, ".eml") + ".html.txt"); err == nil {
				want = strings.TrimSuffix(file, ".eml") + ".html.txt"
			}
			exp, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(exp) {
				t.Errorf("HTML part of %s =\n%s\n---- want (%s) ----\n%s", name, got, filepath.Base(want), exp)
			}
		})
	}
}

// htmlPart returns the decoded first text/html part of raw.
func htmlPart(t testing.TB, raw []byte) (string, bool) {
	t.Helper()
	e, err := message.Read(strings.NewReader(string(raw)))
	if err != nil && !message.IsUnknownCharset(err) {
		t.Fatalf("message.Read() = %v", err)
	}
	var src string
	found := errors.New("found")
	err = e.Walk(func(_ []int, p *message.Entity, _ error) error {
		if mt, _, _ := p.Header.ContentType(); mt == "text/html" {
			b, err := io.ReadAll(p.Body)
			if err != nil {
				return err
			}
			src = string(b)
			return found
		}
		return nil
	})
	return src, errors.Is(err, found)
}

// TestHeaders checks the header fields Extract returns on a few corpus
// messages from different clients.
func TestHeaders(t *testing.T) {
	cet := time.FixedZone("", 3600)
	tests := []struct {
		file        string
		messageID   string
		inReplyTo   string
		references  []string
		from        string // address
		fromName    string
		to          []string
		deliveredTo []string
		subject     string
		date        time.Time
		htmlOnly    bool
	}{
		{
			file:        "gmail-web-top-post",
			messageID:   "CAK7gq3x9Vt4mP0b2oWq+Hc1nR5s8eFyT6uJdLw3ZkA_QmXp1Bg@mail.gmail.com",
			inReplyTo:   "followup-20261124-1705.7f3a9c@example.com",
			references:  []string{"followup-20261124-1705.7f3a9c@example.com"},
			from:        "sam.lee@gmail.com",
			fromName:    "Sam Lee",
			to:          []string{"leadup@example.com"},
			deliveredTo: []string{"leadup@example.com"},
			subject:     "Re: Follow-up: 1:1 with Dana",
			date:        time.Date(2026, 11, 24, 18, 41, 0, 0, cet),
		},
		{
			file:        "outlook-plain-fr-latin9",
			messageID:   "PR3P192MB0714A1B2C3D4E5F6A7B8C9D0E1F2@PR3P192MB0714.EURP192.PROD.OUTLOOK.COM",
			inReplyTo:   "followup-20261124-1705.7f3a9c@example.com",
			references:  []string{"followup-20261124-1705.7f3a9c@example.com"},
			from:        "sam.lefevre@contoso.fr",
			fromName:    "Sam Lefèvre", // RFC 2047 in ISO-8859-15
			to:          []string{"leadup@example.com"},
			deliveredTo: []string{"leadup@example.com"},
			subject:     "RE: Follow-up: 1:1 with Dana",
			date:        time.Date(2026, 11, 24, 17, 48, 19, 0, time.UTC),
		},
		{
			file:        "outlook-ru-cp1251",
			messageID:   "2f4b6d8e0a1c4e6a8c0e2a4c6e8a0c2e@contoso.ru",
			inReplyTo:   "followup-20261124-1705.7f3a9c@example.com",
			references:  []string{"followup-20261124-1705.7f3a9c@example.com"},
			from:        "sam.levin@contoso.ru",
			fromName:    "Сэм Левин",
			to:          []string{"leadup@example.com"},
			deliveredTo: []string{"leadup@example.com"},
			subject:     "RE: Follow-up: 1:1 with Dana — итоги",
			date:        time.Date(2026, 11, 24, 17, 21, 7, 0, time.UTC),
		},
		{
			file:        "apple-mail-macos",
			messageID:   "8C2F1E4A-7B3D-4E5F-9A1B-2C3D4E5F6A7B@icloud.com",
			inReplyTo:   "followup-20261124-1705.7f3a9c@example.com",
			references:  []string{"followup-20261124-1705.7f3a9c@example.com"},
			from:        "sam.lee@icloud.com",
			fromName:    "Sam Lee",
			to:          []string{"leadup@example.com"},
			deliveredTo: []string{"leadup@example.com"}, // Delivered-To and X-Original-To, deduplicated
			subject:     "Re: Follow-up: 1:1 with Dana",
			date:        time.Date(2026, 11, 24, 18, 14, 52, 0, cet),
		},
		{
			file:        "thunderbird-html-inline",
			messageID:   "9a1c3e5b-7d2f-4a6c-8e1b-5d7f9a3c5e7b@posteo.net",
			inReplyTo:   "followup-20261124-1705.7f3a9c@example.com",
			references:  []string{"followup-20261124-1705.7f3a9c@example.com"},
			from:        "sam.lee@posteo.net",
			fromName:    "Sam Lee",
			to:          []string{"leadup@example.com"},
			deliveredTo: []string{"leadup@example.com"},
			subject:     "Re: Follow-up: 1:1 with Dana",
			date:        time.Date(2026, 11, 24, 18, 36, 48, 0, cet),
			htmlOnly:    true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "replies", tt.file+".eml"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Extract(raw, Options{TemplateHeadings: templateHeadings})
			if err != nil {
				t.Fatalf("Extract() = %v", err)
			}
			if m.MessageID != tt.messageID {
				t.Errorf("MessageID = %q, want %q", m.MessageID, tt.messageID)
			}
			if m.InReplyTo != tt.inReplyTo {
				t.Errorf("InReplyTo = %q, want %q", m.InReplyTo, tt.inReplyTo)
			}
			if !slices.Equal(m.References, tt.references) {
				t.Errorf("References = %q, want %q", m.References, tt.references)
			}
			if m.From == nil || m.From.Address != tt.from || m.From.Name != tt.fromName {
				t.Errorf("From = %v, want %q <%s>", m.From, tt.fromName, tt.from)
			}
			if !slices.Equal(m.To, tt.to) {
				t.Errorf("To = %q, want %q", m.To, tt.to)
			}
			if !slices.Equal(m.DeliveredTo, tt.deliveredTo) {
				t.Errorf("DeliveredTo = %q, want %q", m.DeliveredTo, tt.deliveredTo)
			}
			if m.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.subject)
			}
			if !m.Date.Equal(tt.date) {
				t.Errorf("Date = %v, want %v", m.Date, tt.date)
			}
			if m.HTMLOnly != tt.htmlOnly {
				t.Errorf("HTMLOnly = %v, want %v", m.HTMLOnly, tt.htmlOnly)
			}
			if got := m.Header["Message-Id"]; len(got) != 1 || got[0] != "<"+tt.messageID+">" {
				t.Errorf(`Header["Message-Id"] = %q, want ["<%s>"]`, got, tt.messageID)
			}
		})
	}
}

// TestHeaderOddities covers header fields that do not parse strictly.
func TestHeaderOddities(t *testing.T) {
	raw := "From: not an address at all\r\n" +
		"To: \"Lee, Sam\" <SAM@Contoso.COM>, leadup <LeadUp@Example.com>\r\n" +
		"Cc: broken <<dana@contoso.com>, jordan@contoso.com\r\n" +
		"Delivered-To: LEADUP@example.com\r\n" +
		"X-Original-To: leadup+abc123@example.com\r\n" +
		"Message-ID: bare-id@contoso.com\r\n" +
		"In-Reply-To: <first@example.com> (comment) <second@example.com>\r\n" +
		"References: <a@example.com> <b@example.com>\r\n" +
		"Subject: =?utf-8?b?UmU6IPCfmoAgbGF1bmNo?=\r\n" +
		"Date: yesterday-ish\r\n" +
		"\r\n" +
		"done 12\r\n"
	m, err := Extract([]byte(raw), Options{})
	if err != nil {
		t.Fatalf("Extract() = %v", err)
	}
	if m.From != nil {
		t.Errorf("From = %v, want nil", m.From)
	}
	if want := []string{"sam@contoso.com", "leadup@example.com"}; !slices.Equal(m.To, want) {
		t.Errorf("To = %q, want %q", m.To, want)
	}
	if want := []string{"dana@contoso.com", "jordan@contoso.com"}; !slices.Equal(m.Cc, want) {
		t.Errorf("Cc = %q, want %q", m.Cc, want)
	}
	if want := []string{"leadup@example.com", "leadup+abc123@example.com"}; !slices.Equal(m.DeliveredTo, want) {
		t.Errorf("DeliveredTo = %q, want %q", m.DeliveredTo, want)
	}
	if m.MessageID != "bare-id@contoso.com" {
		t.Errorf("MessageID = %q, want bare-id@contoso.com", m.MessageID)
	}
	if m.InReplyTo != "first@example.com" {
		t.Errorf("InReplyTo = %q, want first@example.com", m.InReplyTo)
	}
	if want := []string{"a@example.com", "b@example.com"}; !slices.Equal(m.References, want) {
		t.Errorf("References = %q, want %q", m.References, want)
	}
	if m.Subject != "Re: 🚀 launch" {
		t.Errorf("Subject = %q, want %q", m.Subject, "Re: 🚀 launch")
	}
	if !m.Date.IsZero() {
		t.Errorf("Date = %v, want zero", m.Date)
	}
	if m.Text != "done 12" {
		t.Errorf("Text = %q, want %q", m.Text, "done 12")
	}
}

// TestErrors checks the error classes.
func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		o    Options
		want error
	}{
		{name: "empty", raw: "", want: ErrMalformed},
		{name: "no header", raw: "\r\njust a body\r\n", want: ErrMalformed},
		{name: "garbage header line", raw: "this is not a header\r\n\r\nbody", want: ErrMalformed},
		{name: "too large", raw: "Subject: x\r\n\r\n" + strings.Repeat("a", 2000), o: Options{MaxSize: 1000}, want: ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Extract([]byte(tt.raw), tt.o)
			if !errors.Is(err, tt.want) {
				t.Errorf("Extract() = %v, want an error wrapping %v", err, tt.want)
			}
		})
	}
}
