package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar"
	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/store"
	"github.com/leadup/leadup/internal/syncbuf"
)

func TestLifecycleClosesLastFirstAndJoinsErrors(t *testing.T) {
	logs := &syncbuf.Buffer{}
	l := &lifecycle{clock: clock.NewFake(time.Unix(0, 0)), log: slog.New(slog.NewTextHandler(logs, nil)), timeout: time.Minute}
	var closed []string
	errDisk := errors.New("disk gone")
	errBusy := errors.New("busy")
	l.add("store", func(context.Context) error { closed = append(closed, "store"); return errDisk })
	l.add("calendar source", func(context.Context) error { closed = append(closed, "calendar source"); return nil })
	l.add("mail sender", func(context.Context) error { closed = append(closed, "mail sender"); return errBusy })

	err := l.close()
	if want := []string{"mail sender", "calendar source", "store"}; !slices.Equal(closed, want) {
		t.Errorf("closed %v, want %v", closed, want)
	}
	if !errors.Is(err, errDisk) || !errors.Is(err, errBusy) {
		t.Fatalf("close() = %v, want both failures joined", err)
	}
	if got, want := err.Error(), "close mail sender: busy\nclose store: disk gone"; got != want {
		t.Errorf("close() = %q, want %q", got, want)
	}
	for _, name := range []string{"mail sender", "store"} {
		if !strings.Contains(logs.String(), "could not close "+name) {
			t.Errorf("log does not name %s:\n%s", name, logs.String())
		}
	}
}

func TestLifecycleGivesUpOnAHangingCloser(t *testing.T) {
	fake := clock.NewFake(time.Unix(0, 0))
	l := &lifecycle{clock: fake, log: slog.New(slog.DiscardHandler), timeout: 10 * time.Second}
	var storeClosed bool
	l.add("store", func(context.Context) error { storeClosed = true; return nil })
	cancelled := make(chan struct{})
	l.add("mailbox", func(ctx context.Context) error {
		<-ctx.Done() // hangs until told it is too late
		close(cancelled)
		return ctx.Err()
	})
	done := make(chan error, 1)
	go func() { done <- l.close() }()
	<-fake.BlockUntil(1)
	fake.Advance(10 * time.Second)
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "close mailbox") {
			t.Errorf("close() = %v, want the mailbox's deadline exceeded", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("close() still waiting after the timeout")
	}
	if !storeClosed {
		t.Error("the store was not closed after the mailbox's closer hung")
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Error("the hanging closer's context was not cancelled")
	}
}

func TestLifecycleNothingToClose(t *testing.T) {
	l := &lifecycle{clock: clock.NewFake(time.Unix(0, 0)), log: slog.New(slog.DiscardHandler), timeout: time.Minute}
	l.addIfCloser("calendar source", struct{}{})
	if err := l.close(); err != nil || len(l.closers) != 0 {
		t.Errorf("close() = %v with %d closers, want nil with none", err, len(l.closers))
	}
}

func TestStoppedTellsShutdownFromFailure(t *testing.T) {
	live := context.Background()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	errPanics := errors.New("3 panics within 1m")
	tests := []struct {
		name    string
		ctx     context.Context
		err     error
		wantErr error // nil: a normal stop
	}{
		{"cancelled, returns the cause", cancelled, context.Canceled, nil},
		{"cancelled, wraps the cause", cancelled, fmt.Errorf("idle: %w", context.Canceled), nil},
		{"cancelled, returns nil", cancelled, nil, nil},
		{"cancelled, but failed for another reason", cancelled, errPanics, errPanics},
		{"running, failed", live, errPanics, errPanics},
		{"running, returned nil", live, nil, errLoopReturned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stopped(tt.ctx, tt.err); !errors.Is(got, tt.wantErr) || (tt.wantErr == nil) != (got == nil) {
				t.Errorf("stopped(%v) = %v, want %v", tt.err, got, tt.wantErr)
			}
		})
	}
}

func TestStoppedWithACause(t *testing.T) {
	errOther := errors.New("scheduler: 3 panics")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errOther)
	if got := stopped(ctx, errOther); got != nil {
		t.Errorf("stopped(cause) = %v, want nil: the loop reports what stopped it", got)
	}
}

// closing is a calendar source and a mail sender that records its Close.
type closing struct {
	name   string
	closed *[]string
}

func (c closing) Name() string { return c.name }
func (c closing) Sync(context.Context, string) (calendar.Changes, error) {
	return calendar.Changes{}, nil
}
func (c closing) Send(context.Context, string, []string, []byte) error { return nil }
func (c closing) Close() error {
	*c.closed = append(*c.closed, c.name)
	return nil
}

func TestDaemonCloseTearsDownLastFirstOnce(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var closed []string
	d := &Daemon{clock: clock.NewFake(time.Unix(0, 0)), log: slog.New(slog.DiscardHandler), store: st,
		source: closing{"calendar", &closed}, sender: closing{"sender", &closed}}
	if err := d.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if want := []string{"sender", "calendar"}; !slices.Equal(closed, want) {
		t.Errorf("closed %v, want %v", closed, want)
	}
	if _, err := st.SyncState(ctx, "calendar"); err == nil {
		t.Error("the store still answers after Close")
	}
	if err := d.Close(); err != nil || len(closed) != 2 {
		t.Errorf("second Close() = %v, closed %v; want nil and nothing closed again", err, closed)
	}
}

func TestDaemonCloseLeavesAGivenSenderAlone(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var closed []string
	sender := closing{"sender", &closed}
	d := &Daemon{clock: clock.NewFake(time.Unix(0, 0)), log: slog.New(slog.DiscardHandler), store: st,
		source: closing{"calendar", &closed}, sender: sender, opts: Options{Sender: sender}}
	if err := d.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if want := []string{"calendar"}; !slices.Equal(closed, want) {
		t.Errorf("closed %v, want %v: Options.Sender is the caller's", closed, want)
	}
}
