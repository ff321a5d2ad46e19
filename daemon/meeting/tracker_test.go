package meeting_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	calendarapi "google.golang.org/api/calendar/v3"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/calendar/google"
	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/store"
)

var (
	now    = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	bosses = []config.Boss{{Name: "Dana Whitfield", Emails: []string{"dana@example.com"}}}
)

func event(id string, start time.Time, guests ...string) *calendarapi.Event {
	ev := &calendarapi.Event{
		Id:        id,
		Summary:   "Meeting " + id,
		Start:     &calendarapi.EventDateTime{DateTime: start.Format(time.RFC3339)},
		End:       &calendarapi.EventDateTime{DateTime: start.Add(30 * time.Minute).Format(time.RFC3339)},
		Organizer: &calendarapi.EventOrganizer{Email: "me@example.com", Self: true},
		Attendees: []*calendarapi.EventAttendee{{Email: "me@example.com", Self: true, Organizer: true, ResponseStatus: "accepted"}},
	}
	for _, g := range guests {
		ev.Attendees = append(ev.Attendees, &calendarapi.EventAttendee{Email: g, ResponseStatus: "accepted"})
	}
	return ev
}

type harness struct {
	srv     *googletest.Server
	src     *google.Source
	clock   *clock.Fake
	store   *store.Store
	tracker *meeting.Tracker
	changes [][]meeting.Change
}

func newHarness(t *testing.T) *harness {
	return newHarnessWith(t, now, meeting.NewRule(bosses, config.Filter{GroupMeetings: true}))
}

func newHarnessWith(t *testing.T, now time.Time, rule *meeting.Rule, log ...*slog.Logger) *harness {
	t.Helper()
	ctx := context.Background()
	h := &harness{srv: googletest.NewServer()}
	t.Cleanup(h.srv.Close)
	fake := clock.NewFake(now)
	src, err := google.New(ctx, google.Options{
		Lookahead:  14 * 24 * time.Hour,
		Endpoint:   h.srv.Endpoint(),
		HTTPClient: &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})}},
		Clock:      fake,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.store, err = store.Open(ctx, filepath.Join(t.TempDir(), store.FileName), store.Options{Now: fake.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.store.Close() })
	h.src, h.clock = src, fake
	h.tracker = meeting.NewTracker(meeting.TrackerOptions{
		Source:   src,
		Store:    h.store,
		Rule:     rule,
		Poll:     2 * time.Minute,
		Clock:    fake,
		OnChange: func(cs []meeting.Change) { h.changes = append(h.changes, cs) },
	})
	if len(log) > 0 {
		h.tracker = meeting.NewTracker(meeting.TrackerOptions{Source: src, Store: h.store, Rule: rule, Poll: 2 * time.Minute,
			Clock: fake, Log: log[0]})
	}
	return h
}

