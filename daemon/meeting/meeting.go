// Package meeting decides which calendar events are meetings with a boss
// (the boss rule) and keeps the store's list of those meetings in step with
// the calendar (the Tracker).
package meeting

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/config"
)

// Status says whether a stored meeting is still on.
type Status string

// Meeting statuses.
const (
	// Active: a meeting with a boss that the user has not declined.
	Active Status = "active"
	// Declined: the user declined it.
	Declined Status = "declined"
	// Cancelled: the event was cancelled or deleted.
	Cancelled Status = "cancelled"
	// Unmatched: the event is no longer a meeting with a boss: the boss was
	// removed, it became all-day, a title filter excludes it…
	Unmatched Status = "unmatched"
)

// Meeting is a calendar event with one of the user's bosses.
type Meeting struct {
	// Key identifies the meeting for good: a recurring instance keeps its
	// key when it is moved (see KeyOf).
	Key      string
	Calendar string
	Event    calendar.Event
	Status   Status
	// Boss is the configured name of the boss the meeting is with (the first
	// in config order when several attend), BossEmail the address that matched.
	Boss      string
	BossEmail string
	// OneOnOne: nobody but the user and the boss (rooms do not count).
	OneOnOne     bool
	BossDeclined bool
	// Why says, for an Unmatched meeting, which part of the rule it fails.
	// It is for logs and is not stored.
	Why string
	// Awaiting marks an Unmatched event that would be a meeting with a boss
	// but for an unanswered invitation from someone who is neither a boss
	// nor the user (see Rule). It is not stored either.
	Awaiting bool
}

// KeyOf returns the key of ev on the named calendar: the calendar and event
// id for a single event, and the calendar, series id and original start for an
// instance of a recurring series, so that moving an instance does not make it
// a new meeting.
func KeyOf(calendarName string, ev *calendar.Event) string {
	if ev.RecurringEventID != "" && !ev.OriginalStart.IsZero() {
		return calendarName + "/" + ev.RecurringEventID + "@" + ev.OriginalStart.UTC().Format("20060102T150405Z")
	}
	return calendarName + "/" + ev.ID
}

// Rule is the boss rule: which events are meetings with a boss.
//
// An event is one when it is timed (not all-day), not cancelled, of type
// default or fromGmail, one of a boss's addresses is its organizer or a
// non-self attendee, and the title filters let it through. If the user (the
// self attendee, or the organizer when there is none) declined, it is a
// Declined meeting. Group meetings count unless the config turns them off.
//
// An invitation the user has not answered counts only when a boss or the
// user organised it. Anyone can put an event on a calendar by inviting its
// owner; without this, a stranger who lists a boss among the guests could
// make leadup send email on their schedule (a recurring invite every few
// minutes means an email every few minutes). Such an event is Unmatched
// with Awaiting set, until the user accepts it.
type Rule struct {
	bosses  []config.Boss
	byEmail map[string]int // lowercased address → index into bosses
	filter  config.Filter
}

// NewRule returns the rule for the configured bosses and filter.
func NewRule(bosses []config.Boss, filter config.Filter) *Rule {
	r := &Rule{bosses: bosses, byEmail: make(map[string]int), filter: filter}
	for i, b := range bosses {
		for _, e := range b.Emails {
			e = strings.ToLower(strings.TrimSpace(e))
			if _, dup := r.byEmail[e]; !dup {
				r.byEmail[e] = i
			}
		}
	}
	return r
}

// Bosses returns the configured bosses.
func (r *Rule) Bosses() []config.Boss { return r.bosses }

