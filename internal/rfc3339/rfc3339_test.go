package rfc3339

import (
	"testing"
	"time"
)

// Append writes what time.Format(time.RFC3339) writes in UTC, in and out
// of the years it writes itself, with fractions and zones.
func TestAppend(t *testing.T) {
	times := []time.Time{
		{},
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2026, 11, 28, 9, 5, 7, 0, time.FixedZone("x", 7*3600)),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.FixedZone("y", -11*3600)),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(1<<40, 0),
	}
	for s := int64(-1 << 36); s < 1<<36; s += 1<<29 + 12345 {
		times = append(times, time.Unix(s, 0))
	}
	for _, tm := range times {
		want := tm.UTC().Format(time.RFC3339)
		if got := string(Append([]byte("x"), tm)); got != "x"+want {
			t.Errorf("Append(%v) = %s, want x%s", tm, got, want)
		}
		if got := Format(tm); got != want {
			t.Errorf("Format(%v) = %s, want %s", tm, got, want)
		}
	}
}
