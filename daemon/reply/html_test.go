package reply

import (
	"testing"
	"time"
)

func runHTML(t *testing.T, in string) string {
	t.Helper()
	b := newBudget(time.Minute)
	text, err := htmlToText(in, b)
	if err != nil {
		t.Fatalf("htmlToText() = %v", err)
	}
	got, err := userText(text, templateHeadings, b)
	if err != nil {
		t.Fatalf("userText() = %v", err)
	}
	return got
}

// TestHTMLToText covers the structure HTML-to-text keeps.
func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"divs and br", "<div>a</div><div>b<br>c</div><div><br></div><div>d</div>", "a\nb\nc\n\nd"},
		{"paragraphs", "<p>a</p><p>b</p>", "a\n\nb"},
		{"outlook paragraphs", `<p class=MsoNormal>a<o:p></o:p></p><p class=MsoNormal>b<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>c</p>`, "a\nb\n\nc"},
		{"whitespace collapsed", "<div>  a \n\t b  <b> c </b>d</div>", "a b c d"},
		{"entities", "<div>&lt;me&gt; &amp; Dana &quot;ok&quot; &eacute;&#8212;&#x2713;</div>", "<me> & Dana \"ok\" é—✓"},
		{"script style head title dropped", "<html><head><title>t</title><style>p{}</style></head><body><script>alert(1)</script><div>a</div></body></html>", "a"},
		{"list", "<div>Decisions:</div><ul><li>a</li><li>b</li></ul><div>x</div>", "Decisions:\n- a\n- b\n\nx"},
		{"ordered list", "<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"},
		{"nested lists", "<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li><li>d</li></ul>", "- a\n  - b\n    1. c\n- d"},
		{"unclosed li and p", "<ul><li>a<li>b</ul><p>c<p>d", "- a\n- b\n\nc\n\nd"},
		{"heading paragraph above list", "<p>Decisions:</p><ul><li>a</li></ul>", "Decisions:\n- a"},
		{"table cells", "<table><tr><td>a</td><td>b</td></tr></table>", "a\nb"},
		{"pre keeps lines", "<pre>a  b\nc</pre>", "a  b\nc"},
		{"blockquote quoted", "<div>ok</div><blockquote>old<blockquote>older</blockquote></blockquote>", "ok"},
		{"gmail indent is not a quote", `<div>a</div><blockquote style="margin:0 0 0 40px;border:none;padding:0px"><div>indented</div></blockquote>`, "a\nindented"},
		{"text between blockquotes", `<blockquote type="cite"><p>Decisions:</p><p>-</p></blockquote><div>ship it</div><blockquote type="cite"><p>Action items:</p></blockquote><div>me: x</div>`, "Decisions:\nship it\n\nAction items:\nme: x"},
		{"unknown and unclosed tags", "<x-foo>a<span>b</x-foo></span></br>c", "ab\nc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runHTML(t, tt.in); got != tt.want {
				t.Errorf("HTML %q =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

// TestHTMLContainers covers each client's quote and signature markup.
func TestHTMLContainers(t *testing.T) {
	const tpl = "<p>Decisions:</p><p>-</p>"
	tests := []struct {
		name, in, want string
	}{
		{"gmail quote", `<div dir="ltr">ok</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, 24 Nov 2026 at 17:05, leadup &lt;leadup@example.com&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">` + tpl + `</blockquote></div>`, "ok"},
		{"gmail forward", `<div dir="ltr">ok</div><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: leadup</div><br>` + tpl + `</div>`, "ok"},
		{"gmail signature", `<div dir="ltr">ok<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">Sam Lee</div></div>`, "ok"},
		{"gmail signature by data attribute", `<div>ok</div><div data-smartmail="gmail_signature">Sam Lee</div>`, "ok"},
		{"outlook divRplyFwdMsg", `<div>ok</div><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>From:</b> leadup<br><b>Sent:</b> Tuesday</font></div>` + tpl, "ok"},
		{"outlook appendonsend", `<div>ok</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">` + tpl, "ok"},
		{"outlook x_ prefixed id", `<div>ok</div><div id="x_divRplyFwdMsg">From: leadup</div>` + tpl, "ok"},
		{"outlook border-top block", `<p class=MsoNormal>ok</p><div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p class=MsoNormal><b>From:</b> leadup &lt;leadup@example.com&gt;<br><b>Sent:</b> Tuesday</p></div></div>` + tpl, "ok"},
		{"a border-top box of the user's stays", `<div style="border-top:solid 1px #ccc">Decisions:</div><div>ok</div>`, "Decisions:\nok"},
		{"outlook mobile", `<div dir="ltr">ok</div><div id="ms-outlook-mobile-signature"><div><br></div>Get <a href="https://aka.ms/o0ukef">Outlook for iOS</a></div><div id="mail-editor-reference-message-container"><div style="border-style: solid none none;"><b>From: </b>leadup</div>` + tpl + `</div>`, "ok"},
		{"outlook signature", `<div>ok</div><div id="Signature"><div>Sam Lee</div></div>`, "ok"},
		{"apple mail", `<div>ok</div><div><br><div>On Nov 24, 2026, at 17:05, leadup &lt;leadup@example.com&gt; wrote:</div><br class="Apple-interchange-newline"><blockquote type="cite">` + tpl + `</blockquote></div>`, "ok"},
		{"apple signature", `<div>ok</div><div id="AppleMailSignature">Sam</div>`, "ok"},
		{"ios mail", `<div dir="ltr">ok</div><div dir="ltr"><br id="lineBreakAtBeginningOfSignature"><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote type="cite">On 24 Nov 2026, at 17:05, leadup &lt;leadup@example.com&gt; wrote:<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">` + tpl + `</div></blockquote></div>`, "ok"},
		{"thunderbird", `<p>ok</p><div class="moz-cite-prefix">On 24/11/2026 17:05, leadup wrote:<br></div><blockquote type="cite" cite="mid:x@example.com">` + tpl + `</blockquote><div class="moz-signature">-- <br>Sam</div>`, "ok"},
		{"thunderbird pre signature", `<p>ok</p><pre class="moz-signature" cols="72">-- 
Sam</pre>`, "ok"},
		{"thunderbird forward", `<p>ok</p><div class="moz-forward-container"><br>-------- Forwarded Message --------<table class="moz-email-headers-table"><tr><th>Subject:</th><td>x</td></tr></table>` + tpl + `</div>`, "ok"},
		{"protonmail", `<div>ok</div><div class="protonmail_signature_block"><div class="protonmail_signature_block-proton">Sent with <a href="https://proton.me">Proton Mail</a> secure email.</div></div><div class="protonmail_quote">On Tuesday, November 24th, 2026 at 17:05, leadup &lt;leadup@example.com&gt; wrote:<br><blockquote class="protonmail_quote" type="cite">` + tpl + `</blockquote></div>`, "ok"},
		{"fastmail div qt", `<div>ok</div><div id="qt"><div>On Tue, 24 Nov 2026, at 17:05, leadup wrote:</div><blockquote type="cite" id="qt">` + tpl + `</blockquote></div>`, "ok"},
		{"fastmail blockquote qt", `<div>ok</div><div>On Tue, 24 Nov 2026, at 17:05, leadup wrote:</div><blockquote id="qt">` + tpl + `</blockquote>`, "ok"},
		{"yahoo", `<div>ok</div><div id="ydp1yahoo_quoted_1" class="ydp1yahoo_quoted"><div>On Tuesday, November 24, 2026, leadup wrote:</div><div>` + tpl + `</div></div>`, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runHTML(t, tt.in); got != tt.want {
				t.Errorf("HTML %q =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}
