package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/passcheck/passcheck/internal/testkit/oldreader"
	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/rules/eu"
)

// A bundle carries the rules and value sets it was built with; a bad rule
// is reported and left out; the deployed reader (before rules) loads the
// bundle all the same.
func TestBuildRules(t *testing.T) {
	p := loadPKI(t)
	dir := t.TempDir()
	loaded, err := eu.Rules()
	if err != nil {
		t.Fatal(err)
	}
	bad := writeFile(t, filepath.Join(dir, "bad", "rule.json"), []byte(`{"Identifier":"VR-EU-0099","Type":"Acceptance","Country":"EU","Version":"1.0.0",
		"SchemaVersion":"1.0.0","Engine":"CERTLOGIC","EngineVersion":"0.7.5","CertificateType":"Vaccination",
		"Description":[{"lang":"en","desc":"An operator that CertLogic does not have."}],"ValidFrom":"2021-06-01T00:00:00Z",
		"ValidTo":"2030-06-01T00:00:00Z","AffectedFields":["v.0.dn"],"Logic":{"eval":["x"]}}`))
	extra := rules.ParseRules(bad, mustRead(t, bad))
	loaded.Rules = append(loaded.Rules, extra.Rules...)
	loaded.Problems = append(loaded.Problems, extra.Problems...)
	vs, err := eu.ValueSets()
	if err != nil {
		t.Fatal(err)
	}
	b, r, err := Build(context.Background(), Options{
		Sources: []Source{Files(writeFile(t, filepath.Join(dir, "de1.pem"), p.de1.CertPEM()))},
		Key:     p.key, Sequence: 7, Now: testNow,
		Rules: &RuleSet{Loaded: loaded, ValueSets: vs},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rules == nil || r.Rules.Rules != 14 || r.Rules.ByCountry["EU"] != 14 || r.Rules.ValueSets != len(vs) {
		t.Fatalf("rules report %+v", r.Rules)
	}
	if got := leftOut(r, "bad"); !strings.Contains(got, "RULE_INVALID") || !strings.Contains(got, "VR-EU-0099") {
		t.Errorf("the bad rule: left out with %q", got)
	}
	var text bytes.Buffer
	r.WriteText(&text)
	if !strings.Contains(text.String(), "rules: 14 from 1 rule countries, 9 value sets") {
		t.Errorf("report text:\n%s", text.String())
	}

	l := load(t, b, p.key)
	set, problems, err := rules.ReadList(l)
	if err != nil || len(problems) != 0 {
		t.Fatal(err, problems)
	}
	if len(set.Rules) != 14 || len(set.ValueSets) != len(vs) {
		t.Fatalf("read back %d rules, %d value sets", len(set.Rules), len(set.ValueSets))
	}
	want := map[string]*rules.Rule{}
	for _, rule := range loaded.Rules {
		want[rule.Identifier] = rule
	}
	for _, rule := range set.Rules {
		w := want[rule.Identifier]
		got, _ := compactJSON(rule.Tree())
		exp, _ := compactJSON(w.Tree())
		if got != exp {
			t.Errorf("%s differs after the round trip:\n%s\n%s", rule.Identifier, got, exp)
		}
	}
	if len(set.ValueSets["covid-19-lab-test-type"]) != 2 {
		t.Errorf("value sets: %v", set.ValueSets["covid-19-lab-test-type"])
	}

	// Keys 7 and 6 hold the same rules and value sets as JSON text, for
	// readers of the previous release, which read them there only.
	var texts []string
	var vsText string
	if err := cbor.Unmarshal(l.Reserved(7), &texts); err != nil || len(texts) != len(set.Rules) {
		t.Fatalf("key 7: %d rules, %v", len(texts), err)
	}
	if err := cbor.Unmarshal(l.Reserved(6), &vsText); err != nil {
		t.Fatalf("key 6: %v", err)
	}
	for i, text := range texts {
		old := rules.ParseRules("key 7", []byte(text))
		if len(old.Rules) != 1 || len(old.Problems) != 0 {
			t.Fatalf("key 7, rule %d: %+v", i, old.Problems)
		}
		got, _ := compactJSON(old.Rules[0].Tree())
		exp, _ := compactJSON(set.Rules[i].Tree())
		if got != exp {
			t.Errorf("key 7, rule %d differs from key 11's:\n%s\n%s", i, got, exp)
		}
	}
	var vsOld map[string][]string
	if err := json.Unmarshal([]byte(vsText), &vsOld); err != nil || len(vsOld) != len(vs) || len(vsOld["covid-19-lab-test-type"]) != 2 {
		t.Errorf("key 6: %d value sets, %v", len(vsOld), err)
	}

	// The deployed reader skips keys 10 and 11.
	old := oldreader.Load(t, b, p.key.Public(), testNow)
	if old.Error != "" {
		t.Fatalf("the reader before rules refuses a bundle with rules: %s", old.Error)
	}
	if len(old.Signers) != 1 {
		t.Errorf("the reader before rules: %d signers", len(old.Signers))
	}

	// Without rules, neither key.
	b, r, err = Build(context.Background(), Options{
		Sources: []Source{Files(filepath.Join(dir, "de1.pem"))}, Key: p.key, Sequence: 8, Now: testNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	rc, vc, err := load(t, b, p.key).RuleSources()
	if err != nil || rc != nil || vc != nil || r.Rules != nil {
		t.Errorf("a build without rules carries %d, %d bytes of them", len(rc), len(vc))
	}
}

// compactJSON is the rule's JSON as encoding/json writes it: integers
// read back from CBOR as int64 write as they did as float64.
func compactJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// A rule nested as deeply as CertLogic allows goes into a bundle that
// readers load: today's, which reads it back, and the deployed one, which
// checks every payload key within a nesting of 16 and would refuse the
// whole bundle if a rule's tree were not wrapped in a byte string.
func TestBuildDeepRule(t *testing.T) {
	p := loadPKI(t)
	dir := t.TempDir()
	logic := `{"var":"payload.v.0.dn"}`
	for range 30 {
		logic = `{"!":[` + logic + `]}`
	}
	path := writeFile(t, filepath.Join(dir, "deep", "rule.json"), []byte(`{"Identifier":"VR-EU-0098","Type":"Acceptance","Country":"EU","Version":"1.0.0",
		"SchemaVersion":"1.0.0","Engine":"CERTLOGIC","EngineVersion":"0.7.5","CertificateType":"Vaccination",
		"Description":[{"lang":"en","desc":"Thirty negations of the dose number."}],"ValidFrom":"2021-06-01T00:00:00Z",
		"ValidTo":"2030-06-01T00:00:00Z","AffectedFields":["v.0.dn"],"Logic":`+logic+`}`))
	loaded := rules.ParseRules(path, mustRead(t, path))
	if len(loaded.Rules) != 1 {
		t.Fatalf("the deep rule does not read: %v", loaded.Problems)
	}
	vs, err := eu.ValueSets()
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := Build(context.Background(), Options{
		Sources: []Source{Files(writeFile(t, filepath.Join(dir, "de1.pem"), p.de1.CertPEM()))},
		Key:     p.key, Sequence: 7, Now: testNow,
		Rules: &RuleSet{Loaded: loaded, ValueSets: vs},
	})
	if err != nil {
		t.Fatal(err)
	}
	set, problems, err := rules.ReadList(load(t, b, p.key))
	if err != nil || len(problems) != 0 || len(set.Rules) != 1 {
		t.Fatalf("read back: %v, %v, %d rules", err, problems, len(set.Rules))
	}
	if old := oldreader.Load(t, b, p.key.Public(), testNow); old.Error != "" || len(old.Signers) != 1 {
		t.Fatalf("the deployed reader: %q, %d signers", old.Error, len(old.Signers))
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
