package googleauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// ErrAccessDenied is returned, wrapped, when the user declines leadup's
// request on Google's consent screen.
var ErrAccessDenied = errors.New("sign-in cancelled on Google's consent screen")

// flowTimeout bounds a Flow whose context has no deadline, so that a
// forgotten `leadup auth` does not hold its port open for ever.
const flowTimeout = 10 * time.Minute

// Flow runs the authorization code flow for an installed application
// (RFC 8252): it sends the user's browser to Google's consent screen and
// receives the answer on a loopback redirect (RFC 8252 §7.3), with PKCE
// S256 (RFC 7636) protecting the code. Google has removed the out-of-band
// flow, and its device flow does not allow Calendar scopes, so this is the
// only flow left for a program without a public web address.
type Flow struct {
	// Config is the OAuth client, from LoadClient. Run does not modify it;
	// its RedirectURL is ignored.
	Config *oauth2.Config

	// Port is the loopback port to listen on; 0 picks a free one. Run
	// listens on 127.0.0.1 only.
	Port int

	// NoBrowser makes Run print the URL with instructions for a headless
	// server (an ssh port forward) instead of opening a browser.
	NoBrowser bool

	// OpenBrowser opens url in the user's browser. It need not wait for
	// the page to load. Nil means xdg-open, or open on macOS.
	OpenBrowser func(url string) error

	// Out receives the instructions for the user. Nil discards them.
	Out io.Writer

	// HTTPClient makes the token request. Nil means a client with a
	// timeout.
	HTTPClient *http.Client
}

// callback is what the loopback handler passes to Run.
type callback struct {
	code string
	err  error
	// done receives the outcome of the token exchange, which the handler
	// shows to the user; it has room for one value.
	done chan error
}

// Run performs the flow and returns a token with a refresh token. It ends
// when the browser comes back, when ctx is done, or after 10 minutes if ctx
// has no deadline.
func (f *Flow) Run(ctx context.Context) (*oauth2.Token, error) {
	if f.Config == nil || f.Config.ClientID == "" {
		return nil, errors.New("run Google sign-in: no OAuth client configured")
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, flowTimeout,
			fmt.Errorf("no answer from the browser within %v: %w", flowTimeout, context.DeadlineExceeded))
		defer cancel()
	}
	out := f.Out
	if out == nil {
		out = io.Discard
	}
	hc := f.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	open := f.OpenBrowser
	if open == nil {
		open = openBrowser
	}

	// Only 127.0.0.1: RFC 8252 §8.3 warns that listening on all interfaces
	// would let other hosts on the network race the browser to the
	// redirect. "localhost" is avoided in the URL too (§7.3), because it
	// may resolve to ::1 while the listener is on IPv4.
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(f.Port)))
	if err != nil {
		return nil, fmt.Errorf("listen for Google's redirect: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port

	// A copy, so the caller's Config keeps its RedirectURL. Google accepts
	// any port on a loopback redirect for Desktop clients (RFC 8252 §7.3).
	conf := &oauth2.Config{
		ClientID:     f.Config.ClientID,
		ClientSecret: f.Config.ClientSecret,
		Endpoint:     f.Config.Endpoint,
		RedirectURL:  "http://127.0.0.1:" + strconv.Itoa(port) + "/",
		Scopes:       slices.Clone(f.Config.Scopes),
	}
	// state ties the redirect to this run (RFC 6749 §10.12): without it a
	// page the user visits could send the browser to the loopback port with
	// the attacker's code. rand.Text carries 130 bits.
	state := rand.Text()
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL(state,
		oauth2.AccessTypeOffline, // ask for a refresh token
		oauth2.ApprovalForce,     // Google sends a refresh token only with consent
		oauth2.S256ChallengeOption(verifier))

	stop := make(chan struct{})
	h := &callbackHandler{state: state, results: make(chan callback, 1), stop: stop}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
	}
	serveErr := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Go(func() { serveErr <- srv.Serve(ln) })
	defer func() {
		close(stop)
		// Shutdown lets the handler finish the page for the browser.
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			srv.Close()
		}
		wg.Wait()
	}()

	fmt.Fprintf(out, "To let leadup use your Google account, open this URL in a browser:\n\n    %s\n\n", authURL)
	opened := make(chan error, 1)
	if f.NoBrowser {
		fmt.Fprint(out, headlessHint(port, f.Port != 0))
	} else {
		fmt.Fprint(out, "Opening your browser; if it does not open, copy the URL above into it.\n")
		// In its own goroutine: a browser that waits for the page would
		// otherwise wait for Run, which would be waiting for it.
		go func() { opened <- open(authURL) }()
	}
	fmt.Fprintf(out, "Waiting for Google to send the browser back to %s …\n", conf.RedirectURL)

	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for Google sign-in: %w", context.Cause(ctx))
		case err := <-serveErr:
			return nil, fmt.Errorf("serve Google's redirect: %w", err)
		case err := <-opened:
			if err != nil {
				fmt.Fprintf(out, "Could not open a browser (%v).\n%s", err, headlessHint(port, f.Port != 0))
			}
		case cb := <-h.results:
			if cb.err != nil {
				return nil, cb.err
			}
			tok, err := exchange(ctx, conf, hc, cb.code, verifier)
			cb.done <- err
			if err != nil {
				return nil, err
			}
			fmt.Fprint(out, "leadup is authorised.\n")
			return tok, nil
		}
	}
}

