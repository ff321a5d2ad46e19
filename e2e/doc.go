// Package e2e holds leadup's end-to-end tests: the leadup binary against
// real mail servers (Dovecot and OpenSMTPD, started by scripts/mailstack)
// and the fake Calendar API. They run only with LEADUP_E2E=1; .ci/run sets
// it after installing the servers.
package e2e
