package config

import (
	"path/filepath"
	"testing"
)

func TestParseLimits(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	parse := func(t *testing.T, data string) *Config {
		t.Helper()
		cfg, err := Parse(filepath.Join(dir, "config.toml"), []byte(minimal+data), nil)
		if err != nil {
			t.Fatalf("Parse(%q) = %v", data, err)
		}
		return cfg
	}
	t.Run("defaults", func(t *testing.T) {
		want := Limits{MeetingsPerBossPerDay: 8, EmailsPerBossPerDay: 20, OverdueFollowupsPerBoss: 3,
			InstancesPerSeries: 500, EventsPerListing: 10000}
		if got := parse(t, "").Limits; got != want {
			t.Errorf("limits = %+v, want %+v", got, want)
		}
		if got := DefaultLimits(); got != want {
			t.Errorf("DefaultLimits() = %+v, want %+v", got, want)
		}
	})
	t.Run("set", func(t *testing.T) {
		got := parse(t, "[limits]\nmeetings_per_boss_per_day = 3\nemails_per_boss_per_day = 9\n"+
			"overdue_followups_per_boss = 1\ninstances_per_series = 50\nevents_per_listing = 700\n").Limits
		want := Limits{MeetingsPerBossPerDay: 3, EmailsPerBossPerDay: 9, OverdueFollowupsPerBoss: 1,
			InstancesPerSeries: 50, EventsPerListing: 700}
		if got != want {
			t.Errorf("limits = %+v, want %+v", got, want)
		}
	})
}

func TestParseLimitsErrors(t *testing.T) {
	tests := []parseErrorTest{
		{name: "zero", data: minimal + "[limits]\nmeetings_per_boss_per_day = 0\n",
			key: "limits.meetings_per_boss_per_day", line: 5, msg: "0 is out of range", fix: "remove the line for the default (8)"},
		{name: "negative", data: minimal + "[limits]\nemails_per_boss_per_day = -4\n",
			key: "limits.emails_per_boss_per_day", line: 5, msg: "-4 is out of range", fix: "from 1 to 10000"},
		{name: "too many", data: minimal + "[limits]\nevents_per_listing = 2000000\n",
			key: "limits.events_per_listing", line: 5, msg: "out of range", fix: "default (10000)"},
		{name: "overdue zero", data: minimal + "[limits]\noverdue_followups_per_boss = 0\n",
			key: "limits.overdue_followups_per_boss", line: 5, msg: "out of range", fix: "default (3)"},
		{name: "instances zero", data: minimal + "[limits]\ninstances_per_series = 0\n",
			key: "limits.instances_per_series", line: 5, msg: "out of range", fix: "default (500)"},
		{name: "a string", data: minimal + "[limits]\nemails_per_boss_per_day = \"20\"\n",
			key: "limits.emails_per_boss_per_day", line: 5, msg: "wrong type", fix: "emails_per_boss_per_day = 20"},
		{name: "unknown key", data: minimal + "[limits]\nemails_per_day = 20\n",
			key: "limits.emails_per_day", line: 5, msg: "unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkParseError(t, tt) })
	}
}
