package schedule

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
)

// This file holds the caps of [limits]. They bound what an event on the
// calendar can make leadup send: a boss (or a compromised boss account)
// organising a series that repeats every few minutes must not turn into an
// email every few minutes.
//
// Plan is stateless, so each cap is a rule that gives the same answer on
// every plan: meetings are ranked by start within a day, emails by due time,
// and the emails already in the outbox count against the cap. A job left
// out once stays out (or is replaced by an earlier one) on later plans.

// The limits as named in the configuration file, for Capped.Limit.
const (
	LimitMeetings = "limits.meetings_per_boss_per_day"
	LimitEmails   = "limits.emails_per_boss_per_day"
	LimitOverdue  = "limits.overdue_followups_per_boss"
)

// Capped reports the jobs a limit kept out of a plan: for one boss and, for
// the daily limits, one day.
type Capped struct {
	Limit string // LimitMeetings, LimitEmails or LimitOverdue
	Boss  string
	Day   string // the day of the meetings, "2026-11-24" in the user's zone
	Max   int    // the limit's value
	Jobs  []Job  // the jobs left out, earliest first
}

// key identifies what the warning is about, to log it once.
func (c Capped) key() string { return c.Limit + "\x00" + c.Boss + "\x00" + c.Day }

// limits returns cfg's caps, the defaults for those it leaves at zero.
func (cfg Config) limits() (meetings, emails, overdue int) {
	meetings, emails, overdue = cfg.MeetingsPerBossPerDay, cfg.EmailsPerBossPerDay, cfg.OverdueFollowupsPerBoss
	if meetings <= 0 {
		meetings = config.DefaultMeetingsPerBossPerDay
	}
	if emails <= 0 {
		emails = config.DefaultEmailsPerBossPerDay
	}
	if overdue <= 0 {
		overdue = config.DefaultOverdueFollowupsPerBoss
	}
	return meetings, emails, overdue
}

// bucket is one boss's meetings of one day.
type bucket struct{ boss, day string }

func bucketOf(m meeting.Meeting, loc *time.Location) bucket {
	return bucket{boss: m.Boss, day: m.Event.Start.In(zone(loc)).Format(time.DateOnly)}
}

// overMeetingCap returns the keys of the Active meetings past the daily
// meeting cap of their boss: all but the earliest max of each day.
func overMeetingCap(ms []meeting.Meeting, loc *time.Location, max int) map[string]bool {
	active := make([]meeting.Meeting, 0, len(ms))
	for _, m := range ms {
		if m.Status == meeting.Active {
			active = append(active, m)
		}
	}
	slices.SortFunc(active, func(a, b meeting.Meeting) int {
		return cmp.Or(a.Event.Start.Compare(b.Event.Start), strings.Compare(a.Key, b.Key))
	})
	over := make(map[string]bool)
	count := make(map[bucket]int)
	for _, m := range active {
		b := bucketOf(m, loc)
		if count[b]++; count[b] > max {
			over[m.Key] = true
		}
	}
	return over
}

// capJobs applies the caps to the jobs planned for ms. It keeps the order of
// due and upcoming.
func capJobs(now time.Time, cfg Config, ms []meeting.Meeting, existing map[string][]outbox.Message,
	overMeetings map[string]bool, due, upcoming []Job) ([]Job, []Job, []Capped) {
	maxMeetings, maxEmails, maxOverdue := cfg.limits()
	loc := cfg.Location
	var capped []Capped
	drop := make(map[*Job]bool)
	report := func(limit, boss, day string, max int, j *Job) {
		drop[j] = true
		for i := range capped {
			if c := &capped[i]; c.Limit == limit && c.Boss == boss && c.Day == day {
				c.Jobs = append(c.Jobs, *j)
				return
			}
		}
		capped = append(capped, Capped{Limit: limit, Boss: boss, Day: day, Max: max, Jobs: []Job{*j}})
	}
	var all []*Job
	for i := range due {
		all = append(all, &due[i])
	}
	for i := range upcoming {
		all = append(all, &upcoming[i])
	}
	slices.SortStableFunc(all, func(a, b *Job) int { return compareJobs(*a, *b) })

	// The meeting cap: no job for a meeting past it.
	for _, j := range all {
		if j.Kind != outbox.KindDigest && overMeetings[j.Meeting.Key] {
			report(LimitMeetings, j.Meeting.Boss, bucketOf(j.Meeting, loc).day, maxMeetings, j)
		}
	}

	// The overdue follow-up cap: a late follow-up goes only if fewer than
	// maxOverdue of the same boss's follow-ups fell due after it. Every
	// follow-up that fell due counts, whether queued earlier or due now,
	// so one dropped stays dropped as later ones are sent.
	type fell struct {
		due time.Time
		key string
	}
	fallen := make(map[string][]fell) // by boss
	for _, m := range ms {
		if m.Status != meeting.Active || overMeetings[m.Key] {
			continue
		}
		d := m.Event.End.Add(cfg.FollowupAfter)
		if d.After(now) {
			continue
		}
		for _, e := range existing[m.Key] {
			if e.Kind == outbox.KindFollowup {
				fallen[m.Boss] = append(fallen[m.Boss], fell{d, m.Key})
				break
			}
		}
	}
	for _, j := range all {
		if j.Kind == outbox.KindFollowup && !drop[j] && !j.Due.After(now) {
			fallen[j.Meeting.Boss] = append(fallen[j.Meeting.Boss], fell{j.Due, j.Meeting.Key})
		}
	}
	for _, j := range all {
		if j.Kind != outbox.KindFollowup || !j.Late || drop[j] {
			continue
		}
		later := 0
		for _, f := range fallen[j.Meeting.Boss] {
			if c := f.due.Compare(j.Due); c > 0 || (c == 0 && f.key > j.Meeting.Key) {
				later++
			}
		}
		if later >= maxOverdue {
			report(LimitOverdue, j.Meeting.Boss, now.In(zone(loc)).Format(time.DateOnly), maxOverdue, j)
		}
	}

	// The email cap: the emails already in the outbox for a boss's
	// meetings of a day count first, then the jobs earliest first.
	used := make(map[bucket]int)
	for _, m := range ms {
		if m.Boss == "" {
			continue
		}
		for _, e := range existing[m.Key] {
			if e.State != outbox.StateFailed && e.State != outbox.StateSkipped {
				used[bucketOf(m, loc)]++
			}
		}
	}
	for _, j := range all {
		if j.Kind == outbox.KindDigest || drop[j] {
			continue
		}
		b := bucketOf(j.Meeting, loc)
		if used[b] >= maxEmails {
			report(LimitEmails, b.boss, b.day, maxEmails, j)
			continue
		}
		used[b]++
	}

	if len(drop) == 0 {
		return due, upcoming, nil
	}
	keep := func(js []Job) []Job {
		out := js[:0:0]
		for i := range js {
			if !drop[&js[i]] {
				out = append(out, js[i])
			}
		}
		return out
	}
	return keep(due), keep(upcoming), capped
}

