package googleauth

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

func TestLoadClient(t *testing.T) {
	const (
		authURI  = "http://127.0.0.1:9/o/oauth2/auth"
		tokenURI = "http://127.0.0.1:9/token"
	)
	ok := func(want oauth2.Config) func(t *testing.T, c *oauth2.Config, err error) {
		return func(t *testing.T, c *oauth2.Config, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("LoadClient() = %v", err)
			}
			if c.ClientID != want.ClientID || c.ClientSecret != want.ClientSecret || c.Endpoint != want.Endpoint ||
				!slices.Equal(c.Scopes, want.Scopes) {
				t.Errorf("LoadClient() = %+v, want %+v", c, want)
			}
		}
	}
	fails := func(wantText string, wantIs error) func(t *testing.T, c *oauth2.Config, err error) {
		return func(t *testing.T, c *oauth2.Config, err error) {
			t.Helper()
			if err == nil {
				t.Fatalf("LoadClient() = %+v, nil; want an error", c)
			}
			if !strings.Contains(err.Error(), wantText) || (wantIs != nil && !errors.Is(err, wantIs)) {
				t.Errorf("LoadClient() = %v; want %q in it (and errors.Is %v)", err, wantText, wantIs)
			}
		}
	}
	scopes := []string{ScopeCalendarEventsReadonly}
	custom := oauth2.Endpoint{AuthURL: authURI, TokenURL: tokenURI, AuthStyle: oauth2.AuthStyleInParams}

	tests := []struct {
		name    string
		content string // "" means no file
		check   func(t *testing.T, c *oauth2.Config, err error)
	}{
		{
			name: "installed",
			content: `{"installed":{"client_id":"id","project_id":"p","auth_uri":"` + authURI + `","token_uri":"` + tokenURI + `",
				"client_secret":"secret","redirect_uris":["http://localhost"]}}`,
			check: ok(oauth2.Config{ClientID: "id", ClientSecret: "secret", Endpoint: custom, Scopes: scopes}),
		},
		{
			name: "web",
			content: `{"web":{"client_id":"wid","auth_uri":"` + authURI + `","token_uri":"` + tokenURI + `",
				"client_secret":"wsecret","redirect_uris":["https://example.com/cb"]}}`,
			check: ok(oauth2.Config{ClientID: "wid", ClientSecret: "wsecret", Endpoint: custom, Scopes: scopes}),
		},
		{
			name:    "Google endpoints by default",
			content: `{"installed":{"client_id":"id","client_secret":"secret"}}`,
			check: ok(oauth2.Config{ClientID: "id", ClientSecret: "secret", Scopes: scopes, Endpoint: oauth2.Endpoint{
				AuthURL: google.Endpoint.AuthURL, TokenURL: google.Endpoint.TokenURL,
				AuthStyle: oauth2.AuthStyleInParams}}),
		},
		{
			name: "service account",
			content: `{"type":"service_account","project_id":"p","private_key_id":"k","private_key":"-----BEGIN PRIVATE KEY-----\n",
				"client_email":"sa@p.iam.gserviceaccount.com","client_id":"1","token_uri":"https://oauth2.googleapis.com/token"}`,
			check: fails(`"Desktop app"`, nil),
		},
		{
			name:    "gcloud credentials",
			content: `{"type":"authorized_user","client_id":"id","client_secret":"s","refresh_token":"r"}`,
			check:   fails(`"authorized_user"`, nil),
		},
		{
			name:  "missing file",
			check: fails("Google Cloud Console → APIs & Services → Credentials", fs.ErrNotExist),
		},
		{
			name:    "malformed JSON",
			content: `{"installed":`,
			check:   fails("parse OAuth client file", nil),
		},
		{
			name:    "no client",
			content: `{"something":{}}`,
			check:   fails(`no "installed" or "web" client`, nil),
		},
		{
			name:    "no client ID",
			content: `{"installed":{"client_secret":"s"}}`,
			check:   fails("client_id is empty", nil),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "client.json")
			if tt.content != "" {
				path = writeFile(t, "client.json", tt.content)
			}
			c, err := LoadClient(path, scopes...)
			tt.check(t, c, err)
		})
	}
}

func TestLoadClientCopiesScopes(t *testing.T) {
	g := newFakeGoogle(t)
	scopes := []string{ScopeCalendarEventsReadonly, ScopeMail}
	c, err := LoadClient(g.clientFile(t), scopes...)
	if err != nil {
		t.Fatalf("LoadClient() = %v", err)
	}
	scopes[0] = "changed"
	if c.Scopes[0] != ScopeCalendarEventsReadonly {
		t.Errorf("LoadClient() Scopes = %v; it shares the caller's slice", c.Scopes)
	}
}
