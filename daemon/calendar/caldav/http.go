package caldav

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/leadup/leadup/daemon/clock"
)

// Retry backoff: truncated exponential with jitter, so that the installs
// whose server restarted do not all come back at once.
const (
	backoffBase = time.Second
	backoffCap  = 64 * time.Second
	// maxRetryAfter bounds how long a server's Retry-After can make us wait.
	maxRetryAfter = 5 * time.Minute
)

// client sends one Sync's requests, for go-webdav (it implements
// webdav.HTTPClient) and for this package's own. It adds the credentials,
// retries what a retry can help, bounds each request in time and each
// response body in size, and counts the requests. A Sync makes its own, so
// that the count is the Sync's.
type client struct {
	s        *Source
	requests int
}

func (s *Source) newClient() *client { return &client{s: s} }

// statusError is a final HTTP error answer.
type statusError struct {
	method, path string
	code         int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d %s", e.method, e.path, e.code, http.StatusText(e.code))
}

// gaveUpError is a transient failure that outlasted the retries.
type gaveUpError struct {
	attempts int
	err      error
}

func (e *gaveUpError) Error() string {
	return fmt.Sprintf("giving up after %d attempts: %v", e.attempts, e.err)
}

func (e *gaveUpError) Unwrap() error { return e.err }

// isStatus reports whether err is a final HTTP answer with code.
func isStatus(err error, code int) bool {
	var se *statusError
	return errors.As(err, &se) && se.code == code
}

// Do sends req, retrying network errors, 429 and 5xx answers with
// backoff. Every method this package uses (PROPFIND, REPORT) is safe to
// repeat. A 2xx answer is returned with its body capped at MaxBytes and
// its timeout running until the body is closed; any other answer becomes
// an error, ErrRefused for 401 and 403.
func (c *client) Do(req *http.Request) (*http.Response, error) {
	o := &c.s.opts
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		body := req.Body
		if attempt > 0 && req.Body != nil {
			if req.GetBody == nil {
				return nil, fmt.Errorf("%s %s: cannot resend the request body", req.Method, req.URL.Path)
			}
			var err error
			if body, err = req.GetBody(); err != nil {
				return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
			}
		}
		rctx, cancel := context.WithTimeout(ctx, o.RequestTimeout)
		r := req.Clone(rctx)
		r.Body = body
		r.Header.Set("User-Agent", userAgent)
		if o.Username != "" || o.Password != "" {
			r.SetBasicAuth(o.Username, o.Password)
		}
		resp, err := o.HTTPClient.Do(r)
		c.requests++
		var retryAfter time.Duration
		switch {
		case err != nil:
			cancel()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// The URL in err has no credentials: New refuses a URL with
			// them, and Basic authentication travels in a header.
			err = fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
			if !transientNetworkError(err) {
				return nil, err
			}
		case resp.StatusCode/100 == 2:
			resp.Body = &limitedBody{rc: resp.Body, left: o.MaxBytes, max: o.MaxBytes, cancel: cancel}
			return resp, nil
		default:
			drain(resp.Body)
			cancel()
			se := &statusError{method: req.Method, path: req.URL.Path, code: resp.StatusCode}
			switch {
			case resp.StatusCode == http.StatusUnauthorized:
				return nil, fmt.Errorf("%w: %w", se, ErrRefused)
			case resp.StatusCode == http.StatusForbidden:
				return nil, fmt.Errorf("%w: %w (or the user may not read this calendar)", se, ErrRefused)
			case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
				err = se
				retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), o.Clock.Now())
			default:
				return nil, se
			}
		}
		if attempt >= o.MaxRetries {
			return nil, &gaveUpError{attempts: attempt + 1, err: err}
		}
		d := max(clock.Backoff{Base: backoffBase, Cap: backoffCap}.Delay(attempt+1), min(retryAfter, maxRetryAfter))
		o.Log.Debug("calendar request failed; retrying", "calendar", c.s.Name(), "attempt", attempt+1, "wait", d, "err", err)
		if err := clock.Sleep(ctx, o.Clock, d); err != nil {
			return nil, err
		}
	}
}

// transientNetworkError reports whether a request that got no answer may
// succeed when retried: anything but a certificate the server will go on
// presenting.
func transientNetworkError(err error) bool {
	var (
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		hostname x509.HostnameError
		verify   *tls.CertificateVerificationError
	)
	return !errors.As(err, &unknown) && !errors.As(err, &invalid) &&
		!errors.As(err, &hostname) && !errors.As(err, &verify)
}

// drain reads a little of an error answer's body, so that the connection
// can be reused, and closes it.
func drain(rc io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(rc, 4<<10))
	rc.Close()
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now)
	}
	return 0
}

// errTooLarge is the read error of a response body past MaxBytes.
type errTooLarge struct{ max int64 }

func (e errTooLarge) Error() string {
	return fmt.Sprintf("response larger than %d bytes (max_bytes)", e.max)
}

// limitedBody is a response body that fails past its cap, and ends the
// request's timeout when closed.
type limitedBody struct {
	rc        io.ReadCloser
	left, max int64
	cancel    context.CancelFunc
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly max bytes from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, errTooLarge{b.max}
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
