package config

import (
	"cmp"
	"errors"
	"io/fs"
	"net/mail"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"
)

// This file holds the sections about sending email: templates_dir, [brief],
// [followup], [mail] and [smtp].

// Defaults of the email keys. smtp.port's depends on smtp.security; see
// DefaultPort.
const (
	DefaultBriefBefore   = time.Hour
	DefaultFollowupAfter = 5 * time.Minute
	DefaultSMTPTimeout   = 30 * time.Second
)

// TokenPlaceholder is what mail.reply_to may contain, in its local part, to
// be replaced with a per-email token: replies then say which email they
// answer even when a mail client drops In-Reply-To.
const TokenPlaceholder = "{token}"

// sampleToken stands in for a real token when mail.reply_to is validated:
// 39 lowercase letters, the length and alphabet of the tokens leadup makes.
const sampleToken = "abcdefghijklmnopqrstuvwxyzabcdefghijklm"

// maxLocalPart is the longest local part (before the @) that SMTP servers
// must accept (RFC 5321 section 4.5.3.1.1).
const maxLocalPart = 64

// Bounds of the email durations.
const (
	maxBriefBefore   = 14 * 24 * time.Hour
	maxFollowupAfter = 24 * time.Hour
	minSMTPTimeout   = time.Second
	maxSMTPTimeout   = 10 * time.Minute
)

// Brief is the [brief] section: when prep briefs go out.
type Brief struct {
	// Before lists how long before a meeting's start a brief is sent, one
	// brief per entry, longest first; never empty in a parsed Config.
	Before []time.Duration
	// ChangeNotices sends a short notice when a meeting whose brief went out
	// is cancelled or moved by more than 15 minutes.
	ChangeNotices bool
}

// Followup is the [followup] section: when the follow-up template goes out.
type Followup struct {
	After time.Duration // after the meeting's end, between 0 and 24h
}

// Mail is the [mail] section: who emails come from and go to. From and To
// are nil when unset; CheckDelivery reports them as missing.
type Mail struct {
	From *mail.Address // the sender, display name allowed
	To   *mail.Address // the user, recipient of every email
	// ReplyTo is the Reply-To address as written, or "" for none (replies
	// then go to From). It may contain TokenPlaceholder in its local part.
	ReplyTo string
	// AcceptFrom lists the bare, lowercased addresses whose replies count:
	// by default To's address alone.
	AcceptFrom []string
	// Transport is how email leaves: TransportSMTP through [smtp], or
	// TransportMaildir into Maildir (an absolute directory).
	Transport string
	Maildir   string
}

// SMTP is the [smtp] section: the server that sends leadup's email. It is
// the zero SMTP when the file has no [smtp] table; see HasSMTP.
type SMTP struct {
	Host     string        // name or IP address, without port
	Port     int           // 1–65535; by default DefaultPort(Security)
	Security string        // SecurityStartTLS, SecurityTLS or SecurityNone
	Auth     string        // AuthPlain, AuthLogin, AuthXOAUTH2 or AuthNone
	Username string        // "" only with AuthNone
	Password Secret        // set only with AuthPlain and AuthLogin
	Timeout  time.Duration // for connecting and for each SMTP command
}

type rawBrief struct {
	Before        []string `toml:"before" hint:"write a list of durations in double quotes, like before = [\"1d\", \"1h\"]"`
	ChangeNotices *bool    `toml:"change_notices"`
}

type rawFollowup struct {
	After *string `toml:"after" hint:"write a duration in double quotes, like after = \"5m\""`
}

type rawMail struct {
	From       *string  `toml:"from" hint:"put the address in double quotes, like from = \"leadup <leadup@example.com>\""`
	To         *string  `toml:"to" hint:"put the address in double quotes, like to = \"you@example.com\""`
	ReplyTo    *string  `toml:"reply_to"`
	AcceptFrom []string `toml:"accept_from"`
	Transport  *string  `toml:"transport"`
	Maildir    *string  `toml:"maildir"`
}

type rawSMTP struct {
	Host            *string `toml:"host"`
	Port            *int    `toml:"port" hint:"write a number without quotes, like port = 587"`
	Security        *string `toml:"security"`
	Auth            *string `toml:"auth"`
	Username        *string `toml:"username"`
	Password        *string `toml:"password"`
	PasswordFile    *string `toml:"password_file"`
	PasswordCommand *string `toml:"password_command"`
	Timeout         *string `toml:"timeout" hint:"write a duration in double quotes, like timeout = \"30s\""`
}

// HasSMTP reports whether the file configures an SMTP server.
func (c *Config) HasSMTP() bool { return c.SMTP.Host != "" }

