package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"golang.org/x/oauth2"

	"github.com/leadup/leadup/daemon/mailbox/mailboxtest"
)

// defaultServer is a server with the extensions most providers have.
func defaultServer() mailboxtest.Options {
	return mailboxtest.Options{Caps: []imap.Cap{imap.CapMove, imap.CapUIDPlus}, Mechanisms: []string{"PLAIN"}}
}

func TestNew(t *testing.T) {
	base := func(o *Options) {
		o.Host = "imap.example.com"
		o.Username = testUser
		o.Password = func(context.Context) (string, error) { return "x", nil }
	}
	tests := []struct {
		name    string
		mod     func(*Options)
		wantErr string // "" for success
		check   func(t *testing.T, w *Watcher)
	}{
		{name: "defaults", mod: func(*Options) {}, check: func(t *testing.T, w *Watcher) {
			o := w.o
			if o.Security != SecurityTLS || o.Port != 993 || o.Auth != AuthPlain || o.Mailbox != "INBOX" ||
				o.Poll != DefaultPoll || o.ReIdle != DefaultReIdle || o.MaxSize != DefaultMaxSize || o.Timeout != DefaultTimeout || o.Clock == nil {
				t.Errorf("New() filled in %+v, want the documented defaults", o)
			}
		}},
		{name: "starttls defaults to port 143", mod: func(o *Options) { o.Security = SecurityStartTLS }, check: func(t *testing.T, w *Watcher) {
			if w.addr != "imap.example.com:143" {
				t.Errorf("addr = %q, want imap.example.com:143", w.addr)
			}
		}},
		{name: "none to a remote host", mod: func(o *Options) { o.Security = SecurityNone }, wantErr: "loopback"},
		{name: "none to a remote address", mod: func(o *Options) { o.Security, o.Host = SecurityNone, "192.0.2.1" }, wantErr: "loopback"},
		{name: "none to a name that starts with localhost", mod: func(o *Options) { o.Security, o.Host = SecurityNone, "localhost.example.com" }, wantErr: "loopback"},
		{name: "none to localhost", mod: func(o *Options) { o.Security, o.Host = SecurityNone, "localhost" }, check: func(t *testing.T, w *Watcher) {
			if w.addr != "localhost:143" {
				t.Errorf("addr = %q, want localhost:143", w.addr)
			}
		}},
		{name: "none to 127.0.0.2", mod: func(o *Options) { o.Security, o.Host = SecurityNone, "127.0.0.2" }},
		{name: "none to ::1", mod: func(o *Options) { o.Security, o.Host = SecurityNone, "::1" }, check: func(t *testing.T, w *Watcher) {
			if w.addr != "[::1]:143" {
				t.Errorf("addr = %q, want [::1]:143", w.addr)
			}
		}},
		{name: "unknown security", mod: func(o *Options) { o.Security = "ssl" }, wantErr: "unknown security"},
		{name: "unknown auth", mod: func(o *Options) { o.Auth = "none" }, wantErr: "unknown auth"},
		{name: "plain without a password", mod: func(o *Options) { o.Password = nil }, wantErr: "password"},
		{name: "xoauth2 without tokens", mod: func(o *Options) { o.Auth = AuthXOAUTH2 }, wantErr: "token source"},
		{name: "no host", mod: func(o *Options) { o.Host = "" }, wantErr: "host"},
		{name: "no username", mod: func(o *Options) { o.Username = "" }, wantErr: "username"},
		{name: "re-idle over RFC 2177's 29 minutes", mod: func(o *Options) { o.ReIdle = 30 * time.Minute }, wantErr: "29 minutes"},
		{name: "processed mailbox is the watched one", mod: func(o *Options) { o.ProcessedMailbox = "inbox" }, wantErr: "is the watched mailbox"},
		{name: "negative poll", mod: func(o *Options) { o.Poll = -time.Second }, wantErr: "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o Options
			base(&o)
			tt.mod(&o)
			w, err := New(o)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New() = %v, want an error about %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New() = %v", err)
			}
			if tt.check != nil {
				tt.check(t, w)
			}
		})
	}
}

