package googleauth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// Every secret the fake hands out contains secretMarker, so tests can check
// that none reaches a log.
const secretMarker = "SECRET"

const (
	fakeClientID     = "1234-leadup.apps.googleusercontent.com"
	fakeClientSecret = "GOCSPX-" + secretMarker + "-client"
	fakeScope        = ScopeCalendarEventsReadonly
)

// fakeGoogle is an OAuth 2.0 authorization server on loopback that behaves
// like Google's for installed apps: /auth checks the request and redirects
// to the loopback redirect_uri, /token handles the authorization_code and
// refresh_token grants with PKCE (RFC 7636 §4.6).
type fakeGoogle struct {
	t   *testing.T
	srv *httptest.Server

	mu sync.Mutex
	// Behaviour, set by tests before use.
	deny           bool   // /auth answers error=access_denied
	noRefreshToken bool   // the code exchange returns no refresh token
	refreshError   string // the refresh grant answers this OAuth error with 400
	refreshStatus  int    // the refresh grant answers this status with a non-OAuth body
	rotate         bool   // the refresh grant returns a new refresh token
	refreshScope   string // the refresh grant returns this scope
	// State.
	codes          map[string]pendingCode
	refreshTokens  map[string]bool // valid refresh tokens
	seq            int
	exchanges      int
	refreshes      int
	lastTokenQuery url.Values
}

type pendingCode struct {
	challenge   string
	redirectURI string
}

