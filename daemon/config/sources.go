package config

import (
	"context"
	"fmt"
	"github.com/leadup/leadup/internal/loopback"
	"net/url"
	"slices"
	"strings"
	"time"
)

// This file holds where meetings come from ([calendar]), where email goes
// ([mail] transport), the weekly digest ([digest]) and the nudges
// ([nudge]).

// Values of calendar.source.
const (
	SourceGoogle = "google" // Google Calendar's API, with OAuth ([google])
	SourceICS    = "ics"    // an iCalendar feed (ics_url) or file (ics_file)
)

// Values of mail.transport.
const (
	TransportSMTP    = "smtp"    // through [smtp]
	TransportMaildir = "maildir" // written into mail.maildir
)

// DefaultICSPoll is how often an .ics feed is fetched by default: published
// feeds change slowly (Google refreshes its secret address every few hours),
// and each fetch is a whole file.
const DefaultICSPoll = 5 * time.Minute

// DefaultDigest is when the weekly digest goes out unless configured.
var DefaultDigest = Weekly{Day: time.Friday, Hour: 16}

// Calendar is the [calendar] section: which calendar leadup watches.
type Calendar struct {
	Source string // SourceGoogle, SourceMicrosoft, SourceCalDAV or SourceICS
	// ICSURL is the feed's address (https://, webcal:// turned into
	// https://, or http:// to this machine). It is a Secret: a published
	// calendar's address is all it takes to read it.
	ICSURL  Secret
	ICSFile string // absolute path; set instead of ICSURL
	// Me lists the user's own addresses, lowercased, to recognise them
	// among an .ics event's attendees. By default mail.to and
	// mail.accept_from.
	Me        []string
	Poll      time.Duration // how often the calendar is read
	Lookahead time.Duration // how far ahead meetings are looked for
	// Calendars are the calendars watched, the user's own first: Google
	// calendar ids (google.calendar alone by default) or CalDAV calendar
	// names (every calendar by default). An event on several is one.
	Calendars []string
}

// Weekly is a time of the week, like "Fri 16:00", in the configured zone.
type Weekly struct {
	Day          time.Weekday
	Hour, Minute int
}

// String returns the time as written in the file: "Fri 16:00".
func (w Weekly) String() string {
	return fmt.Sprintf("%s %02d:%02d", w.Day.String()[:3], w.Hour, w.Minute)
}

// Next returns the first time at or after t that falls on w in loc.
func (w Weekly) Next(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	for i := 0; i <= 7; i++ {
		d := t.AddDate(0, 0, i)
		at := time.Date(d.Year(), d.Month(), d.Day(), w.Hour, w.Minute, 0, 0, loc)
		if at.Weekday() == w.Day && !at.Before(t) {
			return at
		}
	}
	return t.AddDate(0, 0, 7) // unreachable: one of eight days matches
}

// Digest is the [digest] section: the weekly summary email.
type Digest struct {
	Enabled bool
	Weekly  Weekly
}

type rawCalendar struct {
	Source        *string  `toml:"source"`
	ICSURL        *string  `toml:"ics_url"`
	ICSURLFile    *string  `toml:"ics_url_file"`
	ICSURLCommand *string  `toml:"ics_url_command"`
	ICSFile       *string  `toml:"ics_file"`
	Me            []string `toml:"me"`
	Poll          *string  `toml:"poll" hint:"write a duration in double quotes, like poll = \"5m\""`
	Lookahead     *string  `toml:"lookahead" hint:"write a duration in double quotes, like lookahead = \"14d\""`
	// CalDAV.
	CalDAVURL       *string  `toml:"caldav_url"`
	Username        *string  `toml:"username"`
	Password        *string  `toml:"password"`
	PasswordFile    *string  `toml:"password_file"`
	PasswordCommand *string  `toml:"password_command"`
	Calendars       []string `toml:"calendars" hint:"write a list in brackets, like calendars = [\"primary\", \"team@group.calendar.google.com\"]"`
}

// Nudge is the [nudge] section: an email when the user and a boss go too
// long without meeting (longer than one_on_one_every, or the rhythm of
// their 1:1s), or two 1:1s in a row do not take place. On by default.
type Nudge struct {
	Enabled bool
}