func TestRunNeedsHandler(t *testing.T) {
	w, err := New(Options{Host: "127.0.0.1", Security: SecurityNone, Username: testUser,
		Password: func(context.Context) (string, error) { return "x", nil }})
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	if err := w.Run(context.Background()); err == nil {
		t.Fatal("Run() without a Handler = nil, want an error")
	}
}

func TestIdleHandsOverNewMail(t *testing.T) {
	// prompt is generous for a 2-CPU machine busy with -race builds; an
	// idle machine takes milliseconds.
	const prompt = 3 * time.Second
	ts := newTestServer(t, defaultServer())
	rec := newRecorder(nil)
	fx := newFixture(t, ts, rec, nil)
	fx.run(t)
	fx.await(t, "idle")

	raw := message("reply-1@example.com", "Thanks, all done.")
	date := time.Now().Add(-time.Minute).Truncate(time.Second)
	start := time.Now()
	uid := ts.appendMsg(t, "INBOX", raw, date)
	// The fake clock does not move, so no poll or re-IDLE timer can have
	// fired: only the server's EXISTS during IDLE can deliver the message.
	m := rec.next(t)
	if took := time.Since(start); took > prompt {
		t.Errorf("Handler called %v after the message arrived, want < %v", took, prompt)
	}
	if m.UID != uint32(uid) || string(m.Raw) != raw || m.Size != int64(len(raw)) || m.TooLarge || !m.InternalDate.Equal(date) {
		t.Errorf("Handler got {UID %d, Size %d, TooLarge %v, InternalDate %v, Raw %q}, want {UID %d, Size %d, false, %v, %q}",
			m.UID, m.Size, m.TooLarge, m.InternalDate, m.Raw, uid, len(raw), date, raw)
	}
	fx.await(t, "idle")
	// Fetching with BODY.PEEK[] and ignoring the message leaves it unread.
	if got := ts.flags(t, "INBOX"); len(got[uid]) != 0 {
		t.Errorf("flags of an ignored message after the fetch = %v, want none", got[uid])
	}
	// One IDLE before the mail, one after.
	ts.awaitIdles(t, 2)
	if logs := fx.logs.text(); strings.Contains(logs, "all done") || strings.Contains(logs, testPassword) {
		t.Errorf("log holds the message body or the password:\n%s", logs)
	}
}

