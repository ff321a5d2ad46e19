package mailbox

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

func TestHandlerPanicIgnoresTheMessage(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	now := time.Now()
	for _, id := range []string{"1", "2", "3"} {
		ts.appendMsg(t, "INBOX", message(id+"@example.com", "body "+id), now)
	}
	rec := newRecorder(func(m Message, call int) Disposition {
		if m.UID == 2 {
			panic("handler bug")
		}
		return Handled
	})
	fx := newFixture(t, ts, rec, nil)
	fx.run(t)
	for _, want := range []uint32{1, 2, 3} {
		if m := rec.next(t); m.UID != want {
			t.Fatalf("Handler got UID %d, want %d", m.UID, want)
		}
	}
	fx.await(t, "idle")
	if cp := fx.store.get("INBOX"); cp[1] != 3 {
		t.Errorf("checkpoint after a panic on UID 2 = %v, want last UID 3", cp)
	}
	if got := ts.flags(t, "INBOX"); len(got[2]) != 0 {
		t.Errorf("flags of the message the Handler panicked on = %v, want none (left to the user)", got[2])
	}
	if logs := fx.logs.text(); !strings.Contains(logs, "handler bug") || !strings.Contains(logs, "panic_test.go") {
		t.Errorf("log lacks the panic and its stack:\n%s", logs)
	}
}

func TestRepeatedHandlerPanicsStopRun(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	now := time.Now()
	for _, id := range []string{"1", "2", "3"} {
		ts.appendMsg(t, "INBOX", message(id+"@example.com", "body "+id), now)
	}
	rec := newRecorder(func(Message, int) Disposition { panic("handler bug") })
	fx := newFixture(t, ts, rec, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- fx.w.Run(ctx) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "handler bug") {
			t.Errorf("Run() = %v, want an error about the panics", err)
		}
	case <-time.After(waitFor):
		t.Fatal("Run() still running after three Handler panics")
	}
}

func TestAuthErrorHidesServerText(t *testing.T) {
	err := &authError{err: fmt.Errorf("login: %w", &imap.Error{Type: imap.StatusResponseTypeNo,
		Code: imap.ResponseCodeAuthenticationFailed, Text: "LOGIN me hunter2 failed"})}
	if msg := err.Error(); strings.Contains(msg, "hunter2") || !strings.Contains(msg, "AUTHENTICATIONFAILED") {
		t.Errorf("authError.Error() = %q, want the code without the server's text", msg)
	}
}
