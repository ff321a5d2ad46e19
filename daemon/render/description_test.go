package render

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
)

func TestDescriptionText(t *testing.T) {
	d := newDescriber()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only breaks", "<br><br>&nbsp;<p></p>", ""},
		{"plain text keeps its lines", "Agenda:\r\n1. Budget\n2. Hiring   \n\n\n\nThanks", "Agenda:\n1. Budget\n2. Hiring\n\nThanks"},
		{"tabs and lone carriage returns", "a\tb\rc\r\r\r\rd", "a    b\nc\n\nd"},
		{"plain text with an autolink is not HTML", "Join: <https://zoom.us/j/123>\na < b", "Join: <https://zoom.us/j/123>\na < b"},
		{"plain text entities decoded", "R&amp;D sync &#8212; Q&amp;A", "R&D sync — Q&A"},
		{"google calendar HTML", "Hi team<br><br><b>Agenda</b><ul><li>One</li><li>Two</li></ul>Bye",
			"Hi team\n\nAgenda\n- One\n- Two\nBye"},
		{"paragraphs", "<p>First   para\n  wraps</p><p>Second</p>", "First para wraps\n\nSecond"},
		{"nested lists", "<ul><li>A<ul><li>B</li><li>C</li></ul></li><li>D</li></ul>", "- A\n  - B\n  - C\n- D"},
		{"ordered list", "<ol><li>x</li><li>y</li></ol>", "1. x\n2. y"},
		{"script dropped", "Before<script>alert('<p>x</p>')</script>After", "BeforeAfter"},
		{"style dropped", "<style>p{color:red}</style><p>Text</p>", "Text"},
		{"head and title dropped", "<html><head><title>T</title><meta charset=utf-8></head><body><p>Hi</p></body></html>", "Hi"},
		{"unclosed svg does not hide the body", "<svg>x<body>Hello", "Hello"},
		{"comment dropped", "a<!-- secret -->b<br>", "ab"},
		{"entities", "<p>Fish &amp; chips &lt;3&nbsp;&eacute;t&eacute; &#x1F600;</p>", "Fish & chips <3 été 😀"},
		{"link", `See <a href="https://x.example/doc">the doc</a>.`, "See the doc <https://x.example/doc>."},
		{"link whose text is the URL", `<a href="https://x.example/">https://x.example/</a>`, "https://x.example/"},
		{"mailto link", `<a href="mailto:dana@example.com">dana@example.com</a>`, "dana@example.com"},
		{"link showing another host", `<a href="https://evil.example/j/1">meet.google.com/abc-defg-hij</a>`,
			"meet.google.com/abc-defg-hij <https://evil.example/j/1>"},
		{"link showing a URL that contains the target", `<a href="https://evil.example">https://evil.example.meet.google.com/</a>`,
			"https://evil.example.meet.google.com/ <https://evil.example>"},
		{"javascript link keeps its text only", `<a href="javascript:alert(1)">click</a>`, "click"},
		{"data link keeps its text only", `<a href="data:text/html,hi">click</a>`, "click"},
		{"image dropped", `a<img src="https://x/y.png" onerror="alert(1)">b`, "ab"},
		{"iframe dropped", `a<iframe src="https://evil.example">fallback</iframe>b`, "ab"},
		{"unclosed tags", "<b>bold <i>italic <ul><li>one", "bold italic\n- one"},
		{"stray end tags", "</ul></li></div>text</b>", "text"},
		{"pre keeps spacing", "<pre>a\n  b</pre>after", "a\n  b\n\nafter"},
		{"table cells", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"control characters", "a\x00b\x1b[31mc\u202e", "ab[31mc"},
		{"google meet block", "Agenda<br>-::~:~::~:~:~:~::~:~::-<br>Join with Google Meet: https://meet.google.com/abc<br>Please do not edit this section.<br>-::~:~::~:~:~:~::~:~::-<br>Bye",
			"Agenda\n\nBye"},
		{"teams block", "Notes\n\n________________________________________________________________________________\nMicrosoft Teams meeting\nJoin on your computer",
			"Notes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := d.text(tt.in); got != tt.want {
				t.Errorf("text(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDescriptionHTML(t *testing.T) {
	d := newDescriber()
	tests := []struct {
		name   string
		in     string
		want   []string // substrings of the output
		absent []string
	}{
		{"empty", "", nil, []string{"<"}},
		{"formatting kept", "<p>Hi <b>team</b>, <i>see</i> <u>this</u></p><ul><li>one</li></ul>",
			[]string{`<p style="margin:0 0 8px;">Hi <b>team</b>, <i>see</i> <u>this</u></p>`, `<ul style=`, `<li style="margin:0 0 2px;">one</li>`}, nil},
		{"script", "Before<script>alert(1)</script>After", []string{"Before", "After"}, []string{"<script", "alert"}},
		{"img onerror", `<img src=x onerror=alert(1)>text`, []string{"text"}, []string{"<img", "onerror", "alert"}},
		{"javascript link", `<a href="javascript:alert(1)">click</a>`, []string{"click"}, []string{"<a", "javascript"}},
		{"javascript link, mixed case and spaces", `<a href="  JaVaScRiPt:alert(1)">click</a>`, []string{"click"}, []string{"<a", "avaScRiPt"}},
		{"javascript link, entity-encoded", `<a href="&#106;avascript:alert(1)">click</a>`, []string{"click"}, []string{"<a", "avascript"}},
		{"data link", `<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`, []string{"x"}, []string{"data:", "<a"}},
		{"iframe", `<iframe src="https://evil.example"></iframe>ok`, []string{"ok"}, []string{"<iframe", "evil"}},
		{"style element", `<style>p{color:red}</style><p>Text</p>`, []string{"Text"}, []string{"<style", "color:red"}},
		{"style attribute", `<div style="background:url(javascript:alert(1))">x</div>`, []string{"x"}, []string{"url(", "javascript"}},
		{"event handler", `<b onclick="steal()">b</b>`, []string{"<b>b</b>"}, []string{"onclick", "steal"}},
		{"form", `<form action="https://evil.example"><input name=p value=secret><button>Go</button></form>`, nil, []string{"<form", "<input", "<button", "evil"}},
		{"svg script", `<svg><script>alert(1)</script></svg>ok`, []string{"ok"}, []string{"<svg", "<script", "alert"}},
		{"mutation XSS", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, nil, []string{"<img", "onerror", "<style", "<math"}},
		{"good link", `<a href="https://x.example/doc?a=1&amp;b=2" title="t" target="_self">the doc</a>`,
			[]string{`<a href="https://x.example/doc?a=1&amp;b=2" rel="nofollow noopener noreferrer" target="_blank" style="color:#0b57d0;">the doc</a>`},
			[]string{"title=", "_self"}},
		{"link showing another host", `<p>Join: <a href="https://evil.example/j/1"><b>meet.google.com</b>/abc-defg-hij</a></p>`,
			[]string{`style="color:#0b57d0;"><b>meet.google.com</b>/abc-defg-hij</a> (goes to evil.example)`}, nil},
		{"link showing a longer host", `<a href="https://meet.google.com.evil.example/abc">https://meet.google.com/abc</a>`,
			[]string{`</a> (goes to meet.google.com.evil.example)`}, nil},
		{"link showing its own host", `<a href="https://www.Example.com/doc">example.com/doc</a> and <a href="https://x.example/a.html?next=y.example">https://x.example/a.html</a>`,
			[]string{`example.com/doc</a> and`, `https://x.example/a.html</a>`}, []string{"goes to"}},
		{"link text without a host", `<a href="https://evil.example/">the agenda</a>`, []string{"the agenda</a>"}, []string{"goes to"}},
		{"mailto link", `<a href="mailto:dana@example.com">Dana</a>`, []string{`href="mailto:dana@example.com"`}, nil},
		{"relative link", `<a href="/admin">x</a>`, []string{"x"}, []string{"<a"}},
		{"unclosed tags are closed", "<b>bold <ul><li>one", []string{"<b>bold <ul", "</li></ul></b>"}, nil},
		{"stray end tags dropped", "</ul></div>text</b>", []string{"text"}, []string{"</ul>", "</div>", "</b>"}},
		{"plain text linkified", "Notes: https://docs.example/d/1.\nSecond line & more",
			[]string{`<a href="https://docs.example/d/1" rel="nofollow noopener noreferrer" target="_blank" style="color:#0b57d0;">https://docs.example/d/1</a>.<br>`, "Second line &amp; more"}, nil},
		{"plain text is escaped", "<notatag> & \"q\"", []string{"&lt;notatag&gt; &amp; &#34;q&#34;"}, []string{"<notatag"}},
		{"words filters take for script", "<p>javascript: and onerror are words</p>", []string{"javascript&#58; and o&#110;error"}, []string{"javascript:", "onerror"}},
		{"a URL with those words is no link", `<a href="https://x.example/onerror?u=javascript:1">x</a>`, []string{"x"}, []string{"<a", "onerror", "javascript:"}},
		{"a plain-text URL with those words is no link", "see https://x.example/?q=JavaScript:1 now", []string{"https://x.example/?q=JavaScript&#58;1"}, []string{"<a", "javascript:"}},
		{"boilerplate removed, so made from text", "<b>Agenda</b><br>-::~:~::~:~::-<br>Join with Google Meet<br>-::~:~::~:~::-",
			[]string{"Agenda"}, []string{"Google Meet", "<b>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(d.html(tt.in))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("html(%q) = %q, want it to contain %q", tt.in, got, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(strings.ToLower(got), strings.ToLower(a)) {
					t.Errorf("html(%q) = %q, want no %q", tt.in, got, a)
				}
			}
			checkSafeHTML(t, got)
		})
	}
}

func TestTrimURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://x.example/a.", "https://x.example/a"},
		{"https://x.example/a).", "https://x.example/a"},
		{"https://en.example/wiki/Go_(language)", "https://en.example/wiki/Go_(language)"},
		{"https://en.example/wiki/Go_(language)).", "https://en.example/wiki/Go_(language)"},
		{"https://x.example/?q=a,b", "https://x.example/?q=a,b"},
		{"https://x.example/" + strings.Repeat(")", 100000), "https://x.example/"},
	}
	for _, tt := range tests {
		t.Run(short(40, tt.in), func(t *testing.T) {
			if got := trimURL(tt.in); got != tt.want {
				t.Errorf("trimURL(%q) = %q, want %q", short(60, tt.in), got, tt.want)
			}
		})
	}
}

// TestDescriptionLimits feeds descriptions built to be expensive: deep
// nesting that would blow a recursive walker's stack or a quadratic
// algorithm's time, and sheer size.
func TestDescriptionLimits(t *testing.T) {
	d := newDescriber()
	tests := []struct {
		name string
		in   string
	}{
		{"10,000 nested divs", strings.Repeat("<div>", 10000) + "deep" + strings.Repeat("</div>", 10000)},
		{"10,000 nested unclosed lists", strings.Repeat("<ul><li>", 10000) + "deep"},
		{"10,000 nested bold, closed wrongly", strings.Repeat("<b><i>", 10000) + "deep" + strings.Repeat("</b>", 10000)},
		{"10,000 nested links", strings.Repeat(`<a href="https://x.example/">`, 10000) + "deep"},
		{"10,000 unmatched end tags", strings.Repeat("<p>", 5000) + strings.Repeat("</b></i></u>", 10000)},
		{"10 MB of paragraphs", strings.Repeat("<p>Lorem ipsum dolor sit amet.</p>", 10<<20/33)},
		{"10 MB of plain text", strings.Repeat("All work and no play. ", 10<<20/22)},
		{"10 MB in one tag", "<p title=\"" + strings.Repeat("x", 10<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			text := d.text(tt.in)
			html := string(d.html(tt.in))
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("took %v", el)
			}
			if n := utf8.RuneCountInString(text); n > maxDescRunes+len(shortenedNote)+4 {
				t.Errorf("text is %d runes long", n)
			}
			if n := strings.Count(html, "<div") + strings.Count(html, "<ul") + strings.Count(html, "<li") +
				strings.Count(html, "<b>") + strings.Count(html, "<i>") + strings.Count(html, "<a ") + strings.Count(html, "<p "); n > 2*maxNest+2 &&
				!strings.Contains(html, shortenedNote) {
				t.Errorf("HTML nests %d elements", n)
			}
			checkSafeHTML(t, html)
		})
	}
	long := strings.Repeat("word ", 2000)
	if got := d.text(long); !strings.HasSuffix(got, shortenedNote) || utf8.RuneCountInString(got) > maxDescRunes+len(shortenedNote)+4 {
		t.Errorf("text(10,000 chars) = %d runes ending %q, want it cut with a note", utf8.RuneCountInString(got), got[len(got)-80:])
	}
	if got := string(d.html(long)); !strings.Contains(got, shortenedNote) {
		t.Errorf("html(10,000 chars) has no note that it was cut")
	}
}