type rawNudge struct {
	Enabled *bool `toml:"enabled" hint:"write true or false, without quotes: enabled = false"`
}

type rawDigest struct {
	Weekly *string `toml:"weekly" hint:"write a day and time in double quotes, like weekly = \"Fri 16:00\""`
}

// calendar parses [calendar], and the poll and lookahead that [google] may
// give instead.
func (p *parser) calendar(raw *rawCalendar, google *rawGoogle, cfg *Config) {
	c := &cfg.Calendar
	c.Source = SourceGoogle
	if raw.Source != nil {
		switch s := strings.ToLower(strings.TrimSpace(*raw.Source)); s {
		case SourceGoogle, SourceICS, SourceMicrosoft, SourceCalDAV:
			c.Source = s
		default:
			p.errorf("calendar.source", `use "google" (the default), "microsoft", "caldav" or "ics"`, "unknown source %q", *raw.Source)
		}
	}

	defPoll := DefaultPoll
	if c.Source == SourceICS || c.Source == SourceCalDAV {
		defPoll = DefaultICSPoll
	}
	c.Poll = p.eitherDuration("poll", raw.Poll, google.Poll, defPoll, minPoll, 0)
	c.Lookahead = p.eitherDuration("lookahead", raw.Lookahead, google.Lookahead, DefaultLookahead, minLookahead, maxLookahead)
	p.lookaheadKey = "calendar.lookahead"
	if raw.Lookahead == nil && google.Lookahead != nil {
		p.lookaheadKey = "google.lookahead"
	}

	c.ICSURL = p.secret("calendar.ics_url", raw.ICSURL, raw.ICSURLFile, raw.ICSURLCommand)
	// An address written in the file is checked now, with its line; one
	// from a file or command when it is read (RevealICSURL).
	if raw.ICSURL != nil && *raw.ICSURL != "" {
		if _, err := ICSURL(*raw.ICSURL); err != nil {
			p.errorf("calendar.ics_url", `give the calendar's address, like "https://calendar.google.com/calendar/ical/…/basic.ics"`, "%v", err)
		}
	}
	if raw.ICSFile != nil {
		if *raw.ICSFile == "" {
			p.errorf("calendar.ics_file", "give the path of an .ics file, or remove the line", "is empty")
		} else {
			c.ICSFile = resolvePath(*raw.ICSFile, p.dir)
		}
	}
	switch {
	case c.Source == SourceICS && !c.ICSURL.IsSet() && c.ICSFile == "":
		p.errorf("calendar.source", `add ics_url = "https://…" (your calendar's secret iCal address) or ics_file = "/path/to/calendar.ics" under [calendar]`,
			`"ics" needs ics_url or ics_file`)
	case c.ICSURL.IsSet() && c.ICSFile != "":
		p.errorf("calendar.ics_file", "set only one of ics_url and ics_file", "conflicts with calendar.ics_url")
	case c.Source == SourceGoogle && (c.ICSURL.IsSet() || c.ICSFile != ""):
		p.errorf("calendar.source", `add source = "ics" under [calendar] to read the .ics calendar`, `is "google", but an .ics calendar is given`)
	}

	for _, s := range raw.Me {
		addr, ok := bareAddress(s)
		if !ok {
			p.errorf("calendar.me", "write only the address, like sam@example.com", "invalid email address %q", s)
			continue
		}
		c.Me = append(c.Me, addr)
	}
}

// defaultMe fills calendar.me from the mail addresses when it is not set;
// it runs after [mail] is parsed.
func defaultMe(cfg *Config) {
	if len(cfg.Calendar.Me) > 0 {
		return
	}
	if cfg.Mail.To != nil {
		cfg.Calendar.Me = append(cfg.Calendar.Me, strings.ToLower(cfg.Mail.To.Address))
	}
	for _, a := range cfg.Mail.AcceptFrom {
		if !slices.Contains(cfg.Calendar.Me, a) {
			cfg.Calendar.Me = append(cfg.Calendar.Me, a)
		}
	}
}

