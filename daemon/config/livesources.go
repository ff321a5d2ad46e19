package config

import (
	"github.com/leadup/leadup/internal/loopback"
	"net/url"
	"strings"
)

// This file holds the live calendar back ends besides Google: Microsoft 365
// and Outlook.com through Microsoft Graph ([microsoft]), CalDAV servers
// (calendar.caldav_url and its account), and the calendars = [...] list of
// the sources that can watch several calendars.

// Values of calendar.source, besides SourceGoogle and SourceICS.
const (
	SourceMicrosoft = "microsoft" // Microsoft Graph, with the device-code sign-in ([microsoft])
	SourceCalDAV    = "caldav"    // a CalDAV server (calendar.caldav_url)
)

// Defaults of [microsoft].
const (
	DefaultMicrosoftTenant    = "common"
	DefaultMicrosoftTokenFile = "microsoft-token.json"
	DefaultGraphEndpoint      = "https://graph.microsoft.com/v1.0/"
)

// Microsoft is the [microsoft] section: how to reach a Microsoft 365 or
// Outlook.com calendar through Microsoft Graph.
type Microsoft struct {
	// ClientID is the application (client) id of the app registration, a
	// public client allowed the device-code flow with Calendars.Read.
	ClientID string
	// Tenant is "common" (work, school and personal accounts),
	// "organizations", "consumers", or a tenant's id or domain.
	Tenant    string
	TokenFile string // absolute path of the stored OAuth token
	// Calendar is the calendar's name as Outlook shows it, or its id; ""
	// for the user's default calendar.
	Calendar string
	Endpoint string // the Graph API base, ending in "/"
	// Authority is the sign-in host, "" for Microsoft's global one
	// (https://login.microsoftonline.com); a national cloud's, or a test
	// server's.
	Authority string
}

// CalDAV is what calendar.source = "caldav" reads: a server's address, the
// account, and an app password.
type CalDAV struct {
	// URL is a calendar collection, a calendar home, or the server's root
	// to discover them from.
	URL      string
	Username string
	Password Secret
}

type rawMicrosoft struct {
	ClientID  *string `toml:"client_id"`
	Tenant    *string `toml:"tenant"`
	TokenFile *string `toml:"token_file"`
	Calendar  *string `toml:"calendar"`
	Endpoint  *string `toml:"endpoint"`
	Authority *string `toml:"authority"`
}