func TestDispositions(t *testing.T) {
	// Three messages: one the Handler claims, one it ignores, and one it
	// ignores that the user had already marked \Deleted, which no EXPUNGE
	// of ours may remove.
	decide := func(m Message, _ int) Disposition {
		if m.UID == 1 {
			return Handled
		}
		return Ignore
	}
	untouched := map[imap.UID][]string{2: {`\flagged`}, 3: {`\deleted`}}
	tests := []struct {
		name          string
		caps          []imap.Cap
		processed     string
		createFirst   bool
		wantInbox     map[imap.UID][]string
		wantProcessed [][]string // flags of the messages in the processed mailbox
		wantWire      string     // a command the watcher must have sent
		wantLog       string
	}{
		{
			name:      "marked seen",
			caps:      []imap.Cap{imap.CapMove, imap.CapUIDPlus},
			wantInbox: map[imap.UID][]string{1: {`\seen`}, 2: {`\flagged`}, 3: {`\deleted`}},
			wantWire:  "UID STORE 1 +FLAGS.SILENT (\\Seen)",
		},
		{
			name:          "moved with MOVE, the mailbox created on TRYCREATE",
			caps:          []imap.Cap{imap.CapMove},
			processed:     "Processed",
			wantInbox:     untouched,
			wantProcessed: [][]string{{`\seen`}},
			wantWire:      `UID MOVE 1 "Processed"`,
			wantLog:       "creating the processed mailbox",
		},
		{
			name:          "moved with COPY and UID EXPUNGE",
			caps:          []imap.Cap{imap.CapUIDPlus},
			processed:     "Processed",
			createFirst:   true,
			wantInbox:     untouched,
			wantProcessed: [][]string{{`\seen`}},
			wantWire:      "UID EXPUNGE 1\r\n",
		},
		{
			name:          "left in place without MOVE or UIDPLUS",
			processed:     "Processed",
			createFirst:   true,
			wantInbox:     map[imap.UID][]string{1: {`\seen`}, 2: {`\flagged`}, 3: {`\deleted`}},
			wantProcessed: [][]string{},
			wantLog:       "neither MOVE nor UIDPLUS",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, mailboxtest.Options{Caps: tt.caps, Mechanisms: []string{"PLAIN"}})
			if tt.createFirst {
				if err := ts.CreateMailbox(tt.processed); err != nil {
					t.Fatalf("Create(%s) = %v", tt.processed, err)
				}
			}
			now := time.Now()
			ts.appendMsg(t, "INBOX", message("a@example.com", "mine"), now)
			ts.appendMsg(t, "INBOX", message("b@example.com", "not mine"), now, imap.FlagFlagged)
			ts.appendMsg(t, "INBOX", message("c@example.com", "binned"), now, imap.FlagDeleted)
			rec := newRecorder(decide)
			fx := newFixture(t, ts, rec, func(o *Options) { o.ProcessedMailbox = tt.processed })
			fx.run(t)
			for i := range 3 {
				if m := rec.next(t); m.UID != uint32(i+1) {
					t.Fatalf("Handler call %d got UID %d, want %d (UID order)", i+1, m.UID, i+1)
				}
			}
			fx.await(t, "idle")

			if got := ts.flags(t, "INBOX"); !equalFlags(got, tt.wantInbox) {
				t.Errorf("INBOX flags = %v, want %v", got, tt.wantInbox)
			}
			if tt.wantProcessed != nil {
				var got [][]string
				for _, f := range ts.flags(t, tt.processed) {
					got = append(got, f)
				}
				if !slices.EqualFunc(got, tt.wantProcessed, slices.Equal) {
					t.Errorf("%s holds messages with flags %v, want %v", tt.processed, got, tt.wantProcessed)
				}
			}
			if wire := ts.Wire(); regexp.MustCompile(`(?m)^T\d+ EXPUNGE`).MatchString(wire) {
				t.Errorf("the watcher sent a plain EXPUNGE, which would remove every \\Deleted message")
			}
			if wire := ts.Wire(); !strings.Contains(wire, tt.wantWire) {
				t.Errorf("the watcher did not send %q; wire:\n%s", tt.wantWire, wire)
			}
			if !strings.Contains(fx.logs.text(), tt.wantLog) {
				t.Errorf("log does not mention %q:\n%s", tt.wantLog, fx.logs.text())
			}
			if cp := fx.store.get("INBOX"); cp[1] != 3 {
				t.Errorf("checkpoint = %v, want last UID 3", cp)
			}
		})
	}
}

func equalFlags(a, b map[imap.UID][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !slices.Equal(v, w) {
			return false
		}
	}
	return true
}

func TestRestartResumesFromCheckpoint(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	now := time.Now()
	ts.appendMsg(t, "INBOX", message("1@example.com", "one"), now)
	ts.appendMsg(t, "INBOX", message("2@example.com", "two"), now)
	rec := newRecorder(func(m Message, _ int) Disposition {
		if m.UID == 1 {
			return Handled
		}
		return Ignore
	})
	fx := newFixture(t, ts, rec, nil)
	stop := fx.run(t)
	rec.next(t)
	rec.next(t)
	fx.await(t, "idle")
	stop()
	cp := fx.store.get("INBOX")
	if cp[0] == 0 || cp[1] != 2 {
		t.Fatalf("checkpoint after the first run = %v, want {UIDVALIDITY, 2}", cp)
	}

	uid := ts.appendMsg(t, "INBOX", message("3@example.com", "three"), now)
	rec2 := newRecorder(nil)
	fx2 := newFixture(t, ts, rec2, func(o *Options) { o.Checkpoints = fx.store })
	fx2.run(t)
	if m := rec2.next(t); m.UID != uint32(uid) {
		t.Errorf("after a restart the Handler got UID %d first, want only the new UID %d", m.UID, uid)
	}
	fx2.await(t, "idle")
	rec2.none(t)
}

