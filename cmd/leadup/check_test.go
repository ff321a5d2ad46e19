package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/daemon/mailbox/mailboxtest"
)

// tokenEndpoint is a fake of Google's token endpoint that grants scope on
// every refresh, and counts them.
func tokenEndpoint(t *testing.T, scope string) (url string, refreshes *int) {
	t.Helper()
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Form.Get("grant_type") != "refresh_token" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		n++
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"access","token_type":"Bearer","expires_in":3599,"scope":%q}`, scope)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

func checkSetup(t *testing.T, scope string) (cfg string, refreshes *int, smtpPort int) {
	t.Helper()
	srv := googletest.NewServer()
	t.Cleanup(srv.Close)
	danaMeeting(srv, "soon", time.Now().Add(48*time.Hour))
	smtp, settings := mailSettings(t)
	imap, err := mailboxtest.NewServer(mailboxtest.Options{Username: "me@example.com", Password: "pw", Mechanisms: []string{"PLAIN"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { imap.Close() })
	settings += fmt.Sprintf(`
[imap]
host = "127.0.0.1"
port = %d
security = "none"
auth = "plain"
username = "me@example.com"
password = "pw"
`, imap.Port())
	url, refreshes := tokenEndpoint(t, scope)
	tok := &oauth2.Token{AccessToken: "access", RefreshToken: "refresh", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	return setupWith(t, srv, settings, url, tok), refreshes, smtp.Port()
}

func TestCheckAllPass(t *testing.T) {
	cfg, refreshes, _ := checkSetup(t, "https://www.googleapis.com/auth/calendar.events.readonly")
	out, errOut, code := runCLI(t, "check", "-config", cfg)
	if code != exitOK {
		t.Fatalf("check = exit %d:\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"✓ config    " + cfg + ": bosses Dana Whitfield; time zone Europe/Berlin",
		"✓ state     ",
		"✓ token     ",
		"scopes calendar.events.readonly",
		"✓ calendar  google:primary: 1 event in the next 30d; meetings: Dana Whitfield 1",
		"✓ smtp      127.0.0.1:",
		"no email sent (use -send-test to send one)",
		"✓ imap      127.0.0.1:",
		`mailbox "INBOX" exists, IDLE supported`,
		"Everything leadup needs works.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if *refreshes != 1 {
		t.Errorf("token refreshed %d times, want 1 (to prove Google accepts it)", *refreshes)
	}
}

func TestCheckSendTest(t *testing.T) {
	srv := googletest.NewServer()
	defer srv.Close()
	danaMeeting(srv, "soon", time.Now().Add(48*time.Hour))
	smtp, settings := mailSettings(t)
	url, _ := tokenEndpoint(t, "")
	tok := &oauth2.Token{AccessToken: "access", RefreshToken: "refresh", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
	cfg := setupWith(t, srv, settings, url, tok)
	out, _, code := runCLI(t, "check", "-send-test", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "test email sent to me@example.com") || !strings.Contains(out, "– imap") {
		t.Errorf("check -send-test = exit %d:\n%s", code, out)
	}
	if msgs := smtp.Messages(); len(msgs) != 1 || !strings.Contains(string(msgs[0].Data), "Subject: leadup: test email") {
		t.Errorf("%d messages, want the test email", len(msgs))
	}
}

func TestCheckFailures(t *testing.T) {
	t.Run("scopes, absent boss, SMTP down", func(t *testing.T) {
		cfg, _, port := checkSetup(t, "https://www.googleapis.com/auth/calendar.readonly.other")
		// Nothing listens on the SMTP port any more; the boss is someone else.
		data, _ := os.ReadFile(cfg)
		data = []byte(strings.Replace(string(data), fmt.Sprintf("port = %d\nsecurity = \"none\"\nauth = \"none\"", port),
			fmt.Sprintf("port = %d\nsecurity = \"none\"\nauth = \"none\"", closedPort(t)), 1))
		data = []byte(strings.Replace(string(data), `emails = ["dana@example.com"]`, `emails = ["dana@example.org"]`, 1))
		os.WriteFile(cfg, data, 0o600)
		out, _, code := runCLI(t, "check", "-config", cfg, "-timeout", "5s")
		if code != exitFail {
			t.Errorf("check = exit %d, want %d", code, exitFail)
		}
		for _, want := range []string{
			"✗ token     Google did not grant https://www.googleapis.com/auth/calendar.events.readonly",
			"fix: run `leadup auth` again and tick every permission",
			"✗ calendar  google:primary: 1 event in the next 30d; meetings: Dana Whitfield 0",
			"fix: check the emails of Dana Whitfield under [[boss]], and [filter]; people on your calendar most often: dana@example.com (1)",
			"✗ smtp      ",
			"fix: check smtp.host and smtp.port",
			"✓ imap",
			"3 of 6 checks failed.",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("check output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("no token", func(t *testing.T) {
		cfg, _, _ := checkSetup(t, "")
		os.Remove(filepath.Join(filepath.Dir(cfg), "state", "google-token.json"))
		out, _, code := runCLI(t, "check", "-config", cfg)
		if code != exitFail || !strings.Contains(out, "✗ token") || !strings.Contains(out, "fix: run `leadup auth`") ||
			!strings.Contains(out, "✗ calendar  not tried: needs a working Google token") {
			t.Errorf("check without a token = exit %d:\n%s", code, out)
		}
	})
	t.Run("state dir not writable", func(t *testing.T) {
		cfg, _, _ := checkSetup(t, "")
		data, _ := os.ReadFile(cfg)
		blocker := filepath.Join(filepath.Dir(cfg), "file")
		os.WriteFile(blocker, nil, 0o600)
		data = []byte(strings.Replace(string(data), `state_dir = "state"`, `state_dir = "file/state"`, 1))
		os.WriteFile(cfg, data, 0o600)
		out, _, code := runCLI(t, "check", "-config", cfg)
		if code != exitFail || !strings.Contains(out, "✗ state") || !strings.Contains(out, "fix: create") {
			t.Errorf("check with an unusable state_dir = exit %d:\n%s", code, out)
		}
	})
	t.Run("config", func(t *testing.T) {
		cfg, _, _ := checkSetup(t, "")
		data, _ := os.ReadFile(cfg)
		os.WriteFile(cfg, append(data, "\nbogus = 1\n"...), 0o600)
		out, errOut, code := runCLI(t, "check", "-config", cfg)
		if code != exitConfig || !strings.Contains(out, "✗ config") || !strings.Contains(errOut, "bogus") {
			t.Errorf("check with a bad config = exit %d:\n%s%s", code, out, errOut)
		}
	})
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestCheckICSAndMaildir: an .ics calendar and a Maildir need no Google
// sign-in and no mail server.
func TestCheckICSAndMaildir(t *testing.T) {
	dir := t.TempDir()
	start := time.Now().Add(48 * time.Hour).UTC().Format("20060102T150405Z")
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:one@example.com\r\nDTSTAMP:20260101T000000Z\r\n" +
		"DTSTART:" + start + "\r\nDURATION:PT30M\r\nSUMMARY:Dana / me\r\nORGANIZER:mailto:dana@example.com\r\n" +
		"ATTENDEE;PARTSTAT=ACCEPTED:mailto:dana@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	if err := os.WriteFile(filepath.Join(dir, "cal.ics"), []byte(ics), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte(`state_dir = "state"
