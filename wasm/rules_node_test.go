//go:build !js

package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/jsonread"
	"github.com/passcheck/passcheck/internal/testkit/certsource"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/rules/eu"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// ruleFolders are the public rule sets with tests: the EU's, and the demo
// country's.
var ruleFolders = []string{"../testdata/business-rules/EU", "../tools/passcheck/demorules/XX"}

type ruleTestCase struct {
	Name string `json:"name"`
	Rule string `json:"rule"`
	Data string `json:"data"`
}

// TestNodeRuleParity evaluates every public rule test in the module under
// Node (evalRule) and natively, and compares both with the expected result.
func TestNodeRuleParity(t *testing.T) {
	m := buildModule(t)
	pub := newPublisher(t)
	var cases []ruleTestCase
	want := map[string]any{}
	expected := map[string]any{}
	for _, folder := range ruleFolders {
		dirs, _ := filepath.Glob(filepath.Join(folder, "*", "rule.json"))
		if len(dirs) == 0 {
			t.Fatalf("no rules in %s", folder)
		}
		for _, ruleFile := range dirs {
			ruleText, err := os.ReadFile(ruleFile)
			if err != nil {
				t.Fatal(err)
			}
			loaded := rules.ParseRules(ruleFile, ruleText)
			if len(loaded.Rules) != 1 {
				t.Fatalf("%s: %v", ruleFile, loaded.Problems)
			}
			tests, _ := filepath.Glob(filepath.Join(filepath.Dir(ruleFile), "tests", "*.json"))
			for _, tf := range tests {
				raw, err := os.ReadFile(tf)
				if err != nil {
					t.Fatal(err)
				}
				var test struct {
					Payload, External json.RawMessage
					Expected          any
				}
				if err := json.Unmarshal(raw, &test); err != nil {
					t.Fatalf("%s: %v", tf, err)
				}
				data := `{"payload":` + string(test.Payload) + `,"external":` + string(test.External) + `}`
				tree, err := jsonread.Read([]byte(data), jsonread.Limits{MaxBytes: 1 << 20})
				if err != nil {
					t.Fatalf("%s: %v", tf, err)
				}
				res, err := loaded.Rules[0].Eval(tree)
				native := map[string]any{"result": res, "error": ""}
				if err != nil {
					native = map[string]any{"result": nil, "error": err.Error()}
				}
				name := strings.TrimPrefix(tf, "../")
				cases = append(cases, ruleTestCase{Name: name, Rule: string(ruleText), Data: data})
				want[name] = jsonTree(t, native)
				expected[name] = test.Expected
			}
		}
	}
	if len(cases) < 50 {
		t.Fatalf("only %d rule tests found", len(cases))
	}
	bundle := pub.bundle(t, []*x509.Certificate{fillerCert(t)}, 1, time.Now(), time.Hour)
	var got map[string]any
	runNode(t, m, map[string]any{"mode": "ruleeval", "groups": []nodeGroup{{Bundle: b64(bundle), Keys: pub.pem}}, "ruleTests": cases}, &got)
	for name, w := range want {
		if !reflect.DeepEqual(got[name], w) {
			t.Errorf("%s: module %v, native %v", name, got[name], w)
		}
		if r := w.(map[string]any)["result"]; r != expected[name] {
			t.Errorf("%s: native %v, expected %v", name, r, expected[name])
		}
	}
	t.Logf("%d rule tests equal in the module and natively", len(want))
}

