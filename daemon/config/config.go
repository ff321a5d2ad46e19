// Package config reads leadup's TOML configuration file: which calendar to
// watch, who the bosses are, where state lives, when and how to send email,
// and where to read the user's replies.
//
// The file is decoded into a raw struct whose fields can tell "unset" from
// "empty", defaults are applied, and the values are validated into a typed
// Config. Every mistake found is reported at once, each as an *Error naming
// the file, line and key, so that a user fixes them all in one edit.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/leadup/leadup/internal/loopback"
	"io/fs"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Defaults of the keys that have one. state_dir and timezone depend on the
// environment; see Parse.
const (
	DefaultClientFile = "client_secret.json"
	DefaultTokenFile  = "google-token.json"
	DefaultCalendar   = "primary"
	DefaultPoll       = 2 * time.Minute
	DefaultLookahead  = 14 * 24 * time.Hour
)

// Bounds of the durations.
const (
	minPoll      = 10 * time.Second
	minLookahead = time.Hour
	maxLookahead = 366 * 24 * time.Hour
	// A 1:1 cadence is counted in days: daily at the most often, yearly
	// at the least.
	minOneOnOneEvery = 24 * time.Hour
	maxOneOnOneEvery = 366 * 24 * time.Hour
)

// Config is a loaded and validated configuration file.
type Config struct {
	Path     string         // absolute path of the file it was loaded from
	Location *time.Location // from `timezone`
	StateDir string         // absolute
	// TemplatesDir is an absolute directory whose files replace the
	// built-in email templates of the same name, or "" for none.
	TemplatesDir string
	Calendar     Calendar
	Google       Google
	Microsoft    Microsoft
	CalDAV       CalDAV
	Bosses       []Boss
	Me           Me
	Filter       Filter
	Brief        Brief
	Followup     Followup
	Mail         Mail
	SMTP         SMTP
	IMAP         IMAP
	Reply        Reply
	Digest       Digest
	Nudge        Nudge
	Limits       Limits

	// lines locates the tables of the keys CheckDelivery may report.
	lines struct{ mail, smtp int }
}

// Google is the [google] section: how to reach Google Calendar.
type Google struct {
	ClientFile string // absolute path of the "Desktop app" OAuth client JSON
	TokenFile  string // absolute path of the stored OAuth token
	Calendar   string // calendar ID; "primary" is the user's main calendar
	Endpoint   string // "" or absolute URL ending in "/"
}

// Boss is one [[boss]] table: a person whose meetings get briefs.
type Boss struct {
	Name       string
	Emails     []string // lowercased
	Style      string   // how they like to be informed, in the user's words
	Priorities []string
	// Stakeholders are the people this boss listens to, one name (and
	// perhaps a role) each.
	Stakeholders []string
	// OneOnOneEvery is the 1:1 cadence agreed with them; 0 when unset.
	OneOnOneEvery time.Duration
	// Autonomy is the autonomy agreed with them, and Updates the agreed
	// rhythm of updates, in the user's words; "" when unset.
	Autonomy string
	Updates  string
}

// Me is the [me] table: what the user says about themselves, for the
// briefs. It is not calendar.me, the user's own addresses.
type Me struct {
	// WorksBest is how the user works best, in their words, to offer
	// their bosses; "" when unset.
	WorksBest string
}

// Filter is the [filter] section: which meetings with a boss count.
type Filter struct {
	IncludeTitle  *regexp.Regexp // nil when unset
	ExcludeTitle  *regexp.Regexp // nil when unset
	GroupMeetings bool           // include meetings with a boss and others
}

// rawConfig is the file as decoded. Pointers and strings let validation tell
// an absent key from a zero value and report its own messages; durations are
// strings rather than Duration so that every bad one is reported, not only
// the first that stops the Decoder.
type rawConfig struct {
	Timezone     *string      `toml:"timezone" hint:"put the zone name in double quotes, like timezone = \"Europe/Berlin\""`
	StateDir     *string      `toml:"state_dir"`
	TemplatesDir *string      `toml:"templates_dir"`
	Calendar     rawCalendar  `toml:"calendar"`
	Google       rawGoogle    `toml:"google"`
	Microsoft    rawMicrosoft `toml:"microsoft"`
	Boss         []rawBoss    `toml:"boss"`
	Me           rawMe        `toml:"me" hint:"[me] is a table, like works_best = \"...\" under a [me] header; your own addresses go under [calendar] as me = [\"...\"]"`
	Filter       rawFilter    `toml:"filter"`
	Brief        rawBrief     `toml:"brief"`
	Followup     rawFollowup  `toml:"followup"`
	Mail         rawMail      `toml:"mail"`
	SMTP         *rawSMTP     `toml:"smtp"` // nil without [smtp]
	IMAP         *rawIMAP     `toml:"imap"` // nil without [imap]
	Reply        rawReply     `toml:"reply"`
	Digest       rawDigest    `toml:"digest"`
	Nudge        rawNudge     `toml:"nudge"`
	Limits       rawLimits    `toml:"limits"`
}