// CheckDelivery returns what sending email needs and the file lacks, the
// joined *Errors for mail.from, mail.to and smtp.host, or nil. Parse does not
// require them, so that commands which only read the calendar work without;
// commands that send call this.
func (c *Config) CheckDelivery() error {
	var errs []error
	add := func(key string, line int, fix string) {
		errs = append(errs, &Error{File: c.Path, Line: line, Key: key, Msg: "required to send email",
			Fix: fix + "; see config.example.toml"})
	}
	if c.Mail.From == nil {
		add("mail.from", c.lines.mail, `add from = "leadup <leadup@example.com>" under [mail], the address leadup's email comes from`)
	}
	if c.Mail.To == nil {
		add("mail.to", c.lines.mail, `add to = "you@example.com" under [mail], your address, which receives the briefs`)
	}
	if c.Mail.Transport != TransportMaildir && !c.HasSMTP() {
		add("smtp.host", c.lines.smtp, `add an [smtp] table with host = "smtp.example.com" and how to sign in, or transport = "maildir" under [mail]`)
	}
	return errors.Join(errs...)
}

// templatesDir validates templates_dir: a directory that must exist.
func (p *parser) templatesDir(v *string, cfg *Config) {
	const key = "templates_dir"
	if v == nil {
		return
	}
	const builtIn = "remove the line to use the built-in templates"
	if strings.TrimSpace(*v) == "" {
		p.errorf(key, "give a directory, or "+builtIn, "is empty")
		return
	}
	dir := resolvePath(*v, p.dir)
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		p.errorf(key, "create it, or "+builtIn, "directory %s does not exist", dir)
	case err != nil:
		p.errorf(key, "check the path and its permissions, or "+builtIn, "cannot use it: %v", err)
	case !fi.IsDir():
		p.errorf(key, "give the directory that holds the template files", "%s is not a directory", dir)
	default:
		cfg.TemplatesDir = dir
	}
}

func (p *parser) brief(raw *rawBrief, cfg *Config) {
	b := &cfg.Brief
	b.ChangeNotices = true
	if raw.ChangeNotices != nil {
		b.ChangeNotices = *raw.ChangeNotices
	}

	const key = "brief.before"
	if raw.Before == nil {
		b.Before = []time.Duration{DefaultBriefBefore}
		return
	}
	if len(raw.Before) == 0 {
		p.errorf(key, `list at least one lead time, e.g. ["1h"]`, "is empty")
		return
	}
	lookahead := cfg.Calendar.Lookahead
	seen := make(map[time.Duration]string)
	for _, s := range raw.Before {
		d, err := ParseDuration(s)
		switch {
		case err != nil:
			p.errorf(key, durationFix, "%v", err)
		case d == 0:
			p.errorf(key, `give how long before the meeting the brief goes out, like "1h"`, "%q is zero", s)
		case d > maxBriefBefore:
			p.errorf(key, "use at most "+formatDuration(maxBriefBefore), "%q is too long", s)
		case seen[d] != "":
			p.errorf(key, "list each lead time once", "%q is the same lead time as %q", s, seen[d])
		case d > lookahead:
			// The tracker only knows meetings within the lookahead: a
			// longer lead time would find the meeting too late.
			p.errorf(key, "shorten it, or raise "+p.lookaheadKey,
				"%q is longer than %s (%s): leadup would learn of the meeting too late", s, p.lookaheadKey, formatDuration(lookahead))
		default:
			seen[d] = s
			b.Before = append(b.Before, d)
		}
	}
	slices.SortFunc(b.Before, func(x, y time.Duration) int { return cmp.Compare(y, x) })
}

func (p *parser) followup(raw *rawFollowup, cfg *Config) {
	cfg.Followup.After = p.duration("followup.after", raw.After, DefaultFollowupAfter, 0, maxFollowupAfter)
}

func (p *parser) mail(raw *rawMail, cfg *Config) {
	m := &cfg.Mail
	m.From = p.address("mail.from", raw.From, `"leadup <leadup@example.com>"`)
	m.To = p.address("mail.to", raw.To, `"Sam Rivera <sam@example.com>" or sam@example.com`)
	if raw.ReplyTo != nil {
		m.ReplyTo = p.replyTo("mail.reply_to", *raw.ReplyTo)
	}

	const key = "mail.accept_from"
	switch {
	case raw.AcceptFrom == nil:
		if m.To != nil {
			m.AcceptFrom = []string{strings.ToLower(m.To.Address)}
		}
	case len(raw.AcceptFrom) == 0:
		p.errorf(key, `list the addresses you reply from, like accept_from = ["sam@example.com"], or remove the line for mail.to's address`, "is empty")
	default:
		for _, s := range raw.AcceptFrom {
			addr, ok := bareAddress(s)
			switch {
			case !ok:
				p.errorf(key, "write only the address, like sam@example.com", "invalid email address %q", s)
			case slices.Contains(m.AcceptFrom, addr):
				p.errorf(key, "list each address once", "%s is listed twice", addr)
			default:
				m.AcceptFrom = append(m.AcceptFrom, addr)
			}
		}
	}
}

