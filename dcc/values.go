package dcc

import "strings"

// valueSet is an EU value set: its codes and display names, sorted by code
// (valuesets_gen.go, written by internal/cmd/genvaluesets). A sorted slice
// of constant strings is laid out by the compiler as data, where a map
// would be built by code at start-up.
type valueSet []valueEntry

type valueEntry struct{ code, display string }

// lookup returns the display name of code, by binary search.
func (vs valueSet) lookup(code string) (string, bool) {
	lo, hi := 0, len(vs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := vs[m].code; {
		case c == code:
			return vs[m].display, true
		case c < code:
			lo = m + 1
		default:
			hi = m
		}
	}
	return "", false
}

// DisplayName returns the EU value-set display name of a code in a field of
// a certificate of kind k: "tg", "vp", "mp", "ma", "tt", "tr" or "co". It
// reports false for a code or field it does not know; pages then show the
// raw code.
func DisplayName(k Kind, field, code string) (string, bool) {
	var set valueSet
	switch field {
	case "tg":
		set = diseaseAgentTargeted
	case "vp":
		set = vaccineProphylaxis
	case "mp":
		set = vaccineMedicinalProduct
	case "ma":
		set = vaccineMahManf
		if k == KindTest {
			set = testManf
		}
	case "tt":
		set = testType
	case "tr":
		set = testResult
	case "co":
		set = countryCodes
	}
	return set.lookup(strings.TrimSpace(code))
}
