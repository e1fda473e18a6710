package dcc

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The hand-written matchers agree with the schema's regular expressions.
var patterns = []struct {
	name  string
	re    *regexp.Regexp
	match func(string) bool
}{
	{"ver", regexp.MustCompile(`^\d+.\d+.\d+$`), matchVer},
	{"dob", regexp.MustCompile(`^((19|20)\d\d(-\d\d){0,2}){0,1}$`), matchDOB},
	{"fnt", regexp.MustCompile(`^[A-Z<]*$`), matchStdName},
	{"co", regexp.MustCompile(`[A-Z]{1,10}`), matchCountry},
}

var patternSeeds = []string{
	"", "1.3.0", "1.3", "1.3.0.1", "12345", "1x2y3", "1\n2.3", "1.2\n3", "1.é.3", "a.1.1", "1.1.1 ",
	"1990", "1990-04", "1990-04-14", "2099-12-31", "1899-01-01", "1990-4-14", "1990-04-14T00:00:00", "19900414", "2100",
	"NGUYEN", "THI<MINH<ANH", "Nguyen", "NGUY EN", "AT", "at", "xAx", "EU", "1",
}

func TestPatterns(t *testing.T) {
	for _, p := range patterns {
		for _, s := range patternSeeds {
			if got, want := p.match(s), p.re.MatchString(s); got != want {
				t.Errorf("%s pattern on %q: %v, regexp says %v", p.name, s, got, want)
			}
		}
	}
}

func FuzzPatterns(f *testing.F) {
	for _, s := range patternSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range patterns {
			if got, want := p.match(s), p.re.MatchString(s); got != want {
				t.Fatalf("%s pattern on %q: %v, regexp says %v", p.name, s, got, want)
			}
		}
	})
}

// Every value set is sorted by code without duplicates (lookup searches it
// by halves), and lookup finds each of its codes and no other.
func TestValueSets(t *testing.T) {
	for name, set := range map[string]valueSet{
		"tg": diseaseAgentTargeted, "vp": vaccineProphylaxis, "mp": vaccineMedicinalProduct, "ma": vaccineMahManf,
		"tt": testType, "ma (test)": testManf, "tr": testResult, "co": countryCodes,
	} {
		if len(set) == 0 {
			t.Errorf("%s: empty", name)
		}
		for i, e := range set {
			if i > 0 && set[i-1].code >= e.code {
				t.Errorf("%s: %q comes after %q", name, e.code, set[i-1].code)
			}
			if got, ok := set.lookup(e.code); !ok || got != e.display {
				t.Errorf("%s: lookup(%q) = %q, %v; want %q", name, e.code, got, ok, e.display)
			}
			for _, near := range []string{e.code + "0", e.code[:len(e.code)-1], "", "~"} {
				if _, ok := set.lookup(near); ok && !slicesHasCode(set, near) {
					t.Errorf("%s: lookup(%q) found a code the set does not have", name, near)
				}
			}
		}
	}
}

func slicesHasCode(set valueSet, code string) bool {
	for _, e := range set {
		if e.code == code {
			return true
		}
	}
	return false
}

var dateSeeds = []string{
	"2021-05-01", "2020-02-29", "2021-02-29", "1900-02-29", "2000-02-29", "0000-02-29", "2021-04-31", "2021-13-01",
	"2021-00-10", "2021-01-00", "2021-1-01", "+021-01-01", "2021-05-01 ", "2021/05/01", "",
	"2021-05-01T10:00:00Z", "2021-05-01T10:00:00+02:00", "2021-05-01T10:00:00.123456789Z", "2021-05-01T10:00:00.1234567891-05:30",
	"2021-05-01T10:00:00", "2021-05-01T24:00:00Z", "2021-05-01T10:60:00Z", "2021-05-01T10:00:60Z", "2021-05-01T10:00:00,5Z",
	"2021-05-01T1:00:00Z", "2021-05-01T10:00:00+24:00", "2021-05-01T10:00:00+02:60", "2021-05-01t10:00:00z", "2021-05-01T10:00:00.Z",
	"2021-05-01T10:00:00+0200", "2021-02-30T10:00:00Z",
}

