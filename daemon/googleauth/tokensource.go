package googleauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// ErrReauth is returned, wrapped, when Google no longer accepts the saved
// authorisation and only a new `leadup auth` can help. Retrying is useless.
var ErrReauth = errors.New("authorisation expired or revoked by Google")

// TokenSource hands out access tokens for the saved Google authorisation,
// refreshing them through the token endpoint when they expire, and writes
// every refreshed token back to the token file. It is an oauth2.TokenSource
// and safe for concurrent use.
//
// It exists because x/oauth2 has no hook for refreshed tokens: its own
// refreshing source keeps them in memory only, so a refresh token that
// Google rotates would be lost at the next restart.
type TokenSource struct {
	conf *oauth2.Config
	path string
	log  *slog.Logger
	hc   *http.Client
	// provider names the identity provider in messages: "Google", or
	// "Microsoft" for the same refresh-and-save with Microsoft's sign-in.
	provider string

	// mu is held across a refresh, so that callers arriving while one is
	// under way wait for its token instead of starting their own.
	mu    sync.Mutex
	tok   *oauth2.Token // never modified in place: callers may hold it
	scope string        // granted scope, space-separated
}

var _ oauth2.TokenSource = (*TokenSource)(nil)

// NewTokenSource reads the token file at path and returns a TokenSource
// that refreshes it with conf. Refreshes use the *http.Client stored in ctx
// under oauth2.HTTPClient, or one with timeouts; ctx is not kept, so a
// refresh is bounded by the client's timeout, not by ctx. log may be nil.
func NewTokenSource(ctx context.Context, conf *oauth2.Config, path string, log *slog.Logger) (*TokenSource, error) {
	return NewTokenSourceFor(ctx, "Google", conf, path, log)
}

// NewTokenSourceFor is NewTokenSource for another OAuth provider, named in
// messages: Microsoft's tokens are refreshed and saved the same way.
func NewTokenSourceFor(ctx context.Context, provider string, conf *oauth2.Config, path string, log *slog.Logger) (*TokenSource, error) {
	if conf == nil {
		return nil, errors.New("new token source: nil oauth2.Config")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tok, err := ReadToken(path)
	if err != nil {
		return nil, err
	}
	if tok.RefreshToken == "" {
		return nil, fmt.Errorf("%w: %s has no refresh token, so leadup cannot stay signed in; run `leadup auth` again", ErrReauth, path)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn(provider+" token file is readable by other users; anyone who can read it can read your calendar",
			"path", path, "mode", fmt.Sprintf("%#o", fi.Mode().Perm()), "fix", "chmod 600 "+path)
	}
	hc, _ := ctx.Value(oauth2.HTTPClient).(*http.Client)
	if hc == nil {
		hc = defaultHTTPClient()
	}
	return &TokenSource{
		conf:     conf,
		path:     path,
		log:      log,
		hc:       hc,
		provider: provider,
		tok:      tok,
		scope:    grantedScope(tok),
	}, nil
}

// Token returns a valid access token, refreshing it first if it has expired
// or was invalidated. The returned token must not be modified.
func (s *TokenSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.Valid() {
		return s.tok, nil
	}

	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, s.hc)
	// s.tok is not valid, so x/oauth2's source refreshes at once. It also
	// keeps the old refresh token when Google's answer carries none, which
	// is Google's usual answer (RFC 6749 §6 makes a new one optional).
	tok, err := s.conf.TokenSource(ctx, s.tok).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" && s.provider != "Google" {
			return nil, fmt.Errorf("refresh %s token: %w (%w): %s no longer accepts the saved sign-in "+
				"(it was revoked, the password changed, or it went unused for 90 days); run `leadup auth` again",
				s.provider, ErrReauth, err, s.provider)
		}
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
			return nil, fmt.Errorf("refresh Google token: %w (%w): Google no longer accepts the saved authorisation; "+
				"run `leadup auth` again. If your OAuth app is in Google's \"Testing\" publishing status, "+
				"its refresh tokens expire after 7 days: publish it (\"In production\" under "+
				"APIs & Services → OAuth consent screen) to avoid this", ErrReauth, err)
		}
		return nil, fmt.Errorf("refresh %s token: %w", s.provider, err)
	}
	if tok.RefreshToken == "" { // belt and braces; see above
		tok.RefreshToken = s.tok.RefreshToken
	}
	if scope := grantedScope(tok); scope != "" {
		s.scope = scope
	} else if s.scope != "" {
		tok = tok.WithExtra(map[string]any{"scope": s.scope})
	}
	rotated := tok.RefreshToken != s.tok.RefreshToken
	s.tok = tok

	// A failed write is logged, not returned: the access token in hand is
	// good for an hour, and the next refresh writes the file again.
	if err := WriteToken(s.path, tok); err != nil {
		s.log.Error("cannot save refreshed "+s.provider+" token", "path", s.path, "err", err)
	}
	s.log.Debug("refreshed "+s.provider+" access token", "expiry", tok.Expiry.Format(time.RFC3339), "refresh_token_rotated", rotated)
	return tok, nil
}

// Invalidate forgets the current access token so that the next Token call
// refreshes it. Callers use it after an API answers 401 Unauthorized, which
// means the token was revoked or the clocks disagree about its expiry.
func (s *TokenSource) Invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Replace rather than modify: earlier callers may still hold s.tok.
	t := *s.tok
	t.AccessToken = ""
	s.tok = &t
	s.log.Debug("invalidated " + s.provider + " access token")
}

// Scopes returns the scopes Google granted to the saved authorisation, or
// nil if Google did not say. They can be fewer than were asked for: the
// consent screen lets the user untick some.
func (s *TokenSource) Scopes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.scope == "" {
		return nil
	}
	return strings.Fields(s.scope)
}

// defaultHTTPClient returns the client for token requests when the caller
// gives none. http.DefaultClient has no timeout, and a token request that
// hangs would stall every Calendar call behind TokenSource's mutex.
func defaultHTTPClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second}
}
