package ics

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll reads everything whatever the hint says, stops one byte past
// the limit, and with a right hint allocates the buffer once.
func TestReadAll(t *testing.T) {
	data := strings.Repeat("0123456789", 1000)
	for _, tc := range []struct {
		name      string
		hint, max int64
		want      int
	}{
		{"right hint", 10000, 1 << 20, 10000},
		{"no hint", 0, 1 << 20, 10000},
		{"hint too small (the file grew)", 100, 1 << 20, 10000},
		{"hint too large (the file shrank)", 50000, 1 << 20, 10000},
		{"hint over the limit", 1 << 30, 1 << 20, 10000},
		{"over the limit", 10000, 5000, 5001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(iotest.HalfReader(strings.NewReader(data)), tc.hint, tc.max)
			if err != nil || len(got) != tc.want || !bytes.Equal(got, []byte(data[:tc.want])) {
				t.Errorf("readAll = %d bytes, %v; want %d", len(got), err, tc.want)
			}
		})
	}
	if _, err := readAll(iotest.ErrReader(io.ErrUnexpectedEOF), 10, 100); err != io.ErrUnexpectedEOF {
		t.Errorf("readAll of a failing reader = %v", err)
	}
	allocs := testing.AllocsPerRun(10, func() {
		readAll(strings.NewReader(data), int64(len(data)), 1<<20)
	})
	if allocs > 2 {
		t.Errorf("readAll with a right hint allocated %.0f times, want 1 buffer", allocs)
	}
}
