package config

import (
	"fmt"
	"github.com/leadup/leadup/internal/loopback"
	"net"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// This file holds what the [smtp] and [imap] tables share: where the
// server is, how the connection is protected and how leadup signs in. What
// differs between the two is a server value, smtpServer or imapServer.

// Values of smtp.security and imap.security.
const (
	// SecurityStartTLS is a plain connection upgraded with STARTTLS: SMTP
	// on port 587 (RFC 3207), IMAP on port 143 (RFC 9051 section 6.2.1).
	SecurityStartTLS = "starttls"
	// SecurityTLS is TLS from the first byte ("implicit TLS", RFC 8314):
	// SMTP on port 465, IMAP on port 993.
	SecurityTLS  = "tls"
	SecurityNone = "none" // no encryption: only to this machine
)

// Values of smtp.auth; imap.auth takes AuthPlain and AuthXOAUTH2.
const (
	AuthPlain   = "plain"   // user name and password: SASL PLAIN (RFC 4616), or IMAP LOGIN
	AuthLogin   = "login"   // the non-standard LOGIN mechanism some SMTP servers still want
	AuthXOAUTH2 = "xoauth2" // Google's XOAUTH2 with the OAuth token from `leadup auth`
	AuthNone    = "none"    // no authentication, e.g. a local relay
)

// server is what differs between the [smtp] and [imap] tables.
type server struct {
	section string // "smtp" or "imap"
	// security is the default of security.
	security string
	// The default ports of each security.
	startTLSPort, tlsPort, nonePort int
	// auths are the values auth takes. With AuthNone among them, auth
	// may be left out without a username, and means none.
	auths []string
	// authFix is the fix for an unknown value of auth; refused gives a
	// better one for values known but not taken here.
	authFix string
	refused map[string]string
}

// The two servers. They are read only.
var (
	smtpServer = &server{
		section:  "smtp",
		security: SecurityStartTLS,
		// The submission port (RFC 6409), implicit TLS (RFC 8314), and
		// relay.
		startTLSPort: 587, tlsPort: 465, nonePort: 25,
		auths:   []string{AuthPlain, AuthLogin, AuthXOAUTH2, AuthNone},
		authFix: `use "plain", "login", "xoauth2" (Gmail with your Google sign-in) or "none"`,
	}
	imapServer = &server{
		section:      "imap",
		security:     SecurityTLS,
		startTLSPort: 143, tlsPort: 993, nonePort: 143,
		// An IMAP server must know whose mailbox to open: there is no
		// "none". LOGIN is the IMAP command AuthPlain falls back to.
		auths:   []string{AuthPlain, AuthXOAUTH2},
		authFix: `use "plain" (username and password) or "xoauth2" (Gmail with your Google sign-in)`,
		refused: map[string]string{
			AuthLogin: `use "plain", which signs in with username and password`,
			AuthNone:  `use "plain" or "xoauth2": an IMAP server needs to know whose mailbox to open`,
		},
	}
)

// port returns the default port for a value of security; any other value
// is taken as STARTTLS.
func (s *server) port(security string) int {
	switch security {
	case SecurityTLS:
		return s.tlsPort
	case SecurityNone:
		return s.nonePort
	default:
		return s.startTLSPort
	}
}

// DefaultPort returns smtp.port's default for a value of smtp.security:
// 587 for STARTTLS (the submission port, RFC 6409), 465 for implicit TLS
// (RFC 8314) and 25 for none.
func DefaultPort(security string) int { return smtpServer.port(security) }

// DefaultIMAPPort returns imap.port's default for a value of imap.security:
// 993 for implicit TLS (RFC 8314) and 143 for STARTTLS and none.
func DefaultIMAPPort(security string) int { return imapServer.port(security) }

// rawServer holds the keys [smtp] and [imap] share, as decoded.
type rawServer struct {
	Host, Security, Auth, Username          *string
	Port                                    *int
	Password, PasswordFile, PasswordCommand *string
}

// serverConfig is what the shared keys of a table come to.
type serverConfig struct {
	Host     string
	Port     int
	Security string
	Auth     string // "" when auth is invalid
	Username string
	Password Secret
}

// server validates the keys the [smtp] and [imap] tables share.
func (p *parser) server(s *server, raw rawServer) serverConfig {
	var c serverConfig
	c.Host = p.host(s.section, raw.Host)
	c.Security = p.security(s, raw.Security, c.Host)
	c.Port = p.port(s.section+".port", raw.Port, s.port(c.Security))
	c.Username = p.username(s.section+".username", raw.Username)
	c.Password = p.secret(s.section+".password", raw.Password, raw.PasswordFile, raw.PasswordCommand)
	pwKey := passwordKey(s.section, raw.Password, raw.PasswordFile, raw.PasswordCommand)
	c.Auth = p.auth(s, raw.Auth, raw.Username != nil, pwKey, c.Host, &c.Password)
	return c
}

// host validates the host key of section ("smtp" or "imap"): a host name
// or IP address, nothing else. The key is required once the table exists.
func (p *parser) host(section string, v *string) string {
	key := section + ".host"
	example := section + ".example.com"
	fix := "write only the server's name, like " + example
	if v == nil {
		p.errorf(key, fmt.Sprintf(`add host = %q under [%s], or remove the [%s] table`, example, section, section),
			"missing: [%s] needs a server", section)
		return ""
	}
	h := *v
	if strings.TrimSpace(h) == "" {
		p.errorf(key, fix, "is empty")
		return ""
	}
	if net.ParseIP(h) != nil {
		return h
	}
	if host, port, err := net.SplitHostPort(h); err == nil {
		if _, err := strconv.Atoi(port); err == nil {
			p.errorf(key, fmt.Sprintf("write host = %q and port = %s", host, port), "%q contains a port", h)
			return ""
		}
	}
	switch {
	case strings.Contains(h, "://"):
		p.errorf(key, fix, "%q is a URL", h)
	case strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") && net.ParseIP(h[1:len(h)-1]) != nil:
		p.errorf(key, fmt.Sprintf("write the IPv6 address without brackets: %q", h[1:len(h)-1]), "%q has brackets", h)
	case strings.ContainsFunc(h, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '.' && r != '_'
	}):
		p.errorf(key, fix, "%q is not a host name", h)
	default:
		return h
	}
	return ""
}

