package xoauth2

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func TestClient(t *testing.T) {
	tests := []struct {
		name        string
		abortRepeat bool
		wantRepeat  bool // whether a second challenge is answered
	}{
		{name: "smtp", abortRepeat: true},
		{name: "imap", abortRepeat: false, wantRepeat: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{Username: "me@example.com", Token: "ya29.x", AbortRepeat: tt.abortRepeat}
			mech, ir, err := c.Start()
			if want := "user=me@example.com\x01auth=Bearer ya29.x\x01\x01"; mech != "XOAUTH2" || string(ir) != want || err != nil {
				t.Errorf("Start() = %q, %q, %v; want XOAUTH2, %q, nil", mech, ir, err, want)
			}
			if r := c.Reason(); r != "" {
				t.Errorf("Reason() before any challenge = %q, want \"\"", r)
			}
			resp, err := c.Next([]byte(`{"status":"401","scope":"https://mail.google.com/"}`))
			if resp == nil || len(resp) != 0 || err != nil {
				t.Errorf("Next(error JSON) = %q, %v; want an empty, non-nil response", resp, err)
			}
			if r, want := c.Reason(), "status 401, scope https://mail.google.com/"; r != want {
				t.Errorf("Reason() = %q, want %q", r, want)
			}
			resp, err = c.Next([]byte("again"))
			if tt.wantRepeat && (resp == nil || len(resp) != 0 || err != nil) {
				t.Errorf("second Next() = %q, %v; want an empty, non-nil response", resp, err)
			}
			if !tt.wantRepeat && err == nil {
				t.Errorf("second Next() = %q, nil error; want one", resp)
			}
		})
	}
}

// TestClientReasonRedacts: what a server puts in its challenge besides the
// JSON error's status, schemes and scope never reaches Reason, even when
// it repeats the token, and an empty challenge is still a reason.
func TestClientReasonRedacts(t *testing.T) {
	tests := []struct{ challenge, want string }{
		{"user=me@example.com\x01auth=Bearer ya29.secret\x01\x01", "something other than the JSON error XOAUTH2 expects"},
		{`{"status":"400","token":"ya29.secret"}`, "status 400"},
		{"", "something other than the JSON error XOAUTH2 expects"},
	}
	for _, tt := range tests {
		c := &Client{Username: "me@example.com", Token: "ya29.secret"}
		c.Next([]byte(tt.challenge))
		if got := c.Reason(); got != tt.want || strings.Contains(got, "secret") {
			t.Errorf("after Next(%q), Reason() = %q, want %q", tt.challenge, got, tt.want)
		}
	}
}

type source struct {
	tok         *oauth2.Token
	err         error
	invalidated int
}

func (s *source) Token() (*oauth2.Token, error) { return s.tok, s.err }

type invalidating struct{ *source }

func (s invalidating) Invalidate() { s.invalidated++ }

func TestToken(t *testing.T) {
	refused := errors.New("refused")
	tests := []struct {
		name    string
		src     *source
		want    string
		wantErr string
	}{
		{name: "token", src: &source{tok: &oauth2.Token{AccessToken: "ya29.x"}}, want: "ya29.x"},
		{name: "error", src: &source{err: refused}, wantErr: "get access token: refused"},
		{name: "empty", src: &source{tok: &oauth2.Token{}}, wantErr: "get access token: the token source returned an empty token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Token(tt.src)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("Token() = %q, %v; want error %q", got, err, tt.wantErr)
				}
				if tt.src.err != nil && !errors.Is(err, tt.src.err) {
					t.Errorf("Token() = %v, which does not wrap %v", err, tt.src.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Token() = %q, %v; want %q, nil", got, err, tt.want)
			}
		})
	}
}

func TestInvalidate(t *testing.T) {
	plain := &source{}
	if Invalidate(plain) {
		t.Errorf("Invalidate(source without Invalidate) = true, want false")
	}
	inv := invalidating{&source{}}
	if !Invalidate(inv) || inv.invalidated != 1 {
		t.Errorf("Invalidate(invalidating source) = false or called it %d times; want true, once", inv.invalidated)
	}
}
