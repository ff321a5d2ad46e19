package config

import "testing"

func TestDefaultPorts(t *testing.T) {
	tests := []struct {
		security   string
		smtp, imap int
	}{
		{SecurityStartTLS, 587, 143},
		{SecurityTLS, 465, 993},
		{SecurityNone, 25, 143},
		{"", 587, 143}, // anything else is taken as STARTTLS
		{"ssl", 587, 143},
	}
	for _, tt := range tests {
		t.Run(tt.security, func(t *testing.T) {
			if got := DefaultPort(tt.security); got != tt.smtp {
				t.Errorf("DefaultPort(%q) = %d, want %d", tt.security, got, tt.smtp)
			}
			if got := DefaultIMAPPort(tt.security); got != tt.imap {
				t.Errorf("DefaultIMAPPort(%q) = %d, want %d", tt.security, got, tt.imap)
			}
		})
	}
}
