package render

import "time"

// CatchupData is what the catch-up after downtime is made from: the
// meetings that ended while leadup was not running and got no follow-up,
// because only the latest Sent of each boss's got one
// (limits.overdue_followups_per_boss).
type CatchupData struct {
	Now      time.Time
	Location *time.Location // the user's zone
	Sent     int            // follow-ups sent per boss
	Bosses   []CatchupBoss
	// TopicAddress is where to send what one of those meetings settled, so
	// that it goes on the agenda of the next one; "" when there is none.
	TopicAddress string
}

// CatchupBoss is one boss's meetings left without a follow-up.
type CatchupBoss struct {
	Boss     Boss
	Meetings []Meeting // earliest first
}

// Count is the number of meetings named, for the subject.
func (d CatchupData) Count() int {
	n := 0
	for _, b := range d.Bosses {
		n += len(b.Meetings)
	}
	return n
}

// SampleCatchup returns a catch-up for the template check and previews.
func SampleCatchup(now time.Time) CatchupData {
	m := sampleMeeting(now.Add(-20 * time.Hour))
	group := m
	group.OneOnOne, group.Title = false, "Roadmap review"
	group.Start, group.End = m.Start.Add(3*time.Hour), m.End.Add(3*time.Hour)
	return CatchupData{Now: now, Location: m.Location, Sent: 3, TopicAddress: "me+topic-x7k2@example.com",
		Bosses: []CatchupBoss{{Boss: sampleBoss(), Meetings: []Meeting{m, group}}}}
}

// Catchup renders the catch-up that names the follow-ups not sent.
func (r *Renderer) Catchup(d CatchupData) (Rendered, error) {
	loc := zone(d.Location)
	d.Location = loc
	d.Now = d.Now.In(loc)
	bosses := make([]CatchupBoss, len(d.Bosses))
	for i, b := range d.Bosses {
		b.Boss = prepBoss(b.Boss)
		ms := make([]Meeting, len(b.Meetings))
		for j, m := range b.Meetings {
			ms[j] = prepMeeting(m, loc)
		}
		b.Meetings = ms
		bosses[i] = b
	}
	d.Bosses = bosses
	return r.render("catchup", d)
}