// eitherDuration parses a duration that [calendar] or, as before,
// [google] may set; setting both is a mistake.
func (p *parser) eitherDuration(name string, cal, google *string, def, lo, hi time.Duration) time.Duration {
	if cal != nil && google != nil {
		p.errorf("google."+name, "keep calendar."+name+" and remove google."+name, "conflicts with calendar.%s", name)
		return def
	}
	if google != nil {
		return p.duration("google."+name, google, def, lo, hi)
	}
	return p.duration("calendar."+name, cal, def, lo, hi)
}

// ICSURL checks the address of an .ics feed and returns it as leadup
// fetches it: webcal:// becomes https://, and plain http:// is allowed
// only to this machine, because the address itself is the secret.
func ICSURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("not an absolute URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "webcal", "webcals":
		u.Scheme = "https"
	case "https":
	case "http":
		if !loopback.Host(u.Hostname()) {
			return "", fmt.Errorf("plain http to %s would send the calendar's secret address in clear text: use https://", u.Hostname())
		}
	default:
		return "", fmt.Errorf("URL must start with https:// (or webcal://)")
	}
	return u.String(), nil
}

// RevealICSURL returns the checked .ics address, reading it from its file
// or command if need be.
func (c *Calendar) RevealICSURL(ctx context.Context) (string, error) {
	s, err := c.ICSURL.Reveal(ctx)
	if err != nil {
		return "", err
	}
	u, err := ICSURL(s)
	if err != nil {
		return "", &Error{Key: "calendar.ics_url", Msg: err.Error(), Fix: "check the address in the file or command output"}
	}
	return u, nil
}

// transport parses mail.transport and mail.maildir.
func (p *parser) transport(raw *rawMail, cfg *Config) {
	m := &cfg.Mail
	m.Transport = TransportSMTP
	if raw.Transport != nil {
		switch t := strings.ToLower(strings.TrimSpace(*raw.Transport)); t {
		case TransportSMTP, TransportMaildir:
			m.Transport = t
		default:
			p.errorf("mail.transport", `use "smtp" (the default) or "maildir"`, "unknown transport %q", *raw.Transport)
		}
	}
	if raw.Maildir != nil {
		if *raw.Maildir == "" {
			p.errorf("mail.maildir", "give a directory, or remove the line", "is empty")
		} else {
			m.Maildir = resolvePath(*raw.Maildir, p.dir)
		}
	}
	switch {
	case m.Transport == TransportMaildir && m.Maildir == "":
		p.errorf("mail.transport", `add maildir = "~/Maildir" under [mail]: the Maildir leadup writes into`, `"maildir" needs mail.maildir`)
	case m.Transport == TransportSMTP && m.Maildir != "":
		p.errorf("mail.maildir", `add transport = "maildir" under [mail], or remove mail.maildir`, "is set, but mail.transport is \"smtp\"")
	}
}

// digest parses [digest].
func (p *parser) digest(raw *rawDigest, cfg *Config) {
	d := &cfg.Digest
	d.Enabled, d.Weekly = true, DefaultDigest
	if raw.Weekly == nil {
		return
	}
	if strings.TrimSpace(*raw.Weekly) == "" {
		d.Enabled = false
		return
	}
	w, err := ParseWeekly(*raw.Weekly)
	if err != nil {
		p.errorf("digest.weekly", `write a day and a 24-hour time, like "Fri 16:00", or "" for no digest`, "%v", err)
		return
	}
	d.Weekly = w
}

// ParseWeekly parses a time of the week such as "Fri 16:00", "friday 9:30"
// or "Mon 08:00".
func ParseWeekly(s string) (Weekly, error) {
	day, clock, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return Weekly{}, fmt.Errorf("%q is not a day and a time", s)
	}
	var w Weekly
	found := false
	day = strings.ToLower(day)
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if day == name || day == name[:3] {
			w.Day, found = d, true
		}
	}
	if !found {
		return Weekly{}, fmt.Errorf("unknown day %q", day)
	}
	t, err := time.Parse("15:04", strings.TrimSpace(clock))
	if err != nil {
		return Weekly{}, fmt.Errorf("invalid time %q", strings.TrimSpace(clock))
	}
	w.Hour, w.Minute = t.Hour(), t.Minute()
	return w, nil
}
