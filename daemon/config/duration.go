package config

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// durationFix tells the user how to write a duration.
const durationFix = `use Go syntax like "90s" or "1h30m", or days like "14d"`

// Duration is a time.Duration written in TOML as a string: Go syntax
// ("90s", "1h30m") plus days ("14d", "1d12h"). See ParseDuration.
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("%w: %s", err, durationFix)
	}
	*d = Duration(v)
	return nil
}

// MarshalText implements encoding.TextMarshaler. Whole days are written with
// "d" so that what ParseDuration reads back is what a person would write.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(formatDuration(time.Duration(d))), nil
}

// String returns the duration as MarshalText writes it.
func (d Duration) String() string { return formatDuration(time.Duration(d)) }

func formatDuration(d time.Duration) string {
	const day = 24 * time.Hour
	if d < day {
		return d.String()
	}
	days, rest := d/day, d%day
	if rest == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%s", days, rest)
}

// ParseDuration parses a non-negative duration in Go syntax (see
// time.ParseDuration) extended with a "d" unit of 24 hours, which may be
// combined with the others: "14d", "1d12h", "1.5d". Negative durations are
// refused: no setting of leadup can use one.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("empty duration")
	}
	if s[0] == '-' {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	rest := strings.TrimPrefix(s, "+")
	if rest == "0" {
		return 0, nil
	}
	var total time.Duration
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] == '.' || '0' <= rest[i] && rest[i] <= '9') {
			i++
		}
		j := i
		for j < len(rest) && rest[j] != '.' && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		num, unit := rest[:i], rest[i:j]
		rest = rest[j:]
		if num == "" {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		if unit == "" {
			return 0, fmt.Errorf("invalid duration %q: missing unit", s)
		}
		var part time.Duration
		if unit == "d" {
			h, err := time.ParseDuration(num + "h")
			if err != nil {
				return 0, fmt.Errorf("invalid duration %q", s)
			}
			if h > math.MaxInt64/24 {
				return 0, fmt.Errorf("invalid duration %q: too long", s)
			}
			part = 24 * h
		} else {
			var err error
			part, err = time.ParseDuration(num + unit)
			if err != nil {
				return 0, fmt.Errorf("invalid duration %q", s)
			}
		}
		if total > math.MaxInt64-part {
			return 0, fmt.Errorf("invalid duration %q: too long", s)
		}
		total += part
	}
	return total, nil
}