// allowedAttrs are the attributes each element may carry in a sanitised
// description.
var allowedAttrs = map[string]string{
	"a": "href rel target style", "p": "style", "div": "style", "ul": "style", "ol": "style", "li": "style",
	"blockquote": "style", "pre": "style", "code": "style", "br": "", "b": "", "strong": "", "i": "", "em": "",
	"u": "", "s": "", "strike": "", "del": "",
}

// checkSafeHTML fails unless html is made of allowed elements with allowed
// attributes, links are http, https or mailto, and the words that filters
// take for script are absent.
func checkSafeHTML(t testing.TB, html string) {
	t.Helper()
	lower := strings.ToLower(html)
	for _, bad := range []string{"<script", "javascript:", "onerror"} {
		if strings.Contains(lower, bad) {
			t.Fatalf("HTML contains %q: %q", bad, short(300, html))
		}
	}
	z := xhtml.NewTokenizer(strings.NewReader(html))
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
			tok := z.Token()
			attrs, ok := allowedAttrs[tok.Data]
			if !ok {
				t.Fatalf("HTML has element <%s>: %q", tok.Data, short(300, html))
			}
			for _, a := range tok.Attr {
				if !strings.Contains(" "+attrs+" ", " "+a.Key+" ") {
					t.Fatalf("HTML has <%s %s=%q>", tok.Data, a.Key, a.Val)
				}
				if a.Key == "href" && safeURL(a.Val) == "" {
					t.Fatalf("HTML links to %q", a.Val)
				}
				if a.Key == "rel" && a.Val != linkRel {
					t.Fatalf("HTML has rel=%q", a.Val)
				}
			}
		case xhtml.CommentToken, xhtml.DoctypeToken:
			t.Fatalf("HTML has a comment or doctype: %q", short(300, html))
		}
	}
}

