package config

import (
	"bytes"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseDelivery(t *testing.T) {
	tests := []struct {
		name string
		data string // before minimal, so that top-level keys stay top-level
		got  func(*Config) any
		want any
	}{
		{"brief defaults", "[brief]\n",
			func(c *Config) any { return c.Brief }, Brief{Before: []time.Duration{time.Hour}, ChangeNotices: true}},
		{"brief sorted longest first", "[brief]\nbefore = [\"1h\", \"1d\", \"15m\", \"1d12h\"]\nchange_notices = false\n",
			func(c *Config) any { return c.Brief },
			Brief{Before: []time.Duration{36 * time.Hour, 24 * time.Hour, time.Hour, 15 * time.Minute}}},
		{"brief at most 14d", "[brief]\nbefore = [\"14d\"]\n",
			func(c *Config) any { return c.Brief.Before }, []time.Duration{14 * 24 * time.Hour}},
		{"followup zero", "[followup]\nafter = \"0\"\n",
			func(c *Config) any { return c.Followup.After }, time.Duration(0)},
		{"followup 24h", "[followup]\nafter = \"1d\"\n",
			func(c *Config) any { return c.Followup.After }, 24 * time.Hour},
		{"mail with display names", "[mail]\nfrom = \"leadup <leadup@example.com>\"\nto = \"Sam Rivera <Sam@Example.COM>\"\n",
			func(c *Config) any { return c.Mail },
			Mail{
				From:       &mail.Address{Name: "leadup", Address: "leadup@example.com"},
				To:         &mail.Address{Name: "Sam Rivera", Address: "Sam@Example.COM"},
				AcceptFrom: []string{"sam@example.com"},
				Transport:  TransportSMTP,
			}},
		{"mail bare and quoted", "[mail]\nfrom = \"leadup@example.com\"\nto = '\"Rivera, Sam\" <sam@example.com>'\n",
			func(c *Config) any { return [2]mail.Address{*c.Mail.From, *c.Mail.To} },
			[2]mail.Address{{Address: "leadup@example.com"}, {Name: "Rivera, Sam", Address: "sam@example.com"}}},
		{"accept_from listed", "[mail]\nto = \"sam@example.com\"\naccept_from = [\"Sam@Example.org\", \"sam@example.com\"]\n",
			func(c *Config) any { return c.Mail.AcceptFrom }, []string{"sam@example.org", "sam@example.com"}},
		{"accept_from without to", "[mail]\nfrom = \"leadup@example.com\"\n",
			func(c *Config) any { return c.Mail.AcceptFrom }, []string(nil)},
		{"reply_to with token", "[mail]\nreply_to = \"sam+leadup-{token}@example.com\"\n",
			func(c *Config) any { return c.Mail.ReplyTo }, "sam+leadup-{token}@example.com"},
		{"reply_to without token", "[mail]\nreply_to = \"Replies <replies@example.com>\"\n",
			func(c *Config) any { return c.Mail.ReplyTo }, "Replies <replies@example.com>"},
		{"smtp defaults", "[smtp]\nhost = \"smtp.example.com\"\n",
			func(c *Config) any { return [2]any{c.SMTP, c.HasSMTP()} },
			[2]any{SMTP{Host: "smtp.example.com", Port: 587, Security: SecurityStartTLS, Auth: AuthNone, Timeout: 30 * time.Second}, true}},
		{"smtp inline table", "smtp = {host = \"smtp.example.com\", security = \"tls\"}\n",
			func(c *Config) any { return [2]any{c.SMTP.Host, c.SMTP.Port} }, [2]any{"smtp.example.com", 465}},
		{"smtp tls port", "[smtp]\nhost = \"smtp.example.com\"\nsecurity = \"tls\"\n",
			func(c *Config) any { return c.SMTP.Port }, 465},
		{"smtp none port", "[smtp]\nhost = \"localhost\"\nsecurity = \"none\"\n",
			func(c *Config) any { return c.SMTP.Port }, 25},
		{"smtp explicit port", "[smtp]\nhost = \"smtp.example.com\"\nsecurity = \"tls\"\nport = 2525\n",
			func(c *Config) any { return c.SMTP.Port }, 2525},
		{"smtp IPv6 host", "[smtp]\nhost = \"2001:db8::1\"\n",
			func(c *Config) any { return c.SMTP.Host }, "2001:db8::1"},
		{"smtp timeout", "[smtp]\nhost = \"smtp.example.com\"\ntimeout = \"1m30s\"\n",
			func(c *Config) any { return c.SMTP.Timeout }, 90 * time.Second},
		{"smtp timeout bounds", "[smtp]\nhost = \"smtp.example.com\"\ntimeout = \"10m\"\n",
			func(c *Config) any { return c.SMTP.Timeout }, 10 * time.Minute},
		{"smtp username", "[smtp]\nhost = \"smtp.example.com\"\nusername = \"sam@example.com\"\npassword = \"hunter2\"\n",
			func(c *Config) any { return [3]any{c.SMTP.Auth, c.SMTP.Username, c.SMTP.Password.IsSet()} },
			[3]any{AuthPlain, "sam@example.com", true}},
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

func TestParseDeliveryErrors(t *testing.T) {
	// minimal is 3 lines: what follows it starts at line 4.
	tests := []parseErrorTest{
		// Unknown keys and tables.
		{name: "unknown key in brief", data: minimal + "[brief]\nbefor = [\"1h\"]\n",
			key: "brief.befor", line: 5, msg: "unknown key", fix: "did you mean brief.before?"},
		{name: "unknown table followup", data: minimal + "[folowup]\nafter = \"5m\"\n",
			key: "folowup", line: 4, msg: "unknown table", fix: "did you mean followup?"},
		{name: "unknown table smtp", data: minimal + "[stmp]\nhost = \"x\"\n",
			key: "stmp", line: 4, msg: "unknown table", fix: "did you mean smtp?"},
		{name: "unknown key in smtp", data: minimal + "[smtp]\nhost = \"smtp.example.com\"\npasword = \"x\"\n",
			key: "smtp.pasword", line: 6, msg: "unknown key", fix: "did you mean smtp.password?"},
		{name: "unknown key in mail", data: minimal + "[mail]\nreplyto = \"a@example.com\"\n",
			key: "mail.replyto", line: 5, msg: "unknown key", fix: "did you mean mail.reply_to?"},
		{name: "smtp key under mail", data: minimal + "[mail]\nhost = \"smtp.example.com\"\n",
			key: "mail.host", line: 5, msg: "unknown key", fix: "did you mean smtp.host? a key belongs to the table whose [header] is above it: move it under [smtp]"},
		{name: "top-level templates_dir misspelt", data: "template_dir = \"t\"\n" + minimal,
			key: "template_dir", line: 1, msg: "unknown key", fix: "did you mean templates_dir?"},

		// Types.
		{name: "before not a list", data: minimal + "[brief]\nbefore = \"1h\"\n",
			key: "brief.before", line: 5, msg: "expected a list, found a string", fix: `before = ["1d", "1h"]`},
		{name: "change_notices not a bool", data: minimal + "[brief]\nchange_notices = \"yes\"\n",
			key: "brief.change_notices", line: 5, msg: "expected true or false, found a string"},
		{name: "port as a string", data: minimal + "[smtp]\nhost = \"h\"\nport = \"587\"\n",
			key: "smtp.port", line: 6, msg: "expected a whole number, found a string", fix: "like port = 587"},
		{name: "smtp not a table", data: "smtp = 5\n" + minimal,
			key: "smtp", line: 1, msg: "expected a table, found an integer", fix: "write it as a [smtp] table"},
		{name: "smtp array table", data: minimal + "[[smtp]]\n",
			key: "smtp", line: 4, msg: "cannot store an array table", fix: "write it as a [smtp] table"},

		// templates_dir (see also TestTemplatesDir).
		{name: "templates_dir empty", data: "templates_dir = \"\"\n" + minimal,
			key: "templates_dir", line: 1, msg: "is empty", fix: "built-in templates"},
		{name: "templates_dir missing", data: "templates_dir = \"/nonexistent/leadup-templates\"\n" + minimal,
			key: "templates_dir", line: 1, msg: "directory /nonexistent/leadup-templates does not exist", fix: "create it"},

		// [brief]
		{name: "before empty", data: minimal + "[brief]\nbefore = []\n",
			key: "brief.before", line: 5, msg: "is empty", fix: `list at least one lead time, e.g. ["1h"]`},
		{name: "before bad duration", data: minimal + "[brief]\nbefore = [\"1h\", \"2x\"]\n",
			key: "brief.before", line: 5, msg: `invalid duration "2x"`, fix: durationFix},
		{name: "before negative", data: minimal + "[brief]\nbefore = [\"-1h\"]\n",
			key: "brief.before", line: 5, msg: `negative duration "-1h"`},
		{name: "before zero", data: minimal + "[brief]\nbefore = [\"0s\"]\n",
			key: "brief.before", line: 5, msg: `"0s" is zero`},
		{name: "before too long", data: minimal + "[brief]\nbefore = [\"14d1s\"]\n",
			key: "brief.before", line: 5, msg: "too long", fix: "at most 14d"},
		{name: "before duplicate", data: minimal + "[brief]\nbefore = [\"1h\", \"1d\", \"60m\"]\n",
			key: "brief.before", line: 5, msg: `"60m" is the same lead time as "1h"`, fix: "once"},
		{name: "before beyond lookahead", data: minimal + "[google]\nlookahead = \"1d\"\n[brief]\nbefore = [\"2d\"]\n",
			key: "brief.before", line: 7, msg: "longer than google.lookahead (1d)", fix: "raise google.lookahead"},

		// [followup]
		{name: "after too long", data: minimal + "[followup]\nafter = \"25h\"\n",
			key: "followup.after", line: 5, msg: "too long", fix: "at most 1d"},
		{name: "after bad", data: minimal + "[followup]\nafter = \"soon\"\n",
			key: "followup.after", line: 5, msg: `invalid duration "soon"`},

		// [mail]
		{name: "from empty", data: minimal + "[mail]\nfrom = \" \"\n",
			key: "mail.from", line: 5, msg: "is empty"},
		{name: "from invalid", data: minimal + "[mail]\nfrom = \"leadup\"\n",
			key: "mail.from", line: 5, msg: `invalid email address "leadup": missing '@'`, fix: `"leadup <leadup@example.com>"`},
		{name: "from two addresses", data: minimal + "[mail]\nfrom = \"a@example.com, b@example.com\"\n",
			key: "mail.from", line: 5, msg: "invalid email address"},
		{name: "from with a line break", data: minimal + "[mail]\nfrom = \"a@example.com\\nBcc: b@example.com\"\n",
			key: "mail.from", line: 5, msg: "control character"},
		{name: "to invalid", data: minimal + "[mail]\nto = \"Sam <sam@>\"\n",
			key: "mail.to", line: 5, msg: "invalid email address"},
		{name: "to not a string", data: minimal + "[mail]\nto = [\"sam@example.com\"]\n",
			key: "mail.to", line: 5, msg: "expected a string, found an array", fix: `to = "you@example.com"`},
		{name: "reply_to empty", data: minimal + "[mail]\nreply_to = \"\"\n",
			key: "mail.reply_to", line: 5, msg: "is empty"},
		{name: "reply_to invalid", data: minimal + "[mail]\nreply_to = \"me+{token}\"\n",
			key: "mail.reply_to", line: 5, msg: `invalid email address "me+{token}"`},
		{name: "reply_to token in domain", data: minimal + "[mail]\nreply_to = \"me@{token}.example.com\"\n",
			key: "mail.reply_to", line: 5, msg: "{token} must be in the part before the @"},
		{name: "reply_to token in both parts", data: minimal + "[mail]\nreply_to = \"me+{token}@{token}.example.com\"\n",
			key: "mail.reply_to", line: 5, msg: "{token} must be in the part before the @"},
		{name: "reply_to token in display name", data: minimal + "[mail]\nreply_to = \"leadup {token} <me@example.com>\"\n",
			key: "mail.reply_to", line: 5, msg: "{token} must be in the part before the @"},
		{name: "reply_to unknown placeholder", data: minimal + "[mail]\nreply_to = \"me+{Token}@example.com\"\n",
			key: "mail.reply_to", line: 5, msg: "unknown placeholder", fix: "{token}, in lowercase"},
		{name: "reply_to too long", data: minimal + "[mail]\nreply_to = \"" + strings.Repeat("a", 30) + "+{token}@example.com\"\n",
			key: "mail.reply_to", line: 5, msg: "would be 70 characters long with a 39-character token"},
		{name: "accept_from empty", data: minimal + "[mail]\nto = \"sam@example.com\"\naccept_from = []\n",
			key: "mail.accept_from", line: 6, msg: "is empty"},
		{name: "accept_from display name", data: minimal + "[mail]\naccept_from = [\"Sam <sam@example.com>\"]\n",
			key: "mail.accept_from", line: 5, msg: `invalid email address "Sam <sam@example.com>"`, fix: "only the address"},
		{name: "accept_from duplicate", data: minimal + "[mail]\naccept_from = [\"sam@example.com\", \"SAM@example.com\"]\n",
			key: "mail.accept_from", line: 5, msg: "sam@example.com is listed twice"},

		// [smtp]
		{name: "host missing", data: minimal + "[smtp]\nport = 587\n",
			key: "smtp.host", line: 4, msg: "missing", fix: `add host = "smtp.example.com"`},
		{name: "host missing in empty table", data: minimal + "[smtp]\n",
			key: "smtp.host", line: 4, msg: "missing"},
		{name: "host empty", data: minimal + "[smtp]\nhost = \"\"\n",
			key: "smtp.host", line: 5, msg: "is empty"},
		{name: "host with port", data: minimal + "[smtp]\nhost = \"smtp.example.com:465\"\n",
			key: "smtp.host", line: 5, msg: "contains a port", fix: `host = "smtp.example.com" and port = 465`},
		{name: "host as URL", data: minimal + "[smtp]\nhost = \"smtps://smtp.example.com\"\n",
			key: "smtp.host", line: 5, msg: "is a URL"},
		{name: "host in brackets", data: minimal + "[smtp]\nhost = \"[::1]\"\n",
			key: "smtp.host", line: 5, msg: "has brackets", fix: `"::1"`},
		{name: "host with space", data: minimal + "[smtp]\nhost = \"smtp example.com\"\n",
			key: "smtp.host", line: 5, msg: "is not a host name"},
		{name: "security unknown", data: minimal + "[smtp]\nhost = \"h\"\nsecurity = \"ssl\"\n",
			key: "smtp.security", line: 6, msg: `unknown value "ssl"`, fix: `use "tls"`},
		{name: "security capitalized", data: minimal + "[smtp]\nhost = \"h\"\nsecurity = \"STARTTLS\"\n",
			key: "smtp.security", line: 6, msg: `unknown value "STARTTLS"`, fix: `lowercase: "starttls"`},
		{name: "port zero", data: minimal + "[smtp]\nhost = \"h\"\nport = 0\n",
			key: "smtp.port", line: 6, msg: "0 is not a port number", fix: "default (587)"},
		{name: "port too big", data: minimal + "[smtp]\nhost = \"h\"\nsecurity = \"tls\"\nport = 65536\n",
			key: "smtp.port", line: 7, msg: "65536 is not a port number", fix: "default (465)"},
		{name: "timeout too short", data: minimal + "[smtp]\nhost = \"h\"\ntimeout = \"500ms\"\n",
			key: "smtp.timeout", line: 6, msg: "too short", fix: "at least 1s"},
		{name: "timeout too long", data: minimal + "[smtp]\nhost = \"h\"\ntimeout = \"11m\"\n",
			key: "smtp.timeout", line: 6, msg: "too long", fix: "at most 10m"},
		{name: "username empty", data: minimal + "[smtp]\nhost = \"h\"\nusername = \"\"\n",
			key: "smtp.username", line: 6, msg: "is empty", another: true},
		{name: "password variants conflict", data: minimal + "[smtp]\nhost = \"h\"\nusername = \"u\"\npassword = \"a\"\npassword_command = \"b\"\n",
			key: "smtp.password_command", line: 8, msg: "conflicts with smtp.password"},
		{name: "password empty", data: minimal + "[smtp]\nhost = \"h\"\nusername = \"u\"\npassword_file = \"\"\n",
			key: "smtp.password_file", line: 7, msg: "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			checkParseError(t, tt)
		})
	}
}

func TestSMTPSecurityNone(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1", true},
		{"127.8.9.10", true},
		{"::1", true},
		{"localhost", true},
		{"LocalHost", true},
		{"192.168.1.1", false},
		{"10.0.0.1", false},
		{"smtp.example.com", false},
		{"2001:db8::1", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			cleanEnv(t)
			data := minimal + "[smtp]\nhost = \"" + tt.host + "\"\nsecurity = \"none\"\n"
			cfg, err := Parse("c.toml", []byte(data), nil)
			if tt.ok {
				if err != nil || cfg.SMTP.Security != SecurityNone || cfg.SMTP.Port != 25 {
					t.Fatalf("Parse(security none to %s) = %+v, %v; want security none on port 25", tt.host, cfg, err)
				}
				return
			}
			errs := configErrors(t, err)
			if len(errs) != 1 || errs[0].Key != "smtp.security" || errs[0].Line != 6 ||
				!strings.Contains(errs[0].Msg, "would send mail and passwords across the network in clear text") {
				t.Errorf("Parse(security none to %s) = %v; want one smtp.security error at line 6 about clear text", tt.host, err)
			}
		})
	}
}

