package rules

import (
	"time"

	"github.com/passcheck/passcheck/certlogic"
	"github.com/passcheck/passcheck/internal/rfc3339"
)

// External holds the external parameters a rule sees under "external".
type External struct {
	ValidationClock   time.Time
	ValueSets         ValueSets
	CountryCode       string    // the rule country (country of arrival)
	Region            string    // optional
	Exp, Iat          time.Time // the pass's CWT times; omitted when zero
	IssuerCountryCode string
	Kid               string // the pass's key identifier, base64
}

// Tree returns x as the JSON-shaped object rules read: validationClock,
// exp and iat as RFC 3339 in UTC.
func (x External) Tree() map[string]any {
	vs := make(map[string]any, len(x.ValueSets))
	for id, codes := range x.ValueSets {
		vs[id] = codes
	}
	var exp, iat string
	if !x.Exp.IsZero() {
		exp = rfc3339.Format(x.Exp)
	}
	if !x.Iat.IsZero() {
		iat = rfc3339.Format(x.Iat)
	}
	m := map[string]any{"valueSets": vs}
	// From a table, in one loop: one map assignment in the code instead
	// of one per field (the WebAssembly module is smaller).
	for _, f := range [...]struct {
		key, value string
		always     bool // else only when not empty
	}{
		{"validationClock", certlogic.DateTime{UnixMilli: x.ValidationClock.UnixMilli()}.String(), true},
		{"countryCode", x.CountryCode, true},
		{"issuerCountryCode", x.IssuerCountryCode, true},
		{"kid", x.Kid, true},
		{"region", x.Region, false},
		{"exp", exp, false},
		{"iat", iat, false},
	} {
		if f.always || f.value != "" {
			m[f.key] = f.value
		}
	}
	return m
}

// Status is how one rule ended.
type Status string

const (
	Passed Status = "passed" // the rule's result was true
	Failed Status = "failed" // the rule's result was false
	Open   Status = "open"   // the rule could not be evaluated
)

// Outcome is one rule's result on one pass.
type Outcome struct {
	Rule   *Rule
	Status Status
	// Why says why the rule is open (engine, versions, an evaluation error,
	// a result that is not a boolean); empty otherwise.
	Why string
}

// Evaluate evaluates each rule on {"payload": payload, "external": x}.
// payload is the verified DCC payload as a JSON-shaped tree (what
// dcc.Result.Certificate holds). A rule is evaluated only when its Engine
// is CERTLOGIC, its EngineVersion is not newer than [certlogic.Version],
// and the payload's ver has the major version of the rule's SchemaVersion
// and is not older; otherwise, or when evaluation fails or gives something
// other than a boolean, the rule is open. No rule is skipped.
func Evaluate(rules []*Rule, payload any, x External) []Outcome {
	data := map[string]any{"payload": payload, "external": x.Tree()}
	pm, _ := payload.(map[string]any)
	ver, _ := pm["ver"].(string)
	out := make([]Outcome, len(rules))
	for i, r := range rules {
		out[i] = Outcome{Rule: r}
		if ok, why := r.Evaluable(); !ok {
			out[i].Status, out[i].Why = Open, why
			continue
		}
		if why := schemaMismatch(ver, r.SchemaVersion); why != "" {
			out[i].Status, out[i].Why = Open, why
			continue
		}
		res, err := r.Eval(data)
		switch {
		case err != nil:
			out[i].Status, out[i].Why = Open, err.Error()
		case res == true:
			out[i].Status = Passed
		case res == false:
			out[i].Status = Failed
		default:
			out[i].Status, out[i].Why = Open, "the rule's result is not a boolean"
		}
	}
	return out
}

// schemaMismatch says why a pass of schema version ver cannot be checked
// by a rule written for schema version rule, or "" when it can.
func schemaMismatch(ver, rule string) string {
	pv, ok1 := parseVersion(ver)
	rv, ok2 := parseVersion(rule)
	switch {
	case !ok1:
		return "the pass's schema version " + quote(ver) + " is not readable"
	case !ok2:
		return "the rule's SchemaVersion " + quote(rule) + " is not readable"
	case pv.n[0] != rv.n[0]:
		return "the pass's schema version " + ver + " has another major version than the rule's " + rule
	case compareVersions(ver, rule) < 0:
		return "the pass's schema version " + ver + " is older than the rule's " + rule
	}
	return ""
}

func quote(s string) string { return "\"" + s + "\"" }
