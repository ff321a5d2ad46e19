package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/emersion/go-smtp"
	"golang.org/x/oauth2"
)

// Error is a failed delivery. Permanent is true when retrying cannot help:
// a 5xx reply (RFC 5321 §4.2.1), an authentication rejection, a TLS
// certificate that does not verify, or a refused configuration. Network
// errors, timeouts and 4xx replies are transient.
type Error struct {
	// Op is the step that failed: "config", "credentials" (the password
	// or token), "dial", "tls", "hello", "starttls", "auth", "mail from",
	// "rcpt to", "data" or "quit".
	Op        string
	Code      int // SMTP reply code, 0 if none
	Permanent bool
	Err       error
}

// Error describes the failure without credentials: neither the password nor
// the access token ever reaches an *Error.
func (e *Error) Error() string {
	kind := "transient"
	if e.Permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("smtp %s (%s): %v", e.Op, kind, e.Err)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// IsPermanent reports whether err, or an error it wraps, is an *Error or a
// *MaildirError that retrying cannot fix.
func IsPermanent(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Permanent
	}
	me, ok := errors.AsType[*MaildirError](err)
	return ok && me.Permanent
}

// permanent returns a permanent *Error for op.
func permanent(op string, format string, args ...any) *Error {
	return &Error{Op: op, Permanent: true, Err: fmt.Errorf(format, args...)}
}

// classify turns an error from op into an *Error. ctx is the Send's
// context: once it is done, the connection was closed under the exchange
// on purpose, and the context's error is the real cause.
func classify(ctx context.Context, op string, err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	e := &Error{Op: op, Err: err}
	if se, ok := errors.AsType[*smtp.SMTPError](err); ok {
		e.Code = se.Code
		// RFC 5321 §4.2.1: 4yz is a transient negative completion, 5yz a
		// permanent one (535, authentication failed, among them).
		e.Permanent = se.Code >= 500 && se.Code < 600
		return e
	}
	if ctx.Err() != nil {
		e.Err = fmt.Errorf("%w (%v)", context.Cause(ctx), err)
		return e
	}
	switch {
	case isCertError(err):
		// A certificate that does not verify today will not verify in an
		// hour either; someone has to fix the server or the configuration.
		e.Permanent = true
	case isRecordHeaderError(err):
		// The server does not speak TLS at all: security = "tls" pointed
		// at a plaintext port (587 or 25). Only a configuration change helps.
		e.Permanent = true
		e.Err = fmt.Errorf("%w (the server does not speak TLS on this port; is this a STARTTLS port?)", err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), isNetError(err):
		// Outages, resets and timeouts: the next attempt may well work.
	case isOAuthRejection(err):
		e.Permanent = true
	case op == "starttls" || op == "auth":
		// What is left here is not a reply code, not the network and not
		// a certificate: a server that does not offer STARTTLS, or that
		// sent an AUTH exchange the mechanism cannot follow. Neither goes
		// away by itself.
		e.Permanent = true
	}
	return e
}

func isCertError(err error) bool {
	if _, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.UnknownAuthorityError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.HostnameError](err); ok {
		return true
	}
	if _, ok := errors.AsType[x509.CertificateInvalidError](err); ok {
		return true
	}
	return false
}

func isRecordHeaderError(err error) bool {
	_, ok := errors.AsType[tls.RecordHeaderError](err)
	return ok
}

func isNetError(err error) bool {
	_, ok := errors.AsType[net.Error](err)
	return ok
}

// isOAuthRejection reports whether the token endpoint refused the saved
// grant or client (RFC 6749 §5.2): only signing in again can fix that.
func isOAuthRejection(err error) bool {
	re, ok := errors.AsType[*oauth2.RetrieveError](err)
	if !ok {
		return false
	}
	switch re.ErrorCode {
	case "invalid_grant", "invalid_client", "unauthorized_client":
		return true
	}
	return false
}
