package config

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// minimal is the smallest valid file.
const minimal = `[[boss]]
name = "Dana"
emails = ["dana@example.com"]
`

// cleanEnv makes the environment-derived defaults predictable.
func cleanEnv(t *testing.T) (home string) {
	t.Helper()
	home = t.TempDir()
	t.Setenv("HOME", home)
	for _, v := range []string{"STATE_DIRECTORY", "XDG_STATE_HOME", "CONFIGURATION_DIRECTORY", "XDG_CONFIG_HOME", "CREDENTIALS_DIRECTORY"} {
		t.Setenv(v, "")
	}
	return home
}

// configErrors returns the *Errors joined in err.
func configErrors(t *testing.T, err error) []*Error {
	t.Helper()
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	var out []*Error
	for _, e := range errs {
		var ce *Error
		if !errors.As(e, &ce) {
			t.Fatalf("error %q (%T) is not a *config.Error", e, e)
		}
		out = append(out, ce)
	}
	return out
}

func TestParseDefaults(t *testing.T) {
	home := cleanEnv(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")

	cfg, err := Parse(path, []byte(minimal), nil)
	if err != nil {
		t.Fatalf("Parse(minimal) = %v", err)
	}
	state := filepath.Join(home, ".local", "state", "leadup")
	want := &Config{
		Path:     path,
		Location: time.Local,
		StateDir: state,
		Google: Google{
			ClientFile: filepath.Join(dir, "client_secret.json"),
			TokenFile:  filepath.Join(state, "google-token.json"),
			Calendar:   "primary",
		},
		Microsoft: Microsoft{Tenant: "common", TokenFile: filepath.Join(state, "microsoft-token.json"),
			Endpoint: "https://graph.microsoft.com/v1.0/"},
		Calendar: Calendar{Source: SourceGoogle, Poll: 2 * time.Minute, Lookahead: 14 * 24 * time.Hour,
			Calendars: []string{"primary"}},
		Bosses:   []Boss{{Name: "Dana", Emails: []string{"dana@example.com"}}},
		Filter:   Filter{GroupMeetings: true},
		Brief:    Brief{Before: []time.Duration{time.Hour}, ChangeNotices: true},
		Followup: Followup{After: 5 * time.Minute},
		Mail:     Mail{Transport: TransportSMTP},
		Reply:    Reply{Confirm: true, MaxSize: 2_000_000, TimeLimit: 5 * time.Second, DateOrder: DayFirst},
		Digest:   Digest{Enabled: true, Weekly: Weekly{Day: time.Friday, Hour: 16}},
		Nudge:    Nudge{Enabled: true},
		Limits:   DefaultLimits(),
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Parse(minimal) =\n%+v\nwant\n%+v", cfg, want)
	}
	if cfg.HasSMTP() {
		t.Errorf("Parse(minimal).HasSMTP() = true, want false")
	}
	if cfg.HasIMAP() {
		t.Errorf("Parse(minimal).HasIMAP() = true, want false")
	}
	if cfg.NeedsGoogleMailScope() {
		t.Errorf("Parse(minimal).NeedsGoogleMailScope() = true, want false")
	}
}

func TestParseAllKeys(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	data := `
timezone = "Europe/Berlin"
state_dir = "/var/lib/leadup"

[google]
client_file = "/etc/leadup/client.json"
token_file = "tok.json"
calendar = "team@group.calendar.google.com"
poll = "90s"
lookahead = "1d12h"
endpoint = "http://127.0.0.1:8080/calendar/v3"

[[boss]]
name = "Dana Whitfield"
emails = ["Dana.Whitfield@Example.com", "dana@example.org"]
style = "bottom line first"
priorities = ["launch", "hiring"]

[[boss]]
name = "Marcus"
emails = ["m@example.com"]

[filter]
include_title = '(?i)1:1'
exclude_title = 'lunch'
group_meetings = false
`
	cfg, err := Parse(path, []byte(data), nil)
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Location", cfg.Location.String(), "Europe/Berlin"},
		{"StateDir", cfg.StateDir, "/var/lib/leadup"},
		{"ClientFile", cfg.Google.ClientFile, "/etc/leadup/client.json"},
		{"TokenFile", cfg.Google.TokenFile, "/var/lib/leadup/tok.json"},
		{"Calendar", cfg.Google.Calendar, "team@group.calendar.google.com"},
		{"Poll", cfg.Calendar.Poll, 90 * time.Second},
		{"Lookahead", cfg.Calendar.Lookahead, 36 * time.Hour},
		{"Endpoint", cfg.Google.Endpoint, "http://127.0.0.1:8080/calendar/v3/"},
		{"Bosses", cfg.Bosses, []Boss{
			{Name: "Dana Whitfield", Emails: []string{"dana.whitfield@example.com", "dana@example.org"}, Style: "bottom line first", Priorities: []string{"launch", "hiring"}},
			{Name: "Marcus", Emails: []string{"m@example.com"}},
		}},
		{"IncludeTitle", cfg.Filter.IncludeTitle.String(), "(?i)1:1"},
		{"ExcludeTitle", cfg.Filter.ExcludeTitle.String(), "lunch"},
		{"GroupMeetings", cfg.Filter.GroupMeetings, false},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("Parse(): %s = %#v, want %#v", c.name, c.got, c.want)
			}
		})
	}
}

