package config

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// imapLogin is what [imap] needs besides host with the default auth.
const imapLogin = "username = \"sam@example.com\"\npassword_command = \"pass show mail\"\n"

// withoutPassword returns m with Password zeroed, for comparing with
// reflect.DeepEqual (a Secret holds a func), and whether Password was set.
func withoutPassword(m IMAP) (IMAP, bool) {
	set := m.Password.IsSet()
	m.Password = Secret{}
	return m, set
}

func TestParseReplies(t *testing.T) {
	const imapHost = "[imap]\nhost = \"imap.example.com\"\n" + imapLogin
	tests := []struct {
		name string
		data string // before minimal, so that top-level keys stay top-level
		got  func(*Config) any
		want any
	}{
		{"imap defaults", imapHost,
			func(c *Config) any { m, pw := withoutPassword(c.IMAP); return [3]any{m, pw, c.HasIMAP()} },
			[3]any{IMAP{Host: "imap.example.com", Port: 993, Security: SecurityTLS, Auth: AuthPlain, Username: "sam@example.com",
				Mailbox: "INBOX", Idle: true, Poll: time.Minute, Timeout: 30 * time.Second}, true, true}},
		{"imap inline table", "imap = {host = \"imap.example.com\", security = \"starttls\", auth = \"xoauth2\", username = \"sam@gmail.com\"}\n",
			func(c *Config) any { return [3]any{c.IMAP.Host, c.IMAP.Port, c.IMAP.Auth} }, [3]any{"imap.example.com", 143, AuthXOAUTH2}},
		{"imap starttls port", imapHost + "security = \"starttls\"\n",
			func(c *Config) any { return c.IMAP.Port }, 143},
		{"imap none port", "[imap]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\n" + imapLogin,
			func(c *Config) any { return [2]any{c.IMAP.Security, c.IMAP.Port} }, [2]any{SecurityNone, 143}},
		{"imap explicit port", imapHost + "port = 1993\n",
			func(c *Config) any { return c.IMAP.Port }, 1993},
		{"imap IPv6 host", "[imap]\nhost = \"2001:db8::1\"\n" + imapLogin,
			func(c *Config) any { return c.IMAP.Host }, "2001:db8::1"},
		{"imap mailboxes", imapHost + "mailbox = \"Replies/leadup\"\nprocessed_mailbox = \"Replies/leadup/done\"\n",
			func(c *Config) any { return [2]string{c.IMAP.Mailbox, c.IMAP.ProcessedMailbox} }, [2]string{"Replies/leadup", "Replies/leadup/done"}},
		{"imap processed_mailbox with default mailbox", imapHost + "processed_mailbox = \"[Gmail]/All Mail\"\n",
			func(c *Config) any { return [2]string{c.IMAP.Mailbox, c.IMAP.ProcessedMailbox} }, [2]string{"INBOX", "[Gmail]/All Mail"}},
		{"imap mailboxes differing in case", imapHost + "mailbox = \"Leadup\"\nprocessed_mailbox = \"leadup\"\n",
			func(c *Config) any { return [2]string{c.IMAP.Mailbox, c.IMAP.ProcessedMailbox} }, [2]string{"Leadup", "leadup"}},
		{"imap non-ASCII mailbox", imapHost + "mailbox = \"Entwürfe\"\n",
			func(c *Config) any { return c.IMAP.Mailbox }, "Entwürfe"},
		{"imap idle off", imapHost + "idle = false\npoll = \"10s\"\n",
			func(c *Config) any { return [2]any{c.IMAP.Idle, c.IMAP.Poll} }, [2]any{false, 10 * time.Second}},
		{"imap poll at most 1h", imapHost + "poll = \"1h\"\n",
			func(c *Config) any { return c.IMAP.Poll }, time.Hour},
		{"imap timeout at least 1s", imapHost + "timeout = \"1s\"\n",
			func(c *Config) any { return c.IMAP.Timeout }, time.Second},
		{"imap timeout at most 10m", imapHost + "timeout = \"10m\"\n",
			func(c *Config) any { return c.IMAP.Timeout }, 10 * time.Minute},
		{"reply defaults", "",
			func(c *Config) any { return c.Reply }, Reply{Confirm: true, MaxSize: 2_000_000, TimeLimit: 5 * time.Second, DateOrder: DayFirst}},
		{"reply empty table", "[reply]\n",
			func(c *Config) any { return c.Reply }, Reply{Confirm: true, MaxSize: 2_000_000, TimeLimit: 5 * time.Second, DateOrder: DayFirst}},
		{"reply set", "[reply]\nconfirm = false\nmax_size = \"5MiB\"\ntime_limit = \"1m\"\n",
			func(c *Config) any { return c.Reply }, Reply{MaxSize: 5 << 20, TimeLimit: time.Minute, DateOrder: DayFirst}},
		{"trusted authserv-id", imapHost + "trusted_authserv_id = \"MX.Google.com\"\n",
			func(c *Config) any { return c.IMAP.TrustedAuthservID }, "mx.google.com"},
		{"no trusted authserv-id", imapHost,
			func(c *Config) any { return c.IMAP.TrustedAuthservID }, ""},
		{"date order set", "[reply]\ndate_order = \"month-day\"\n",
			func(c *Config) any { return c.Reply.DateOrder }, MonthFirst},
		{"date order short form", "[reply]\ndate_order = \"DMY\"\n",
			func(c *Config) any { return c.Reply.DateOrder }, DayFirst},
		{"date order from a US zone", "timezone = \"America/Chicago\"\n",
			func(c *Config) any { return c.Reply.DateOrder }, MonthFirst},
		{"date order from an Indiana zone", "timezone = \"America/Indiana/Indianapolis\"\n",
			func(c *Config) any { return c.Reply.DateOrder }, MonthFirst},
		{"date order from Tokyo", "timezone = \"Asia/Tokyo\"\n",
			func(c *Config) any { return c.Reply.DateOrder }, MonthFirst},
		{"date order from Berlin", "timezone = \"Europe/Berlin\"\n",
			func(c *Config) any { return c.Reply.DateOrder }, DayFirst},
		{"date order from Toronto", "timezone = \"America/Toronto\"\n",
			func(c *Config) any { return c.Reply.DateOrder }, DayFirst},
		{"date order overrides the zone", "timezone = \"America/New_York\"\n[reply]\ndate_order = \"day-month\"\n",
			func(c *Config) any { return c.Reply.DateOrder }, DayFirst},
		{"reply time_limit at least 100ms", "[reply]\ntime_limit = \"100ms\"\n",
			func(c *Config) any { return c.Reply.TimeLimit }, 100 * time.Millisecond},
		{"reply without imap", "[reply]\nconfirm = false\n",
			func(c *Config) any { return [2]bool{c.Reply.Confirm, c.HasIMAP()} }, [2]bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			data := tt.data + minimal
			cfg, err := Parse("/etc/leadup/config.toml", []byte(data), nil)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", data, err)
			}
			if got := tt.got(cfg); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) = %+v, want %+v", data, got, tt.want)
			}
		})
	}
}

