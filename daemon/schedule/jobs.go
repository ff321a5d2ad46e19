package schedule

import (
	"strconv"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
)

// The constructors below make the jobs of one meeting. Plan builds its jobs
// with them, and callers that need a job without planning one, such as
// "leadup preview", get the same. The jobs they return are on time (Late
// false): lateness depends on when a job is sent, which only Plan knows.

// BriefJob returns the brief for m that is due lead before it starts. It
// is of no use once the meeting has started.
func BriefJob(m meeting.Meeting, lead time.Duration) Job {
	start := m.Event.Start
	return Job{Meeting: m, Kind: outbox.KindBrief, Variant: BriefVariant(lead), Lead: lead, Due: start.Add(-lead), Expires: start}
}

// FollowupJob returns the follow-up for m that is due after its end
// (Config.FollowupAfter). It expires FollowupWindow after the meeting ends.
func FollowupJob(m meeting.Meeting, after time.Duration) Job {
	end := m.Event.End
	return Job{Meeting: m, Kind: outbox.KindFollowup, Due: end.Add(after), Expires: end.Add(FollowupWindow)}
}

// CancelledNoticeJob returns the notice, due at now, that m was cancelled.
// told is the start the user was last told (by a brief or a notice that
// the meeting moved); the notice is of no use after it.
func CancelledNoticeJob(m meeting.Meeting, told, now time.Time) Job {
	return Job{Meeting: m, Kind: outbox.KindNotice, Variant: ChangeCancelled, Due: now, Expires: told,
		Change: ChangeCancelled, OldStart: told}
}

// MovedNoticeJob returns the notice, due at now, that m moved from told,
// the start the user was last told, to its current start. Each new start
// has a notice of its own; it is of no use after the later of the two
// starts.
func MovedNoticeJob(m meeting.Meeting, told, now time.Time) Job {
	start := m.Event.Start
	expires := told
	if start.After(told) {
		expires = start
	}
	return Job{Meeting: m, Kind: outbox.KindNotice, Variant: movedVariant(start), Due: now, Expires: expires,
		Change: ChangeMoved, OldStart: told}
}

// movedVariant is the outbox variant of the notice that a meeting moved to
// start.
func movedVariant(start time.Time) string {
	return ChangeMoved + "@" + strconv.FormatInt(start.Unix(), 10)
}
