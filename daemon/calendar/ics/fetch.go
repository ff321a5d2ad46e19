package ics

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// FetchError is a failure to download the feed. Temporary tells whether a
// later poll may succeed (a server error, a rate limit, a network failure)
// or whether the user must act (a wrong or revoked address: the secret
// address of a Google calendar changes when it is reset).
type FetchError struct {
	Origin     string // scheme://host of the feed; the rest of the URL is a secret
	StatusCode int    // the HTTP status; 0 if no response came
	Temporary  bool
	Err        error // the cause, if any

	secrets []string // parts of the URL to keep out of Error()
}

// Error implements error. It never contains the URL's path or query.
func (e *FetchError) Error() string {
	var b strings.Builder
	b.WriteString("fetch calendar from ")
	b.WriteString(e.Origin)
	b.WriteString(": ")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
		if e.Err != nil {
			b.WriteString(": ")
		}
	}
	if e.Err != nil {
		msg := e.Err.Error()
		for _, s := range e.secrets {
			if len(s) > 1 {
				msg = strings.ReplaceAll(msg, s, "/…")
			}
		}
		b.WriteString(msg)
	}
	switch {
	case e.Temporary:
		b.WriteString(" (temporary; the next poll tries again)")
	case isAddressProblem(e.StatusCode):
		b.WriteString(": check ics_url (the calendar's secret address may be wrong or have been reset)")
	}
	return b.String()
}

func (e *FetchError) Unwrap() error { return e.Err }

func isAddressProblem(code int) bool {
	switch code {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusGone:
		return true
	}
	return false
}

// isTemporary reports a status that a later request may not get.
func isTemporary(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooEarly ||
		code == http.StatusTooManyRequests || code >= 500
}

// fetchError makes a FetchError that knows what to hide.
func (s *Source) fetchError(code int, temporary bool, err error) *FetchError {
	return &FetchError{
		Origin:     s.origin,
		StatusCode: code,
		Temporary:  temporary,
		Err:        err,
		secrets:    []string{s.opts.URL, s.url.String(), s.url.EscapedPath(), s.url.Path, s.url.RawQuery},
	}
}

// fetchURL polls the feed. It asks conditionally only when a "not
// modified" would do: when the last listing still covers the lookahead, or
// when that feed is in memory for a window slide. After a restart the
// memory is empty, so a poll that must slide the window asks
// unconditionally at once rather than spending a request on a 304.
func (s *Source) fetchURL(ctx context.Context, c cursor, next *cursor, covers bool) (fetched, error) {
	var f fetched
	conditional := c.Hash != "" && (c.ETag != "" || c.LastModified != "") && (covers || s.hasCached(c.Hash))
	resp, body, err := s.get(ctx, c, conditional)
	f.requests++
	if err != nil {
		return f, err
	}
	if resp.StatusCode == http.StatusNotModified {
		if covers || s.hasCached(c.Hash) {
			f.notModified = true
			if v := resp.Header.Get("ETag"); v != "" {
				next.ETag = v
			}
			if v := resp.Header.Get("Last-Modified"); v != "" {
				next.LastModified = v
			}
			return f, nil
		}
		// The body is needed but was dropped since the decision above.
		resp, body, err = s.get(ctx, c, false)
		f.requests++
		if err != nil {
			return f, err
		}
		if resp.StatusCode == http.StatusNotModified {
			return f, s.fetchError(resp.StatusCode, true, errors.New("not modified, to a request that set no condition"))
		}
	}
	sum := sha256.Sum256(body)
	f.body, f.hash = body, hex.EncodeToString(sum[:])
	next.ETag = resp.Header.Get("ETag")
	next.LastModified = resp.Header.Get("Last-Modified")
	return f, nil
}

// get sends one GET and reads the body of a 2xx answer. Only a 2xx or a
// 304 comes back without an error.
func (s *Source) get(ctx context.Context, c cursor, conditional bool) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url.String(), nil)
	if err != nil {
		return nil, nil, s.fetchError(0, false, errors.New("cannot make a request for ics_url"))
	}
	req.Header.Set("User-Agent", s.opts.UserAgent)
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	if conditional {
		if c.ETag != "" {
			req.Header.Set("If-None-Match", c.ETag)
		}
		if c.LastModified != "" {
			req.Header.Set("If-Modified-Since", c.LastModified)
		}
	}
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("fetch calendar from %s: %w", s.origin, ctx.Err())
		}
		// *url.Error quotes the whole URL; keep only its cause.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, nil, s.fetchError(0, true, err)
	}
	defer resp.Body.Close()
	s.opts.Log.Debug("fetched calendar", "calendar", s.Name(), "status", resp.StatusCode, "conditional", conditional)
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return resp, nil, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		return nil, nil, s.fetchError(resp.StatusCode, isTemporary(resp.StatusCode), nil)
	case resp.ContentLength > s.opts.MaxBytes:
		return nil, nil, s.fetchError(0, false, s.tooLarge())
	}
	body, err := readAll(resp.Body, resp.ContentLength, s.opts.MaxBytes)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("fetch calendar from %s: %w", s.origin, ctx.Err())
		}
		return nil, nil, s.fetchError(0, true, fmt.Errorf("read body: %w", err))
	}
	if int64(len(body)) > s.opts.MaxBytes {
		return nil, nil, s.fetchError(0, false, s.tooLarge())
	}
	return resp, body, nil
}