// Fingerprint identifies the rule's settings. The tracker stores it with the
// sync cursor: when it changes, every event must be classified again, so the
// next sync is a full one.
func (r *Rule) Fingerprint() string {
	h := sha256.New()
	// The version of the rule itself: an upgrade that changes what counts
	// (version 2: unanswered invitations from outsiders do not) classifies
	// the stored events again.
	fmt.Fprintf(h, "rule 2\n")
	for _, b := range r.bosses {
		fmt.Fprintf(h, "boss %q %q\n", b.Name, b.Emails)
	}
	fmt.Fprintf(h, "include %q\nexclude %q\ngroup %t\n",
		regexpString(r.filter.IncludeTitle), regexpString(r.filter.ExcludeTitle), r.filter.GroupMeetings)
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func regexpString(re *regexp.Regexp) string {
	if re == nil {
		return ""
	}
	return re.String()
}

// Classify applies the rule to ev, found on the named calendar. The result
// always carries the key, so that an Unmatched or Cancelled verdict can update
// a meeting stored earlier.
func (r *Rule) Classify(calendarName string, ev calendar.Event) Meeting {
	m := Meeting{Key: KeyOf(calendarName, &ev), Calendar: calendarName, Event: ev, Status: Unmatched}
	switch {
	case ev.Status == calendar.StatusCancelled:
		m.Status, m.Why = Cancelled, "cancelled"
		return m
	case ev.AllDay:
		m.Why = "all-day"
		return m
	case ev.Type != "" && ev.Type != calendar.TypeDefault && ev.Type != calendar.TypeFromGmail:
		m.Why = "event type " + ev.Type
		return m
	}

	boss := r.findBoss(&ev)
	if boss < 0 {
		m.Why = "no boss attends"
		return m
	}
	b := r.bosses[boss]
	m.Boss = b.Name
	m.BossEmail = r.bossAddress(boss, &ev)

	if re := r.filter.IncludeTitle; re != nil && !re.MatchString(ev.Title) {
		m.Why = "title not matched by filter.include_title"
		return m
	}
	if re := r.filter.ExcludeTitle; re != nil && re.MatchString(ev.Title) {
		m.Why = "title matched by filter.exclude_title"
		return m
	}

	m.OneOnOne = r.othersAttend(boss, &ev) == 0
	if !m.OneOnOne && !r.filter.GroupMeetings {
		m.Why = "group meeting and filter.group_meetings is false"
		return m
	}
	m.BossDeclined = r.bossDeclined(boss, &ev)
	if unanswered(&ev) && !r.organisedByBossOrUser(&ev) {
		m.Awaiting = true
		m.Why = "awaiting your answer to an invitation from " + ev.OrganizerEmail() + ", who is not a boss"
		return m
	}
	if userDeclined(&ev) {
		m.Status = Declined
		return m
	}
	m.Status = Active
	return m
}

// findBoss returns the index of the first configured boss who organises or
// attends ev (not as the user), or -1.
func (r *Rule) findBoss(ev *calendar.Event) int {
	best := -1
	consider := func(email string) {
		if i, ok := r.byEmail[strings.ToLower(email)]; ok && (best < 0 || i < best) {
			best = i
		}
	}
	if ev.Organizer.Email != "" {
		consider(ev.Organizer.Email)
	}
	for _, a := range ev.Attendees {
		if !a.Self {
			consider(a.Email)
		}
	}
	return best
}

func (r *Rule) isBoss(boss int, email string) bool {
	i, ok := r.byEmail[strings.ToLower(email)]
	return ok && i == boss
}

// bossAddress returns the address under which the boss appears on ev.
func (r *Rule) bossAddress(boss int, ev *calendar.Event) string {
	for _, a := range ev.Attendees {
		if !a.Self && r.isBoss(boss, a.Email) {
			return strings.ToLower(a.Email)
		}
	}
	return strings.ToLower(ev.Organizer.Email)
}

// othersAttend counts the people on ev other than the user and the boss.
// Rooms and equipment do not count, nor does an address listed twice.
func (r *Rule) othersAttend(boss int, ev *calendar.Event) int {
	user := strings.ToLower(userAddress(ev))
	seen := make(map[string]bool)
	for _, a := range ev.Attendees {
		e := strings.ToLower(a.Email)
		if a.Resource || a.Self || e == "" || e == user || r.isBoss(boss, e) {
			continue
		}
		seen[e] = true
	}
	// An organizer who is not on the guest list (a shared calendar, an
	// assistant booking for the boss) is still in the room only if listed;
	// Google lists the organizer as an attendee whenever they attend, so an
	// unlisted organizer is left out.
	return len(seen)
}

func (r *Rule) bossDeclined(boss int, ev *calendar.Event) bool {
	for _, a := range ev.Attendees {
		if !a.Self && r.isBoss(boss, a.Email) {
			// With several addresses for one boss on the invite, one
			// acceptance is enough.
			if a.Response != calendar.ResponseDeclined {
				return false
			}
		}
	}
	for _, a := range ev.Attendees {
		if !a.Self && r.isBoss(boss, a.Email) {
			return true
		}
	}
	return false
}

// userAddress returns the user's address on ev: the self attendee's, or
// with none, the organizer's.
func userAddress(ev *calendar.Event) string {
	for _, a := range ev.Attendees {
		if a.Self {
			return a.Email
		}
	}
	return ev.Organizer.Email
}

// unanswered reports whether the user has not answered ev: the self
// attendee's answer is needsAction (or missing). With no self attendee the
// user is the organizer, who needs no answer.
func unanswered(ev *calendar.Event) bool {
	for _, a := range ev.Attendees {
		if a.Self {
			return a.Response == "" || a.Response == calendar.ResponseNeedsAction
		}
	}
	return false
}

// organisedByBossOrUser reports whether a configured boss or the user
// organised ev.
func (r *Rule) organisedByBossOrUser(ev *calendar.Event) bool {
	if ev.Organizer.Self {
		return true
	}
	org := strings.ToLower(ev.OrganizerEmail())
	if org == "" {
		return false
	}
	if _, ok := r.byEmail[org]; ok {
		return true
	}
	for _, a := range ev.Attendees {
		if (a.Self && strings.EqualFold(a.Email, org)) || (a.Organizer && a.Self) {
			return true
		}
	}
	return false
}

// userDeclined reports whether the user declined ev: the self attendee's
// answer, or, with no self attendee, the organizer's own answer.
func userDeclined(ev *calendar.Event) bool {
	for _, a := range ev.Attendees {
		if a.Self {
			return a.Response == calendar.ResponseDeclined
		}
	}
	for _, a := range ev.Attendees {
		if a.Organizer {
			return a.Response == calendar.ResponseDeclined
		}
	}
	return false
}
