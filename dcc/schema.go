package dcc

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// The payload checks encode the official EU DCC JSON schema 1.3.x
// (spec/dcc-schema/DCC.combined-schema.json) in Go rather than running a JSON
// Schema engine, which would need encoding/json in the WebAssembly module.
// What is an error and what a warning follows the EU's guidance for verifiers
// on issuer deviations seen in real passes (dcc-quality-assurance
// SpecialCaseHandling.md):
//
//   - an error when the pass cannot be interpreted: ver, nam or dob missing or
//     of the wrong type, not exactly one of v, t, r (a null group counts as
//     absent), a group with other than one entry, a required entry field
//     missing or of the wrong type;
//   - a warning for what verifiers are told to tolerate: date and date-time
//     formats and the dob pattern, the patterns of standardised names, dose
//     number ranges, whole-number floats for dn and sd, null optional
//     values, whitespace around values (trimmed for checks and display), and
//     other pattern or length deviations.

// The schema's patterns are matched by hand rather than with regexp, which
// would add about 0.1 MB (brotli) to the WebAssembly module and its start-up
// time; schema_test.go holds each matcher to the schema's regular expression.

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return len(s) > 0
}

// matchVer matches ver's pattern ^\d+.\d+.\d+$, where "." is any character
// but a newline.
func matchVer(s string) bool {
	for i := 1; i < len(s); i++ {
		if !allDigits(s[:i]) {
			break
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		if s[i] == '\n' {
			continue
		}
		rest := s[i+n:]
		for j := 1; j < len(rest); j++ {
			if !allDigits(rest[:j]) {
				break
			}
			if rest[j] == '\n' {
				continue
			}
			_, m := utf8.DecodeRuneInString(rest[j:])
			if allDigits(rest[j+m:]) {
				return true
			}
		}
	}
	return false
}

// matchDOB matches dob's pattern ^((19|20)\d\d(-\d\d){0,2}){0,1}$: empty,
// YYYY, YYYY-MM or YYYY-MM-DD in 1900–2099.
func matchDOB(s string) bool {
	if s == "" {
		return true
	}
	if len(s) != 4 && len(s) != 7 && len(s) != 10 {
		return false
	}
	if !(s[:2] == "19" || s[:2] == "20") || !allDigits(s[2:4]) {
		return false
	}
	for i := 4; i < len(s); i += 3 {
		if s[i] != '-' || !allDigits(s[i+1:i+3]) {
			return false
		}
	}
	return true
}

// matchStdName matches fnt's and gnt's pattern ^[A-Z<]*$.
func matchStdName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || c == '<') {
			return false
		}
	}
	return true
}

