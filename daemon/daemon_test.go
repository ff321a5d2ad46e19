package daemon_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/replytoken"
)

// TestBriefAndFollowupOnTime runs the daemon on the real clock with a
// meeting a few seconds away: the brief arrives within a second of its due
// time, then the follow-up, each once, shaped for a mail client.
func TestBriefAndFollowupOnTime(t *testing.T) {
	s := newStack(t, "[brief]\nbefore = [\"3s\"]\n[followup]\nafter = \"1s\"\n")
	start := time.Now().Truncate(time.Second).Add(5 * time.Second)
	s.meetingWith("one", "Dana / me", "dana@example.com", start, time.Second)
	s.start(t, daemon.Options{})

	msgs := s.wait(t, 2)
	brief, followup := parse(t, msgs[0]), parse(t, msgs[1])
	if late := msgs[0].At.Sub(start.Add(-3 * time.Second)); late < 0 || late > time.Second {
		t.Errorf("brief arrived %v after its due time, want within 1s", late)
	}
	if late := msgs[1].At.Sub(start.Add(2 * time.Second)); late < 0 || late > time.Second {
		t.Errorf("follow-up arrived %v after its due time, want within 1s", late)
	}
	if !strings.Contains(brief.subject, "Dana") || strings.Contains(brief.subject, "[late]") {
		t.Errorf("brief subject = %q", brief.subject)
	}
	if brief.autoSubmit != "auto-generated" || !strings.HasPrefix(brief.messageID, "leadup.brief.3.") {
		t.Errorf("brief Auto-Submitted %q, Message-ID %q", brief.autoSubmit, brief.messageID)
	}
	if !strings.Contains(brief.text, "Bottom line first.") || !strings.Contains(brief.html, "Ship the billing migration") {
		t.Errorf("brief lacks the boss's style and priorities:\n%s", brief.text)
	}

	// The follow-up carries a reply token in its Message-ID and Reply-To.
	tokens := replytoken.Candidates(followup.messageID)
	if len(tokens) != 1 || !strings.Contains(followup.replyTo, "me+leadup-"+tokens[0]+"@example.com") {
		t.Fatalf("follow-up Message-ID %q, Reply-To %q: want the same token in both", followup.messageID, followup.replyTo)
	}
	minter, err := replytoken.LoadOrCreate(s.dir+"/state", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ref, _, err := minter.Verify(tokens[0], time.Now()); err != nil || ref != replytoken.Ref("google:primary/one") {
		t.Errorf("follow-up token: ref %q, %v; want the meeting's", ref, err)
	}
	for _, heading := range []string{"Decisions:", "Action items:", "Feedback:", "Next time:"} {
		if !strings.Contains(followup.text, heading) {
			t.Errorf("follow-up lacks %q:\n%s", heading, followup.text)
		}
	}
	if n := len(s.smtp.Messages()); n != 2 {
		t.Errorf("%d messages, want 2", n)
	}
}

// TestLateBriefAfterDowntime: leadup starts after a brief fell due but
// before the meeting: the brief goes out at once, marked late; a meeting
// already under way gets none.
func TestLateBriefAfterDowntime(t *testing.T) {
	s := newStack(t, "[brief]\nbefore = [\"1h\"]\n")
	now := time.Now()
	s.meetingWith("soon", "Budget review", "dana@example.com", now.Add(20*time.Minute), 30*time.Minute)
	s.meetingWith("started", "Already going", "dana@example.com", now.Add(-5*time.Minute), 30*time.Minute)
	s.start(t, daemon.Options{})
	p := parse(t, s.wait(t, 1)[0])
	if !strings.HasPrefix(p.subject, "[late]") || !strings.Contains(p.text, "Budget review") {
		t.Errorf("subject = %q, want a late brief for Budget review:\n%s", p.subject, p.text)
	}
	if strings.Contains(p.text, "Already going") {
		t.Error("a brief went out for a meeting already under way")
	}
}

// TestCancelledAfterBrief: the meeting is deleted after its brief went out:
// a short notice follows, threaded under the brief.
func TestCancelledAfterBrief(t *testing.T) {
	s := newStack(t, "[brief]\nbefore = [\"1h\"]\n")
	s.meetingWith("one", "Dana / me", "dana@example.com", time.Now().Add(30*time.Minute), 30*time.Minute)
	d := s.start(t, daemon.Options{})
	brief := parse(t, s.wait(t, 1)[0])

	if err := s.google.Delete("primary", "one"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SyncMeetings(context.Background()); err != nil {
		t.Fatal(err)
	}
	notice := parse(t, s.wait(t, 2)[1])
	if !strings.Contains(strings.ToLower(notice.subject), "cancelled") || notice.inReplyTo != brief.messageID {
		t.Errorf("notice subject %q, In-Reply-To %q; want a cancellation under %q", notice.subject, notice.inReplyTo, brief.messageID)
	}
}

// TestTwoBossesHostileInvite: each boss's meeting gets its own brief; the
// invitation's HTML cannot reach the email as markup.
func TestTwoBossesHostileInvite(t *testing.T) {
	s := newStack(t, "[brief]\nbefore = [\"1h\"]\n")
	now := time.Now()
	s.meetingWith("dana", "Dana / me", "dana@example.com", now.Add(30*time.Minute), 30*time.Minute, func(ev *calendarapi.Event) {
		ev.Description = `<p>Agenda</p><script>alert(1)</script><img src="https://tracker.example/p.gif" onerror="x()">` +
			`<a href="javascript:steal()">click</a><ul><li>Budget</li></ul>`
	})
	s.meetingWith("sam", "Skip-level", "sam@example.com", now.Add(40*time.Minute), 30*time.Minute, func(ev *calendarapi.Event) {
		ev.Start.TimeZone, ev.End.TimeZone = "America/New_York", "America/New_York"
	})
	s.start(t, daemon.Options{})
	msgs := s.wait(t, 2)
	var dana, sam parsed
	var subjects []string
	for _, m := range msgs {
		p := parse(t, m)
		subjects = append(subjects, p.subject)
		switch {
		case strings.Contains(p.subject, "Dana"):
			dana = p
		case strings.Contains(p.subject, "Sam"):
			sam = p
		}
	}
	if dana.subject == "" || sam.subject == "" {
		t.Fatalf("subjects = %q, want one brief per boss", subjects)
	}
	if tok, ok := strings.CutPrefix(dana.replyTo, "me+leadup-"); !ok || len(tok) != len("@example.com")+replytoken.Len {
		t.Errorf("brief Reply-To = %q, want the reply address with a token (a reply to a brief adds talking points)", dana.replyTo)
	}
	for _, bad := range []string{"<script", "alert(1)", "tracker.example", "onerror", "javascript:"} {
		if strings.Contains(dana.html, bad) {
			t.Errorf("brief HTML contains %q", bad)
		}
	}
	if strings.Contains(dana.text, "<p>") || !strings.Contains(dana.text, "Budget") {
		t.Errorf("brief text part should have the agenda as text:\n%s", dana.text)
	}
	if !strings.Contains(sam.text, "Sam") || !strings.Contains(sam.text, "New York") {
		t.Errorf("Sam's brief should name him and his time zone:\n%s", sam.text)
	}
}

// TestNothingTwiceAcrossRestart: what was sent is remembered across a restart, so
// a second daemon sends nothing again.
func TestNothingTwiceAcrossRestart(t *testing.T) {
	// No digest: the plan below is the meeting's alone.
	s := newStack(t, "[brief]\nbefore = [\"1h\"]\n[digest]\nweekly = \"\"\n")
	s.meetingWith("one", "Dana / me", "dana@example.com", time.Now().Add(30*time.Minute), 30*time.Minute)
	cfg := s.loadConfig(t)
	d, err := daemon.Open(context.Background(), daemon.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	s.wait(t, 1)
	cancel()
	<-done
	d.Close()

	d2 := s.start(t, daemon.Options{Config: cfg})
	if _, err := d2.SyncMeetings(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs, err := d2.Store().RecentOutbox(context.Background(), time.Now().Add(-time.Hour), 10)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox after restart = %d rows, %v; want the 1 sent brief", len(msgs), err)
	}
	due, upcoming, err := d2.Plan(context.Background())
	if err != nil || len(due) != 0 || len(upcoming) != 1 || upcoming[0].Kind != "followup" {
		t.Errorf("plan after restart: %d due, upcoming %v, %v; want only the follow-up ahead", len(due), upcoming, err)
	}
	if n := len(s.smtp.Messages()); n != 1 {
		t.Errorf("%d messages after a restart, want 1", n)
	}
}

// TestCatchupAfterDowntime: leadup starts after six meetings with one boss
// ended: follow-ups go out for the latest three only, and one catch-up
// names the other three. A restart sends neither again.
func TestCatchupAfterDowntime(t *testing.T) {
	s := newStack(t, "[brief]\nbefore = [\"1h\"]\n[followup]\nafter = \"5m\"\n[digest]\nweekly = \"\"\n")
	now := time.Now()
	for i := range 6 {
		s.meetingWith(fmt.Sprintf("m%d", i), fmt.Sprintf("Check-in %d", i), "dana@example.com",
			now.Add(-time.Duration(12-i)*time.Hour), 30*time.Minute, func(ev *calendarapi.Event) {
				ev.Attendees = append(ev.Attendees, &calendarapi.EventAttendee{Email: "lee@example.com", ResponseStatus: "accepted"})
			})
	}
	cfg := s.loadConfig(t)
	d := s.start(t, daemon.Options{Config: cfg})
	msgs := s.wait(t, 4)
	var followups, catchups []parsed
	for _, m := range msgs {
		p := parse(t, m)
		switch {
		case strings.HasPrefix(p.messageID, "leadup.followup."):
			followups = append(followups, p)
		case strings.HasPrefix(p.messageID, "leadup.catchup."):
			catchups = append(catchups, p)
		default:
			t.Errorf("unexpected email %q (%s)", p.subject, p.messageID)
		}
	}
	if len(followups) != 3 || len(catchups) != 1 {
		t.Fatalf("%d follow-ups and %d catch-ups, want 3 and 1", len(followups), len(catchups))
	}
	for _, f := range followups {
		if !strings.Contains(f.subject, "Check-in 3") && !strings.Contains(f.subject, "Check-in 4") && !strings.Contains(f.subject, "Check-in 5") {
			t.Errorf("follow-up %q is not one of the latest three", f.subject)
		}
	}
	cu := catchups[0]
	if cu.subject != "No follow-up for 3 meetings while leadup was down" || cu.autoSubmit != "auto-generated" {
		t.Errorf("catch-up subject %q, Auto-Submitted %q", cu.subject, cu.autoSubmit)
	}
	for i := range 6 {
		if named := strings.Contains(cu.text, fmt.Sprintf("Check-in %d", i)); named != (i < 3) {
			t.Errorf("catch-up names Check-in %d: %t, want %t:\n%s", i, named, i < 3, cu.text)
		}
	}
	if !strings.Contains(cu.text, "WITH DANA") || !strings.Contains(cu.html, "Check-in 0") {
		t.Errorf("catch-up text:\n%s", cu.text)
	}
	rows, err := d.Store().RecentOutbox(context.Background(), now.Add(-time.Hour), 20)
	if err != nil {
		t.Fatal(err)
	}
	skipped := 0
	for _, r := range rows {
		if r.State == "skipped" {
			skipped++
		}
	}
	if skipped != 3 {
		t.Errorf("%d skipped follow-ups in the outbox, want 3", skipped)
	}
	if due, _, err := d.Plan(context.Background()); err != nil || len(due) != 0 {
		t.Errorf("plan after the catch-up: %v due, %v; want none", due, err)
	}

	// A second daemon on the same state sends nothing more.
	d2, err := daemon.Open(context.Background(), daemon.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	if due, _, err := d2.Plan(context.Background()); err != nil || len(due) != 0 {
		t.Errorf("plan after a restart: %v due, %v; want none", due, err)
	}
}