func FuzzDescription(f *testing.F) {
	for _, s := range []string{
		"", "plain\ntext", "<b>bold</b><br>x", `<a href="javascript:alert(1)">x</a>`, "<script>alert(1)</script>",
		`<img src=x onerror=alert(1)>`, "<ul><li>a<li>b</ul>", "<pre>a\n b</pre>", "&amp;&lt;&#0;&#xD800;",
		`<a href="https://x/?q=JavaScript:1">onError</a>`, "<svg><style>x</style></svg>", "-::~:~::-\nx\n-::~:~::-",
		"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "<p>" + strings.Repeat("<div>", 100),
		"<a href=\"mailto:a@b\">a@b</a>", "https://x.example/a) b", "<title>", "\xff\xfe<b>", "javascript&#58;",
	} {
		f.Add(s)
	}
	d := newDescriber()
	f.Fuzz(func(t *testing.T, s string) {
		text := d.text(s)
		html := string(d.html(s))
		checkSafeHTML(t, html)
		for _, r := range text {
			if r != '\n' && isControl(r) {
				t.Fatalf("text(%q) has control character %U", s, r)
			}
		}
		if n := utf8.RuneCountInString(text); n > maxDescRunes+len(shortenedNote)+4 {
			t.Fatalf("text is %d runes long", n)
		}
		if (text == "") != (html == "") {
			t.Fatalf("text(%q) = %q but html = %q: both or neither must be empty", s, text, html)
		}
	})
}