// TestTrackerLogsAFloodInOneLine: a sync that finds many meetings logs the
// first twenty a line each and the rest in one line.
func TestTrackerLogsAFloodInOneLine(t *testing.T) {
	var logs bytes.Buffer
	h := newHarnessWith(t, now, meeting.NewRule(bosses, config.Filter{GroupMeetings: true}), slog.New(slog.NewTextHandler(&logs, nil)))
	for i := range 50 {
		h.srv.Put("primary", event(fmt.Sprintf("ev%02d", i), now.Add(time.Duration(i+1)*time.Hour), "dana@example.com"))
	}
	h.sync(t)
	if n := strings.Count(logs.String(), `msg="meeting found"`); n != 20 {
		t.Errorf("%d lines for single meetings, want 20:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), `msg="and more meetings changed"`) || !strings.Contains(logs.String(), "more=30 found=30") {
		t.Errorf("want one line for the other 30:\n%s", logs.String())
	}
}

func (h *harness) sync(t *testing.T) meeting.SyncResult {
	t.Helper()
	res, err := h.tracker.Sync(context.Background())
	if err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	return res
}

func (h *harness) active(t *testing.T) []string {
	t.Helper()
	ms, err := h.store.Meetings(context.Background(), store.Query{Statuses: []meeting.Status{meeting.Active}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.Event.ID)
	}
	return out
}

func (h *harness) status(t *testing.T, id string) meeting.Status {
	t.Helper()
	m, err := h.store.Meeting(context.Background(), "google:primary/"+id)
	if err != nil {
		t.Fatalf("Meeting(%s) = %v", id, err)
	}
	return m.Status
}

func TestTrackerFollowsTheCalendar(t *testing.T) {
	h := newHarness(t)
	h.srv.Put("primary", event("one", now.Add(2*time.Hour), "dana@example.com"))
	h.srv.Put("primary", event("group", now.Add(3*time.Hour), "dana@example.com", "lee@example.com"))
	h.srv.Put("primary", event("other", now.Add(4*time.Hour), "lee@example.com"))
	h.srv.Put("primary", event("dropme", now.Add(5*time.Hour), "dana@example.com"))
	h.srv.Put("primary", event("declineme", now.Add(6*time.Hour), "dana@example.com"))
	h.srv.Put("primary", event("moveme", now.Add(7*time.Hour), "dana@example.com"))

	res := h.sync(t)
	if !res.Full || len(res.Changes) != 5 {
		t.Fatalf("first sync: full %t, %d changes; want full, 5 new meetings", res.Full, len(res.Changes))
	}
	if got, want := h.active(t), []string{"one", "group", "dropme", "declineme", "moveme"}; !slices.Equal(got, want) {
		t.Fatalf("active meetings = %v, want %v", got, want)
	}

	// Nothing changed: one request, no changes, no callback.
	res = h.sync(t)
	if res.Full || res.Requests != 1 || len(res.Changes) != 0 || len(h.changes) != 1 {
		t.Fatalf("idle sync: full %t, %d requests, %d changes, %d callbacks", res.Full, res.Requests, len(res.Changes), len(h.changes))
	}

	must(t, h.srv.Delete("primary", "dropme"))
	must(t, h.srv.Update("primary", "declineme", func(ev *calendarapi.Event) { ev.Attendees[0].ResponseStatus = "declined" }))
	must(t, h.srv.Update("primary", "moveme", func(ev *calendarapi.Event) {
		ev.Start.DateTime = now.Add(9 * time.Hour).Format(time.RFC3339)
		ev.End.DateTime = now.Add(10 * time.Hour).Format(time.RFC3339)
	}))
	must(t, h.srv.Update("primary", "group", func(ev *calendarapi.Event) { ev.Attendees = ev.Attendees[:1] })) // boss removed
	h.srv.Put("primary", event("new", now.Add(26*time.Hour), "Dana@Example.com"))
	res = h.sync(t)
	if res.Full {
		t.Error("sync after edits was full, want incremental")
	}
	got := map[string]meeting.Change{}
	for _, c := range res.Changes {
		got[c.Key] = c
	}
	want := map[string]meeting.Change{
		"google:primary/dropme":    {Key: "google:primary/dropme", Before: meeting.Active, After: meeting.Cancelled},
		"google:primary/declineme": {Key: "google:primary/declineme", Before: meeting.Active, After: meeting.Declined},
		"google:primary/moveme":    {Key: "google:primary/moveme", Before: meeting.Active, After: meeting.Active, Moved: true},
		"google:primary/group":     {Key: "google:primary/group", Before: meeting.Active, After: meeting.Unmatched},
		"google:primary/new":       {Key: "google:primary/new", After: meeting.Active},
	}
	if len(got) != len(want) {
		t.Errorf("changes = %+v, want %+v", res.Changes, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("change %s = %+v, want %+v", k, got[k], w)
		}
	}
	if got, want := h.active(t), []string{"one", "moveme", "new"}; !slices.Equal(got, want) {
		t.Errorf("active meetings = %v, want %v", got, want)
	}
}

func TestTrackerReclassifiesWhenTheRuleChanges(t *testing.T) {
	h := newHarness(t)
	h.srv.Put("primary", event("one", now.Add(2*time.Hour), "dana@example.com"))
	h.srv.Put("primary", event("group", now.Add(3*time.Hour), "dana@example.com", "lee@example.com"))
	h.sync(t)

	// A reload opens a new daemon: a new tracker, with the new rule, on
	// the same store and calendar.
	h.tracker = meeting.NewTracker(meeting.TrackerOptions{Source: h.src, Store: h.store,
		Rule: meeting.NewRule(bosses, config.Filter{GroupMeetings: false}), Poll: 2 * time.Minute, Clock: h.clock})
	res := h.sync(t)
	if !res.Full {
		t.Error("sync after a rule change was incremental, want full")
	}
	if st := h.status(t, "group"); st != meeting.Unmatched {
		t.Errorf("group meeting after group_meetings=false: %s, want unmatched", st)
	}
	if st := h.status(t, "one"); st != meeting.Active {
		t.Errorf("1:1 after group_meetings=false: %s, want active", st)
	}
	// The rule is stored with the cursor: the next sync is incremental again.
	if res := h.sync(t); res.Full {
		t.Error("second sync after a rule change was full, want incremental")
	}
}

func TestTrackerMovedInstanceKeepsItsKey(t *testing.T) {
	h := newHarness(t)
	master := event("weekly", now.Add(2*time.Hour), "dana@example.com")
	ids := h.srv.AddWeekly("primary", master, 2)
	h.sync(t)
	must(t, h.srv.MoveInstance("primary", ids[0], now.Add(30*time.Hour), now.Add(31*time.Hour)))
	must(t, h.srv.CancelInstance("primary", ids[1]))
	res := h.sync(t)
	if len(res.Changes) != 2 {
		t.Fatalf("changes = %+v, want the move and the cancellation", res.Changes)
	}
	for _, c := range res.Changes {
		switch c.After {
		case meeting.Active:
			if !c.Moved || c.Before != meeting.Active {
				t.Errorf("moved instance change = %+v", c)
			}
		case meeting.Cancelled:
		default:
			t.Errorf("unexpected change %+v", c)
		}
	}
	ms, _ := h.store.Meetings(context.Background(), store.Query{})
	if len(ms) != 2 {
		t.Errorf("stored meetings = %d, want 2 (a moved instance is not a new meeting)", len(ms))
	}
}

// scriptedSource answers Sync from a script of errors, counting calls.
type scriptedSource struct {
	mu    sync.Mutex
	errs  []error
	calls int
	done  chan struct{}
}

func (s *scriptedSource) Name() string { return "test:cal" }

func (s *scriptedSource) Sync(ctx context.Context, cursor string) (calendar.Changes, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	defer func() { s.done <- struct{}{} }()
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		if err != nil {
			return calendar.Changes{}, err
		}
	}
	return calendar.Changes{Cursor: "c"}, nil
}

