package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/passcheck/passcheck/certlogic"
	"github.com/passcheck/passcheck/internal/jsonread"
)

const (
	suiteDir = "../testdata/certlogic/testSuite"
	euDir    = "../testdata/business-rules/EU"
	vsFile   = "../testdata/business-rules/valuesets/valueSets.json"
	vsDocs   = "../spec/valuesets"
)

func tree(t testing.TB, s string) any {
	t.Helper()
	v, err := jsonread.Read([]byte(s), jsonread.Limits{})
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func fileTree(t testing.TB, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return tree(t, string(b))
}

// TestDifferential runs every assertion of the specification's test-suite
// files and every test of the EU rules through RunTests, and checks that
// all ran (counted here independently) and passed.
func TestDifferential(t *testing.T) {
	want := 0
	suites, _ := filepath.Glob(filepath.Join(suiteDir, "*.json"))
	for _, f := range suites {
		for _, c := range fileTree(t, f).(map[string]any)["cases"].([]any) {
			want += len(c.(map[string]any)["assertions"].([]any))
		}
	}
	tests, _ := filepath.Glob(filepath.Join(euDir, "*", "tests", "*.json"))
	want += len(tests)
	if len(suites) == 0 || len(tests) < 100 {
		t.Fatalf("testdata missing: %d suites, %d rule tests", len(suites), len(tests))
	}
	rep, err := RunTests([]string{suiteDir, euDir})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Failures {
		t.Error(f)
	}
	if rep.Passed != want || rep.Failed != 0 || rep.Skipped != 0 {
		t.Errorf("%s, want %d passed", rep.Summary(), want)
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRunTestsCounts(t *testing.T) {
	rule, _ := os.ReadFile(filepath.Join(euDir, "TR-EU-0004", "rule.json"))
	dir := writeFiles(t, map[string]string{
		"a/suite.json": `{"name":"s","cases":[
			{"name":"good","certLogicExpression":{"+":[1,{"var":"x"}]},"assertions":[
				{"data":{"x":1},"expected":2},
				{"data":{"x":2},"expected":2,"message":"wrong on purpose"},
				{"data":{"x":"a"},"expected":2},
				{"data":{"x":5},"expected":6,"directive":"skip"},
				{"data":{},"certLogicExpression":{"var":"y"},"expected":null}]},
			{"name":"skipped","directive":"skip","certLogicExpression":true,"assertions":[{"data":null,"expected":false}]}]}`,
		"a/validation.json": `{"name":"v","cases":[
			{"name":"bad and","certLogicExpression":{"and":[true]},"issues":[{"expr":{},"message":"x"}]},
			{"name":"fine","certLogicExpression":{"var":"x"},"issues":[]},
			{"name":"missed","certLogicExpression":{"var":"x"},"issues":[{"expr":{},"message":"x"}]}]}`,
		"a/other.json":        `{"not":"a suite"}`,
		"b/rule.json":         string(rule),
		"b/tests/t1.json":     `{"name":"positive","payload":{"t":[{"tr":"260415000"}]},"external":{},"expected":true}`,
		"b/tests/t2.json":     `{"name":"claims false","payload":{"t":[{"tr":"260415000"}]},"external":{},"expected":false}`,
		"b/tests/t3.json":     `{"payload":{"t":[{"tr":"260373001"}]},"expected":false,"directive":"skip"}`,
		"b/tests/README.md":   `ignored`,
		"c/rule.json":         `{"Identifier":"VR-EU-0001"}`,
		"c/tests/only.json":   `{"name":"x","payload":{},"expected":true}`,
		"d/broken/suite.json": `{"name":`,
	})
	rep, err := RunTests([]string{filepath.Join(dir, "a"), filepath.Join(dir, "b")})
	if err != nil {
		t.Fatal(err)
	}
	// passed: +1, var y, bad and, fine, t1; failed: wrong, "a", missed, t2; skipped: 3.
	if got := rep.Summary(); got != "5 passed, 4 failed, 3 skipped" {
		t.Errorf("summary %q", got)
		for _, f := range rep.Failures {
			t.Log(f)
		}
	}
	var lines []string
	for _, f := range rep.Failures {
		lines = append(lines, f.String())
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"suite.json: good #1 (wrong on purpose): expected 2, got 3",
		"suite.json: good #2: expected 2, got error: certlogic: CERTLOGIC_TYPE",
		"validation.json: missed: expected an issue, got no issue",
		"t2.json: claims false: expected false, got true",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no failure line with %q in\n%s", want, all)
		}
	}
	// An invalid rule and an unreadable walked file are failures, not silence.
	rep, err = RunTests([]string{filepath.Join(dir, "c"), filepath.Join(dir, "d")})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 3 || rep.Passed != 0 {
		t.Errorf("invalid rule and broken file: %s %v", rep.Summary(), rep.Failures)
	}
	// An explicit file that is no suite is a failure.
	rep, _ = RunTests([]string{filepath.Join(dir, "a", "other.json")})
	if rep.Failed != 1 {
		t.Errorf("explicit non-suite: %s", rep.Summary())
	}
	if _, err := RunTests([]string{filepath.Join(dir, "nope")}); err == nil {
		t.Error("a missing path gives no error")
	}
}

func TestRunTestsOnly(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"s1.json": `{"name":"s1","cases":[
			{"name":"c1","certLogicExpression":1,"assertions":[{"data":null,"expected":1},{"data":null,"expected":2,"directive":"only"}]},
			{"name":"c2","certLogicExpression":1,"assertions":[{"data":null,"expected":1}]}]}`,
		"s2.json": `{"name":"s2","directive":"only","cases":[
			{"name":"c3","certLogicExpression":1,"assertions":[{"data":null,"expected":1},{"data":null,"expected":1}]}]}`,
		"s3.json": `{"name":"s3","cases":[{"name":"c4","directive":"only","certLogicExpression":1,"assertions":[{"data":null,"expected":1}]}]}`,
	})
	rep, err := RunTests([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	// only: s1/c1 #1 (fails), s2's two, s3/c4; skipped: s1/c1 #0, s1/c2.
	if got := rep.Summary(); got != "3 passed, 1 failed, 2 skipped" {
		t.Errorf("summary %q", got)
	}
}

func euRules(t testing.TB) []*Rule {
	t.Helper()
	l, err := LoadRules(euDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Problems) != 0 || len(l.Rules) != 14 {
		t.Fatalf("EU rules: %d rules, problems %v", len(l.Rules), l.Problems)
	}
	return l.Rules
}

func TestParseRuleSchema(t *testing.T) {
	good := fileTree(t, filepath.Join(euDir, "VR-EU-0001", "rule.json")).(map[string]any)
	if _, err := ParseRule(good, certlogic.Limits{}); err != nil {
		t.Fatal(err)
	}
	mutations := map[string]func(m map[string]any){
		"no Logic":            func(m map[string]any) { delete(m, "Logic") },
		"no ValidTo":          func(m map[string]any) { delete(m, "ValidTo") },
		"identifier pattern":  func(m map[string]any) { m["Identifier"] = "XR-EU-0001" },
		"identifier country":  func(m map[string]any) { m["Identifier"] = "VR-DE-0001" },
		"identifier type":     func(m map[string]any) { m["Identifier"] = "TR-EU-0001" },
		"acceptance IR":       func(m map[string]any) { m["Identifier"] = "IR-EU-0001" },
		"invalidation not IR": func(m map[string]any) { m["Type"] = Invalidation },
		"type":                func(m map[string]any) { m["Type"] = "Rejection" },
		"country":             func(m map[string]any) { m["Country"] = "eu" },
		"version":             func(m map[string]any) { m["Version"] = "1.0" },
		"engine version":      func(m map[string]any) { m["EngineVersion"] = "x" },
		"certificate type":    func(m map[string]any) { m["CertificateType"] = "Passport" },
		"description empty":   func(m map[string]any) { m["Description"] = []any{} },
		"description no en": func(m map[string]any) {
			m["Description"] = []any{map[string]any{"lang": "de", "desc": "Zwanzig Zeichen lang genug"}}
		},
		"description short": func(m map[string]any) { m["Description"] = []any{map[string]any{"lang": "en", "desc": "too short"}} },
		"description lang": func(m map[string]any) {
			m["Description"] = []any{map[string]any{"lang": "EN", "desc": "twenty characters or more"}}
		},
		"valid from format":    func(m map[string]any) { m["ValidFrom"] = "2021-06-01T00:00:00.000Z" },
		"valid from after to":  func(m map[string]any) { m["ValidFrom"] = "2031-06-01T00:00:00Z" },
		"affected fields":      func(m map[string]any) { m["AffectedFields"] = []any{} },
		"logic literal":        func(m map[string]any) { m["Logic"] = true },
		"logic invalid":        func(m map[string]any) { m["Logic"] = map[string]any{"and": []any{true}} },
		"logic too deep":       func(m map[string]any) { m["Logic"] = deepNot(500) },
		"region not a string":  func(m map[string]any) { m["Region"] = 1.0 },
		"engine not a string":  func(m map[string]any) { m["Engine"] = nil },
		"identifier no number": func(m map[string]any) { m["Identifier"] = "VR-EU-" },
	}
	for name, mutate := range mutations {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		mutate(m)
		_, err := ParseRule(m, certlogic.Limits{})
		var e *Error
		if !errors.As(err, &e) || e.Code != RuleInvalid {
			t.Errorf("%s: err = %v, want %s", name, err, RuleInvalid)
		}
	}
	// Not evaluable here, but kept (reported open when selected).
	for name, mutate := range map[string]func(m map[string]any){
		"other engine":       func(m map[string]any) { m["Engine"] = "JSONLOGIC"; m["Logic"] = map[string]any{"some": "thing"} },
		"newer CertLogic":    func(m map[string]any) { m["EngineVersion"] = "2.0.0"; m["Logic"] = map[string]any{"newOp": []any{}} },
		"leading zero id ok": func(m map[string]any) { m["Identifier"] = "VR-EU-0000" },
	} {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		mutate(m)
		if _, err := ParseRule(m, certlogic.Limits{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func deepNot(n int) any {
	var v any = map[string]any{"var": "x"}
	for range n {
		v = map[string]any{"!": []any{v}}
	}
	return v
}

func TestSources(t *testing.T) {
	euRules(t)
	one, _ := os.ReadFile(filepath.Join(euDir, "VR-EU-0000", "rule.json"))
	two, _ := os.ReadFile(filepath.Join(euDir, "TR-EU-0004", "rule.json"))
	arr := "[" + string(one) + "," + string(two) + `,{"Identifier":"VR-EU-0009"}]`
	l := ParseRules("national.json", []byte(arr))
	if len(l.Rules) != 2 || len(l.Problems) != 1 || len(l.Notes) != 0 {
		t.Errorf("array: %d rules, problems %v, notes %v", len(l.Rules), l.Problems, l.Notes)
	}
	if l.Problems[0].Source != "national.json[2]" {
		t.Errorf("problem source %q", l.Problems[0].Source)
	}
	for _, f := range []string{"VR-EU-0000.cms.der", "VR-EU-0000.cms.b64", "gateway-listing.json"} {
		l, err := LoadRules(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Rules) != 1 || l.Rules[0].Identifier != "VR-EU-0000" || len(l.Problems) != 0 {
			t.Errorf("%s: rules %d, problems %v", f, len(l.Rules), l.Problems)
			continue
		}
		if len(l.Notes) != 1 || !strings.Contains(l.Notes[0], "CMS signature was not checked") {
			t.Errorf("%s: notes %v", f, l.Notes)
		}
	}
	der, _ := os.ReadFile(filepath.Join("testdata", "VR-EU-0000.cms.der"))
	for name, data := range map[string][]byte{
		"truncated DER": der[:len(der)/2],
		"not base64":    []byte("%%%"),
		"bad JSON":      []byte(`{"Identifier":`),
		"number":        []byte(`[1]`),
		"other object":  []byte(`{"a":1}`),
		"empty":         nil,
	} {
		l := ParseRules(name, data)
		if len(l.Rules) != 0 || len(l.Problems) == 0 {
			t.Errorf("%s: %d rules, problems %v", name, len(l.Rules), l.Problems)
		}
	}
}

func TestValueSets(t *testing.T) {
	compact, err := LoadValueSets(vsFile)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := LoadValueSets(vsDocs)
	if err != nil {
		t.Fatal(err)
	}
	for _, vs := range []ValueSets{compact, docs} {
		for _, id := range []string{"covid-19-lab-test-type", "disease-agent-targeted", "vaccines-covid-19-names", "country-2-codes"} {
			if len(vs[id]) == 0 {
				t.Errorf("value set %s missing", id)
			}
		}
	}
	if got := strings.Join(docs.Codes("covid-19-lab-test-type"), ","); got != "LP217198-3,LP6464-4" {
		t.Errorf("test types %s", got)
	}
	// A map built by hand with a value that is not a code.
	if got := (ValueSets{"x": {"a", 1.0, "b"}}).Codes("x"); strings.Join(got, ",") != "a,b" {
		t.Errorf("hand-built set: %q", got)
	}
	for _, bad := range []string{`{"a":"b"}`, `{"a":[1]}`, `[{"valueSetId":"x"}]`, `[1]`, `"x"`, `[{"valueSetId":"x","valueSetValues":{}},{"valueSetId":"x","valueSetValues":{}}]`} {
		if _, err := ParseValueSets(tree(t, bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func mkRule(id, typ, country, region, version, certType, from, to string) *Rule {
	r := &Rule{Identifier: id, Type: typ, Country: country, Region: region, Version: version, CertificateType: certType}
	r.ValidFrom, _ = time.Parse(time.RFC3339, from)
	r.ValidTo, _ = time.Parse(time.RFC3339, to)
	return r
}

func TestSelect(t *testing.T) {
	const (
		past   = "2021-01-01T00:00:00Z"
		future = "2030-01-01T00:00:00Z"
		later  = "2022-06-01T00:00:00Z"
	)
	all := []*Rule{
		mkRule("GR-EU-0001", Acceptance, "EU", "", "1.0.0", General, past, future),
		mkRule("VR-EU-0001", Acceptance, "EU", "", "1.0.0", Vaccination, past, future),
		mkRule("TR-EU-0001", Acceptance, "EU", "", "1.0.0", Test, past, future),
		mkRule("VR-DE-0001", Acceptance, "DE", "", "1.0.0", Vaccination, past, future),
		mkRule("VR-DE-0001", Acceptance, "DE", "", "1.2.0", Vaccination, past, future),
		mkRule("VR-DE-0001", Acceptance, "DE", "", "1.10.0", Vaccination, later, future), // not yet in force
		mkRule("VR-DE-0001", Acceptance, "DE", "", "1.1.0", Vaccination, past, future),
		mkRule("VR-DE-0002", Acceptance, "DE", "BY", "1.0.0", Vaccination, past, future),
		mkRule("VR-DE-0003", Acceptance, "DE", "", "1.0.0", Vaccination, past, "2021-06-01T00:00:00Z"), // expired
		mkRule("IR-AT-0001", Invalidation, "AT", "", "1.0.0", General, past, future),
		mkRule("IR-DE-0001", Invalidation, "DE", "", "1.0.0", General, past, future),
		mkRule("VR-FR-0001", Acceptance, "FR", "", "1.0.0", Vaccination, later, future),
	}
	clock, _ := time.Parse(time.RFC3339, "2022-01-01T00:00:00Z")
	ids := func(rs []*Rule) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.Identifier+"@"+r.Version)
		}
		return strings.Join(s, " ")
	}
	cases := []struct {
		name string
		sel  Selection
		want string
	}{
		{"EU default", Selection{IssuerCountry: "AT", Kinds: []string{Vaccination}, Clock: clock}, "GR-EU-0001@1.0.0 VR-EU-0001@1.0.0 IR-AT-0001@1.0.0"},
		{"EU named, test", Selection{Country: "EU", IssuerCountry: "IT", Kinds: []string{Test}, Clock: clock}, "GR-EU-0001@1.0.0 TR-EU-0001@1.0.0"},
		{"DE replaces EU", Selection{Country: "DE", IssuerCountry: "DE", Kinds: []string{Vaccination}, Clock: clock}, "VR-DE-0001@1.2.0 IR-DE-0001@1.0.0"},
		{"DE region", Selection{Country: "DE", Region: "BY", IssuerCountry: "AT", Kinds: []string{Vaccination}, Clock: clock}, "VR-DE-0001@1.2.0 VR-DE-0002@1.0.0 IR-AT-0001@1.0.0"},
		{"DE, recovery pass", Selection{Country: "DE", IssuerCountry: "XX", Kinds: []string{Recovery}, Clock: clock}, ""},
		{"DE later", Selection{Country: "DE", Kinds: []string{Vaccination}, Clock: clock.AddDate(1, 0, 0)}, "VR-DE-0001@1.10.0"},
	}
	for _, c := range cases {
		got, err := Select(all, c.sel)
		if err != nil || ids(got) != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, ids(got), err, c.want)
		}
	}
	for _, sel := range []Selection{
		{Country: "FR", Kinds: []string{Vaccination}, Clock: clock}, // FR's rule not yet in force
		{Country: "NL", Kinds: []string{Vaccination}, Clock: clock},
		{Kinds: []string{Vaccination}, Clock: clock.AddDate(10, 0, 0)},
	} {
		_, err := Select(all, sel)
		var e *Error
		if !errors.As(err, &e) || e.Code != RulesMissing {
			t.Errorf("%+v: err = %v, want %s", sel, err, RulesMissing)
		}
	}
}

// vaccination returns a pass payload; dn and sd choose completeness.
func vaccination(t testing.TB, dn, sd int) any {
	return tree(t, `{"ver":"1.3.0","nam":{"fn":"Muster","fnt":"MUSTER","gn":"Anna","gnt":"ANNA"},"dob":"1990-01-01",
		"v":[{"tg":"840539006","vp":"1119349007","mp":"EU/1/20/1528","ma":"ORG-100030215","dn":`+string(rune('0'+dn))+`,"sd":`+string(rune('0'+sd))+`,
		"dt":"2021-05-01","co":"AT","is":"Ministry of Health, Austria","ci":"URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B"}]}`)
}

func TestEvaluate(t *testing.T) {
	all := euRules(t)
	vs, err := LoadValueSets(vsFile)
	if err != nil {
		t.Fatal(err)
	}
	clock, _ := time.Parse(time.RFC3339, "2021-07-01T00:00:00Z")
	x := External{ValidationClock: clock, ValueSets: vs, CountryCode: "EU", IssuerCountryCode: "AT", Kid: "2Rk3X8HntrI="}
	status := func(outs []Outcome) map[string]Status {
		m := map[string]Status{}
		for _, o := range outs {
			m[o.Rule.Identifier] = o.Status
		}
		return m
	}
	sel := Selection{IssuerCountry: "AT", Kinds: []string{Vaccination}, Clock: clock}
	chosen, err := Select(all, sel)
	if err != nil || len(chosen) != 5 {
		t.Fatalf("selected %d, %v", len(chosen), err)
	}
	for id, st := range status(Evaluate(chosen, vaccination(t, 2, 2), x)) {
		if st != Passed {
			t.Errorf("complete vaccination: %s %s", id, st)
		}
	}
	got := status(Evaluate(chosen, vaccination(t, 1, 2), x))
	if got["VR-EU-0002"] != Failed || got["VR-EU-0001"] != Passed {
		t.Errorf("incomplete vaccination: %v", got)
	}
	// A stale rapid test: 49 hours after the sample.
	test := tree(t, `{"ver":"1.3.0","dob":"1990","t":[{"tg":"840539006","tt":"LP217198-3","ma":"1232","sc":"2021-06-28T23:00:00Z","tr":"260415000","tc":"x","co":"AT","is":"x","ci":"x"}]}`)
	chosen, _ = Select(all, Selection{Kinds: Kinds(test), Clock: clock})
	got = status(Evaluate(chosen, test, x))
	if got["TR-EU-0005"] != Failed || got["TR-EU-0004"] != Passed || got["TR-EU-0002"] != Passed {
		t.Errorf("stale test: %v", got)
	}
	// Open, never skipped: an old schema version, an engine version this
	// verifier does not implement, an evaluation error, a non-boolean result.
	old := vaccination(t, 2, 2).(map[string]any)
	old["ver"] = "0.9.0"
	for _, o := range Evaluate(chosen[:1], old, x) {
		if o.Status != Open || !strings.Contains(o.Why, "major version") {
			t.Errorf("old schema: %s %s %s", o.Rule.Identifier, o.Status, o.Why)
		}
	}
	newer := *chosen[0]
	newer.SchemaVersion = "1.4.0"
	odd := func(logic string) *Rule {
		r, err := ParseRule(tree(t, `{"Identifier":"GR-EU-0099","Type":"Acceptance","Country":"EU","Version":"1.0.0","SchemaVersion":"1.0.0",
			"Engine":"CERTLOGIC","EngineVersion":"`+map[bool]string{true: "9.0.0", false: "1.0.0"}[logic == ""]+`","CertificateType":"General",
			"Description":[{"lang":"en","desc":"a rule made for this test"}],"ValidFrom":"2021-01-01T00:00:00Z","ValidTo":"2030-01-01T00:00:00Z",
			"AffectedFields":["v"],"Logic":`+map[bool]string{true: `{"x":[]}`, false: logic}[logic == ""]+`}`), certlogic.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	opens := []*Rule{&newer, odd(""), odd(`{"plusTime":[{"var":"payload.dob"},0,"day"]}`), odd(`{"var":"payload.v.0.mp"}`)}
	for _, o := range Evaluate(opens, vaccination(t, 2, 2), x) {
		if o.Status != Open || o.Why == "" {
			t.Errorf("%s: %s (%s), want open", o.Rule.Identifier, o.Status, o.Why)
		}
	}
	if ext := x.Tree(); ext["validationClock"] != "2021-07-01T00:00:00.000Z" || ext["countryCode"] != "EU" || ext["exp"] != nil {
		t.Errorf("external %v", ext)
	}
	// A payload that is not an object: every rule open or failed, no panic.
	for _, o := range Evaluate(chosen, "nonsense", x) {
		if o.Status == Passed && o.Rule.Identifier == "GR-EU-0000" {
			t.Errorf("%s passed on nonsense", o.Rule.Identifier)
		}
	}
}

// LoadRulesFS reads every rule.json below root, at any depth, in the order
// of their paths, names them as asked, and refuses a file over the size
// cap by its name.
func TestLoadRulesFS(t *testing.T) {
	rule := func(id string) *fstest.MapFile {
		src, err := os.ReadFile(filepath.Join(euDir, "GR-EU-0000", "rule.json"))
		if err != nil {
			t.Fatal(err)
		}
		return &fstest.MapFile{Data: []byte(strings.Replace(string(src), "GR-EU-0000", id, 1))}
	}
	fsys := fstest.MapFS{
		"r/b/rule.json":   rule("GR-EU-0002"),
		"r/a-b/rule.json": rule("GR-EU-0001"),
		"r/a/x/rule.json": rule("GR-EU-0003"),
		"r/a/x/test.json": {Data: []byte("not a rule")},
		"other/rule.json": {Data: []byte("outside root")},
	}
	l, err := LoadRulesFS(fsys, "r", func(p string) string { return "fs:" + p })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range l.Rules {
		got = append(got, r.Identifier)
	}
	if strings.Join(got, ",") != "GR-EU-0001,GR-EU-0003,GR-EU-0002" || len(l.Problems) != 0 {
		t.Errorf("rules %v, problems %v", got, l.Problems)
	}
	fsys["r/c/rule.json"] = &fstest.MapFile{Data: make([]byte, MaxRuleSourceBytes+1)}
	if _, err := LoadRulesFS(fsys, "r", func(p string) string { return "fs:" + p }); err == nil || !strings.Contains(err.Error(), "fs:r/c/rule.json") {
		t.Errorf("oversized file: %v", err)
	}
}
