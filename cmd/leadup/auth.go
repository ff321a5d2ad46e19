package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/googleauth"
	"github.com/leadup/leadup/daemon/msauth"
)

var authCommand = command{
	name:    "auth",
	summary: "sign in to Google or Microsoft and save leadup's calendar token",
	usage:   "[-no-browser] [-port N] [-config FILE]",
	help: `Signs leadup in to the account whose calendar it reads, with read-only access,
and saves the token (mode 0600). It then reads the calendar once to show
that the token works.

Microsoft 365 and Outlook.com (calendar.source = "microsoft"): leadup prints
an address and a code. Open the address on any device, type the code, sign
in with the account whose calendar leadup should read, and accept. Nothing
listens on this machine, so this works the same over SSH. The token goes to
microsoft.token_file. The README walks through the app registration
([microsoft] client_id) it needs.

Google (calendar.source = "google"): it saves the token to
google.token_file. With smtp.auth = "xoauth2" it also asks for permission to
send mail through Gmail (https://mail.google.com/), so that no app password
is needed.

It needs the OAuth client file from Google Cloud (google.client_file); the
README walks through creating it. leadup opens your browser on Google's
consent page and listens on 127.0.0.1 for Google to send the browser back.

On a server without a browser, use -no-browser -port 8085: leadup prints a
URL. On your laptop run "ssh -L 8085:127.0.0.1:8085 you@server", then open the
URL in the laptop's browser. Google sends the browser to 127.0.0.1:8085, which
the tunnel carries to leadup on the server.

Run it again whenever leadup says Google no longer accepts its token.`,
	setup: func(fs *flag.FlagSet) runFunc {
		noBrowser := fs.Bool("no-browser", false, "print the sign-in URL instead of opening a browser")
		port := fs.Int("port", 0, "loopback `port` for Google's redirect (0: any free port); pin it to forward it over SSH")
		return func(ctx context.Context, e *env, args []string) int {
			return runAuth(ctx, e, *noBrowser, *port)
		}
	},
}

func runAuth(ctx context.Context, e *env, noBrowser bool, port int) int {
	if port < 0 || port > 65535 {
		fmt.Fprintln(e.stderr, "leadup: -port must be between 0 and 65535")
		return exitConfig
	}
	log := e.logger()
	cfg, code := e.loadConfig(log)
	if code != exitOK {
		return code
	}
	if cfg.Calendar.Source == config.SourceMicrosoft {
		if code := authMicrosoft(ctx, e, cfg); code != exitOK {
			return code
		}
		if !cfg.NeedsGoogleMailScope() {
			return proveCalendar(ctx, e, cfg)
		}
	}
	var scopes []string
	switch {
	case cfg.Calendar.Source == config.SourceGoogle:
		scopes = append(scopes, googleauth.ScopeCalendarEventsReadonly)
	case !cfg.NeedsGoogleMailScope() && cfg.Calendar.Source == config.SourceCalDAV:
		fmt.Fprintln(e.stdout, `Nothing to do: a CalDAV calendar signs in with its app password (calendar.password_file), and mail signs in without Google.`)
		return exitOK
	case !cfg.NeedsGoogleMailScope():
		fmt.Fprintln(e.stdout, `Nothing to do: the calendar is an .ics feed (calendar.source = "ics") and mail signs in without Google.`)
		return exitOK
	}
	if cfg.NeedsGoogleMailScope() {
		// Sending or reading through Gmail with the same Google sign-in.
		scopes = append(scopes, googleauth.ScopeMail)
		fmt.Fprintln(e.stderr, "smtp.auth or imap.auth is xoauth2: leadup also asks Google for access to your Gmail.")
	}
	conf, err := googleauth.LoadClient(cfg.Google.ClientFile, scopes...)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitConfig
	}
	flow := &googleauth.Flow{Config: conf, Port: port, NoBrowser: noBrowser, Out: e.stderr}
	tok, err := flow.Run(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: sign-in failed: %v\n", err)
		if errors.Is(err, googleauth.ErrAccessDenied) {
			fmt.Fprintln(e.stderr, "Run leadup auth again and choose Allow to let leadup read your calendar.")
		}
		return exitFail
	}
	if err := googleauth.WriteToken(cfg.Google.TokenFile, tok); err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(e.stdout, "Signed in. Token saved to %s.\n", cfg.Google.TokenFile)
	return proveCalendar(ctx, e, cfg)
}

// authMicrosoft signs in to Microsoft with the device code and saves the
// token.
func authMicrosoft(ctx context.Context, e *env, cfg *config.Config) int {
	conf := msauth.Config(cfg.Microsoft.ClientID, cfg.Microsoft.Tenant, cfg.Microsoft.Authority)
	tok, err := msauth.Login(ctx, conf, e.stderr)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: sign-in failed: %v\n", err)
		if errors.Is(err, msauth.ErrAppConfig) {
			fmt.Fprintln(e.stderr, "Check [microsoft] client_id and tenant, and the app registration (README, Microsoft 365).")
			return exitConfig
		}
		return exitFail
	}
	if err := googleauth.WriteToken(cfg.Microsoft.TokenFile, tok); err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(e.stdout, "Signed in to Microsoft. Token saved to %s.\n", cfg.Microsoft.TokenFile)
	return exitOK
}

// proveCalendar shows that the saved token works: one sync, and what it
// found.
func proveCalendar(ctx context.Context, e *env, cfg *config.Config) int {
	d, _, code := e.openDaemon(ctx)
	if code != exitOK {
		return code
	}
	defer d.Close()
	if _, err := d.SyncMeetings(ctx); err != nil {
		fmt.Fprintf(e.stderr, "leadup: the token was saved, but reading the calendar failed: %v\n", err)
		return exitFail
	}
	ms, err := d.UpcomingMeetings(ctx, cfg.Calendar.Lookahead)
	if err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	name := d.CalendarName()
	fmt.Fprintf(e.stdout, "Calendar %s is readable: %d upcoming meetings with %s. Run \"leadup meetings\" to see them.\n",
		name, len(ms), bossNames(cfg))
	return exitOK
}