// parseErrorTest is a file with a mistake and the *Error expected for it.
type parseErrorTest struct {
	name    string
	data    string
	key     string
	line    int
	msg     string // substring of Msg
	fix     string // substring of Fix
	another bool   // other errors are expected too
}

// checkParseError parses tt.data as /etc/leadup/config.toml and checks that
// it fails with tt's *Error.
func checkParseError(t *testing.T, tt parseErrorTest) {
	t.Helper()
	const path = "/etc/leadup/config.toml"
	cfg, err := Parse(path, []byte(tt.data), nil)
	if err == nil {
		t.Fatalf("Parse(%q) = %+v, nil; want an error", tt.data, cfg)
	}
	if !IsConfigError(err) {
		t.Errorf("IsConfigError(%v) = false", err)
	}
	errs := configErrors(t, err)
	if len(errs) != 1 && !tt.another {
		t.Errorf("Parse(%q) returned %d errors, want 1:\n%v", tt.data, len(errs), err)
	}
	var e *Error
	for _, c := range errs {
		if c.Key == tt.key {
			e = c
			break
		}
	}
	if e == nil {
		t.Fatalf("Parse(%q) = %v; want an error for key %q", tt.data, err, tt.key)
	}
	if e.File != path || e.Line != tt.line || !strings.Contains(e.Msg, tt.msg) || !strings.Contains(e.Fix, tt.fix) {
		t.Errorf("Parse(%q) error = %#v\nwant File %q, Line %d, Msg containing %q, Fix containing %q",
			tt.data, e, path, tt.line, tt.msg, tt.fix)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []parseErrorTest{
		{name: "unknown top-level key", data: "timezon = \"UTC\"\n" + minimal,
			key: "timezon", line: 1, msg: "unknown key", fix: "did you mean timezone?"},
		{name: "unknown key in google", data: "[google]\npoll = \"2m\"\npolll = \"3m\"\n" + minimal,
			key: "google.polll", line: 3, msg: "unknown key", fix: "did you mean google.poll?"},
		{name: "unknown key in second boss", data: minimal + "[[boss]]\nname = \"M\"\nemails = [\"m@example.com\"]\nstyel = \"x\"\n",
			key: "boss[2].styel", line: 7, msg: "unknown key", fix: "did you mean boss[2].style?"},
		{name: "unknown key without suggestion", data: minimal + "[google]\nfrobnicate = 1\n",
			key: "google.frobnicate", line: 5, msg: "unknown key", fix: "config.example.toml"},
		{name: "top-level key below a boss", data: minimal + "state_dir = \"/tmp\"\n",
			key: "boss[1].state_dir", line: 4, msg: "unknown key", fix: "did you mean state_dir? a key belongs to the table whose [header] is above it: move it above the first [header]"},
		{name: "top-level key below a table", data: minimal + "[filter]\ntimezone = \"UTC\"\n",
			key: "filter.timezone", line: 5, msg: "unknown key", fix: "did you mean timezone? a key belongs to the table whose [header] is above it: move it above the first [header]"},
		{name: "unknown table", data: minimal + "[gogle]\npoll = \"2m\"\n",
			key: "gogle", line: 4, msg: "unknown table", fix: "did you mean google?"},
		{name: "type mismatch", data: minimal + "[google]\npoll = 5\n",
			key: "google.poll", line: 5, msg: "wrong type: expected a string, found an integer", fix: `like poll = "2m"`},
		{name: "emails not a list", data: "[[boss]]\nname = \"D\"\nemails = \"d@example.com\"\n",
			key: "boss[1].emails", line: 3, msg: "expected a list, found a string", fix: `emails = ["...", "..."]`},
		{name: "duplicate key", data: minimal + "[google]\npoll = \"2m\"\npoll = \"3m\"\n",
			key: "google.poll", line: 6, msg: "already defined"},
		{name: "array table for a table", data: minimal + "[[google]]\n",
			key: "google", line: 4, msg: "cannot store an array table", fix: "write it as a [google] table"},
		{name: "syntax error", data: minimal + "poll = = 1\n",
			key: "", line: 4, msg: "invalid TOML"},
		{name: "bad duration", data: minimal + "[google]\npoll = \"2x\"\n",
			key: "google.poll", line: 5, msg: `invalid duration "2x"`, fix: `use Go syntax like "90s" or "1h30m", or days like "14d"`},
		{name: "negative duration", data: minimal + "[google]\npoll = \"-1h\"\n",
			key: "google.poll", line: 5, msg: `negative duration "-1h"`, fix: "90s"},
		{name: "unit without number", data: minimal + "[google]\nlookahead = \"d\"\n",
			key: "google.lookahead", line: 5, msg: `invalid duration "d"`},
		{name: "poll too short", data: minimal + "[google]\npoll = \"5s\"\n",
			key: "google.poll", line: 5, msg: "too short", fix: "at least 10s"},
		{name: "lookahead too short", data: minimal + "[google]\nlookahead = \"30m\"\n",
			key: "google.lookahead", line: 5, msg: "too short", fix: "at least 1h"},
		{name: "lookahead too long", data: minimal + "[google]\nlookahead = \"367d\"\n",
			key: "google.lookahead", line: 5, msg: "too long", fix: "at most 366d"},
		{name: "empty calendar", data: minimal + "[google]\ncalendar = \"\"\n",
			key: "google.calendar", line: 5, msg: "is empty", fix: `"primary"`},
		{name: "no boss", data: "timezone = \"UTC\"\n",
			key: "boss", line: 0, msg: "no boss configured", fix: "[[boss]]"},
		{name: "boss without emails", data: "[[boss]]\nname = \"Dana\"\n",
			key: "boss[1].emails", line: 1, msg: "no email addresses"},
		{name: "boss with empty emails", data: "[[boss]]\nname = \"Dana\"\nemails = []\n",
			key: "boss[1].emails", line: 3, msg: "no email addresses"},
		{name: "boss without name", data: minimal + "[[boss]]\nemails = [\"m@example.com\"]\n",
			key: "boss[2].name", line: 4, msg: "missing name"},
		{name: "bad email", data: "[[boss]]\nname = \"Dana\"\nemails = [\"dana-at-example.com\"]\n",
			key: "boss[1].emails", line: 3, msg: `invalid email address "dana-at-example.com"`},
		{name: "email with display name", data: "[[boss]]\nname = \"Dana\"\nemails = [\"Dana <dana@example.com>\"]\n",
			key: "boss[1].emails", line: 3, msg: "invalid email address", fix: "only the address"},
		{name: "duplicate email across bosses", data: minimal + "[[boss]]\nname = \"M\"\nemails = [\"DANA@example.com\"]\n",
			key: "boss[2].emails", line: 6, msg: "dana@example.com is already listed under boss[1]"},
		{name: "bad timezone", data: "timezone = \"Mars/Olympus\"\n" + minimal,
			key: "timezone", line: 1, msg: `unknown time zone "Mars/Olympus"`, fix: "IANA"},
		{name: "bad regexp", data: minimal + "[filter]\ninclude_title = '(1:1'\n",
			key: "filter.include_title", line: 5, msg: "invalid regular expression: missing closing ): `(1:1`"},
		{name: "bad exclude regexp", data: minimal + "[filter]\nexclude_title = '[a'\n",
			key: "filter.exclude_title", line: 5, msg: "missing closing ]"},
		{name: "http endpoint to remote host", data: minimal + "[google]\nendpoint = \"http://proxy.example.com/calendar/v3/\"\n",
			key: "google.endpoint", line: 5, msg: "clear text", fix: "https://"},
		{name: "endpoint not absolute", data: minimal + "[google]\nendpoint = \"/calendar/v3/\"\n",
			key: "google.endpoint", line: 5, msg: "must start with https:// or http://"},
		{name: "endpoint with other scheme", data: minimal + "[google]\nendpoint = \"ftp://127.0.0.1/\"\n",
			key: "google.endpoint", line: 5, msg: "must start with https://"},
		{name: "endpoint without host", data: minimal + "[google]\nendpoint = \"https:///calendar/\"\n",
			key: "google.endpoint", line: 5, msg: "no host"},
		{name: "unknown key in inline boss", data: "boss = [{name = \"D\", emails = [\"d@example.com\"], nam = \"x\"}]\n",
			key: "boss[1].nam", line: 1, msg: "unknown key", fix: "did you mean boss[1].name?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			checkParseError(t, tt)
		})
	}
}

