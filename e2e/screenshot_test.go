package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/leadup/leadup/daemon/render"
)

// minContrast is WCAG AA's least contrast for body text (success criterion
// 1.4.3).
const minContrast = 4.5

// The screen sizes: the window is as tall as a screenshot should be, so a
// long email is cut at the bottom. The phone is an iPhone's 390 by 844 CSS
// pixels.
var screens = []struct {
	name          string
	width, height int
}{
	{"desktop", 1024, 900},
	{"phone", 390, 844},
}

// The two palettes' page and card backgrounds, as layout.html.tmpl sets
// them; the screenshots must show them.
var backgrounds = map[string]struct{ page, card string }{
	"light": {"#f3f4f6", "#ffffff"},
	"dark":  {"#0d1117", "#161b22"},
}

// TestScreenshots renders the brief, the follow-up, the confirmation and the
// digest and shows each in headless Chromium, from Debian's chromium
// package, in the light and the dark colour scheme, at a desktop's width and
// a phone's. Each screenshot is checked: the page and the card have the
// palette's background for the scheme (so the dark rules really applied),
// and the text on the card stands out from it. The rendered HTML is checked
// too, without a browser: every piece of text meets WCAG AA contrast against
// what is behind it in both palettes, as the inline styles (light) and the
// <style> block's rules (dark) colour it. And at a phone's width nothing may
// be wider than the screen.
//
// LEADUP_SCREENSHOTS_DIR=docs/screenshots (relative to the repository root)
// keeps the screenshots there (its .gitignore keeps out all but the ones the
// README shows); otherwise they go to a temporary directory.
func TestScreenshots(t *testing.T) {
	chromium := findChromium(t)
	now := screenshotNow()
	rnd, err := render.New("")
	if err != nil {
		t.Fatalf("render.New() = %v", err)
	}
	emails := []struct {
		name   string
		render func() (render.Rendered, error)
	}{
		// The samples "leadup preview -sample" shows; the confirmation
		// is the one of a reply to the sample follow-up.
		{"brief", func() (render.Rendered, error) { return rnd.Brief(render.SampleBrief(now)) }},
		{"followup", func() (render.Rendered, error) { return rnd.Followup(render.SampleFollowup(now)) }},
		{"confirm", func() (render.Rendered, error) { return rnd.Confirm(render.SampleConfirm(now)) }},
		{"digest", func() (render.Rendered, error) { return rnd.Digest(render.SampleDigest(now)) }},
		{"nudge", func() (render.Rendered, error) { return rnd.Nudge(render.SampleNudge(now)) }},
	}
	pages, out := t.TempDir(), screenshotDir(t)
	start := time.Now()
	t.Cleanup(func() {
		t.Logf("%d emails rendered and checked in %v; screenshots in %s", len(emails), time.Since(start).Round(time.Millisecond), out)
	})

	for _, e := range emails {
		r, err := e.render()
		if err != nil {
			t.Fatalf("render %s: %v", e.name, err)
		}
		page := filepath.Join(pages, e.name+".html")
		must(t, os.WriteFile(page, []byte(r.HTML), 0o644))
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			checkContrast(t, r.HTML)
			t.Run("fits-phone", func(t *testing.T) {
				t.Parallel()
				checkFits(t, chromium, pages, e.name, r.HTML, screens[1].width)
			})
			for _, scheme := range []string{"light", "dark"} {
				for _, s := range screens {
					name := e.name + "-" + scheme + "-" + s.name
					t.Run(scheme+"-"+s.name, func(t *testing.T) {
						t.Parallel()
						shot := filepath.Join(out, name+".png")
						screenshot(t, chromium, page, shot, scheme, s.width, s.height)
						checkScreenshot(t, shot, scheme, s.width, s.height)
					})
				}
			}
		})
	}
}

// screenshotNow is the golden files' "now", so that screenshots taken again
// differ only where the emails changed.
func screenshotNow() time.Time {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		loc = time.FixedZone("CET", 3600)
	}
	return time.Date(2026, time.November, 23, 8, 0, 0, 0, loc)
}

// findChromium returns the chromium binary. Without it the test is skipped,
// but not in the end-to-end run, where .ci/run installs it.
func findChromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err == nil {
		return path
	}
	if os.Getenv("LEADUP_E2E") == "1" {
		t.Fatalf("chromium not found (%v): the screenshot test needs Debian's chromium package (apt-get install chromium)", err)
	}
	t.Skip("chromium not found: install Debian's chromium package, or set LEADUP_E2E=1 to make this a failure")
	return ""
}

