// Package rules holds EU DCC business rules: the gateway's rule model
// ([Rule]), reading rules and value sets from their sources ([LoadRules],
// [ParseRules], [LoadValueSets]), choosing the rules that apply to a pass
// ([Select]) and evaluating them with CertLogic ([Evaluate]), each ending
// passed, failed or open. [RunTests] runs rule tests and CertLogic test
// suites, for the "passcheck rules test" command.
//
// Rules are checked when they are read: against the gateway's rule schema,
// the gateway's static constraints, and the CertLogic validator. A bad rule
// is reported as a [Problem] and left out, never used.
package rules

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/passcheck/passcheck/certlogic"
)

// Rule types and certificate types, as the gateway writes them.
const (
	Acceptance   = "Acceptance"
	Invalidation = "Invalidation"

	General     = "General"
	Vaccination = "Vaccination"
	Test        = "Test"
	Recovery    = "Recovery"

	// EngineCertLogic is the only Engine this package evaluates.
	EngineCertLogic = "CERTLOGIC"
)

// Description is a rule's description in one language.
type Description struct {
	Lang string // "en", "de", "pt-br"
	Desc string
}

// Rule is one business rule in the gateway's JSON model
// (testdata/business-rules/schemas/validation-rule.schema.json).
type Rule struct {
	Identifier      string // "VR-EU-0001"
	Type            string // Acceptance or Invalidation
	Country         string // the rule's owner: "EU", "DE"
	Region          string // optional; empty for the whole country
	Version         string // semantic version of the rule
	SchemaVersion   string // the DCC schema version the rule was written for
	Engine          string // "CERTLOGIC"
	EngineVersion   string // the CertLogic version the rule needs
	CertificateType string // General, Vaccination, Test or Recovery
	Description     []Description
	ValidFrom       time.Time // the rule is in force from ValidFrom ...
	ValidTo         time.Time // ... to before ValidTo
	AffectedFields  []string
	Logic           any // the CertLogic expression as read

	// Source says where the rule was read from (a file, a CMS envelope in
	// a file).
	Source string

	expr    *certlogic.Expr // nil when the rule cannot be evaluated here
	openWhy string          // why expr is nil
}

// DescriptionIn returns the rule's description in lang, else in English,
// else the first one.
func (r *Rule) DescriptionIn(lang string) string {
	for _, want := range []string{lang, "en"} {
		for _, d := range r.Description {
			if d.Lang == want {
				return d.Desc
			}
		}
	}
	if len(r.Description) > 0 {
		return r.Description[0].Desc
	}
	return ""
}

// Evaluable reports whether this package can evaluate the rule: its Engine
// is CERTLOGIC and its EngineVersion is not newer than [certlogic.Version].
// When it cannot, the reason is returned, and the rule ends open.
func (r *Rule) Evaluable() (bool, string) { return r.expr != nil, r.openWhy }

// Eval evaluates the rule's logic on data, normally
// {"payload": ..., "external": ...}, and returns the raw CertLogic result.
func (r *Rule) Eval(data any) (any, error) {
	if r.expr == nil {
		return nil, &Error{Code: RuleOpen, Rule: r.Identifier, Msg: r.openWhy}
	}
	return r.expr.Eval(data)
}

