package outbox_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/store"
)

var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

var errPermanent = errors.New("554 rejected")

// scripted is a Sender that fails while down is set, and records what it sent.
type scripted struct {
	mu   sync.Mutex
	down error
	sent []string
	done chan struct{}
}

func (s *scripted) Send(ctx context.Context, from string, to []string, msg []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() { s.done <- struct{}{} }()
	if s.down != nil {
		return s.down
	}
	s.sent = append(s.sent, string(msg))
	return nil
}

func (s *scripted) setDown(err error) { s.mu.Lock(); s.down = err; s.mu.Unlock() }
func (s *scripted) count() int        { s.mu.Lock(); defer s.mu.Unlock(); return len(s.sent) }

type verifier struct {
	found bool
	err   error
}

func (v verifier) Delivered(context.Context, string) (bool, error) { return v.found, v.err }

type fixture struct {
	st     *store.Store
	clock  *clock.Fake
	sender *scripted
	d      *outbox.Deliverer
	cancel func()
	done   chan error
}

func newFixture(t *testing.T, v outbox.Verifier) *fixture {
	t.Helper()
	fx := &fixture{clock: clock.NewFake(t0), sender: &scripted{done: make(chan struct{}, 100)}}
	var err error
	fx.st, err = store.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName), store.Options{Now: fx.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fx.st.Close() })
	m := meeting.Meeting{Key: "cal/m", Calendar: "cal", Status: meeting.Active, Boss: "Dana",
		Event: calendar.Event{ID: "m", Start: t0.Add(2 * time.Hour), End: t0.Add(3 * time.Hour)}}
	if _, err := fx.st.ApplySync(context.Background(), meeting.SyncUpdate{Calendar: "cal", Meetings: []meeting.Meeting{m}}); err != nil {
		t.Fatal(err)
	}
	fx.d = outbox.NewDeliverer(outbox.Options{
		Store: fx.st, Sender: fx.sender, Verifier: v, Clock: fx.clock,
		IsPermanent: func(err error) bool { return errors.Is(err, errPermanent) },
	})
	return fx
}

func (fx *fixture) start() {
	ctx, cancel := context.WithCancel(context.Background())
	fx.cancel, fx.done = cancel, make(chan error, 1)
	go func() { fx.done <- fx.d.Run(ctx) }()
}

func (fx *fixture) stop(t *testing.T) {
	t.Helper()
	fx.cancel()
	if err := <-fx.done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v, want context.Canceled after cancel", err)
	}
}

// settle waits until the deliverer sleeps again.
func (fx *fixture) settle() { <-fx.clock.BlockUntil(1) }

// nextSend moves the clock from timer to timer until the deliverer makes an
// attempt, and waits for it to sleep again. Not every wake-up is an attempt:
// a long backoff is slept in several stretches.
func (fx *fixture) nextSend(t *testing.T) {
	t.Helper()
	for range 100 {
		fx.settle()
		select {
		case <-fx.sender.done:
			fx.settle()
			return
		default:
		}
		next, ok := fx.clock.NextDue()
		if !ok {
			t.Fatal("deliverer sleeps with no timer")
		}
		fx.clock.Advance(next.Sub(fx.clock.Now()))
	}
	t.Fatal("no attempt after 100 wake-ups")
}

func (fx *fixture) enqueue(t *testing.T, id string, expires time.Time) {
	t.Helper()
	ok, err := fx.st.Enqueue(context.Background(), outbox.Message{
		MessageID: id, MeetingKey: "cal/m", Kind: outbox.KindBrief, Variant: id, MeetingStart: t0.Add(2 * time.Hour),
		NextAttempt: fx.clock.Now(), Expires: expires, EnvelopeFrom: "leadup@example.com", EnvelopeTo: []string{"me@example.com"},
		Subject: "Prep", Body: []byte("body of " + id),
	})
	if err != nil || !ok {
		t.Fatalf("Enqueue(%s) = %t, %v", id, ok, err)
	}
	fx.d.Kick()
}

func (fx *fixture) state(t *testing.T) outbox.Message {
	t.Helper()
	ms, err := fx.st.OutboxForMeetings(context.Background(), []string{"cal/m"})
	if err != nil || len(ms["cal/m"]) != 1 {
		t.Fatalf("OutboxForMeetings() = %v, %v", ms, err)
	}
	return ms["cal/m"][0]
}

func TestDeliverOnce(t *testing.T) {
	fx := newFixture(t, nil)
	fx.start()
	defer fx.stop(t)
	fx.settle()
	fx.enqueue(t, "a", t0.Add(time.Hour))
	<-fx.sender.done
	fx.settle()
	m := fx.state(t)
	if m.State != outbox.StateSent || m.Attempts != 1 || !m.Sent.Equal(t0) || fx.sender.count() != 1 {
		t.Errorf("after one send: state %s, %d attempts, sent %v, %d sends", m.State, m.Attempts, m.Sent, fx.sender.count())
	}
	// Enqueuing the same Message-ID again is a no-op.
	if ok, _ := fx.st.Enqueue(context.Background(), outbox.Message{MessageID: "a", MeetingKey: "cal/m", Kind: outbox.KindBrief,
		NextAttempt: t0, Expires: t0.Add(time.Hour), Body: []byte("x")}); ok {
		t.Error("Enqueue of a duplicate Message-ID reported a new row")
	}
}