type rawGoogle struct {
	ClientFile *string `toml:"client_file"`
	TokenFile  *string `toml:"token_file"`
	Calendar   *string `toml:"calendar"`
	Poll       *string `toml:"poll" hint:"write a duration in double quotes, like poll = \"2m\""`
	Lookahead  *string `toml:"lookahead" hint:"write a duration in double quotes, like lookahead = \"14d\""`
	Endpoint   *string `toml:"endpoint"`
}

type rawBoss struct {
	Name          *string  `toml:"name"`
	Emails        []string `toml:"emails"`
	Style         *string  `toml:"style"`
	Priorities    []string `toml:"priorities"`
	Stakeholders  []string `toml:"stakeholders"`
	OneOnOneEvery *string  `toml:"one_on_one_every" hint:"write a duration in double quotes, like one_on_one_every = \"14d\""`
	Autonomy      *string  `toml:"autonomy"`
	Updates       *string  `toml:"updates"`
}

type rawMe struct {
	WorksBest *string `toml:"works_best"`
}

type rawFilter struct {
	IncludeTitle  *string `toml:"include_title"`
	ExcludeTitle  *string `toml:"exclude_title"`
	GroupMeetings *bool   `toml:"group_meetings"`
}

// Load reads the file at path and parses it; see Parse. A missing file is
// an *Error too, telling the user where to put one.
func Load(path string, log *slog.Logger) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		e := &Error{File: path, Msg: "cannot read the configuration file", cause: err}
		if errors.Is(err, fs.ErrNotExist) {
			e.Msg = "no configuration file here"
			e.Fix = "copy config.example.toml there, or pass -config PATH"
		} else {
			e.Msg += ": " + err.Error()
		}
		return nil, e
	}
	return Parse(path, data, log)
}

// Parse validates data, the content of the file at path, into a Config.
// Relative paths in it resolve against path's directory. It returns every
// mistake found, joined with errors.Join, each an *Error. Warnings, such as
// a client secret file other users can read, go to log, which may be nil.
func Parse(path string, data []byte, log *slog.Logger) (*Config, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot make the path absolute: " + err.Error(), cause: err}
	}
	p := &parser{file: path, dir: filepath.Dir(abs), log: log, idx: indexKeys(data)}

	var raw rawConfig
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		p.decodeErrors(err)
		// With unknown keys, the Decoder still decoded all the known
		// ones: validate those too. Any other error stopped it halfway.
		if !errors.As(err, new(*toml.StrictMissingError)) {
			return nil, errors.Join(p.errs...)
		}
	}

	cfg := p.validate(&raw)
	cfg.Path = abs
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	// The client file holds the OAuth client secret and the token file
	// grants access to the calendar; an inline smtp.password,
	// imap.password or calendar.ics_url (whose address is the key to the
	// calendar) makes the config file itself a secret.
	files := []struct{ key, path string }{
		{"google.client_file", cfg.Google.ClientFile},
		{"google.token_file", cfg.Google.TokenFile},
	}
	for _, pw := range []Secret{cfg.SMTP.Password, cfg.IMAP.Password, cfg.Calendar.ICSURL} {
		if s := pw.s; s != nil && s.kind == secretInline {
			files = append(files, struct{ key, path string }{s.key, abs})
		}
	}
	for _, f := range files {
		if w := CheckPrivate(f.path); w != "" {
			log.Warn(w, "key", f.key)
		}
	}
	return cfg, nil
}

// parser carries what validation needs and collects its mistakes.
type parser struct {
	file string // as given, for messages
	dir  string // absolute directory of the file
	log  *slog.Logger
	idx  *keyIndex
	errs []error
	// lookaheadKey is the key that set the lookahead, for messages.
	lookaheadKey string
}

