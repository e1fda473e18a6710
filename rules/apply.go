package rules

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/passcheck/passcheck/dcc"
)

// None is the rule country that means "technical check only": no business
// rule is evaluated, and a Result's Rules stays nil. The same word is used
// by the command line (--country none), the pages, the kiosk and the widget.
const None = "none"

// EU is the rule country of the EU baseline rules, which apply when no
// country is chosen.
const EU = "EU"

// Set is a rule set with its value sets, as a trust bundle or a rule
// source delivers them: what [Set.Apply] evaluates.
type Set struct {
	Rules     []*Rule
	ValueSets ValueSets
}

// Countries returns the countries that have Acceptance rules in s, sorted.
func (s *Set) Countries() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range s.Rules {
		if r.Type == Acceptance && !seen[r.Country] {
			seen[r.Country] = true
			out = append(out, r.Country)
		}
	}
	sort.Strings(out)
	return out
}

// Choice is the rule country and region a verifier is set to.
type Choice struct {
	// Country is the rule country (country of arrival): "" or [EU] for the
	// EU baseline, [None] for technical checks only, else a member state's
	// two-letter code.
	Country string
	// Region narrows Country's Acceptance rules (see [Selection]).
	Region string
}

// Normalize returns c with Country in capitals ("" becomes [EU]) and None
// in lower case; Region is trimmed. It reports whether Country is a
// possible rule country: EU, none, or two letters. (Letters other than
// a-z, ı and ſ keep their case: no rule country has them.)
func (c Choice) Normalize() (Choice, bool) {
	c.Country = strings.TrimSpace(c.Country)
	c.Region = strings.TrimSpace(c.Region)
	switch {
	case c.Country == "":
		c.Country = EU
	case isNone(c.Country):
		return Choice{Country: None}, true
	}
	c.Country = upper(c.Country)
	return c, matchCountry(c.Country)
}

// isNone is strings.EqualFold(s, None): no letter but N, O and E folds to
// n, o or e. upper puts s in capitals as strings.ToUpper does wherever that
// can make a rule country: a-z, and ı and ſ, the only other letters whose
// capital is ASCII (I, S); other runes are kept (invalid UTF-8 becomes
// U+FFFD, as there). Both stand in for the strings functions, whose
// Unicode case tables made 8 KB brotli of the WebAssembly module (make
// wasm-size); TestChoiceNormalize holds them to the strings functions.
func isNone(s string) bool {
	return len(s) == len(None) && s[0]|0x20 == 'n' && s[1]|0x20 == 'o' && s[2]|0x20 == 'n' && s[3]|0x20 == 'e'
}

func upper(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		case r == 'ı':
			r = 'I'
		case r == 'ſ':
			r = 'S'
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// Apply evaluates the business rules of s that apply to the pass of r at
// the validation clock, under choice, and writes the outcome into r:
//
//   - choice None: r.Rules stays nil (technical check only);
//   - otherwise r.Rules is {country, region, results}. Rules are evaluated
//     on verified data only: when r's verdict is not valid (a technical
//     check failed, or the pass cannot be checked), results stays empty.
//   - Each failed rule adds a [dcc.RuleFailed] error whose message is the
//     rule's English description; each open rule a [dcc.RuleOpen] error
//     naming the rule and why; a chosen country with no rule in force a
//     [dcc.RulesMissing] error. [dcc.Result.AddError] decides the verdict
//     again: a failed rule is red, also beside an open one.
//
// The rules that apply are chosen by [Select]: the chosen country's
// Acceptance rules (its region's too) and the Invalidation rules of the
// pass's issuing country (the CWT iss, else the signer's country). A nil s
// holds no rule: any choice but None then gives RulesMissing.
func (s *Set) Apply(r *dcc.Result, choice Choice, clock time.Time) {
	choice, _ = choice.Normalize()
	if choice.Country == None {
		r.Rules = nil
		return
	}
	r.Rules = &dcc.RulesOutcome{Country: choice.Country, Region: choice.Region, Results: []dcc.RuleResult{}}
	if r.Verdict != dcc.VerdictValid || r.Signer == nil {
		return
	}
	var all []*Rule
	var vs ValueSets
	if s != nil {
		all, vs = s.Rules, s.ValueSets
	}
	issuer := r.Issuer
	if issuer == "" {
		issuer = r.Signer.Country
	}
	chosen, err := Select(all, Selection{
		Country:       choice.Country,
		Region:        choice.Region,
		IssuerCountry: issuer,
		Kinds:         Kinds(r.Certificate),
		Clock:         clock,
	})
	if err != nil {
		r.AddError(dcc.Message{Code: dcc.RulesMissing, Message: err.(*Error).Msg})
		return
	}
	x := External{
		ValidationClock:   clock,
		ValueSets:         vs,
		CountryCode:       choice.Country,
		Region:            choice.Region,
		IssuerCountryCode: issuer,
		Kid:               r.KID,
	}
	x.Exp, _ = time.Parse(time.RFC3339, r.ExpiresAt)
	x.Iat, _ = time.Parse(time.RFC3339, r.IssuedAt)
	for _, o := range Evaluate(chosen, r.Certificate, x) {
		rule := o.Rule
		res := dcc.RuleResult{
			ID:              rule.Identifier,
			Version:         rule.Version,
			Type:            rule.Type,
			Country:         rule.Country,
			CertificateType: rule.CertificateType,
			Result:          string(o.Status),
			Description:     rule.DescriptionIn("en"),
			Descriptions:    make([]dcc.RuleDescription, len(rule.Description)),
			AffectedFields:  append([]string{}, rule.AffectedFields...),
		}
		for i, d := range rule.Description {
			res.Descriptions[i] = dcc.RuleDescription{Lang: d.Lang, Desc: d.Desc}
		}
		r.Rules.Results = append(r.Rules.Results, res)
		switch o.Status {
		case Failed:
			r.AddError(dcc.Message{Code: dcc.RuleFailed, Message: res.Description})
		case Open:
			r.AddError(dcc.Message{Code: dcc.RuleOpen, Message: "could not check rule " + rule.Identifier + " " + rule.Version + ": " + o.Why})
		}
	}
}
