package compose

import (
	"context"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/schedule"
	"github.com/leadup/leadup/daemon/store"
)

// How far the notices and the brief's "About" block look.
const (
	// urgentWithin is how far ahead a cancellation looks for the user's
	// items falling due: until the next meeting with the boss, but no
	// further than this, since a note sent now should stay short.
	urgentWithin = 7 * 24 * time.Hour
	// learnedWithin is how far back "learned from the log" reaches: a
	// quarter, the span of most priorities.
	learnedWithin = 90 * 24 * time.Hour
	// oneOnOneLookback is how far back the last 1:1 is looked for. The
	// longest cadence config accepts is a year.
	oneOnOneLookback = 366 * 24 * time.Hour
)

// noticeData gathers a notice. A cancellation names the next meeting with
// the boss and what should not wait for it (render.UrgentItems); a move
// says when the brief for the new time goes out, if one will.
func (c *Composer) noticeData(ctx context.Context, j schedule.Job, rm render.Meeting, boss render.Boss, now time.Time) (render.NoticeData, error) {
	d := render.NoticeData{Meeting: rm, Boss: boss, Now: now, Change: j.Change, OldStart: j.OldStart}
	switch j.Change {
	case schedule.ChangeCancelled:
		until := now.Add(urgentWithin)
		next, ok, err := c.nextMeeting(ctx, j.Meeting, now)
		if err != nil {
			return d, err
		}
		if ok {
			n := c.renderMeeting(next, boss)
			d.Next = &n
			if next.Event.Start.Before(until) {
				until = next.Event.Start
			}
		}
		open, err := c.store.OpenActions(ctx, j.Meeting.Boss)
		if err != nil {
			return d, err
		}
		points, err := c.store.OpenTalkingPoints(ctx, j.Meeting.Boss)
		if err != nil {
			return d, err
		}
		d.Urgent = render.UrgentItems(now, until, boss, open, points)
	case schedule.ChangeMoved:
		b, ok, err := c.briefToCome(ctx, j.Meeting, now)
		if err != nil {
			return d, err
		}
		if ok {
			d.BriefDue, d.BriefLead = b.Due, b.Lead
		}
	}
	return d, nil
}

// nextMeeting returns the first meeting with m's boss that starts after
// now, other than m, that is still on and that the boss has not declined.
func (c *Composer) nextMeeting(ctx context.Context, m meeting.Meeting, now time.Time) (meeting.Meeting, bool, error) {
	ms, err := c.store.Meetings(ctx, store.Query{From: now, Statuses: []meeting.Status{meeting.Active}})
	if err != nil {
		return meeting.Meeting{}, false, err
	}
	for _, n := range ms {
		if n.Boss == m.Boss && n.Key != m.Key && !n.BossDeclined && n.Event.Start.After(now) {
			return n, true, nil
		}
	}
	return meeting.Meeting{}, false, nil
}

// briefToCome returns the brief the schedule will send for m, moved, as of
// now: the plan's own answer (schedule.Plan over m and its outbox rows),
// so that the notice says what will happen. Each lead time's brief goes
// out once: a move sends none again, and only a lead time whose brief has
// not gone out yet (a shorter one) brings a brief for the new time, if the
// meeting has not started. Its Due is at or before now when it goes out at
// once. The caps of [limits] across the boss's other meetings are not
// weighed: they hold back a brief only on a crowded day.
func (c *Composer) briefToCome(ctx context.Context, m meeting.Meeting, now time.Time) (schedule.Job, bool, error) {
	rows, err := c.store.OutboxForMeetings(ctx, []string{m.Key})
	if err != nil {
		return schedule.Job{}, false, err
	}
	m.Status = meeting.Active
	cfg := schedule.Config{Leads: c.cfg.Brief.Before, FollowupAfter: c.cfg.Followup.After, Location: c.cfg.Location}
	due, upcoming := schedule.Plan(now, cfg, []meeting.Meeting{m}, rows, time.Time{})
	for _, jb := range append(due, upcoming...) {
		if jb.Kind == outbox.KindBrief && jb.Meeting.Key == m.Key {
			return jb, true, nil
		}
	}
	return schedule.Job{}, false, nil
}

// aboutBoss fills in what the brief's "About" block needs beyond the
// configured profile (see boss): how the user works best, the last 1:1
// when a cadence was agreed, and what the boss asked for or valued lately.
// The renderer leaves out what "last time" already shows.
func (c *Composer) aboutBoss(ctx context.Context, m meeting.Meeting, d *render.BriefData, now time.Time) error {
	d.WorksBest = c.cfg.Me.WorksBest
	if d.Boss.OneOnOneEvery > 0 {
		past, err := c.store.Meetings(ctx, store.Query{From: now.Add(-oneOnOneLookback), To: now,
			Statuses: []meeting.Status{meeting.Active}})
		if err != nil {
			return err
		}
		for _, p := range past {
			if p.Boss == m.Boss && p.OneOnOne && !p.BossDeclined && p.Key != m.Key && p.Event.Start.Before(now) {
				d.LastOneOnOne = p.Event.Start // earliest first: the last match is the latest
			}
		}
	}
	from := now.Add(-learnedWithin)
	for _, k := range []meetinglog.Kind{meetinglog.Feedback, meetinglog.Decision} {
		items, err := c.store.LoggedBetween(ctx, m.Boss, k, from, now)
		if err != nil {
			return err
		}
		d.Learned = append(d.Learned, items...)
	}
	return nil
}
