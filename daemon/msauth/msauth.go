// Package msauth signs leadup in to a Microsoft account (Microsoft 365 or
// Outlook.com) with the OAuth 2.0 device authorization grant (RFC 8628), so
// that it can read the user's calendar through Microsoft Graph.
//
// The device flow suits a daemon on a server: leadup prints a short code,
// and the user enters it at Microsoft's sign-in page on any device with a
// browser. No redirect URI or local web server is needed, and leadup, a
// public client, holds no client secret. See "Microsoft identity platform
// and the OAuth 2.0 device authorization grant flow",
// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code.
//
// Tokens are stored with package googleauth's ReadToken, WriteToken and
// NewTokenSource, which are not specific to Google: they keep the refresh
// token Microsoft rotates at every refresh.
package msauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/microsoft"
)

// Scopes are what leadup asks for: reading the user's calendars
// (Calendars.Read, the least privilege that calendarView delta needs, per
// "event: delta" in Graph's reference), and offline_access, without which
// Microsoft issues no refresh token and leadup would have to sign in again
// every hour.
var Scopes = []string{"offline_access", "Calendars.Read"}

// Errors Login returns, wrapped, for outcomes a caller may want to tell
// apart.
var (
	// ErrDeclined: the user, or the organisation's policy, refused.
	ErrDeclined = errors.New("sign-in declined")
	// ErrExpired: the code expired before the user signed in.
	ErrExpired = errors.New("sign-in code expired")
	// ErrAppConfig: the app registration (client id, tenant, settings)
	// does not allow this sign-in; only fixing it can help.
	ErrAppConfig = errors.New("app registration does not allow this sign-in")
)

// microsoftLogin is the host of AzureADEndpoint's URLs.
const microsoftLogin = "https://login.microsoftonline.com"

// Config returns the OAuth configuration for the app registration clientID
// in tenant ("" means "common": work, school and personal accounts; also
// "organizations", "consumers", or a tenant's id or domain). authority, if
// not "", replaces https://login.microsoftonline.com, for a test server or
// a national cloud (such as https://login.microsoftonline.us).
func Config(clientID, tenant, authority string) *oauth2.Config {
	ep := microsoft.AzureADEndpoint(tenant)
	if authority = strings.TrimSuffix(authority, "/"); authority != "" {
		ep.AuthURL = authority + strings.TrimPrefix(ep.AuthURL, microsoftLogin)
		ep.TokenURL = authority + strings.TrimPrefix(ep.TokenURL, microsoftLogin)
		ep.DeviceAuthURL = authority + strings.TrimPrefix(ep.DeviceAuthURL, microsoftLogin)
	}
	// A public client sends its client_id in the form and no secret.
	// Auto-detection would try HTTP Basic with an empty secret first, and
	// every poll of the token endpoint would cost two requests.
	ep.AuthStyle = oauth2.AuthStyleInParams
	return &oauth2.Config{
		ClientID: clientID,
		Endpoint: ep,
		Scopes:   append([]string(nil), Scopes...),
	}
}

// Login runs the device flow: it asks Microsoft for a code, tells the user
// on w where to enter it, and waits until they have signed in (at most the
// code's lifetime, 15 minutes by default) or ctx ends. The token it returns
// carries a refresh token; save it with googleauth.WriteToken.
func Login(ctx context.Context, conf *oauth2.Config, w io.Writer) (*oauth2.Token, error) {
	if conf == nil || conf.ClientID == "" {
		return nil, fmt.Errorf("%w: no client id; register an app in the Azure portal (App registrations) and configure its Application (client) ID", ErrAppConfig)
	}
	da, err := conf.DeviceAuth(ctx)
	if err != nil {
		return nil, explain(ctx, "start Microsoft sign-in", err)
	}
	if da.VerificationURI == "" || da.UserCode == "" {
		return nil, errors.New("start Microsoft sign-in: Microsoft sent no sign-in address or code")
	}
	fmt.Fprintf(w, "To connect leadup to your Microsoft calendar:\n\n")
	fmt.Fprintf(w, "  1. On any device with a web browser, open\n\n         %s\n\n", da.VerificationURI)
	fmt.Fprintf(w, "  2. Enter this code:\n\n         %s\n\n", da.UserCode)
	fmt.Fprintf(w, "  3. Sign in with the Microsoft account whose calendar leadup should read\n")
	fmt.Fprintf(w, "     (the one that holds your meetings with your boss), and accept what\n")
	fmt.Fprintf(w, "     leadup asks for: to read your calendars, and to stay signed in.\n\n")
	if !da.Expiry.IsZero() {
		fmt.Fprintf(w, "The code is valid until %s.\n", da.Expiry.Local().Format("15:04"))
	}
	fmt.Fprintf(w, "Waiting for you to sign in…\n")

	tok, err := conf.DeviceAccessToken(ctx, da)
	if err != nil {
		return nil, explain(ctx, "finish Microsoft sign-in", err)
	}
	if tok.RefreshToken == "" {
		return nil, errors.New("finish Microsoft sign-in: Microsoft sent no refresh token, so leadup could not stay signed in; make sure the offline_access permission is granted")
	}
	fmt.Fprintf(w, "Signed in.\n")
	return tok, nil
}

