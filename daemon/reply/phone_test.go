package reply

import (
	"strings"
	"testing"
	"time"

	leaduprender "github.com/leadup/leadup/daemon/render"
)

// TestPhoneReplyAboveFollowup: a reply typed on a phone above the quoted
// follow-up, as leadup renders it, with short prefixes and the phone's
// signature. Extract keeps exactly what the user typed: nothing of the
// template, its top line "Reply above this line" included.
func TestPhoneReplyAboveFollowup(t *testing.T) {
	r, err := leaduprender.New("")
	if err != nil {
		t.Fatalf("leaduprender.New() = %v", err)
	}
	f, err := r.Followup(leaduprender.SampleFollowup(time.Date(2026, time.November, 23, 8, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatalf("Followup() = %v", err)
	}
	typed := "d: two weeknight windows for the EU cut-over\na: send Dana the runbook by Fri\ndone 12"
	var quoted strings.Builder
	for line := range strings.SplitSeq(strings.TrimRight(f.Text, "\n"), "\n") {
		quoted.WriteString(strings.TrimRight("> "+line, " ") + "\r\n")
	}
	for _, tt := range []struct{ name, attribution string }{
		{"iOS Mail", "On 24 Nov 2026, at 16:40, leadup <leadup@example.com> wrote:"},
		{"Gmail for Android", "On Tue, 24 Nov 2026, 16:40 leadup, <leadup@example.com> wrote:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := "From: Sam <me@example.com>\r\nTo: leadup <me+leadup@example.com>\r\nSubject: Re: " + f.Subject + "\r\n" +
				"Message-ID: <phone@mail.example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
				strings.ReplaceAll(typed, "\n", "\r\n") + "\r\n\r\nSent from my iPhone\r\n\r\n" + tt.attribution + "\r\n\r\n" + quoted.String()
			m, err := Extract([]byte(raw), Options{TemplateHeadings: r.FollowupHeadings()})
			if err != nil {
				t.Fatalf("Extract() = %v", err)
			}
			if m.Text != typed {
				t.Errorf("Extract().Text = %q, want exactly what was typed, %q", m.Text, typed)
			}
		})
	}
}
