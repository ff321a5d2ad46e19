package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"golang.org/x/oauth2"
	calendarapi "google.golang.org/api/calendar/v3"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/googleauth"
	"github.com/leadup/leadup/e2e/mailstack"
	"github.com/leadup/leadup/internal/syncbuf"
)

// world is one end-to-end setup: the mail stack, the fake Calendar API, a
// built leadup and its configuration.
type world struct {
	stack  *mailstack.Stack
	google *googletest.Server
	bin    string // the leadup binary
	dir    string // its configuration, credentials and state
	config string
}

// newWorld starts the mail stack and the fake Calendar API and writes a
// configuration for leadup that uses them as a user would: STARTTLS and a
// password for both SMTP and IMAP, secrets handed over as systemd
// credentials, brief leads of lead and follow-ups after followup.
func newWorld(t testing.TB, lead, followup string) *world {
	t.Helper()
	return newWorldMail(t, lead, followup, fmt.Sprintf(`from = "leadup <leadup@%[1]s>"
to = "Me <%[2]s>"
reply_to = "me+leadup-{token}@%[1]s"`, mailstack.Domain, mailstack.Me))
}

// newWorldMail is newWorld with mailSection as the [mail] table's keys.
func newWorldMail(t testing.TB, lead, followup, mailSection string) *world {
	t.Helper()
	w := &world{stack: mailstack.Start(t), google: googletest.NewServer(), dir: t.TempDir()}
	t.Cleanup(w.google.Close)
	w.bin = buildLeadup(t)

	creds := filepath.Join(w.dir, "credentials")
	must(t, os.MkdirAll(creds, 0o700))
	password := w.stack.Users[mailstack.Me]
	must(t, os.WriteFile(filepath.Join(creds, "mail-password"), []byte(password+"\n"), 0o600))
	client := `{"installed":{"client_id":"id.apps.googleusercontent.com","client_secret":"s",
		"auth_uri":"http://127.0.0.1:1/auth","token_uri":"http://127.0.0.1:1/token"}}`
	must(t, os.WriteFile(filepath.Join(creds, "client_secret.json"), []byte(client), 0o600))
	tok := &oauth2.Token{AccessToken: "access", RefreshToken: "refresh", TokenType: "Bearer", Expiry: time.Now().Add(24 * time.Hour)}
	must(t, googleauth.WriteToken(filepath.Join(w.dir, "state", "google-token.json"), tok))

	w.config = filepath.Join(w.dir, "config.toml")
	must(t, os.WriteFile(w.config, []byte(fmt.Sprintf(`timezone = "Europe/Berlin"
state_dir = "state"

[google]
endpoint = %q
poll = "10s"

[brief]
before = [%q]

[followup]
after = %q

# Months of meetings with one boss, compressed into two minutes of one day.
[limits]
meetings_per_boss_per_day = 20
emails_per_boss_per_day = 60

[mail]
%[9]s

[smtp]
host = "127.0.0.1"
port = %[6]d
security = "starttls"
auth = "plain"
username = %[5]q
password_file = "mail-password"

[imap]
host = "127.0.0.1"
port = %[7]d
security = "starttls"
auth = "plain"
username = %[5]q
password_file = "mail-password"

[[boss]]
name = "Blake Boss"
emails = [%[8]q]
style = "Numbers first."
`, w.google.Endpoint(), lead, followup, mailstack.Domain, mailstack.Me, w.stack.SubmissionPort, w.stack.IMAPPort, mailstack.Boss,
		mailSection)), 0o600))
	return w
}

// meeting puts a meeting with the boss on the calendar.
func (w *world) meeting(id, title string, start time.Time, length time.Duration, others ...string) {
	ev := &calendarapi.Event{
		Id: id, Summary: title,
		Start:     &calendarapi.EventDateTime{DateTime: start.Format(time.RFC3339Nano)},
		End:       &calendarapi.EventDateTime{DateTime: start.Add(length).Format(time.RFC3339Nano)},
		Organizer: &calendarapi.EventOrganizer{Email: mailstack.Boss},
		Attendees: []*calendarapi.EventAttendee{
			{Email: mailstack.Boss, Organizer: true, ResponseStatus: "accepted"},
			{Email: mailstack.Me, Self: true, ResponseStatus: "accepted"},
		},
		Description: "<p>Agenda: <b>the e2e numbers</b></p><script>alert(1)</script>",
	}
	for _, o := range others {
		ev.Attendees = append(ev.Attendees, &calendarapi.EventAttendee{Email: o, ResponseStatus: "accepted"})
	}
	w.google.Put("primary", ev)
}