// TestNodeEvalRuleHostile: evalRule, which reads its JSON with
// JSON.parse, ends bad, deep and large input with an error naming the
// argument, and still evaluates a good rule afterwards.
func TestNodeEvalRuleHostile(t *testing.T) {
	m := buildModule(t)
	pub := newPublisher(t)
	rule, err := os.ReadFile("../testdata/business-rules/EU/VR-EU-0000/rule.json")
	if err != nil {
		t.Fatal(err)
	}
	data := `{"payload":{"v":[{"tg":"840539006","mp":"EU/1/20/1528","dn":2,"sd":2}]},"external":{"valueSets":{"disease-agent-targeted":["840539006"]}}}`
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	cases := []ruleTestCase{
		{Name: "rule not JSON", Rule: "{", Data: data},
		{Name: "rule nested 100,000 deep", Rule: deep(100_000), Data: data},
		{Name: "rule nested 73 deep", Rule: deep(73), Data: data},
		{Name: "rule not an object", Rule: "[]", Data: data},
		{Name: "rule with a bad logic", Rule: strings.Replace(string(rule), `"Logic": {`, `"Logic": {"eval": [1], "x": {`, 1) + "}", Data: data},
		{Name: "data not JSON", Rule: string(rule), Data: `{"payload":`},
		{Name: "data nested 129 deep", Rule: string(rule), Data: `{"payload":` + deep(128) + `}`},
		{Name: "data of 1 MiB and 1", Rule: string(rule), Data: `"` + strings.Repeat("a", 1<<20-1) + `"`},
		{Name: "data of 500,000 values", Rule: string(rule), Data: `{"payload":[` + strings.Repeat("0,", 499_999) + `0]}`},
		{Name: "good", Rule: string(rule), Data: data},
		{Name: "repeated key, the last kept", Rule: string(rule), Data: `{"payload":{"v":[1,2]},` + data[1:]},
	}
	want := map[string]string{
		"rule not JSON":               "rule: ",
		"rule nested 100,000 deep":    "rule: nested deeper than 72",
		"rule nested 73 deep":         "rule: nested deeper than 72",
		"rule not an object":          "RULE_INVALID",
		"rule with a bad logic":       "RULE_INVALID",
		"data not JSON":               "data: ",
		"data nested 129 deep":        "data: nested deeper than 128",
		"data of 1 MiB and 1":         "at most 1 MiB",
		"data of 500,000 values":      "",
		"good":                        "",
		"repeated key, the last kept": "",
	}
	var got map[string]map[string]any
	bundle := pub.bundle(t, []*x509.Certificate{fillerCert(t)}, 1, time.Now(), time.Hour)
	runNode(t, m, map[string]any{"mode": "ruleeval", "groups": []nodeGroup{{Bundle: b64(bundle), Keys: pub.pem}}, "ruleTests": cases}, &got)
	for _, c := range cases {
		g, w := got[c.Name], want[c.Name]
		msg, _ := g["error"].(string)
		switch {
		case g == nil:
			t.Errorf("%s: no answer", c.Name)
		case w == "" && msg != "":
			t.Errorf("%s: error %q", c.Name, msg)
		case w != "" && !strings.Contains(msg, w):
			t.Errorf("%s: error %q, want one with %q", c.Name, msg, w)
		case w != "" && g["result"] != nil:
			t.Errorf("%s: result %v beside the error", c.Name, g["result"])
		}
	}
	if got["good"]["result"] != true || got["repeated key, the last kept"]["result"] != true {
		t.Errorf("the good rule: %v; with a repeated key: %v", got["good"], got["repeated key, the last kept"])
	}
}

