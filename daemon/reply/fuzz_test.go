package reply

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzExtract checks that no input makes Extract panic (which its recover
// would turn into a panicError) and that Text always keeps its promises.
func FuzzExtract(f *testing.F) {
	for _, file := range corpus(f) {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, file := range importedCorpus(f) {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	// The shapes of the marker tests, each in a minimal message.
	for _, body := range []string{
		"ok\r\n\r\n2026-11-24 11:28 GMT+01:00 Dana Reyes\r\n<dana@contoso.com\r\n>:\r\n\r\n> x",
		"Sounds good On Tue, Nov 24, 2026 at 5:05 PM Dana <dana@contoso.com> wrote:\r\n> x",
		"ok\r\n---- Dana wrote ----\r\n> x\r\n- Le 2026-11-24 23:25, Dana a écrit :\r\n",
		"ok\r\n*From:* a\r\n*Sent:* 1\r\n*To:* b\r\n*Subject:* c\r\n",
		"ok\r\n\r\n差出人: a@b\r\n送信日時: 2026年11月24日\r\n",
		"ok\r\nᐧ\r\nSent from my iPhone\r\n> a long quoted line that the client wrapped without repeating its marker\r\nrest\r\n> x",
		"ok\r\n____________________\r\nΑπό: x\r\n__\r\nlist mailing list",
		"Dana <dana@contoso.com> ezt írta (időpont: 2026. nov.\r\n24., K, 17:05):\r\n> x",
	} {
		f.Add([]byte("From: a@b\r\n\r\n" + body))
	}
	f.Add([]byte("From: a@b\r\nContent-Type: text/html\r\n\r\n<blockquote><ul><li>x<ol><li>y</blockquote>"))
	f.Add([]byte("From: a@b\r\nContent-Type: text/html\r\n\r\n<div>ok</div><hr data-marker=\"__DIVIDER__\"><span id=OLK_SRC_BODY_SECTION>x</span><div style=\"border-top-style: solid\">От: a</div>"))
	f.Add([]byte("From: a@b\r\nContent-Type: text/plain; format=flowed; delsp=yes\r\n\r\n> a \r\n>> b \r\n-- \r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Extract(raw, Options{TemplateHeadings: templateHeadings})
		var pe panicError
		if errors.As(err, &pe) {
			t.Fatalf("Extract() panicked: %v", pe.v)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrTimeout) {
				t.Fatalf("Extract() = %v, not one of the package's errors", err)
			}
			return
		}
		checkText(t, m.Text)
	})
}

// checkText fails t unless text has the shape Message.Text promises.
func checkText(t *testing.T, text string) {
	t.Helper()
	if !utf8.ValidString(text) {
		t.Fatalf("Text is not valid UTF-8: %q", text)
	}
	if text != strings.TrimSpace(text) {
		t.Fatalf("Text is not trimmed: %q", text)
	}
	if strings.Contains(text, "\n\n\n") {
		t.Fatalf("Text has two blank lines in a row: %q", text)
	}
	for _, l := range strings.Split(text, "\n") {
		if l != strings.TrimRight(l, " \t") {
			t.Fatalf("Text has trailing space in %q", l)
		}
	}
	for _, r := range text {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			t.Fatalf("Text has control character %U: %q", r, text)
		}
	}
}