func TestReplyMaxSize(t *testing.T) {
	tests := []struct {
		value   string // as written in TOML
		want    int64
		wantMsg string // substring of the error's Msg; "" means success
		wantFix string
	}{
		{value: `"2MB"`, want: 2_000_000},
		{value: `"512KB"`, want: 512_000},
		{value: `"5MiB"`, want: 5 << 20},
		{value: `"512KiB"`, want: 512 << 10},
		{value: `"1048576"`, want: 1 << 20},
		{value: `1048576`, want: 1 << 20},
		{value: `"64KB"`, want: 64_000},
		{value: `"50MB"`, want: 50_000_000},
		{value: `"0.05GB"`, want: 50_000_000},
		{value: `"1.5MiB"`, want: 1_572_864},
		{value: `"2 MB"`, want: 2_000_000},
		{value: `"2mb"`, want: 2_000_000},
		{value: `"100000B"`, want: 100_000},
		{value: `" 3MB "`, want: 3_000_000},
		{value: `"2 XB"`, wantMsg: `invalid size "2 XB": unknown unit "XB"`, wantFix: `"2MB", "512KB" or "5MiB"`},
		{value: `"2M"`, wantMsg: `unknown unit "M"`},
		{value: `"MB"`, wantMsg: `invalid size "MB"`},
		{value: `""`, wantMsg: `invalid size ""`},
		{value: `"1.2.3MB"`, wantMsg: `invalid size "1.2.3MB"`},
		{value: `".5MB"`, wantMsg: `invalid size ".5MB"`},
		{value: `"-2MB"`, wantMsg: `negative size "-2MB"`},
		{value: `"100000.5"`, wantMsg: "not a whole number of bytes"},
		{value: `"99999999999GiB"`, wantMsg: "too large"},
		{value: `"63KB"`, wantMsg: `"63KB" is too small`, wantFix: "use at least 64KB"},
		{value: `"64KiB"`, want: 65_536},
		{value: `"50MiB"`, wantMsg: `"50MiB" is too large`, wantFix: "use at most 50MB"},
		{value: `"0"`, wantMsg: "too small"},
		{value: `-1`, wantMsg: "-1 is too small"},
		{value: `60000000`, wantMsg: "60000000 is too large"},
		{value: `2.5`, wantMsg: "wrong type: expected a size, found a float", wantFix: "or a number of bytes"},
		{value: `true`, wantMsg: "found a boolean"},
		{value: `["2MB"]`, wantMsg: "found an array"},
		{value: `{mb = 2}`, wantMsg: "found a table"},
		{value: `2024-01-01`, wantMsg: "found a date or time"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			cleanEnv(t)
			data := minimal + "[reply]\nmax_size = " + tt.value + "\n"
			if tt.wantMsg != "" {
				checkParseError(t, parseErrorTest{data: data, key: "reply.max_size", line: 5, msg: tt.wantMsg, fix: tt.wantFix})
				return
			}
			cfg, err := Parse("c.toml", []byte(data), nil)
			if err != nil {
				t.Fatalf("Parse(max_size = %s) = %v", tt.value, err)
			}
			if cfg.Reply.MaxSize != tt.want {
				t.Errorf("Parse(max_size = %s): MaxSize = %d, want %d", tt.value, cfg.Reply.MaxSize, tt.want)
			}
		})
	}
}

func TestFormatSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"},
		{999, "999 bytes"},
		{64_000, "64KB"},
		{65_536, "65536 bytes"},
		{2_000_000, "2MB"},
		{2_500_000, "2500KB"},
	}
	for _, tt := range tests {
		got := formatSize(tt.n)
		if got != tt.want {
			t.Errorf("formatSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
		if tt.n == 0 || strings.HasSuffix(got, " bytes") {
			continue
		}
		if back, err := parseSize(got); err != nil || back != tt.n {
			t.Errorf("parseSize(formatSize(%d)) = %d, %v", tt.n, back, err)
		}
	}
}

func TestParseRepliesErrors(t *testing.T) {
	// minimal is 3 lines: what follows it starts at line 4, and [imap]'s
	// host and login take lines 5 to 7.
	const imapHost = "[imap]\nhost = \"imap.example.com\"\n" + imapLogin
	tests := []parseErrorTest{
		// Unknown keys and tables.
		{name: "unknown table imap", data: minimal + "[imapp]\nhost = \"x\"\n",
			key: "imapp", line: 4, msg: "unknown table", fix: "did you mean imap?"},
		{name: "unknown table reply", data: minimal + "[replys]\nconfirm = true\n",
			key: "replys", line: 4, msg: "unknown table", fix: "did you mean reply?"},
		{name: "unknown key in imap", data: minimal + imapHost + "mailbx = \"INBOX\"\n",
			key: "imap.mailbx", line: 8, msg: "unknown key", fix: "did you mean imap.mailbox?"},
		{name: "unknown key in reply", data: minimal + "[reply]\nmaxsize = \"2MB\"\n",
			key: "reply.maxsize", line: 5, msg: "unknown key", fix: "did you mean reply.max_size?"},
		{name: "imap key under reply", data: minimal + "[reply]\nmailbox = \"INBOX\"\n",
			key: "reply.mailbox", line: 5, msg: "unknown key", fix: "did you mean imap.mailbox? a key belongs to the table whose [header] is above it: move it under [imap]"},
		{name: "topics_from_subject is not a key", data: minimal + "[reply]\ntopics_from_subject = true\n",
			key: "reply.topics_from_subject", line: 5, msg: "unknown key"},

		// Types.
		{name: "imap not a table", data: "imap = 5\n" + minimal,
			key: "imap", line: 1, msg: "expected a table, found an integer", fix: "write it as a [imap] table"},
		{name: "imap array table", data: minimal + "[[imap]]\n",
			key: "imap", line: 4, msg: "cannot store an array table", fix: "write it as a [imap] table"},
		{name: "reply not a table", data: "reply = \"yes\"\n" + minimal,
			key: "reply", line: 1, msg: "expected a table, found a string", fix: "write it as a [reply] table"},
		{name: "imap port as a string", data: minimal + imapHost + "port = \"993\"\n",
			key: "imap.port", line: 8, msg: "expected a whole number, found a string", fix: "like port = 993"},
		{name: "idle not a bool", data: minimal + imapHost + "idle = \"yes\"\n",
			key: "imap.idle", line: 8, msg: "expected true or false, found a string"},
		{name: "poll not a string", data: minimal + imapHost + "poll = 60\n",
			key: "imap.poll", line: 8, msg: "expected a string, found an integer", fix: `like poll = "1m"`},
		{name: "confirm not a bool", data: minimal + "[reply]\nconfirm = 1\n",
			key: "reply.confirm", line: 5, msg: "expected true or false, found an integer"},
		{name: "time_limit not a string", data: minimal + "[reply]\ntime_limit = 5\n",
			key: "reply.time_limit", line: 5, msg: "expected a string, found an integer", fix: `like time_limit = "5s"`},

		// imap.host, with smtp.host's rules.
		{name: "host missing", data: minimal + "[imap]\n" + imapLogin,
			key: "imap.host", line: 4, msg: "missing: [imap] needs a server", fix: `add host = "imap.example.com" under [imap], or remove the [imap] table`},
		{name: "host empty", data: minimal + "[imap]\nhost = \" \"\n" + imapLogin,
			key: "imap.host", line: 5, msg: "is empty", fix: "like imap.example.com"},
		{name: "host with port", data: minimal + "[imap]\nhost = \"imap.example.com:993\"\n" + imapLogin,
			key: "imap.host", line: 5, msg: "contains a port", fix: `host = "imap.example.com" and port = 993`},
		{name: "host as URL", data: minimal + "[imap]\nhost = \"imaps://imap.example.com\"\n" + imapLogin,
			key: "imap.host", line: 5, msg: "is a URL"},
		{name: "host in brackets", data: minimal + "[imap]\nhost = \"[::1]\"\n" + imapLogin,
			key: "imap.host", line: 5, msg: "has brackets", fix: `"::1"`},
		{name: "host with space", data: minimal + "[imap]\nhost = \"imap example.com\"\n" + imapLogin,
			key: "imap.host", line: 5, msg: "is not a host name"},

		// imap.security and imap.port.
		{name: "security ssl", data: minimal + imapHost + "security = \"ssl\"\n",
			key: "imap.security", line: 8, msg: `unknown value "ssl"`, fix: `use "tls": what mail clients call SSL/TLS, usually on port 993`},
		{name: "security unknown", data: minimal + imapHost + "security = \"yes\"\n",
			key: "imap.security", line: 8, msg: `unknown value "yes"`, fix: `use "tls" (port 993), "starttls" (port 143) or "none" (only to this machine)`},
		{name: "security capitalized", data: minimal + imapHost + "security = \"StartTLS\"\n",
			key: "imap.security", line: 8, msg: `unknown value "StartTLS"`, fix: `lowercase: "starttls"`},
		{name: "port zero", data: minimal + imapHost + "port = 0\n",
			key: "imap.port", line: 8, msg: "0 is not a port number", fix: "default (993)"},
		{name: "port too big", data: minimal + imapHost + "security = \"starttls\"\nport = 65536\n",
			key: "imap.port", line: 9, msg: "65536 is not a port number", fix: "default (143)"},

		// Credentials (see also TestIMAPAuth).
		{name: "username empty", data: minimal + "[imap]\nhost = \"h\"\nusername = \"\"\npassword = \"p\"\n",
			key: "imap.username", line: 6, msg: "is empty"},
		{name: "password variants conflict", data: minimal + imapHost + "password_file = \"pw\"\n",
			key: "imap.password_command", line: 7, msg: "conflicts with imap.password_file", fix: "set only one of imap.password, imap.password_file and imap.password_command"},
		{name: "password empty", data: minimal + "[imap]\nhost = \"h\"\nusername = \"u\"\npassword_command = \"\"\n",
			key: "imap.password_command", line: 7, msg: "is empty"},

		// Mailboxes.
		{name: "mailbox empty", data: minimal + imapHost + "mailbox = \"\"\n",
			key: "imap.mailbox", line: 8, msg: "is empty", fix: `remove the line for the default "INBOX"`},
		{name: "mailbox with a line break", data: minimal + imapHost + "mailbox = \"INBOX\\r\\nA1 DELETE INBOX\"\n",
			key: "imap.mailbox", line: 8, msg: "control character"},
		{name: "mailbox with spaces around", data: minimal + imapHost + "mailbox = \" Replies\"\n",
			key: "imap.mailbox", line: 8, msg: `" Replies" starts or ends with a space`, fix: `write "Replies"`},
		{name: "processed_mailbox empty", data: minimal + imapHost + "processed_mailbox = \"\"\n",
			key: "imap.processed_mailbox", line: 8, msg: "is empty", fix: "leave handled replies where they are"},
		{name: "processed_mailbox is the default mailbox", data: minimal + imapHost + "processed_mailbox = \"inbox\"\n",
			key: "imap.processed_mailbox", line: 8, msg: `is the same mailbox as imap.mailbox ("INBOX")`, fix: `name another folder, like "leadup"`},
		{name: "processed_mailbox is mailbox", data: minimal + imapHost + "mailbox = \"Replies\"\nprocessed_mailbox = \"Replies\"\n",
			key: "imap.processed_mailbox", line: 9, msg: `is the same mailbox as imap.mailbox ("Replies")`},
		{name: "processed_mailbox is INBOX in another case", data: minimal + imapHost + "mailbox = \"Inbox\"\nprocessed_mailbox = \"INBOX\"\n",
			key: "imap.processed_mailbox", line: 9, msg: `is the same mailbox as imap.mailbox ("Inbox")`},
		// Only the bad mailbox is reported, not a clash with its default.
		{name: "bad mailbox and processed INBOX", data: minimal + imapHost + "mailbox = \"\"\nprocessed_mailbox = \"INBOX\"\n",
			key: "imap.mailbox", line: 8, msg: "is empty"},

		// Durations.
		{name: "poll too short", data: minimal + imapHost + "poll = \"5s\"\n",
			key: "imap.poll", line: 8, msg: `"5s" is too short`, fix: "at least 10s"},
		{name: "poll too long", data: minimal + imapHost + "poll = \"61m\"\n",
			key: "imap.poll", line: 8, msg: `"61m" is too long`, fix: "at most 1h0m0s"},
		{name: "poll bad", data: minimal + imapHost + "poll = \"often\"\n",
			key: "imap.poll", line: 8, msg: `invalid duration "often"`, fix: durationFix},
		{name: "timeout too short", data: minimal + imapHost + "timeout = \"999ms\"\n",
			key: "imap.timeout", line: 8, msg: "too short", fix: "at least 1s"},
		{name: "timeout too long", data: minimal + imapHost + "timeout = \"11m\"\n",
			key: "imap.timeout", line: 8, msg: "too long", fix: "at most 10m"},
		{name: "time_limit too short", data: minimal + "[reply]\ntime_limit = \"50ms\"\n",
			key: "reply.time_limit", line: 5, msg: "too short", fix: "at least 100ms"},
		{name: "time_limit too long", data: minimal + "[reply]\ntime_limit = \"2m\"\n",
			key: "reply.time_limit", line: 5, msg: "too long", fix: "at most 1m"},
		{name: "time_limit negative", data: minimal + "[reply]\ntime_limit = \"-5s\"\n",
			key: "reply.time_limit", line: 5, msg: `negative duration "-5s"`},
		{name: "trusted_authserv_id with a space", data: minimal + imapHost + "trusted_authserv_id = \"mx google\"\n",
			key: "imap.trusted_authserv_id", line: 8, msg: "not an authserv-id", fix: "mx.google.com"},
		{name: "date_order unknown", data: minimal + "[reply]\ndate_order = \"yyyy-mm-dd\"\n",
			key: "reply.date_order", line: 5, msg: `"yyyy-mm-dd" is not a date order`, fix: `"day-month"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			checkParseError(t, tt)
		})
	}
}

func TestIMAPSecurityNone(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1", true},
		{"127.8.9.10", true},
		{"::1", true},
		{"localhost", true},
		{"LOCALHOST", true},
		{"192.168.1.1", false},
		{"imap.example.com", false},
		{"2001:db8::1", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			cleanEnv(t)
			data := minimal + "[imap]\nhost = \"" + tt.host + "\"\nsecurity = \"none\"\n" + imapLogin
			cfg, err := Parse("c.toml", []byte(data), nil)
			if tt.ok {
				if err != nil || cfg.IMAP.Security != SecurityNone || cfg.IMAP.Port != 143 {
					t.Fatalf("Parse(security none to %s) = %+v, %v; want security none on port 143", tt.host, cfg, err)
				}
				return
			}
			errs := configErrors(t, err)
			if len(errs) != 1 || errs[0].Key != "imap.security" || errs[0].Line != 6 ||
				!strings.Contains(errs[0].Msg, "would send mail and passwords across the network in clear text") ||
				!strings.Contains(errs[0].Fix, `"none" is only allowed to 127.0.0.1, ::1 or localhost`) {
				t.Errorf("Parse(security none to %s) = %v; want one imap.security error at line 6 about clear text", tt.host, err)
			}
		})
	}
}

func TestIMAPAuth(t *testing.T) {
	const pw = "password_command = \"pass show mail\"\n"
	tests := []struct {
		name     string
		data     string // after [imap] and host
		wantAuth string
		wantErrs []string // keys, in order; none means success
		wantFix  string   // substring of the first error's Fix
	}{
		{name: "username and password", data: "username = \"u\"\n" + pw, wantAuth: AuthPlain},
		{name: "plain", data: "auth = \"plain\"\nusername = \"u\"\npassword = \"p\"\n", wantAuth: AuthPlain},
		{name: "plain with password_file", data: "auth = \"plain\"\nusername = \"u\"\npassword_file = \"pw\"\n", wantAuth: AuthPlain},
		{name: "xoauth2", data: "auth = \"xoauth2\"\nusername = \"sam@gmail.com\"\n", wantAuth: AuthXOAUTH2},
		{name: "nothing", wantErrs: []string{"imap.username"}, wantFix: `or auth = "xoauth2" for Gmail`},
		{name: "username without password", data: "username = \"u\"\n", wantErrs: []string{"imap.password"}, wantFix: "password_command"},
		{name: "password without username", data: pw, wantErrs: []string{"imap.username"}},
		{name: "plain without anything", data: "auth = \"plain\"\n", wantErrs: []string{"imap.username", "imap.password"}},
		{name: "plain without username", data: "auth = \"plain\"\n" + pw, wantErrs: []string{"imap.username"}},
		{name: "xoauth2 without username", data: "auth = \"xoauth2\"\n", wantErrs: []string{"imap.username"}, wantFix: "your Gmail address"},
		{name: "xoauth2 with password", data: "auth = \"xoauth2\"\nusername = \"u\"\n" + pw, wantErrs: []string{"imap.password_command"},
			wantFix: "`leadup auth`"},
		{name: "login", data: "auth = \"login\"\nusername = \"u\"\n" + pw, wantErrs: []string{"imap.auth"}, wantFix: `use "plain"`},
		{name: "none", data: "auth = \"none\"\n", wantErrs: []string{"imap.auth"}, wantFix: "whose mailbox"},
		{name: "capitalized", data: "auth = \"XOAUTH2\"\nusername = \"u\"\n", wantErrs: []string{"imap.auth"}, wantFix: `lowercase: "xoauth2"`},
		{name: "unknown", data: "auth = \"cram-md5\"\nusername = \"u\"\n" + pw, wantErrs: []string{"imap.auth"}, wantFix: `"plain" (username and password) or "xoauth2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			data := minimal + "[imap]\nhost = \"imap.gmail.com\"\n" + tt.data
			cfg, err := Parse("c.toml", []byte(data), nil)
			if tt.wantErrs == nil {
				if err != nil {
					t.Fatalf("Parse(%q) = %v", data, err)
				}
				if cfg.IMAP.Auth != tt.wantAuth {
					t.Errorf("Parse(%q): Auth = %q, want %q", data, cfg.IMAP.Auth, tt.wantAuth)
				}
				if cfg.IMAP.Password.IsSet() != (tt.wantAuth == AuthPlain) {
					t.Errorf("Parse(%q): Password.IsSet() = %v with auth %q", data, cfg.IMAP.Password.IsSet(), cfg.IMAP.Auth)
				}
				if cfg.NeedsGoogleMailScope() != (tt.wantAuth == AuthXOAUTH2) {
					t.Errorf("Parse(%q): NeedsGoogleMailScope() = %v with auth %q", data, cfg.NeedsGoogleMailScope(), cfg.IMAP.Auth)
				}
				return
			}
			var keys []string
			errs := configErrors(t, err)
			for _, e := range errs {
				if e.Line == 0 || e.Fix == "" || e.File != "c.toml" {
					t.Errorf("Parse(%q) error %#v: want the file, a line and a fix", data, e)
				}
				keys = append(keys, e.Key)
			}
			if !reflect.DeepEqual(keys, tt.wantErrs) {
				t.Errorf("Parse(%q) error keys = %q, want %q\n%v", data, keys, tt.wantErrs, err)
			}
			if len(errs) > 0 && !strings.Contains(errs[0].Fix, tt.wantFix) {
				t.Errorf("Parse(%q) first error = %v; want its fix to contain %q", data, errs[0], tt.wantFix)
			}
		})
	}
}