func TestSMTPAuth(t *testing.T) {
	const pw = "password_command = \"pass show mail\"\n"
	tests := []struct {
		name     string
		data     string // after [smtp] and host
		wantAuth string
		wantErrs []string // keys, in order; none means success
	}{
		{name: "nothing", wantAuth: AuthNone},
		{name: "username and password", data: "username = \"u\"\n" + pw, wantAuth: AuthPlain},
		{name: "plain", data: "auth = \"plain\"\nusername = \"u\"\npassword = \"p\"\n", wantAuth: AuthPlain},
		{name: "login", data: "auth = \"login\"\nusername = \"u\"\n" + pw, wantAuth: AuthLogin},
		{name: "xoauth2", data: "auth = \"xoauth2\"\nusername = \"sam@example.com\"\n", wantAuth: AuthXOAUTH2},
		{name: "none", data: "auth = \"none\"\n", wantAuth: AuthNone},
		{name: "username without password", data: "username = \"u\"\n", wantErrs: []string{"smtp.password"}},
		{name: "password without username", data: pw, wantErrs: []string{"smtp.username"}},
		{name: "plain without anything", data: "auth = \"plain\"\n", wantErrs: []string{"smtp.username", "smtp.password"}},
		{name: "login without password", data: "auth = \"login\"\nusername = \"u\"\n", wantErrs: []string{"smtp.password"}},
		{name: "xoauth2 without username", data: "auth = \"xoauth2\"\n", wantErrs: []string{"smtp.username"}},
		{name: "xoauth2 with password", data: "auth = \"xoauth2\"\nusername = \"u\"\npassword_file = \"pw\"\n", wantErrs: []string{"smtp.password_file"}},
		{name: "none with password", data: "auth = \"none\"\npassword = \"p\"\n", wantErrs: []string{"smtp.password"}},
		{name: "none with username", data: "auth = \"none\"\nusername = \"u\"\n", wantErrs: []string{"smtp.username"}},
		{name: "unknown", data: "auth = \"cram-md5\"\nusername = \"u\"\n" + pw, wantErrs: []string{"smtp.auth"}},
		{name: "capitalized", data: "auth = \"PLAIN\"\nusername = \"u\"\n" + pw, wantErrs: []string{"smtp.auth"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			data := minimal + "[smtp]\nhost = \"smtp.gmail.com\"\n" + tt.data
			cfg, err := Parse("c.toml", []byte(data), nil)
			if tt.wantErrs == nil {
				if err != nil {
					t.Fatalf("Parse(%q) = %v", data, err)
				}
				if cfg.SMTP.Auth != tt.wantAuth {
					t.Errorf("Parse(%q): Auth = %q, want %q", data, cfg.SMTP.Auth, tt.wantAuth)
				}
				if cfg.SMTP.Password.IsSet() != (tt.wantAuth == AuthPlain || tt.wantAuth == AuthLogin) {
					t.Errorf("Parse(%q): Password.IsSet() = %v with auth %q", data, cfg.SMTP.Password.IsSet(), cfg.SMTP.Auth)
				}
				return
			}
			var keys []string
			for _, e := range configErrors(t, err) {
				if e.Line == 0 || e.Fix == "" {
					t.Errorf("Parse(%q) error %#v: want a line and a fix", data, e)
				}
				keys = append(keys, e.Key)
			}
			if !reflect.DeepEqual(keys, tt.wantErrs) {
				t.Errorf("Parse(%q) error keys = %q, want %q\n%v", data, keys, tt.wantErrs, err)
			}
		})
	}
}