// ParseRule reads one rule from its JSON tree (as internal/jsonread reads
// JSON, or cbor.DecodeJSON a bundle's CBOR: numbers float64 or int64) and
// checks it: the gateway's schema, the gateway's static constraints
// (the Identifier's prefix and country match the rule; ValidFrom is before
// ValidTo), and, for a CERTLOGIC rule this package can evaluate, the
// CertLogic validator. It returns an [*Error] of code [RuleInvalid] naming
// the first problem.
func ParseRule(v any, lim certlogic.Limits) (*Rule, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Code: RuleInvalid, Msg: "a rule must be a JSON object"}
	}
	id, _ := m["Identifier"].(string)
	for _, k := range []string{"AffectedFields", "Country", "CertificateType", "Description", "Engine", "EngineVersion",
		"Identifier", "Logic", "SchemaVersion", "Type", "ValidFrom", "ValidTo", "Version"} {
		if _, ok := m[k]; !ok {
			return ruleInvalid(id, "missing "+k)
		}
	}
	r := &Rule{Logic: m["Logic"]}
	strs := []struct {
		key string
		dst *string
		ok  func(string) bool
	}{
		{"Identifier", &r.Identifier, matchIdentifier},
		{"Type", &r.Type, func(s string) bool { return s == Acceptance || s == Invalidation }},
		{"Country", &r.Country, matchCountry},
		{"Version", &r.Version, matchSemverPrefix},
		{"SchemaVersion", &r.SchemaVersion, matchSemverPrefix},
		{"Engine", &r.Engine, nil},
		{"EngineVersion", &r.EngineVersion, matchSemverPrefix},
		{"CertificateType", &r.CertificateType, func(s string) bool {
			return s == General || s == Vaccination || s == Test || s == Recovery
		}},
	}
	for _, f := range strs {
		s, ok := m[f.key].(string)
		if !ok {
			return ruleInvalid(id, f.key+" is not a string")
		}
		if f.ok != nil && !f.ok(s) {
			return ruleInvalid(id, quoted(f.key+" ", s, " does not have the form the schema requires"))
		}
		*f.dst = s
	}
	if reg, ok := m["Region"]; ok && reg != nil {
		s, ok := reg.(string)
		if !ok {
			return ruleInvalid(id, "Region is not a string")
		}
		r.Region = s
	}
	descs, ok := m["Description"].([]any)
	if !ok || len(descs) == 0 {
		return ruleInvalid(id, "Description must be a non-empty array")
	}
	english := false
	for _, d := range descs {
		dm, ok := d.(map[string]any)
		lang, ok1 := dm["lang"].(string)
		desc, ok2 := dm["desc"].(string)
		if !ok || !ok1 || !ok2 {
			return ruleInvalid(id, "a Description item must have the strings lang and desc")
		}
		if !matchLang(lang) {
			return ruleInvalid(id, quoted("Description lang ", lang, " does not have the form xx or xx-yy"))
		}
		if utf8.RuneCountInString(desc) < 20 {
			return ruleInvalid(id, quoted("Description desc ", desc, " is shorter than 20 characters"))
		}
		english = english || lang == "en"
		r.Description = append(r.Description, Description{Lang: lang, Desc: desc})
	}
	if !english {
		return ruleInvalid(id, "Description has no English (en) item")
	}
	for _, k := range []string{"ValidFrom", "ValidTo"} {
		s, _ := m[k].(string)
		t, ok := parseTimestamp(s)
		if !ok {
			return ruleInvalid(id, quoted(k+" ", s, " is not a timestamp of the form 2021-06-01T00:00:00Z"))
		}
		if k == "ValidFrom" {
			r.ValidFrom = t
		} else {
			r.ValidTo = t
		}
	}
	fields, ok := m["AffectedFields"].([]any)
	if !ok || len(fields) == 0 {
		return ruleInvalid(id, "AffectedFields must be a non-empty array")
	}
	for _, f := range fields {
		s, ok := f.(string)
		if !ok {
			return ruleInvalid(id, "AffectedFields must hold strings")
		}
		r.AffectedFields = append(r.AffectedFields, s)
	}
	if lm, ok := r.Logic.(map[string]any); !ok || len(lm) == 0 {
		return ruleInvalid(id, "Logic must be a non-empty object")
	}
	// The gateway's constraints (Gateway-constraints.adoc) that do not
	// depend on the upload's time or on earlier versions.
	prefix := r.Identifier[:2]
	if r.Type == Invalidation && prefix != "IR" {
		return ruleInvalid(id, "an Invalidation rule's Identifier must start with IR")
	}
	if r.Type == Acceptance && prefix != acceptancePrefix(r.CertificateType) {
		return ruleInvalid(id, "Identifier "+r.Identifier+" does not start with the prefix of CertificateType "+r.CertificateType)
	}
	if r.Identifier[3:5] != r.Country {
		return ruleInvalid(id, "the country in Identifier "+r.Identifier+" is not Country "+r.Country)
	}
	if !r.ValidFrom.Before(r.ValidTo) {
		return ruleInvalid(id, "ValidFrom is not before ValidTo")
	}
	switch {
	case r.Engine != EngineCertLogic:
		r.openWhy = quoted("engine ", r.Engine, " is not CERTLOGIC")
	case compareVersions(r.EngineVersion, certlogic.Version) > 0:
		r.openWhy = "engine version " + r.EngineVersion + " is newer than the CertLogic " + certlogic.Version + " this verifier implements"
	default:
		e, err := certlogic.Compile(r.Logic, lim)
		if err != nil {
			return nil, &Error{Code: RuleInvalid, Rule: r.Identifier, Msg: "Logic: " + err.Error(), Err: err}
		}
		r.expr = e
	}
	return r, nil
}