func (p *parser) validate(raw *rawConfig) *Config {
	cfg := &Config{Location: time.Local}

	if raw.Timezone != nil {
		const fix = `use an IANA zone name like "Europe/Berlin" or "America/New_York", or remove the line for the system's zone`
		switch loc, err := time.LoadLocation(*raw.Timezone); {
		case *raw.Timezone == "":
			p.errorf("timezone", fix, "is empty")
		case err != nil:
			p.errorf("timezone", fix, "unknown time zone %q", *raw.Timezone)
		default:
			cfg.Location = loc
		}
	}

	if raw.StateDir != nil {
		if *raw.StateDir == "" {
			p.errorf("state_dir", "give a directory, or remove the line for the default", "is empty")
		}
		cfg.StateDir = resolvePath(*raw.StateDir, p.dir)
	} else {
		dir, err := defaultStateDir()
		if err != nil {
			p.errorf("state_dir", "set state_dir", "has no default: %v", err)
		}
		cfg.StateDir = dir
	}

	p.templatesDir(raw.TemplatesDir, cfg)
	p.calendar(&raw.Calendar, &raw.Google, cfg)
	p.google(&raw.Google, cfg)
	p.liveSources(&raw.Calendar, &raw.Microsoft, &raw.Google, cfg)
	p.bosses(raw.Boss, cfg)
	p.me(&raw.Me, cfg)
	p.filter(&raw.Filter, cfg)
	p.brief(&raw.Brief, cfg) // after google: lead times are checked against the lookahead
	p.followup(&raw.Followup, cfg)
	p.mail(&raw.Mail, cfg)
	p.transport(&raw.Mail, cfg)
	defaultMe(cfg)
	p.smtp(raw.SMTP, cfg)
	p.imap(raw.IMAP, cfg)
	p.reply(&raw.Reply, cfg)
	p.digest(&raw.Digest, cfg)
	cfg.Nudge.Enabled = raw.Nudge.Enabled == nil || *raw.Nudge.Enabled
	p.limits(&raw.Limits, cfg)
	cfg.lines.mail = p.idx.lineOf("mail")
	cfg.lines.smtp = p.idx.lineOf("smtp")
	return cfg
}

func (p *parser) google(raw *rawGoogle, cfg *Config) {
	g := &cfg.Google
	// A bare name is looked up in $CREDENTIALS_DIRECTORY first (LoadCredential=).
	g.ClientFile = secretPath(p.str("google.client_file", raw.ClientFile, DefaultClientFile), p.dir)
	g.TokenFile = resolvePath(p.str("google.token_file", raw.TokenFile, DefaultTokenFile), cfg.StateDir)
	g.Calendar = p.str("google.calendar", raw.Calendar, DefaultCalendar)
	if raw.Endpoint != nil {
		g.Endpoint = p.endpoint("google.endpoint", *raw.Endpoint)
	}
}

// str returns the value of an optional string key that must not be empty.
func (p *parser) str(key string, v *string, def string) string {
	if v == nil {
		return def
	}
	if strings.TrimSpace(*v) == "" {
		p.errorf(key, fmt.Sprintf("remove the line for the default %q", def), "is empty")
		return def
	}
	return *v
}

// duration parses an optional duration key and checks it lies in
// [lo, hi]; hi 0 means no upper bound.
func (p *parser) duration(key string, v *string, def, lo, hi time.Duration) time.Duration {
	if v == nil {
		return def
	}
	d, err := ParseDuration(*v)
	switch {
	case err != nil:
		p.errorf(key, durationFix, "%v", err)
	case d < lo:
		p.errorf(key, fmt.Sprintf("use at least %s", formatDuration(lo)), "%q is too short", *v)
	case hi > 0 && d > hi:
		p.errorf(key, fmt.Sprintf("use at most %s", formatDuration(hi)), "%q is too long", *v)
	default:
		return d
	}
	return def
}

// endpoint validates an API base URL. Plain http is only allowed to this
// machine, because the OAuth bearer token travels with every request.
func (p *parser) endpoint(key, s string) string {
	const fix = `use an absolute URL like "https://proxy.example.com/calendar/v3/"`
	u, err := url.Parse(s)
	if err != nil {
		p.errorf(key, fix, "invalid URL %q", s)
		return ""
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		p.errorf(key, fix, "URL %q must start with https:// or http://", s)
	case u.Host == "" || u.Hostname() == "":
		p.errorf(key, fix, "URL %q has no host", s)
	case u.User != nil:
		p.errorf(key, "remove the user name and password: leadup authenticates with OAuth", "URL %q contains credentials", s)
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		p.errorf(key, fix, "URL %q has a query or fragment", s)
	case u.Scheme == "http" && !loopback.Host(u.Hostname()):
		p.errorf(key, "use https://, or http:// only to 127.0.0.1, ::1 or localhost",
			"plain http to %s would send the OAuth token in clear text", u.Hostname())
	default:
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
			if u.RawPath != "" {
				u.RawPath += "/"
			}
		}
		return u.String()
	}
	return ""
}

