package msauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadup/leadup/daemon/googleauth"
	"github.com/leadup/leadup/daemon/msauth"
)

// fakeLogin is Microsoft's devicecode and token endpoints for one tenant.
type fakeLogin struct {
	t *testing.T

	mu sync.Mutex
	// answers are the token endpoint's answers to device code polls, in
	// order; the last repeats.
	answers []func(w http.ResponseWriter)
	polls   int
	// refreshes counts refresh_token grants; each rotates the refresh token.
	refreshes int
}

func newFakeLogin(t *testing.T, answers ...func(w http.ResponseWriter)) (*fakeLogin, *httptest.Server) {
	f := &fakeLogin{t: t, answers: answers}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /common/oauth2/v2.0/devicecode", f.devicecode)
	mux.HandleFunc("POST /common/oauth2/v2.0/token", f.token)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeLogin) devicecode(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("client_id") != "app-id" {
		oauthError(w, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'client_id'.")
		return
	}
	if got := r.PostForm.Get("scope"); got != "offline_access Calendars.Read" {
		f.t.Errorf("devicecode scope = %q", got)
	}
	writeJSON(w, map[string]any{
		"device_code":      "dev-code",
		"user_code":        "ABCD-EFGH",
		"verification_uri": "https://microsoft.com/devicelogin",
		"expires_in":       900,
		"interval":         1, // x/oauth2 waits this long between polls
		"message":          "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate.",
	})
}

func (f *fakeLogin) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", 400)
		return
	}
	// A public client: its id in the form, no secret, no Basic auth.
	if r.PostForm.Get("client_id") != "app-id" || r.PostForm.Has("client_secret") || r.Header.Get("Authorization") != "" {
		f.t.Errorf("token request authenticates as %q, secret %t, Authorization %q; want a public client",
			r.PostForm.Get("client_id"), r.PostForm.Has("client_secret"), r.Header.Get("Authorization"))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "urn:ietf:params:oauth:grant-type:device_code":
		if r.PostForm.Get("device_code") != "dev-code" {
			oauthError(w, "bad_verification_code", "AADSTS70019: Verification code expired.")
			return
		}
		i := min(f.polls, len(f.answers)-1)
		f.polls++
		f.answers[i](w)
	case "refresh_token":
		f.refreshes++
		writeJSON(w, map[string]any{
			"token_type": "Bearer", "scope": "Calendars.Read", "expires_in": 3599,
			"access_token": "at-refreshed", "refresh_token": "rt-rotated",
		})
	default:
		oauthError(w, "unsupported_grant_type", "")
	}
}

