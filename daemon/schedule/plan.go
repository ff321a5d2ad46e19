// Package schedule decides which emails are due for which meetings, and
// when: a brief before each meeting with a boss (one per configured lead
// time), a follow-up after it, a notice when a meeting whose brief went
// out is cancelled or moved, the weekly digest, which belongs to no
// meeting, after downtime a catch-up that names the follow-ups the caps of
// [limits] left out, and a nudge when the user and a boss go too long
// without meeting (PlanNudges).
//
// The plan is not stored: it is worked out afresh from the meetings, the
// configuration and the outbox (what was already queued or sent) each time
// the calendar changes or a job falls due. That makes every rule, including
// what to do after downtime, a property of pure functions, Plan and
// PlanNudges.
package schedule

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
)

const (
	// MoveThreshold is how far a meeting must move, after its brief went
	// out, for a notice to be worth sending.
	MoveThreshold = 15 * time.Minute
	// FollowupWindow is how long after a meeting its follow-up is still
	// worth sending, after downtime.
	FollowupWindow = 24 * time.Hour
	// DigestWindow is how late a digest may still go out after downtime.
	// Three days carry a Friday digest on a laptop shut for the weekend to
	// Monday morning; later than that, the week it looks back on is stale
	// and the next digest is near, so the missed one is skipped.
	DigestWindow = 72 * time.Hour
	// lateGrace is how overdue a job may be and still not count as late:
	// the ordinary delay between a timer firing and the job going out.
	lateGrace = time.Minute
)

// Notice changes.
const (
	ChangeCancelled = "cancelled"
	ChangeMoved     = "moved"
)

// Config is the part of the configuration the plan depends on.
type Config struct {
	Leads         []time.Duration // brief lead times
	FollowupAfter time.Duration
	ChangeNotices bool
	// Digest turns the weekly digest on; it falls due at DigestWeekly in
	// Location (the user's zone; nil means the system's).
	Digest       bool
	DigestWeekly config.Weekly
	// Nudges turns the nudges on (see PlanNudges), for the bosses of
	// Cadences.
	Nudges   bool
	Cadences []Cadence
	Location *time.Location
	// The caps of [limits] (see PlanCapped); zero means the default.
	MeetingsPerBossPerDay   int
	EmailsPerBossPerDay     int
	OverdueFollowupsPerBoss int
}

// Job is one email for one meeting, the weekly digest, or a catch-up.
type Job struct {
	Meeting meeting.Meeting // zero for a digest, a catch-up or a nudge
	Kind    string          // outbox.KindBrief, KindFollowup, KindNotice, KindDigest, KindCatchup or KindNudge
	Variant string          // tells apart jobs of one kind for one meeting; a digest's ISO week
	Lead    time.Duration   // briefs: how long before the start
	Due     time.Time
	Late    bool      // due a while ago: sent after downtime
	Expires time.Time // no use after this
	// Notices: what changed, and the start the user was last told.
	Change   string
	OldStart time.Time
	// Skipped, for a catch-up: the overdue follow-ups it names instead.
	Skipped []Job
	// Nudge, for a nudge: the gap it is about.
	Nudge *Nudge
}

// Describe says what the job is, for status lines and logs: "brief for
// Dana / me with Dana Whitfield", "weekly digest for 2026-W48".
func (j Job) Describe() string {
	switch j.Kind {
	case outbox.KindDigest:
		return "weekly digest for " + j.Variant
	case outbox.KindCatchup:
		return fmt.Sprintf("catch-up naming %d follow-ups not sent", len(j.Skipped))
	case outbox.KindNudge:
		if j.Nudge != nil {
			return "nudge about the meetings with " + j.Nudge.Boss
		}
		return "nudge"
	}
	return j.Kind + " for " + j.Meeting.Event.Title + " with " + j.Meeting.Boss
}

