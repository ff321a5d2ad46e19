package config

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseLiveSources(t *testing.T) {
	home := cleanEnv(t)
	dir := t.TempDir()
	parse := func(t *testing.T, data string) *Config {
		t.Helper()
		cfg, err := Parse(filepath.Join(dir, "config.toml"), []byte(data+minimal), nil)
		if err != nil {
			t.Fatalf("Parse(%q) = %v", data, err)
		}
		return cfg
	}
	state := filepath.Join(home, ".local", "state", "leadup")
	t.Run("microsoft", func(t *testing.T) {
		cfg := parse(t, "[calendar]\nsource = \"microsoft\"\n\n[microsoft]\nclient_id = \"11111111-2222-3333-4444-555555555555\"\ntenant = \"contoso.onmicrosoft.com\"\ncalendar = \"Calendar\"\n")
		want := Microsoft{ClientID: "11111111-2222-3333-4444-555555555555", Tenant: "contoso.onmicrosoft.com",
			TokenFile: filepath.Join(state, "microsoft-token.json"), Calendar: "Calendar", Endpoint: DefaultGraphEndpoint}
		if cfg.Calendar.Source != SourceMicrosoft || !reflect.DeepEqual(cfg.Microsoft, want) {
			t.Errorf("source %q, microsoft = %+v; want %+v", cfg.Calendar.Source, cfg.Microsoft, want)
		}
		if cfg.Calendar.Poll != DefaultPoll || cfg.Calendar.SourceName() != "Microsoft 365" {
			t.Errorf("poll %v, name %q", cfg.Calendar.Poll, cfg.Calendar.SourceName())
		}
	})
	t.Run("microsoft endpoint", func(t *testing.T) {
		cfg := parse(t, "[calendar]\nsource = \"microsoft\"\n\n[microsoft]\nclient_id = \"x\"\nendpoint = \"http://127.0.0.1:8080/v1.0\"\ntoken_file = \"/var/lib/leadup/ms.json\"\n")
		if m := cfg.Microsoft; m.Endpoint != "http://127.0.0.1:8080/v1.0/" || m.TokenFile != "/var/lib/leadup/ms.json" || m.Tenant != "common" {
			t.Errorf("microsoft = %+v", m)
		}
	})
	t.Run("caldav", func(t *testing.T) {
		pw := filepath.Join(dir, "caldav-password")
		cfg := parse(t, "[calendar]\nsource = \"caldav\"\ncaldav_url = \"https://caldav.fastmail.com/\"\nusername = \"me@fastmail.com\"\npassword_file = \""+pw+"\"\ncalendars = [\"Calendar\", \"Team\"]\n")
		c := cfg.CalDAV
		if cfg.Calendar.Source != SourceCalDAV || c.URL != "https://caldav.fastmail.com/" || c.Username != "me@fastmail.com" ||
			!c.Password.IsSet() || !reflect.DeepEqual(cfg.Calendar.Calendars, []string{"Calendar", "Team"}) {
			t.Errorf("caldav = %+v, calendars %q", c, cfg.Calendar.Calendars)
		}
		if cfg.Calendar.Poll != DefaultICSPoll {
			t.Errorf("caldav poll = %v, want %v", cfg.Calendar.Poll, DefaultICSPoll)
		}
	})
	t.Run("caldav password inline", func(t *testing.T) {
		cfg := parse(t, "[calendar]\nsource = \"caldav\"\ncaldav_url = \"http://localhost:5232/\"\nusername = \"me\"\npassword = \"app-pass\"\n")
		if p, err := cfg.CalDAV.Password.Reveal(context.Background()); err != nil || p != "app-pass" {
			t.Errorf("password = %q, %v", p, err)
		}
		if s := cfg.CalDAV.Password.String(); s == "app-pass" {
			t.Error("the password prints")
		}
	})
	t.Run("google calendars", func(t *testing.T) {
		cfg := parse(t, "[calendar]\ncalendars = [\"primary\", \"team@group.calendar.google.com\"]\n")
		if !reflect.DeepEqual(cfg.Calendar.Calendars, []string{"primary", "team@group.calendar.google.com"}) || cfg.Google.Calendar != "primary" {
			t.Errorf("calendars = %q, google.calendar %q", cfg.Calendar.Calendars, cfg.Google.Calendar)
		}
	})
	t.Run("google calendar alone", func(t *testing.T) {
		cfg := parse(t, "[google]\ncalendar = \"work@example.com\"\n")
		if !reflect.DeepEqual(cfg.Calendar.Calendars, []string{"work@example.com"}) {
			t.Errorf("calendars = %q", cfg.Calendar.Calendars)
		}
	})
}