// ruleInvalid is ParseRule's answer for a rule that is not valid. It and
// quoted are not inlined: copies at each of ParseRule's many refusals
// made the WebAssembly module larger for nothing.
//
//go:noinline
func ruleInvalid(id, msg string) (*Rule, error) {
	return nil, &Error{Code: RuleInvalid, Rule: id, Msg: msg}
}

// quoted returns before, s quoted as strconv.Quote does, and after.
//
//go:noinline
func quoted(before, s, after string) string { return before + strconv.Quote(s) + after }

// acceptancePrefix is the Identifier prefix of an Acceptance rule of
// certificate type t.
func acceptancePrefix(t string) string {
	switch t {
	case General:
		return "GR"
	case Vaccination:
		return "VR"
	case Test:
		return "TR"
	case Recovery:
		return "RR"
	}
	return ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

// matchIdentifier: ^(GR|VR|TR|RR|IR)-[A-Z]{2}-[0-9]+$. The schema copy in
// testdata writes the number as [1-9]\d*, which refuses every rule the EU
// publishes (GR-EU-0000); rules carry zero-padded numbers, so a leading
// zero is accepted.
func matchIdentifier(s string) bool {
	if len(s) < 7 || s[2] != '-' || s[5] != '-' || !isUpper(s[3]) || !isUpper(s[4]) {
		return false
	}
	switch s[:2] {
	case "GR", "VR", "TR", "RR", "IR":
	default:
		return false
	}
	for i := 6; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func matchCountry(s string) bool { return len(s) == 2 && isUpper(s[0]) && isUpper(s[1]) }

func matchLang(s string) bool {
	switch len(s) {
	case 2:
		return isLower(s[0]) && isLower(s[1])
	case 5:
		return isLower(s[0]) && isLower(s[1]) && s[2] == '-' && isLower(s[3]) && isLower(s[4])
	}
	return false
}

// matchSemverPrefix: ^\d+\.\d+\.\d+ (the schema anchors only the start).
func matchSemverPrefix(s string) bool {
	_, ok := parseVersion(s)
	return ok
}

type version struct {
	n   [3]int
	pre string // after the three numbers, e.g. "-rc.1"
}

func parseVersion(s string) (version, bool) {
	var v version
	i := 0
	for k := 0; k < 3; k++ {
		start := i
		for i < len(s) && isDigit(s[i]) && i-start < 9 {
			i++
		}
		if i == start || (i < len(s) && isDigit(s[i])) {
			return v, false
		}
		v.n[k], _ = strconv.Atoi(s[start:i])
		if k < 2 {
			if i >= len(s) || s[i] != '.' {
				return v, false
			}
			i++
		}
	}
	v.pre = s[i:]
	return v, true
}

// compareVersions compares two semantic versions: -1, 0 or 1. A version
// with a suffix ("1.0.0-rc") comes before the same one without; two
// suffixes compare as strings. An unreadable version comes before all.
func compareVersions(a, b string) int {
	va, oka := parseVersion(a)
	vb, okb := parseVersion(b)
	switch {
	case !oka && !okb:
		return strings.Compare(a, b)
	case !oka:
		return -1
	case !okb:
		return 1
	}
	for k := range va.n {
		if va.n[k] != vb.n[k] {
			if va.n[k] < vb.n[k] {
				return -1
			}
			return 1
		}
	}
	switch {
	case va.pre == vb.pre:
		return 0
	case va.pre == "":
		return 1
	case vb.pre == "":
		return -1
	}
	return strings.Compare(va.pre, vb.pre)
}

// parseTimestamp reads the schema's timestamp pattern
// ^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d([-+][0-2]\d:[0-5]\d|Z)$.
func parseTimestamp(s string) (time.Time, bool) {
	if len(s) != 20 && len(s) != 25 {
		return time.Time{}, false
	}
	if len(s) == 20 && s[19] != 'Z' {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}