func (p *parser) bosses(raw []rawBoss, cfg *Config) {
	if len(raw) == 0 {
		p.errorf("boss", `add a [[boss]] table with name = "..." and emails = ["..."]`, "no boss configured")
		return
	}
	owner := make(map[string]string) // address → key of the boss that lists it
	for i, rb := range raw {
		key := fmt.Sprintf("boss[%d]", i+1)
		var b Boss
		if rb.Name == nil || strings.TrimSpace(*rb.Name) == "" {
			p.errorf(key+".name", `add name = "..." to this [[boss]]`, "missing name")
		} else {
			b.Name = strings.TrimSpace(*rb.Name)
		}
		if len(rb.Emails) == 0 {
			p.errorf(key+".emails", `add emails = ["..."] with the addresses their calendar invitations use`, "no email addresses")
		}
		for _, e := range rb.Emails {
			addr, ok := bareAddress(e)
			if !ok {
				p.errorf(key+".emails", "write only the address, like dana@example.com", "invalid email address %q", e)
				continue
			}
			if prev, dup := owner[addr]; dup {
				p.errorf(key+".emails", "list each address under one boss only", "%s is already listed under %s", addr, prev)
				continue
			}
			owner[addr] = key
			b.Emails = append(b.Emails, addr)
		}
		if rb.Style != nil {
			b.Style = strings.TrimSpace(*rb.Style)
		}
		b.Priorities = rb.Priorities
		p.profile(key, &rb, &b)
		cfg.Bosses = append(cfg.Bosses, b)
	}
}

// profile validates the keys of a [[boss]] table that describe the working
// relationship: stakeholders, one_on_one_every, autonomy and updates.
func (p *parser) profile(key string, rb *rawBoss, b *Boss) {
	seen := make(map[string]bool)
	for _, s := range rb.Stakeholders {
		name := strings.Join(strings.Fields(s), " ")
		switch {
		case name == "":
			p.errorf(key+".stakeholders", `remove the empty entry, or write a name like "Priya Nair (VP Finance)"`, "has an empty name")
		case seen[strings.ToLower(name)]:
			p.errorf(key+".stakeholders", "list each person once", "%q is listed twice", name)
		default:
			seen[strings.ToLower(name)] = true
			b.Stakeholders = append(b.Stakeholders, name)
		}
	}
	if rb.OneOnOneEvery != nil {
		if *rb.OneOnOneEvery == "0" {
			p.errorf(key+".one_on_one_every", `write how often you meet, like "7d" or "14d", or remove the line`, "is zero")
		} else {
			b.OneOnOneEvery = p.duration(key+".one_on_one_every", rb.OneOnOneEvery, 0, minOneOnOneEvery, maxOneOnOneEvery)
		}
	}
	b.Autonomy = p.text(key+".autonomy", rb.Autonomy, `like "I decide on hiring within budget; Dana decides on scope"`)
	b.Updates = p.text(key+".updates", rb.Updates, `like "a written update every Friday; a call for anything urgent"`)
}

func (p *parser) me(raw *rawMe, cfg *Config) {
	cfg.Me.WorksBest = p.text("me.works_best", raw.WorksBest, `like "deep work in the mornings; I think best with a written brief"`)
}

// text returns an optional free-text key, trimmed; set, it must say
// something. example shows what to write.
func (p *parser) text(key string, v *string, example string) string {
	if v == nil {
		return ""
	}
	s := strings.TrimSpace(*v)
	if s == "" {
		p.errorf(key, "write it in your own words, "+example+", or remove the line", "is empty")
	}
	return s
}

// bareAddress returns s lowercased when it is a bare address
// ("dana@example.com", not "Dana <dana@example.com>").
func bareAddress(s string) (string, bool) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", false
	}
	return strings.ToLower(a.Address), true
}

func (p *parser) filter(raw *rawFilter, cfg *Config) {
	cfg.Filter.IncludeTitle = p.regexp("filter.include_title", raw.IncludeTitle)
	cfg.Filter.ExcludeTitle = p.regexp("filter.exclude_title", raw.ExcludeTitle)
	cfg.Filter.GroupMeetings = true
	if raw.GroupMeetings != nil {
		cfg.Filter.GroupMeetings = *raw.GroupMeetings
	}
}

// regexp compiles an optional Go regular expression; "" is unset.
func (p *parser) regexp(key string, v *string) *regexp.Regexp {
	if v == nil || *v == "" {
		return nil
	}
	re, err := regexp.Compile(*v)
	if err != nil {
		p.errorf(key, "see https://pkg.go.dev/regexp/syntax; in TOML, 'single quotes' keep backslashes as they are",
			"invalid regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return nil
	}
	return re
}

// secret builds the Secret for key (see secretFromRaw), records its
// mistake with the file and line, and warns when its file is not private.
func (p *parser) secret(key string, inline, file, command *string) Secret {
	s, e := secretFromRaw(key, inline, file, command, p.dir)
	if e != nil {
		e.File = p.file
		e.Line = p.idx.lineOf(e.Key)
		p.errs = append(p.errs, e)
		return Secret{}
	}
	if w := s.permissionWarning(); w != "" {
		p.log.Warn(w, "key", key+"_file")
	}
	return s
}