func TestNeedsGoogleMailScope(t *testing.T) {
	const (
		smtpPlain  = "[smtp]\nhost = \"smtp.gmail.com\"\nusername = \"u\"\npassword = \"p\"\n"
		smtpOAuth  = "[smtp]\nhost = \"smtp.gmail.com\"\nauth = \"xoauth2\"\nusername = \"u\"\n"
		imapPlain  = "[imap]\nhost = \"imap.gmail.com\"\nusername = \"u\"\npassword = \"p\"\n"
		imapOAuth  = "[imap]\nhost = \"imap.gmail.com\"\nauth = \"xoauth2\"\nusername = \"u\"\n"
		smtpRelay  = "[smtp]\nhost = \"localhost\"\nsecurity = \"none\"\n"
		imapDirect = "[imap]\nhost = \"::1\"\nsecurity = \"none\"\nusername = \"u\"\npassword = \"p\"\n"
	)
	tests := []struct {
		name string
		data string // after minimal
		want bool
	}{
		{"neither", "", false},
		{"passwords", smtpPlain + imapPlain, false},
		{"local servers", smtpRelay + imapDirect, false},
		{"smtp xoauth2", smtpOAuth, true},
		{"smtp xoauth2 with imap plain", smtpOAuth + imapPlain, true},
		{"imap xoauth2", imapOAuth, true},
		{"imap xoauth2 with smtp plain", smtpPlain + imapOAuth, true},
		{"both xoauth2", smtpOAuth + imapOAuth, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			cfg, err := Parse("c.toml", []byte(minimal+tt.data), nil)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.data, err)
			}
			if got := cfg.NeedsGoogleMailScope(); got != tt.want {
				t.Errorf("Parse(%q).NeedsGoogleMailScope() = %v, want %v", tt.data, got, tt.want)
			}
		})
	}

	if new(Config).NeedsGoogleMailScope() {
		t.Errorf("Config{}.NeedsGoogleMailScope() = true, want false")
	}
}

