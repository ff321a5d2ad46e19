package mail

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Maildir delivers messages into a Maildir (the format of mutt, notmuch,
// Dovecot): for local-only setups and the demo. Its fields are read at each
// call, and one Maildir may be used by concurrent Sends.
//
// Delivery follows https://cr.yp.to/proto/maildir.html: the message is
// written under a unique name in tmp/, synced, and only then linked into
// new/, so that a reader never sees a partial message, even after a crash.
type Maildir struct {
	// Dir is the maildir: it holds tmp/, new/ and cur/, which are created
	// (mode 0700, with their parents) when missing.
	Dir string
	// Hostname goes into the unique file names; os.Hostname() if empty.
	Hostname string
	// Now is the clock of the unique file names; time.Now if nil.
	Now func() time.Time

	// fault, in tests, fails a step of Send: it is called before "write",
	// "sync", "link" (the hard link, before the fallback to rename) and
	// "sync dir", and a non-nil error stands for that step's.
	fault func(step string) error
}

// MaildirError is a failed Maildir delivery, lookup or check. Permanent is
// true when retrying cannot help: the directory cannot be created or
// written (a missing parent, a permission, a read-only file system, a file
// where a directory should be). Errors that may pass, such as a full disk
// (ENOSPC), an exceeded quota (EDQUOT) or an I/O error (EIO), are transient.
// IsPermanent recognises it as it does an *Error.
type MaildirError struct {
	// Op is the step that failed: "config", "mkdir", "create", "write",
	// "sync", "link", "sync dir", "check" or "scan".
	Op        string
	Permanent bool
	Err       error
}

// Error describes the failure; os errors name the path.
func (e *MaildirError) Error() string {
	kind := "transient"
	if e.Permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("maildir %s (%s): %v", e.Op, kind, e.Err)
}

// Unwrap returns the underlying error.
func (e *MaildirError) Unwrap() error { return e.Err }

// maildirError classifies err from op. Anything not known to need a
// person is transient: the outbox retries until the message expires, which
// costs little, while a wrong "permanent" loses a brief.
func maildirError(op string, err error) *MaildirError {
	if e, ok := errors.AsType[*MaildirError](err); ok {
		return e
	}
	e := &MaildirError{Op: op, Err: err}
	switch {
	case errors.Is(err, fs.ErrPermission), // EACCES, EPERM
		errors.Is(err, fs.ErrNotExist),
		errors.Is(err, syscall.ENOTDIR),
		errors.Is(err, syscall.EISDIR),
		errors.Is(err, syscall.EROFS),
		errors.Is(err, syscall.ELOOP),
		errors.Is(err, syscall.ENAMETOOLONG),
		// tmp/ and new/ on different file systems: the maildir is
		// assembled wrongly (a mount point on new/).
		errors.Is(err, syscall.EXDEV):
		e.Permanent = true
	}
	return e
}

// deliveries counts the files this process has named, for the Q part of
// the unique names. It is the one package-level variable, on purpose: the
// name's uniqueness rests on (time, pid, counter, host), and the pid is
// shared by every Maildir in the process, so the counter must be too.
var deliveries atomic.Uint64

// uniqueName returns <sec>.M<usec>P<pid>Q<n>.<host>, the "modern" unique
// name of the Maildir spec. '/' and ':' in the host would break the path or
// the ":2,flags" info suffix, so they are written as \057 and \072 (as
// Dovecot does).
func (m *Maildir) uniqueName() string {
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	t := now()
	host := m.Hostname
	if host == "" {
		var err error
		if host, err = os.Hostname(); err != nil || host == "" {
			host = "localhost"
		}
	}
	host = strings.NewReplacer("/", `\057`, ":", `\072`).Replace(host)
	b := make([]byte, 0, 64)
	b = strconv.AppendInt(b, t.Unix(), 10)
	b = append(b, ".M"...)
	b = strconv.AppendInt(b, int64(t.Nanosecond()/1000), 10)
	b = append(b, 'P')
	b = strconv.AppendInt(b, int64(os.Getpid()), 10)
	b = append(b, 'Q')
	b = strconv.AppendUint(b, deliveries.Add(1), 10)
	b = append(b, '.')
	b = append(b, host...)
	return string(b)
}

// dirs creates tmp/, new/ and cur/ if they are missing.
func (m *Maildir) dirs() error {
	if m.Dir == "" {
		return &MaildirError{Op: "config", Permanent: true, Err: errors.New("no directory set")}
	}
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(m.Dir, sub), 0o700); err != nil {
			return maildirError("mkdir", err)
		}
	}
	return nil
}