// Plan works out, at now, which jobs are due (to be sent now) and which are
// upcoming (with their due times, earliest first). existing holds the outbox
// rows of each meeting, by meeting key, and under "" the rows that belong to
// no meeting: the digests. since is when leadup first recorded anything (a
// meeting seen, an email queued), zero for a new store: a digest that fell
// due before it is not made up late, since leadup did not watch that week.
//
// The caps of [limits] apply: see PlanCapped, which also reports what they
// left out.
func Plan(now time.Time, cfg Config, ms []meeting.Meeting, existing map[string][]outbox.Message, since time.Time) (due, upcoming []Job) {
	due, upcoming, _ = PlanCapped(now, cfg, ms, existing, since)
	return due, upcoming
}

// PlanCapped is Plan, and reports the jobs the caps of [limits] left out:
// the meetings with one boss past the first MeetingsPerBossPerDay of a day
// get none; of the late follow-ups after downtime, those with
// OverdueFollowupsPerBoss later ones of the same boss are dropped; and the
// emails about one boss's meetings of a day stop at EmailsPerBossPerDay,
// counting those already in the outbox, earliest due first. Days are in
// cfg.Location. For the counts to hold, ms must hold every meeting of the
// days it covers (see Current). The overdue follow-ups dropped are named in
// one catch-up job, due now.
func PlanCapped(now time.Time, cfg Config, ms []meeting.Meeting, existing map[string][]outbox.Message, since time.Time) (due, upcoming []Job, capped []Capped) {
	if cfg.Digest {
		p := planner{now: now, cfg: cfg, entries: existing[""]}
		p.digest(since)
		due, upcoming = p.due, p.upcoming
	}
	for _, m := range ms {
		p := planner{now: now, cfg: cfg, m: m, entries: existing[m.Key]}
		switch m.Status {
		case meeting.Active:
			p.briefs()
			p.followup()
			p.moved()
		case meeting.Cancelled:
			p.cancelled()
		}
		due = append(due, p.due...)
		upcoming = append(upcoming, p.upcoming...)
	}
	slices.SortStableFunc(upcoming, func(a, b Job) int { return a.Due.Compare(b.Due) })
	maxMeetings, _, _ := cfg.limits()
	due, upcoming, capped = capJobs(now, cfg, ms, existing, overMeetingCap(ms, cfg.Location, maxMeetings), due, upcoming)
	if j, ok := catchup(now, capped); ok {
		due = append(due, j)
	}
	return due, upcoming, capped
}

type planner struct {
	now      time.Time
	cfg      Config
	m        meeting.Meeting
	entries  []outbox.Message
	due      []Job
	upcoming []Job
}

func (p *planner) has(kind, variant string) bool {
	for _, e := range p.entries {
		if e.Kind == kind && e.Variant == variant {
			return true
		}
	}
	return false
}

// BriefVariant is the outbox variant of a brief with the given lead.
func BriefVariant(lead time.Duration) string { return strconv.FormatInt(int64(lead/time.Second), 10) }

func (p *planner) briefs() {
	start := p.m.Event.Start
	// A brief already queued with a shorter lead supersedes the longer
	// ones: after downtime only the latest due brief goes out, and the
	// earlier ones stay skipped on every later plan.
	shortest := time.Duration(-1)
	for _, e := range p.entries {
		if e.Kind != outbox.KindBrief {
			continue
		}
		if secs, err := strconv.ParseInt(e.Variant, 10, 64); err == nil {
			if l := time.Duration(secs) * time.Second; shortest < 0 || l < shortest {
				shortest = l
			}
		}
	}
	var overdue *Job
	for _, lead := range p.cfg.Leads {
		v := BriefVariant(lead)
		if p.has(outbox.KindBrief, v) || (shortest >= 0 && lead > shortest) {
			continue
		}
		j := BriefJob(p.m, lead)
		switch {
		case p.now.Before(j.Due):
			p.upcoming = append(p.upcoming, j)
		case p.now.Before(start):
			// Overdue but the meeting has not started: send at once. Of
			// several overdue, the shortest lead wins.
			if overdue == nil || lead < overdue.Lead {
				j.Late = p.now.Sub(j.Due) > lateGrace
				overdue = &j
			}
		}
		// Otherwise the meeting has started: a brief is no use now.
	}
	if overdue != nil {
		p.due = append(p.due, *overdue)
	}
}