// checkDateFastPath fails when isDate or isDateTime says yes to a text that
// time.Parse refuses: they only spare the call to time.Parse.
func checkDateFastPath(t *testing.T, s string) {
	t.Helper()
	if _, err := time.Parse(time.DateOnly, s); isDate(s) && err != nil {
		t.Errorf("isDate(%q) is true, time.Parse says %v", s, err)
	}
	if _, err := time.Parse(time.RFC3339, s); isDateTime(s) && err != nil {
		t.Errorf("isDateTime(%q) is true, time.Parse says %v", s, err)
	}
}

func TestDateFastPath(t *testing.T) {
	for _, s := range dateSeeds {
		checkDateFastPath(t, s)
	}
	// The forms passes use take the fast path.
	for _, s := range []string{"2021-05-01", "2020-02-29", "1999-12-31"} {
		if !isDate(s) {
			t.Errorf("isDate(%q) is false", s)
		}
	}
	for _, s := range []string{"2021-05-01T10:00:00Z", "2021-05-01T10:00:00+02:00", "2021-05-01T10:00:00.123Z", "2021-05-01T23:59:59-05:30"} {
		if !isDateTime(s) {
			t.Errorf("isDateTime(%q) is false", s)
		}
	}
}

func FuzzDateFastPath(f *testing.F) {
	for _, s := range dateSeeds {
		f.Add(s)
	}
	f.Fuzz(checkDateFastPath)
}

var strSeeds = []any{
	"", "AT", " AT", "AT ", "\tAT", "AT\r", "\u00a0AT", "AT\u0085", "Ä", "Ö ", "\xff", strings.Repeat("A", 80), strings.Repeat("A", 81),
	strings.Repeat("é", 50), strings.Repeat("é", 81), nil, int64(1), 1.5, []any{}, map[string]any{},
}

// str's short path answers as strSlow would, warnings included; so does
// dose's.
func TestShortPaths(t *testing.T) {
	for _, v := range append(strSeeds, int64(0), int64(-1), int64(2), 2.0, 0.5) {
		for _, required := range []bool{true, false} {
			var fast, slow reading
			m := map[string]any{"k": v}
			fs, fok := obj{rd: &fast, m: m, path: "v[0]"}.str("k", required)
			ss, sok := obj{rd: &slow, m: m, path: "v[0]"}.strSlow("k", v, true, required)
			if fs != ss || fok != sok || !reflect.DeepEqual(fast, slow) {
				t.Errorf("str(%#v, %v) = %q, %v, %v; strSlow: %q, %v, %v", v, required, fs, fok, fast, ss, sok, slow)
			}
			fast, slow = reading{}, reading{}
			obj{rd: &fast, m: m}.dose("k")
			obj{rd: &slow, m: m}.doseSlow("k", v, true)
			if !reflect.DeepEqual(fast, slow) {
				t.Errorf("dose(%#v): %v; doseSlow: %v", v, fast, slow)
			}
		}
	}
}

// entry's short path answers as entrySlow would, errors included.
func TestEntryShortPath(t *testing.T) {
	one := []any{map[string]any{"tg": "840539006"}}
	for _, m := range []map[string]any{
		{"v": one}, {"t": one}, {"r": one}, {}, {"v": nil}, {"v": nil, "t": one}, {"v": one, "t": one},
		{"v": one, "r": nil}, {"v": "x"}, {"t": []any{}}, {"r": []any{1}}, {"v": append(one, one[0])}, {"v": []any{nil}},
	} {
		var fast, slow reading
		fg, fe := fast.entry(m)
		sg, se := slow.entrySlow(m)
		if fg != sg || !reflect.DeepEqual(fe, se) || !reflect.DeepEqual(fast, slow) {
			t.Errorf("entry(%v) = %q, %v, %v; entrySlow: %q, %v, %v", m, fg, fe, fast, sg, se, slow)
		}
	}
}
