package googleauth

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// tsFixture is a TokenSource on a token file, refreshing at a fake Google,
// logging at debug level into a buffer that must never show a secret.
type tsFixture struct {
	g    *fakeGoogle
	path string
	log  *bytes.Buffer
	hc   *countingTransport
}

func newTSFixture(t *testing.T, tok *oauth2.Token, mode os.FileMode) *tsFixture {
	t.Helper()
	fx := &tsFixture{
		g:    newFakeGoogle(t),
		path: filepath.Join(t.TempDir(), "token.json"),
		log:  &bytes.Buffer{},
		hc:   &countingTransport{},
	}
	fx.g.addRefreshToken(tok.RefreshToken)
	if err := WriteToken(fx.path, tok); err != nil {
		t.Fatalf("WriteToken() = %v", err)
	}
	if err := os.Chmod(fx.path, mode); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if strings.Contains(fx.log.String(), secretMarker) {
			t.Errorf("log shows a secret:\n%s", fx.log.String())
		}
	})
	return fx
}

func (fx *tsFixture) source(t *testing.T) *TokenSource {
	t.Helper()
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: fx.log}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, &http.Client{Transport: fx.hc})
	s, err := NewTokenSource(ctx, fx.g.config(t), fx.path, log)
	if err != nil {
		t.Fatalf("NewTokenSource() = %v", err)
	}
	return s
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

var (
	future = time.Now().Add(time.Hour)
	past   = time.Now().Add(-time.Hour)
)

func TestTokenSourceValidTokenNotRefreshed(t *testing.T) {
	fx := newTSFixture(t, testToken("access-SECRET-0", "refresh-SECRET-0", future, fakeScope), 0o600)
	s := fx.source(t)
	before, _ := os.ReadFile(fx.path)
	for range 3 {
		tok, err := s.Token()
		if err != nil || tok.AccessToken != "access-SECRET-0" {
			t.Fatalf("Token() = %+v, %v; want the saved token", tok, err)
		}
	}
	if _, n := fx.g.counts(); n != 0 {
		t.Errorf("fake Google saw %d refreshes, want 0", n)
	}
	if after, _ := os.ReadFile(fx.path); !bytes.Equal(before, after) {
		t.Errorf("token file changed without a refresh")
	}
}

func TestTokenSourceRefresh(t *testing.T) {
	tests := []struct {
		name         string
		rotate       bool
		refreshScope string
		wantScopes   []string
	}{
		{name: "refresh token kept", wantScopes: []string{fakeScope}},
		{name: "refresh token rotated", rotate: true, wantScopes: []string{fakeScope}},
		{name: "scope narrowed", refreshScope: fakeScope + " openid", wantScopes: []string{fakeScope, "openid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newTSFixture(t, testToken("access-SECRET-0", "refresh-SECRET-0", past, fakeScope), 0o600)
			fx.g.set(func(g *fakeGoogle) { g.rotate, g.refreshScope = tt.rotate, tt.refreshScope })
			s := fx.source(t)

			for i := 1; i <= 2; i++ {
				s.Invalidate() // from the second round on, the token is valid
				tok, err := s.Token()
				if err != nil {
					t.Fatalf("Token() #%d = %v", i, err)
				}
				if tok.AccessToken == "access-SECRET-0" || !tok.Valid() {
					t.Fatalf("Token() #%d = %+v, want a new valid access token", i, tok)
				}
				if !tt.rotate && tok.RefreshToken != "refresh-SECRET-0" {
					t.Errorf("Token() #%d refresh token = %q, want the old one kept", i, tok.RefreshToken)
				}
				if tt.rotate && tok.RefreshToken == "refresh-SECRET-0" {
					t.Errorf("Token() #%d refresh token = %q, want the rotated one", i, tok.RefreshToken)
				}
				if q := fx.g.lastTokenQuery; q.Get("grant_type") != "refresh_token" {
					t.Errorf("token request = %v, want grant_type=refresh_token", q)
				}

				saved, err := ReadToken(fx.path)
				if err != nil {
					t.Fatalf("ReadToken() = %v", err)
				}
				if saved.AccessToken != tok.AccessToken || saved.RefreshToken != tok.RefreshToken || !saved.Expiry.Equal(tok.Expiry) {
					t.Errorf("token file = %+v, want the refreshed %+v", saved, tok)
				}
				if m := fileMode(t, fx.path); m != 0o600 {
					t.Errorf("token file mode = %#o, want 0600", m)
				}
			}
			if _, n := fx.g.counts(); n != 2 {
				t.Errorf("fake Google saw %d refreshes, want 2", n)
			}
			if n := fx.hc.n.Load(); n != 2 {
				t.Errorf("the ctx's HTTP client made %d requests, want 2", n)
			}
			if got := s.Scopes(); !slices.Equal(got, tt.wantScopes) {
				t.Errorf("Scopes() = %q, want %q", got, tt.wantScopes)
			}
			// A restarted daemon picks the refreshed token up.
			s2 := fx.source(t)
			if got := s2.Scopes(); !slices.Equal(got, tt.wantScopes) {
				t.Errorf("Scopes() after restart = %q, want %q", got, tt.wantScopes)
			}
			if _, err := s2.Token(); err != nil {
				t.Errorf("Token() after restart = %v", err)
			}
			if _, n := fx.g.counts(); n != 2 {
				t.Errorf("fake Google saw %d refreshes after restart, want still 2", n)
			}
		})
	}
}

