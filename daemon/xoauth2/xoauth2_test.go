package xoauth2

import (
	"strings"
	"testing"
)

func TestReason(t *testing.T) {
	tests := []struct{ challenge, want string }{
		{`{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}`, "status 401, schemes Bearer, scope https://mail.google.com/"},
		{`{"status":"400","token":"ya29.secret"}`, "status 400"},
		{`user=me@example.com` + "\x01auth=Bearer ya29.secret", "something other than the JSON error XOAUTH2 expects"},
		{`{"status":"\u001b[31m` + strings.Repeat("x", 300) + `"}`, "status [31m" + strings.Repeat("x", 96)},
	}
	for _, tt := range tests {
		if got := Reason(tt.challenge); got != tt.want {
			t.Errorf("Reason(%q) = %q, want %q", tt.challenge, got, tt.want)
		}
	}
}