func TestIMAPPassword(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	creds := t.TempDir()
	if err := os.WriteFile(filepath.Join(creds, "imap-password"), []byte("from-creds\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pw"), []byte("from-file\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, line, credsDir, want string
	}{
		{name: "inline", line: `password = "inline"`, want: "inline"},
		{name: "file", line: `password_file = "pw"`, want: "from-file"},
		{name: "credentials directory", line: `password_file = "imap-password"`, credsDir: creds, want: "from-creds"},
		{name: "command", line: `password_command = "echo from-command"`, want: "from-command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CREDENTIALS_DIRECTORY", tt.credsDir)
			data := minimal + "[imap]\nhost = \"imap.example.com\"\nusername = \"sam@example.com\"\n" + tt.line + "\n"
			cfg, err := Parse(filepath.Join(dir, "config.toml"), []byte(data), nil)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.line, err)
			}
			got, err := cfg.IMAP.Password.Reveal(t.Context())
			if err != nil || got != tt.want {
				t.Errorf("Parse(%q): Password.Reveal() = %q, %v; want %q", tt.line, got, err, tt.want)
			}
			if s := cfg.IMAP.Password.String(); s != redacted {
				t.Errorf("Parse(%q): Password.String() = %q, want %q", tt.line, s, redacted)
			}
		})
	}
}