func (m *Maildir) step(name string) error {
	if m.fault != nil {
		return m.fault(name)
	}
	return nil
}

// Send delivers msg into new/. from and to[0] are the envelope: they
// become the Return-Path and Delivered-To fields a local delivery agent
// adds (RFC 5321 §4.4), when they are set and fit on a header line; there
// is one mailbox, so one copy, whatever the number of recipients. The CRLF
// line endings of msg are written as LF, the convention of Maildir files
// (Dovecot counts message sizes from it). A nil error means the message is
// in new/ and the directory entry is synced; on an error nothing is left
// in new/ or tmp/, and the error is a *MaildirError.
func (m *Maildir) Send(ctx context.Context, from string, to []string, msg []byte) error {
	if err := ctx.Err(); err != nil {
		return maildirError("create", context.Cause(ctx))
	}
	if err := m.dirs(); err != nil {
		return err
	}
	var rcpt string
	if len(to) > 0 {
		rcpt = to[0]
	}
	data := maildirBytes(from, rcpt, msg)

	name := m.uniqueName()
	tmp := filepath.Join(m.Dir, "tmp", name)
	dst := filepath.Join(m.Dir, "new", name)
	// O_EXCL: a name in use means our uniqueness failed; better an error
	// (and a retry under a new name) than writing into another delivery.
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return maildirError("create", err)
	}
	fail := func(op string, err error) error {
		f.Close()
		os.Remove(tmp)
		return maildirError(op, err)
	}
	if err := m.step("write"); err != nil {
		return fail("write", err)
	}
	if _, err := f.Write(data); err != nil {
		return fail("write", err)
	}
	// The data must be on disk before the name in new/ is: otherwise a
	// crash could leave a complete-looking entry with missing blocks.
	if err := m.step("sync"); err != nil {
		return fail("sync", err)
	}
	if err := f.Sync(); err != nil {
		return fail("sync", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return maildirError("write", err)
	}
	if err := ctx.Err(); err != nil {
		os.Remove(tmp)
		return maildirError("link", context.Cause(ctx))
	}
	if err := m.link(tmp, dst); err != nil {
		os.Remove(tmp)
		return maildirError("link", err)
	}
	// Until new/ is synced, a crash may lose the entry though Send said
	// nil, and the outbox would not send again. If the sync fails, take
	// the message back, so that the error means "not delivered"; a mail
	// client that already moved it to cur/ has it, and Delivered will say
	// so before a retry after a crash.
	if err := m.syncDir("new"); err != nil {
		os.Remove(dst)
		return maildirError("sync dir", err)
	}
	return nil
}

// link moves tmp to dst: a hard link, which fails rather than replace an
// existing dst, then an unlink of tmp (the spec's way). On file systems
// without hard links, it falls back to rename.
func (m *Maildir) link(tmp, dst string) error {
	err := m.step("link")
	if err == nil {
		err = os.Link(tmp, dst)
	}
	switch {
	case err == nil:
		// The message is delivered; a tmp file left by a failed unlink
		// is only clutter, which readers ignore and clean up after 36
		// hours (the spec).
		os.Remove(tmp)
		return nil
	case errors.Is(err, fs.ErrExist):
		return err
	}
	if rerr := os.Rename(tmp, dst); rerr != nil {
		return errors.Join(err, rerr)
	}
	return nil
}

// syncDir fsyncs the directory sub of the maildir, making the entries
// created in it durable.
func (m *Maildir) syncDir(sub string) error {
	if err := m.step("sync dir"); err != nil {
		return err
	}
	d, err := os.Open(filepath.Join(m.Dir, sub))
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// maildirBytes returns msg with LF line endings, after Return-Path and
// Delivered-To fields for from and rcpt. A field is left out when its
// address is empty or holds a control character, which could end the
// line and add fields of its own.
func maildirBytes(from, rcpt string, msg []byte) []byte {
	out := make([]byte, 0, len(msg)+len(from)+len(rcpt)+32)
	if from = strings.TrimSuffix(strings.TrimPrefix(from, "<"), ">"); headerSafe(from) {
		out = append(out, "Return-Path: <"...)
		out = append(out, from...)
		out = append(out, ">\n"...)
	}
	if rcpt = strings.TrimSuffix(strings.TrimPrefix(rcpt, "<"), ">"); headerSafe(rcpt) {
		out = append(out, "Delivered-To: "...)
		out = append(out, rcpt...)
		out = append(out, '\n')
	}
	for {
		i := bytes.Index(msg, []byte("\r\n"))
		if i < 0 {
			return append(out, msg...)
		}
		out = append(out, msg[:i]...)
		out = append(out, '\n')
		msg = msg[i+2:]
	}
}

func headerSafe(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f })
}