// process is a running "leadup run".
type process struct {
	cmd  *exec.Cmd
	logs *syncbuf.Buffer
	// exited is closed when the process has exited, with err set.
	exited chan struct{}
	err    error
}

// start runs "leadup run" as systemd would: credentials in
// $CREDENTIALS_DIRECTORY, logs on stderr, and the stack's certificate
// trusted through SSL_CERT_FILE.
func (w *world) start(t testing.TB) *process {
	t.Helper()
	cmd := w.command("run", "-config", w.config, "-log-level", "debug")
	p := &process{cmd: cmd, logs: &syncbuf.Buffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.logs
	must(t, cmd.Start())
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(20 * time.Second):
			p.cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("leadup run's log:\n%s", p.logs.String())
		}
	})
	return p
}

// command returns a leadup command with the environment systemd would
// give it.
func (w *world) command(args ...string) *exec.Cmd {
	cmd := exec.Command(w.bin, args...)
	cmd.Env = append(os.Environ(),
		"CREDENTIALS_DIRECTORY="+filepath.Join(w.dir, "credentials"),
		"SSL_CERT_FILE="+w.stack.CertFile,
	)
	return cmd
}

// waitLog waits until the log has a line containing s.
func (p *process) waitLog(t testing.TB, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(p.logs.String(), s) {
		select {
		case <-p.exited:
			t.Fatalf("leadup run exited (%v) before logging %q:\n%s", p.err, s, p.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("leadup run did not log %q within %v:\n%s", s, timeout, p.logs.String())
		}
	}
}

// alive fails the test if the process has exited.
func (p *process) alive(t testing.TB) {
	t.Helper()
	select {
	case <-p.exited:
		t.Fatalf("leadup run exited: %v\n%s", p.err, p.logs.String())
	default:
	}
}

// TestLeadupAgainstRealMailServers runs the leadup binary against Dovecot
// and OpenSMTPD and the fake Calendar API, as a user would run it for
// months, compressed into about two minutes of real time.
func TestLeadupAgainstRealMailServers(t *testing.T) {
	top := t
	w := newWorld(t, "20s", "2s")
	good, err := os.ReadFile(w.config)
	must(t, err)
	t0 := time.Now().Truncate(time.Second)
	first := t0.Add(25 * time.Second)
	w.meeting("first", "Weekly sync", first, 5*time.Second)
	// A group meeting with the boss comes between the two 1:1s, and gets
	// no reply: the second 1:1's brief must still carry the first's log.
	w.meeting("between", "All hands", t0.Add(50*time.Second), 5*time.Second, "lee@example.com")
	second := t0.Add(80 * time.Second)
	w.meeting("second", "Planning", second, 5*time.Second)
	p := w.start(t)
	p.waitLog(t, "leadup running", 30*time.Second)

	// A brief's subject and first line name the meeting by its title
	// ("Prep: Weekly sync (1:1 with Blake), …"), so that two meetings with
	// one boss on a day differ.
	isBrief := func(title string) func(mailstack.Message) bool {
		return func(m mailstack.Message) bool {
			return strings.HasPrefix(m.MessageID, "<leadup.brief.") && strings.Contains(m.Subject, "Prep: "+title+" ") &&
				strings.HasPrefix(textPart(t, m.Raw), title+" ")
		}
	}

	// The brief arrives on time, in the real mailbox, shaped for a mail client.
	brief := w.stack.WaitMessage(t, mailstack.Me, isBrief("Weekly sync"), 40*time.Second)
	arrived := time.Now()
	if late := arrived.Sub(first.Add(-20 * time.Second)); late > 3*time.Second {
		t.Errorf("brief seen %v after its due time, want within 3s (1s of it is polling)", late)
	}
	text := textPart(t, brief.Raw)
	if !strings.Contains(text, "the e2e numbers") || strings.Contains(text, "alert(1)") {
		t.Errorf("brief text lacks the agenda or keeps the script:\n%s", text)
	}
	if brief.AutoSubmitted != "auto-generated" {
		t.Errorf("brief Auto-Submitted = %q", brief.AutoSubmitted)
	}

	// The follow-up comes after the meeting ends.
	followup := w.stack.WaitMessage(t, mailstack.Me, func(m mailstack.Message) bool {
		return strings.HasPrefix(m.MessageID, "<leadup.followup.")
	}, 40*time.Second)
	if now := time.Now(); now.Before(first.Add(7 * time.Second)) {
		t.Errorf("follow-up seen at %v, before the meeting ended + 2s (%v)", now, first.Add(7*time.Second))
	}
	replyTo := followup.Header.Get("Reply-To")
	if !strings.Contains(replyTo, "me+leadup-") {
		t.Fatalf("follow-up Reply-To = %q, want the tokened address", replyTo)
	}

	// The user replies from their phone, through the real SMTP server.
	replyID, to, msg := reply(followup, "Decisions:\n- Ship the e2e suite on Monday\n\nAction items:\n- Send Blake the e2e plan by Friday\n\n"+
		"Feedback:\n- Lead with the numbers\n\nOn Sun, leadup wrote:\n> Decisions:")
	w.stack.Send(t, mailstack.Me, to, msg)

	// It is logged, and confirmed in the same thread.
	confirm := w.stack.WaitMessage(t, mailstack.Me, func(m mailstack.Message) bool { return m.InReplyTo == replyID }, 20*time.Second)
	if ct := textPart(t, confirm.Raw); !strings.Contains(ct, "Send Blake the e2e plan") {
		t.Errorf("confirmation lacks the action item:\n%s", ct)
	}
	// leadup items lists the open action item, and the feedback to act on;
	// nothing of the quoted original.
	items := w.items(t)
	if len(items) != 2 || items[0].Text != "Send Blake the e2e plan" || items[0].Boss != "Blake Boss" ||
		items[1].Text != "Lead with the numbers" {
		t.Errorf("leadup items = %+v, want the action item and the feedback from the reply", items)
	}

	// The next 1:1's brief carries the open item, and the decision and
	// feedback of the last 1:1 with a log, though a group meeting with the
	// boss came between.
	next := w.stack.WaitMessage(t, mailstack.Me, isBrief("Planning"), 70*time.Second)
	nt := textPart(t, next.Raw)
	for _, want := range []string{"Send Blake the e2e plan", "Ship the e2e suite on Monday", "Lead with the numbers", "Weekly sync"} {
		if !strings.Contains(nt, want) {
			t.Errorf("the next brief lacks %q:\n%s", want, nt)
		}
	}

	// A full run's log holds no secret and no email body.
	for _, secret := range []string{w.stack.Users[mailstack.Me], "Send Blake the e2e plan by Friday", "Lead with the numbers"} {
		if strings.Contains(p.logs.String(), secret) {
			t.Errorf("leadup's log contains %q", secret)
		}
	}

	t.Run("kill -9 and restart", func(t *testing.T) {
		// Five briefs fall due a second apart; leadup is killed in the
		// middle of them, then started again.
		t1 := time.Now().Truncate(time.Second).Add(20*time.Second + 5*time.Second)
		var titles []string
		for i := range 5 {
			title := fmt.Sprintf("Burst %d", i)
			titles = append(titles, title)
			w.meeting(fmt.Sprintf("burst%d", i), title, t1.Add(time.Duration(i)*2*time.Second), 10*time.Second)
		}
		w.stack.WaitMessage(t, mailstack.Me, isBrief(titles[1]), 40*time.Second)
		must(t, p.cmd.Process.Kill())
		<-p.exited
		time.Sleep(3 * time.Second) // more briefs fall due while it is down
		p = w.start(top)            // runs on after this subtest
		for _, title := range titles {
			w.stack.WaitMessage(t, mailstack.Me, isBrief(title), 40*time.Second)
		}
		seen := make(map[string]int)
		for _, m := range w.stack.Messages(t, mailstack.Me) {
			if strings.HasPrefix(m.MessageID, "<leadup.") {
				seen[m.MessageID]++
			}
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s delivered %d times", id, n)
			}
		}
		// 2 briefs, 1 follow-up, 1 confirmation before; 5 briefs now.
		if len(seen) < 9 {
			t.Errorf("%d distinct emails from leadup, want at least 9: %v", len(seen), seen)
		}
	})

	t.Run("SIGHUP with a broken configuration", func(t *testing.T) {
		broken := strings.Replace(string(good), `before = ["20s"]`, `before = "soon"`, 1)
		must(t, os.WriteFile(w.config, []byte(broken), 0o600))
		must(t, p.cmd.Process.Signal(syscall.SIGHUP))
		p.waitLog(t, "keeping the running configuration", 10*time.Second)
		p.alive(t)

		// The old configuration goes on working: a meeting put on the
		// calendar now gets its brief 20 s ahead.
		w.meeting("after-hup", "After the reload", time.Now().Add(35*time.Second), 5*time.Second)
		w.stack.WaitMessage(t, mailstack.Me, isBrief("After the reload"), 40*time.Second)

		must(t, os.WriteFile(w.config, good, 0o600))
		must(t, p.cmd.Process.Signal(syscall.SIGHUP))
		p.waitLog(t, "configuration reloaded", 30*time.Second)
		p.alive(t)
	})

	t.Run("plaintext to a non-loopback host is refused", func(t *testing.T) {
		cfg := strings.Replace(string(good), "host = \"127.0.0.1\"\nport = "+fmt.Sprint(w.stack.SubmissionPort)+"\nsecurity = \"starttls\"",
			"host = \"mail.example.net\"\nport = 25\nsecurity = \"none\"", 1)
		bad := filepath.Join(w.dir, "plaintext.toml")
		must(t, os.WriteFile(bad, []byte(cfg), 0o600))
		out, err := w.command("check", "-config", bad).CombinedOutput()
		if code := exitCode(err); code != 78 || !strings.Contains(string(out), "clear text") {
			t.Errorf("leadup check with plaintext SMTP to mail.example.net = exit %d:\n%s", code, out)
		}
	})
}

