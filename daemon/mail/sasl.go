package mail

import (
	"errors"
	"strings"
)

// loginClient is a sasl.Client for the LOGIN mechanism
// (draft-murchison-sasl-login), which some providers still require. It
// does not use go-sasl's LOGIN client, which sends the user name as an
// initial response and accepts no challenge but exactly "Password:":
// servers older than the draft prompt with "Username:" first, and the
// prompts' wording is not standardised. This one waits to be asked and
// answers the first prompt with the user name and the second with the
// password, as most mail clients do.
type loginClient struct {
	username, password string
	step               int
}

func (c *loginClient) Start() (string, []byte, error) {
	return "LOGIN", nil, nil
}

func (c *loginClient) Next(challenge []byte) ([]byte, error) {
	c.step++
	prompt := strings.ToLower(string(challenge))
	switch {
	case c.step == 1 && !strings.Contains(prompt, "pass"):
		return []byte(c.username), nil
	case c.step <= 2:
		return []byte(c.password), nil
	}
	return nil, errors.New("LOGIN: unexpected third challenge from the server")
}

// xoauth2Client is a sasl.Client for Google's and Microsoft's XOAUTH2
// mechanism (https://developers.google.com/gmail/imap/xoauth2-protocol):
// the whole exchange is one initial response naming the user and the
// bearer token.
type xoauth2Client struct {
	username, token string
	// challenge is the JSON error the server sends, as a 334 challenge,
	// when it refuses the token; it names the status and the scope needed.
	challenge string
}

func (c *xoauth2Client) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + c.username + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

func (c *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	if c.challenge != "" {
		return nil, errors.New("XOAUTH2: unexpected second challenge from the server")
	}
	c.challenge = string(challenge)
	if c.challenge == "" {
		c.challenge = "(empty)"
	}
	// The challenge carries an error, and the server sends the final
	// 535 only after the client answers; Google documents an empty line
	// as the answer.
	return []byte{}, nil
}