// maxHeaderScan bounds what Delivered reads of each file: the header
// section of a message leadup wrote is a few hundred bytes.
const maxHeaderScan = 64 << 10

// Delivered reports whether a message with this Message-ID is in new/ or
// cur/, reading only the header section of each file. The outbox asks it
// after a crash between a Send and the record of it, so as not to deliver
// twice. The angle brackets around messageID are optional. A maildir that
// does not exist yet holds nothing.
func (m *Maildir) Delivered(ctx context.Context, messageID string) (bool, error) {
	id := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(messageID), "<"), ">")
	if id == "" || strings.ContainsAny(id, "<> \t\r\n") {
		return false, &MaildirError{Op: "scan", Permanent: true, Err: fmt.Errorf("malformed Message-ID %q", messageID)}
	}
	if m.Dir == "" {
		return false, &MaildirError{Op: "config", Permanent: true, Err: errors.New("no directory set")}
	}
	// A mail client moves files from new/ to cur/ and renames them in cur/
	// when it changes their flags. A file that vanished between listing
	// and opening may have moved to a name already passed: look again.
	for range 3 {
		found, vanished, err := m.scan(ctx, id)
		if err != nil || found || !vanished {
			return found, err
		}
	}
	return false, nil
}

// scan makes one pass over new/ then cur/ (the direction messages move).
func (m *Maildir) scan(ctx context.Context, id string) (found, vanished bool, err error) {
	buf := make([]byte, 4096)
	for _, sub := range []string{"new", "cur"} {
		dir := filepath.Join(m.Dir, sub)
		d, err := os.Open(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return false, false, maildirError("scan", err)
		}
		for {
			entries, rerr := d.ReadDir(256)
			for _, e := range entries {
				if err := ctx.Err(); err != nil {
					d.Close()
					return false, false, maildirError("scan", context.Cause(ctx))
				}
				// The spec has readers skip names starting with a dot.
				if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
					continue
				}
				ok, err := hasMessageID(filepath.Join(dir, e.Name()), id, buf)
				switch {
				case errors.Is(err, fs.ErrNotExist):
					vanished = true
				case err != nil:
					d.Close()
					return false, false, maildirError("scan", err)
				case ok:
					d.Close()
					return true, false, nil
				}
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				d.Close()
				return false, false, maildirError("scan", rerr)
			}
		}
		d.Close()
	}
	return false, vanished, nil
}

// hasMessageID reports whether the header section of the file at path has
// a Message-ID field equal to id (without angle brackets). It reads up to
// the blank line that ends the header, and at most maxHeaderScan bytes;
// buf is the scanner's starting buffer, shared between files.
func hasMessageID(path, id string, buf []byte) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, maxHeaderScan))
	sc.Buffer(buf[:0], maxHeaderScan+1)
	var field []byte // the Message-ID field being unfolded
	in := false
	matches := func() bool {
		v := strings.TrimSpace(string(field))
		return strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">") == id
	}
	for sc.Scan() {
		line := bytes.TrimSuffix(sc.Bytes(), []byte("\r"))
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			// A folded continuation (RFC 5322 §2.2.3).
			if in {
				field = append(field, line...)
			}
			continue
		}
		if in && matches() {
			return true, nil
		}
		in = false
		if len(line) == 0 {
			return false, nil // the end of the header section
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if ok && strings.EqualFold(string(bytes.TrimRight(name, " \t")), "Message-ID") {
			in = true
			field = append(field[:0], value...)
		}
	}
	// The end of the file or of the bounded read; a scanner error (a line
	// longer than the bound) just means no Message-ID was read.
	return in && matches(), nil
}

// Check makes sure the maildir exists or can be created and is writable,
// by writing and removing a probe file in tmp/, so that `leadup check` can
// prove the setting works.
func (m *Maildir) Check() error {
	if err := m.dirs(); err != nil {
		return err
	}
	probe := filepath.Join(m.Dir, "tmp", m.uniqueName()+".check")
	f, err := os.OpenFile(probe, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return maildirError("check", err)
	}
	_, err = f.Write([]byte("leadup check\n"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if rerr := os.Remove(probe); err == nil {
		err = rerr
	}
	if err != nil {
		return maildirError("check", err)
	}
	return nil
}
