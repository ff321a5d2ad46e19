package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{in: "90s", want: 90 * time.Second},
		{in: "2m", want: 2 * time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "14d", want: 14 * 24 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "1.5d", want: 36 * time.Hour},
		{in: "2h1d", want: 26 * time.Hour},
		{in: "500ms", want: 500 * time.Millisecond},
		{in: "0", want: 0},
		{in: "+1h", want: time.Hour},
		{in: "2x", wantErr: `invalid duration "2x"`},
		{in: "-1h", wantErr: `negative duration "-1h"`},
		{in: "d", wantErr: `invalid duration "d"`},
		{in: "5", wantErr: "missing unit"},
		{in: "", wantErr: "empty duration"},
		{in: "1h 30m", wantErr: "invalid duration"},
		{in: "1..5d", wantErr: "invalid duration"},
		{in: "999999999d", wantErr: "invalid duration"},
		{in: "106751d24h", wantErr: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ParseDuration(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDurationText(t *testing.T) {
	tests := []struct {
		d    time.Duration
		text string
	}{
		{90 * time.Second, "1m30s"},
		{14 * 24 * time.Hour, "14d"},
		{36 * time.Hour, "1d12h0m0s"},
		{0, "0s"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			b, err := Duration(tt.d).MarshalText()
			if err != nil || string(b) != tt.text {
				t.Errorf("Duration(%v).MarshalText() = %q, %v; want %q", tt.d, b, err, tt.text)
			}
			var back Duration
			if err := back.UnmarshalText(b); err != nil || time.Duration(back) != tt.d {
				t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, time.Duration(back), err, tt.d)
			}
		})
	}
}

func TestDurationTOML(t *testing.T) {
	var v struct {
		Every Duration `toml:"every"`
	}
	if err := toml.Unmarshal([]byte(`every = "1d12h"`), &v); err != nil || time.Duration(v.Every) != 36*time.Hour {
		t.Errorf("toml.Unmarshal(every = \"1d12h\") = %v, %v; want 36h", time.Duration(v.Every), err)
	}
	err := toml.Unmarshal([]byte("\n\nevery = \"2x\""), &v)
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("toml.Unmarshal(every = \"2x\") = %v; want a *toml.DecodeError", err)
	}
	if line, _ := de.Position(); line != 3 || !strings.Contains(de.Error(), `invalid duration "2x": use Go syntax`) {
		t.Errorf("toml.Unmarshal(every = \"2x\") = line %d, %q", line, de.Error())
	}
	out, err := toml.Marshal(struct {
		Every Duration `toml:"every"`
	}{Duration(14 * 24 * time.Hour)})
	if err != nil || strings.TrimSpace(string(out)) != `every = '14d'` && strings.TrimSpace(string(out)) != `every = "14d"` {
		t.Errorf("toml.Marshal(14d) = %q, %v", out, err)
	}
}