// explain turns a failure of the device flow into an error that says, in
// plain words, what happened and what to do. The error codes are those of
// RFC 8628 §3.5 and Microsoft's device code documentation ("Expected
// errors"); AADSTS numbers come in error_description.
func explain(ctx context.Context, what string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		// DeviceAccessToken stops at the code's expiry with the context's
		// error; the caller's own context ending is not an expiry.
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("%s: %w: nobody signed in within the code's lifetime; run the sign-in again and enter the code promptly", what, ErrExpired)
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	desc := re.ErrorDescription
	switch {
	case re.ErrorCode == "authorization_declined" || re.ErrorCode == "access_denied":
		return fmt.Errorf("%s: %w: the sign-in was refused at Microsoft's page. Run it again and accept the permissions; "+
			"if your organisation lets only administrators consent to apps, ask one to grant Calendars.Read to this app (%w)", what, ErrDeclined, err)
	case re.ErrorCode == "expired_token":
		return fmt.Errorf("%s: %w: nobody signed in within the code's lifetime; run the sign-in again and enter the code promptly (%w)", what, ErrExpired, err)
	case re.ErrorCode == "bad_verification_code":
		return fmt.Errorf("%s: Microsoft did not recognise the device code; run the sign-in again (%w)", what, err)
	case hasCode(desc, "7000218"):
		// The token endpoint wants a client_secret: the registration is a
		// confidential client.
		return fmt.Errorf("%s: %w: the app registration does not allow public client flows, which leadup's sign-in needs. "+
			"In the Azure portal, open App registrations → your app → Authentication → Advanced settings, "+
			"set \"Allow public client flows\" to Yes, and save (%w)", what, ErrAppConfig, err)
	case hasCode(desc, "700016"):
		return fmt.Errorf("%s: %w: Microsoft does not know this client id in this tenant. Check the Application (client) ID "+
			"and the tenant in leadup's configuration (%w)", what, ErrAppConfig, err)
	case hasCode(desc, "70002"), hasCode(desc, "50020"), hasCode(desc, "50194"):
		return fmt.Errorf("%s: %w: the app registration does not accept this kind of account. Compare its \"Supported account types\" "+
			"with the account you signed in with (work or school, or personal), and set the tenant to match (%w)", what, ErrAppConfig, err)
	case hasCode(desc, "65001"):
		return fmt.Errorf("%s: %w: consent to the app is missing; an administrator of your organisation must grant Calendars.Read to it (%w)", what, ErrDeclined, err)
	case re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client":
		return fmt.Errorf("%s: %w: Microsoft refused the app registration; check the client id, the tenant and that public client flows are allowed (%w)", what, ErrAppConfig, err)
	case re.ErrorCode == "invalid_scope":
		return fmt.Errorf("%s: %w: Microsoft refused the permissions leadup asks for (%s) (%w)", what, ErrAppConfig, strings.Join(Scopes, " "), err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// hasCode reports whether Microsoft's error description carries the
// AADSTS error number n, which it writes as "AADSTS<n>: message".
func hasCode(desc, n string) bool {
	return strings.Contains(desc, "AADSTS"+n+":")
}