// security validates the security key of server s. "none" is only allowed
// to this machine: host is where the passwords would go in clear text.
func (p *parser) security(s *server, v *string, host string) string {
	key := s.section + ".security"
	sec := s.security
	if v != nil {
		switch v := *v; v {
		case SecurityStartTLS, SecurityTLS, SecurityNone:
			sec = v
		default:
			// The default first: it is what the user most likely wants.
			opts := []string{SecurityStartTLS, SecurityTLS}
			if s.security == SecurityTLS {
				opts = []string{SecurityTLS, SecurityStartTLS}
			}
			fix := fmt.Sprintf(`use %q (port %d), %q (port %d) or "none" (only to this machine)`,
				opts[0], s.port(opts[0]), opts[1], s.port(opts[1]))
			if strings.EqualFold(v, "ssl") || strings.EqualFold(v, "tls") {
				fix = fmt.Sprintf(`use "tls": what mail clients call SSL/TLS, usually on port %d`, s.port(SecurityTLS))
			} else if strings.EqualFold(v, SecurityStartTLS) || strings.EqualFold(v, SecurityNone) {
				fix = fmt.Sprintf("write it in lowercase: %q", strings.ToLower(v))
			}
			p.errorf(key, fix, "unknown value %q", v)
		}
	}
	if sec == SecurityNone && host != "" && !loopback.Host(host) {
		p.errorf(key, `use "starttls" or "tls"; "none" is only allowed to 127.0.0.1, ::1 or localhost`,
			`"none" to %s would send mail and passwords across the network in clear text`, host)
	}
	return sec
}

// port validates an optional port key whose default is def.
func (p *parser) port(key string, v *int, def int) int {
	if v == nil {
		return def
	}
	if n := *v; n < 1 || n > 65535 {
		p.errorf(key, fmt.Sprintf("use a port between 1 and 65535, or remove the line for the default (%d)", def),
			"%d is not a port number", n)
		return def
	}
	return *v
}

