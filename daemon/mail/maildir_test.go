package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// maildirNow is the fixed clock of the tests' Maildirs.
var maildirNow = time.Date(2026, 11, 24, 8, 30, 0, 123456789, time.UTC)

// newMaildir returns a Maildir in a directory that does not exist yet,
// under parents that do not either.
func newMaildir(t *testing.T) *Maildir {
	t.Helper()
	return &Maildir{
		Dir:      filepath.Join(t.TempDir(), "home", "sam", "Maildir"),
		Hostname: "box/1:2",
		Now:      func() time.Time { return maildirNow },
	}
}

// entries returns the names in m's subdirectory sub.
func entries(t *testing.T, m *Maildir, sub string) []string {
	t.Helper()
	des, err := os.ReadDir(filepath.Join(m.Dir, sub))
	if err != nil {
		t.Fatalf("ReadDir(%s) = %v", sub, err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

// delivered returns the path of the one file in new/, failing the test if
// there is not exactly one, or if tmp/ is not empty.
func delivered(t *testing.T, m *Maildir) string {
	t.Helper()
	if tmp := entries(t, m, "tmp"); len(tmp) != 0 {
		t.Errorf("tmp/ holds %q after delivery, want nothing", tmp)
	}
	names := entries(t, m, "new")
	if len(names) != 1 {
		t.Fatalf("new/ holds %q, want one file", names)
	}
	return filepath.Join(m.Dir, "new", names[0])
}

const maildirMsg = "From: leadup <leadup@example.com>\r\n" +
	"To: sam@example.com\r\n" +
	"Subject: Prep: quarterly review\r\n" +
	"Message-ID: <brief-1h.3f2a9c0d@example.com>\r\n" +
	"\r\n" +
	"Hello.\r\n" +
	"\r\n" +
	"Line three.\r\n"

func TestMaildirSend(t *testing.T) {
	m := newMaildir(t)
	if err := m.Send(t.Context(), "leadup@example.com", []string{"sam@example.com", "other@example.com"}, []byte(maildirMsg)); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	path := delivered(t, m)
	if cur := entries(t, m, "cur"); len(cur) != 0 {
		t.Errorf("cur/ holds %q, want nothing", cur)
	}

	name := filepath.Base(path)
	want := regexp.MustCompile(fmt.Sprintf(`^%d\.M123456P%dQ[0-9]+\.box\\0571\\0722$`, maildirNow.Unix(), os.Getpid()))
	if !want.MatchString(name) {
		t.Errorf("file name %q, want a match for %s", name, want)
	}

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("Stat() = %v", err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode %v, want 0600", perm)
	}
	for _, dir := range []string{m.Dir, filepath.Dir(m.Dir), filepath.Join(m.Dir, "tmp"), filepath.Join(m.Dir, "new"), filepath.Join(m.Dir, "cur")} {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatalf("Stat(%s) = %v", dir, err)
		}
		if perm := fi.Mode().Perm(); perm != 0o700 {
			t.Errorf("%s has mode %v, want 0700", dir, perm)
		}
	}

	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("ReadFile() = %v", err)
	}
	wantData := "Return-Path: <leadup@example.com>\n" +
		"Delivered-To: sam@example.com\n" +
		strings.ReplaceAll(maildirMsg, "\r\n", "\n")
	if string(got) != wantData {
		t.Errorf("file holds\n%q\nwant\n%q", got, wantData)
	}
}

// TestMaildirSendComposed delivers what Message.Bytes composes and reads it
// back with net/mail, as a mail client would.
func TestMaildirSendComposed(t *testing.T) {
	msg := Message{
		From:      &mail.Address{Name: "leadup", Address: "leadup@example.com"},
		To:        []*mail.Address{{Name: "Zoë", Address: "zoe@example.com"}},
		Subject:   "Prep: 1:1 with Zoë",
		Text:      "Hi,\n\nThe roadmap.\n",
		MessageID: "brief-1h.0011aabb@example.com",
		Date:      maildirNow,
	}
	raw, err := msg.Bytes()
	if err != nil {
		t.Fatalf("Bytes() = %v", err)
	}
	m := newMaildir(t)
	if err := m.Send(t.Context(), "leadup@example.com", []string{"zoe@example.com"}, raw); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	data, err := os.ReadFile(delivered(t, m))
	if err != nil {
		t.Fatalf("ReadFile() = %v", err)
	}
	if bytes.Contains(data, []byte("\r")) {
		t.Errorf("delivered file has a CR")
	}
	got, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("mail.ReadMessage() = %v\n%s", err, data)
	}
	for field, want := range map[string]string{
		"Return-Path":  "<leadup@example.com>",
		"Delivered-To": "zoe@example.com",
		"Message-Id":   "<brief-1h.0011aabb@example.com>",
	} {
		if v := got.Header.Get(field); v != want {
			t.Errorf("%s = %q, want %q", field, v, want)
		}
	}
	if subj, err := new(mime.WordDecoder).DecodeHeader(got.Header.Get("Subject")); err != nil || subj != msg.Subject {
		t.Errorf("Subject decodes to %q, %v; want %q", subj, err, msg.Subject)
	}
	p := parseMessage(t, bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")))
	if p.text != msg.Text {
		t.Errorf("text part %q, want %q", p.text, msg.Text)
	}
}

func TestMaildirSendEnvelope(t *testing.T) {
	body := "Subject: x\r\n\r\nbody\r\n"
	tests := []struct {
		name string
		from string
		to   []string
		want string // the fields added before body
	}{
		{"both", "a@example.com", []string{"b@example.com"}, "Return-Path: <a@example.com>\nDelivered-To: b@example.com\n"},
		{"bracketed", "<a@example.com>", []string{"<b@example.com>"}, "Return-Path: <a@example.com>\nDelivered-To: b@example.com\n"},
		{"null sender", "", []string{"b@example.com"}, "Delivered-To: b@example.com\n"},
		{"no recipients", "a@example.com", nil, "Return-Path: <a@example.com>\n"},
		{"neither", "", nil, ""},
		{"CRLF injection", "a@example.com\r\nBcc: x@example.com", []string{"b@example.com\nX-Evil: 1"}, ""},
		{"bare CR", "a@example.com\rX: 1", []string{"b@example.com"}, "Delivered-To: b@example.com\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMaildir(t)
			if err := m.Send(t.Context(), tt.from, tt.to, []byte(body)); err != nil {
				t.Fatalf("Send(%q, %q) = %v", tt.from, tt.to, err)
			}
			got, err := os.ReadFile(delivered(t, m))
			if err != nil {
				t.Fatalf("ReadFile() = %v", err)
			}
			if want := tt.want + "Subject: x\n\nbody\n"; string(got) != want {
				t.Errorf("Send(%q, %q) wrote %q, want %q", tt.from, tt.to, got, want)
			}
		})
	}
}