func pending(w http.ResponseWriter) {
	oauthError(w, "authorization_pending", "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
}

func granted(w http.ResponseWriter) {
	writeJSON(w, map[string]any{
		"token_type": "Bearer", "scope": "Calendars.Read", "expires_in": 3599, "ext_expires_in": 3599,
		"access_token": "at-1", "refresh_token": "rt-1",
	})
}

func failWith(code, desc string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { oauthError(w, code, desc) }
}

func oauthError(w http.ResponseWriter, code, desc string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]any{"error": code, "error_description": desc, "error_codes": []int{0}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func TestConfig(t *testing.T) {
	c := msauth.Config("app-id", "", "")
	if c.Endpoint.DeviceAuthURL != "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode" ||
		c.Endpoint.TokenURL != "https://login.microsoftonline.com/common/oauth2/v2.0/token" {
		t.Errorf("endpoint = %+v, want the common tenant's", c.Endpoint)
	}
	if c.Endpoint.AuthStyle != oauth2.AuthStyleInParams || c.ClientSecret != "" {
		t.Errorf("auth style %v, secret %q; want a public client", c.Endpoint.AuthStyle, c.ClientSecret)
	}
	if strings.Join(c.Scopes, " ") != "offline_access Calendars.Read" {
		t.Errorf("scopes = %v", c.Scopes)
	}
	c = msauth.Config("app-id", "contoso.onmicrosoft.com", "http://127.0.0.1:9/")
	if c.Endpoint.TokenURL != "http://127.0.0.1:9/contoso.onmicrosoft.com/oauth2/v2.0/token" {
		t.Errorf("token URL with an authority = %q", c.Endpoint.TokenURL)
	}
}

func TestLoginPendingThenGranted(t *testing.T) {
	t.Parallel()
	f, srv := newFakeLogin(t, pending, granted)
	conf := msauth.Config("app-id", "", srv.URL)
	var out bytes.Buffer
	start := time.Now()
	tok, err := msauth.Login(context.Background(), conf, &out)
	if err != nil {
		t.Fatalf("Login() = %v", err)
	}
	if tok.AccessToken != "at-1" || tok.RefreshToken != "rt-1" || tok.Extra("scope") != "Calendars.Read" {
		t.Errorf("token = %+v, scope %v", tok, tok.Extra("scope"))
	}
	if f.polls != 2 {
		t.Errorf("%d polls, want 2 (pending, then granted)", f.polls)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Login took %v; the fake's interval is 1s", d)
	}
	for _, want := range []string{"https://microsoft.com/devicelogin", "ABCD-EFGH", "whose calendar leadup should read", "Signed in."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("instructions lack %q:\n%s", want, out.String())
		}
	}

	// The token is saved and refreshed with googleauth's storage, which
	// keeps the refresh token Microsoft rotates.
	path := filepath.Join(t.TempDir(), "microsoft-token.json")
	if err := googleauth.WriteToken(path, tok); err != nil {
		t.Fatalf("WriteToken() = %v", err)
	}
	ts, err := googleauth.NewTokenSource(context.Background(), conf, path, nil)
	if err != nil {
		t.Fatalf("NewTokenSource() = %v", err)
	}
	ts.Invalidate()
	got, err := ts.Token()
	if err != nil || got.AccessToken != "at-refreshed" {
		t.Fatalf("Token() after Invalidate = %v, %v; want a refreshed token", got, err)
	}
	saved, err := googleauth.ReadToken(path)
	if err != nil || saved.RefreshToken != "rt-rotated" || f.refreshes != 1 {
		t.Errorf("saved token = %+v, %v after %d refreshes; want the rotated refresh token", saved, err, f.refreshes)
	}
}

func TestLoginFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		answer  func(w http.ResponseWriter)
		is      error
		explain string
	}{
		{"declined", failWith("authorization_declined", "AADSTS70000: The user denied the request."), msauth.ErrDeclined, "refused"},
		{"expired", failWith("expired_token", "AADSTS70020: The provided value for the input parameter 'device_code' is not valid. This device code has expired."), msauth.ErrExpired, "promptly"},
		{"public client flows off", failWith("invalid_client", "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'."), msauth.ErrAppConfig, `"Allow public client flows" to Yes`},
		{"unknown app", failWith("unauthorized_client", "AADSTS700016: Application with identifier 'app-id' was not found in the directory 'Contoso'."), msauth.ErrAppConfig, "client id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, srv := newFakeLogin(t, tt.answer)
			_, err := msauth.Login(context.Background(), msauth.Config("app-id", "", srv.URL), &bytes.Buffer{})
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.explain) {
				t.Errorf("Login() = %v\nwant %v explained with %q", err, tt.is, tt.explain)
			}
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) {
				t.Errorf("Login() error does not wrap Microsoft's answer: %v", err)
			}
		})
	}
}

func TestLoginBadClientID(t *testing.T) {
	_, srv := newFakeLogin(t, granted)
	_, err := msauth.Login(context.Background(), msauth.Config("wrong", "", srv.URL), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "start Microsoft sign-in") {
		t.Errorf("Login() with an unknown client id = %v, want a failure to start", err)
	}
	if _, err := msauth.Login(context.Background(), msauth.Config("", "", srv.URL), &bytes.Buffer{}); !errors.Is(err, msauth.ErrAppConfig) {
		t.Errorf("Login() without a client id = %v, want ErrAppConfig", err)
	}
}

func TestLoginCancelled(t *testing.T) {
	t.Parallel()
	_, srv := newFakeLogin(t, pending)
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, err := msauth.Login(ctx, msauth.Config("app-id", "", srv.URL), &bytes.Buffer{})
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, msauth.ErrExpired) {
		t.Errorf("Login() with the caller's deadline passed = %v, want the deadline, not an expired code", err)
	}
}