func TestParseLiveSourceErrors(t *testing.T) {
	for _, tt := range []parseErrorTest{
		{name: "unknown source", data: "[calendar]\nsource = \"outlook\"\n" + minimal,
			key: "calendar.source", line: 2, msg: `unknown source "outlook"`, fix: `"microsoft"`},
		{name: "microsoft without client_id", data: "[calendar]\nsource = \"microsoft\"\n" + minimal,
			key: "calendar.source", line: 2, msg: "needs microsoft.client_id", fix: "app registration"},
		{name: "microsoft table without the source", data: "[microsoft]\nclient_id = \"x\"\n" + minimal,
			key: "calendar.source", line: 0, msg: `is "google", but [microsoft] client_id is given`, fix: `source = "microsoft"`},
		{name: "microsoft plain http", data: "[calendar]\nsource = \"microsoft\"\n[microsoft]\nclient_id = \"x\"\nendpoint = \"http://graph.example.com/\"\n" + minimal,
			key: "microsoft.endpoint", line: 5, msg: "clear text", fix: "https://"},
		{name: "caldav without url", data: "[calendar]\nsource = \"caldav\"\nusername = \"me\"\npassword = \"p\"\n" + minimal,
			key: "calendar.source", line: 2, msg: "needs calendar.caldav_url", fix: "caldav_url"},
		{name: "caldav without username", data: "[calendar]\nsource = \"caldav\"\ncaldav_url = \"https://dav.example.com/\"\npassword = \"p\"\n" + minimal,
			key: "calendar.username", line: 1, msg: "needs calendar.username", fix: "username"},
		{name: "caldav without password", data: "[calendar]\nsource = \"caldav\"\ncaldav_url = \"https://dav.example.com/\"\nusername = \"me\"\n" + minimal,
			key: "calendar.password", line: 1, msg: "needs calendar.password", fix: "app password"},
		{name: "caldav plain http", data: "[calendar]\nsource = \"caldav\"\ncaldav_url = \"http://dav.example.com/\"\nusername = \"me\"\npassword = \"p\"\n" + minimal,
			key: "calendar.caldav_url", line: 3, msg: "clear text", fix: "https://"},
		{name: "caldav credentials in the url", data: "[calendar]\nsource = \"caldav\"\ncaldav_url = \"https://me:pw@dav.example.com/\"\nusername = \"me\"\npassword = \"p\"\n" + minimal,
			key: "calendar.caldav_url", line: 3, msg: "credentials", fix: "password_file"},
		{name: "caldav url with google", data: "[calendar]\ncaldav_url = \"https://dav.example.com/\"\n" + minimal,
			key: "calendar.source", line: 1, msg: "a CalDAV server is given", fix: `source = "caldav"`},
		{name: "calendars and google.calendar", data: "[calendar]\ncalendars = [\"a\", \"b\"]\n[google]\ncalendar = \"c\"\n" + minimal,
			key: "google.calendar", line: 4, msg: "conflicts with calendar.calendars", fix: "own calendar first"},
		{name: "calendars twice", data: "[calendar]\ncalendars = [\"Team\", \"team\"]\n" + minimal,
			key: "calendar.calendars", line: 2, msg: `"team" is listed twice`, fix: "once"},
		{name: "calendars with ics", data: "[calendar]\nsource = \"ics\"\nics_file = \"a.ics\"\ncalendars = [\"a\"]\n" + minimal,
			key: "calendar.calendars", line: 4, msg: "Google and CalDAV only", fix: ".ics"},
		{name: "calendars with microsoft", data: "[calendar]\nsource = \"microsoft\"\ncalendars = [\"a\"]\n[microsoft]\nclient_id = \"x\"\n" + minimal,
			key: "calendar.calendars", line: 3, msg: "Google and CalDAV only", fix: "[microsoft]"},
		{name: "empty calendar name", data: "[calendar]\ncalendars = [\"\"]\n" + minimal,
			key: "calendar.calendars", line: 2, msg: "entry 1 is empty", fix: "name"},
	} {
		t.Run(tt.name, func(t *testing.T) { checkParseError(t, tt) })
	}
}
