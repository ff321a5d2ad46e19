package outbox_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/outbox"
)

// panicky is a Sender that panics on its first panics calls.
type panicky struct {
	mu     sync.Mutex
	panics int
	sent   int
	done   chan struct{}
}

func (p *panicky) Send(ctx context.Context, from string, to []string, msg []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer func() { p.done <- struct{}{} }()
	if p.panics > 0 {
		p.panics--
		panic("sender bug")
	}
	p.sent++
	return nil
}

func newPanickyFixture(t *testing.T, panics int) (*fixture, *panicky) {
	t.Helper()
	fx := newFixture(t, nil)
	p := &panicky{panics: panics, done: make(chan struct{}, 100)}
	fx.d = outbox.NewDeliverer(outbox.Options{Store: fx.st, Sender: p, Clock: fx.clock})
	return fx, p
}

func waitSend(t *testing.T, p *panicky) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		t.Fatal("no send attempt")
	}
}

func TestDelivererSurvivesAPanic(t *testing.T) {
	fx, p := newPanickyFixture(t, 1)
	fx.start()
	defer fx.stop(t)
	fx.settle()
	fx.enqueue(t, "a", t0.Add(time.Hour))
	waitSend(t, p) // panics
	fx.settle()
	fx.clock.Advance(30 * time.Second)
	waitSend(t, p) // the interrupted message goes again
	fx.settle()
	if m := fx.state(t); m.State != outbox.StateSent {
		t.Errorf("after a panic and a retry: state %s, want sent", m.State)
	}
}

func TestDelivererFailsOnRepeatedPanics(t *testing.T) {
	fx, p := newPanickyFixture(t, 100)
	fx.start()
	fx.settle()
	fx.enqueue(t, "a", t0.Add(time.Hour))
	waitSend(t, p)
	for range 2 {
		fx.settle()
		fx.clock.Advance(30 * time.Second)
		waitSend(t, p)
	}
	select {
	case err := <-fx.done:
		if err == nil || !strings.Contains(err.Error(), "sender bug") {
			t.Errorf("Run() = %v, want an error about the panics", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run() still running after three panics in a row")
	}
}
