// Package loopback tells whether a host is this machine, reached over the
// loopback interface: the one place leadup accepts plain-text HTTP, SMTP
// or IMAP, since nothing it sends there crosses a network.
package loopback

import (
	"net/netip"
	"strings"
)

// Host reports whether host, a name or an address as it appears in a URL
// or a configuration ("localhost", "127.0.0.1", "::1", "[::1]",
// "::ffff:127.0.0.1"), is the loopback. Other names are not resolved: a
// name could resolve elsewhere tomorrow.
func Host(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