func TestParseReportsAllErrors(t *testing.T) {
	cleanEnv(t)
	data := `timezone = "Nowhere/Land"
[google]
poll = "2x"
lookahead = "1y"
polll = "2m"
[[boss]]
name = "Dana"
emails = ["not-an-address"]
[[boss]]
nme = "Marcus"
emails = ["m@example.com"]
[filter]
include_title = "("
`
	_, err := Parse("config.toml", []byte(data), nil)
	got := map[string]int{}
	for _, e := range configErrors(t, err) {
		got[e.Key] = e.Line
	}
	want := map[string]int{
		"timezone":             1,
		"google.poll":          3,
		"google.lookahead":     4,
		"google.polll":         5,
		"boss[1].emails":       8,
		"boss[2].nme":          10,
		"boss[2].name":         9,
		"filter.include_title": 13,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse() error keys and lines = %v\nwant %v\nerror: %v", got, want, err)
	}
	first := strings.Split(err.Error(), "\n")[0]
	if wantLine := `config.toml:5: google.polll: unknown key: did you mean google.poll?`; first != wantLine {
		t.Errorf("Parse() first error line = %q, want %q", first, wantLine)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  Error
		want string
	}{
		{"all parts", Error{File: "/etc/leadup/config.toml", Line: 12, Key: "google.poll", Msg: `invalid duration "2x"`, Fix: "use 2m"},
			`/etc/leadup/config.toml:12: google.poll: invalid duration "2x": use 2m`},
		{"no line", Error{File: "c.toml", Key: "boss", Msg: "no boss configured"}, "c.toml: boss: no boss configured"},
		{"no key", Error{File: "c.toml", Msg: "no configuration file here", Fix: "copy it"}, "c.toml: no configuration file here: copy it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("(%#v).Error() = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestEndpoint(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"http://127.0.0.1:8080/calendar/v3/", "http://127.0.0.1:8080/calendar/v3/"},
		{"http://127.1.2.3/calendar/v3", "http://127.1.2.3/calendar/v3/"},
		{"http://[::1]:9000", "http://[::1]:9000/"},
		{"http://LocalHost:80/x", "http://LocalHost:80/x/"},
		{"https://proxy.example.com/calendar/v3", "https://proxy.example.com/calendar/v3/"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			cleanEnv(t)
			data := minimal + "[google]\nendpoint = \"" + tt.in + "\"\n"
			cfg, err := Parse("config.toml", []byte(data), nil)
			if err != nil {
				t.Fatalf("Parse(endpoint = %q) = %v", tt.in, err)
			}
			if cfg.Google.Endpoint != tt.want {
				t.Errorf("Parse(endpoint = %q): Endpoint = %q, want %q", tt.in, cfg.Google.Endpoint, tt.want)
			}
		})
	}
}

func TestRelativePaths(t *testing.T) {
	home := cleanEnv(t)
	dir := t.TempDir()
	tests := []struct {
		name                       string
		data                       string
		state, client, token, path string
	}{
		{name: "relative to the file",
			data:  `state_dir = "state"` + "\n[google]\nclient_file = \"secrets/client.json\"\ntoken_file = \"tok/t.json\"\n",
			state: filepath.Join(dir, "state"), client: filepath.Join(dir, "secrets/client.json"), token: filepath.Join(dir, "state/tok/t.json")},
		{name: "absolute",
			data:  `state_dir = "/srv/leadup/"` + "\n[google]\nclient_file = \"/etc/c.json\"\ntoken_file = \"/var/t.json\"\n",
			state: "/srv/leadup", client: "/etc/c.json", token: "/var/t.json"},
		{name: "home",
			data:  `state_dir = "~/st"` + "\n[google]\nclient_file = \"~/c.json\"\n",
			state: filepath.Join(home, "st"), client: filepath.Join(home, "c.json"), token: filepath.Join(home, "st", "google-token.json")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse(filepath.Join(dir, "config.toml"), []byte(tt.data+minimal), nil)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.data, err)
			}
			got := [3]string{cfg.StateDir, cfg.Google.ClientFile, cfg.Google.TokenFile}
			want := [3]string{tt.state, tt.client, tt.token}
			if got != want {
				t.Errorf("Parse(%q): state, client, token = %q, want %q", tt.data, got, want)
			}
		})
	}

	t.Run("relative config path", func(t *testing.T) {
		t.Chdir(dir)
		cfg, err := Parse("sub/config.toml", []byte(minimal), nil)
		if err != nil {
			t.Fatalf("Parse(sub/config.toml) = %v", err)
		}
		if want := filepath.Join(dir, "sub", "config.toml"); cfg.Path != want {
			t.Errorf("Parse(sub/config.toml): Path = %q, want %q", cfg.Path, want)
		}
		if want := filepath.Join(dir, "sub", "client_secret.json"); cfg.Google.ClientFile != want {
			t.Errorf("Parse(sub/config.toml): ClientFile = %q, want %q", cfg.Google.ClientFile, want)
		}
	})
}

