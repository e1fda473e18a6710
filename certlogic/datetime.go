package certlogic

import "strconv"

// DateTime is a CertLogic date-time: an instant with millisecond precision,
// as a JavaScript Date holds it. Only plusTime and dccDateOfBirth make
// them; CertLogic has no date-time literal.
type DateTime struct {
	// UnixMilli is the number of milliseconds since 1970-01-01T00:00:00Z.
	UnixMilli int64
}

// String formats d as JavaScript's Date.prototype.toISOString does:
// 2021-06-01T00:00:00.000Z, with a signed six-digit year outside 0..9999.
func (d DateTime) String() string {
	days := floorDiv(d.UnixMilli, msPerDay)
	ms := d.UnixMilli - days*msPerDay
	y, m, dd := civilFromDays(days)
	var b []byte
	switch {
	case y < 0:
		b = append(b, '-')
		b = pad(b, -y, 6)
	case y > 9999:
		b = append(b, '+')
		b = pad(b, y, 6)
	default:
		b = pad(b, y, 4)
	}
	b = append(b, '-')
	b = pad(b, m, 2)
	b = append(b, '-')
	b = pad(b, dd, 2)
	b = append(b, 'T')
	b = pad(b, ms/msPerHour, 2)
	b = append(b, ':')
	b = pad(b, ms/60_000%60, 2)
	b = append(b, ':')
	b = pad(b, ms/1000%60, 2)
	b = append(b, '.')
	b = pad(b, ms%1000, 3)
	return string(append(b, 'Z'))
}