func TestCheckDelivery(t *testing.T) {
	type want struct {
		key  string
		line int
	}
	tests := []struct {
		name string
		data string // after minimal
		want []want
	}{
		{name: "nothing", want: []want{{"mail.from", 0}, {"mail.to", 0}, {"smtp.host", 0}}},
		{name: "mail without to", data: "[mail]\nfrom = \"leadup@example.com\"\n",
			want: []want{{"mail.to", 4}, {"smtp.host", 0}}},
		{name: "smtp only", data: "[smtp]\nhost = \"smtp.example.com\"\n",
			want: []want{{"mail.from", 0}, {"mail.to", 0}}},
		{name: "everything", data: "[mail]\nfrom = \"leadup@example.com\"\nto = \"sam@example.com\"\n[smtp]\nhost = \"smtp.example.com\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			const path = "/etc/leadup/config.toml"
			cfg, err := Parse(path, []byte(minimal+tt.data), nil)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.data, err)
			}
			err = cfg.CheckDelivery()
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("CheckDelivery() = %v, want nil", err)
				}
				return
			}
			if !IsConfigError(err) {
				t.Errorf("IsConfigError(CheckDelivery()) = false for %v", err)
			}
			var got []want
			for _, e := range configErrors(t, err) {
				got = append(got, want{e.Key, e.Line})
				if e.File != path || e.Msg != "required to send email" || !strings.Contains(e.Fix, "config.example.toml") {
					t.Errorf("CheckDelivery() error = %#v", e)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CheckDelivery() keys and lines = %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("zero Config", func(t *testing.T) {
		if n := len(configErrors(t, new(Config).CheckDelivery())); n != 3 {
			t.Errorf("Config{}.CheckDelivery() returned %d errors, want 3", n)
		}
	})
}

func TestTemplatesDir(t *testing.T) {
	home := cleanEnv(t)
	dir := t.TempDir()
	for _, d := range []string{filepath.Join(dir, "templates"), filepath.Join(home, "tpl")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "file.txt")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "templates", want: filepath.Join(dir, "templates")},
		{in: "./templates/", want: filepath.Join(dir, "templates")},
		{in: "~/tpl", want: filepath.Join(home, "tpl")},
		{in: dir, want: dir},
		{in: "missing", wantErr: "directory " + filepath.Join(dir, "missing") + " does not exist"},
		{in: file, wantErr: file + " is not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			data := "templates_dir = \"" + tt.in + "\"\n" + minimal
			cfg, err := Parse(filepath.Join(dir, "config.toml"), []byte(data), nil)
			if tt.wantErr != "" {
				errs := configErrors(t, err)
				if len(errs) != 1 || errs[0].Key != "templates_dir" || errs[0].Line != 1 || errs[0].Msg != tt.wantErr {
					t.Errorf("Parse(templates_dir = %q) = %v; want one templates_dir error at line 1: %s", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(templates_dir = %q) = %v", tt.in, err)
			}
			if cfg.TemplatesDir != tt.want {
				t.Errorf("Parse(templates_dir = %q): TemplatesDir = %q, want %q", tt.in, cfg.TemplatesDir, tt.want)
			}
		})
	}
}

