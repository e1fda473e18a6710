package dcc

import (
	"regexp"
	"testing"
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
