package dcc

import "strings"

// DisplayName returns the EU value-set display name of a code in a field of
// a certificate of kind k: "tg", "vp", "mp", "ma", "tt", "tr" or "co". It
// reports false for a code or field it does not know; pages then show the
// raw code.
func DisplayName(k Kind, field, code string) (string, bool) {
	var set map[string]string
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
	name, ok := set[strings.TrimSpace(code)]
	return name, ok
}