func TestMaildirBytes(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"CRLF", "a\r\nb\r\n", "a\nb\n"},
		{"LF already", "a\nb\n", "a\nb\n"},
		{"mixed", "a\r\nb\nc\r\n", "a\nb\nc\n"},
		{"bare CR kept", "a\rb\r\n", "a\rb\n"},
		{"CR at the end", "a\r", "a\r"},
		{"CRCRLF", "a\r\r\n", "a\r\n"},
		{"no final line break", "a\r\nb", "a\nb"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(maildirBytes("", "", []byte(tt.in))); got != tt.want {
				t.Errorf("maildirBytes(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaildirSendConcurrent(t *testing.T) {
	// Every Send sees the same clock reading, so only the counter keeps
	// the names apart: a collision would fail a Send (O_EXCL, link).
	m := newMaildir(t)
	const n = 100
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			msg := fmt.Sprintf("Message-ID: <m%d@example.com>\r\n\r\n%d\r\n", i, i)
			errs[i] = m.Send(t.Context(), "a@example.com", []string{"b@example.com"}, []byte(msg))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Send() #%d = %v", i, err)
		}
	}
	names := entries(t, m, "new")
	if len(names) != n {
		t.Fatalf("new/ holds %d files, want %d", len(names), n)
	}
	if tmp := entries(t, m, "tmp"); len(tmp) != 0 {
		t.Errorf("tmp/ holds %q, want nothing", tmp)
	}
	seen := map[string]bool{}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(m.Dir, "new", name))
		if err != nil {
			t.Fatalf("ReadFile(%s) = %v", name, err)
		}
		seen[string(data)] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct contents in new/, want %d", len(seen), n)
	}
}