func TestRepliesWarnings(t *testing.T) {
	cleanEnv(t)
	tests := []struct {
		name string
		host string
		imap string
		mode os.FileMode // of the config file and password file
		want string      // substring of the log; "" means no warning
	}{
		{name: "inline password in a private file", host: "imap.example.com", imap: "username = \"u\"\npassword = \"p\"\n", mode: 0o600},
		{name: "inline password in a readable file", host: "imap.example.com", imap: "username = \"u\"\npassword = \"p\"\n", mode: 0o644,
			want: "key=imap.password"},
		{name: "readable password file", host: "imap.example.com", imap: "username = \"u\"\npassword_file = \"pw\"\n", mode: 0o640,
			want: "key=imap.password_file"},
		{name: "command in a readable file", host: "imap.example.com", imap: "username = \"u\"\npassword_command = \"echo p\"\n", mode: 0o644},
		{name: "xoauth2 to Gmail", host: "imap.gmail.com", imap: "auth = \"xoauth2\"\nusername = \"u@gmail.com\"\n", mode: 0o600},
		{name: "xoauth2 to this machine", host: "127.0.0.1", imap: "auth = \"xoauth2\"\nusername = \"u@gmail.com\"\n", mode: 0o600},
		{name: "xoauth2 elsewhere", host: "imap.example.com", imap: "auth = \"xoauth2\"\nusername = \"u@example.com\"\n", mode: 0o600,
			want: "key=imap.auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			data := minimal + "[imap]\nhost = \"" + tt.host + "\"\n" + tt.imap
			path := filepath.Join(dir, "config.toml")
			for _, f := range []string{path, filepath.Join(dir, "pw")} {
				if err := os.WriteFile(f, []byte(data), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(f, tt.mode); err != nil {
					t.Fatal(err)
				}
			}
			var buf bytes.Buffer
			if _, err := Load(path, slog.New(slog.NewTextHandler(&buf, nil))); err != nil {
				t.Fatalf("Load(%q) = %v", data, err)
			}
			got := buf.String()
			if tt.want == "" && got != "" || tt.want != "" && (!strings.Contains(got, "level=WARN") || !strings.Contains(got, tt.want)) {
				t.Errorf("Load(%q) with mode %04o logged %q; want %q", data, tt.mode, got, tt.want)
			}
			if strings.Contains(got, "password = ") {
				t.Errorf("Load(%q) logged the configuration: %q", data, got)
			}
		})
	}
}
