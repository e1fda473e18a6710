package rules_test

import (
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/certlogic"
	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/rules/eu"
)

// applyFixture signs passes with a test DSC of country AT and verifies them
// at a clock, as a verifier does before it applies rules.
type applyFixture struct {
	t   *testing.T
	dsc *issuer.DSC
	set *rules.Set
}

func newApplyFixture(t *testing.T) *applyFixture {
	t.Helper()
	dsc, err := issuer.NewSelfSignedDSC("AT", issuer.DSCOptions{NotBefore: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	set, err := eu.Set()
	if err != nil {
		t.Fatal(err)
	}
	return &applyFixture{t, dsc, set}
}

func (f *applyFixture) verify(payload map[string]any, issued, clock time.Time, corrupt bool) *dcc.Result {
	f.t.Helper()
	text, err := f.dsc.Issue(issuer.PassOptions{Payload: payload, IssuedAt: issued, CorruptSignature: corrupt})
	if err != nil {
		f.t.Fatal(err)
	}
	return dcc.Check(text, dcc.Signers{f.dsc.Signer()}, dcc.Options{Now: clock})
}

func codes(r *dcc.Result) []dcc.Code {
	var out []dcc.Code
	for _, m := range r.Errors {
		out = append(out, m.Code)
	}
	return out
}

func TestApply(t *testing.T) {
	f := newApplyFixture(t)
	clock := time.Date(2021, 6, 3, 12, 0, 0, 0, time.UTC)
	issued := time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)
	test := issuer.SamplePayload(dcc.KindTest) // a NAAT sampled 2021-06-01T10:00Z
	vacc := issuer.SamplePayload(dcc.KindVaccination)
	incomplete := issuer.SamplePayload(dcc.KindVaccination)
	incomplete["v"].([]any)[0].(map[string]any)["dn"] = int64(1)

	for _, tc := range []struct {
		name       string
		payload    map[string]any
		clock      time.Time
		choice     rules.Choice
		corrupt    bool
		set        *rules.Set
		verdict    dcc.Verdict
		codes      []dcc.Code
		nilRules   bool
		results    int // -1: do not check
		failedRule string
	}{
		{name: "valid vaccination", payload: vacc, clock: clock, verdict: dcc.VerdictValid, results: 5},
		{name: "NAAT of 50 h", payload: test, clock: clock, verdict: dcc.VerdictValid, results: -1},
		{name: "NAAT of 74 h", payload: test, clock: clock.Add(24 * time.Hour), verdict: dcc.VerdictInvalid, codes: []dcc.Code{dcc.RuleFailed}, results: -1, failedRule: "TR-EU-0006"},
		{name: "incomplete series", payload: incomplete, clock: clock, verdict: dcc.VerdictInvalid, codes: []dcc.Code{dcc.RuleFailed}, results: 5, failedRule: "VR-EU-0002"},
		{name: "technical check only", payload: incomplete, clock: clock, choice: rules.Choice{Country: "none"}, verdict: dcc.VerdictValid, nilRules: true},
		{name: "not verified: rules not evaluated", payload: incomplete, clock: clock, corrupt: true, verdict: dcc.VerdictInvalid, codes: []dcc.Code{dcc.SignatureInvalid}, results: 0},
		{name: "a country without rules", payload: vacc, clock: clock, choice: rules.Choice{Country: "de"}, verdict: dcc.VerdictCannotCheck, codes: []dcc.Code{dcc.RulesMissing}, results: 0},
		{name: "no rule set at all", payload: vacc, clock: clock, set: &rules.Set{}, verdict: dcc.VerdictCannotCheck, codes: []dcc.Code{dcc.RulesMissing}, results: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.verify(tc.payload, issued, tc.clock, tc.corrupt)
			set := f.set
			if tc.set != nil {
				set = tc.set
			}
			set.Apply(r, tc.choice, tc.clock)
			if r.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s (errors %v)", r.Verdict, tc.verdict, r.Errors)
			}
			got := codes(r)
			if len(got) != len(tc.codes) {
				t.Fatalf("codes %v, want %v", got, tc.codes)
			}
			for i := range got {
				if got[i] != tc.codes[i] {
					t.Errorf("codes %v, want %v", got, tc.codes)
				}
			}
			if tc.nilRules {
				if r.Rules != nil {
					t.Errorf("rules %+v, want nil", r.Rules)
				}
				return
			}
			if r.Rules == nil || r.Rules.Results == nil {
				t.Fatalf("rules %+v, want an outcome with results", r.Rules)
			}
			want := tc.choice.Country
			if want == "" {
				want = "EU"
			}
			if want = strings.ToUpper(want); r.Rules.Country != want {
				t.Errorf("country %q, want %q", r.Rules.Country, want)
			}
			if tc.results >= 0 && len(r.Rules.Results) != tc.results {
				t.Errorf("%d results, want %d: %+v", len(r.Rules.Results), tc.results, r.Rules.Results)
			}
			for _, res := range r.Rules.Results {
				if (res.Result == "failed") != (res.ID == tc.failedRule) {
					t.Errorf("%s: %s", res.ID, res.Result)
				}
				if res.Description == "" || len(res.Descriptions) == 0 || len(res.AffectedFields) == 0 {
					t.Errorf("%s: incomplete %+v", res.ID, res)
				}
			}
			if tc.failedRule != "" && r.Errors[0].Message == "" {
				t.Error("RULE_FAILED without the rule's description")
			}
		})
	}
}

