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