// screenshotDir is where the screenshots go: LEADUP_SCREENSHOTS_DIR, taken
// from the repository root when relative, or a temporary directory.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LEADUP_SCREENSHOTS_DIR")
	if dir == "" {
		return t.TempDir()
	}
	if !filepath.IsAbs(dir) {
		// go test runs in the package's directory, e2e/.
		dir = filepath.Join("..", dir)
	}
	must(t, os.MkdirAll(dir, 0o755))
	abs, err := filepath.Abs(dir)
	must(t, err)
	return abs
}

// runChromium runs headless chromium with args after flags that keep it
// quiet: no sandbox only as root (where it refuses to start with one), a
// profile of its own, no GPU, no first-run work, none of the background
// requests a browser makes (updates, sync, safe browsing), and no name
// resolved, so that nothing leaves the machine even by mistake. It returns
// standard output.
func runChromium(t *testing.T, chromium string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	flags := []string{
		"--headless",
		"--user-data-dir=" + t.TempDir(),
		"--disable-gpu",
		"--hide-scrollbars",
		"--force-device-scale-factor=1",
		"--force-color-profile=srgb",
		"--no-first-run",
		"--no-default-browser-check",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-default-apps",
		"--disable-extensions",
		"--disable-breakpad",
		"--disable-domain-reliability",
		"--disable-client-side-phishing-detection",
		"--metrics-recording-only",
		"--host-resolver-rules=MAP * ~NOTFOUND",
	}
	if os.Geteuid() == 0 {
		flags = append(flags, "--no-sandbox")
	}
	cmd := exec.CommandContext(ctx, chromium, append(flags, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("%w after %v", ctx.Err(), time.Minute)
		}
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// screenshot writes a PNG of page as chromium shows it in scheme ("light"
// or "dark") in a window of width by height. --screenshot waits for the
// page to load; the emails load nothing else.
func screenshot(t *testing.T, chromium, page, out, scheme string, width, height int) {
	t.Helper()
	// Blink's preferredColorScheme setting is what prefers-color-scheme
	// answers: 0 dark, 1 light. Set either way, so that the machine's
	// own theme cannot leak in.
	pref := map[string]string{"dark": "0", "light": "1"}[scheme]
	runChromium(t, chromium,
		"--blink-settings=preferredColorScheme="+pref,
		fmt.Sprintf("--window-size=%d,%d", width, height),
		"--screenshot="+out,
		fileURL(page))
}

func fileURL(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		panic(err)
	}
	return "file://" + filepath.ToSlash(abs)
}

// checkScreenshot checks a screenshot: its size; the page's background in a
// corner and the card's at the top of the card, which must be the scheme's;
// and that some text on the card contrasts with it by at least minContrast,
// which fails if the card went dark but its text did not follow.
func checkScreenshot(t *testing.T, path, scheme string, width, height int) {
	t.Helper()
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("png.Decode(%s) = %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Fatalf("%s is %dx%d, want %dx%d", path, b.Dx(), b.Dy(), width, height)
	}
	want := backgrounds[scheme]
	// The page: the top left corner. The card: the middle of its top
	// padding (16px of page above it, a 1px border, 24px of padding).
	if got := hexOf(img.At(2, 2)); !near(got, want.page) {
		t.Errorf("%s: page background %s, want %s for the %s scheme", path, got, want.page, scheme)
	}
	card := hexOf(img.At(width/2, 28))
	if !near(card, want.card) {
		t.Fatalf("%s: card background %s, want %s for the %s scheme", path, card, want.card, scheme)
	}
	// The card spans 600px at most, centred, 8px in from a phone's edges.
	cw := min(600, width-16)
	x0 := (width - cw) / 2
	lc, darkest, lightest := luminance(card), 1.0, 0.0
	for y := 40; y < height; y++ {
		for x := x0 + 2; x < x0+cw-2; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			l := rgbLuminance(uint8(r>>8), uint8(g>>8), uint8(b>>8))
			darkest, lightest = math.Min(darkest, l), math.Max(lightest, l)
		}
	}
	best := math.Max((lc+0.05)/(darkest+0.05), (lightest+0.05)/(lc+0.05))
	if best < minContrast {
		t.Errorf("%s: the strongest text on the card contrasts %.2f:1 with it, want at least %.1f:1", path, best, minContrast)
	}
}

// near says whether two colours differ by at most 2 in every channel, for
// rounding in the renderer.
func near(a, b string) bool {
	ra, ga, ba := rgbOf(a)
	rb, gb, bb := rgbOf(b)
	d := func(x, y uint8) bool { return max(x, y)-min(x, y) <= 2 }
	return d(ra, rb) && d(ga, gb) && d(ba, bb)
}