func TestUIDValidityChangeRescans(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	oldValidity, err := ts.UIDValidity("INBOX")
	if err != nil {
		t.Fatalf("UIDValidity(INBOX) = %v", err)
	}
	// The mailbox is recreated: its UIDs start again from 1, so a saved
	// last UID of 10 would hide the new mail if it were trusted.
	store := &memStore{}
	store.SaveCheckpoint(context.Background(), "INBOX", oldValidity, 10)
	if err := ts.DeleteMailbox("INBOX"); err != nil {
		t.Fatalf("Delete(INBOX) = %v", err)
	}
	if err := ts.CreateMailbox("INBOX"); err != nil {
		t.Fatalf("Create(INBOX) = %v", err)
	}
	now := time.Now()
	ts.appendMsg(t, "INBOX", message("old@example.com", "last month"), now.Add(-30*24*time.Hour))
	recent := ts.appendMsg(t, "INBOX", message("new@example.com", "today"), now.Add(-time.Hour))

	rec := newRecorder(nil)
	fx := newFixture(t, ts, rec, func(o *Options) { o.Checkpoints = store })
	fx.run(t)
	if m := rec.next(t); m.UID != uint32(recent) {
		t.Errorf("after the UIDVALIDITY change the Handler got UID %d, want the recent UID %d", m.UID, recent)
	}
	fx.await(t, "idle")
	rec.none(t)
	if cp := store.get("INBOX"); cp[0] == oldValidity || cp[1] != uint32(recent) {
		t.Errorf("checkpoint = %v, want the new UIDVALIDITY (not %d) and UID %d", cp, oldValidity, recent)
	}
	if !strings.Contains(fx.logs.text(), "UIDVALIDITY changed") {
		t.Errorf("log does not mention the UIDVALIDITY change:\n%s", fx.logs.text())
	}
}

func TestReconnectsAfterDrop(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	rec := newRecorder(nil)
	fx := newFixture(t, ts, rec, nil)
	fx.run(t)
	fx.await(t, "idle")

	ts.DropConns()
	fx.await(t, "backoff")
	due, ok := fx.clock.NextDue()
	if !ok {
		t.Fatal("no timer armed after the connection dropped, want the backoff")
	}
	if wait := due.Sub(fx.clock.Now()); wait < minBackoff/2 || wait > minBackoff {
		t.Errorf("first backoff = %v, want between %v and %v", wait, minBackoff/2, minBackoff)
	}
	fx.clock.Advance(minBackoff)
	fx.await(t, "idle")

	uid := ts.appendMsg(t, "INBOX", message("after@example.com", "after the drop"), time.Now())
	if m := rec.next(t); m.UID != uint32(uid) {
		t.Errorf("after reconnecting the Handler got UID %d, want %d", m.UID, uid)
	}
	if !strings.Contains(fx.logs.text(), "reconnecting") {
		t.Errorf("log does not mention the lost connection:\n%s", fx.logs.text())
	}
}

func TestTooLargeIsNotFetched(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	big := message("big@example.com", strings.Repeat("attachment ", 200))
	uid := ts.appendMsg(t, "INBOX", big, time.Now())
	rec := newRecorder(func(Message, int) Disposition { return Handled })
	fx := newFixture(t, ts, rec, func(o *Options) { o.MaxSize = 512 })
	fx.run(t)

	m := rec.next(t)
	if m.UID != uint32(uid) || !m.TooLarge || m.Raw != nil || m.Size != int64(len(big)) {
		t.Errorf("Handler got {UID %d, TooLarge %v, Raw %d bytes, Size %d}, want {UID %d, true, nil, %d}",
			m.UID, m.TooLarge, len(m.Raw), m.Size, uid, len(big))
	}
	fx.await(t, "idle")
	if wire := ts.Wire(); strings.Contains(strings.ToUpper(wire), "BODY") {
		t.Errorf("a body was fetched for a message over MaxSize; wire:\n%s", wire)
	}

	// A small message is fetched in full, with PEEK.
	small := message("small@example.com", "ok")
	ts.appendMsg(t, "INBOX", small, time.Now())
	if m := rec.next(t); string(m.Raw) != small || m.TooLarge {
		t.Errorf("Handler got {Raw %q, TooLarge %v} for a small message, want {%q, false}", m.Raw, m.TooLarge, small)
	}
	if wire := ts.Wire(); !strings.Contains(wire, "BODY.PEEK[]") {
		t.Errorf("no BODY.PEEK[] on the wire for the small message")
	}
}

