package daemon

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadup/leadup/daemon/clock"
	"github.com/leadup/leadup/daemon/config"
	"github.com/leadup/leadup/daemon/googleauth"
	"github.com/leadup/leadup/daemon/mail"
	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/render"
	"github.com/leadup/leadup/daemon/store"
)

// CheckResult is the verdict on one thing leadup depends on.
type CheckResult struct {
	Name    string // "config", "state", "token", "calendar", "smtp" or "maildir", "imap"
	OK      bool
	Skipped bool   // not configured, or not tried because an earlier check failed
	Detail  string // what was found, or what went wrong
	Fix     string // what to do about it; empty when OK
}

// CheckOptions tune Check.
type CheckOptions struct {
	// SendTest sends a short test email to [mail] to once the SMTP check
	// passes.
	SendTest bool
	// Timeout bounds each network check; 0 means 30 s.
	Timeout time.Duration
}

// Check tries each dependency of the configuration in o.Config live, the
// way the daemon would use it, and reports a CheckResult for each as soon
// as it is known: the configuration and time zone, the state directory, the
// Google token, the calendar (and whether each boss's addresses appear on
// it within the lookahead), SMTP and IMAP. It sends no email unless
// co.SendTest is set and changes nothing on the servers. It reports whether
// every check passed.
func Check(ctx context.Context, o Options, co CheckOptions, report func(CheckResult)) bool {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	c := &checker{o: o, co: co, cfg: o.Config, report: report, ok: true}
	if c.co.Timeout <= 0 {
		c.co.Timeout = 30 * time.Second
	}
	c.config()
	c.state(ctx)
	msOK := c.microsoftToken(ctx)
	tokens := c.token(ctx)
	c.calendar(ctx, tokens, msOK)
	c.smtp(ctx, tokens)
	c.imap(ctx, tokens)
	return c.ok
}

type checker struct {
	o      Options
	co     CheckOptions
	cfg    *config.Config
	report func(CheckResult)
	ok     bool
}

func (c *checker) pass(name, detail string) {
	c.report(CheckResult{Name: name, OK: true, Detail: detail})
}

func (c *checker) skip(name, detail string) {
	c.report(CheckResult{Name: name, OK: true, Skipped: true, Detail: detail})
}

// notTried reports a check that an earlier failure made impossible: it
// does not pass.
func (c *checker) notTried(name, why string) {
	c.ok = false
	c.report(CheckResult{Name: name, Skipped: true, Detail: "not tried: " + why})
}

func (c *checker) fail(name, detail, fix string) {
	c.ok = false
	c.report(CheckResult{Name: name, Detail: detail, Fix: fix})
}

// config reports the parsed configuration, its time zone and templates.
func (c *checker) config() {
	cfg := c.cfg
	names := make([]string, len(cfg.Bosses))
	for i, b := range cfg.Bosses {
		names[i] = b.Name
	}
	now := c.o.Clock.Now().In(cfg.Location)
	detail := fmt.Sprintf("%s: bosses %s; time zone %s (now %s)", cfg.Path, strings.Join(names, ", "),
		cfg.Location, now.Format("Mon 2 Jan 15:04 MST"))
	if _, err := render.New(cfg.TemplatesDir); err != nil {
		c.fail("config", "templates: "+err.Error(), "fix or remove the template named (templates_dir = "+cfg.TemplatesDir+")")
		return
	}
	if err := cfg.CheckDelivery(); err != nil {
		c.fail("config", detail+"; cannot send email: "+oneLine(err), "see config.example.toml")
		return
	}
	c.pass("config", detail)
}

// state checks that the state directory is writable, and that the store
// opens, has this leadup's schema and passes SQLite's quick check.
func (c *checker) state(ctx context.Context) {
	dir := c.cfg.StateDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		c.fail("state", err.Error(), "create "+dir+" owned by the user leadup runs as, or set state_dir")
		return
	}
	probe, err := os.CreateTemp(dir, ".check-*")
	if err == nil {
		name := probe.Name()
		err = errors.Join(probe.Close(), os.Remove(name))
	}
	if err != nil {
		c.fail("state", dir+" is not writable: "+err.Error(), "make "+dir+" writable by the user leadup runs as, or set state_dir")
		return
	}
	st, err := store.Open(ctx, filepath.Join(dir, store.FileName), store.Options{Now: c.o.Clock.Now})
	if err != nil {
		c.fail("state", err.Error(), "see the README's troubleshooting section; the store is "+filepath.Join(dir, store.FileName))
		return
	}
	defer st.Close()
	if err := st.Verify(ctx); err != nil {
		c.fail("state", "the store "+filepath.Join(dir, store.FileName)+": "+err.Error(),
			"restore it from a backup, or move it aside to start a new log (leadup makes a new one)")
		return
	}
	c.pass("state", dir+" is writable; the store opens, its schema is current and SQLite's check finds no damage")
}