// matchCountry matches co's unanchored pattern [A-Z]{1,10}: some capital letter.
func matchCountry(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

const maxFieldLen = 80 // maxLength of names, issuer, UVCI, test name and centre

// reading is what the payload checks found.
type reading struct {
	kind     Kind
	holder   *Holder
	errors   []Message
	warnings []Message
}

// errorf, warnf and unknownValue file a finding. They are not inlined: a
// copy of each (the variadic slice, fmt.Sprintf, the append) at each of
// their many calls made kilobytes of the WebAssembly module, on paths a
// well-formed pass never takes.
//
//go:noinline
func (rd *reading) errorf(format string, args ...any) {
	rd.errors = append(rd.errors, Message{Code: SchemaInvalid, Message: "The certificate's content does not follow the EU format: " + fmt.Sprintf(format, args...) + "."})
}

//go:noinline
func (rd *reading) warnf(format string, args ...any) {
	rd.warnings = append(rd.warnings, Message{Code: SchemaInvalid, Message: "The certificate deviates from the EU format, which is tolerated: " + fmt.Sprintf(format, args...) + "."})
}

//go:noinline
func (rd *reading) unknownValue(what, field, code string) {
	rd.warnings = append(rd.warnings, Message{Code: ValueUnknown, Message: fmt.Sprintf("The %s code %q (%s) is not in the EU value sets.", what, code, field)})
}

// obj reads the fields of one JSON object of the payload.
type obj struct {
	rd   *reading
	m    map[string]any
	path string // "v[0]", "nam", "" for the top level
}

func (o obj) name(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// str returns the trimmed string at key. A missing, null or non-string
// value is an error when required, and a warning otherwise.
//
// The checks of a well-formed pass take a short path, and the rest is in a
// function of its own (strSlow, doseSlow, ...): in WebAssembly each
// function is compiled on its first call, and the first scan should not pay
// for the code that only a deviating pass runs.
func (o obj) str(key string, required bool) (string, bool) {
	v, present := o.m[key]
	// At most maxFieldLen bytes: at most as many characters.
	if s, ok := v.(string); ok && len(s) <= maxFieldLen && !hasSpaceAround(s) {
		return s, true
	}
	return o.strSlow(key, v, present, required)
}

// hasSpaceAround reports whether strings.TrimSpace would change s.
func hasSpaceAround(s string) bool {
	return s != "" && (isSpace(s[0]) || isSpace(s[len(s)-1]))
}

// isSpace reports whether c, first or last in a string, may be part of what
// strings.TrimSpace trims: ASCII white space, or any byte of a multi-byte
// character (strSlow decides those).
func isSpace(c byte) bool {
	return c == ' ' || '\t' <= c && c <= '\r' || c >= utf8.RuneSelf
}

func (o obj) strSlow(key string, v any, present, required bool) (string, bool) {
	switch s := v.(type) {
	case string:
		t := strings.TrimSpace(s)
		if t != s {
			o.rd.warnf("%s has whitespace around its value", o.name(key))
		}
		if utf8.RuneCountInString(t) > maxFieldLen && key != "dob" {
			// only names, issuer, UVCI and free text reach this length
			o.rd.warnf("%s is longer than %d characters", o.name(key), maxFieldLen)
		}
		return t, true
	case nil:
		switch {
		case !present && required:
			o.rd.errorf("%s is missing", o.name(key))
		case present && required:
			o.rd.errorf("%s is null", o.name(key))
		case present:
			o.rd.warnf("%s is null", o.name(key))
		}
	default:
		if required {
			o.rd.errorf("%s is not a string", o.name(key))
		} else {
			o.rd.warnf("%s is not a string", o.name(key))
		}
	}
	return "", false
}

// date checks a "format": "date" field (RFC 3339 full-date): what
// time.Parse(time.DateOnly) accepts. isDate answers for the usual dates
// without time.Parse, whose general layout parser is about 40 kB of
// WebAssembly to compile on first use.
func (o obj) date(key string) string {
	s, ok := o.str(key, true)
	if ok && !isDate(s) {
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			o.rd.warnf("%s %q is not a date (YYYY-MM-DD)", o.name(key), s)
		}
	}
	return s
}

// dateTime checks a "format": "date-time" field (RFC 3339 date-time): what
// time.Parse(time.RFC3339) accepts, which isDateTime answers for the usual
// ones.
func (o obj) dateTime(key string) string {
	s, ok := o.str(key, true)
	if ok && !isDateTime(s) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			o.rd.warnf("%s %q is not a date and time (RFC 3339)", o.name(key), s)
		}
	}
	return s
}

