package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// duration is a flag.Value, and a JSON string in sync's configuration, for
// a duration in the forms the help shows: Go's own ("36h", "90m", "1h30m")
// and whole days, weeks and years ("30d", "2w", "2y", "1y30d12h"). A year is
// 365 days and a day 24 hours: these set validity periods, not calendar
// dates.
type duration time.Duration

// durationFlag defines a duration flag that takes the forms of duration.
func durationFlag(fs *flag.FlagSet, name string, value time.Duration, usage string) *time.Duration {
	d := value
	fs.Var((*duration)(&d), name, usage)
	return &d
}

func (d *duration) String() string { return formatDuration(time.Duration(*d)) }

func (d *duration) Set(s string) error {
	v, err := parseDuration(s)
	if err != nil {
		return err
	}
	*d = duration(v)
	return nil
}

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"48h\" or \"2d\": %s", b)
	}
	return d.Set(s)
}

var durationUnits = map[byte]time.Duration{'y': 365 * 24 * time.Hour, 'w': 7 * 24 * time.Hour, 'd': 24 * time.Hour}

// parseDuration reads a duration such as "2y", "30d", "36h" or "1d12h".
func parseDuration(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, errors.New("empty duration: want e.g. 2y, 30d, 36h or 90m")
	}
	var total time.Duration
	rest := in
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) {
			break
		}
		unit, ok := durationUnits[rest[i]]
		if !ok {
			break
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil || n > int64(100*365*24*time.Hour/unit) {
			return 0, fmt.Errorf("duration %q is too long", in)
		}
		total += time.Duration(n) * unit
		rest = rest[i+1:]
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("duration %q: want e.g. 2y, 30d, 36h or 90m", in)
		}
		total += d
	}
	if total < 0 {
		return 0, fmt.Errorf("duration %q is negative", in)
	}
	return total, nil
}

// formatDuration writes d in the largest whole units of parseDuration, so
// that help text shows "2y" rather than "17520h0m0s".
func formatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		c byte
		d time.Duration
	}{{'y', durationUnits['y']}, {'d', durationUnits['d']}} {
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%c", n, u.c)
			d -= n * u.d
		}
	}
	if d > 0 {
		s := d.String()
		if strings.HasSuffix(s, "m0s") {
			s = strings.TrimSuffix(s, "0s")
		}
		if strings.HasSuffix(s, "h0m") {
			s = strings.TrimSuffix(s, "0m")
		}
		b.WriteString(s)
	}
	return b.String()
}