[calendar]
source = "ics"
ics_file = "cal.ics"
[mail]
from = "leadup@example.com"
to = "me@example.com"
transport = "maildir"
maildir = "Mail"
[[boss]]
name = "Dana Whitfield"
emails = ["dana@example.com"]
`), 0o600)
	out, _, code := runCLI(t, "check", "-send-test", "-config", cfg)
	for _, want := range []string{
		"– token     no sign-in needed: the calendar is an .ics calendar",
		"✓ calendar  ics:file:" + filepath.Join(dir, "cal.ics") + ": 1 event in the next 14d; meetings: Dana Whitfield 1",
		"✓ maildir   " + filepath.Join(dir, "Mail") + " is a writable Maildir; test email written",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if code != exitOK {
		t.Errorf("check = exit %d:\n%s", code, out)
	}
	if news, _ := os.ReadDir(filepath.Join(dir, "Mail", "new")); len(news) != 1 {
		t.Errorf("%d files in the Maildir, want the test email", len(news))
	}
	// status names the .ics file, not the Google calendar of the defaults.
	out, errOut, code := runCLI(t, "status", "-config", cfg)
	if want := "Calendar ics:file:" + filepath.Join(dir, "cal.ics") + ": never synced"; code != exitOK || !strings.Contains(out, want) {
		t.Errorf("status = exit %d, lacks %q:\n%s%s", code, want, out, errOut)
	}
}

// TestAuthNotNeededForICS: with an .ics calendar and password mail, there
// is nothing to sign in to.
func TestAuthNotNeededForICS(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte("state_dir = \"state\"\n[calendar]\nsource = \"ics\"\nics_file = \"cal.ics\"\n[[boss]]\nname = \"Dana\"\nemails = [\"dana@example.com\"]\n"), 0o600)
	out, errOut, code := runCLI(t, "auth", "-no-browser", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "Nothing to do") {
		t.Errorf("auth with an .ics calendar = exit %d:\n%s%s", code, out, errOut)
	}
}
