package main

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2y", 730 * day, true},
		{"30d", 30 * day, true},
		{"36h", 36 * time.Hour, true},
		{"90m", 90 * time.Minute, true},
		{"2w", 14 * day, true},
		{"1y30d12h", 395*day + 12*time.Hour, true},
		{"1d12h30m", day + 12*time.Hour + 30*time.Minute, true},
		{" 5s ", 5 * time.Second, true},
		{"0", 0, true},
		{"", 0, false},
		{"d", 0, false},
		{"2x", 0, false},
		{"-3h", 0, false},
		{"30dd", 0, false},
		{"99999999999999y", 0, false},
	} {
		got, err := parseDuration(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseDuration(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{2 * 365 * 24 * time.Hour, "2y"},
		{36 * time.Hour, "1d12h"},
		{5 * time.Second, "5s"},
		{90 * time.Minute, "1h30m"},
		{0, "0s"},
	} {
		got := formatDuration(tc.in)
		if got != tc.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tc.in, got, tc.want)
		}
		if back, err := parseDuration(got); err != nil || back != tc.in {
			t.Errorf("parseDuration(formatDuration(%v)) = %v, %v", tc.in, back, err)
		}
	}
}

// FuzzParseDuration: no input panics, and what is accepted is never
// negative and prints back to the same duration.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"2y", "30d", "36h", "1y30d12h", "90m", "1h30m", "", "-3h", "99999999999999y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("parseDuration(%q) = %v", s, d)
		}
		if back, err := parseDuration(formatDuration(d)); err != nil || back != d {
			t.Fatalf("parseDuration(formatDuration(%v)) = %v, %v", d, back, err)
		}
	})
}