func (p *planner) followup() {
	if p.has(outbox.KindFollowup, "") {
		return
	}
	j := FollowupJob(p.m, p.cfg.FollowupAfter)
	switch {
	case p.now.Before(j.Due):
		p.upcoming = append(p.upcoming, j)
	case !p.now.After(j.Expires):
		j.Late = p.now.Sub(j.Due) > lateGrace
		p.due = append(p.due, j)
	}
}

// told returns the meeting start in the latest brief or moved notice that
// went out, or will (failed ones never reached the user).
func (p *planner) told() (time.Time, bool) {
	var last *outbox.Message
	for i := range p.entries {
		e := &p.entries[i]
		if e.State == outbox.StateFailed {
			continue
		}
		if e.Kind == outbox.KindBrief || (e.Kind == outbox.KindNotice && e.Variant != ChangeCancelled) {
			if last == nil || e.ID > last.ID {
				last = e
			}
		}
	}
	if last == nil {
		return time.Time{}, false
	}
	return last.MeetingStart, true
}

func (p *planner) moved() {
	if !p.cfg.ChangeNotices {
		return
	}
	told, ok := p.told()
	start := p.m.Event.Start
	if !ok || (start.Sub(told) <= MoveThreshold && told.Sub(start) <= MoveThreshold) {
		return
	}
	j := MovedNoticeJob(p.m, told, p.now)
	if p.has(outbox.KindNotice, j.Variant) || !p.now.Before(j.Expires) {
		return
	}
	p.due = append(p.due, j)
}

func (p *planner) cancelled() {
	if !p.cfg.ChangeNotices || p.has(outbox.KindNotice, ChangeCancelled) {
		return
	}
	told, ok := p.told()
	if !ok || !p.now.Before(told) {
		return
	}
	p.due = append(p.due, CancelledNoticeJob(p.m, told, p.now))
}

// DigestVariant is the outbox variant of the digest due at t: its ISO week
// in loc, "2026-W48". Whatever the configured day, a week has one digest.
func DigestVariant(t time.Time, loc *time.Location) string {
	y, w := t.In(zone(loc)).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// DigestJob returns the digest job due at due, in the user's zone loc.
func DigestJob(due time.Time, loc *time.Location) Job {
	return Job{Kind: outbox.KindDigest, Variant: DigestVariant(due, loc), Due: due, Expires: due.Add(DigestWindow)}
}

func zone(loc *time.Location) *time.Location {
	if loc == nil {
		return time.Local
	}
	return loc
}

// digest plans the weekly digest. The digest of the latest due time goes
// out if it is not in the outbox yet and is less than DigestWindow late;
// when it is late, only if leadup was already at work (since) before it
// fell due. A missed one is skipped for good. The next due time not yet in
// the outbox is upcoming.
func (p *planner) digest(since time.Time) {
	loc := zone(p.cfg.Location)
	w := p.cfg.DigestWeekly
	// The latest due time at or before now: one falls in every seven
	// days of the wall clock (AddDate keeps DST weeks right).
	last := w.Next(p.now, loc)
	if last.After(p.now) {
		last = w.Next(p.now.In(loc).AddDate(0, 0, -7), loc)
	}
	if j := DigestJob(last, loc); !p.has(j.Kind, j.Variant) {
		late := p.now.Sub(last)
		onTime := late <= lateGrace
		if onTime || (late <= DigestWindow && !since.IsZero() && !since.After(last)) {
			j.Late = !onTime
			p.due = append(p.due, j)
		}
	}
	// The next due time after now. A week already in the outbox (the
	// digest day was moved to later in a week whose digest went out) is
	// skipped: the week after has one.
	next := w.Next(p.now.Add(time.Nanosecond), loc)
	for range 2 {
		j := DigestJob(next, loc)
		if !p.has(j.Kind, j.Variant) {
			p.upcoming = append(p.upcoming, j)
			return
		}
		next = w.Next(next.Add(time.Nanosecond), loc)
	}
}