func TestRetryIsHandedOverAgain(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	now := time.Now()
	ts.appendMsg(t, "INBOX", message("1@example.com", "one"), now)
	ts.appendMsg(t, "INBOX", message("2@example.com", "two"), now)
	rec := newRecorder(func(m Message, call int) Disposition {
		if m.UID == 1 && call == 1 {
			return Retry
		}
		return Handled
	})
	fx := newFixture(t, ts, rec, nil)
	fx.run(t)
	for _, want := range []uint32{1, 2} {
		if m := rec.next(t); m.UID != want {
			t.Fatalf("first pass: Handler got UID %d, want %d", m.UID, want)
		}
	}
	fx.await(t, "idle")
	if cp := fx.store.get("INBOX"); cp[1] != 0 {
		t.Errorf("checkpoint after a Retry of UID 1 = %v, want last UID 0", cp)
	}
	if got := ts.flags(t, "INBOX"); len(got[1]) != 0 || !slices.Equal(got[2], []string{`\seen`}) {
		t.Errorf("flags after the first pass = %v, want UID 1 untouched and UID 2 seen", got)
	}

	// The retry is due after Poll, even while idling.
	fx.clock.Advance(DefaultPoll)
	for _, want := range []uint32{1, 2} {
		if m := rec.next(t); m.UID != want {
			t.Fatalf("second pass: Handler got UID %d, want %d", m.UID, want)
		}
	}
	fx.await(t, "idle")
	if cp := fx.store.get("INBOX"); cp[1] != 2 {
		t.Errorf("checkpoint after the retry succeeded = %v, want last UID 2", cp)
	}
	if n := fx.clock.Timers(); n != 1 {
		t.Errorf("%d timers armed while idling with nothing to retry, want 1 (re-IDLE)", n)
	}
}

func TestPollsWithoutIdle(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	rec := newRecorder(nil)
	fx := newFixture(t, ts, rec, func(o *Options) { o.Idle = false })
	fx.run(t)
	fx.await(t, "poll")
	if due, _ := fx.clock.NextDue(); due.Sub(fx.clock.Now()) != DefaultPoll {
		t.Errorf("poll due in %v, want %v", due.Sub(fx.clock.Now()), DefaultPoll)
	}
	uid := ts.appendMsg(t, "INBOX", message("polled@example.com", "hi"), time.Now())
	fx.clock.Advance(DefaultPoll)
	if m := rec.next(t); m.UID != uint32(uid) {
		t.Errorf("Handler got UID %d, want %d", m.UID, uid)
	}
	fx.await(t, "poll")
	if n := ts.Idles(); n != 0 {
		t.Errorf("server saw %d IDLE commands with Idle off, want 0", n)
	}
}

func TestReIdles(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	fx := newFixture(t, ts, newRecorder(nil), nil)
	fx.run(t)
	fx.await(t, "idle")
	ts.awaitIdles(t, 1)
	fx.clock.Advance(DefaultReIdle)
	fx.await(t, "idle")
	ts.awaitIdles(t, 2)
	if n := ts.Idles(); n != 2 {
		t.Errorf("server saw %d IDLE commands after %v, want 2", n, DefaultReIdle)
	}
}

func TestDelivered(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	uid := ts.appendMsg(t, "INBOX", message("sent-1@leadup.example", "follow-up"), time.Now())
	fx := newFixture(t, ts, nil, nil)
	tests := []struct {
		id      string
		want    bool
		wantErr bool
	}{
		{id: "<sent-1@leadup.example>", want: true},
		{id: "sent-1@leadup.example", want: true},
		{id: "<sent-2@leadup.example>", want: false},
		{id: "<sent-1@leadup>", want: false}, // a prefix of the real one
		{id: "", wantErr: true},
		{id: "<a b@example>", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, err := fx.w.Delivered(context.Background(), tt.id)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Delivered(%q) = %v, %v; want %v, error %v", tt.id, got, err, tt.want, tt.wantErr)
			}
		})
	}
	if got := ts.flags(t, "INBOX"); len(got[uid]) != 0 {
		t.Errorf("flags after Delivered = %v, want none", got[uid])
	}
}

