package rules

import (
	"sort"
	"time"
)

// Selection says which rules apply to a pass, as the EU's validation
// process chooses them.
type Selection struct {
	// Country is the rule country the verifier is set to (the country of
	// arrival). Empty or "EU" chooses the EU set. A country's rules replace
	// the EU set.
	Country string
	// Region narrows Country's acceptance rules: a rule applies when its
	// Region is empty or equals this one.
	Region string
	// IssuerCountry is the pass's issuing country (the CWT iss, else the
	// signer's country); its Invalidation rules apply.
	IssuerCountry string
	// Kinds are the certificate types the pass holds (Vaccination, Test,
	// Recovery); rules of these types and General rules apply.
	Kinds []string
	// Clock is the validation clock: a rule applies when ValidFrom ≤ Clock
	// < ValidTo.
	Clock time.Time
}

// ruleCountry returns the country whose acceptance rules apply.
func (s Selection) ruleCountry() string {
	if s.Country == "" {
		return "EU"
	}
	return s.Country
}

// Select returns the rules of all that apply under s: the Acceptance rules
// of the chosen country (and region), and the Invalidation rules of the
// issuing country; for each Identifier only the highest Version in force
// at the clock; only those of CertificateType General or one of the pass's
// kinds. Acceptance rules come first, then each group by Identifier.
//
// When the chosen country has no Acceptance rule in force at the clock
// (for any certificate type), Select returns an [*Error] of code
// [RulesMissing]: the pass cannot be checked against that country's rules.
// Rules that this package cannot evaluate are selected all the same;
// [Evaluate] reports them open.
func Select(all []*Rule, s Selection) ([]*Rule, error) {
	country := s.ruleCountry()
	best := map[string]*Rule{}
	inForce := false
	for _, r := range all {
		switch {
		case r.Type == Acceptance && r.Country == country && (r.Region == "" || r.Region == s.Region):
		case r.Type == Invalidation && r.Country == s.IssuerCountry && s.IssuerCountry != "":
		default:
			continue
		}
		if s.Clock.Before(r.ValidFrom) || !s.Clock.Before(r.ValidTo) {
			continue
		}
		if r.Type == Acceptance {
			inForce = true
		}
		key := r.Type + "\x00" + r.Country + "\x00" + r.Identifier
		if b, ok := best[key]; !ok || compareVersions(r.Version, b.Version) > 0 {
			best[key] = r
		}
	}
	if !inForce {
		return nil, &Error{Code: RulesMissing, Msg: "no acceptance rule of " + country + " is in force at " + s.Clock.UTC().Format(time.RFC3339)}
	}
	out := make([]*Rule, 0, len(best))
	for _, r := range best {
		if r.CertificateType == General || contains(s.Kinds, r.CertificateType) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type == Acceptance
		}
		return out[i].Identifier < out[j].Identifier
	})
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Kinds returns the certificate types a DCC payload holds: Vaccination for
// a non-empty "v", Test for "t", Recovery for "r".
func Kinds(payload any) []string {
	m, _ := payload.(map[string]any)
	var out []string
	for _, k := range []struct{ key, kind string }{{"v", Vaccination}, {"t", Test}, {"r", Recovery}} {
		if list, ok := m[k.key].([]any); ok && len(list) > 0 {
			out = append(out, k.kind)
		}
	}
	return out
}