type item struct {
	ID   int64  `json:"id"`
	Text string `json:"text"`
	Boss string `json:"boss"`
}

// items runs "leadup items -json" beside the running daemon.
func (w *world) items(t testing.TB) []item {
	t.Helper()
	var stderr bytes.Buffer
	cmd := w.command("items", "-json", "-config", w.config)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("leadup items: %v\n%s", err, stderr.String())
	}
	var items []item
	must(t, json.Unmarshal(out, &items))
	return items
}

// buildLeadup builds the binary once per test binary.
var buildLeadup = func() func(t testing.TB) string {
	var once sync.Once
	var bin string
	var err error
	var out []byte
	return func(t testing.TB) string {
		t.Helper()
		once.Do(func() {
			dir, derr := os.MkdirTemp("", "leadup-e2e-")
			if derr != nil {
				err = derr
				return
			}
			bin = filepath.Join(dir, "leadup")
			out, err = exec.Command("go", "build", "-o", bin, "github.com/leadup/leadup/cmd/leadup").CombinedOutput()
		})
		if err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		return bin
	}
}()

// textPart returns the decoded text/plain part of a message.
func textPart(t testing.TB, raw []byte) string {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			t.Fatalf("no text/plain part")
		}
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		if h, ok := part.Header.(*gomail.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				b, err := io.ReadAll(part.Body)
				must(t, err)
				return string(b)
			}
		}
	}
}

// replies numbers the Message-IDs of the replies a test writes.
var replies atomic.Int64

// reply is the user's answer to a follow-up, as a mail client writes it:
// to its Reply-To (or From), in its thread, with body as the text (lines joined with
// CRLF). It returns the reply's Message-ID and the address it goes to.
func reply(followup mailstack.Message, body string) (id, to string, msg []byte) {
	id = fmt.Sprintf("<reply.%d.%d@%s>", replies.Add(1), time.Now().UnixNano(), mailstack.Domain)
	to = bareAddress(followup.Header.Get("Reply-To"))
	if to == "" {
		// No reply_to configured: the client answers From.
		to = bareAddress(followup.Header.Get("From"))
	}
	msg = fmt.Appendf(nil, "From: Me <%s>\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: %s\r\nIn-Reply-To: %s\r\nReferences: %s\r\n"+
		"Date: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		mailstack.Me, to, followup.Subject, id, followup.MessageID, followup.MessageID, time.Now().Format(time.RFC1123Z),
		strings.ReplaceAll(body, "\n", "\r\n"))
	return id, to, msg
}

// bareAddress returns the address in "Name <addr>" or "<addr>".
func bareAddress(s string) string {
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSuffix(strings.TrimSpace(s), ">")
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
