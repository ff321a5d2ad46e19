package reply

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestHostile feeds Extract messages built to exhaust time or memory and
// checks that each is handled quickly and with allocations bounded by a
// small multiple of its size.
func TestHostile(t *testing.T) {
	const mb = 1 << 20
	big := Options{MaxSize: 8 * mb, TemplateHeadings: templateHeadings}
	tests := []struct {
		name     string
		raw      func() string
		o        Options
		wantErr  error
		wantText func(t *testing.T, text string)
	}{
		{
			name: "5 MB body within the cap",
			raw: func() string {
				return "From: sam@example.com\r\nSubject: x\r\n\r\n" + strings.Repeat("me: send the budget by Friday, and then some more words\r\n> quoted\r\n", 5*mb/66)
			},
			o: big,
			wantText: func(t *testing.T, text string) {
				if !strings.HasPrefix(text, "me: send the budget") {
					t.Errorf("Text starts %q", text[:min(len(text), 40)])
				}
			},
		},
		{
			name:    "5 MB body over the default cap",
			raw:     func() string { return "From: sam@example.com\r\n\r\n" + strings.Repeat("a", 5*mb) },
			wantErr: ErrTooLarge,
		},
		{
			name: "5 MB single line",
			raw:  func() string { return "From: sam@example.com\r\n\r\n" + strings.Repeat("On a ", 1*mb) + " wrote:" },
			o:    big,
			wantText: func(t *testing.T, text string) {
				if len(text) < 5*mb {
					t.Errorf("len(Text) = %d, want the whole line", len(text))
				}
			},
		},
		{
			name: "5 MB of blank lines",
			raw:  func() string { return "From: sam@example.com\r\n\r\nok" + strings.Repeat("\n", 5*mb) + "end" },
			o:    big,
			wantText: func(t *testing.T, text string) {
				if text != "ok\n\nend" {
					t.Errorf("Text = %q, want %q", text, "ok\n\nend")
				}
			},
		},
		{
			name: "5,000 nested multiparts",
			raw: func() string {
				var sb strings.Builder
				sb.WriteString("From: sam@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n")
				for i := range 5000 {
					fmt.Fprintf(&sb, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i, i+1)
				}
				sb.WriteString("--b5000\r\nContent-Type: text/plain\r\n\r\ndeep\r\n")
				for i := 5000; i >= 0; i-- {
					fmt.Fprintf(&sb, "--b%d--\r\n", i)
				}
				return sb.String()
			},
		},
		{
			name: "thousands of sibling parts",
			raw: func() string {
				var sb strings.Builder
				sb.WriteString("From: sam@example.com\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n")
				for range 20000 {
					sb.WriteString("--b\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n")
				}
				sb.WriteString("--b--\r\n")
				return sb.String()
			},
		},
		{
			name: "100,000 nested divs",
			raw: func() string {
				return "From: sam@example.com\r\nContent-Type: text/html\r\n\r\n" + strings.Repeat("<div>", 100000) + "deep" + strings.Repeat("</div>", 100000)
			},
			o: big,
			wantText: func(t *testing.T, text string) {
				if text != "deep" {
					t.Errorf("Text = %q, want deep", text)
				}
			},
		},
		{
			name: "100,000 nested blockquotes with lines",
			raw: func() string {
				return "From: sam@example.com\r\nContent-Type: text/html\r\n\r\nmine" + strings.Repeat("<blockquote>", 100000) + strings.Repeat("x<br>", 200000)
			},
			o: big,
			wantText: func(t *testing.T, text string) {
				if text != "mine" {
					t.Errorf("Text = %q, want mine", text)
				}
			},
		},
		{
			name: "100,000 sibling paragraphs",
			raw: func() string {
				return "From: sam@example.com\r\nContent-Type: text/html\r\n\r\n" + strings.Repeat("<p>a</p> ", 100000)
			},
			o: big,
		},
		{
			name: "nested quote containers",
			raw: func() string {
				return "From: sam@example.com\r\nContent-Type: text/html\r\n\r\n" +
					strings.Repeat(`<div class="gmail_quote"><div style="border-top:solid 1px">`, 150) + strings.Repeat("<span></span>", 90000) + "<blockquote>x</blockquote>"
			},
			o: big,
		},
		{
			name: "millions of tags",
			raw: func() string {
				return "From: sam@example.com\r\nContent-Type: text/html\r\n\r\n" + strings.Repeat("<b><i>a</i></b>", 7*mb/16)
			},
			o: big,
		},
		{
			name: "huge header line",
			raw: func() string {
				return "From: sam@example.com\r\nX-Junk: " + strings.Repeat("a", 900*1024) + "\r\n\r\nok"
			},
			wantText: func(t *testing.T, text string) {
				if text != "ok" {
					t.Errorf("Text = %q, want ok", text)
				}
			},
		},
		{
			name: "base64 5 MB",
			raw: func() string {
				return "From: sam@example.com\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" + strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVph\r\n", 5*mb/38)
			},
			o: big,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte(tt.raw())
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			m, err := Extract(raw, tt.o)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Extract() = %v, want %v", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Extract() = %v", err)
			} else if tt.wantText != nil {
				tt.wantText(t, m.Text)
			}
			if limit := 2 * time.Second * raceSlowdown; elapsed > limit {
				t.Errorf("Extract() took %v, want under %v", elapsed, limit)
			}
			// Allocations: a small multiple of the input, plus a constant.
			alloc := after.TotalAlloc - before.TotalAlloc
			if limit := uint64(30*len(raw) + 16<<20); alloc > limit {
				t.Errorf("Extract() allocated %d MB for %d MB of input, want under %d MB", alloc>>20, len(raw)>>20, limit>>20)
			}
			t.Logf("%d KB in %v, %d MB allocated", len(raw)>>10, elapsed, alloc>>20)
		})
	}
}

// TestTimeout checks that Options.Deadline is enforced.
func TestTimeout(t *testing.T) {
	raw := "From: sam@example.com\r\nContent-Type: text/html\r\n\r\n" + strings.Repeat("<div>a</div>", 200000)
	_, err := Extract([]byte(raw), Options{Deadline: time.Nanosecond, MaxSize: 8 << 20})
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("Extract() with a 1ns deadline = %v, want ErrTimeout", err)
	}
}