func pad(b []byte, n int64, width int) []byte {
	s := strconv.FormatInt(n, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

const (
	msPerHour = 3_600_000
	msPerDay  = 86_400_000
	// maxTime is the largest distance from the epoch a JavaScript Date
	// holds (ECMA-262 "Time Values and Time Range"): beyond it a Date is
	// invalid, and so is a CertLogic date-time here.
	maxTime = 8.64e15
)

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil returns the days since 1970-01-01 of the proleptic
// Gregorian date y-m-d, 1 ≤ m ≤ 12 (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// num reads exactly n decimal digits at s[i:].
func num(s string, i, n int) (int64, bool) {
	if i+n > len(s) {
		return 0, false
	}
	var v int64
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// parseDate reads the date forms YYYY, YYYY-MM and YYYY-MM-DD as
// dccDateOfBirth does: a partial date becomes the last day it may mean
// (YYYY → YYYY-12-31, YYYY-MM → the month's last day). It returns the days
// since the epoch and the length it read; ok is false when s does not start
// with one of these forms or names a day that does not exist.
func parseDate(s string) (days int64, n int, ok bool) {
	y, ok := num(s, 0, 4)
	if !ok {
		return 0, 0, false
	}
	if len(s) == 4 || s[4] != '-' {
		return daysFromCivil(y, 12, 31), 4, true
	}
	m, ok := num(s, 5, 2)
	if !ok || m < 1 || m > 12 {
		return 0, 0, false
	}
	if len(s) == 7 || s[7] != '-' {
		return daysFromCivil(y, m, daysIn(y, m)), 7, true
	}
	d, ok := num(s, 8, 2)
	if !ok || d < 1 || d > daysIn(y, m) {
		return 0, 0, false
	}
	return daysFromCivil(y, m, d), 10, true
}

// parseDOB implements dccDateOfBirth's reading: YYYY, YYYY-MM or
// YYYY-MM-DD, and nothing else.
func parseDOB(s string) (DateTime, bool) {
	days, n, ok := parseDate(s)
	if !ok || n != len(s) {
		return DateTime{}, false
	}
	return DateTime{days * msPerDay}, true
}

// parseDateTime reads the formats plusTime allows (specification, "Offset
// date-time"): a date as parseDate reads it, optionally followed by
// Thh:mm:ss, optional decimals (cut to milliseconds, rounding down), and an
// optional offset Z, ±h, ±hh, ±hmm, ±hhmm, ±h:mm or ±hh:mm. A missing
// offset is Z. Anything else, including a time on a partial date and a
// field out of its range, is refused: the specification leaves the
// behaviour on such strings undefined, and refusing is the safe reading.
func parseDateTime(s string) (DateTime, bool) {
	days, n, ok := parseDate(s)
	if !ok {
		return DateTime{}, false
	}
	ms := days * msPerDay
	if n == len(s) {
		return DateTime{ms}, true
	}
	if n != 10 || s[n] != 'T' {
		return DateTime{}, false
	}
	h, ok1 := num(s, 11, 2)
	mi, ok2 := num(s, 14, 2)
	se, ok3 := num(s, 17, 2)
	if !ok1 || !ok2 || !ok3 || s[13] != ':' || s[16] != ':' || h > 23 || mi > 59 || se > 59 {
		return DateTime{}, false
	}
	ms += h*msPerHour + mi*60_000 + se*1000
	i := 19
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		var frac int64
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if i-start < 3 {
				frac = frac*10 + int64(s[i]-'0')
			}
			i++
		}
		if i == start {
			return DateTime{}, false
		}
		for k := i - start; k < 3; k++ {
			frac *= 10
		}
		ms += frac
	}
	if i == len(s) {
		return DateTime{ms}, true
	}
	switch s[i] {
	case 'Z':
		if i+1 != len(s) {
			return DateTime{}, false
		}
		return DateTime{ms}, true
	case '+', '-':
	default:
		return DateTime{}, false
	}
	sign := int64(1)
	if s[i] == '-' {
		sign = -1
	}
	z := s[i+1:]
	var oh, om int64
	switch {
	case len(z) == 1 || len(z) == 2:
		oh, ok = num(z, 0, len(z))
	case len(z) == 3 && z[1] != ':':
		oh, ok = num(z, 0, 1)
		om, ok2 = num(z, 1, 2)
		ok = ok && ok2
	case len(z) == 4 && z[1] == ':':
		oh, ok = num(z, 0, 1)
		om, ok2 = num(z, 2, 2)
		ok = ok && ok2
	case len(z) == 4:
		oh, ok = num(z, 0, 2)
		om, ok2 = num(z, 2, 2)
		ok = ok && ok2
	case len(z) == 5 && z[2] == ':':
		oh, ok = num(z, 0, 2)
		om, ok2 = num(z, 3, 2)
		ok = ok && ok2
	default:
		ok = false
	}
	if !ok || oh > 23 || om > 59 {
		return DateTime{}, false
	}
	return DateTime{ms - sign*(oh*msPerHour+om*60_000)}, true
}

// plusTime adds amount units to d as JavaScript's setUTC<Unit>(getUTC<Unit>()
// + amount) does: hours and days are fixed lengths; months and years keep
// the day of the month and the time of day and let an overflowing day run
// into the next month (2020-02-29 + 1 year = 2021-03-01). ok is false when
// the result falls outside the range of a JavaScript Date.
func plusTime(d DateTime, amount int64, u unit) (DateTime, bool) {
	// |amount| ≤ maxAmount keeps every product below in int64.
	const maxAmount = 3_000_000_000
	if amount > maxAmount || amount < -maxAmount {
		return DateTime{}, false
	}
	ms := d.UnixMilli
	switch u {
	case unitHour:
		ms += amount * msPerHour
	case unitDay:
		ms += amount * msPerDay
	case unitMonth, unitYear:
		days := floorDiv(ms, msPerDay)
		tod := ms - days*msPerDay
		y, m, dd := civilFromDays(days)
		if u == unitYear {
			y += amount
		} else {
			m0 := m - 1 + amount
			y += floorDiv(m0, 12)
			m = m0 - floorDiv(m0, 12)*12 + 1
		}
		if y > 300_000 || y < -300_000 {
			return DateTime{}, false
		}
		ms = (daysFromCivil(y, m, 1)+dd-1)*msPerDay + tod
	}
	if ms > maxTime || ms < -maxTime {
		return DateTime{}, false
	}
	return DateTime{ms}, true
}
