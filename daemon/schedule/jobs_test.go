package schedule_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/schedule"
)

// TestJobsMatchPlan checks that the job constructors make the very jobs
// Plan makes for the same meeting, field for field.
func TestJobsMatchPlan(t *testing.T) {
	const h = time.Hour
	start := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	cfg := schedule.Config{Leads: []time.Duration{24 * h, h}, FollowupAfter: 5 * time.Minute, ChangeNotices: true}
	mtg := func(status meeting.Status, s time.Time) meeting.Meeting {
		return meeting.Meeting{Key: "cal/m", Status: status, Boss: "Dana", OneOnOne: true,
			Event: calendar.Event{ID: "m", Title: "Dana / me 1:1", Start: s, End: s.Add(30 * time.Minute)}}
	}
	brief := func(id int64, lead time.Duration, told time.Time) outbox.Message {
		return outbox.Message{ID: id, MeetingKey: "cal/m", Kind: outbox.KindBrief, Variant: schedule.BriefVariant(lead),
			MeetingStart: told, State: outbox.StateSent}
	}
	active, cancelled := mtg(meeting.Active, start), mtg(meeting.Cancelled, start)
	later, earlier := mtg(meeting.Active, start.Add(2*h)), mtg(meeting.Active, start.Add(-30*time.Minute))

	tests := []struct {
		name          string
		now           time.Time
		m             meeting.Meeting
		sent          []outbox.Message
		due, upcoming []schedule.Job
	}{
		{name: "briefs and follow-up ahead", now: start.Add(-48 * h), m: active,
			upcoming: []schedule.Job{schedule.BriefJob(active, 24*h), schedule.BriefJob(active, h), schedule.FollowupJob(active, cfg.FollowupAfter)}},
		{name: "a brief falls due", now: start.Add(-h), m: active, sent: []outbox.Message{brief(1, 24*h, start)},
			due:      []schedule.Job{schedule.BriefJob(active, h)},
			upcoming: []schedule.Job{schedule.FollowupJob(active, cfg.FollowupAfter)}},
		{name: "the follow-up falls due", now: start.Add(35 * time.Minute), m: active,
			due: []schedule.Job{schedule.FollowupJob(active, cfg.FollowupAfter)}},
		{name: "cancelled after the brief", now: start.Add(-50 * time.Minute), m: cancelled, sent: []outbox.Message{brief(1, 24*h, start)},
			due: []schedule.Job{schedule.CancelledNoticeJob(cancelled, start, start.Add(-50*time.Minute))}},
		{name: "moved later after the brief", now: start.Add(-50 * time.Minute), m: later, sent: []outbox.Message{brief(1, 24*h, start)},
			due:      []schedule.Job{schedule.MovedNoticeJob(later, start, start.Add(-50*time.Minute))},
			upcoming: []schedule.Job{schedule.BriefJob(later, h), schedule.FollowupJob(later, cfg.FollowupAfter)}},
		{name: "moved earlier after the briefs", now: start.Add(-50 * time.Minute), m: earlier,
			sent:     []outbox.Message{brief(1, 24*h, start), brief(2, h, start)},
			due:      []schedule.Job{schedule.MovedNoticeJob(earlier, start, start.Add(-50*time.Minute))},
			upcoming: []schedule.Job{schedule.FollowupJob(earlier, cfg.FollowupAfter)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, upcoming := schedule.Plan(tt.now, cfg, []meeting.Meeting{tt.m}, map[string][]outbox.Message{tt.m.Key: tt.sent}, time.Time{})
			if !sameJobs(due, tt.due) {
				t.Errorf("Plan() due =\n%+v\nwant\n%+v", due, tt.due)
			}
			if !sameJobs(upcoming, tt.upcoming) {
				t.Errorf("Plan() upcoming =\n%+v\nwant\n%+v", upcoming, tt.upcoming)
			}
		})
	}
}

func sameJobs(got, want []schedule.Job) bool {
	return len(got) == len(want) && (len(got) == 0 || reflect.DeepEqual(got, want))
}
