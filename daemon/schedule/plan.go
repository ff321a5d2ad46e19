// Package schedule decides which emails are due for which meetings, and
// when: a brief before each meeting with a boss (one per configured lead
// time), a follow-up after it, and a notice when a meeting whose brief went
// out is cancelled or moved.
//
// The plan is not stored: it is worked out afresh from the meetings, the
// configuration and the outbox (what was already queued or sent) each time
// the calendar changes or a job falls due. That makes every rule, including
// what to do after downtime, a property of one pure function, Plan.
package schedule

import (
	"slices"
	"strconv"
	"time"

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
}

// Job is one email for one meeting.
type Job struct {
	Meeting meeting.Meeting
	Kind    string        // outbox.KindBrief, KindFollowup or KindNotice
	Variant string        // tells apart jobs of one kind for one meeting
	Lead    time.Duration // briefs: how long before the start
	Due     time.Time
	Late    bool      // due a while ago: sent after downtime
	Expires time.Time // no use after this
	// Notices: what changed, and the start the user was last told.
	Change   string
	OldStart time.Time
}

// Plan works out, at now, which jobs are due (to be sent now) and which are
// upcoming (with their due times, earliest first). existing holds the outbox
// rows of each meeting, by meeting key.
func Plan(now time.Time, cfg Config, ms []meeting.Meeting, existing map[string][]outbox.Message) (due, upcoming []Job) {
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
	return due, upcoming
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
		j := Job{Meeting: p.m, Kind: outbox.KindBrief, Variant: v, Lead: lead, Due: start.Add(-lead), Expires: start}
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
	end := p.m.Event.End
	j := Job{Meeting: p.m, Kind: outbox.KindFollowup, Due: end.Add(p.cfg.FollowupAfter), Expires: end.Add(FollowupWindow)}
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
	v := ChangeMoved + "@" + strconv.FormatInt(start.Unix(), 10)
	expires := told
	if start.After(told) {
		expires = start
	}
	if p.has(outbox.KindNotice, v) || !p.now.Before(expires) {
		return
	}
	p.due = append(p.due, Job{Meeting: p.m, Kind: outbox.KindNotice, Variant: v, Due: p.now, Expires: expires,
		Change: ChangeMoved, OldStart: told})
}

func (p *planner) cancelled() {
	if !p.cfg.ChangeNotices || p.has(outbox.KindNotice, ChangeCancelled) {
		return
	}
	told, ok := p.told()
	if !ok || !p.now.Before(told) {
		return
	}
	p.due = append(p.due, Job{Meeting: p.m, Kind: outbox.KindNotice, Variant: ChangeCancelled, Due: p.now, Expires: told,
		Change: ChangeCancelled, OldStart: told})
}