func TestTokenSourceConcurrentRefreshOnce(t *testing.T) {
	fx := newTSFixture(t, testToken("access-SECRET-0", "refresh-SECRET-0", past, ""), 0o600)
	s := fx.source(t)
	const callers = 16
	start := make(chan struct{})
	got := make([]string, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			<-start
			tok, err := s.Token()
			if err != nil {
				t.Errorf("Token() = %v", err)
				return
			}
			got[i] = tok.AccessToken
		})
	}
	close(start)
	wg.Wait()
	if _, n := fx.g.counts(); n != 1 {
		t.Errorf("fake Google saw %d refreshes for %d concurrent Token() calls, want 1", n, callers)
	}
	for i, a := range got {
		if a != got[0] {
			t.Errorf("Token() #%d = %q, #0 = %q; want all the same", i, a, got[0])
		}
	}
}

func TestTokenSourceRefreshErrors(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(g *fakeGoogle)
		wantReauth bool
		wantText   []string
	}{
		{
			name:       "invalid_grant",
			setup:      func(g *fakeGoogle) { g.refreshError = "invalid_grant" },
			wantReauth: true,
			wantText:   []string{"leadup auth", "7 days", "Testing", "In production"},
		},
		{
			name:     "server error",
			setup:    func(g *fakeGoogle) { g.refreshStatus = http.StatusServiceUnavailable },
			wantText: []string{"refresh Google token", "503"},
		},
		{
			name:     "invalid_client",
			setup:    func(g *fakeGoogle) { g.refreshError = "invalid_client" },
			wantText: []string{"refresh Google token", "invalid_client"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newTSFixture(t, testToken("access-SECRET-0", "refresh-SECRET-0", past, ""), 0o600)
			fx.g.set(tt.setup)
			s := fx.source(t)
			before, _ := os.ReadFile(fx.path)
			tok, err := s.Token()
			if err == nil {
				t.Fatalf("Token() = %+v, nil; want an error", tok)
			}
			if errors.Is(err, ErrReauth) != tt.wantReauth {
				t.Errorf("Token() = %v; errors.Is(err, ErrReauth) = %v, want %v", err, !tt.wantReauth, tt.wantReauth)
			}
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) {
				t.Errorf("Token() = %v; want it to wrap *oauth2.RetrieveError", err)
			}
			for _, w := range tt.wantText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Token() = %v; want %q in it", err, w)
				}
			}
			if strings.Contains(err.Error(), secretMarker) {
				t.Errorf("Token() error shows a secret: %v", err)
			}
			if after, _ := os.ReadFile(fx.path); !bytes.Equal(before, after) {
				t.Errorf("token file changed after a failed refresh")
			}
		})
	}
}

func TestTokenSourceFileModeWarning(t *testing.T) {
	tests := []struct {
		name     string
		mode     os.FileMode
		wantWarn bool
	}{
		{name: "private", mode: 0o600},
		{name: "world-readable", mode: 0o644, wantWarn: true},
		{name: "group-readable", mode: 0o640, wantWarn: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newTSFixture(t, testToken("access-SECRET-0", "refresh-SECRET-0", future, ""), tt.mode)
			fx.source(t)
			log := fx.log.String()
			warned := strings.Contains(log, "level=WARN") && strings.Contains(log, "chmod 600 "+fx.path)
			if warned != tt.wantWarn {
				t.Errorf("NewTokenSource() on a %#o file logged %q; want a chmod warning: %v", tt.mode, log, tt.wantWarn)
			}
		})
	}
}

func TestNewTokenSourceErrors(t *testing.T) {
	g := newFakeGoogle(t)
	conf := g.config(t)
	if _, err := NewTokenSource(t.Context(), conf, filepath.Join(t.TempDir(), "token.json"), nil); !errors.Is(err, ErrNoToken) {
		t.Errorf("NewTokenSource(missing file) = %v, want ErrNoToken", err)
	}
	path := filepath.Join(t.TempDir(), "token.json")
	if err := WriteToken(path, testToken("a", "", future, "")); err != nil {
		t.Fatal(err)
	}
	if _, err := NewTokenSource(t.Context(), conf, path, nil); !errors.Is(err, ErrReauth) {
		t.Errorf("NewTokenSource(no refresh token) = %v, want ErrReauth", err)
	}
	if _, err := NewTokenSource(t.Context(), nil, path, nil); err == nil {
		t.Error("NewTokenSource(nil config) = nil error, want one")
	}
}

func TestTokenSourceScopesUnknown(t *testing.T) {
	fx := newTSFixture(t, testToken("access-SECRET-0", "refresh-SECRET-0", future, ""), 0o600)
	if got := fx.source(t).Scopes(); got != nil {
		t.Errorf("Scopes() = %q, want nil for a token file without scope", got)
	}
}
