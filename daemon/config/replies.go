package config

import (
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode"
)

// This file holds the sections about reading the user's replies: [imap] and
// [reply].

// Defaults of the reply keys. imap.port's depends on imap.security; see
// DefaultIMAPPort.
const (
	DefaultIMAPMailbox    = "INBOX"
	DefaultIMAPPoll       = time.Minute
	DefaultIMAPTimeout    = 30 * time.Second
	DefaultReplyMaxSize   = 2_000_000 // "2MB"
	DefaultReplyTimeLimit = 5 * time.Second
)

// Bounds of the reply keys.
const (
	minIMAPPoll       = 10 * time.Second
	maxIMAPPoll       = time.Hour
	minIMAPTimeout    = time.Second
	maxIMAPTimeout    = 10 * time.Minute
	minReplyMaxSize   = 64_000     // "64KB"
	maxReplyMaxSize   = 50_000_000 // "50MB"
	minReplyTimeLimit = 100 * time.Millisecond
	maxReplyTimeLimit = time.Minute
)

// IMAP is the [imap] section: the mailbox where the user's replies arrive.
// It is the zero IMAP when the file has no [imap] table; see HasIMAP.
type IMAP struct {
	Host     string // name or IP address, without port
	Port     int    // 1–65535; by default DefaultIMAPPort(Security)
	Security string // SecurityTLS, SecurityStartTLS or SecurityNone
	Auth     string // AuthPlain or AuthXOAUTH2
	Username string // never "" in a parsed Config with [imap]
	Password Secret // set only with AuthPlain
	// Mailbox is where replies are looked for, "INBOX" by default.
	Mailbox string
	// ProcessedMailbox is where handled replies are moved, or "" to leave
	// them in Mailbox, marked as read. Never the same mailbox as Mailbox.
	ProcessedMailbox string
	// Idle waits for new mail with IDLE (RFC 2177) when the server has it;
	// otherwise, or when false, Mailbox is checked every Poll.
	Idle    bool
	Poll    time.Duration // between 10s and 1h
	Timeout time.Duration // for connecting and for each IMAP command
	// TrustedAuthservID is the authserv-id of the receiving server whose
	// Authentication-Results fields are believed (RFC 8601), such as
	// "mx.google.com"; "" to believe none.
	TrustedAuthservID string
}

// Reply is the [reply] section: how replies are handled once read.
type Reply struct {
	// Confirm emails the user what was logged from each reply.
	Confirm bool
	// MaxSize is the size in bytes of the largest reply message read,
	// between 64KB and 50MB.
	MaxSize int64
	// TimeLimit bounds the processing of one reply, so a pathological
	// message cannot stall the others.
	TimeLimit time.Duration
	// DateOrder is how an ambiguous numeric date in a reply ("12/11") is
	// read: DayFirst or MonthFirst.
	DateOrder string
}

// Values of reply.date_order.
const (
	DayFirst   = "day-month"
	MonthFirst = "month-day"
)

type rawIMAP struct {
	Host             *string `toml:"host"`
	Port             *int    `toml:"port" hint:"write a number without quotes, like port = 993"`
	Security         *string `toml:"security"`
	Auth             *string `toml:"auth"`
	Username         *string `toml:"username"`
	Password         *string `toml:"password"`
	PasswordFile     *string `toml:"password_file"`
	PasswordCommand  *string `toml:"password_command"`
	Mailbox          *string `toml:"mailbox"`
	ProcessedMailbox *string `toml:"processed_mailbox"`
	TrustedAuthserv  *string `toml:"trusted_authserv_id"`
	Idle             *bool   `toml:"idle"`
	Poll             *string `toml:"poll" hint:"write a duration in double quotes, like poll = \"1m\""`
	Timeout          *string `toml:"timeout" hint:"write a duration in double quotes, like timeout = \"30s\""`
}

type rawReply struct {
	Confirm *bool `toml:"confirm"`
	// MaxSize is any, not a string: both max_size = "2MB" and
	// max_size = 2000000 are accepted, and sizeValue reports the rest.
	MaxSize   any     `toml:"max_size"`
	TimeLimit *string `toml:"time_limit" hint:"write a duration in double quotes, like time_limit = \"5s\""`
	DateOrder *string `toml:"date_order"`
}

// HasIMAP reports whether the file configures an IMAP server, that is
// whether leadup reads replies.
func (c *Config) HasIMAP() bool { return c.IMAP.Host != "" }

// NeedsGoogleMailScope reports whether leadup signs in to Gmail, over SMTP
// or IMAP, with the Google token: `leadup auth` must then also ask for
// access to the user's mail.
func (c *Config) NeedsGoogleMailScope() bool {
	return c.SMTP.Auth == AuthXOAUTH2 || c.IMAP.Auth == AuthXOAUTH2
}

