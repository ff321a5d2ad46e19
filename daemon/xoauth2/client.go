package xoauth2

import (
	"errors"
	"fmt"

	"golang.org/x/oauth2"
)

// Client is a sasl.Client (github.com/emersion/go-sasl) for the XOAUTH2
// mechanism (https://developers.google.com/gmail/imap/xoauth2-protocol),
// which go-sasl lacks, for both SMTP AUTH and IMAP AUTHENTICATE. The whole
// exchange is one initial response naming the user and the bearer token.
// A Client serves one exchange.
type Client struct {
	Username, Token string
	// AbortRepeat makes a second challenge an error, which aborts the
	// exchange. Set it only where the protocol library answers Next's
	// error with a cancellation, as go-smtp does ("*", RFC 4954 §4).
	// imapclient instead gives up without answering, leaving the server
	// waiting and the connection unusable, so over IMAP every challenge
	// is answered, empty.
	AbortRepeat bool

	// challenge is the JSON error the server sends as a challenge when it
	// refuses the token; it names the status and the scope needed.
	challenge string
}

// Start sends the initial response.
func (c *Client) Start() (mech string, ir []byte, err error) {
	return "XOAUTH2", []byte("user=" + c.Username + "\x01auth=Bearer " + c.Token + "\x01\x01"), nil
}

// Next answers the server's challenge, which carries an error: the server
// sends its final failure (535, or NO) only once the client has answered,
// and Google documents an empty answer.
func (c *Client) Next(challenge []byte) ([]byte, error) {
	if c.AbortRepeat && c.challenge != "" {
		return nil, errors.New("XOAUTH2: unexpected second challenge from the server")
	}
	c.challenge = string(challenge)
	if c.challenge == "" {
		c.challenge = "(empty)"
	}
	return []byte{}, nil
}

// Reason returns why the server refused the token, from its challenge (see
// Reason), or "" when it sent none.
func (c *Client) Reason() string {
	if c.challenge == "" {
		return ""
	}
	return Reason(c.challenge)
}

// Token returns an access token from ts, refusing an empty one.
func Token(ts oauth2.TokenSource) (string, error) {
	tok, err := ts.Token()
	if err != nil {
		return "", fmt.Errorf("get access token: %w", err)
	}
	if tok.AccessToken == "" {
		return "", errors.New("get access token: the token source returned an empty token")
	}
	return tok.AccessToken, nil
}

// Invalidate makes ts forget its cached access token, when it can (as
// googleauth.TokenSource does), and reports whether it could. A rejected
// token may have been revoked before its expiry, or the clocks disagree on
// it: a fresh one is worth one more try, on the same connection, which
// both SMTP (RFC 4954 §4) and IMAP (RFC 9051 §6.2.2) allow.
func Invalidate(ts oauth2.TokenSource) bool {
	inv, ok := ts.(interface{ Invalidate() })
	if ok {
		inv.Invalidate()
	}
	return ok
}