// num returns the number written by the decimal digits s, or -1 when s has
// something else.
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// isDate reports whether s is YYYY-MM-DD, a day that exists in the
// proleptic Gregorian calendar. Every such s is a date for time.Parse
// (TestDateFastPath); others go to time.Parse.
func isDate(s string) bool {
	if len(s) != len("2006-01-02") || s[4] != '-' || s[7] != '-' {
		return false
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// isDateTime reports whether s is YYYY-MM-DDThh:mm:ss, then optionally a
// fraction of a second, then Z or ±hh:mm: the form time.Parse reads
// without its general layout parser. Every such s is a date and time for
// time.Parse (TestDateFastPath); others go to time.Parse.
func isDateTime(s string) bool {
	if len(s) < len("2006-01-02T15:04:05Z") || !isDate(s[:10]) || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	if h, m, sec := num(s[11:13]), num(s[14:16]), num(s[17:19]); h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 {
		return false
	}
	s = s[19:]
	if len(s) >= 2 && s[0] == '.' && isDigit(s[1]) {
		n := 2
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		s = s[n:]
	}
	if s == "Z" {
		return true
	}
	if len(s) != len("+07:00") || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return false
	}
	h, m := num(s[1:3]), num(s[4:])
	return h >= 0 && h <= 23 && m >= 0 && m <= 59
}

// coded checks a value-set field; an unknown code is a VALUE_UNKNOWN warning.
func (o obj) coded(key string, required bool, set valueSet, what string) string {
	s, ok := o.str(key, required)
	if ok {
		if _, known := set.lookup(s); !known {
			o.rd.unknownValue(what, o.name(key), s)
		}
	}
	return s
}

// country checks co: the schema pattern and the country value set.
func (o obj) country(key string) string {
	s, ok := o.str(key, true)
	if ok && !matchCountry(s) {
		o.rd.warnf("%s %q is not a country code", o.name(key), s)
	}
	if _, known := countryCodes.lookup(s); ok && !known {
		o.rd.unknownValue("country", o.name(key), s)
	}
	return s
}

// dose checks dn and sd: a positive integer; whole-number floats (seen from
// IE) and numbers below 1 (seen from LV) are tolerated with a warning.
func (o obj) dose(key string) {
	v, present := o.m[key]
	if n, ok := v.(int64); ok && n >= 1 {
		return
	}
	o.doseSlow(key, v, present)
}

func (o obj) doseSlow(key string, v any, present bool) {
	switch n := v.(type) {
	case int64:
		if n < 1 {
			o.rd.warnf("%s is %d, below 1", o.name(key), n)
		}
	case float64:
		if n != math.Trunc(n) {
			o.rd.errorf("%s is %v, not a whole number", o.name(key), n)
			return
		}
		o.rd.warnf("%s is the floating-point number %v, not an integer", o.name(key), n)
		if n < 1 {
			o.rd.warnf("%s is %v, below 1", o.name(key), n)
		}
	case nil:
		if present {
			o.rd.errorf("%s is null", o.name(key))
		} else {
			o.rd.errorf("%s is missing", o.name(key))
		}
	default:
		o.rd.errorf("%s is not a number", o.name(key))
	}
}

// readCertificate checks the DCC payload and reads its kind and holder.
func readCertificate(v any) reading {
	var rd reading
	m, ok := v.(map[string]any)
	if !ok {
		rd.errorf("the payload is not an object")
		return rd
	}
	top := obj{rd: &rd, m: m}
	if ver, ok := top.str("ver", true); ok && !matchVer(ver) {
		rd.warnValue("ver %q is not a version number", ver)
	}
	dob, ok := top.str("dob", true)
	if ok && !matchDOB(dob) {
		rd.warnValue("dob %q does not have the form YYYY-MM-DD, YYYY-MM, YYYY or empty", dob)
	}
	if nam, ok := m["nam"].(map[string]any); ok {
		rd.holder = readName(obj{rd: &rd, m: nam, path: "nam"})
		rd.holder.DateOfBirth = dob
	} else {
		rd.namMissing(m)
	}
	g, entry := rd.entry(m)
	switch g {
	case "":
		return rd
	case "v":
		rd.kind = KindVaccination
	case "t":
		rd.kind = KindTest
	default:
		rd.kind = KindRecovery
	}
	if entry == nil {
		return rd
	}
	e := obj{rd: &rd, m: entry, path: g + "[0]"}
	e.coded("tg", true, diseaseAgentTargeted, "disease")
	switch rd.kind {
	case KindVaccination:
		e.coded("vp", true, vaccineProphylaxis, "vaccine type")
		e.coded("mp", true, vaccineMedicinalProduct, "vaccine product")
		e.coded("ma", true, vaccineMahManf, "vaccine manufacturer")
		e.dose("dn")
		e.dose("sd")
		e.date("dt")
	case KindTest:
		e.coded("tt", true, testType, "test type")
		e.str("nm", false)
		e.coded("ma", false, testManf, "test device")
		e.dateTime("sc")
		e.coded("tr", true, testResult, "test result")
		e.str("tc", false)
	case KindRecovery:
		e.date("fr")
		e.date("df")
		e.date("du")
	}
	e.country("co")
	e.str("is", true)
	e.str("ci", true)
	return rd
}

// warnValue adds a warning about a value, as warnf(format, value) would.
func (rd *reading) warnValue(format, value string) { rd.warnf(format, value) }

func (rd *reading) namMissing(m map[string]any) {
	if _, present := m["nam"]; present {
		rd.errorf("nam is not an object")
	} else {
		rd.errorf("nam is missing")
	}
}

// entry returns the one vaccination, test or recovery group, "v", "t" or
// "r", and its one entry; a nil entry with the error when there is not
// exactly one group of one object, and also no group when the group is not
// even an array. The usual pass takes the short path; entrySlow reads and
// words every deviation.
func (rd *reading) entry(m map[string]any) (string, map[string]any) {
	g, n := "", 0
	for _, k := range [...]string{"v", "t", "r"} {
		if _, present := m[k]; present {
			g, n = k, n+1
		}
	}
	if arr, ok := m[g].([]any); n == 1 && ok && len(arr) == 1 {
		if entry, ok := arr[0].(map[string]any); ok {
			return g, entry
		}
	}
	return rd.entrySlow(m)
}

func (rd *reading) entrySlow(m map[string]any) (string, map[string]any) {
	// Exactly one of v, t, r; a null group counts as absent (seen from BG).
	var groups []string
	for _, g := range []string{"v", "t", "r"} {
		if gv, present := m[g]; present {
			if gv == nil {
				rd.warnf("%s is null", g)
				continue
			}
			groups = append(groups, g)
		}
	}
	if len(groups) != 1 {
		if len(groups) == 0 {
			rd.errorf("there is no vaccination, test or recovery entry")
		} else {
			rd.errorf("there is more than one of vaccination, test and recovery (%s)", strings.Join(groups, ", "))
		}
		return "", nil
	}
	g := groups[0]
	arr, ok := m[g].([]any)
	if !ok {
		rd.errorf("%s is not an array", g)
		return "", nil
	}
	if len(arr) != 1 {
		// Multiple events in one DCC (seen from ES): verifiers shall reject.
		rd.errorf("%s holds %d entries instead of exactly one", g, len(arr))
		return g, nil
	}
	entry, ok := arr[0].(map[string]any)
	if !ok {
		rd.errorf("%s[0] is not an object", g)
		return g, nil
	}
	return g, entry
}

// readName reads nam: at least one of the standardised names fnt, gnt.
func readName(o obj) *Holder {
	h := &Holder{}
	h.FamilyName, _ = o.str("fn", false)
	h.GivenName, _ = o.str("gn", false)
	var hasFnt, hasGnt bool
	h.FamilyNameStd, hasFnt = o.str("fnt", false)
	h.GivenNameStd, hasGnt = o.str("gnt", false)
	if !hasFnt && !hasGnt {
		o.rd.errorf("nam has neither a standardised surname (fnt) nor forename (gnt)")
	}
	for _, k := range []struct {
		key string
		val string
		ok  bool
	}{{"fnt", h.FamilyNameStd, hasFnt}, {"gnt", h.GivenNameStd, hasGnt}} {
		if k.ok && !matchStdName(k.val) {
			o.rd.warnf("nam.%s %q has characters other than A–Z and <", k.key, k.val)
		}
	}
	return h
}