func (p *parser) imap(raw *rawIMAP, cfg *Config) {
	if raw == nil {
		return
	}
	m := &cfg.IMAP
	c := p.server(imapServer, rawServer{Host: raw.Host, Port: raw.Port, Security: raw.Security, Auth: raw.Auth, Username: raw.Username,
		Password: raw.Password, PasswordFile: raw.PasswordFile, PasswordCommand: raw.PasswordCommand})
	m.Host, m.Port, m.Security, m.Auth, m.Username, m.Password = c.Host, c.Port, c.Security, c.Auth, c.Username, c.Password

	m.Mailbox = DefaultIMAPMailbox
	mailboxOK := true // so that a bad mailbox is not compared below
	if raw.Mailbox != nil {
		m.Mailbox = p.mailbox("imap.mailbox", raw.Mailbox, fmt.Sprintf("remove the line for the default %q", DefaultIMAPMailbox))
		if m.Mailbox == "" {
			m.Mailbox, mailboxOK = DefaultIMAPMailbox, false
		}
	}
	const leave = "remove the line to leave handled replies where they are, marked as read"
	m.ProcessedMailbox = p.mailbox("imap.processed_mailbox", raw.ProcessedMailbox, "give a folder name, or "+leave)
	if mailboxOK && m.ProcessedMailbox != "" && sameMailbox(m.Mailbox, m.ProcessedMailbox) {
		p.errorf("imap.processed_mailbox", `name another folder, like "leadup", or `+leave,
			"is the same mailbox as imap.mailbox (%q)", m.Mailbox)
		m.ProcessedMailbox = ""
	}

	m.Idle = true
	if raw.Idle != nil {
		m.Idle = *raw.Idle
	}
	m.Poll = p.duration("imap.poll", raw.Poll, DefaultIMAPPoll, minIMAPPoll, maxIMAPPoll)
	m.Timeout = p.duration("imap.timeout", raw.Timeout, DefaultIMAPTimeout, minIMAPTimeout, maxIMAPTimeout)
	if raw.TrustedAuthserv != nil {
		id := strings.ToLower(strings.TrimSpace(*raw.TrustedAuthserv))
		if id == "" || strings.ContainsAny(id, " \t;()\"") {
			p.errorf("imap.trusted_authserv_id", `write the name your mail server puts first in Authentication-Results, like trusted_authserv_id = "mx.google.com"`,
				"%q is not an authserv-id", *raw.TrustedAuthserv)
		} else {
			m.TrustedAuthservID = id
		}
	}
}

// mailbox validates an optional mailbox name; "" when absent or invalid.
// Names are otherwise the server's business: the IMAP client encodes them
// (modified UTF-7, RFC 3501 section 5.1.3, or UTF-8 with RFC 9051).
func (p *parser) mailbox(key string, v *string, emptyFix string) string {
	if v == nil {
		return ""
	}
	name := *v
	switch {
	case strings.TrimSpace(name) == "":
		p.errorf(key, emptyFix, "is empty")
	case strings.ContainsFunc(name, unicode.IsControl):
		p.errorf(key, "write the folder's name as your mail app shows it", "%q contains a control character such as a line break", name)
	case strings.TrimSpace(name) != name:
		p.errorf(key, fmt.Sprintf("write %q", strings.TrimSpace(name)), "%q starts or ends with a space", name)
	default:
		return name
	}
	return ""
}

// sameMailbox reports whether a and b name the same mailbox. INBOX is
// case-insensitive (RFC 3501 section 5.1); other names are compared as
// written, as servers may tell "Leadup" from "leadup".
func sameMailbox(a, b string) bool {
	if strings.EqualFold(a, DefaultIMAPMailbox) {
		return strings.EqualFold(b, DefaultIMAPMailbox)
	}
	return a == b
}

func (p *parser) reply(raw *rawReply, cfg *Config) {
	r := &cfg.Reply
	r.Confirm = true
	if raw.Confirm != nil {
		r.Confirm = *raw.Confirm
	}
	r.MaxSize = p.size("reply.max_size", raw.MaxSize, DefaultReplyMaxSize, minReplyMaxSize, maxReplyMaxSize)
	r.TimeLimit = p.duration("reply.time_limit", raw.TimeLimit, DefaultReplyTimeLimit, minReplyTimeLimit, maxReplyTimeLimit)
	r.DateOrder = DefaultDateOrder(cfg.Location)
	if raw.DateOrder != nil {
		switch v := strings.ToLower(strings.TrimSpace(*raw.DateOrder)); v {
		case DayFirst, "dmy", "day":
			r.DateOrder = DayFirst
		case MonthFirst, "mdy", "month":
			r.DateOrder = MonthFirst
		default:
			p.errorf("reply.date_order", `write date_order = "day-month" (12/11 is 12 November) or "month-day" (12/11 is December 11)`,
				"%q is not a date order", *raw.DateOrder)
		}
	}
}

// DefaultDateOrder is how people in the country of loc write a short
// numeric date: month first in the United States and the places that
// follow its usage, and in Japan, China, Korea, Taiwan and Hungary (whose
// year-month-day order puts the month first when the year is left out);
// day first everywhere else.
func DefaultDateOrder(loc *time.Location) string {
	if loc == nil {
		return DayFirst
	}
	name := loc.String()
	if strings.HasPrefix(name, "US/") || monthFirstZones[name] {
		return MonthFirst
	}
	if rest, ok := strings.CutPrefix(name, "America/"); ok &&
		(strings.HasPrefix(rest, "Indiana/") || strings.HasPrefix(rest, "Kentucky/") || strings.HasPrefix(rest, "North_Dakota/")) {
		return MonthFirst
	}
	return DayFirst
}