func TestTrackerRunPollsAndBacksOff(t *testing.T) {
	fail := errors.New("network down")
	src := &scriptedSource{errs: []error{nil, fail, fail, nil}, done: make(chan struct{}, 10)}
	tr, fake := runTracker(t, src)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- tr.Run(ctx) }()

	// Each step: the loop sleeps; the next sync comes exactly `wait` later.
	for i, wait := range []time.Duration{0, 2 * time.Minute, 2 * time.Minute, 4 * time.Minute} {
		if i > 0 {
			<-fake.BlockUntil(1)
			next, _ := fake.NextDue()
			if got := next.Sub(fake.Now()); got != wait {
				t.Fatalf("sync %d: scheduled in %v, want %v", i+1, got, wait)
			}
			fake.Advance(wait)
		}
		select {
		case <-src.done:
		case <-time.After(5 * time.Second):
			t.Fatalf("sync %d did not happen", i+1)
		}
	}
	// After a success the interval is back to poll.
	<-fake.BlockUntil(1)
	if next, _ := fake.NextDue(); next.Sub(fake.Now()) != 2*time.Minute {
		t.Errorf("after recovery: next sync in %v, want 2m", next.Sub(fake.Now()))
	}
	if last := tr.LastSync(); !last.Equal(fake.Now()) {
		t.Errorf("LastSync() = %v, want %v", last, fake.Now())
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v, want context.Canceled after cancel", err)
	}
}

