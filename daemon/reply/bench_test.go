package reply

import (
	"bytes"
	"fmt"
	"mime/quotedprintable"
	"strings"
	"testing"
)

// gmailReply30KB builds a typical HTML-only reply: Gmail markup, a short
// top-posted answer, a signature and the quoted follow-up template with a
// long list of open items, about 30 KB in all.
func gmailReply30KB(tb testing.TB) []byte {
	tb.Helper()
	var h strings.Builder
	h.WriteString(`<div dir="ltr"><div>Decisions:</div><div>- We keep the Friday release train, Dana signed off</div><div>- Hiring: one senior backend role opens in January</div><div><br></div>`)
	h.WriteString(`<div>Action items:</div><div>- me: send the budget by Friday</div><div>- Dana: approve the hiring plan (due 12/3)</div><div><br></div><div>done 12</div><div><br></div><div>Thanks,</div><div>Sam</div>`)
	h.WriteString(`<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature"><div dir="ltr"><div>Sam Lee</div><div>Engineering Manager, Payments</div><div>+1 415 555 0134</div></div></div></div>`)
	h.WriteString(`<br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Tue, 24 Nov 2026 at 17:05, leadup &lt;<a href="mailto:leadup@example.com">leadup@example.com</a>&gt; wrote:<br></div>`)
	h.WriteString(`<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tbody><tr><td style="padding:28px 32px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:22px;color:#1f2328">`)
	h.WriteString(`<h1 style="margin:0 0 16px 0;padding:0;font-size:20px;line-height:28px;font-weight:700;color:#1f2328">How did your 1:1 with Dana go (Tue 24 Nov)?</h1><p style="margin:0 0 16px 0">Note it down while it is fresh: reply and write under the headings.</p>`)
	for _, s := range templateHeadings {
		fmt.Fprintf(&h, `<p style="margin:0;font-weight:600">%s:</p><p style="margin:0 0 14px 0;color:#9ca3af">-</p>`, s)
	}
	h.WriteString(`<p style="margin:8px 0 4px 0;font-weight:600">Still open with Dana <span style="font-weight:400;color:#6b7280">(reply “done 12” to close one)</span></p><ul style="margin:0 0 16px 0;padding:0 0 0 22px">`)
	for i := 0; h.Len() < 29_000; i++ {
		fmt.Fprintf(&h, `<li style="margin:0 0 6px 0"><span style="font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;color:#57606a">[%d]</span> Send Dana the Q1 headcount plan draft, item %d <span style="color:#6b7280;white-space:nowrap">(you, %d days overdue)</span></li>`, 12+i, i, i%9)
	}
	h.WriteString(`</ul><p style="margin:0 0 12px 0;color:#57606a">Reply to this email and write under the headings; a line like “me: send the budget by Friday” or “Dana: approve the hiring plan” sets who owns it.</p></td></tr></tbody></table></div></blockquote></div>`)

	var body bytes.Buffer
	qp := quotedprintable.NewWriter(&body)
	if _, err := qp.Write([]byte(h.String())); err != nil {
		tb.Fatal(err)
	}
	if err := qp.Close(); err != nil {
		tb.Fatal(err)
	}
	raw := "Delivered-To: leadup@example.com\r\n" +
		"MIME-Version: 1.0\r\n" +
		"References: <followup-20261124-1705.7f3a9c@example.com>\r\n" +
		"In-Reply-To: <followup-20261124-1705.7f3a9c@example.com>\r\n" +
		"From: Sam Lee <sam.lee@gmail.com>\r\n" +
		"Date: Tue, 24 Nov 2026 18:41:00 +0100\r\n" +
		"Message-ID: <CAK7gq3x9Vt4mP0b2oWq+Hc1nR5s8eFyT6uJdLw3ZkA_QmXp1Bg@mail.gmail.com>\r\n" +
		"Subject: Re: Follow-up: 1:1 with Dana\r\n" +
		"To: leadup <leadup@example.com>\r\n" +
		"Content-Type: text/html; charset=\"UTF-8\"\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
		body.String()
	return []byte(raw)
}

// TestGmailReply30KB checks the benchmark's input gives the expected text,
// so the benchmark measures a correct run.
func TestGmailReply30KB(t *testing.T) {
	raw := gmailReply30KB(t)
	m, err := Extract(raw, Options{TemplateHeadings: templateHeadings})
	if err != nil {
		t.Fatalf("Extract() = %v", err)
	}
	want := "Decisions:\n- We keep the Friday release train, Dana signed off\n- Hiring: one senior backend role opens in January\n\n" +
		"Action items:\n- me: send the budget by Friday\n- Dana: approve the hiring plan (due 12/3)\n\ndone 12\n\nThanks,\nSam"
	if m.Text != want {
		t.Errorf("Extract().Text = %q, want %q", m.Text, want)
	}
	if !m.HTMLOnly {
		t.Error("Extract().HTMLOnly = false, want true")
	}
	if len(raw) < 29_000 || len(raw) > 40_000 {
		t.Errorf("input is %d bytes, want about 30 KB", len(raw))
	}
}

// BenchmarkExtractHTML30KB measures a typical HTML reply. The target is
// under 2 ms/op, i.e. at least 1,000 replies a second on one core.
func BenchmarkExtractHTML30KB(b *testing.B) {
	raw := gmailReply30KB(b)
	o := Options{TemplateHeadings: templateHeadings}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(raw, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "replies/s")
}