// address parses an optional address key; nil when absent or invalid.
func (p *parser) address(key string, v *string, example string) *mail.Address {
	if v == nil {
		return nil
	}
	fix := "write an address like " + example
	if strings.TrimSpace(*v) == "" {
		p.errorf(key, fix+", or remove the line", "is empty")
		return nil
	}
	a, err := parseAddress(*v)
	if err != nil {
		p.errorf(key, fix, "invalid email address %q: %v", *v, err)
		return nil
	}
	return a
}

// parseAddress parses one RFC 5322 address, display name allowed. Control
// characters are refused: a line break in a header field would let the value
// add header fields of its own.
func parseAddress(s string) (*mail.Address, error) {
	if strings.ContainsFunc(s, unicode.IsControl) {
		return nil, errors.New("contains a control character such as a line break")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "mail: "))
	}
	return a, nil
}

// replyTo validates mail.reply_to by filling in a sample token, and returns
// it as written, or "" when it is invalid.
func (p *parser) replyTo(key, s string) string {
	const fix = `write an address like "me+leadup-{token}@example.com"`
	if strings.TrimSpace(s) == "" {
		p.errorf(key, "give an address, or remove the line to have replies go to mail.from", "is empty")
		return ""
	}
	a, err := parseAddress(strings.ReplaceAll(s, TokenPlaceholder, sampleToken))
	if err != nil {
		p.errorf(key, fix, "invalid email address %q: %v", s, err)
		return ""
	}
	at := strings.LastIndexByte(a.Address, '@')
	local := a.Address[:max(at, 0)]
	switch {
	case strings.Count(local, sampleToken) != strings.Count(s, TokenPlaceholder):
		// In the domain the token would need a DNS entry per email; in
		// the display name it would not reach leadup at all.
		p.errorf(key, fix, "%s must be in the part before the @", TokenPlaceholder)
	case strings.ContainsAny(local, "{}"):
		p.errorf(key, `the only placeholder is {token}, in lowercase`, "%q has an unknown placeholder", s)
	case len(local) > maxLocalPart:
		p.errorf(key, "shorten the part before the @",
			"the part before the @ would be %d characters long with a %d-character token; servers need only accept %d",
			len(local), len(sampleToken), maxLocalPart)
	default:
		return s
	}
	return ""
}

func (p *parser) smtp(raw *rawSMTP, cfg *Config) {
	if raw == nil {
		return
	}
	s := &cfg.SMTP
	c := p.server(smtpServer, rawServer{Host: raw.Host, Port: raw.Port, Security: raw.Security, Auth: raw.Auth, Username: raw.Username,
		Password: raw.Password, PasswordFile: raw.PasswordFile, PasswordCommand: raw.PasswordCommand})
	s.Host, s.Port, s.Security, s.Auth, s.Username, s.Password = c.Host, c.Port, c.Security, c.Auth, c.Username, c.Password
	s.Timeout = p.duration("smtp.timeout", raw.Timeout, DefaultSMTPTimeout, minSMTPTimeout, maxSMTPTimeout)
}

// ReplyAddress returns the Reply-To address for a message carrying token
// ("" for none). With a token: reply_to with {token} replaced, or with
// "-TOKEN" added to a plus-address's tag, so that a reply brings the token
// back in its To. Without one: reply_to with a {token} plus-tag dropped
// ("me+leadup-{token}@x" → "me@x"), or no Reply-To when the placeholder
// stands elsewhere.
func (m Mail) ReplyAddress(token string) string {
	configured := m.ReplyTo
	local, domain, ok := strings.Cut(configured, "@")
	switch {
	case configured == "" || !ok:
		return configured
	case token != "" && strings.Contains(configured, "{token}"):
		return strings.ReplaceAll(configured, "{token}", token)
	case token != "" && strings.Contains(local, "+"):
		return local + "-" + token + "@" + domain
	case token == "" && strings.Contains(configured, "{token}"):
		if user, tag, ok := strings.Cut(local, "+"); ok && strings.Contains(tag, "{token}") {
			return user + "@" + domain
		}
		return ""
	}
	return configured
}

// TopicAddress is the address an email of talking points goes to without
// answering any of leadup's emails: the reply address with token, the
// install's secret topic token, or, without reply_to, the user's own
// address with "+leadup-TOKEN" added, which most providers deliver to the
// user. "" when there is no address to build it from.
func (m Mail) TopicAddress(token string) string {
	if a := m.ReplyAddress(token); strings.Contains(a, token) {
		return a
	}
	if m.To == nil {
		return ""
	}
	local, domain, ok := strings.Cut(m.To.Address, "@")
	if !ok {
		return ""
	}
	user, _, _ := strings.Cut(local, "+")
	return user + "+leadup-" + token + "@" + domain
}