// catchup returns the job of the email that names the overdue follow-ups
// the cap dropped, if any. Its variant is a digest of their meetings, so the
// same ones make the same job; the store writes them as skipped with it,
// so a later plan neither sends nor names them again.
func catchup(now time.Time, capped []Capped) (Job, bool) {
	var skipped []Job
	for _, c := range capped {
		if c.Limit == LimitOverdue {
			skipped = append(skipped, c.Jobs...)
		}
	}
	if len(skipped) == 0 {
		return Job{}, false
	}
	slices.SortFunc(skipped, compareJobs)
	h := sha256.New()
	for _, j := range skipped {
		fmt.Fprintf(h, "%s\x00", j.Meeting.Key)
	}
	return Job{Kind: outbox.KindCatchup, Variant: hex.EncodeToString(h.Sum(nil)[:12]), Due: now,
		Expires: now.Add(FollowupWindow), Skipped: skipped}, true
}

// compareJobs orders jobs by due time, then meeting, kind and variant, so
// that a cap keeps the same ones on every plan.
func compareJobs(a, b Job) int {
	return cmp.Or(a.Due.Compare(b.Due), a.Meeting.Event.Start.Compare(b.Meeting.Event.Start),
		strings.Compare(a.Meeting.Key, b.Meeting.Key), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Variant, b.Variant))
}

// warnings logs each Capped once: a plan is worked out again every few
// minutes, and a cap that holds all day is one event for the user.
type warnings struct {
	mu     sync.Mutex
	logged map[string]time.Time // Capped.key → when it was logged
}

// log logs the caps not logged in the last two days, and forgets older ones.
func (w *warnings) log(log *slog.Logger, now time.Time, capped []Capped) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.logged == nil {
		w.logged = make(map[string]time.Time)
	}
	for k, at := range w.logged {
		if now.Sub(at) > 48*time.Hour {
			delete(w.logged, k)
		}
	}
	for _, c := range capped {
		if _, ok := w.logged[c.key()]; ok {
			continue
		}
		w.logged[c.key()] = now
		log.Warn(c.message(), "limit", c.Limit, "boss", c.Boss, "day", c.Day, "max", c.Max,
			"skipped", len(c.Jobs), "titles", titles(c.Jobs))
	}
}

func (c Capped) message() string {
	switch c.Limit {
	case LimitMeetings:
		return fmt.Sprintf("more than %d meetings with one boss in a day: the later ones get no email", c.Max)
	case LimitOverdue:
		return fmt.Sprintf("after downtime, follow-ups sent for the latest %d meetings with this boss only; one catch-up email names the rest", c.Max)
	}
	return fmt.Sprintf("more than %d emails about one boss's meetings of a day: the later ones are not sent", c.Max)
}

// titles names the meetings of jobs, each once, the first few.
func titles(js []Job) []string {
	var out []string
	for _, j := range js {
		t := j.Meeting.Event.Title
		if !slices.Contains(out, t) {
			if len(out) == 5 {
				return append(out, "…")
			}
			out = append(out, t)
		}
	}
	return out
}
