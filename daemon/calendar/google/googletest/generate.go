package googletest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"
)

// Addresses Generate uses. The boss rule in leadup's tests looks for
// BossEmail; SelfEmail is the calendar owner.
const (
	BossEmail = "dana@example.com"
	SelfEmail = "me@example.com"
)

// generator holds the word lists and random source of one Generate call.
type generator struct {
	r      *rand.Rand
	loc    *time.Location
	people []person
	// Agenda lines are an opener, a topic and a tail.
	openers, topics, tails []string
}

type person struct{ email, name string }

// Generate fills the calendar with n listed events for benchmarks: mostly
// single meetings (1:1s, and group meetings of 2 to 12 attendees with
// agendas of a few hundred bytes and Google Meet links), weekly series, and
// a few all-day and focus-time blocks. They fall on weekdays, in the
// America/New_York zone, over a window that starts at from and grows with
// n. Some involve BossEmail so a boss rule has something to match. The
// content is a function of seed; only the server's stamps (created,
// updated, etag) vary between runs.
//
// n counts listed items: a weekly series of k instances counts k.
func (s *Server) Generate(calendarID string, n int, from time.Time, seed int64) {
	// Six or so events a working day, and at least two weeks, so that
	// windows and series have room.
	s.GenerateWithin(calendarID, n, from, max(14, n/4), seed)
}

// GenerateWithin is Generate with every event, series instances included,
// starting within days of from: a benchmark can then know that all n fall
// inside the window it syncs.
func (s *Server) GenerateWithin(calendarID string, n int, from time.Time, days int, seed int64) {
	days = max(days, 1)
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		// time/tzdata is linked in, so this cannot fail.
		panic("googletest: Generate: " + err.Error())
	}
	g := &generator{
		r:       rand.New(rand.NewPCG(uint64(seed), 0x6c65616475702121)),
		loc:     loc,
		openers: []string{"Status of", "Open questions on", "Risks for", "Next steps for", "Metrics from", "Feedback about", "Timeline for", "Owner for"},
		topics:  []string{"the billing migration", "the on-call rotation", "Q4 hiring", "the mobile release", "the API deprecation", "the data retention policy", "customer onboarding", "the incident follow-ups"},
		tails:   []string{"before the freeze", "and who signs off", "with the platform team", "including the budget impact", "as discussed last week", "pending legal review", "for the board deck", "so we can close it out"},
	}
	firstNames := []string{"Alex", "Priya", "Jordan", "Mei", "Samuel", "Fatima", "Lukas", "Chioma", "Diego", "Hana", "Olivia", "Tomasz", "Aisha", "Ben", "Ingrid", "Kenji", "Noor", "Rafael", "Sofia", "Yusuf"}
	lastNames := []string{"Nguyen", "Okafor", "Schmidt", "Patel", "Garcia", "Kowalski", "Tanaka", "Haddad", "Johansson", "Reyes", "Moreau"}
	g.people = append(g.people, person{BossEmail, "Dana Whitfield"})
	for i, first := range firstNames {
		last := lastNames[(i*7)%len(lastNames)]
		g.people = append(g.people, person{strings.ToLower(first) + "." + strings.ToLower(last) + "@example.com", first + " " + last})
	}
	from = from.In(loc)
	end := from.AddDate(0, 0, days)
	prefix := fmt.Sprintf("gen%04x", uint16(seed))

	s.mu.Lock()
	defer s.mu.Unlock()
	for made, i := 0, 0; made < n; i++ {
		id := fmt.Sprintf("%s%06x", prefix, i)
		start := g.slot(from, days)
		left := n - made
		switch k := g.r.IntN(100); {
		case k < 3:
			s.mustPutLocked(calendarID, g.allDay(id, start))
			made++
		case k < 7:
			s.mustPutLocked(calendarID, g.focus(id, start))
			made++
		case k < 22 && left >= 2:
			// Weekly instances that still start before end.
			weeks := int(end.Sub(start)/(7*24*time.Hour)) + 1
			count := min(2+g.r.IntN(11), left, weeks)
			if _, err := s.addWeeklyLocked(calendarID, g.meeting(id, start, true), count); err != nil {
				panic("googletest: Generate: " + err.Error())
			}
			made += count
		default:
			s.mustPutLocked(calendarID, g.meeting(id, start, false))
			made++
		}
	}
}