// TestClientFileCredential: under systemd, LoadCredential= hands the
// OAuth client file over in $CREDENTIALS_DIRECTORY, where a bare
// client_file name (the default included) is looked up first.
func TestClientFileCredential(t *testing.T) {
	cleanEnv(t)
	dir, creds := t.TempDir(), t.TempDir()
	t.Setenv("CREDENTIALS_DIRECTORY", creds)
	if err := os.WriteFile(filepath.Join(creds, "client_secret.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ data, want string }{
		{"", filepath.Join(creds, "client_secret.json")},
		{"[google]\nclient_file = \"client_secret.json\"\n", filepath.Join(creds, "client_secret.json")},
		{"[google]\nclient_file = \"other.json\"\n", filepath.Join(dir, "other.json")},
		{"[google]\nclient_file = \"./client_secret.json\"\n", filepath.Join(dir, "client_secret.json")},
	} {
		cfg, err := Parse(filepath.Join(dir, "config.toml"), []byte(tt.data+minimal), nil)
		if err != nil {
			t.Fatalf("Parse(%q) = %v", tt.data, err)
		}
		if cfg.Google.ClientFile != tt.want {
			t.Errorf("Parse(%q): ClientFile = %q, want %q", tt.data, cfg.Google.ClientFile, tt.want)
		}
	}
}

func TestStateDirDefault(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // "~" is $HOME
	}{
		{"systemd", map[string]string{"STATE_DIRECTORY": "/var/lib/leadup", "XDG_STATE_HOME": "/xdg"}, "/var/lib/leadup"},
		{"systemd list", map[string]string{"STATE_DIRECTORY": "/var/lib/leadup:/var/lib/other"}, "/var/lib/leadup"},
		{"xdg", map[string]string{"XDG_STATE_HOME": "/xdg/state"}, "/xdg/state/leadup"},
		{"relative xdg ignored", map[string]string{"XDG_STATE_HOME": "xdg/state"}, "~/.local/state/leadup"},
		{"home", nil, "~/.local/state/leadup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := cleanEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cfg, err := Parse("/etc/leadup/config.toml", []byte(minimal), nil)
			if err != nil {
				t.Fatalf("Parse(minimal) = %v", err)
			}
			want := strings.Replace(tt.want, "~", home, 1)
			if cfg.StateDir != want {
				t.Errorf("Parse(minimal) with %v: StateDir = %q, want %q", tt.env, cfg.StateDir, want)
			}
			if tok := filepath.Join(want, "google-token.json"); cfg.Google.TokenFile != tok {
				t.Errorf("Parse(minimal) with %v: TokenFile = %q, want %q", tt.env, cfg.Google.TokenFile, tok)
			}
		})
	}
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // "~" is $HOME
	}{
		{"systemd", map[string]string{"CONFIGURATION_DIRECTORY": "/etc/leadup", "XDG_CONFIG_HOME": "/xdg"}, "/etc/leadup/config.toml"},
		{"systemd list", map[string]string{"CONFIGURATION_DIRECTORY": "/etc/leadup:/etc/other"}, "/etc/leadup/config.toml"},
		{"xdg", map[string]string{"XDG_CONFIG_HOME": "/xdg/config"}, "/xdg/config/leadup/config.toml"},
		{"home", nil, "~/.config/leadup/config.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := cleanEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			want := strings.Replace(tt.want, "~", home, 1)
			if got := DefaultPath(); got != want {
				t.Errorf("DefaultPath() with %v = %q, want %q", tt.env, got, want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()

	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(dir, "nope.toml")
		cfg, err := Load(path, nil)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("Load(%q) = %v, %v; want a *config.Error", path, cfg, err)
		}
		if e.File != path || e.Fix != "copy config.example.toml there, or pass -config PATH" || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Load(%q) error = %#v", path, e)
		}
	})

	t.Run("file", func(t *testing.T) {
		path := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(path, []byte(minimal), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path, nil)
		if err != nil {
			t.Fatalf("Load(%q) = %v", path, err)
		}
		if cfg.Path != path || cfg.Bosses[0].Name != "Dana" {
			t.Errorf("Load(%q) = %+v", path, cfg)
		}
	})
}

