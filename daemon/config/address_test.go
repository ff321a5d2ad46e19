package config

import (
	"net/mail"
	"testing"
)

func TestReplyAddress(t *testing.T) {
	const tok = "abcdefghijklmnopqrstuvwxyz234567abcdefg"
	tests := []struct{ configured, token, want string }{
		{"me+leadup-{token}@example.com", tok, "me+leadup-" + tok + "@example.com"},
		{"me+leadup-{token}@example.com", "", "me@example.com"},
		{"{token}@reply.example.com", tok, tok + "@reply.example.com"},
		{"{token}@reply.example.com", "", ""},
		{"me+leadup@example.com", tok, "me+leadup-" + tok + "@example.com"},
		{"me+leadup@example.com", "", "me+leadup@example.com"},
		{"me@example.com", tok, "me@example.com"},
		{"", tok, ""},
	}
	for _, tt := range tests {
		if got := (Mail{ReplyTo: tt.configured}).ReplyAddress(tt.token); got != tt.want {
			t.Errorf("ReplyAddress(%q, %q) = %q, want %q", tt.configured, tt.token, got, tt.want)
		}
	}
}

func TestTopicAddress(t *testing.T) {
	const tok = "abcdefghijklmnopqrstuvwxyz234567abcdefg"
	to := &mail.Address{Name: "Sam", Address: "sam+inbox@example.com"}
	tests := []struct{ replyTo, want string }{
		{"sam+leadup-{token}@example.com", "sam+leadup-" + tok + "@example.com"},
		{"sam+leadup@example.com", "sam+leadup-" + tok + "@example.com"},
		{"", "sam+leadup-" + tok + "@example.com"},                   // from mail.to, without its own tag
		{"leadup@example.com", "sam+leadup-" + tok + "@example.com"}, // no place for a token there
	}
	for _, tt := range tests {
		if got := (Mail{ReplyTo: tt.replyTo, To: to}).TopicAddress(tok); got != tt.want {
			t.Errorf("TopicAddress(reply_to %q) = %q, want %q", tt.replyTo, got, tt.want)
		}
	}
	if got := (Mail{}).TopicAddress(tok); got != "" {
		t.Errorf("TopicAddress without mail.to = %q, want none", got)
	}
}
