package caldav_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar/caldav"
	"github.com/leadup/leadup/daemon/clock"
)

// radicaleBin is Debian's Radicale (package radicale, 3.1 in bookworm).
const radicaleBin = "/usr/bin/radicale"

// radicale is a Radicale server on a loopback port, with one user and
// plain htpasswd authentication: Debian's Radicale verifies bcrypt only
// with python3-bcrypt, which it does not depend on, and a test password
// needs no hashing.
type radicale struct {
	url        string // http://127.0.0.1:port
	user, pass string
	client     *http.Client
}

// startRadicale starts Radicale with empty storage in a temporary folder
// and stops it when the test ends. Without Radicale the test is skipped,
// or fails under LEADUP_E2E=1.
func startRadicale(t testing.TB) *radicale {
	t.Helper()
	if _, err := os.Stat(radicaleBin); err != nil {
		if os.Getenv("LEADUP_E2E") == "1" {
			t.Fatalf("LEADUP_E2E=1 but Radicale is not installed (%v): apt-get install radicale", err)
		}
		t.Skipf("Radicale is not installed (%s); apt-get install radicale", radicaleBin)
	}
	dir := t.TempDir()
	port, err := freePort()
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	r := &radicale{
		url:    fmt.Sprintf("http://127.0.0.1:%d", port),
		user:   "alice",
		pass:   "radicale-app-password",
		client: &http.Client{Timeout: 30 * time.Second},
	}
	config := fmt.Sprintf(`[server]
hosts = 127.0.0.1:%d

[auth]
type = htpasswd
htpasswd_filename = %s
htpasswd_encryption = plain
delay = 0

[rights]
type = owner_only

[storage]
filesystem_folder = %s

[web]
type = none

[logging]
level = warning
`, port, filepath.Join(dir, "users"), filepath.Join(dir, "collections"))
	for name, data := range map[string]string{"config": config, "users": r.user + ":" + r.pass + "\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	logFile, err := os.Create(filepath.Join(dir, "radicale.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(radicaleBin, "--config", filepath.Join(dir, "config"))
	// A clean environment: no user configuration, no proxy.
	cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} // should the test binary die first
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Radicale: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		logFile.Close()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			log, _ := os.ReadFile(logFile.Name())
			t.Fatalf("Radicale exited: %v\n%s", err, log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("Radicale did not listen on port %d within 20 s", port)
		}
	}
	// Radicale makes the principal collection at the user's first request.
	r.do(t, "PROPFIND", "/"+r.user+"/", "", `<?xml version="1.0"?><propfind xmlns="DAV:"><prop><resourcetype/></prop></propfind>`, 207)
	return r
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// do sends a request as the user and checks the answer's status.
func (r *radicale) do(t testing.TB, method, path, contentType, body string, want ...int) {
	t.Helper()
	req, err := http.NewRequest(method, r.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(r.user, r.pass)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if method == "PROPFIND" {
		req.Header.Set("Depth", "0")
		req.Header.Set("Content-Type", "application/xml")
	}
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	for _, w := range want {
		if resp.StatusCode == w {
			return
		}
	}
	t.Fatalf("%s %s = %s, want %v\n%s", method, path, resp.Status, want, got)
}

// mkcalendar makes a calendar collection for events (RFC 4791 section
// 5.3.1).
func (r *radicale) mkcalendar(t testing.TB, slug, name string) {
	t.Helper()
	r.do(t, "MKCALENDAR", "/"+r.user+"/"+slug+"/", "application/xml", `<?xml version="1.0" encoding="utf-8"?>`+
		`<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>`+
		`<D:displayname>`+name+`</D:displayname>`+
		`<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>`+
		`</D:prop></D:set></C:mkcalendar>`, http.StatusCreated)
}

// put stores an object in a calendar.
func (r *radicale) put(t testing.TB, slug, name, data string) {
	t.Helper()
	r.do(t, "PUT", "/"+r.user+"/"+slug+"/"+name+".ics", "text/calendar; charset=utf-8",
		strings.ReplaceAll(data, "\n", "\r\n"), http.StatusCreated, http.StatusNoContent)
}

func (r *radicale) remove(t testing.TB, slug, name string) {
	t.Helper()
	r.do(t, "DELETE", "/"+r.user+"/"+slug+"/"+name+".ics", "", "", http.StatusOK, http.StatusNoContent)
}

// source returns a Source for Radicale's root, as the user.
func (r *radicale) source(t testing.TB, c *clock.Instant, m *meter, edit func(*caldav.Options)) *caldav.Source {
	t.Helper()
	o := caldav.Options{
		URL:        r.url + "/",
		Username:   r.user,
		Password:   r.pass,
		Lookahead:  lookahead,
		Location:   time.UTC,
		Self:       []string{"alice@leadup.test"},
		HTTPClient: &http.Client{Transport: m},
		Clock:      c,
		Log:        slog.New(slog.DiscardHandler),
	}
	if edit != nil {
		edit(&o)
	}
	src, err := caldav.New(o)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	return src
}

func TestRadicale(t *testing.T) {
	r := startRadicale(t)
	r.mkcalendar(t, "work", "Work")
	r.mkcalendar(t, "team", "Team")
	for name, data := range map[string]string{
		"weekly": weekly, "offsite": allDay, "planning": customZone, "vendor": windowsZone,
		"cancelled": cancelled, "budget": budget("Budget review"),
	} {
		r.put(t, "work", name, data)
	}
	r.put(t, "team", "standup", standup)
	r.put(t, "team", "budget", budget("Budget review (team copy)"))

	ctx := context.Background()
	c := clock.NewInstant(now)
	m := &meter{rt: &http.Transport{}}
	src := r.source(t, c, m, func(o *caldav.Options) { o.Calendars = []string{"Work", "Team"} })

	// Discovery from the root, and a full listing.
	ch, err := src.Sync(ctx, "")
	if err != nil {
		t.Fatalf("first Sync() = %v", err)
	}
	if got := summary(ch.Events); !ch.Full || !sameList(got, wantAll) {
		t.Fatalf("first Sync() = full %t\n%s\nwant\n%s", ch.Full, strings.Join(got, "\n"), strings.Join(wantAll, "\n"))
	}
	reqs, n := m.take()
	t.Logf("first sync: %d requests, %d bytes", reqs, n)

	// Nothing changed: one small request.
	ch, err = src.Sync(ctx, ch.Cursor)
	reqs, n = m.take()
	if err != nil || ch.Full || len(ch.Events) != 0 {
		t.Fatalf("quiet Sync() = full %t, %d events, %v; want an empty change", ch.Full, len(ch.Events), err)
	}
	if ch.Requests != 1 || reqs != 1 || n >= 4096 {
		t.Errorf("quiet Sync() = %d requests (transport saw %d), %d bytes; want 1 request under 4 KB", ch.Requests, reqs, n)
	}
	t.Logf("quiet poll: %d request, %d bytes", reqs, n)

	// A change is seen on the next poll.
	r.put(t, "work", "vendor", strings.Replace(windowsZone, "Vendor call", "Vendor call (agenda)", 1))
	ch, err = src.Sync(ctx, ch.Cursor)
	if err != nil || !ch.Full || !strings.Contains(strings.Join(summary(ch.Events), "\n"), "17:00:00Z Vendor call (agenda)") {
		t.Fatalf("Sync() after a change = full %t, %q, %v; want a full listing with the new title", ch.Full, summary(ch.Events), err)
	}

	// And a deletion.
	r.remove(t, "work", "offsite")
	ch, err = src.Sync(ctx, ch.Cursor)
	if err != nil || !ch.Full || len(ch.Events) != len(wantAll)-1 || strings.Contains(strings.Join(summary(ch.Events), "\n"), "Offsite") {
		t.Fatalf("Sync() after a deletion = full %t, %q, %v; want the listing without Offsite", ch.Full, summary(ch.Events), err)
	}
	if ch, err = src.Sync(ctx, ch.Cursor); err != nil || ch.Full || ch.Requests != 1 {
		t.Errorf("Sync() after that = full %t, %d requests, %v; want a quiet poll", ch.Full, ch.Requests, err)
	}

	// Every calendar, in Radicale's order; the shared event once.
	all := r.source(t, c, m, nil)
	ch, err = all.Sync(ctx, "")
	if err != nil {
		t.Fatalf("Sync() of every calendar = %v", err)
	}
	shared := 0
	for _, ev := range ch.Events {
		if ev.UID == "budget@test" {
			shared++
		}
	}
	if shared != 1 || len(ch.Events) != len(wantAll)-1 {
		t.Errorf("Sync() of every calendar listed %d events, the shared one %d times; want %d and once", len(ch.Events), shared, len(wantAll)-1)
	}

	// A wrong password is a clear error, not retried.
	bad := r.source(t, c, m, func(o *caldav.Options) { o.Password = "not-the-password" })
	ch, err = bad.Sync(ctx, "")
	if !errors.Is(err, caldav.ErrRefused) || ch.Requests != 1 || strings.Contains(err.Error(), "not-the-password") {
		t.Errorf("Sync() with a wrong password = %d requests, %v; want ErrRefused after 1", ch.Requests, err)
	}
}

// benchEvents builds one iCalendar stream of n single events, one every
// 15 minutes of working time over two weeks from now, for a PUT of a whole
// collection, which Radicale splits into objects.
func benchEvents(n int) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n")
	for i := range n {
		day, slot := i/32, i%32
		start := now.Add(time.Duration(day%14)*24*time.Hour + time.Duration(slot)*15*time.Minute)
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:gen-%d@test\r\nDTSTAMP:20260201T000000Z\r\n"+
			"DTSTART:%s\r\nDURATION:PT30M\r\nSUMMARY:Generated meeting %d\r\n"+
			"ORGANIZER;CN=Dana:mailto:dana@boss.test\r\n"+
			"ATTENDEE;CN=Alice;PARTSTAT=ACCEPTED:mailto:alice@leadup.test\r\n"+
			"ATTENDEE;CN=Bob;PARTSTAT=NEEDS-ACTION:mailto:bob@leadup.test\r\n"+
			"DESCRIPTION:Agenda: numbers\\, plans and the week ahead.\r\nEND:VEVENT\r\n",
			i, start.UTC().Format("20060102T150405Z"), i)
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

// BenchmarkRadicale measures against Radicale a quiet poll (requests and
// bytes) and a full listing of a calendar of 2,000 events: the client's
// CPU time (Radicale runs in its own process) and the wall time.
func BenchmarkRadicale(b *testing.B) {
	r := startRadicale(b)
	r.do(b, "PUT", "/"+r.user+"/bench/", "text/calendar; charset=utf-8", benchEvents(2000), http.StatusCreated, http.StatusNoContent)
	c := clock.NewInstant(now)
	m := &meter{rt: &http.Transport{}}
	src := r.source(b, c, m, nil)
	ctx := context.Background()
	first, err := src.Sync(ctx, "")
	if err != nil || len(first.Events) != 2000 {
		b.Fatalf("Sync() = %d events, %v; want 2000", len(first.Events), err)
	}
	m.take()

	b.Run("QuietPoll", func(b *testing.B) {
		requests := 0
		cpu := cpuTime()
		for b.Loop() {
			ch, err := src.Sync(ctx, first.Cursor)
			if err != nil || ch.Full {
				b.Fatalf("Sync() = full %t, %v", ch.Full, err)
			}
			requests += ch.Requests
		}
		_, n := m.take()
		// The wall time is mostly Radicale's: it reads the collection to
		// work out its sync-token and getctag.
		b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "client-cpu-ms/op")
		b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
		b.ReportMetric(float64(n)/float64(b.N), "bytes/op")
	})
	b.Run("FullSync2000", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			ch, err := src.Sync(ctx, "")
			if err != nil || len(ch.Events) != 2000 {
				b.Fatalf("Sync() = %d events, %v", len(ch.Events), err)
			}
		}
		_, n := m.take()
		b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "client-cpu-ms/op")
		b.ReportMetric(float64(n)/float64(b.N), "bytes/op")
	})
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
