package ingest

import (
	"strings"

	"github.com/emersion/go-msgauth/authres"

	"github.com/leadup/leadup/daemon/reply"
)

// authVerdict is what the trusted server's Authentication-Results say of
// an email's From domain.
type authVerdict int

const (
	authNone authVerdict = iota // no result from the trusted server for that domain
	authPass                    // DKIM or DMARC passed for the From domain
	authFail                    // DKIM or DMARC failed for it, and neither passed
)

// maxAuthResults bounds the Authentication-Results fields looked at: a
// hostile message may carry thousands.
const maxAuthResults = 20

// authenticate reads the Authentication-Results field (RFC 8601) that the
// server named by trusted added, and judges msg's From domain by it: a DKIM
// signature of that domain (or a parent of it, relaxed alignment) that
// passed, or a DMARC pass for it. Only the topmost field bearing the
// trusted authserv-id counts: the receiving server prepends its own, and
// one that follows RFC 8601 §5 removes any with its id that came from
// outside, as Gmail, Microsoft and Fastmail do.
func authenticate(msg *reply.Message, trusted string) authVerdict {
	if trusted == "" || msg.From == nil {
		return authNone
	}
	domain := domainOf(msg.From.Address)
	if domain == "" {
		return authNone
	}
	fields := msg.Header["Authentication-Results"]
	for _, f := range fields[:min(len(fields), maxAuthResults)] {
		id, results, err := authres.Parse(f)
		if err != nil || !strings.EqualFold(strings.TrimSpace(id), trusted) {
			continue
		}
		return judge(results, domain)
	}
	return authNone
}

// judge weighs the results of one Authentication-Results field for domain.
func judge(results []authres.Result, domain string) authVerdict {
	failed := false
	for _, r := range results {
		switch r := r.(type) {
		case *authres.DKIMResult:
			if !aligned(domain, r.Domain) {
				continue
			}
			switch r.Value {
			case authres.ResultPass:
				return authPass
			case authres.ResultFail, authres.ResultPermError:
				failed = true
			}
		case *authres.DMARCResult:
			if r.From != "" && !strings.EqualFold(strings.TrimSpace(r.From), domain) {
				continue
			}
			switch r.Value {
			case authres.ResultPass:
				return authPass
			case authres.ResultFail:
				failed = true
			}
		}
	}
	if failed {
		return authFail
	}
	return authNone
}

// aligned reports whether a DKIM signing domain d speaks for the From
// domain: the same domain, or a parent of it ("example.com" for
// "mail.example.com"), DMARC's relaxed alignment without the public suffix
// list, which only the parent's own key can satisfy.
func aligned(from, d string) bool {
	d = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), "."))
	if d == "" || !strings.Contains(d, ".") {
		return false
	}
	return from == d || strings.HasSuffix(from, "."+d)
}