// liveSources parses [microsoft], the CalDAV keys of [calendar] and
// calendar.calendars, and checks that what is set fits calendar.source. It
// runs after calendar and google.
func (p *parser) liveSources(raw *rawCalendar, ms *rawMicrosoft, google *rawGoogle, cfg *Config) {
	src := cfg.Calendar.Source

	m := &cfg.Microsoft
	if ms.ClientID != nil {
		// An empty one is missing: the check below says what to put there.
		m.ClientID = strings.TrimSpace(*ms.ClientID)
	}
	m.Tenant = p.str("microsoft.tenant", ms.Tenant, DefaultMicrosoftTenant)
	m.TokenFile = resolvePath(p.str("microsoft.token_file", ms.TokenFile, DefaultMicrosoftTokenFile), cfg.StateDir)
	if ms.Calendar != nil {
		m.Calendar = strings.TrimSpace(*ms.Calendar)
	}
	m.Endpoint = DefaultGraphEndpoint
	if ms.Endpoint != nil {
		m.Endpoint = p.endpoint("microsoft.endpoint", *ms.Endpoint)
	}
	if ms.Authority != nil {
		m.Authority = strings.TrimSuffix(p.endpoint("microsoft.authority", *ms.Authority), "/")
	}
	if src == SourceMicrosoft && m.ClientID == "" {
		p.errorf("calendar.source", `add client_id = "…" under [microsoft]: the application (client) id of your app registration (see the README's Microsoft 365 setup)`,
			`"microsoft" needs microsoft.client_id`)
	}
	if src != SourceMicrosoft && ms.ClientID != nil {
		p.errorf("calendar.source", `add source = "microsoft" under [calendar] to read the Microsoft calendar, or remove [microsoft]`,
			"is %q, but [microsoft] client_id is given", src)
	}

	c := &cfg.CalDAV
	if raw.CalDAVURL != nil {
		c.URL = p.caldavURL(*raw.CalDAVURL)
	}
	if raw.Username != nil {
		c.Username = strings.TrimSpace(*raw.Username)
	}
	c.Password = p.secret("calendar.password", raw.Password, raw.PasswordFile, raw.PasswordCommand)
	caldavSet := raw.CalDAVURL != nil || raw.Username != nil || c.Password.IsSet()
	switch {
	case src == SourceCalDAV && raw.CalDAVURL == nil:
		p.errorf("calendar.source", `add caldav_url = "https://…" under [calendar]: your CalDAV server, a calendar home or one calendar (see the README's CalDAV setup)`,
			`"caldav" needs calendar.caldav_url`)
	case src == SourceCalDAV && c.Username == "":
		p.errorf("calendar.username", `add username = "you@example.com" under [calendar]: the account the app password belongs to`, `"caldav" needs calendar.username`)
	case src == SourceCalDAV && !c.Password.IsSet():
		p.errorf("calendar.password", `add password_file = "caldav-password" (or password_command = "pass show caldav") under [calendar]: an app password for this account`,
			`"caldav" needs calendar.password, password_file or password_command`)
	case src != SourceCalDAV && caldavSet:
		p.errorf("calendar.source", `add source = "caldav" under [calendar] to read the CalDAV calendar`, "is %q, but a CalDAV server is given", src)
	}

	cals := raw.Calendars
	for i, name := range cals {
		if strings.TrimSpace(name) == "" {
			p.errorf("calendar.calendars", "give each calendar's name (CalDAV) or id (Google), or remove the empty entry", "entry %d is empty", i+1)
			return
		}
	}
	switch {
	case len(cals) == 0 && src == SourceGoogle:
		cfg.Calendar.Calendars = []string{cfg.Google.Calendar}
	case len(cals) == 0:
	case src == SourceGoogle && google.Calendar != nil:
		p.errorf("google.calendar", "keep calendar.calendars (your own calendar first) and remove google.calendar", "conflicts with calendar.calendars")
	case src == SourceGoogle || src == SourceCalDAV:
		seen := map[string]bool{}
		for _, name := range cals {
			name = strings.TrimSpace(name)
			if seen[strings.ToLower(name)] {
				p.errorf("calendar.calendars", "list each calendar once", "%q is listed twice", name)
				continue
			}
			seen[strings.ToLower(name)] = true
			cfg.Calendar.Calendars = append(cfg.Calendar.Calendars, name)
		}
		if src == SourceGoogle {
			cfg.Google.Calendar = cfg.Calendar.Calendars[0]
		}
	case src == SourceMicrosoft:
		p.errorf("calendar.calendars", `name the one calendar with calendar = "…" under [microsoft]`, "works with Google and CalDAV only")
	default:
		p.errorf("calendar.calendars", "remove it: an .ics address is one calendar (add one source per feed instead)", "works with Google and CalDAV only")
	}
}

// caldavURL checks a CalDAV server's address: https, or plain http only to
// this machine (the password would travel in clear text), no credentials
// in it.
func (p *parser) caldavURL(s string) string {
	const fix = `give the server's address, like "https://caldav.fastmail.com/" or "https://cloud.example.com/remote.php/dav/"`
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil || u.Host == "":
		p.errorf("calendar.caldav_url", fix, "%q is not an absolute URL", s)
	case u.User != nil:
		p.errorf("calendar.caldav_url", "remove the user name and password from the URL: put them in username and password_file", "URL contains credentials")
	case u.Scheme == "http" && !loopback.Host(u.Hostname()):
		p.errorf("calendar.caldav_url", "use https://, or http:// only to 127.0.0.1, ::1 or localhost",
			"plain http to %s would send the password in clear text", u.Hostname())
	case u.Scheme != "https" && u.Scheme != "http":
		p.errorf("calendar.caldav_url", fix, "URL %q must start with https://", s)
	default:
		return u.String()
	}
	return ""
}

// SourceName says which back end calendar.source names, for messages:
// "Google Calendar", "Microsoft 365", "CalDAV", "an .ics calendar".
func (c *Calendar) SourceName() string {
	switch c.Source {
	case SourceMicrosoft:
		return "Microsoft 365"
	case SourceCalDAV:
		return "CalDAV"
	case SourceICS:
		return "an .ics calendar"
	}
	return "Google Calendar"
}
