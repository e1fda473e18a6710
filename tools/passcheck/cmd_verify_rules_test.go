package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// issueAt signs payload with d, issued an hour before now.
func issueAt(t *testing.T, d *issuer.DSC, payload map[string]any) string {
	t.Helper()
	s, err := d.Issue(issuer.PassOptions{Payload: payload, IssuedAt: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testPayload is a NAAT sampled age ago.
func testPayload(age time.Duration) map[string]any {
	p := issuer.SamplePayload(dcc.KindTest)
	p["t"].([]any)[0].(map[string]any)["sc"] = time.Now().Add(-age).UTC().Format(time.RFC3339)
	return p
}

func TestVerifyRules(t *testing.T) {
	w := newTrustlistWorld(t)
	dsc := filepath.Join(w.dsc, "at.pem")
	fresh := issueAt(t, w.at, testPayload(5*time.Hour))
	stale := issueAt(t, w.at, testPayload(80*time.Hour))
	incomplete := issuer.SamplePayload(dcc.KindVaccination)
	incomplete["v"].([]any)[0].(map[string]any)["dn"] = int64(1)
	dose1 := issueAt(t, w.at, incomplete)
	euRules := "../../testdata/business-rules/EU"

	for _, tc := range []struct {
		name string
		pass string
		args []string
		code int
		out  []string
	}{
		{"no rules asked: technical check", stale, nil, 0, []string{"VALID", "Rules: none (technical check only)"}},
		{"EU built in: fresh test", fresh, []string{"--country", "EU"}, 0, []string{"VALID", "Rules (EU): 8 passed, 0 failed, 0 open"}},
		{"EU built in: stale test", stale, []string{"--country", "eu"}, 1, []string{"NOT VALID", "RULE_FAILED", "failed TR-EU-0006 1.0.0: DateTime of Sample Collection must be less than 72 hours"}},
		{"from a folder: incomplete series", dose1, []string{"--rules", euRules, "--valuesets", "../../testdata/business-rules/valuesets/valueSets.json"}, 1, []string{"RULE_FAILED", "VR-EU-0002"}},
		{"German description", dose1, []string{"--rules", euRules, "--lang", "de"}, 1, []string{"failed VR-EU-0002 1.0.0: Die Impfreihe muss vollständig sein"}},
		{"a country without rules", fresh, []string{"--country", "DE"}, 3, []string{"CANNOT CHECK", "RULES_MISSING"}},
		{"technical check only", dose1, []string{"--rules", euRules, "--country", "none"}, 0, []string{"VALID", "technical check only"}},
		{"--rules none", dose1, []string{"--rules", "none"}, 0, []string{"VALID"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"verify", "--dsc", dsc}, tc.args...)
			code, out, stderr := runCmd(t, tc.pass, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, stderr)
			}
			for _, want := range tc.out {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}

	if code, _, stderr := runCmd(t, fresh, "verify", "--dsc", dsc, "--country", "DEU"); code != 2 || !strings.Contains(stderr, "--country") {
		t.Errorf("a bad country: exit %d, %s", code, stderr)
	}

	// --json: the rules field as the issue specifies it.
	for _, tc := range []struct {
		args   []string
		pass   string
		isNull bool
		n      int
	}{
		{[]string{"--country", "EU"}, dose1, false, 5},
		{[]string{"--country", "none"}, dose1, true, 0},
		{[]string{}, dose1, true, 0},
	} {
		_, out, _ := runCmd(t, tc.pass, append([]string{"verify", "--json", "--dsc", dsc}, tc.args...)...)
		var r struct {
			Verdict string          `json:"verdict"`
			Rules   json.RawMessage `json:"rules"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %v\n%s", tc.args, err, out)
		}
		if tc.isNull {
			if string(r.Rules) != "null" {
				t.Errorf("%v: rules %s, want null", tc.args, r.Rules)
			}
			continue
		}
		var rules struct {
			Country, Region string
			Results         []map[string]any
		}
		json.Unmarshal(r.Rules, &rules)
		if rules.Country != "EU" || len(rules.Results) != tc.n {
			t.Errorf("%v: rules %s", tc.args, r.Rules)
		}
		for _, res := range rules.Results {
			for _, k := range []string{"id", "version", "type", "country", "certificateType", "result", "description", "descriptions", "affectedFields"} {
				if _, ok := res[k]; !ok {
					t.Errorf("a rule result lacks %q: %v", k, res)
				}
			}
		}
	}
}

// trustlist build carries the EU baseline unless told otherwise; inspect
// lists the rules; verify --trustlist evaluates them.
func TestTrustlistRules(t *testing.T) {
	w := newTrustlistWorld(t)
	out := filepath.Join(w.dir, "public")
	code, stdout, stderr := runCmd(t, "", "trustlist", "build", "--key", w.key, "--out", out, "--dsc", w.dsc)
	if code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "rules: 14 from 1 rule countries, 9 value sets (from the EU baseline (built in))") {
		t.Errorf("build report:\n%s", stdout)
	}
	code, stdout, _ = runCmd(t, "", "trustlist", "inspect", out)
	if code != 0 || !strings.Contains(stdout, "rules      14, rule countries EU, value sets 9") || !strings.Contains(stdout, "VR-EU-0002") {
		t.Errorf("inspect: exit %d\n%s", code, stdout)
	}
	stale := issueAt(t, w.at, testPayload(80*time.Hour))
	code, stdout, stderr = runCmd(t, stale, "verify", "--trustlist", out, "--trust-key", w.pub, "--state", "none")
	if code != 1 || !strings.Contains(stdout, "TR-EU-0006") {
		t.Errorf("verify --trustlist: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCmd(t, stale, "verify", "--trustlist", out, "--trust-key", w.pub, "--state", "none", "--country", "none")
	if code != 0 {
		t.Errorf("verify --trustlist --country none: exit %d\n%s", code, stdout)
	}

	// A bad rule is reported and left out; --rules none publishes none.
	bad := filepath.Join(w.dir, "rules", "VR-EU-0009", "rule.json")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte(`{"Identifier":"VR-EU-0009"}`), 0o644)
	code, stdout, stderr = runCmd(t, "", "trustlist", "build", "--key", w.key, "--out", out, "--dsc", w.dsc, "--rules", filepath.Join(w.dir, "rules"))
	if code != 0 || !strings.Contains(stdout, "rule: rules: RULE_INVALID: VR-EU-0009: missing") || !strings.Contains(stdout, "rules: 0 from 0 rule countries") {
		t.Errorf("bad rule: exit %d\n%s%s", code, stdout, stderr)
	}
	// Its rules all left out, the list is not one without rules: no rule
	// is in force, and a pass cannot be checked (never technical checks
	// only, green).
	code, stdout, stderr = runCmd(t, stale, "verify", "--trustlist", out, "--trust-key", w.pub, "--state", "none")
	if code != 3 || !strings.Contains(stdout, "RULES_MISSING") {
		t.Errorf("verify against a list whose rules were all left out: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCmd(t, "", "trustlist", "build", "--key", w.key, "--out", out, "--dsc", w.dsc, "--rules", "none")
	if code != 0 || !strings.Contains(stdout, "rules: none") {
		t.Errorf("--rules none: exit %d\n%s", code, stdout)
	}
	_, stdout, _ = runCmd(t, "", "trustlist", "inspect", "--json", out)
	if !strings.Contains(stdout, `"rules": null`) {
		t.Errorf("inspect --json of a list without rules:\n%s", stdout)
	}
}

// A trust list whose rules cannot be read (the retired JSON keys 7 and 6)
// leaves no rule in force: the pass cannot be checked, as in the module
// (wasm TestRetiredRuleKeys), and the reason is printed.
func TestVerifyRetiredRuleKeys(t *testing.T) {
	w := newTrustlistWorld(t)
	keyPEM, err := os.ReadFile(w.key)
	if err != nil {
		t.Fatal(err)
	}
	key, err := publish.ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	rule, err := os.ReadFile("../../testdata/business-rules/EU/VR-EU-0000/rule.json")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	bundle, err := publish.Sign(key, map[uint64]any{
		1: 1, 2: 1, 3: now.Add(-time.Hour).Unix(), 4: now.Add(time.Hour).Unix(), 5: []any{},
		6: `{"covid-19-lab-result":["260415000"]}`, 7: []string{string(rule)},
	})
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := os.ReadFile(w.pub)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := trustlist.ParsePublicKeysPEM(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	list, err := trustlist.Load(bundle, keys, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, country := range []string{"", "EU", "DE"} {
		var stderr strings.Builder
		e := &env{stdout: io.Discard, stderr: &stderr}
		r := &dcc.Result{Valid: true, Verdict: dcc.VerdictValid, Signer: &dcc.SignerInfo{Country: "AT"}, Errors: []dcc.Message{}, Warnings: []dcc.Message{}}
		v := &verifyRules{country: country}
		if code := v.apply(e, r, list, now); code != 0 {
			t.Fatalf("--country %q: exit code %d\n%s", country, code, stderr.String())
		}
		if r.Verdict != dcc.VerdictCannotCheck || len(r.Errors) != 1 || r.Errors[0].Code != dcc.RulesMissing {
			t.Errorf("--country %q: %s %v", country, r.Verdict, r.Errors)
		}
		if !strings.Contains(stderr.String(), "the trust list's rules cannot be read: ") || !strings.Contains(stderr.String(), "build the bundle again") {
			t.Errorf("--country %q: stderr %q", country, stderr.String())
		}
	}
}