func TestIsConfigError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"other", errors.New("boom"), false},
		{"config", &Error{Msg: "x"}, true},
		{"joined", errors.Join(errors.New("boom"), &Error{Msg: "x"}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsConfigError(tt.err); got != tt.want {
				t.Errorf("IsConfigError(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestClientFilePermissionWarning(t *testing.T) {
	cleanEnv(t)
	tests := []struct {
		name string
		mode os.FileMode
		warn bool
	}{
		{"private", 0o600, false},
		{"world-readable", 0o644, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			client := filepath.Join(dir, "client_secret.json")
			if err := os.WriteFile(client, []byte("{}"), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(client, tt.mode); err != nil { // umask
				t.Fatal(err)
			}
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, nil))
			if _, err := Parse(filepath.Join(dir, "config.toml"), []byte(minimal), log); err != nil {
				t.Fatalf("Parse(minimal) = %v", err)
			}
			got := strings.Contains(buf.String(), "level=WARN") && strings.Contains(buf.String(), "chmod 600 "+client)
			if got != tt.warn {
				t.Errorf("Parse(minimal) with client file mode %04o logged %q; want warning %v", tt.mode, buf.String(), tt.warn)
			}
		})
	}
}

func TestExampleConfigLoads(t *testing.T) {
	cleanEnv(t)
	cfg, err := Load("../../config.example.toml", nil)
	if err != nil {
		t.Fatalf("Load(config.example.toml) = %v", err)
	}
	if len(cfg.Bosses) != 2 {
		t.Fatalf("Load(config.example.toml): %d bosses, want 2", len(cfg.Bosses))
	}
	dana := cfg.Bosses[0]
	if dana.Name != "Dana Whitfield" || len(dana.Emails) != 2 || dana.Style == "" || len(dana.Priorities) == 0 {
		t.Errorf("Load(config.example.toml): first boss = %+v", dana)
	}
	if g := cfg.Google; g.Calendar != "primary" || g.Endpoint != "" {
		t.Errorf("Load(config.example.toml): google = %+v", g)
	}
	if c := cfg.Calendar; c.Source != SourceGoogle || c.Poll != DefaultPoll || c.Lookahead != DefaultLookahead {
		t.Errorf("Load(config.example.toml): calendar = %+v", c)
	}
	if !cfg.Filter.GroupMeetings || cfg.Filter.IncludeTitle != nil {
		t.Errorf("Load(config.example.toml): filter = %+v", cfg.Filter)
	}
	if err := cfg.CheckDelivery(); err != nil {
		t.Errorf("Load(config.example.toml).CheckDelivery() = %v", err)
	}
	if s := cfg.SMTP; s.Host != "smtp.example.com" || s.Port != 587 || s.Security != SecurityStartTLS || s.Auth != AuthPlain || !s.Password.IsSet() {
		t.Errorf("Load(config.example.toml): smtp = %+v", s)
	}
	if m := cfg.Mail; m.From.Address != "leadup@example.com" || !reflect.DeepEqual(m.AcceptFrom, []string{"sam@example.com"}) || m.ReplyTo != "" {
		t.Errorf("Load(config.example.toml): mail = %+v", m)
	}
	if !reflect.DeepEqual(cfg.Brief.Before, []time.Duration{time.Hour}) || !cfg.Brief.ChangeNotices || cfg.Followup.After != 5*time.Minute || cfg.TemplatesDir != "" {
		t.Errorf("Load(config.example.toml): brief = %+v, followup = %+v, templates_dir = %q", cfg.Brief, cfg.Followup, cfg.TemplatesDir)
	}
	if m := cfg.IMAP; !cfg.HasIMAP() || m.Host != "imap.example.com" || m.Port != 993 || m.Security != SecurityTLS || m.Auth != AuthPlain ||
		!m.Password.IsSet() || m.Mailbox != "INBOX" || m.ProcessedMailbox != "" || !m.Idle || m.Poll != DefaultIMAPPoll || m.Timeout != DefaultIMAPTimeout {
		t.Errorf("Load(config.example.toml): imap = %+v", m)
	}
	if r := cfg.Reply; r != (Reply{Confirm: true, MaxSize: DefaultReplyMaxSize, TimeLimit: DefaultReplyTimeLimit, DateOrder: DayFirst}) {
		t.Errorf("Load(config.example.toml): reply = %+v", r)
	}
	if cfg.NeedsGoogleMailScope() {
		t.Errorf("Load(config.example.toml).NeedsGoogleMailScope() = true, want false")
	}

	// The commented-out examples must be valid too, once uncommented.
	data, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(l, "# "); ok && strings.Contains(rest, " = ") && !strings.Contains(rest, "  ") {
			l = rest
		}
		lines = append(lines, l)
	}
	uncommented := strings.Join(lines, "\n")
	dir := t.TempDir() // with the example's templates_dir
	if err := os.Mkdir(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg, err = Parse(filepath.Join(dir, "config.toml"), []byte(uncommented), nil)
	if err != nil {
		t.Fatalf("Parse(config.example.toml uncommented) = %v\n%s", err, uncommented)
	}
	if cfg.Location.String() != "Europe/Berlin" || cfg.Filter.IncludeTitle == nil || cfg.Filter.ExcludeTitle == nil || cfg.Google.Endpoint == "" ||
		cfg.TemplatesDir == "" || cfg.Mail.ReplyTo == "" || len(cfg.Mail.AcceptFrom) != 2 || cfg.IMAP.ProcessedMailbox == "" {
		t.Errorf("Parse(config.example.toml uncommented) = %+v; want every commented-out key set", cfg)
	}
	if !cfg.Filter.IncludeTitle.MatchString("Dana / Sam 1:1") || cfg.Filter.ExcludeTitle.MatchString("Dana / Sam 1:1") {
		t.Errorf("example filter: include %v, exclude %v disagree on a 1:1", cfg.Filter.IncludeTitle, cfg.Filter.ExcludeTitle)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte("timezone = \"UTC\"\n[google]\npoll = \"1d2h\"\nendpoint = \"http://[::1]/\"\n" + minimal))
	f.Add([]byte("boss = [{name = \"x\", emails = [\"a@b.c\", 1]}]\n[[boss.x]]\n[boss.y.z]\na.b.c = {d = [{e = 1}]}"))
	f.Add([]byte("[filter]\ninclude_title = '(?i'\n[gogle]\npolll = 5\n"))
	f.Add([]byte(minimal + "[brief]\nbefore = [\"1d\", \"1h\", \"1h\"]\n[mail]\nfrom = \"a <a@b.c>\"\nreply_to = \"a+{token}@b.c\"\naccept_from = []\n" +
		"[smtp]\nhost = \"::1\"\nport = 0\nsecurity = \"none\"\nauth = \"xoauth2\"\npassword = \"x\"\n"))
	f.Add([]byte(minimal + "[imap]\nhost = \"imap.gmail.com\"\nsecurity = \"none\"\nauth = \"xoauth2\"\npassword_file = \"p\"\n" +
		"mailbox = \"INBOX\"\nprocessed_mailbox = \"inbox\"\npoll = \"5s\"\n[reply]\nmax_size = \"1.5MiB\"\ntime_limit = \"1m\"\n"))
	f.Add([]byte(minimal + "[reply]\nmax_size = 99999999999999999999\n[imap]\nmailbox = \"a\\nb\"\n"))
	f.Add([]byte("reply = {max_size = [1.5, {a = 1979-05-27}]}\n" + minimal))
	if data, err := os.ReadFile("../../config.example.toml"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		t.Setenv("HOME", "/nonexistent")
		cfg, err := Parse("/etc/leadup/config.toml", data, nil)
		if (cfg == nil) == (err == nil) {
			t.Fatalf("Parse(%q) = %v, %v; want exactly one of them", data, cfg, err)
		}
		if err != nil && !IsConfigError(err) {
			t.Fatalf("Parse(%q) = %v, not a *config.Error", data, err)
		}
	})
}