func TestMaildirDelivered(t *testing.T) {
	m := newMaildir(t)
	const id = "brief-1h.3f2a9c0d@example.com"
	ctx := t.Context()

	// Nothing is delivered to a maildir that does not exist yet.
	if found, err := m.Delivered(ctx, id); found || err != nil {
		t.Errorf("Delivered(%q) before any Send = %v, %v; want false, nil", id, found, err)
	}

	// Other messages around it: one with the id in its body only, one
	// with a similar id, a dot file (ignored by the spec) and a folder.
	other := "Message-ID: <other@example.com>\r\nSubject: " + id + "\r\n\r\nMessage-ID: <" + id + ">\r\n"
	if err := m.Send(ctx, "a@example.com", []string{"b@example.com"}, []byte(other)); err != nil {
		t.Fatalf("Send(other) = %v", err)
	}
	if err := m.Send(ctx, "a@example.com", []string{"b@example.com"}, []byte("Message-ID: <x"+id+">\r\n\r\n")); err != nil {
		t.Fatalf("Send(similar) = %v", err)
	}
	if err := os.WriteFile(filepath.Join(m.Dir, "cur", ".hidden"), []byte("Message-ID: <"+id+">\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(m.Dir, "cur", "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if found, err := m.Delivered(ctx, id); found || err != nil {
		t.Errorf("Delivered(%q) with other messages only = %v, %v; want false, nil", id, found, err)
	}

	if err := m.Send(ctx, "a@example.com", []string{"b@example.com"}, []byte(maildirMsg)); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	check := func(where string) {
		t.Helper()
		for _, q := range []string{id, "<" + id + ">", " <" + id + "> "} {
			if found, err := m.Delivered(ctx, q); !found || err != nil {
				t.Errorf("Delivered(%q) with the message in %s = %v, %v; want true, nil", q, where, found, err)
			}
		}
		if found, err := m.Delivered(ctx, "brief-24h.3f2a9c0d@example.com"); found || err != nil {
			t.Errorf("Delivered(another id) with the message in %s = %v, %v; want false, nil", where, found, err)
		}
	}
	check("new/")

	// A mail client that has seen the message moves it to cur/ with the
	// info suffix of its flags.
	var path string
	for _, name := range entries(t, m, "new") {
		data, err := os.ReadFile(filepath.Join(m.Dir, "new", name))
		if err != nil {
			t.Fatal(err)
		}
		if string(data) == strings.ReplaceAll("Return-Path: <a@example.com>\r\nDelivered-To: b@example.com\r\n"+maildirMsg, "\r\n", "\n") {
			path = filepath.Join(m.Dir, "new", name)
		}
	}
	if path == "" {
		t.Fatalf("the message is not in new/: %q", entries(t, m, "new"))
	}
	if err := os.Rename(path, filepath.Join(m.Dir, "cur", filepath.Base(path)+":2,S")); err != nil {
		t.Fatal(err)
	}
	check("cur/")
}

func TestMaildirDeliveredHeaders(t *testing.T) {
	const id = "a.1@example.com"
	tests := []struct {
		name string
		file string
		want bool
	}{
		{"plain", "Message-ID: <a.1@example.com>\n\n", true},
		{"CRLF", "Subject: x\r\nMessage-ID: <a.1@example.com>\r\n\r\nbody\r\n", true},
		{"lower case, no space", "message-id:<a.1@example.com>\n\n", true},
		{"space before the colon", "Message-ID : <a.1@example.com>\n\n", true},
		{"folded", "Message-ID:\n  <a.1@example.com>\nSubject: x\n\n", true},
		{"last field, no body", "Subject: x\nMessage-ID: <a.1@example.com>", true},
		{"after a long header", "X-Long: " + strings.Repeat("x", 10000) + "\nMessage-ID: <a.1@example.com>\n\n", true},
		{"beyond the bound", "X-Long: " + strings.Repeat("x", maxHeaderScan) + "\nMessage-ID: <a.1@example.com>\n\n", false},
		{"in the body", "Subject: x\n\nMessage-ID: <a.1@example.com>\n", false},
		{"in another field", "References: <a.1@example.com>\n\n", false},
		{"folded into another field", "Subject: x\n Message-ID: <a.1@example.com>\n\n", false},
		{"longer id", "Message-ID: <a.1@example.com.evil>\n\n", false},
		{"empty file", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMaildir(t)
			if err := m.Check(); err != nil {
				t.Fatalf("Check() = %v", err)
			}
			if err := os.WriteFile(filepath.Join(m.Dir, "cur", "1.M1P1Q1.host:2,"), []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			if found, err := m.Delivered(t.Context(), id); found != tt.want || err != nil {
				t.Errorf("Delivered(%q) on %q = %v, %v; want %v, nil", id, tt.file, found, err, tt.want)
			}
		})
	}
}

func TestMaildirDeliveredErrors(t *testing.T) {
	m := newMaildir(t)
	if err := m.Send(t.Context(), "", nil, []byte(maildirMsg)); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	for _, id := range []string{"", "<>", "a b@example.com", "a@example.com>\r\nX"} {
		if found, err := m.Delivered(t.Context(), id); found || !IsPermanent(err) {
			t.Errorf("Delivered(%q) = %v, %v; want false and a permanent error", id, found, err)
		}
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	found, err := m.Delivered(ctx, "brief-1h.3f2a9c0d@example.com")
	if found || !errors.Is(err, context.Canceled) || IsPermanent(err) {
		t.Errorf("Delivered(cancelled ctx) = %v, %v; want false and a transient context.Canceled", found, err)
	}

	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	found, err = (&Maildir{Dir: notDir}).Delivered(t.Context(), "a@example.com")
	if found || !IsPermanent(err) {
		t.Errorf("Delivered() in a regular file = %v, %v; want false and a permanent error", found, err)
	}
}

// TestMaildirUnwritable checks that a maildir Send cannot create or write
// is a permanent error, for Send and Check alike.
func TestMaildirUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("not a directory\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
		root bool // whether the case holds for root, whom permissions do not stop
	}{
		{"no directory", "", true},
		{"a regular file", file, true},
		{"under a regular file", filepath.Join(file, "Maildir"), true},
		{"under a read-only directory", filepath.Join(readOnly, "Maildir"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.root && os.Geteuid() == 0 {
				t.Skip("running as root, whom permissions do not stop")
			}
			m := &Maildir{Dir: tt.dir}
			err := m.Send(t.Context(), "a@example.com", []string{"b@example.com"}, []byte(maildirMsg))
			if !IsPermanent(err) {
				t.Errorf("Send() = %v, want a permanent error", err)
			}
			if _, ok := errors.AsType[*MaildirError](err); !ok {
				t.Errorf("Send() = %v (%T), want a *MaildirError", err, err)
			}
			if err := m.Check(); !IsPermanent(err) {
				t.Errorf("Check() = %v, want a permanent error", err)
			}
		})
	}
}

// TestMaildirSendFailure fails each step of a delivery and checks that
// nothing is left in new/ or tmp/, and how the error is classified.
func TestMaildirSendFailure(t *testing.T) {
	tests := []struct {
		step      string
		err       error
		permanent bool
	}{
		{"write", syscall.ENOSPC, false},
		{"write", syscall.EDQUOT, false},
		{"sync", syscall.EIO, false},
		{"link", syscall.EEXIST, false},
		{"sync dir", syscall.EIO, false},
		{"sync dir", syscall.EROFS, true},
	}
	for _, tt := range tests {
		t.Run(tt.step+" "+tt.err.Error(), func(t *testing.T) {
			m := newMaildir(t)
			var steps []string
			m.fault = func(step string) error {
				steps = append(steps, step)
				if step == tt.step {
					return &fs.PathError{Op: tt.step, Path: m.Dir, Err: tt.err}
				}
				return nil
			}
			err := m.Send(t.Context(), "a@example.com", []string{"b@example.com"}, []byte(maildirMsg))
			if err == nil {
				t.Fatalf("Send() with %s failing = nil, want an error", tt.step)
			}
			e, ok := errors.AsType[*MaildirError](err)
			if !ok || e.Op != tt.step || !errors.Is(err, tt.err) || IsPermanent(err) != tt.permanent {
				t.Errorf("Send() with %s failing = %v (%T); want a *MaildirError with Op %q, wrapping %v, permanent %v", tt.step, err, err, tt.step, tt.err, tt.permanent)
			}
			if steps[len(steps)-1] != tt.step {
				t.Errorf("steps %q went on after %s failed", steps, tt.step)
			}
			for _, sub := range []string{"tmp", "new", "cur"} {
				if names := entries(t, m, sub); len(names) != 0 {
					t.Errorf("%s/ holds %q after the failure, want nothing", sub, names)
				}
			}
		})
	}
}

// TestMaildirSendNewIsFile breaks the maildir for real: new/ is a file.
func TestMaildirSendNewIsFile(t *testing.T) {
	m := newMaildir(t)
	if err := m.Check(); err != nil {
		t.Fatalf("Check() = %v", err)
	}
	newDir := filepath.Join(m.Dir, "new")
	if err := os.Remove(newDir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(newDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := m.Send(t.Context(), "a@example.com", []string{"b@example.com"}, []byte(maildirMsg))
	if !IsPermanent(err) {
		t.Errorf("Send() with new/ a file = %v, want a permanent error", err)
	}
	if names := entries(t, m, "tmp"); len(names) != 0 {
		t.Errorf("tmp/ holds %q, want nothing", names)
	}
	if fi, err := os.Stat(newDir); err != nil || fi.Size() != 0 {
		t.Errorf("new is %v, %v; want the empty file left alone", fi, err)
	}
}

// TestMaildirSendNoHardLinks checks the fallback to rename when the file
// system has no hard links (Link fails with EPERM there).
func TestMaildirSendNoHardLinks(t *testing.T) {
	m := newMaildir(t)
	m.fault = func(step string) error {
		if step == "link" {
			return &os.LinkError{Op: "link", Err: syscall.EPERM}
		}
		return nil
	}
	if err := m.Send(t.Context(), "a@example.com", []string{"b@example.com"}, []byte(maildirMsg)); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	delivered(t, m)
}

func TestMaildirSendCancelled(t *testing.T) {
	m := newMaildir(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := m.Send(ctx, "a@example.com", []string{"b@example.com"}, []byte(maildirMsg))
	if !errors.Is(err, context.Canceled) || IsPermanent(err) {
		t.Errorf("Send(cancelled ctx) = %v, want a transient context.Canceled", err)
	}
}

func TestMaildirCheck(t *testing.T) {
	m := newMaildir(t)
	if err := m.Check(); err != nil {
		t.Fatalf("Check() = %v", err)
	}
	for _, sub := range []string{"tmp", "new", "cur"} {
		if names := entries(t, m, sub); len(names) != 0 {
			t.Errorf("%s/ holds %q after Check, want nothing", sub, names)
		}
	}
}

func TestMaildirClassify(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{syscall.ENOSPC, false},
		{syscall.EIO, false},
		{syscall.EDQUOT, false},
		{syscall.EEXIST, false},
		{syscall.EMFILE, false},
		{syscall.EACCES, true},
		{syscall.EPERM, true},
		{syscall.ENOENT, true},
		{syscall.ENOTDIR, true},
		{syscall.EROFS, true},
		{syscall.EXDEV, true},
	}
	for _, tt := range tests {
		err := fmt.Errorf("deliver: %w", maildirError("write", &fs.PathError{Op: "write", Path: "/m/tmp/x", Err: tt.err}))
		if got := IsPermanent(err); got != tt.want {
			t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tt.want)
		}
	}
	// The SMTP errors keep their own classification.
	if IsPermanent(&Error{Op: "dial", Err: syscall.EACCES}) {
		t.Errorf("IsPermanent(transient *Error wrapping EACCES) = true, want false")
	}
}

// TestMaildirDovecot has Dovecot's IMAP server, run directly in pre-auth
// mode, read a delivered message: it must find it with the size Dovecot
// computes from LF line endings, and move it to cur/ as clients do, where
// Delivered must still find it, also after its flags change its name.
func TestMaildirDovecot(t *testing.T) {
	imap := ""
	for _, p := range []string{"/usr/lib/dovecot/imap", "/usr/libexec/dovecot/imap", "/usr/local/libexec/dovecot/imap"} {
		if _, err := os.Stat(p); err == nil {
			imap = p
			break
		}
	}
	if imap == "" {
		t.Skip("Dovecot's imap binary is not installed")
	}
	if out, err := exec.Command("dovecot", "--version").Output(); err != nil || !bytes.HasPrefix(out, []byte("2.3.")) {
		t.Skipf("dovecot --version = %q, %v; the test is written for 2.3's settings", out, err)
	}

	m := newMaildir(t)
	if err := m.Send(t.Context(), "leadup@example.com", []string{"sam@example.com"}, []byte(maildirMsg)); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	size, err := os.Stat(delivered(t, m))
	if err != nil {
		t.Fatal(err)
	}

	// Dovecot refuses to access mail as root: then it runs as nobody, who
	// must be able to reach and write the maildir (Dovecot adds its index).
	uid, gid := os.Getuid(), os.Getgid()
	if uid == 0 {
		uid, gid = 65534, 65534
		top := filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(m.Dir)))) // t.TempDir's parent
		for dir := m.Dir; dir != top; dir = filepath.Dir(dir) {
			if err := os.Chmod(filepath.Dir(dir), 0o711); err != nil {
				t.Fatal(err)
			}
		}
		err := filepath.WalkDir(m.Dir, func(path string, _ fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(path, uid, gid)
		})
		if err != nil {
			t.Fatalf("chown the maildir: %v", err)
		}
	}
	conf := filepath.Join(t.TempDir(), "dovecot.conf")
	settings := fmt.Sprintf("mail_location = maildir:%s\nmail_uid = %d\nmail_gid = %d\nfirst_valid_uid = 0\nfirst_valid_gid = 0\nbase_dir = %s\nlog_path = /dev/stderr\n",
		m.Dir, uid, gid, filepath.Join(filepath.Dir(conf), "run"))
	if err := os.WriteFile(conf, []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, imap, "-c", conf)
	cmd.Env = []string{"USER=sam", "HOME=" + filepath.Dir(m.Dir), "PATH=" + os.Getenv("PATH")}
	cmd.Stdin = strings.NewReader("a select INBOX\r\n" +
		"b fetch 1 (RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID RETURN-PATH DELIVERED-TO)])\r\n" +
		"c store 1 +flags (\\Seen)\r\n" +
		"d logout\r\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s -c %s = %v\n%s%s", imap, conf, err, out, stderr.Bytes())
	}
	lines := strings.Count(strings.ReplaceAll(maildirMsg, "\r\n", "\n"), "\n") + 2
	for _, want := range []string{
		"* 1 EXISTS",
		"RFC822.SIZE " + strconv.FormatInt(size.Size()+int64(lines), 10),
		"Return-Path: <leadup@example.com>\r\n",
		"Delivered-To: sam@example.com\r\n",
		"Message-ID: <brief-1h.3f2a9c0d@example.com>\r\n",
		"c OK",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("Dovecot's answers lack %q:\n%s%s", want, out, stderr.Bytes())
		}
	}

	if names := entries(t, m, "new"); len(names) != 0 {
		t.Errorf("new/ holds %q after Dovecot's SELECT, want nothing", names)
	}
	var inCur []string
	for _, name := range entries(t, m, "cur") {
		if strings.HasSuffix(name, ":2,S") {
			inCur = append(inCur, name)
		}
	}
	if len(inCur) != 1 {
		t.Errorf("cur/ holds %q, want one file ending in :2,S", entries(t, m, "cur"))
	}
	if found, err := m.Delivered(t.Context(), "brief-1h.3f2a9c0d@example.com"); !found || err != nil {
		t.Errorf("Delivered() after Dovecot read the message = %v, %v; want true, nil", found, err)
	}
}

func BenchmarkMaildirSend(b *testing.B) {
	var msg strings.Builder
	msg.WriteString("From: leadup@example.com\r\nTo: sam@example.com\r\nSubject: Prep\r\nMessage-ID: <b@example.com>\r\n\r\n")
	for msg.Len() < 10<<10 {
		msg.WriteString("The roadmap, the hiring plan and the budget for next quarter.\r\n")
	}
	data := []byte(msg.String()[:10<<10])
	m := &Maildir{Dir: filepath.Join(b.TempDir(), "Maildir"), Hostname: "bench"}
	ctx := b.Context()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := m.Send(ctx, "leadup@example.com", []string{"sam@example.com"}, data); err != nil {
			b.Fatalf("Send() = %v", err)
		}
	}
}