// monthFirstZones are the IANA zones (and their old aliases) of the
// countries whose short dates put the month first.
var monthFirstZones = map[string]bool{
	// United States (zone1970.tab, country US), and its territories.
	"America/New_York": true, "America/Detroit": true, "America/Chicago": true, "America/Menominee": true,
	"America/Denver": true, "America/Boise": true, "America/Phoenix": true, "America/Los_Angeles": true,
	"America/Anchorage": true, "America/Juneau": true, "America/Sitka": true, "America/Metlakatla": true,
	"America/Yakutat": true, "America/Nome": true, "America/Adak": true, "Pacific/Honolulu": true,
	"America/Fort_Wayne": true, "America/Indianapolis": true, "America/Louisville": true, "America/Knox_IN": true,
	"America/Puerto_Rico": true, "America/St_Thomas": true, "Pacific/Guam": true, "Pacific/Saipan": true,
	"Pacific/Pago_Pago": true, "Navajo": true, "EST5EDT": true, "CST6CDT": true, "MST7MDT": true, "PST8PDT": true,
	// Others that write the month first.
	"Asia/Manila": true, "Pacific/Palau": true, "Pacific/Majuro": true, "Pacific/Kwajalein": true,
	"Pacific/Chuuk": true, "Pacific/Pohnpei": true, "Pacific/Kosrae": true,
	"Asia/Tokyo": true, "Japan": true, "Asia/Shanghai": true, "Asia/Urumqi": true, "PRC": true,
	"Asia/Seoul": true, "ROK": true, "Asia/Taipei": true, "ROC": true, "Europe/Budapest": true,
}

// sizeFix tells the user how to write a size.
const sizeFix = `write a size in double quotes like "2MB", "512KB" or "5MiB", or a number of bytes`

// size validates an optional size key, decoded as a TOML string or
// integer, and checks it lies in [lo, hi].
func (p *parser) size(key string, v any, def, lo, hi int64) int64 {
	var n int64
	var shown string // the value as written, for messages
	switch v := v.(type) {
	case nil:
		return def
	case int64:
		n, shown = v, fmt.Sprint(v)
	case string:
		var err error
		if n, err = parseSize(v); err != nil {
			p.errorf(key, sizeFix, "%v", err)
			return def
		}
		shown = fmt.Sprintf("%q", v)
	default:
		p.errorf(key, sizeFix, "wrong type: expected a size, found %s", tomlType(v))
		return def
	}
	switch {
	case n < lo:
		p.errorf(key, "use at least "+formatSize(lo), "%s is too small", shown)
	case n > hi:
		p.errorf(key, "use at most "+formatSize(hi), "%s is too large", shown)
	default:
		return n
	}
	return def
}

// tomlType names the TOML type of a value decoded into an any.
func tomlType(v any) string {
	switch v.(type) {
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	default:
		return "a date or time"
	}
}

// sizeUnits are the units of a size, lowercased: decimal as disk makers
// count, and binary with an "i" (IEC 80000-13).
var sizeUnits = map[string]int64{
	"":    1,
	"b":   1,
	"kb":  1_000,
	"mb":  1_000_000,
	"gb":  1_000_000_000,
	"kib": 1 << 10,
	"mib": 1 << 20,
	"gib": 1 << 30,
}

// parseSize parses a non-negative number of bytes with an optional unit,
// in any case, maybe after a space: "1048576", "512KB", "2 MB", "1.5MiB".
// KB, MB and GB are powers of 1000; KiB, MiB and GiB powers of 1024.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("negative size %q", s)
	}
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	num, unit := t[:i], strings.TrimLeft(t[i:], " ")
	if num == "" || num[0] == '.' || num[len(num)-1] == '.' || strings.Count(num, ".") > 1 {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	mult, ok := sizeUnits[strings.ToLower(unit)]
	if !ok {
		return 0, fmt.Errorf("invalid size %q: unknown unit %q", s, unit)
	}
	// Exact arithmetic: "1.5MiB" is 1572864 bytes, with no float rounding.
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	r.Mul(r, new(big.Rat).SetInt64(mult))
	switch {
	case !r.IsInt():
		return 0, fmt.Errorf("invalid size %q: not a whole number of bytes", s)
	case !r.Num().IsInt64():
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return r.Num().Int64(), nil
}

// formatSize writes n bytes as parseSize reads it, in the largest decimal
// unit that divides it.
func formatSize(n int64) string {
	switch {
	case n != 0 && n%1_000_000 == 0:
		return fmt.Sprintf("%dMB", n/1_000_000)
	case n != 0 && n%1_000 == 0:
		return fmt.Sprintf("%dKB", n/1_000)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