// exchange trades the authorization code for tokens.
func exchange(ctx context.Context, conf *oauth2.Config, hc *http.Client, code, verifier string) (*oauth2.Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange authorization code: %w", err)
	}
	if tok.RefreshToken == "" {
		// Google sends a refresh token only on the first consent, unless
		// forced; prompt=consent should force it, but not every account
		// honours that.
		return nil, errors.New("exchange authorization code: Google sent no refresh token, so leadup could not stay signed in; " +
			"remove leadup's access at https://myaccount.google.com/permissions and run `leadup auth` again")
	}
	return tok, nil
}

// headlessHint explains how to finish the flow from another machine.
func headlessHint(port int, pinned bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The browser must be able to reach 127.0.0.1:%d on this machine. If leadup runs on a headless server,\n"+
		"run this on your laptop first:\n\n    ssh -L %d:127.0.0.1:%d user@server\n\n"+
		"then open the URL above in the laptop's browser.\n", port, port, port)
	if !pinned {
		b.WriteString("The port changes on every run; pin it with -port to reuse the same ssh command.\n")
	}
	return b.String()
}

// openBrowser opens url with the desktop's URL handler.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("run %s: %w", cmd.Args[0], err)
	}
	return nil
}

// callbackHandler serves the loopback redirect URI.
type callbackHandler struct {
	state   string
	results chan callback // room for one
	taken   atomic.Bool   // a callback was passed on; later ones are refused
	stop    <-chan struct{}
}

func (h *callbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Browsers also ask for /favicon.ico and the like; those are not the
	// redirect and must not end the flow.
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	if !q.Has("state") && !q.Has("code") && !q.Has("error") {
		writePage(w, http.StatusBadRequest, "Nothing to do here",
			"This address receives Google's answer while `leadup auth` runs.")
		return
	}
	cb := callback{done: make(chan error, 1)}
	switch {
	// Compared first, before any other parameter is believed: a redirect
	// with the wrong state was not started by this run (RFC 6749 §10.12).
	case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(h.state)) != 1:
		cb.err = errors.New("receive Google's redirect: its state does not match this run, so it was not started by " +
			"this `leadup auth` and was refused; run `leadup auth` again")
	case q.Get("error") == "access_denied":
		cb.err = fmt.Errorf("receive Google's redirect: %w; leadup needs this access to read your calendar, "+
			"run `leadup auth` again to retry", ErrAccessDenied)
	case q.Get("error") != "":
		// RFC 6749 §4.1.2.1 error response.
		cb.err = fmt.Errorf("receive Google's redirect: Google answered %q: %s", q.Get("error"), q.Get("error_description"))
	case q.Get("code") == "":
		cb.err = errors.New("receive Google's redirect: it carries no authorization code")
	default:
		cb.code = q.Get("code")
	}
	if !h.taken.CompareAndSwap(false, true) {
		writePage(w, http.StatusConflict, "Already handled",
			"leadup has already received an answer from Google. You can close this tab.")
		return
	}
	h.results <- cb
	if cb.err != nil {
		writePage(w, http.StatusBadRequest, "leadup is not authorised", cb.err.Error())
		return
	}
	select {
	case err := <-cb.done:
		if err != nil {
			writePage(w, http.StatusBadGateway, "leadup is not authorised",
				"Google's answer could not be used; the terminal says why.")
			return
		}
		writePage(w, http.StatusOK, "leadup is authorised", "You can close this tab.")
	case <-h.stop:
		writePage(w, http.StatusServiceUnavailable, "leadup stopped waiting", "Run `leadup auth` again.")
	case <-r.Context().Done():
	}
}

// pageTemplate is the page shown in the browser. It loads nothing remote:
// the page's URL carries the authorization code.
var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: sans-serif; margin: 3em;">
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
</body>
</html>
`))

func writePage(w http.ResponseWriter, status int, title, message string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	pageTemplate.Execute(w, struct{ Title, Message string }{title, message})
}