// tooLarge is the error for a feed beyond MaxBytes.
func (s *Source) tooLarge() error {
	limit := fmt.Sprintf("%d bytes", s.opts.MaxBytes)
	if s.opts.MaxBytes%(1<<20) == 0 {
		limit = fmt.Sprintf("%d MiB", s.opts.MaxBytes>>20)
	}
	return fmt.Errorf("calendar is larger than the limit of %s", limit)
}

// readFile polls a local feed: a stat, and a read only when the time or
// size changed or the content is needed and not in memory. Only a regular
// file is read: a FIFO would block the poll until a writer came, and a
// device or a directory is never a calendar.
func (s *Source) readFile(ctx context.Context, c cursor, next *cursor, covers bool) (fetched, error) {
	f := fetched{requests: 1}
	if err := ctx.Err(); err != nil {
		return f, err
	}
	st, err := os.Stat(s.path)
	if err != nil {
		return f, fmt.Errorf("read calendar: %w", err)
	}
	if err := regular(s.path, st); err != nil {
		return f, err
	}
	if c.Hash != "" && st.ModTime().Equal(c.ModTime) && st.Size() == c.Size && (covers || s.hasCached(c.Hash)) {
		f.notModified = true
		return f, nil
	}
	if st.Size() > s.opts.MaxBytes {
		return f, fmt.Errorf("read calendar %s: %w", s.path, s.tooLarge())
	}
	file, err := openNonblocking(s.path)
	if err != nil {
		return f, fmt.Errorf("read calendar: %w", err)
	}
	defer file.Close()
	// The path may have been replaced since the stat: check what was
	// opened.
	if st, err = file.Stat(); err != nil {
		return f, fmt.Errorf("read calendar: %w", err)
	}
	if err := regular(s.path, st); err != nil {
		return f, err
	}
	if d, ok := ctx.Deadline(); ok {
		_ = file.SetReadDeadline(d) // regular files have none; harmless
	}
	body, err := readAll(ctxReader{ctx, file}, st.Size(), s.opts.MaxBytes)
	if err != nil {
		return f, fmt.Errorf("read calendar: %w", err)
	}
	if int64(len(body)) > s.opts.MaxBytes {
		return f, fmt.Errorf("read calendar %s: %w", s.path, s.tooLarge())
	}
	sum := sha256.Sum256(body)
	f.body, f.hash = body, hex.EncodeToString(sum[:])
	next.ModTime, next.Size = st.ModTime(), st.Size()
	return f, nil
}

// regular refuses anything but a regular file as ics_file.
func regular(path string, st os.FileInfo) error {
	kind := "not a regular file"
	switch m := st.Mode(); {
	case m.IsRegular():
		return nil
	case m.IsDir():
		kind = "a directory"
	case m&os.ModeNamedPipe != 0:
		kind = "a FIFO"
	case m&os.ModeDevice != 0:
		kind = "a device"
	case m&os.ModeSocket != 0:
		kind = "a socket"
	}
	return fmt.Errorf("read calendar: ics_file %s is %s; it must be a regular .ics file", path, kind)
}

// readAll reads r to its end, or to one byte past max. With a size hint
// (a file's size, a Content-Length) the buffer is allocated once at that
// size: io.ReadAll's doubling would briefly hold twice a large feed.
func readAll(r io.Reader, hint, max int64) ([]byte, error) {
	if hint <= 0 || hint > max {
		return io.ReadAll(io.LimitReader(r, max+1))
	}
	// One byte more than the hint, so that reading to EOF needs no growth
	// when the hint is right; a feed that grew meanwhile still reads whole.
	b := make([]byte, 0, hint+1)
	lr := io.LimitReader(r, max+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow as append does
		}
		n, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// ctxReader stops reading once ctx is done, between reads: a slow disk
// or network file system holds the poll for one read at most.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
