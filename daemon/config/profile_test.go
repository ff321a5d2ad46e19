package config

import (
	"reflect"
	"testing"
	"time"
)

func TestParseBossProfile(t *testing.T) {
	cleanEnv(t)
	data := minimal + `stakeholders = ["Priya Nair (VP Finance)", "  Tom   Berg "]
one_on_one_every = "14d"
autonomy = "  I decide on tooling; scope goes to Dana first.  "
updates = """
A written update every Friday."""

[[boss]]
name = "Marcus"
emails = ["marcus@example.com"]

[me]
works_best = "Mornings for deep work."
`
	cfg, err := Parse("/etc/leadup/config.toml", []byte(data), nil)
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	want := Boss{
		Name:          "Dana",
		Emails:        []string{"dana@example.com"},
		Stakeholders:  []string{"Priya Nair (VP Finance)", "Tom Berg"},
		OneOnOneEvery: 14 * 24 * time.Hour,
		Autonomy:      "I decide on tooling; scope goes to Dana first.",
		Updates:       "A written update every Friday.",
	}
	if !reflect.DeepEqual(cfg.Bosses[0], want) {
		t.Errorf("Parse(): boss[1] = %+v\nwant %+v", cfg.Bosses[0], want)
	}
	if b := cfg.Bosses[1]; b.Stakeholders != nil || b.OneOnOneEvery != 0 || b.Autonomy != "" || b.Updates != "" {
		t.Errorf("Parse(): boss[2] = %+v, want no profile", b)
	}
	if cfg.Me.WorksBest != "Mornings for deep work." {
		t.Errorf("Parse(): me.works_best = %q", cfg.Me.WorksBest)
	}
}

func TestParseBossProfileErrors(t *testing.T) {
	tests := []parseErrorTest{
		{name: "empty stakeholder", data: minimal + "stakeholders = [\"Priya\", \" \"]\n",
			key: "boss[1].stakeholders", line: 4, msg: "empty name", fix: "remove the empty entry"},
		{name: "stakeholder twice", data: minimal + "stakeholders = [\"Priya\", \"priya\"]\n",
			key: "boss[1].stakeholders", line: 4, msg: `"priya" is listed twice`, fix: "list each person once"},
		{name: "stakeholders not a list", data: minimal + "stakeholders = \"Priya\"\n",
			key: "boss[1].stakeholders", line: 4, msg: "expected a list", fix: `stakeholders = ["...", "..."]`},
		{name: "cadence not a duration", data: minimal + "one_on_one_every = \"fortnightly\"\n",
			key: "boss[1].one_on_one_every", line: 4, msg: `invalid duration "fortnightly"`, fix: `days like "14d"`},
		{name: "cadence a number", data: minimal + "one_on_one_every = 14\n",
			key: "boss[1].one_on_one_every", line: 4, msg: "expected a string", fix: `one_on_one_every = "14d"`},
		{name: "cadence too short", data: minimal + "one_on_one_every = \"12h\"\n",
			key: "boss[1].one_on_one_every", line: 4, msg: "too short", fix: "at least 1d"},
		{name: "cadence too long", data: minimal + "one_on_one_every = \"400d\"\n",
			key: "boss[1].one_on_one_every", line: 4, msg: "too long", fix: "at most 366d"},
		{name: "cadence zero", data: minimal + "one_on_one_every = \"0\"\n",
			key: "boss[1].one_on_one_every", line: 4, msg: "is zero", fix: "remove the line"},
		{name: "empty autonomy", data: minimal + "autonomy = \"  \"\n",
			key: "boss[1].autonomy", line: 4, msg: "is empty", fix: "in your own words"},
		{name: "empty updates in second boss", data: minimal + "[[boss]]\nname = \"M\"\nemails = [\"m@example.com\"]\nupdates = \"\"\n",
			key: "boss[2].updates", line: 7, msg: "is empty", fix: "remove the line"},
		{name: "misspelt profile key", data: minimal + "stakeholder = [\"Priya\"]\n",
			key: "boss[1].stakeholder", line: 4, msg: "unknown key", fix: "did you mean boss[1].stakeholders?"},
		{name: "empty works_best", data: minimal + "[me]\nworks_best = \"\"\n",
			key: "me.works_best", line: 5, msg: "is empty", fix: "in your own words"},
		{name: "misspelt works_best", data: minimal + "[me]\nwork_best = \"x\"\n",
			key: "me.work_best", line: 5, msg: "unknown key", fix: "did you mean me.works_best?"},
		{name: "addresses written as me", data: "me = [\"sam@example.com\"]\n" + minimal,
			key: "me", line: 1, msg: "expected a table", fix: "your own addresses go under [calendar] as me = "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkParseError(t, tt) })
	}
}

// TestExampleConfigProfile checks the profile keys of config.example.toml:
// set for the first boss, the cadence alone for the second, and works_best
// commented out.
func TestExampleConfigProfile(t *testing.T) {
	cleanEnv(t)
	cfg, err := Load("../../config.example.toml", nil)
	if err != nil {
		t.Fatalf("Load(config.example.toml) = %v", err)
	}
	dana, marcus := cfg.Bosses[0], cfg.Bosses[1]
	if len(dana.Stakeholders) != 2 || dana.OneOnOneEvery != 7*24*time.Hour || dana.Autonomy == "" || dana.Updates == "" {
		t.Errorf("Load(config.example.toml): first boss = %+v", dana)
	}
	if marcus.OneOnOneEvery != 14*24*time.Hour || marcus.Stakeholders != nil || marcus.Autonomy != "" {
		t.Errorf("Load(config.example.toml): second boss = %+v", marcus)
	}
	if cfg.Me.WorksBest != "" {
		t.Errorf("Load(config.example.toml): me.works_best = %q, want it commented out", cfg.Me.WorksBest)
	}
}