// TestNodeRules verifies passes through the module (both paths) with a
// trust list carrying rules, under each rule choice, and compares every
// Result, its rules field included, with the native one (dcc.Check, then
// rules.Set.Apply); and a list without rules.
func TestNodeRules(t *testing.T) {
	m := buildModule(t)
	pub := newPublisher(t)
	now := time.Now().UTC()
	dsc := rulesSigner(t, now)
	issue := func(mod func(map[string]any), corrupt bool) string {
		p := issuer.SamplePayload(dcc.KindVaccination)
		mod(p)
		s, err := dsc.Issue(issuer.PassOptions{Payload: p, IssuedAt: now.Add(-time.Hour), CorruptSignature: corrupt})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	vacc := func(dn int64, daysAgo int) func(map[string]any) {
		return func(p map[string]any) {
			e := p["v"].([]any)[0].(map[string]any)
			e["dn"], e["dt"] = dn, now.AddDate(0, 0, -daysAgo).Format("2006-01-02")
		}
	}
	test := func(hoursAgo int) func(map[string]any) {
		return func(p map[string]any) {
			delete(p, "v")
			p["t"] = issuer.SamplePayload(dcc.KindTest)["t"]
			p["t"].([]any)[0].(map[string]any)["sc"] = now.Add(-time.Duration(hoursAgo) * time.Hour).Format(time.RFC3339)
		}
	}
	at := now.UnixMilli()
	cases := []nodeCase{
		{Name: "vaccinated 60 days ago", Text: issue(vacc(2, 60), false), At: at},
		{Name: "vaccinated 5 days ago", Text: issue(vacc(2, 5), false), At: at},
		{Name: "dose 1 of 2", Text: issue(vacc(1, 60), false), At: at},
		{Name: "test of 10 h", Text: issue(test(10), false), At: at},
		{Name: "test of 30 h", Text: issue(test(30), false), At: at},
		{Name: "test of 80 h", Text: issue(test(80), false), At: at},
		{Name: "tampered", Text: issue(vacc(1, 60), true), At: at},
	}
	certs := []*x509.Certificate{fillerCert(t), dsc.Cert}
	withRules, nRules := rulesBundle(t, pub, certs, now)
	type group struct {
		nodeGroup
		Name    string           `json:"name"`
		Choices []map[string]any `json:"choices"`
	}
	groups := []group{
		{nodeGroup{Bundle: b64(withRules), Keys: pub.pem, Revocations: pub.noneRevoked(t), Cases: cases}, "with rules", []map[string]any{
			nil, {"country": "EU"}, {"country": "none"}, {"country": "xx"}, {"country": "XX", "region": "R2"}, {"country": "DE"}, {"country": "Germany"}, {"country": ""},
		}},
		{nodeGroup{Bundle: b64(pub.bundle(t, certs, 2, now, time.Hour)), Keys: pub.pem, Revocations: pub.noneRevoked(t), Cases: cases}, "without rules", []map[string]any{
			nil, {"country": "EU"}, {"country": "none"},
		}},
	}
	want := map[string]any{}
	verdicts := map[string]dcc.Verdict{}
	for _, g := range groups {
		list := pub.list(t, mustDecode(t, g.Bundle))
		set, _, err := rules.ReadList(list)
		if err != nil {
			t.Fatal(err)
		}
		s := &session{list: list}
		choice := rules.Choice{}
		for _, c := range g.Choices {
			key := g.Name + "/" + string(mustJSON(t, c)) + "/"
			if c != nil {
				country, _ := c["country"].(string)
				region, _ := c["region"].(string)
				if s.setRules(country, region) {
					choice = s.rules.choice
				}
			}
			if rc, _, _ := list.RuleSources(); rc == nil && choice.Country == "" {
				set = nil
			}
			eff := choice
			if eff.Country == "" {
				eff.Country = "EU"
				if set == nil {
					eff.Country = "none"
				}
			}
			for _, pc := range g.Cases {
				r := dcc.Check(pc.Text, list, dcc.Options{Now: time.UnixMilli(pc.At)})
				set.Apply(r, eff, time.UnixMilli(pc.At))
				want[key+pc.Name] = jsonTree(t, r)
				verdicts[key+pc.Name] = r.Verdict
			}
		}
	}
	var got map[string]any
	runNode(t, m, map[string]any{"mode": "rules", "groups": groups}, &got)
	for name, w := range want {
		g, _ := got[name].(map[string]any)
		if !reflect.DeepEqual(g["pure"], w) {
			t.Errorf("%s: pure-Go WebAssembly differs from native\n got %v\nwant %v", name, g["pure"], w)
		}
		if !reflect.DeepEqual(g["fast"], w) {
			t.Errorf("%s: WebCrypto path differs from native\n got %v\nwant %v", name, g["fast"], w)
		}
	}
	// What the verdicts must be, whatever both sides agree on.
	for name, v := range map[string]dcc.Verdict{
		`with rules/null/vaccinated 60 days ago`:                           dcc.VerdictValid,
		`with rules/null/dose 1 of 2`:                                      dcc.VerdictInvalid,
		`with rules/null/test of 80 h`:                                     dcc.VerdictInvalid,
		`with rules/null/test of 30 h`:                                     dcc.VerdictValid,
		`with rules/{"country":"none"}/dose 1 of 2`:                        dcc.VerdictValid,
		`with rules/{"country":"xx"}/test of 30 h`:                         dcc.VerdictInvalid,
		`with rules/{"country":"xx"}/vaccinated 5 days ago`:                dcc.VerdictInvalid,
		`with rules/{"country":"XX","region":"R2"}/vaccinated 60 days ago`: dcc.VerdictCannotCheck,
		`with rules/{"country":"XX","region":"R2"}/dose 1 of 2`:            dcc.VerdictInvalid,
		`with rules/{"country":"DE"}/vaccinated 60 days ago`:               dcc.VerdictCannotCheck,
		`with rules/{"country":"Germany"}/vaccinated 60 days ago`:          dcc.VerdictCannotCheck, // refused: DE stays
		`with rules/{"country":""}/dose 1 of 2`:                            dcc.VerdictInvalid,
		`without rules/null/dose 1 of 2`:                                   dcc.VerdictValid,
		`without rules/{"country":"EU"}/vaccinated 60 days ago`:            dcc.VerdictCannotCheck,
		`with rules/null/tampered`:                                         dcc.VerdictInvalid,
	} {
		if verdicts[name] != v {
			t.Errorf("%s: verdict %s, want %s", name, verdicts[name], v)
		}
	}
	st, _ := got[`with rules/{"country":"Germany"}/status`].(map[string]any)
	if st["ok"] != false || st["country"] != "DE" {
		t.Errorf("a refused choice: status %v", st)
	}
	st, _ = got[`with rules/null/status`].(map[string]any)
	if st["country"] != "EU" || st["chosen"] != false || st["rules"] != float64(nRules) || !reflect.DeepEqual(st["countries"], []any{"EU", "XX"}) {
		t.Errorf("default status %v", st)
	}
	st, _ = got[`without rules/null/status`].(map[string]any)
	if st["country"] != "none" {
		t.Errorf("without rules: status %v", st)
	}
}

// rulesSigner makes an Austrian signer, valid a year either side of now,
// for the passes of the rule tests.
func rulesSigner(t testing.TB, now time.Time) *issuer.DSC {
	t.Helper()
	ca, err := issuer.NewCSCA("AT", issuer.EC, now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	dsc, err := ca.NewDSC(issuer.DSCOptions{NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return dsc
}

// rulesBundle builds a trust list of certs, sequence 1, valid an hour from
// now and signed by pub, that carries the EU rules and value sets and the
// demo's Demoland (XX) rules; it returns the bundle and its number of rules.
func rulesBundle(t testing.TB, pub publisher, certs []*x509.Certificate, now time.Time) ([]byte, int) {
	t.Helper()
	loaded, err := eu.Rules()
	if err != nil {
		t.Fatal(err)
	}
	demo, err := rules.LoadRules("../tools/passcheck/demorules")
	if err != nil || len(demo.Problems) > 0 {
		t.Fatal(err, demo.Problems)
	}
	loaded.Rules = append(loaded.Rules, demo.Rules...)
	vs, err := eu.ValueSets()
	if err != nil {
		t.Fatal(err)
	}
	bundle, _, err := publish.Build(context.Background(), publish.Options{
		Sources: []publish.Source{certsource.Certs(certs)}, Key: pub.key, Sequence: 1, Now: now, ValidFor: time.Hour,
		Rules: &publish.RuleSet{Loaded: loaded, ValueSets: vs},
	})
	if err != nil {
		t.Fatal(err)
	}
	return bundle, len(loaded.Rules)
}

func mustDecode(t testing.TB, s string) []byte {
	t.Helper()
	var b []byte
	if err := json.Unmarshal([]byte(`"`+s+`"`), &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A list that carries rules only in the retired JSON form of keys 7 and 6
// (builds before the rules went into CBOR) is not taken for a list without
// rules: the default choice is still the EU baseline, which is then
// missing (amber), never technical checks only.
func TestRetiredRuleKeys(t *testing.T) {
	pub := newPublisher(t)
	now := time.Now()
	rule, err := os.ReadFile("../testdata/business-rules/EU/VR-EU-0000/rule.json")
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := publish.Sign(pub.key, map[uint64]any{
		1: 1, 2: 1, 3: now.Add(-time.Hour).Unix(), 4: now.Add(time.Hour).Unix(), 5: []any{},
		6: `{"covid-19-lab-result":["260415000"]}`, 7: []string{string(rule)},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &session{list: pub.list(t, bundle)}
	if set := s.ruleSet(); set == nil || len(set.Rules) != 0 || s.rules.err == nil {
		t.Fatalf("rules of the retired keys: %+v, %v", set, s.rules.err)
	}
	var re *rules.Error
	if !errors.Is(s.rules.err, trustlist.ErrRetiredRules) || !errors.As(s.rules.err, &re) || re.Code != rules.SourceInvalid {
		t.Errorf("rules of the retired keys: %v, want %s wrapping trustlist.ErrRetiredRules", s.rules.err, rules.SourceInvalid)
	}
	if c := s.effectiveChoice(); c.Country != rules.EU {
		t.Errorf("default choice %q, want EU", c.Country)
	}
	r := &dcc.Result{Valid: true, Verdict: dcc.VerdictValid, Signer: &dcc.SignerInfo{Country: "AT"}, Errors: []dcc.Message{}, Warnings: []dcc.Message{}}
	s.applyRules(r, now)
	if r.Verdict != dcc.VerdictCannotCheck || len(r.Errors) != 1 || r.Errors[0].Code != dcc.RulesMissing {
		t.Errorf("a valid pass under the retired keys: %s %v", r.Verdict, r.Errors)
	}
	// The rules status says why, for the page and its operator.
	var st struct{ Unreadable string }
	if err := json.Unmarshal(appendRulesStatus(nil, s, true, ""), &st); err != nil || st.Unreadable != s.rules.err.Error() {
		t.Errorf("rules status: unreadable %q, %v; want %q", st.Unreadable, err, s.rules.err)
	}
}
