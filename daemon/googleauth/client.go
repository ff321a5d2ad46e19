// Package googleauth signs leadup in to a Google account and keeps it signed
// in: it loads the OAuth client that the user created in Google Cloud, runs
// the installed-app authorization code flow once (leadup auth), saves the
// resulting token to a file, and hands out fresh access tokens to the
// Calendar and mail code from then on. The token file and the refreshing
// TokenSource are not Google's alone: Microsoft's sign-in (msauth) saves and
// refreshes its token with them (NewTokenSourceFor).
//
// leadup is an installed application in the sense of RFC 8252: its client
// secret ships with every copy and is not a secret, so the flow relies on a
// loopback redirect (RFC 8252 §7.3), PKCE (RFC 7636) and a state value
// (RFC 6749 §10.12) rather than on the secret.
package googleauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// Scopes leadup asks for.
const (
	// ScopeCalendarEventsReadonly lets leadup read the events of the
	// user's calendars, which is all it needs to find meetings.
	ScopeCalendarEventsReadonly = "https://www.googleapis.com/auth/calendar.events.readonly"

	// ScopeMail grants SMTP and IMAP access with XOAUTH2. It is opt-in:
	// users who send mail through an app password never grant it.
	ScopeMail = "https://mail.google.com/"
)

// consoleHint tells the user where an OAuth client file comes from.
const consoleHint = "download it from Google Cloud Console → APIs & Services → Credentials " +
	"(Create credentials → OAuth client ID → application type \"Desktop app\", then Download JSON)"

// clientFile is the JSON that Google Cloud Console downloads for an OAuth
// client, plus the "type" field of other Google credential files so that
// those can be recognised and refused.
type clientFile struct {
	Type      string        `json:"type"`
	Installed *clientFields `json:"installed"`
	Web       *clientFields `json:"web"`
}

// clientFields are the fields google.ConfigFromJSON reads.
type clientFields struct {
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret"`
	RedirectURIs []string `json:"redirect_uris"`
	AuthURI      string   `json:"auth_uri"`
	TokenURI     string   `json:"token_uri"`
}

// LoadClient reads a Google OAuth client JSON file as downloaded from Google
// Cloud Console ("installed" for a Desktop app client; "web" is accepted too)
// and returns an oauth2.Config asking for scopes. The file's auth_uri and
// token_uri are honoured; Google's endpoints are used where the file has none.
func LoadClient(path string, scopes ...string) (*oauth2.Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read OAuth client file: %w; %s", err, consoleHint)
	}
	if err != nil {
		return nil, fmt.Errorf("read OAuth client file: %w", err)
	}
	var f clientFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse OAuth client file %s: %w", path, err)
	}

	// This is the same decoding as google.ConfigFromJSON, done here because
	// that function refuses a file without redirect_uris (which the flow
	// does not use: it picks its own loopback redirect) and cannot explain
	// what is wrong with a service-account key or a gcloud credentials file.
	var c *clientFields
	switch {
	case f.Type == "service_account":
		return nil, fmt.Errorf("load OAuth client %s: this is a service-account key, but leadup needs an OAuth client ID "+
			"of type \"Desktop app\" to act as you; %s", path, consoleHint)
	case f.Type != "":
		return nil, fmt.Errorf("load OAuth client %s: this is a %q credentials file, not an OAuth client; %s",
			path, f.Type, consoleHint)
	case f.Installed != nil:
		c = f.Installed
	case f.Web != nil:
		c = f.Web
	default:
		return nil, fmt.Errorf("load OAuth client %s: no \"installed\" or \"web\" client in the file; %s", path, consoleHint)
	}
	if c.ClientID == "" {
		return nil, fmt.Errorf("load OAuth client %s: client_id is empty; %s", path, consoleHint)
	}

	// No DeviceAuthURL: Google's device flow does not allow Calendar
	// scopes, and a file with its own endpoints should not be mixed with
	// Google's.
	endpoint := oauth2.Endpoint{AuthURL: google.Endpoint.AuthURL, TokenURL: google.Endpoint.TokenURL}
	if c.AuthURI != "" {
		endpoint.AuthURL = c.AuthURI
	}
	if c.TokenURI != "" {
		endpoint.TokenURL = c.TokenURI
	}
	// Google takes the client credentials in the request body
	// (RFC 6749 §2.3.1). Saying so up front saves the auto-detection's
	// failed first request on every token exchange and refresh.
	endpoint.AuthStyle = oauth2.AuthStyleInParams

	conf := &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		Endpoint:     endpoint,
		Scopes:       slices.Clone(scopes),
	}
	if len(c.RedirectURIs) > 0 {
		conf.RedirectURL = c.RedirectURIs[0]
	}
	return conf, nil
}