// An open rule is amber; beside a failed one, red.
func TestApplyOpen(t *testing.T) {
	f := newApplyFixture(t)
	clock := time.Date(2021, 6, 3, 12, 0, 0, 0, time.UTC)
	newer := func(id string) *rules.Rule {
		t.Helper()
		for _, r := range f.set.Rules {
			if r.Identifier == id {
				tree := r.Tree()
				tree["EngineVersion"] = "9.0.0"
				nr, err := rules.ParseRule(tree, certlogic.DefaultLimits)
				if err != nil {
					t.Fatal(err)
				}
				return nr
			}
		}
		t.Fatalf("no rule %s", id)
		return nil
	}
	var others []*rules.Rule
	for _, r := range f.set.Rules {
		if r.Identifier != "GR-EU-0000" {
			others = append(others, r)
		}
	}
	set := &rules.Set{Rules: append(others, newer("GR-EU-0000")), ValueSets: f.set.ValueSets}
	r := f.verify(issuer.SamplePayload(dcc.KindVaccination), clock.Add(-time.Hour), clock, false)
	set.Apply(r, rules.Choice{}, clock)
	if r.Verdict != dcc.VerdictCannotCheck || len(r.Errors) != 1 || r.Errors[0].Code != dcc.RuleOpen {
		t.Errorf("open rule: %s %v", r.Verdict, r.Errors)
	}
	incomplete := issuer.SamplePayload(dcc.KindVaccination)
	incomplete["v"].([]any)[0].(map[string]any)["dn"] = int64(1)
	r = f.verify(incomplete, clock.Add(-time.Hour), clock, false)
	set.Apply(r, rules.Choice{}, clock)
	if r.Verdict != dcc.VerdictInvalid || len(r.Errors) != 2 {
		t.Errorf("open and failed rule: %s %v", r.Verdict, r.Errors)
	}
}

func TestChoiceNormalize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{{"", "EU", true}, {"eu", "EU", true}, {"NONE", "none", true}, {"nOnE", "none", true}, {" de ", "DE", true}, {"DEU", "DEU", false}, {"1A", "1A", false},
		{"ſe", "SE", true}, {"ıt", "IT", true}, {"nonE\u212a", "NONE\u212a", false}} {
		c, ok := rules.Choice{Country: tc.in}.Normalize()
		if c.Country != tc.want || ok != tc.ok {
			t.Errorf("%q: %q %v, want %q %v", tc.in, c.Country, ok, tc.want, tc.ok)
		}
	}
}

// TestChoiceNormalizeStrings holds Normalize, which avoids the strings
// package's Unicode case mapping, to strings.EqualFold and strings.ToUpper
// on every input that can be a rule country, and on the letters whose case
// mapping is special.
func TestChoiceNormalizeStrings(t *testing.T) {
	var ins []string
	runes := []rune{'a', 'z', 'A', 'Z', 'n', 'o', 'e', 'N', 'O', 'E', 'k', 's', 'i', 'ı', 'ſ', 'İ', 'K', 'ß', 'é', 'ǅ', '1', '-', 0xFFFD}
	for _, a := range runes {
		for _, b := range runes {
			ins = append(ins, string([]rune{a, b}))
		}
	}
	for a := 'a'; a <= 'z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			ins = append(ins, string([]rune{a, b}), string([]rune{b, a}))
		}
	}
	ins = append(ins, "none", "NONE", "noNe", "nonſ", "\xffe", "d\xc3")
	for _, in := range ins {
		c, ok := rules.Choice{Country: in}.Normalize()
		if strings.EqualFold(in, rules.None) {
			if c.Country != rules.None || !ok {
				t.Errorf("%q: %q %v, want none", in, c.Country, ok)
			}
			continue
		}
		want := strings.ToUpper(in)
		wantOK := len(want) == 2 && want[0] >= 'A' && want[0] <= 'Z' && want[1] >= 'A' && want[1] <= 'Z'
		if ok != wantOK || (ok && c.Country != want) {
			t.Errorf("%q: %q %v, want %q %v", in, c.Country, ok, want, wantOK)
		}
	}
}
