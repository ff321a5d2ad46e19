package config

import "fmt"

// This file holds [limits]: caps that keep a calendar someone else can
// write to (anyone may send the user an invitation) from turning into a
// flood of email or an unbounded amount of work.

// Defaults of the [limits] keys.
const (
	DefaultMeetingsPerBossPerDay   = 8
	DefaultEmailsPerBossPerDay     = 20
	DefaultOverdueFollowupsPerBoss = 3
	DefaultInstancesPerSeries      = 500
	DefaultEventsPerListing        = 10000
)

// Limits is the [limits] section.
type Limits struct {
	// MeetingsPerBossPerDay caps the meetings with one boss, on one day
	// in the configured zone, that get any email: the earliest ones.
	MeetingsPerBossPerDay int
	// EmailsPerBossPerDay caps the emails about the meetings with one
	// boss that start on one day.
	EmailsPerBossPerDay int
	// OverdueFollowupsPerBoss caps the follow-ups per boss sent late after
	// downtime: the latest ones go, older ones are dropped.
	OverdueFollowupsPerBoss int
	// InstancesPerSeries caps the instances of one recurring series a
	// calendar source expands.
	InstancesPerSeries int
	// EventsPerListing caps the events a calendar source takes from one
	// listing.
	EventsPerListing int
}

// DefaultLimits returns the limits of a file without [limits].
func DefaultLimits() Limits {
	return Limits{
		MeetingsPerBossPerDay:   DefaultMeetingsPerBossPerDay,
		EmailsPerBossPerDay:     DefaultEmailsPerBossPerDay,
		OverdueFollowupsPerBoss: DefaultOverdueFollowupsPerBoss,
		InstancesPerSeries:      DefaultInstancesPerSeries,
		EventsPerListing:        DefaultEventsPerListing,
	}
}

type rawLimits struct {
	MeetingsPerBossPerDay   *int `toml:"meetings_per_boss_per_day" hint:"write a whole number, like meetings_per_boss_per_day = 8"`
	EmailsPerBossPerDay     *int `toml:"emails_per_boss_per_day" hint:"write a whole number, like emails_per_boss_per_day = 20"`
	OverdueFollowupsPerBoss *int `toml:"overdue_followups_per_boss" hint:"write a whole number, like overdue_followups_per_boss = 3"`
	InstancesPerSeries      *int `toml:"instances_per_series" hint:"write a whole number, like instances_per_series = 500"`
	EventsPerListing        *int `toml:"events_per_listing" hint:"write a whole number, like events_per_listing = 10000"`
}

// limits parses [limits]. Each cap must be at least 1: a cap of 0 would
// silently turn leadup off, which removing the boss does more plainly.
func (p *parser) limits(raw *rawLimits, cfg *Config) {
	d := DefaultLimits()
	cfg.Limits = Limits{
		MeetingsPerBossPerDay:   p.count("limits.meetings_per_boss_per_day", raw.MeetingsPerBossPerDay, d.MeetingsPerBossPerDay, 1000),
		EmailsPerBossPerDay:     p.count("limits.emails_per_boss_per_day", raw.EmailsPerBossPerDay, d.EmailsPerBossPerDay, 10000),
		OverdueFollowupsPerBoss: p.count("limits.overdue_followups_per_boss", raw.OverdueFollowupsPerBoss, d.OverdueFollowupsPerBoss, 1000),
		InstancesPerSeries:      p.count("limits.instances_per_series", raw.InstancesPerSeries, d.InstancesPerSeries, 100000),
		EventsPerListing:        p.count("limits.events_per_listing", raw.EventsPerListing, d.EventsPerListing, 1000000),
	}
}

// count validates an optional whole number key between 1 and hi whose
// default is def.
func (p *parser) count(key string, v *int, def, hi int) int {
	if v == nil {
		return def
	}
	if n := *v; n < 1 || n > hi {
		p.errorf(key, fmt.Sprintf("use a number from 1 to %d, or remove the line for the default (%d)", hi, def),
			"%d is out of range", n)
		return def
	}
	return *v
}
