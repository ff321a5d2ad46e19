package config

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestParseCalendar(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	parse := func(t *testing.T, data string) *Config {
		t.Helper()
		cfg, err := Parse(filepath.Join(dir, "config.toml"), []byte(data+minimal), nil)
		if err != nil {
			t.Fatalf("Parse(%q) = %v", data, err)
		}
		return cfg
	}
	t.Run("ics url", func(t *testing.T) {
		cfg := parse(t, "[calendar]\nsource = \"ics\"\nics_url = \"webcal://cal.example.com/secret/basic.ics\"\n")
		c := cfg.Calendar
		if c.Source != SourceICS || c.Poll != DefaultICSPoll || c.Lookahead != DefaultLookahead {
			t.Errorf("calendar = %+v", c)
		}
		if u, err := c.RevealICSURL(context.Background()); err != nil || u != "https://cal.example.com/secret/basic.ics" {
			t.Errorf("RevealICSURL() = %q, %v; want webcal:// turned into https://", u, err)
		}
		if s := c.ICSURL.String(); s == "" || s == "https://cal.example.com/secret/basic.ics" {
			t.Errorf("ICSURL prints as %q: the address is a secret", s)
		}
	})
	t.Run("ics file, me, calendar poll", func(t *testing.T) {
		cfg := parse(t, "[calendar]\nsource = \"ics\"\nics_file = \"cal.ics\"\npoll = \"1m\"\nlookahead = \"7d\"\nme = [\"Me@Example.com\"]\n")
		c := cfg.Calendar
		if c.ICSFile != filepath.Join(dir, "cal.ics") || c.Poll != time.Minute || c.Lookahead != 7*24*time.Hour ||
			!reflect.DeepEqual(c.Me, []string{"me@example.com"}) {
			t.Errorf("calendar = %+v", c)
		}
	})
	t.Run("google poll still works", func(t *testing.T) {
		cfg := parse(t, "[google]\npoll = \"3m\"\nlookahead = \"2d\"\n")
		if c := cfg.Calendar; c.Source != SourceGoogle || c.Poll != 3*time.Minute || c.Lookahead != 48*time.Hour {
			t.Errorf("calendar = %+v", c)
		}
	})
	t.Run("me defaults to the mail addresses", func(t *testing.T) {
		cfg := parse(t, "[mail]\nto = \"Sam <Sam@example.com>\"\naccept_from = [\"sam@example.com\", \"sam@phone.example\"]\n")
		if want := []string{"sam@example.com", "sam@phone.example"}; !reflect.DeepEqual(cfg.Calendar.Me, want) {
			t.Errorf("calendar.me = %q, want %q", cfg.Calendar.Me, want)
		}
	})
	t.Run("maildir transport", func(t *testing.T) {
		cfg := parse(t, "[mail]\nfrom = \"l@example.com\"\nto = \"me@example.com\"\ntransport = \"maildir\"\nmaildir = \"Mail\"\n")
		if m := cfg.Mail; m.Transport != TransportMaildir || m.Maildir != filepath.Join(dir, "Mail") {
			t.Errorf("mail = %+v", m)
		}
		if err := cfg.CheckDelivery(); err != nil {
			t.Errorf("CheckDelivery() with a maildir and no [smtp] = %v", err)
		}
	})
	t.Run("digest", func(t *testing.T) {
		if d := parse(t, "").Digest; !d.Enabled || d.Weekly.String() != "Fri 16:00" {
			t.Errorf("default digest = %+v", d)
		}
		if d := parse(t, "[digest]\nweekly = \"\"\n").Digest; d.Enabled {
			t.Errorf("weekly = \"\": digest = %+v, want disabled", d)
		}
		if d := parse(t, "[digest]\nweekly = \"monday 9:30\"\n").Digest; !d.Enabled || d.Weekly != (Weekly{Day: time.Monday, Hour: 9, Minute: 30}) {
			t.Errorf("weekly = \"monday 9:30\": digest = %+v", d)
		}
	})
}

