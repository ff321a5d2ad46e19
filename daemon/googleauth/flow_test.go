package googleauth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// countingTransport counts the requests made through it.
type countingTransport struct {
	n atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return (&http.Transport{}).RoundTrip(r)
}

// runFlow runs f in the background and returns a channel with its result.
type flowResult struct {
	tok *oauth2.Token
	err error
}

func runFlow(ctx context.Context, f *Flow) <-chan flowResult {
	ch := make(chan flowResult, 1)
	go func() {
		tok, err := f.Run(ctx)
		ch <- flowResult{tok, err}
	}()
	return ch
}

func waitFlow(t *testing.T, ch <-chan flowResult) flowResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("Flow.Run() did not return within 20s")
		return flowResult{}
	}
}

func TestFlowRun(t *testing.T) {
	tests := []struct {
		name           string
		setup          func(g *fakeGoogle)
		tamperAuth     func(q url.Values)
		tamperRedirect func(q url.Values)
		wantErr        func(err error) bool // nil: want success
		wantStatus     int
		wantPage       string
	}{
		{
			name:       "success",
			wantStatus: http.StatusOK,
			wantPage:   "leadup is authorised",
		},
		{
			name: "forged state",
			tamperRedirect: func(q url.Values) {
				if q.Has("state") {
					q.Set("state", "forged")
				}
			},
			wantErr:    func(err error) bool { return strings.Contains(err.Error(), "state does not match") },
			wantStatus: http.StatusBadRequest,
			wantPage:   "not authorised",
		},
		{
			name:       "user cancels",
			setup:      func(g *fakeGoogle) { g.deny = true },
			wantErr:    func(err error) bool { return errors.Is(err, ErrAccessDenied) },
			wantStatus: http.StatusBadRequest,
			wantPage:   "not authorised",
		},
		{
			// An attacker who swaps the challenge cannot redeem the code
			// with the flow's verifier, nor the flow with its own.
			name: "PKCE verifier mismatch",
			tamperAuth: func(q url.Values) {
				sum := sha256.Sum256([]byte(oauth2.GenerateVerifier()))
				q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
			},
			wantErr: func(err error) bool {
				var re *oauth2.RetrieveError
				return errors.As(err, &re) && re.ErrorCode == "invalid_grant"
			},
			wantStatus: http.StatusBadGateway,
			wantPage:   "not authorised",
		},
		{
			name:  "no refresh token",
			setup: func(g *fakeGoogle) { g.noRefreshToken = true },
			wantErr: func(err error) bool {
				return strings.Contains(err.Error(), "https://myaccount.google.com/permissions")
			},
			wantStatus: http.StatusBadGateway,
			wantPage:   "not authorised",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newFakeGoogle(t)
			if tt.setup != nil {
				g.set(tt.setup)
			}
			conf := g.config(t)
			b := newFakeBrowser(t)
			b.tamperAuth, b.tamperRedirect = tt.tamperAuth, tt.tamperRedirect
			hc := &countingTransport{}
			out := newOutWriter()
			f := &Flow{Config: conf, OpenBrowser: b.Open, Out: out, HTTPClient: &http.Client{Transport: hc}}

			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			tok, err := f.Run(ctx)

			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("Run() = %v, want a token", err)
			case tt.wantErr != nil && err == nil:
				t.Fatalf("Run() = %+v, nil; want an error", tok)
			case tt.wantErr != nil && !tt.wantErr(err):
				t.Fatalf("Run() = %v; not the error wanted", err)
			}
			p := b.wait()
			if p.err != nil || p.status != tt.wantStatus || !strings.Contains(p.body, tt.wantPage) {
				t.Errorf("browser got %d %q, %v; want %d with %q", p.status, p.body, p.err, tt.wantStatus, tt.wantPage)
			}
			if strings.Contains(p.body, "http://") || strings.Contains(p.body, "https://") {
				t.Errorf("browser page refers to a URL: %q", p.body)
			}
			authURL := <-b.opened
			if !strings.Contains(out.String(), authURL) {
				t.Errorf("Flow.Out = %q, want it to print the URL %q in case the browser fails", out.String(), authURL)
			}
			if conf.RedirectURL != "http://localhost" {
				t.Errorf("Run() changed Config.RedirectURL to %q", conf.RedirectURL)
			}
			if err != nil {
				return
			}
			if tok.AccessToken == "" || tok.RefreshToken == "" || !tok.Valid() {
				t.Errorf("Run() = %+v, want a valid token with a refresh token", tok)
			}
			if got := grantedScope(tok); got != fakeScope {
				t.Errorf("Run() token scope = %q, want %q", got, fakeScope)
			}
			if hc.n.Load() != 1 {
				t.Errorf("Flow.HTTPClient made %d requests, want 1 (the token exchange)", hc.n.Load())
			}
		})
	}
}