func hexOf(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// checkFits loads the email at a phone's width, in an iframe of that width
// since a headless window is never narrower than 500px, and fails if
// anything in it reaches past the screen's edge. A script in the page around
// the iframe measures, after the load event (which waits for the iframe),
// and writes what it found into the page that --dump-dom prints. The email
// itself has no script.
func checkFits(t *testing.T, chromium, dir, name, page string, width int) {
	t.Helper()
	probe := filepath.Join(dir, name+"-fits.html")
	must(t, os.WriteFile(probe, []byte(fmt.Sprintf(fitsProbe, width, html.EscapeString(page))), 0o644))
	dom := string(runChromium(t, chromium, "--window-size=800,1000", "--dump-dom", fileURL(probe)))
	m := regexp.MustCompile(`(?s)<pre id="result">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil || !strings.HasPrefix(m[1], "viewport ") {
		t.Fatalf("chromium --dump-dom %s: no measurement in:\n%s", probe, dom)
	}
	lines := strings.Split(html.UnescapeString(m[1]), "\n")
	var vw, sw int
	if _, err := fmt.Sscanf(lines[0]+" "+lines[1], "viewport %d scrollWidth %d", &vw, &sw); err != nil {
		t.Fatalf("measurement %q: %v", lines[:2], err)
	}
	if vw != width {
		t.Fatalf("the iframe's viewport is %dpx wide, want %d", vw, width)
	}
	if sw > vw || len(lines) > 2 {
		t.Errorf("at %dpx the email is %dpx wide; too wide:\n%s", vw, sw, strings.Join(lines[2:], "\n"))
	}
}

// fitsProbe is the page around the email for checkFits: the width and the
// escaped email.
const fitsProbe = `<!DOCTYPE html>
<html><body style="margin:0">
<iframe id="email" style="width:%dpx;height:900px;border:0" srcdoc="%s"></iframe>
<pre id="result"></pre>
<script>
addEventListener("load", function () {
  var d = document.getElementById("email").contentDocument;
  var w = d.documentElement.clientWidth, out = ["viewport " + w, "scrollWidth " + d.documentElement.scrollWidth];
  d.querySelectorAll("body *").forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > w + 0.5 || r.left < -0.5)) {
      out.push(e.tagName.toLowerCase() + " " + Math.round(r.left) + ".." + Math.round(r.right) + "px: " +
        e.textContent.replace(/\s+/g, " ").trim().slice(0, 60));
    }
  });
  document.getElementById("result").textContent = out.join("\n");
});
</script>
</body></html>
`

// checkContrast checks, in both palettes, that every piece of visible text
// in page contrasts with what is behind it by at least minContrast. The
// light palette is the inline styles; the dark one is the inline styles
// overridden by the rules of the prefers-color-scheme: dark block, which the
// Outlook.com rules ([data-ogsc], [data-ogsb]) must repeat.
func checkContrast(t *testing.T, page string) {
	t.Helper()
	dark, ogs := darkRules(t, page)
	for _, r := range dark {
		for _, prop := range []string{"color", "background-color"} {
			attr := map[string]string{"color": "[data-ogsc] ", "background-color": "[data-ogsb] "}[prop]
			if v := r.decls[prop]; v != "" && ogs[attr+r.selector] != v {
				t.Errorf("%s is %s in the dark block but %q for Outlook.com (%s%s)", r.selector, v, ogs[attr+r.selector], attr, r.selector)
			}
		}
	}
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("html.Parse() = %v", err)
	}
	seen := map[string]bool{}
	for _, scheme := range []string{"light", "dark"} {
		var rules []rule
		if scheme == "dark" {
			rules = dark
		}
		var walk func(n *html.Node, fg, bg string, hidden bool)
		walk = func(n *html.Node, fg, bg string, hidden bool) {
			if n.Type == html.ElementNode {
				switch n.DataAtom {
				case atom.Head, atom.Style, atom.Script:
					return
				}
				style := inlineStyle(n)
				hidden = hidden || style["display"] == "none"
				own := ""
				if v := style["color"]; v != "" {
					own = v
				}
				if v := style["background-color"]; v != "" {
					bg = v
				}
				for _, r := range rules {
					if r.matches(n) {
						if v := r.decls["color"]; v != "" {
							own = v
						}
						if v := r.decls["background-color"]; v != "" {
							bg = v
						}
					}
				}
				if own != "" {
					fg = own
				} else if n.DataAtom == atom.A && !hidden {
					// A link takes the browser's link colour, not its parent's.
					t.Errorf("%s: a link without a colour of its own: %s", scheme, describe(n))
				}
			}
			if n.Type == html.TextNode && !hidden && strings.TrimSpace(n.Data) != "" {
				text := strings.Join(strings.Fields(n.Data), " ")
				if !hexColour.MatchString(fg) || !hexColour.MatchString(bg) {
					t.Errorf("%s: %q in %s: colour %q on %q, want both set as #rrggbb", scheme, text, describe(n.Parent), fg, bg)
				} else if c := contrast(fg, bg); c < minContrast {
					key := scheme + fg + bg + describe(n.Parent)
					if !seen[key] {
						seen[key] = true
						t.Errorf("%s: %q in %s: %s on %s contrasts %.2f:1, want at least %.1f:1", scheme, text, describe(n.Parent), fg, bg, c, minContrast)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, fg, bg, hidden)
			}
		}
		walk(doc, "", "", false)
	}
}

// rule is a CSS rule of one selector: ".class" or ".class tag".
type rule struct {
	selector string
	class    string
	tag      string // "" for the element with the class itself
	decls    map[string]string
}

// matches says whether n is what r selects.
func (r rule) matches(n *html.Node) bool {
	if r.tag == "" {
		return hasClass(n, r.class)
	}
	if n.Data != r.tag {
		return false
	}
	for p := n.Parent; p != nil; p = p.Parent {
		if hasClass(p, r.class) {
			return true
		}
	}
	return false
}

var (
	cssRule     = regexp.MustCompile(`([^{}]+)\{([^{}]*)\}`)
	cssSelector = regexp.MustCompile(`^(\[data-ogs[bc]\] )?\.([a-z0-9-]+)(?: ([a-z]+))?$`)
	styleBlock  = regexp.MustCompile(`(?s)<style>(.*?)</style>`)
)

// darkRules parses the page's <style> blocks: the rules of its
// prefers-color-scheme: dark block, one per selector, and the Outlook.com
// declarations by selector ("[data-ogsc] .lu-text") and property value.
func darkRules(t *testing.T, page string) ([]rule, map[string]string) {
	t.Helper()
	var dark []rule
	ogs := map[string]string{}
	for _, m := range styleBlock.FindAllStringSubmatch(page, -1) {
		css := m[1]
		inDark := false
		if i := strings.Index(css, "@media (prefers-color-scheme: dark) {"); i >= 0 {
			j := strings.LastIndex(css, "}")
			css, inDark = css[i+len("@media (prefers-color-scheme: dark) {"):j], true
		}
		for _, rm := range cssRule.FindAllStringSubmatch(css, -1) {
			decls := map[string]string{}
			for _, d := range strings.Split(rm[2], ";") {
				k, v, ok := strings.Cut(d, ":")
				if ok {
					decls[strings.TrimSpace(k)] = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "!important"))
				}
			}
			for _, sel := range strings.Split(rm[1], ",") {
				sel = strings.TrimSpace(sel)
				if sel == ":root" {
					continue
				}
				sm := cssSelector.FindStringSubmatch(sel)
				if sm == nil {
					t.Fatalf("a selector this test cannot follow: %q", sel)
				}
				switch {
				case inDark && sm[1] == "":
					dark = append(dark, rule{selector: sel, class: sm[2], tag: sm[3], decls: decls})
				case !inDark && sm[1] == "[data-ogsc] ":
					ogs[sel] = decls["color"]
				case !inDark && sm[1] == "[data-ogsb] ":
					ogs[sel] = decls["background-color"]
				default:
					t.Fatalf("selector %q: not where it belongs", sel)
				}
			}
		}
	}
	if len(dark) == 0 {
		t.Fatal("no @media (prefers-color-scheme: dark) rules in the page")
	}
	return dark, ogs
}

func inlineStyle(n *html.Node) map[string]string {
	style := map[string]string{}
	for _, a := range n.Attr {
		if a.Key != "style" {
			continue
		}
		for _, d := range strings.Split(a.Val, ";") {
			if k, v, ok := strings.Cut(d, ":"); ok {
				style[strings.ToLower(strings.TrimSpace(k))] = strings.ToLower(strings.TrimSpace(v))
			}
		}
	}
	return style
}

func hasClass(n *html.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && strings.Contains(" "+a.Val+" ", " "+class+" ") {
			return true
		}
	}
	return false
}

// describe names an element for a failure message: its tag and class.
func describe(n *html.Node) string {
	for _, a := range n.Attr {
		if a.Key == "class" {
			return "<" + n.Data + ` class="` + a.Val + `">`
		}
	}
	return "<" + n.Data + ">"
}

// contrast is the WCAG contrast ratio of two "#rrggbb" colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// luminance is the WCAG relative luminance of an sRGB colour.
func luminance(hex string) float64 {
	return rgbLuminance(rgbOf(hex))
}

func rgbLuminance(r, g, b uint8) float64 {
	lin := func(c uint8) float64 {
		v := float64(c) / 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// rgbOf parses "#rrggbb", the only form the templates use (hexColour).
func rgbOf(hex string) (r, g, b uint8) {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	return uint8(v >> 16), uint8(v >> 8), uint8(v)
}

var hexColour = regexp.MustCompile(`^#[0-9a-f]{6}$`)