func TestSecurity(t *testing.T) {
	tests := []struct {
		name     string
		server   mailboxtest.Options
		security Security
		trust    bool
		wantErr  string
	}{
		{name: "implicit TLS", server: mailboxtest.Options{TLS: true, Mechanisms: []string{"PLAIN"}}, security: SecurityTLS, trust: true},
		{name: "STARTTLS", server: mailboxtest.Options{StartTLS: true, Mechanisms: []string{"PLAIN"}}, security: SecurityStartTLS, trust: true},
		{name: "untrusted certificate", server: mailboxtest.Options{TLS: true, Mechanisms: []string{"PLAIN"}}, security: SecurityTLS, wantErr: "certificate"},
		{name: "no STARTTLS offered", server: mailboxtest.Options{Mechanisms: []string{"PLAIN"}}, security: SecurityStartTLS, wantErr: "starttls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, tt.server)
			fx := newFixture(t, ts, nil, func(o *Options) {
				o.Security = tt.security
				if tt.trust {
					o.TLSConfig = &tls.Config{RootCAs: ts.CertPool()}
				}
			})
			idle, err := fx.w.Check(context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Check() = %v, want an error about %q", err, tt.wantErr)
				}
				if n := ts.Logins(); n != 0 {
					t.Errorf("server saw %d logins over an unprotected connection, want 0", n)
				}
				return
			}
			if err != nil || !idle {
				t.Fatalf("Check() = %v, %v; want true, nil", idle, err)
			}
		})
	}
}

func TestLoginMechanisms(t *testing.T) {
	tests := []struct {
		name     string
		mechs    []string
		wantWire string
	}{
		{name: "AUTHENTICATE PLAIN when offered", mechs: []string{"PLAIN"}, wantWire: "AUTHENTICATE PLAIN"},
		{name: "LOGIN otherwise", mechs: []string{}, wantWire: " LOGIN "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, mailboxtest.Options{Mechanisms: tt.mechs})
			fx := newFixture(t, ts, nil, nil)
			if _, err := fx.w.Check(context.Background()); err != nil {
				t.Fatalf("Check() = %v", err)
			}
			if wire := ts.Wire(); !strings.Contains(wire, tt.wantWire) {
				t.Errorf("wire has no %q:\n%s", tt.wantWire, wire)
			}
		})
	}
}

func TestWrongPasswordBacksOff(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	var password atomic.Value
	password.Store("wrong password")
	fx := newFixture(t, ts, newRecorder(nil), func(o *Options) {
		o.Password = func(context.Context) (string, error) { return password.Load().(string), nil }
	})
	fx.run(t)
	fx.await(t, "backoff")
	if n := ts.Logins(); n != 1 {
		t.Fatalf("server saw %d logins before the first backoff, want 1", n)
	}
	if due, _ := fx.clock.NextDue(); due.Sub(fx.clock.Now()) != maxBackoff {
		t.Errorf("after a rejected login the retry is due in %v, want %v", due.Sub(fx.clock.Now()), maxBackoff)
	}
	logs := fx.logs.text()
	if !strings.Contains(logs, "ERROR IMAP login rejected") {
		t.Errorf("log has no error for the rejected login:\n%s", logs)
	}
	if strings.Contains(logs, "wrong password") {
		t.Errorf("log holds the password:\n%s", logs)
	}

	// Just short of the backoff, the watcher is still asleep: no tight loop.
	fx.clock.Advance(maxBackoff - time.Second)
	if n := fx.clock.Timers(); n != 1 {
		t.Fatalf("%d timers armed %v into the backoff, want 1", n, maxBackoff-time.Second)
	}
	if n := ts.Logins(); n != 1 {
		t.Fatalf("server saw %d logins within the backoff, want 1", n)
	}
	fx.clock.Advance(time.Second)
	fx.await(t, "backoff")
	if n := ts.Logins(); n != 2 {
		t.Fatalf("server saw %d logins after one backoff, want 2", n)
	}

	// A reload fixes the password: the next attempt gets in.
	password.Store(testPassword)
	fx.clock.Advance(maxBackoff)
	fx.await(t, "idle")
}