func newFakeGoogle(t *testing.T) *fakeGoogle {
	t.Helper()
	g := &fakeGoogle{
		t:             t,
		codes:         map[string]pendingCode{},
		refreshTokens: map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth", g.auth)
	mux.HandleFunc("POST /token", g.token)
	g.srv = httptest.NewServer(mux)
	t.Cleanup(g.srv.Close)
	return g
}

// next returns a fresh secret-looking value.
func (g *fakeGoogle) next(kind string) string {
	g.seq++
	return fmt.Sprintf("%s-%s-%d", kind, secretMarker, g.seq)
}

// addRefreshToken makes rt a valid refresh token.
func (g *fakeGoogle) addRefreshToken(rt string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refreshTokens[rt] = true
}

func (g *fakeGoogle) counts() (exchanges, refreshes int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.exchanges, g.refreshes
}

func (g *fakeGoogle) set(f func(g *fakeGoogle)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f(g)
}

func (g *fakeGoogle) auth(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k, want := range map[string]string{
		"client_id":             fakeClientID,
		"response_type":         "code",
		"code_challenge_method": "S256",
		"access_type":           "offline",
		"prompt":                "consent",
	} {
		if got := q.Get(k); got != want {
			g.t.Errorf("fake Google /auth: %s = %q, want %q", k, got, want)
			http.Error(w, "bad "+k, http.StatusBadRequest)
			return
		}
	}
	if !strings.Contains(q.Get("scope"), fakeScope) {
		g.t.Errorf("fake Google /auth: scope = %q, want it to contain %q", q.Get("scope"), fakeScope)
	}
	if q.Get("state") == "" || q.Get("code_challenge") == "" {
		g.t.Errorf("fake Google /auth: state = %q, code_challenge = %q, want both set", q.Get("state"), q.Get("code_challenge"))
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme != "http" || redirect.Hostname() != "127.0.0.1" || redirect.Path != "/" {
		g.t.Errorf("fake Google /auth: redirect_uri = %q, want http://127.0.0.1:PORT/", q.Get("redirect_uri"))
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}

	g.mu.Lock()
	v := url.Values{"state": {q.Get("state")}}
	if g.deny {
		v.Set("error", "access_denied")
	} else {
		code := g.next("code")
		g.codes[code] = pendingCode{challenge: q.Get("code_challenge"), redirectURI: redirect.String()}
		v.Set("code", code)
		v.Set("scope", q.Get("scope"))
	}
	g.mu.Unlock()
	redirect.RawQuery = v.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (g *fakeGoogle) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != fakeClientID || secret != fakeClientSecret {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}

	g.mu.Lock()
	defer g.mu.Unlock()
	g.lastTokenQuery = r.PostForm
	resp := map[string]any{"token_type": "Bearer", "expires_in": 3600}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		g.exchanges++
		pc, ok := g.codes[r.PostForm.Get("code")]
		delete(g.codes, r.PostForm.Get("code")) // codes are single-use
		if !ok || pc.redirectURI != r.PostForm.Get("redirect_uri") {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		// RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) == code_challenge.
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != pc.challenge {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		resp["access_token"] = g.next("access")
		resp["scope"] = fakeScope
		if !g.noRefreshToken {
			rt := g.next("refresh")
			g.refreshTokens[rt] = true
			resp["refresh_token"] = rt
		}
	case "refresh_token":
		g.refreshes++
		if g.refreshStatus != 0 {
			http.Error(w, "backend unavailable", g.refreshStatus)
			return
		}
		if g.refreshError != "" {
			oauthError(w, http.StatusBadRequest, g.refreshError)
			return
		}
		rt := r.PostForm.Get("refresh_token")
		if !g.refreshTokens[rt] {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		resp["access_token"] = g.next("access")
		if g.refreshScope != "" {
			resp["scope"] = g.refreshScope
		}
		if g.rotate {
			delete(g.refreshTokens, rt)
			rt = g.next("refresh")
			g.refreshTokens[rt] = true
			resp["refresh_token"] = rt
		}
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": "fake Google says " + code})
}

// clientFile writes a Desktop app client JSON pointing at the fake and
// returns its path.
func (g *fakeGoogle) clientFile(t *testing.T) string {
	t.Helper()
	return writeFile(t, "client.json", fmt.Sprintf(`{"installed":{
		"client_id":%q,"project_id":"leadup-test","auth_uri":%q,"token_uri":%q,
		"auth_provider_x509_cert_url":"https://www.googleapis.com/oauth2/v1/certs",
		"client_secret":%q,"redirect_uris":["http://localhost"]}}`,
		fakeClientID, g.srv.URL+"/auth", g.srv.URL+"/token", fakeClientSecret))
}

// config loads the fake's client file with LoadClient.
func (g *fakeGoogle) config(t *testing.T) *oauth2.Config {
	t.Helper()
	conf, err := LoadClient(g.clientFile(t), fakeScope)
	if err != nil {
		t.Fatalf("LoadClient() = %v", err)
	}
	return conf
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// page is what the fake browser ended up showing.
type page struct {
	status int
	body   string
	err    error
}

// fakeBrowser plays the user's browser: it follows the auth URL through the
// fake's redirect to the flow's loopback listener. tamperAuth and
// tamperRedirect, if set, change the URLs on the way, as an attacker would.
type fakeBrowser struct {
	t              *testing.T
	tamperAuth     func(q url.Values)
	tamperRedirect func(q url.Values)
	pages          chan page
	opened         chan string
}

func newFakeBrowser(t *testing.T) *fakeBrowser {
	return &fakeBrowser{t: t, pages: make(chan page, 1), opened: make(chan string, 1)}
}

// Open is a Flow.OpenBrowser: like xdg-open it returns at once and lets the
// browser load the page in the background.
func (b *fakeBrowser) Open(authURL string) error {
	b.opened <- authURL
	go func() { b.pages <- b.visit(authURL) }()
	return nil
}

func (b *fakeBrowser) visit(authURL string) page {
	u, err := url.Parse(authURL)
	if err != nil {
		return page{err: err}
	}
	if b.tamperAuth != nil {
		q := u.Query()
		b.tamperAuth(q)
		u.RawQuery = q.Encode()
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{
		Transport: tr,
		Timeout:   20 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if b.tamperRedirect != nil {
				q := req.URL.Query()
				b.tamperRedirect(q)
				req.URL.RawQuery = q.Encode()
			}
			return nil
		},
	}
	// Refuse anything but loopback: tests must never leave the machine.
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("fake browser: refusing non-loopback %s", addr)
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	resp, err := c.Get(u.String())
	if err != nil {
		return page{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, body: string(body), err: err}
}

// wait returns the page the browser ended on.
func (b *fakeBrowser) wait() page {
	b.t.Helper()
	select {
	case p := <-b.pages:
		return p
	case <-time.After(20 * time.Second):
		b.t.Fatal("fake browser: no page after 20s")
		return page{}
	}
}

// outWriter is a Flow.Out that lets a test wait for some output.
type outWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	notify chan struct{}
}

func newOutWriter() *outWriter { return &outWriter{notify: make(chan struct{}, 1)} }

func (w *outWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	select {
	case w.notify <- struct{}{}:
	default:
	}
	return n, err
}

func (w *outWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitFor waits until the output contains s and returns the output.
func (w *outWriter) waitFor(t *testing.T, s string) string {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		if out := w.String(); strings.Contains(out, s) {
			return out
		}
		select {
		case <-w.notify:
		case <-timeout:
			t.Fatalf("Flow.Out never contained %q; got:\n%s", s, w.String())
		}
	}
}
