package compose

import (
	"context"
	"errors"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/schedule"
)

// nudgeData gathers a nudge: the gap the job is about (schedule.Nudge),
// and from the log what is open with the boss and what was closed and
// decided since they last met, for the status update.
func (c *Composer) nudgeData(ctx context.Context, j schedule.Job, now time.Time) (render.NudgeData, error) {
	n := j.Nudge
	if n == nil {
		return render.NudgeData{}, errors.New("nudge job without its gap")
	}
	boss := c.boss(meeting.Meeting{Boss: n.Boss})
	for _, b := range c.cfg.Bosses {
		if b.Name == n.Boss && len(b.Emails) > 0 {
			boss.Email = b.Emails[0]
		}
	}
	// The cadence the gap outran, agreed or read off the 1:1s, words the
	// same way as an agreed one.
	boss.OneOnOneEvery = n.Every
	d := render.NudgeData{Now: now, Location: c.cfg.Location, Boss: boss, Reason: n.Reason, Every: n.Every,
		Agreed: n.Agreed, Since: n.Since, Late: j.Late}
	if c.cfg.Mail.To != nil {
		d.Me = c.cfg.Mail.To.Name
	}
	from := n.Since
	if n.Last.Key != "" {
		last := c.renderMeeting(n.Last, boss)
		d.Last, from = &last, n.Last.Event.Start
	}
	if n.Next.Key != "" {
		next := c.renderMeeting(n.Next, boss)
		d.Next = &next
	}
	for _, m := range n.Missed {
		d.Missed = append(d.Missed, render.Missed{Meeting: c.renderMeeting(m, boss), Why: missedWhy(m)})
	}
	var err error
	if d.Open, err = c.store.OpenActions(ctx, n.Boss); err != nil {
		return d, err
	}
	if d.Closed, err = c.store.ClosedActionsBetween(ctx, n.Boss, from, now); err != nil {
		return d, err
	}
	if d.Decisions, err = c.store.LoggedBetween(ctx, n.Boss, meetinglog.Decision, from, now); err != nil {
		return d, err
	}
	if d.Feedback, err = c.store.Feedback(ctx, n.Boss); err != nil {
		return d, err
	}
	return d, nil
}

// missedWhy says why a meeting did not take place.
func missedWhy(m meeting.Meeting) string {
	switch {
	case m.Status == meeting.Cancelled:
		return "cancelled"
	case m.Status == meeting.Declined:
		return "declined by you"
	case m.BossDeclined:
		return "declined by " + render.FirstName(m.Boss)
	}
	return "did not take place"
}