// TestTrackerRunBackoffIsCapped: while syncs keep failing, the poll doubles
// up to 30 minutes and stays there, without jitter.
func TestTrackerRunBackoffIsCapped(t *testing.T) {
	fail := errors.New("network down")
	src := &scriptedSource{errs: slices.Repeat([]error{fail}, 8), done: make(chan struct{}, 10)}
	tr, fake := runTracker(t, src)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- tr.Run(ctx) }()
	<-src.done
	for i, want := range []time.Duration{2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		30 * time.Minute, 30 * time.Minute} {
		<-fake.BlockUntil(1)
		next, _ := fake.NextDue()
		if got := next.Sub(fake.Now()); got != want {
			t.Fatalf("after %d failures: next sync in %v, want %v", i+1, got, want)
		}
		fake.Advance(want)
		<-src.done
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v, want context.Canceled after cancel", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestBossRuleFixture runs the Google-format events of
// testdata/boss_rule.json through the fake API, the source, the rule and the
// store. Each event states in extendedProperties.private what leadup should
// make of it: leadup_status ("none" when it must not be stored),
// leadup_kind ("1:1" or "group"), leadup_boss, leadup_boss_declined and
// leadup_start (the instant it starts, in UTC).
func TestBossRuleFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/boss_rule.json")
	if err != nil {
		t.Fatal(err)
	}
	rule := meeting.NewRule([]config.Boss{
		{Name: "Dana Whitfield", Emails: []string{"dana@example.com", "dana.whitfield@corp.example"}},
		{Name: "Sam Okafor", Emails: []string{"sam@example.com"}},
	}, config.Filter{GroupMeetings: true, ExcludeTitle: regexp.MustCompile(`(?i)\blunch\b`)})
	h := newHarnessWith(t, time.Date(2026, 10, 26, 7, 0, 0, 0, time.UTC), rule)
	if err := h.srv.LoadJSON("primary", bytes.NewReader(data)); err != nil {
		t.Fatalf("LoadJSON() = %v", err)
	}
	h.sync(t)

	var fixture struct {
		Items []*calendarapi.Event `json:"items"`
	}
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	for _, it := range fixture.Items {
		want := it.ExtendedProperties.Private
		t.Run(it.Id, func(t *testing.T) {
			ev := calendar.Event{ID: it.Id, RecurringEventID: it.RecurringEventId}
			if it.OriginalStartTime != nil {
				ev.OriginalStart, _ = time.Parse(time.RFC3339, it.OriginalStartTime.DateTime)
			}
			m, err := h.store.Meeting(context.Background(), meeting.KeyOf("google:primary", &ev))
			if want["leadup_status"] == "none" {
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("stored as %s, want not stored", m.Status)
				}
				return
			}
			if err != nil {
				t.Fatalf("Meeting() = %v, want %s", err, want["leadup_status"])
			}
			kind := "group"
			if m.OneOnOne {
				kind = "1:1"
			}
			if string(m.Status) != want["leadup_status"] || kind != want["leadup_kind"] || m.Boss != want["leadup_boss"] ||
				m.BossDeclined != (want["leadup_boss_declined"] == "true") {
				t.Errorf("stored %s %s with %q, boss declined %t; want %s %s with %q, boss declined %s",
					m.Status, kind, m.Boss, m.BossDeclined, want["leadup_status"], want["leadup_kind"], want["leadup_boss"], want["leadup_boss_declined"])
			}
			if s := want["leadup_start"]; s != "" && m.Event.Start.UTC().Format(time.RFC3339) != s {
				t.Errorf("starts %s, want %s", m.Event.Start.UTC().Format(time.RFC3339), s)
			}
		})
	}
}

func TestTrackerRunAfterARecentSync(t *testing.T) {
	src := &scriptedSource{done: make(chan struct{}, 10)}
	tr, fake := runTracker(t, src)
	if _, err := tr.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-src.done
	fake.Advance(30 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- tr.Run(ctx) }()
	// Run does not sync again at once: it waits out the poll.
	<-fake.BlockUntil(1)
	if next, _ := fake.NextDue(); next.Sub(fake.Now()) != 90*time.Second {
		t.Errorf("first sync of Run in %v, want the 90s left of the poll", next.Sub(fake.Now()))
	}
	if src.calls != 1 {
		t.Errorf("%d syncs, want only the one before Run", src.calls)
	}
	fake.Advance(90 * time.Second)
	<-src.done
	cancel()
	<-done
}

// runTracker returns a tracker of src polling every 2 minutes on a fake
// clock, over a new store closed when the test ends.
func runTracker(t *testing.T, src calendar.Source) (*meeting.Tracker, *clock.Fake) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fake := clock.NewFake(now)
	return meeting.NewTracker(meeting.TrackerOptions{
		Source: src, Store: st, Rule: meeting.NewRule(bosses, config.Filter{}), Poll: 2 * time.Minute, Clock: fake,
	}), fake
}
