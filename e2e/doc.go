// Package e2e holds leadup's end-to-end tests: the leadup binary against
// real mail servers (Dovecot and OpenSMTPD, started by scripts/mailstack)
// and the fake Calendar API, and the emails as headless Chromium (Debian's
// chromium) draws them, light and dark, on a desktop and a phone. The
// mail-server tests run only with LEADUP_E2E=1; the screenshot test runs
// whenever chromium is installed, and with LEADUP_E2E=1 its absence is a
// failure. .ci/run sets LEADUP_E2E=1 after installing all three.
package e2e