func TestTransientFailureIsRetried(t *testing.T) {
	fx := newFixture(t, nil)
	fx.sender.setDown(errors.New("451 try later"))
	fx.start()
	defer fx.stop(t)
	fx.settle()
	fx.enqueue(t, "a", t0.Add(time.Hour))
	<-fx.sender.done
	fx.settle()
	m := fx.state(t)
	wait := m.NextAttempt.Sub(fx.clock.Now())
	if m.State != outbox.StateQueued || m.LastError != "451 try later" || wait < 15*time.Second || wait > 30*time.Second {
		t.Fatalf("after a 451: state %s, error %q, next attempt in %v", m.State, m.LastError, wait)
	}
	fx.sender.setDown(nil)
	fx.clock.Advance(wait)
	<-fx.sender.done
	fx.settle()
	if m := fx.state(t); m.State != outbox.StateSent || m.Attempts != 2 {
		t.Errorf("after the retry: state %s, %d attempts", m.State, m.Attempts)
	}
}

func TestPermanentFailureIsNotRetried(t *testing.T) {
	fx := newFixture(t, nil)
	fx.sender.setDown(errPermanent)
	fx.start()
	defer fx.stop(t)
	fx.settle()
	fx.enqueue(t, "a", t0.Add(time.Hour))
	<-fx.sender.done
	fx.settle()
	if m := fx.state(t); m.State != outbox.StateFailed || m.LastError != "554 rejected" {
		t.Errorf("after a 554: state %s, error %q", m.State, m.LastError)
	}
	if _, ok, _ := fx.st.NextAttempt(context.Background()); ok {
		t.Error("a failed message is still waiting for an attempt")
	}
}

func TestSMTPDownForAnHour(t *testing.T) {
	fx := newFixture(t, nil)
	fx.sender.setDown(errors.New("dial tcp: connection refused"))
	fx.enqueue(t, "a", t0.Add(2*time.Hour))
	fx.start()
	defer fx.stop(t)
	attempts := 0
	fx.nextSend(t)
	for attempts = 1; fx.clock.Now().Before(t0.Add(time.Hour)); attempts++ {
		fx.nextSend(t)
	}
	// The server comes back; the next attempt gets through.
	back := fx.clock.Now()
	fx.sender.setDown(nil)
	fx.nextSend(t)
	m := fx.state(t)
	if late := m.Sent.Sub(back); late > 10*time.Minute {
		t.Errorf("sent %v after the server came back, want within 10 min", late)
	}
	if attempts < 8 || attempts > 16 { // backoff: 30 s doubling to 10 min, not 120 tries at 30 s
		t.Errorf("%d attempts during the hour, want a handful with backoff", attempts)
	}
	if fx.sender.count() != 1 {
		t.Errorf("sent %d copies, want 1", fx.sender.count())
	}
}

func TestExpiredMessageIsNotSent(t *testing.T) {
	fx := newFixture(t, nil)
	fx.enqueue(t, "a", t0.Add(-time.Minute))
	fx.start()
	defer fx.stop(t)
	fx.settle()
	if m := fx.state(t); m.State != outbox.StateFailed || fx.sender.count() != 0 {
		t.Errorf("expired message: state %s, %d sends; want failed and none", m.State, fx.sender.count())
	}
}

func TestInterruptedSendIsSettled(t *testing.T) {
	tests := []struct {
		name      string
		v         outbox.Verifier
		wantState string
		wantSends int
	}{
		{name: "no mailbox: sent again", v: nil, wantState: outbox.StateSent, wantSends: 1},
		{name: "found in the mailbox: not sent again", v: verifier{found: true}, wantState: outbox.StateSent, wantSends: 0},
		{name: "not in the mailbox: sent again", v: verifier{found: false}, wantState: outbox.StateSent, wantSends: 1},
		{name: "mailbox unreachable: wait", v: verifier{err: errors.New("imap down")}, wantState: outbox.StateSending, wantSends: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, tt.v)
			fx.enqueue(t, "a", t0.Add(time.Hour))
			m := fx.state(t)
			// A previous run marked it sending and died.
			if err := fx.st.MarkSending(context.Background(), m.ID, t0); err != nil {
				t.Fatal(err)
			}
			fx.start()
			if tt.wantSends > 0 {
				<-fx.sender.done
			}
			fx.settle()
			fx.stop(t)
			if got := fx.state(t); got.State != tt.wantState || fx.sender.count() != tt.wantSends {
				t.Errorf("state %s after %d sends; want %s after %d", got.State, fx.sender.count(), tt.wantState, tt.wantSends)
			}
		})
	}
}

// gated blocks in Send until released, to stop the deliverer mid-send.
type gated struct {
	entered, release chan struct{}
}

func (g gated) Send(ctx context.Context, from string, to []string, msg []byte) error {
	close(g.entered)
	<-g.release
	return nil
}

func TestStopDuringSendRecordsTheOutcome(t *testing.T) {
	fx := newFixture(t, nil)
	g := gated{entered: make(chan struct{}), release: make(chan struct{})}
	fx.d = outbox.NewDeliverer(outbox.Options{Store: fx.st, Sender: g, Clock: fx.clock})
	fx.enqueue(t, "a", t0.Add(time.Hour))
	fx.start()
	<-g.entered
	fx.cancel() // SIGTERM while the server is taking DATA
	close(g.release)
	if err := <-fx.done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run() = %v, want context.Canceled", err)
	}
	if m := fx.state(t); m.State != outbox.StateSent {
		t.Errorf("a message delivered during shutdown is %s, want sent (else it goes out again)", m.State)
	}
}

// TestBackoffSchedule: 30 s doubling to 10 min, each wait jittered to
// between half and all of it.
func TestBackoffSchedule(t *testing.T) {
	for attempts, want := range map[int]time.Duration{
		1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 4: 4 * time.Minute, 5: 8 * time.Minute,
		6: 10 * time.Minute, 50: 10 * time.Minute,
	} {
		for range 20 {
			if got := outbox.Backoff(attempts); got < want/2 || got > want {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", attempts, got, want/2, want)
			}
		}
	}
}