// token checks the OAuth client and token, when leadup signs in to
// Google, refreshing the token to prove Google still accepts it. It returns
// the token source for the later checks: nil if none is needed or this
// failed.
func (c *checker) token(ctx context.Context) *googleauth.TokenSource {
	if !needsGoogle(c.cfg) {
		if c.cfg.Calendar.Source != config.SourceMicrosoft {
			c.skip("token", "no sign-in needed: the calendar is "+c.cfg.Calendar.SourceName()+" and mail signs in without OAuth")
		}
		return nil
	}
	tokens, err := openTokens(ctx, c.cfg, c.o.Log)
	if err != nil {
		fix := "run `leadup auth`"
		if config.IsConfigError(err) {
			fix = "download the OAuth client JSON again (README, Google setup) and set google.client_file"
		}
		c.fail("token", oneLine(err), fix)
		return nil
	}
	tokens.Invalidate()
	if _, err := tokens.Token(); err != nil {
		c.fail("token", oneLine(err), "run `leadup auth`")
		return nil
	}
	var want []string
	if c.cfg.Calendar.Source == config.SourceGoogle {
		want = append(want, googleauth.ScopeCalendarEventsReadonly)
	}
	if c.cfg.NeedsGoogleMailScope() {
		want = append(want, googleauth.ScopeMail)
	}
	granted := tokens.Scopes()
	var missing []string
	for _, s := range want {
		if granted != nil && !slices.Contains(granted, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		c.fail("token", "Google did not grant "+strings.Join(missing, ", "),
			"run `leadup auth` again and tick every permission on Google's consent screen")
		return tokens
	}
	if granted == nil { // Google did not say: what was asked for
		granted = want
	}
	c.pass("token", fmt.Sprintf("%s refreshed; scopes %s", c.cfg.Google.TokenFile, strings.Join(shortScopes(granted), ", ")))
	return tokens
}

// microsoftToken checks the saved Microsoft sign-in, when the calendar is
// Microsoft's, refreshing it to prove Microsoft still accepts it. It
// reports whether it may be used.
func (c *checker) microsoftToken(ctx context.Context) bool {
	if c.cfg.Calendar.Source != config.SourceMicrosoft {
		return false
	}
	tokens, err := openMicrosoftTokens(ctx, c.cfg, c.o.Log)
	if err != nil {
		c.fail("token", oneLine(err), "run `leadup auth`")
		return false
	}
	tokens.Invalidate()
	if _, err := tokens.Token(); err != nil {
		fix := "run `leadup auth`"
		if !errors.Is(err, googleauth.ErrReauth) {
			fix = "check [microsoft] client_id and tenant, and this machine's connection to Microsoft; then `leadup auth`"
		}
		c.fail("token", oneLine(err), fix)
		return false
	}
	c.pass("token", c.cfg.Microsoft.TokenFile+" refreshed (Microsoft)")
	return true
}

// calendar lists the calendar over the lookahead and counts the meetings
// with each boss: a boss with none usually means a wrong address.
func (c *checker) calendar(ctx context.Context, tokens *googleauth.TokenSource, msOK bool) {
	switch {
	case c.cfg.Calendar.Source == config.SourceGoogle && tokens == nil:
		c.notTried("calendar", "needs a working Google token")
		return
	case c.cfg.Calendar.Source == config.SourceMicrosoft && !msOK:
		c.notTried("calendar", "needs a working Microsoft token")
		return
	}
	source, err := openCalendar(ctx, c.o, tokens)
	if err != nil {
		c.fail("calendar", oneLine(err), "check [calendar]")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, c.co.Timeout)
	defer cancel()
	ch, err := source.Sync(ctx, "")
	if err != nil {
		fix := "check google.calendar, and that the Calendar API is enabled in your Google Cloud project"
		switch c.cfg.Calendar.Source {
		case config.SourceICS:
			fix = "check calendar.ics_url or calendar.ics_file: the address must be the calendar's secret iCal address"
		case config.SourceCalDAV:
			fix = "check calendar.caldav_url, username and the app password, and calendar.calendars (names as the server shows them)"
		case config.SourceMicrosoft:
			fix = "check [microsoft] calendar (a calendar's name as Outlook shows it) and that the app registration has Calendars.Read"
		}
		c.fail("calendar", oneLine(err), fix)
		return
	}
	now := c.o.Clock.Now()
	end := now.Add(c.cfg.Calendar.Lookahead)
	rule := meeting.NewRule(c.cfg.Bosses, c.cfg.Filter)
	meetings := make(map[string]int)
	others := make(map[string]int) // attendees who are not bosses, for the hint
	events := 0
	for _, ev := range ch.Events {
		if !ev.End.After(now) || !ev.Start.Before(end) {
			continue
		}
		events++
		m := rule.Classify(source.Name(), ev)
		if m.Status == meeting.Active || m.Status == meeting.Declined {
			meetings[m.Boss]++
			continue
		}
		for _, a := range ev.Attendees {
			if !a.Self && !a.Resource && a.Email != "" {
				others[strings.ToLower(a.Email)]++
			}
		}
	}
	var counts, absent []string
	for _, b := range c.cfg.Bosses {
		n := meetings[b.Name]
		counts = append(counts, fmt.Sprintf("%s %d", b.Name, n))
		if n == 0 {
			absent = append(absent, b.Name)
		}
	}
	detail := fmt.Sprintf("%s: %s in the next %s; meetings: %s", source.Name(), plural(events, "event"),
		config.Duration(c.cfg.Calendar.Lookahead).String(), strings.Join(counts, ", "))
	if len(absent) > 0 {
		fix := "check the emails of " + strings.Join(absent, ", ") + " under [[boss]], and [filter]"
		if top := mostFrequent(others, 5); len(top) > 0 {
			fix += "; people on your calendar most often: " + strings.Join(top, ", ")
		}
		c.fail("calendar", detail, fix)
		return
	}
	c.pass("calendar", detail)
}

// smtp connects, negotiates TLS and signs in, and with SendTest sends a
// test email.
func (c *checker) smtp(ctx context.Context, tokens *googleauth.TokenSource) {
	if c.cfg.Mail.Transport == config.TransportMaildir {
		c.maildir(ctx)
		return
	}
	if !c.cfg.HasSMTP() {
		c.fail("smtp", "no [smtp] server configured", `add an [smtp] table with host = "smtp.example.com" (see config.example.toml)`)
		return
	}
	if c.cfg.SMTP.Auth == config.AuthXOAUTH2 && tokens == nil {
		c.notTried("smtp", `auth = "xoauth2" needs a working Google token`)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, c.co.Timeout)
	defer cancel()
	s := openSMTP(c.cfg, tokens)
	addr := net.JoinHostPort(c.cfg.SMTP.Host, strconv.Itoa(c.cfg.SMTP.Port))
	if err := s.Check(ctx); err != nil {
		c.fail("smtp", oneLine(err), smtpFix(c.cfg, err))
		return
	}
	detail := fmt.Sprintf("%s: connected, %s, %s", addr, securityName(c.cfg.SMTP.Security), authName(c.cfg.SMTP.Auth, c.cfg.SMTP.Username))
	if !c.co.SendTest {
		c.pass("smtp", detail+"; no email sent (use -send-test to send one)")
		return
	}
	if err := c.sendTest(ctx, s); err != nil {
		c.fail("smtp", detail+"; the test email failed: "+oneLine(err), smtpFix(c.cfg, err))
		return
	}
	c.pass("smtp", detail+"; test email sent to "+c.cfg.Mail.To.Address)
}

func (c *checker) sendTest(ctx context.Context, s outbox.Sender) error {
	now := c.o.Clock.Now()
	m := mail.Message{
		From:      c.cfg.Mail.From,
		To:        []*netmail.Address{c.cfg.Mail.To},
		Subject:   "leadup: test email",
		Text:      "This is a test email from `leadup check -send-test`.\n\nIf it reached you, leadup can send your prep briefs and follow-ups.\n",
		MessageID: fmt.Sprintf("leadup.check.%d@%s", now.UnixNano(), mail.MessageIDDomain(c.cfg.Mail.From)),
		Date:      now,
	}
	raw, err := m.Bytes()
	if err != nil {
		return err
	}
	return s.Send(ctx, c.cfg.Mail.From.Address, []string{c.cfg.Mail.To.Address}, raw)
}

// maildir checks that leadup can deliver into the Maildir, and with
// SendTest delivers a test email there.
func (c *checker) maildir(ctx context.Context) {
	md := &mail.Maildir{Dir: c.cfg.Mail.Maildir}
	if err := md.Check(); err != nil {
		c.fail("maildir", oneLine(err), "create "+c.cfg.Mail.Maildir+" writable by the user leadup runs as, or fix mail.maildir")
		return
	}
	detail := c.cfg.Mail.Maildir + " is a writable Maildir"
	if !c.co.SendTest {
		c.pass("maildir", detail+"; no email written (use -send-test to write one)")
		return
	}
	if err := c.sendTest(ctx, md); err != nil {
		c.fail("maildir", detail+"; the test email failed: "+oneLine(err), "check mail.maildir")
		return
	}
	c.pass("maildir", detail+"; test email written to "+filepath.Join(c.cfg.Mail.Maildir, "new"))
}

// imap logs in, opens the mailbox read-only and asks for IDLE.
func (c *checker) imap(ctx context.Context, tokens *googleauth.TokenSource) {
	if !c.cfg.HasIMAP() {
		c.skip("imap", "no [imap] mailbox configured: replies are logged only through `leadup ingest`")
		return
	}
	if c.cfg.IMAP.Auth == config.AuthXOAUTH2 && tokens == nil {
		c.notTried("imap", `auth = "xoauth2" needs a working Google token`)
		return
	}
	// Checked only: no checkpoints to keep, no mail to hand over.
	w, err := openMailbox(c.o, tokens, nil, nil)
	if err != nil {
		c.fail("imap", oneLine(err), "check the [imap] settings")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, c.co.Timeout)
	defer cancel()
	addr := net.JoinHostPort(c.cfg.IMAP.Host, strconv.Itoa(c.cfg.IMAP.Port))
	idle, err := w.Check(ctx)
	if err != nil {
		c.fail("imap", oneLine(err), "check imap.host, imap.port, imap.security, the sign-in and that imap.mailbox exists")
		return
	}
	detail := fmt.Sprintf("%s: signed in as %s, mailbox %q exists", addr, c.cfg.IMAP.Username, c.cfg.IMAP.Mailbox)
	switch {
	case idle:
		c.pass("imap", detail+", IDLE supported")
	case !c.cfg.IMAP.Idle:
		c.pass("imap", detail+"; polling every "+config.Duration(c.cfg.IMAP.Poll).String())
	default:
		c.fail("imap", detail+", but the server does not support IDLE",
			"set imap.idle = false to poll every imap.poll instead")
	}
}

// smtpFix suggests a fix for an SMTP failure.
func smtpFix(cfg *config.Config, err error) string {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "certificate"):
		return "the server's TLS certificate is not trusted for " + cfg.SMTP.Host + ": check smtp.host (use the name on the certificate)"
	case strings.Contains(msg, "auth") || strings.Contains(msg, "535") || strings.Contains(msg, "credentials"):
		return "check smtp.username and the password (many providers want an app password)"
	case strings.Contains(msg, "starttls") || strings.Contains(msg, "tls"):
		return "check smtp.security: \"starttls\" for port 587, \"tls\" for port 465"
	default:
		return "check smtp.host and smtp.port, and that this machine can reach them"
	}
}

func securityName(s string) string {
	switch s {
	case config.SecurityNone:
		return "no TLS (loopback)"
	case config.SecurityTLS:
		return "TLS"
	default:
		return "STARTTLS"
	}
}

func authName(auth, user string) string {
	if auth == config.AuthNone {
		return "no sign-in"
	}
	return "signed in as " + user + " (" + auth + ")"
}

// shortScopes strips the common URL prefix off Google scopes.
func shortScopes(scopes []string) []string {
	out := make([]string, len(scopes))
	for i, s := range scopes {
		out[i] = strings.TrimPrefix(s, "https://www.googleapis.com/auth/")
	}
	return out
}

// mostFrequent returns up to n keys of counts, most frequent first.
func mostFrequent(counts map[string]int, n int) []string {
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b string) int {
		return cmp.Or(counts[b]-counts[a], strings.Compare(a, b))
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	for i, k := range keys {
		keys[i] = fmt.Sprintf("%s (%d)", k, counts[k])
	}
	return keys
}

// plural returns "1 event", "2 events".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// oneLine joins a possibly multi-line error into one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
