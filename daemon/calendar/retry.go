package calendar

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
)

// IsNetworkError reports a failure to get any HTTP answer, which a retry
// may cure: a connection refused or reset, a timeout, an answer cut short,
// a temporary DNS failure. It looks beneath *url.Error, which wraps every
// transport failure (a refused refresh token included) and itself claims
// to be a net.Error. The back ends that speak HTTP share it.
func IsNetworkError(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	var oerr *net.OpError
	if errors.As(err, &oerr) {
		return true
	}
	var derr *net.DNSError
	return errors.As(err, &derr) && (derr.IsTemporary || derr.IsTimeout)
}