func (s *Server) mustPutLocked(calendarID string, ev *calendarapi.Event) {
	if err := s.putOwnedLocked(calendarID, ev); err != nil {
		panic("googletest: Generate: " + err.Error())
	}
}

// slot picks a weekday start between 08:00 and 17:45 on or after from.
func (g *generator) slot(from time.Time, days int) time.Time {
	for {
		d := from.AddDate(0, 0, g.r.IntN(days))
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		t := time.Date(d.Year(), d.Month(), d.Day(), 8+g.r.IntN(10), 15*g.r.IntN(4), 0, 0, g.loc)
		if !t.Before(from) {
			return t
		}
	}
}

func (g *generator) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *generator) dateTime(t time.Time) *calendarapi.EventDateTime {
	return &calendarapi.EventDateTime{DateTime: t.Format(time.RFC3339), TimeZone: g.loc.String()}
}

// meeting builds a 1:1 or group meeting; a series gets a recurring title.
func (g *generator) meeting(id string, start time.Time, series bool) *calendarapi.Event {
	durations := []time.Duration{15, 25, 30, 30, 30, 45, 50, 60, 60, 90}
	end := start.Add(durations[g.r.IntN(len(durations))] * time.Minute)

	withBoss := g.r.IntN(100) < 20
	var guests []person
	oneOnOne := g.r.IntN(100) < 40
	if oneOnOne {
		other := g.people[1+g.r.IntN(len(g.people)-1)]
		if withBoss {
			other = g.people[0]
		}
		guests = []person{other}
	} else {
		// 2 to 12 attendees in all, counting the owner.
		want := 1 + g.r.IntN(11)
		seen := map[string]bool{}
		if withBoss {
			guests = append(guests, g.people[0])
			seen[BossEmail] = true
		}
		for len(guests) < want {
			p := g.people[1+g.r.IntN(len(g.people)-1)]
			if !seen[p.email] {
				seen[p.email] = true
				guests = append(guests, p)
			}
		}
	}

	var title string
	switch {
	case oneOnOne && series:
		title = "1:1 " + strings.Fields(guests[0].name)[0] + " / Me"
	case oneOnOne:
		title = g.pick([]string{"Catch up", "Quick sync", "Coffee chat", "Career conversation", "Review: "}) +
			" with " + strings.Fields(guests[0].name)[0]
	case series:
		title = g.pick([]string{"Weekly team sync", "Platform standup", "Roadmap review", "Design crit", "Ops review", "Hiring sync"})
	default:
		title = g.pick([]string{"Q3 planning", "Incident retro", "Launch readiness", "Budget review", "Customer escalation", "Architecture review", "Interview debrief", "All hands prep"})
	}

	organizer := person{SelfEmail, "Me"}
	if g.r.IntN(2) == 0 {
		organizer = guests[g.r.IntN(len(guests))]
	}
	attendees := []*calendarapi.EventAttendee{{
		Email: SelfEmail, Self: true, Organizer: organizer.email == SelfEmail,
		ResponseStatus: g.pick([]string{"accepted", "accepted", "accepted", "tentative", "needsAction", "declined"}),
	}}
	for _, p := range guests {
		attendees = append(attendees, &calendarapi.EventAttendee{
			Email: p.email, DisplayName: p.name, Organizer: p.email == organizer.email,
			Optional:       g.r.IntN(10) == 0,
			ResponseStatus: g.pick([]string{"accepted", "accepted", "tentative", "needsAction", "declined"}),
		})
	}
	if g.r.IntN(4) == 0 {
		attendees = append(attendees, &calendarapi.EventAttendee{
			Email:       "c_1888" + fmt.Sprintf("%08x", g.r.Uint32()) + "@resource.calendar.google.com",
			DisplayName: "HQ-" + g.pick([]string{"3-Lovelace (8)", "2-Hopper (4)", "5-Turing (12)"}), Resource: true,
			ResponseStatus: "accepted",
		})
	}

	meet := g.meetCode()
	ev := &calendarapi.Event{
		Id:          id,
		Summary:     title,
		Description: g.agenda(meet),
		Start:       g.dateTime(start),
		End:         g.dateTime(end),
		Creator:     &calendarapi.EventCreator{Email: organizer.email, DisplayName: organizer.name, Self: organizer.email == SelfEmail},
		Organizer:   &calendarapi.EventOrganizer{Email: organizer.email, DisplayName: organizer.name, Self: organizer.email == SelfEmail},
		Attendees:   attendees,
		HangoutLink: "https://meet.google.com/" + meet,
		ConferenceData: &calendarapi.ConferenceData{
			ConferenceId: meet,
			ConferenceSolution: &calendarapi.ConferenceSolution{
				Key:     &calendarapi.ConferenceSolutionKey{Type: "hangoutsMeet"},
				Name:    "Google Meet",
				IconUri: "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png",
			},
			EntryPoints: []*calendarapi.EntryPoint{
				{EntryPointType: "video", Uri: "https://meet.google.com/" + meet, Label: "meet.google.com/" + meet},
				{EntryPointType: "more", Uri: "https://tel.meet/" + meet + "?pin=" + g.pin(), Pin: g.pin()},
				{EntryPointType: "phone", Uri: "tel:+1-555-010-" + fmt.Sprintf("%04d", g.r.IntN(10000)), Label: "+1 555-010-0199", Pin: g.pin(), RegionCode: "US"},
			},
		},
		Reminders: &calendarapi.EventReminders{UseDefault: true},
	}
	if g.r.IntN(3) == 0 {
		ev.Location = g.pick([]string{"HQ-3-Lovelace (8)", "HQ-2-Hopper (4)", "Café on 2nd floor", "Zoom"})
	}
	if g.r.IntN(10) == 0 {
		ev.Status = "tentative"
	}
	return ev
}

