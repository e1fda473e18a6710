package publish

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	set, problems, err := rules.ReadBundle(l.RuleSources())
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

	// The deployed reader skips keys 6 and 7.
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
	rc, vc := load(t, b, p.key).RuleSources()
	if rc != nil || vc != nil || r.Rules != nil {
		t.Errorf("a build without rules carries %d, %d bytes of them", len(rc), len(vc))
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
