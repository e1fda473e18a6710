package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

// payloadOptions are the holder and event fields that `passcheck issue`
// lets a developer set. Empty fields keep the sample payload's values, with
// dates placed near the issue time as in the demo.
type payloadOptions struct {
	familyName, givenName, familyNameStd, givenNameStd, dob string

	dose, vaccinatedOn string // vaccination: "n/m", YYYY-MM-DD

	testType, sampledAt, testResult string // test: pcr|rat, RFC 3339, negative|positive

	firstPositive, validFrom, validUntil string // recovery: YYYY-MM-DD
}

// The value-set codes the flags map to (EU value sets: covid-19-lab-test-type,
// covid-19-lab-result).
var (
	testTypes   = map[string]string{"pcr": "LP6464-4", "naat": "LP6464-4", "rat": "LP217198-3"}
	testResults = map[string]string{"negative": "260415000", "positive": "260373001"}
)

// payload returns the DCC payload of kind k issued at now.
func (o payloadOptions) payload(k dcc.Kind, now time.Time) (map[string]any, error) {
	p := issuer.SamplePayload(k)
	day := 24 * time.Hour
	date := func(t time.Time) string { return t.UTC().Format("2006-01-02") }
	entry := map[string]any{}
	for _, key := range []string{"v", "t", "r"} {
		if list, ok := p[key].([]any); ok && len(list) > 0 {
			entry, _ = list[0].(map[string]any)
		}
	}
	nam, _ := p["nam"].(map[string]any)
	if o.familyName != "" || o.givenName != "" {
		delete(nam, "fn")
		delete(nam, "gn")
		delete(nam, "fnt")
		delete(nam, "gnt")
	}
	for _, f := range []struct{ flag, value, key, std, stdKey string }{
		{"--family-name", o.familyName, "fn", o.familyNameStd, "fnt"},
		{"--given-name", o.givenName, "gn", o.givenNameStd, "gnt"},
	} {
		if len(f.value) > 80 {
			return nil, fmt.Errorf("%s: at most 80 characters", f.flag)
		}
		if f.value != "" {
			nam[f.key] = f.value
			nam[f.stdKey] = icaoName(f.value)
		}
		if f.std != "" {
			if icaoName(f.std) != f.std {
				return nil, fmt.Errorf("%s-std %q: want ICAO 9303 form, capital A-Z and <, such as %s", f.flag, f.std, icaoName(f.std))
			}
			nam[f.stdKey] = f.std
		}
	}
	if _, ok := nam["fnt"]; !ok {
		if _, ok := nam["gnt"]; !ok {
			return nil, fmt.Errorf("--family-name or --given-name: a pass names at least one of them")
		}
	}
	if o.dob != "" {
		if !validDOB(o.dob) {
			return nil, fmt.Errorf("--dob %q: want YYYY-MM-DD, YYYY-MM or YYYY", o.dob)
		}
		p["dob"] = o.dob
	}
	dateFlag := func(flag, value string, def time.Time) (string, error) {
		if value == "" {
			return date(def), nil
		}
		if _, err := time.Parse("2006-01-02", value); err != nil {
			return "", fmt.Errorf("%s %q: want a date YYYY-MM-DD", flag, value)
		}
		return value, nil
	}
	var err error
	switch k {
	case dcc.KindVaccination:
		if entry["dt"], err = dateFlag("--vaccinated-on", o.vaccinatedOn, now.Add(-60*day)); err != nil {
			return nil, err
		}
		if o.dose != "" {
			n, m, ok := strings.Cut(o.dose, "/")
			dn, err1 := strconv.Atoi(n)
			sd, err2 := strconv.Atoi(m)
			if !ok || err1 != nil || err2 != nil || dn < 1 || sd < 1 || dn > 9 || sd > 9 {
				return nil, fmt.Errorf("--dose %q: want dose/series such as 1/2 or 3/3 (1 to 9)", o.dose)
			}
			entry["dn"], entry["sd"] = int64(dn), int64(sd)
		}
	case dcc.KindTest:
		sc := now.Add(-6 * time.Hour)
		if o.sampledAt != "" {
			if sc, err = time.Parse(time.RFC3339, o.sampledAt); err != nil {
				return nil, fmt.Errorf("--sampled-at %q: want an RFC 3339 time such as 2026-12-01T08:00:00Z", o.sampledAt)
			}
		}
		entry["sc"] = sc.UTC().Format(time.RFC3339)
		if o.testType != "" {
			tt, ok := testTypes[strings.ToLower(o.testType)]
			if !ok {
				return nil, fmt.Errorf("--test-type %q: want pcr or rat", o.testType)
			}
			entry["tt"] = tt
			if tt == testTypes["rat"] {
				// A rapid test names its device, not a test name (DCC schema).
				delete(entry, "nm")
				entry["ma"] = "1232"
			}
		}
		if o.testResult != "" {
			tr, ok := testResults[strings.ToLower(o.testResult)]
			if !ok {
				return nil, fmt.Errorf("--test-result %q: want negative or positive", o.testResult)
			}
			entry["tr"] = tr
		}
	case dcc.KindRecovery:
		fr, err := dateFlag("--first-positive", o.firstPositive, now.Add(-40*day))
		if err != nil {
			return nil, err
		}
		df, err := dateFlag("--recovery-valid-from", o.validFrom, now.Add(-29*day))
		if err != nil {
			return nil, err
		}
		du, err := dateFlag("--recovery-valid-until", o.validUntil, now.Add(140*day))
		if err != nil {
			return nil, err
		}
		if df > du {
			return nil, fmt.Errorf("--recovery-valid-from %s is after --recovery-valid-until %s", df, du)
		}
		entry["fr"], entry["df"], entry["du"] = fr, df, du
	}
	return p, nil
}

// validDOB reports whether s is a date of birth in a form the DCC schema
// allows: YYYY-MM-DD, YYYY-MM or YYYY.
func validDOB(s string) bool {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if len(s) == len(layout) {
			if _, err := time.Parse(layout, s); err == nil {
				return true
			}
		}
	}
	return false
}

// icaoName writes a name in the ICAO 9303 form of the DCC's fnt and gnt
// fields: accents removed, capital A-Z, other characters as '<', at most
// 80 characters. (ICAO 9303 transliterates some letters, such as Ä as AE,
// differently; issuers disagree here too, and the verifier only shows it.)
func icaoName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'D'
		case r == 'ß':
			b.WriteString("SS")
			continue
		}
		r = unicode.ToUpper(r)
		if r < 'A' || r > 'Z' {
			r = '<'
		}
		b.WriteRune(r)
	}
	out := strings.Trim(b.String(), "<")
	if len(out) > 80 {
		out = out[:80]
	}
	return out
}