// username validates an optional user name key; "" when absent or empty.
func (p *parser) username(key string, v *string) string {
	if v == nil {
		return ""
	}
	if strings.TrimSpace(*v) == "" {
		p.errorf(key, "give the user name, usually your email address, or remove the line", "is empty")
		return ""
	}
	return *v
}

// passwordKey returns the first of section's password keys the file
// writes ("smtp.password_file"), for messages, or "". p.secret has already
// reported two written at once.
func passwordKey(section string, password, file, command *string) string {
	for _, v := range []struct {
		suffix string
		v      *string
	}{{"", password}, {"_file", file}, {"_command", command}} {
		if v.v != nil {
			return section + ".password" + v.suffix
		}
	}
	return ""
}

// auth validates the auth key of server s against the credentials given:
// whether the file writes a username, and pwKey, the password key it
// writes, if any. It returns the sign-in method, or "" when v is not one.
func (p *parser) auth(s *server, v *string, hasUser bool, pwKey, host string, pw *Secret) string {
	userKey := s.section + ".username"
	anonymous := slices.Contains(s.auths, AuthNone)
	var auth string
	switch {
	case v == nil && anonymous:
		auth = AuthNone
		if hasUser {
			auth = AuthPlain
		} else if pwKey != "" {
			p.errorf(userKey, `add username = "...", usually your email address`, "missing: %s needs a user name", pwKey)
			return auth
		}
	case v == nil:
		auth = AuthPlain
		if !hasUser {
			p.errorf(userKey, `add username = "...", usually your email address, and a password; or auth = "xoauth2" for Gmail`,
				"missing: [%s] needs a user name to sign in", s.section)
			return auth
		}
	case slices.Contains(s.auths, *v):
		auth = *v
	default:
		fix := s.authFix
		l := strings.ToLower(*v)
		if f, ok := s.refused[l]; ok {
			fix = f
		} else if slices.Contains(s.auths, l) {
			fix = fmt.Sprintf("write it in lowercase: %q", l)
		}
		p.errorf(s.section+".auth", fix, "unknown value %q", *v)
		return ""
	}

	p.credentials(s.section, auth, host, hasUser, pwKey, pw)
	if auth == AuthNone {
		if hasUser {
			p.errorf(userKey, `remove it, or set auth = "plain" or "login"`, "would be ignored with auth %q", auth)
		}
		if pwKey != "" {
			p.errorf(pwKey, `remove it, or set auth = "plain" or "login"`, "would be ignored with auth %q", auth)
		}
	}
	return auth
}

// credentials checks what a sign-in method of the [section] table needs:
// a user name and a password for plain and login; a user name and no
// password for xoauth2, which uses the Google token (and only Google's
// servers accept it). A password that would be ignored is dropped.
func (p *parser) credentials(section, auth, host string, hasUser bool, pwKey string, pw *Secret) {
	switch auth {
	case AuthPlain, AuthLogin:
		if !hasUser {
			p.errorf(section+".username", `add username = "...", usually your email address`, "required with auth %q", auth)
		}
		if pwKey == "" {
			p.errorf(section+".password", `add password_command = "..." (or password_file, or password)`, "required with auth %q", auth)
		}
	case AuthXOAUTH2:
		if !hasUser {
			p.errorf(section+".username", `add username = "..." with your Gmail address, the Google account you authorize leadup with`, "required with auth %q", auth)
		}
		if pwKey != "" {
			p.errorf(pwKey, "remove it: xoauth2 signs in with the Google token that `leadup auth` stores", "is not used with auth %q", auth)
			*pw = Secret{}
		}
		if host != "" && !loopback.Host(host) && !isGoogleHost(host) {
			p.log.Warn(`auth "xoauth2" signs in with your Google token, which only Google's servers accept`, "key", section+".auth", "host", host)
		}
	}
}

// isGoogleHost reports whether host is one of Google's mail servers
// (smtp.gmail.com, smtp-relay.gmail.com, imap.gmail.com…).
func isGoogleHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range []string{"gmail.com", "googlemail.com", "google.com"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}