// tokens is an oauth2.TokenSource handing out list[i] after i
// invalidations (the last one for ever after).
type tokens struct {
	mu          sync.Mutex
	list        []string
	invalidated int
}

func (s *tokens) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &oauth2.Token{AccessToken: s.list[min(s.invalidated, len(s.list)-1)]}, nil
}

// invalidatingTokens adds Invalidate, as googleauth.TokenSource has.
type invalidatingTokens struct{ *tokens }

func (s invalidatingTokens) Invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invalidated++
}

func TestXOAUTH2(t *testing.T) {
	tests := []struct {
		name            string
		tokens          *tokens
		invalidator     bool
		wantErr         bool
		wantLogins      int
		wantInvalidated int
	}{
		{name: "valid token", tokens: &tokens{list: []string{goodToken}}, invalidator: true, wantLogins: 1},
		{name: "stale token invalidated and refreshed once", tokens: &tokens{list: []string{"stale", goodToken}}, invalidator: true, wantLogins: 2, wantInvalidated: 1},
		{name: "refreshed token still rejected", tokens: &tokens{list: []string{"stale", "also stale"}}, invalidator: true, wantErr: true, wantLogins: 2, wantInvalidated: 1},
		{name: "no Invalidate, no second try", tokens: &tokens{list: []string{"stale", goodToken}}, wantErr: true, wantLogins: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, mailboxtest.Options{XOAUTH2Token: goodToken})
			fx := newFixture(t, ts, nil, func(o *Options) {
				o.Auth, o.Password = AuthXOAUTH2, nil
				o.Tokens = tt.tokens
				if tt.invalidator {
					o.Tokens = invalidatingTokens{tt.tokens}
				}
			})
			_, err := fx.w.Check(context.Background())
			if tt.wantErr {
				if _, ok := errors.AsType[*authError](err); !ok {
					t.Fatalf("Check() = %v, want a rejected login", err)
				}
				if !strings.Contains(err.Error(), "status 401") {
					t.Errorf("Check() = %v, want the server's JSON error in it", err)
				}
				if strings.Contains(err.Error(), "stale") {
					t.Errorf("Check() = %v, which holds the token", err)
				}
			} else if err != nil {
				t.Fatalf("Check() = %v", err)
			}
			if n := ts.Logins(); n != tt.wantLogins {
				t.Errorf("server saw %d XOAUTH2 attempts, want %d", n, tt.wantLogins)
			}
			if tt.tokens.invalidated != tt.wantInvalidated {
				t.Errorf("Invalidate called %d times, want %d", tt.tokens.invalidated, tt.wantInvalidated)
			}
		})
	}
}

// TestProbeBusyOnlyWhileHandingOver: the watchdog sees the watcher busy
// while a message is being handed over, and not while it waits in IDLE.
func TestProbeBusyOnlyWhileHandingOver(t *testing.T) {
	ts := newTestServer(t, defaultServer())
	release := make(chan struct{})
	rec := newRecorder(func(Message, int) Disposition {
		<-release
		return Ignore
	})
	fx := newFixture(t, ts, rec, nil)
	fx.run(t)
	fx.await(t, "idle")
	if busy := fx.w.Probe.Busy(fx.clock.Now()); busy != 0 {
		t.Errorf("Probe busy %v while waiting in IDLE, want 0", busy)
	}
	ts.appendMsg(t, "INBOX", message("reply-1@example.com", "Thanks."), time.Now())
	rec.next(t) // the Handler is running, and blocked
	fx.clock.Advance(time.Hour)
	if busy := fx.w.Probe.Busy(fx.clock.Now()); busy < time.Hour {
		t.Errorf("Probe busy %v an hour into a blocked Handler, want at least an hour", busy)
	}
	close(release)
	fx.await(t, "idle")
	if busy := fx.w.Probe.Busy(fx.clock.Now()); busy != 0 {
		t.Errorf("Probe busy %v back in IDLE, want 0", busy)
	}
}