func (g *generator) allDay(id string, start time.Time) *calendarapi.Event {
	days := 1 + g.r.IntN(3)
	return &calendarapi.Event{
		Id:           id,
		Summary:      g.pick([]string{"Offsite", "Company holiday", "Conference: GopherCon", "Team week"}),
		Description:  "All day. " + g.sentence(),
		Start:        &calendarapi.EventDateTime{Date: start.Format(dateLayout)},
		End:          &calendarapi.EventDateTime{Date: start.AddDate(0, 0, days).Format(dateLayout)},
		Transparency: "transparent",
	}
}

func (g *generator) focus(id string, start time.Time) *calendarapi.Event {
	return &calendarapi.Event{
		Id:        id,
		Summary:   "Focus time",
		EventType: "focusTime",
		Start:     g.dateTime(start),
		End:       g.dateTime(start.Add(2 * time.Hour)),
		FocusTimeProperties: &calendarapi.EventFocusTimeProperties{
			AutoDeclineMode: "declineOnlyNewConflictingInvitations",
			ChatStatus:      "doNotDisturb",
		},
	}
}

// meetCode returns a code shaped like Meet's, "abc-defg-hij".
func (g *generator) meetCode() string {
	letter := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + g.r.IntN(26))
		}
		return string(b)
	}
	return letter(3) + "-" + letter(4) + "-" + letter(3)
}

func (g *generator) pin() string { return fmt.Sprintf("%09d", g.r.IntN(1_000_000_000)) }

// agenda returns a description of a few hundred bytes, ending with the
// joining instructions Google appends to Meet invitations.
func (g *generator) agenda(meet string) string {
	var b strings.Builder
	b.WriteString("Agenda:\n")
	for range 2 + g.r.IntN(4) {
		b.WriteString("- " + g.sentence() + "\n")
	}
	if g.r.IntN(2) == 0 {
		b.WriteString("\nDoc: https://docs.example.com/d/" + g.meetCode() + "\n")
	}
	b.WriteString("\n-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:-\n")
	b.WriteString("Join with Google Meet: https://meet.google.com/" + meet + "\n")
	b.WriteString("Or dial: (US) +1 555-010-0199 PIN: " + g.pin() + "#\n")
	return b.String()
}

func (g *generator) sentence() string {
	return g.pick(g.openers) + " " + g.pick(g.topics) + " " + g.pick(g.tails) + "."
}