func TestSMTPPassword(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	creds := t.TempDir()
	if err := os.WriteFile(filepath.Join(creds, "smtp-password"), []byte("from-creds\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pw"), []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, line, credsDir, want string
	}{
		{name: "inline", line: `password = "inline"`, want: "inline"},
		{name: "file", line: `password_file = "pw"`, want: "from-file"},
		{name: "credentials directory", line: `password_file = "smtp-password"`, credsDir: creds, want: "from-creds"},
		{name: "command", line: `password_command = "echo from-command"`, want: "from-command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CREDENTIALS_DIRECTORY", tt.credsDir)
			data := minimal + "[smtp]\nhost = \"smtp.example.com\"\nusername = \"sam@example.com\"\n" + tt.line + "\n"
			cfg, err := Parse(filepath.Join(dir, "config.toml"), []byte(data), nil)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.line, err)
			}
			got, err := cfg.SMTP.Password.Reveal(t.Context())
			if err != nil || got != tt.want {
				t.Errorf("Parse(%q): Password.Reveal() = %q, %v; want %q", tt.line, got, err, tt.want)
			}
		})
	}
}

func TestDeliveryWarnings(t *testing.T) {
	cleanEnv(t)
	tests := []struct {
		name string
		smtp string
		mode os.FileMode // of the config file and password file
		want string      // substring of the log; "" means no warning
	}{
		{name: "inline password in a private file", smtp: "username = \"u\"\npassword = \"p\"\n", mode: 0o600},
		{name: "inline password in a readable file", smtp: "username = \"u\"\npassword = \"p\"\n", mode: 0o644,
			want: "key=smtp.password"},
		{name: "readable password file", smtp: "username = \"u\"\npassword_file = \"pw\"\n", mode: 0o640,
			want: "key=smtp.password_file"},
		{name: "command in a readable file", smtp: "username = \"u\"\npassword_command = \"echo p\"\n", mode: 0o644},
		{name: "xoauth2 to Gmail", smtp: "auth = \"xoauth2\"\nusername = \"u@example.com\"\n", mode: 0o600},
		{name: "xoauth2 elsewhere", smtp: "auth = \"xoauth2\"\nusername = \"u@example.com\"\n", mode: 0o600,
			want: "only Google's servers accept"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			host := "smtp.gmail.com"
			if strings.Contains(tt.name, "elsewhere") {
				host = "smtp.example.com"
			}
			data := minimal + "[smtp]\nhost = \"" + host + "\"\n" + tt.smtp
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