func TestParseCalendarErrors(t *testing.T) {
	tests := []parseErrorTest{
		{name: "unknown source", data: minimal + "[calendar]\nsource = \"outlook\"\n",
			key: "calendar.source", line: 5, msg: `unknown source "outlook"`, fix: `"ics"`},
		{name: "ics without a calendar", data: minimal + "[calendar]\nsource = \"ics\"\n",
			key: "calendar.source", line: 5, msg: `"ics" needs ics_url or ics_file`, fix: "secret iCal address"},
		{name: "both url and file", data: minimal + "[calendar]\nsource = \"ics\"\nics_url = \"https://a.example/c.ics\"\nics_file = \"c.ics\"\n",
			key: "calendar.ics_file", line: 7, msg: "conflicts with calendar.ics_url"},
		{name: "ics url with google", data: minimal + "[calendar]\nics_url = \"https://a.example/c.ics\"\n",
			key: "calendar.source", line: 4, msg: `is "google", but an .ics calendar is given`, fix: `source = "ics"`},
		{name: "plain http url", data: minimal + "[calendar]\nsource = \"ics\"\nics_url = \"http://cal.example.com/c.ics\"\n",
			key: "calendar.ics_url", line: 6, msg: "clear text", fix: "https://"},
		{name: "not a url", data: minimal + "[calendar]\nsource = \"ics\"\nics_url = \"calendar.ics\"\n",
			key: "calendar.ics_url", line: 6, msg: "not an absolute URL"},
		{name: "poll twice", data: minimal + "[calendar]\npoll = \"1m\"\n[google]\npoll = \"2m\"\n",
			key: "google.poll", line: 7, msg: "conflicts with calendar.poll", fix: "remove google.poll"},
		{name: "lead longer than calendar.lookahead", data: minimal + "[calendar]\nlookahead = \"1d\"\n[brief]\nbefore = [\"2d\"]\n",
			key: "brief.before", line: 7, msg: "longer than calendar.lookahead (1d)", fix: "raise calendar.lookahead"},
		{name: "bad me", data: minimal + "[calendar]\nme = [\"me at example\"]\n",
			key: "calendar.me", line: 5, msg: `invalid email address "me at example"`},
		{name: "unknown transport", data: minimal + "[mail]\ntransport = \"uucp\"\n",
			key: "mail.transport", line: 5, msg: `unknown transport "uucp"`},
		{name: "maildir without a path", data: minimal + "[mail]\ntransport = \"maildir\"\n",
			key: "mail.transport", line: 5, msg: `"maildir" needs mail.maildir`},
		{name: "maildir with smtp", data: minimal + "[mail]\nmaildir = \"Mail\"\n",
			key: "mail.maildir", line: 5, msg: `mail.transport is "smtp"`},
		{name: "digest bad day", data: minimal + "[digest]\nweekly = \"Fry 16:00\"\n",
			key: "digest.weekly", line: 5, msg: `unknown day "fry"`, fix: `"Fri 16:00"`},
		{name: "digest bad time", data: minimal + "[digest]\nweekly = \"Fri 4pm\"\n",
			key: "digest.weekly", line: 5, msg: `invalid time "4pm"`},
		{name: "digest no time", data: minimal + "[digest]\nweekly = \"Friday\"\n",
			key: "digest.weekly", line: 5, msg: "not a day and a time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			checkParseError(t, tt)
		})
	}
}

func TestWeeklyNext(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	fri := Weekly{Day: time.Friday, Hour: 16}
	tests := []struct {
		now, want time.Time
	}{
		{time.Date(2026, 11, 22, 10, 0, 0, 0, berlin), time.Date(2026, 11, 27, 16, 0, 0, 0, berlin)},   // Sunday
		{time.Date(2026, 11, 27, 16, 0, 0, 0, berlin), time.Date(2026, 11, 27, 16, 0, 0, 0, berlin)},   // on the dot
		{time.Date(2026, 11, 27, 16, 0, 1, 0, berlin), time.Date(2026, 12, 4, 16, 0, 0, 0, berlin)},    // just after
		{time.Date(2026, 10, 24, 12, 0, 0, 0, berlin), time.Date(2026, 10, 30, 16, 0, 0, 0, berlin)},   // across the end of summer time
		{time.Date(2026, 11, 27, 15, 30, 0, 0, time.UTC), time.Date(2026, 12, 4, 16, 0, 0, 0, berlin)}, // 16:30 in Berlin
	}
	for _, tt := range tests {
		if got := fri.Next(tt.now, berlin); !got.Equal(tt.want) {
			t.Errorf("Next(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
}
