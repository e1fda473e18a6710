// Package rfc3339 writes times as time.RFC3339 formats them in UTC, without
// time.Format's general layout machinery: in Go compiled to WebAssembly that
// took a few microseconds per date, and a Result carries four.
package rfc3339

import "time"

// Append appends t in UTC as t.UTC().Format(time.RFC3339) would, for the
// years 0 to 9999 directly, and through time.Format for others.
func Append(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, time.RFC3339)
	}
	hour, minute, sec := t.Clock()
	b = digits(b, year, 4)
	b = append(b, '-')
	b = digits(b, int(month), 2)
	b = append(b, '-')
	b = digits(b, day, 2)
	b = append(b, 'T')
	b = digits(b, hour, 2)
	b = append(b, ':')
	b = digits(b, minute, 2)
	b = append(b, ':')
	b = digits(b, sec, 2)
	return append(b, 'Z')
}

// Format returns Append(nil, t) as a string.
func Format(t time.Time) string {
	var buf [20]byte
	return string(Append(buf[:0], t))
}

// digits appends 0 ≤ n < 10000 in decimal, zero-padded to width digits.
//
// Not inlined: it is called in many places, and one copy keeps the
// WebAssembly module small.
//
//go:noinline
func digits(b []byte, n, width int) []byte {
	var d [4]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:width]...)
}
