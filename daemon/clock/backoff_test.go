package clock

import (
	"math"
	"testing"
	"time"
)

func TestBackoffMax(t *testing.T) {
	tests := []struct {
		name     string
		b        Backoff
		failures int
		want     time.Duration
	}{
		{"no failure yet counts as one", Backoff{Base: time.Second, Cap: time.Minute}, 0, time.Second},
		{"first failure waits Base", Backoff{Base: time.Second, Cap: time.Minute}, 1, time.Second},
		{"doubles", Backoff{Base: time.Second, Cap: time.Minute}, 4, 8 * time.Second},
		{"truncated at Cap", Backoff{Base: time.Second, Cap: time.Minute}, 7, time.Minute},
		{"Cap not a power of two of Base", Backoff{Base: 30 * time.Second, Cap: 10 * time.Minute}, 6, 10 * time.Minute},
		{"just under Cap", Backoff{Base: 30 * time.Second, Cap: 10 * time.Minute}, 5, 8 * time.Minute},
		{"many failures do not overflow", Backoff{Base: time.Second, Cap: time.Hour}, 1000, time.Hour},
		{"huge Cap does not overflow", Backoff{Base: time.Second, Cap: math.MaxInt64}, 100, math.MaxInt64},
		{"Cap below Base wins", Backoff{Base: time.Hour, Cap: time.Minute}, 1, time.Minute},
		{"zero Base", Backoff{Cap: time.Minute}, 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.Max(tt.failures); got != tt.want {
				t.Errorf("%+v.Max(%d) = %v, want %v", tt.b, tt.failures, got, tt.want)
			}
		})
	}
}

func TestBackoffDelayEqualJitter(t *testing.T) {
	b := Backoff{Base: time.Second, Cap: 64 * time.Second}
	for failures := 1; failures <= 8; failures++ {
		d := b.Max(failures)
		var asked time.Duration
		lowest := b
		lowest.Rand = func(n time.Duration) time.Duration { asked = n; return 0 }
		if got := lowest.Delay(failures); got != d/2 {
			t.Errorf("Delay(%d) with the lowest draw = %v, want %v", failures, got, d/2)
		}
		if asked != d/2+1 {
			t.Errorf("Delay(%d) drew from [0, %v), want [0, %v)", failures, asked, d/2+1)
		}
		highest := b
		highest.Rand = func(n time.Duration) time.Duration { return n - 1 }
		if got := highest.Delay(failures); got != d {
			t.Errorf("Delay(%d) with the highest draw = %v, want %v", failures, got, d)
		}
	}
}

func TestBackoffDelayDefaultRandStaysInRange(t *testing.T) {
	b := Backoff{Base: 30 * time.Second, Cap: 10 * time.Minute}
	for failures := 1; failures <= 12; failures++ {
		d := b.Max(failures)
		for range 50 {
			if got := b.Delay(failures); got < d/2 || got > d {
				t.Fatalf("Delay(%d) = %v, want within [%v, %v]", failures, got, d/2, d)
			}
		}
	}
}