// redirectPort extracts the loopback port from the auth URL in the output.
func redirectPort(t *testing.T, out string) (authURL string, port int) {
	t.Helper()
	authURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+/auth\?\S+`).FindString(out)
	u, err := url.Parse(authURL)
	if err != nil || authURL == "" {
		t.Fatalf("no auth URL in Flow.Out:\n%s", out)
	}
	r, err := url.Parse(u.Query().Get("redirect_uri"))
	if err != nil || r.Hostname() != "127.0.0.1" {
		t.Fatalf("redirect_uri = %q, want http://127.0.0.1:PORT/", u.Query().Get("redirect_uri"))
	}
	port, _ = strconv.Atoi(r.Port())
	return authURL, port
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestFlowNoBrowser(t *testing.T) {
	tests := []struct {
		name        string
		port        int
		wantPinHint bool
	}{
		{name: "any port", port: 0, wantPinHint: true},
		{name: "pinned port", port: freePort(t), wantPinHint: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newFakeGoogle(t)
			out := newOutWriter()
			f := &Flow{
				Config:    g.config(t),
				Port:      tt.port,
				NoBrowser: true,
				OpenBrowser: func(string) error {
					t.Error("Run() with NoBrowser called OpenBrowser")
					return nil
				},
				Out: out,
			}
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			res := runFlow(ctx, f)

			text := out.waitFor(t, "Waiting")
			authURL, port := redirectPort(t, text)
			if tt.port != 0 && port != tt.port {
				t.Errorf("redirect port = %d, want the pinned %d", port, tt.port)
			}
			if want := fmt.Sprintf("ssh -L %d:127.0.0.1:%d user@server", port, port); !strings.Contains(text, want) {
				t.Errorf("Flow.Out = %q, want it to contain %q", text, want)
			}
			if got := strings.Contains(text, "-port"); got != tt.wantPinHint {
				t.Errorf("Flow.Out mentions -port = %v, want %v:\n%s", got, tt.wantPinHint, text)
			}

			// The user opens the URL on the laptop, through the tunnel.
			b := newFakeBrowser(t)
			b.Open(authURL)
			if p := b.wait(); p.status != http.StatusOK {
				t.Errorf("browser got %d %q, %v; want 200", p.status, p.body, p.err)
			}
			if r := waitFlow(t, res); r.err != nil || r.tok.RefreshToken == "" {
				t.Errorf("Run() = %+v, %v; want a token with a refresh token", r.tok, r.err)
			}
		})
	}
}

func TestFlowBrowserFails(t *testing.T) {
	g := newFakeGoogle(t)
	out := newOutWriter()
	f := &Flow{
		Config:      g.config(t),
		OpenBrowser: func(string) error { return errors.New("xdg-open: no method available") },
		Out:         out,
	}
	ctx, cancel := context.WithCancel(t.Context())
	res := runFlow(ctx, f)
	text := out.waitFor(t, "user@server")
	if !strings.Contains(text, "Could not open a browser (xdg-open: no method available)") {
		t.Errorf("Flow.Out = %q, want it to say the browser failed", text)
	}
	authURL, _ := redirectPort(t, text) // the URL was printed anyway
	b := newFakeBrowser(t)
	b.Open(authURL)
	b.wait()
	r := waitFlow(t, res)
	cancel()
	if r.err != nil {
		t.Errorf("Run() = %v, want success after the user opened the URL", r.err)
	}
}

func TestFlowLoopbackOnly(t *testing.T) {
	g := newFakeGoogle(t)
	out := newOutWriter()
	f := &Flow{Config: g.config(t), NoBrowser: true, Out: out}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	res := runFlow(ctx, f)
	authURL, port := redirectPort(t, out.waitFor(t, "Waiting"))

	dial := func(host string) error {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), 2*time.Second)
		if err == nil {
			c.Close()
		}
		return err
	}
	if err := dial("127.0.0.1"); err != nil {
		t.Fatalf("dial 127.0.0.1:%d = %v, want the flow's listener", port, err)
	}
	// A listener on 0.0.0.0 or :: would answer these too. 127.0.0.2 is on
	// the loopback interface (on Linux), so the test stays on the machine.
	for _, host := range []string{"127.0.0.2", "::1"} {
		if err := dial(host); err == nil {
			t.Errorf("dial %s:%d succeeded, want the listener bound to 127.0.0.1 only", host, port)
		}
	}

	// Requests that are not the redirect must neither end nor break the flow.
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/favicon.ico", http.StatusNotFound},
		{"/", http.StatusBadRequest},
	} {
		resp, err := http.Get(base + tc.path)
		if err != nil {
			t.Fatalf("GET %s = %v", tc.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s = %d, want %d", tc.path, resp.StatusCode, tc.want)
		}
	}
	select {
	case r := <-res:
		t.Fatalf("Run() = %v after stray requests, want it still waiting", r.err)
	default:
	}

	b := newFakeBrowser(t)
	b.Open(authURL)
	b.wait()
	if r := waitFlow(t, res); r.err != nil {
		t.Fatalf("Run() = %v, want success", r.err)
	}
	// Run shut its listener down.
	if err := dial("127.0.0.1"); err == nil {
		t.Errorf("dial 127.0.0.1:%d after Run() returned succeeded, want the listener closed", port)
	}
}

func TestFlowContextCancel(t *testing.T) {
	g := newFakeGoogle(t)
	opened := make(chan string, 1)
	f := &Flow{
		Config:      g.config(t),
		OpenBrowser: func(u string) error { opened <- u; return nil }, // the user never comes back
	}
	ctx, cancel := context.WithCancel(t.Context())
	res := runFlow(ctx, f)
	var authURL string
	select {
	case authURL = <-opened:
	case <-time.After(20 * time.Second):
		t.Fatal("Run() never opened the browser")
	}
	cancel()
	r := waitFlow(t, res)
	if !errors.Is(r.err, context.Canceled) {
		t.Fatalf("Run() after cancel = %v, want context.Canceled", r.err)
	}
	u, _ := url.Parse(authURL)
	redirect, _ := url.Parse(u.Query().Get("redirect_uri"))
	if c, err := net.DialTimeout("tcp", redirect.Host, 2*time.Second); err == nil {
		c.Close()
		t.Errorf("dial %s after Run() returned succeeded, want the listener closed", redirect.Host)
	}
}

func TestFlowTimeout(t *testing.T) {
	g := newFakeGoogle(t)
	f := &Flow{Config: g.config(t), NoBrowser: true}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := f.Run(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run() = %v, want context.DeadlineExceeded", err)
	}
}

func TestFlowNoConfig(t *testing.T) {
	if _, err := (&Flow{}).Run(t.Context()); err == nil {
		t.Fatal("Run() without Config = nil error, want one")
	}
}
