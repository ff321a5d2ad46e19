// Package xoauth2 is the client side of the XOAUTH2 SASL mechanism (Google's
// and Microsoft's OAuth 2.0 sign-in for mail), shared by SMTP and IMAP.
package xoauth2

import (
	"encoding/json"
	"strings"
)

// Reason keeps, of the JSON error an XOAUTH2 server sends as its challenge,
// the fields that say why: status, schemes and scope. Anything else (a
// server that echoes the token) is not shown.
func Reason(challenge string) string {
	var j struct {
		Status  string `json:"status"`
		Schemes string `json:"schemes"`
		Scope   string `json:"scope"`
	}
	if err := json.Unmarshal([]byte(challenge), &j); err != nil || j.Status == "" {
		return "something other than the JSON error XOAUTH2 expects"
	}
	out := "status " + clip(j.Status)
	if j.Schemes != "" {
		out += ", schemes " + clip(j.Schemes)
	}
	if j.Scope != "" {
		out += ", scope " + clip(j.Scope)
	}
	return out
}

// clip shortens s to 100 bytes of printable ASCII.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, s)
	return s[:min(len(s), 100)]
}
