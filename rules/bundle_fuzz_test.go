package rules_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	fxcbor "github.com/fxamacker/cbor/v2"

	"github.com/passcheck/passcheck/rules"
)

// bundleKeys returns payload keys 11 and 10 as trustlist/publish writes
// them (deterministic CBOR: each rule's JSON tree in a byte string, the
// value sets' map in one), from rule JSON texts and a value-set JSON text.
func bundleKeys(t testing.TB, ruleTexts []string, valueSets string) (rc, vc []byte) {
	t.Helper()
	em, err := fxcbor.CoreDetEncOptions().EncMode()
	if err != nil {
		t.Fatal(err)
	}
	enc := func(text string) []byte {
		var v any
		d := json.NewDecoder(strings.NewReader(text))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		b, err := em.Marshal(numbers(v))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	items := make([][]byte, len(ruleTexts))
	for i, text := range ruleTexts {
		items[i] = enc(text)
	}
	if rc, err = em.Marshal(items); err != nil {
		t.Fatal(err)
	}
	if vc, err = em.Marshal(enc(valueSets)); err != nil {
		t.Fatal(err)
	}
	return rc, vc
}

// numbers makes json.Numbers int64 where they are integers, float64 else,
// as the builder writes them.
func numbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = numbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = numbers(x[k])
		}
	}
	return v
}

// euRuleTexts returns the JSON of the EU rules in testdata.
func euRuleTexts(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob("../testdata/business-rules/EU/*/rule.json")
	if len(files) == 0 {
		t.Fatal("no EU rules in testdata")
	}
	var out []string
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(data))
	}
	return out
}

// FuzzReadBundle: the rule keys of a bundle never panic, and every error
// is an *Error with a known code; a rule that reads is evaluable or says
// why not.
func FuzzReadBundle(f *testing.F) {
	texts := euRuleTexts(f)
	for i, text := range texts {
		rc, vc := bundleKeys(f, []string{text}, `{"covid-19-lab-result":["260415000"]}`)
		f.Add(rc, vc)
		if i == 0 {
			rc, vc = bundleKeys(f, texts, `{"covid-19-lab-result":["260415000","260373001"],"country-2-codes":[]}`)
			f.Add(rc, vc)
		}
	}
	f.Add([]byte{0x80}, []byte{0x41, 0xa0})
	f.Add([]byte{0x81, 0x60}, []byte{0x60}) // the retired JSON text
	f.Add([]byte{0x9f, 0xff}, []byte{0xa0})
	f.Fuzz(func(t *testing.T, rc, vc []byte) {
		set, problems, err := rules.ReadBundle(rc, vc)
		if err != nil {
			var e *rules.Error
			if !errors.As(err, &e) || e.Code != rules.SourceInvalid {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		for _, p := range problems {
			var e *rules.Error
			if !errors.As(p.Err, &e) || (e.Code != rules.SourceInvalid && e.Code != rules.RuleInvalid) {
				t.Fatalf("problem %T %v", p.Err, p.Err)
			}
		}
		for _, r := range set.Rules {
			if ok, why := r.Evaluable(); !ok && why == "" {
				t.Fatalf("%s: not evaluable, no reason", r.Identifier)
			}
		}
	})
}

// ReadBundle reads the keys as the builder writes them: every EU rule, the
// value sets; it leaves out a bad rule, and refuses what is not of the
// format at all.
func TestReadBundle(t *testing.T) {
	texts := euRuleTexts(t)
	bad := strings.Replace(texts[0], `"Type": "Acceptance"`, `"Type": "Welcome"`, 1)
	if bad == texts[0] {
		t.Fatal("no bad rule made")
	}
	rc, vc := bundleKeys(t, append(texts, bad), `{"covid-19-lab-result":["260415000","260373001"],"empty":[]}`)
	set, problems, err := rules.ReadBundle(rc, vc)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) != len(texts) || len(problems) != 1 || !strings.HasPrefix(problems[0].Source, "bundle rule ") {
		t.Fatalf("%d rules, problems %v", len(set.Rules), problems)
	}
	if got := set.ValueSets.Codes("covid-19-lab-result"); len(got) != 2 || got[1] != "260373001" || set.ValueSets["empty"] == nil || len(set.ValueSets) != 2 {
		t.Errorf("value sets %v", set.ValueSets)
	}
	for _, r := range set.Rules {
		if ok, why := r.Evaluable(); !ok {
			t.Errorf("%s not evaluable: %s", r.Identifier, why)
		}
	}
	if set, _, err := rules.ReadBundle(nil, nil); err != nil || len(set.Rules) != 0 || len(set.ValueSets) != 0 {
		t.Errorf("no keys: %v, %v", set, err)
	}

	for _, c := range []struct {
		name   string
		rc, vc []byte
		want   string
	}{
		{"a rule as JSON text", []byte{0x81, 0x62, '{', '}'}, nil, "not a byte string"},
		{"value sets as JSON text", nil, []byte{0x62, '{', '}'}, "not a byte string"},
		{"rules not an array", []byte{0xa0}, nil, "not an array"},
		{"a rule not a byte string", []byte{0x81, 0x01}, nil, "not a byte string"},
		{"trailing", []byte{0x80, 0x80}, nil, "extra data"},
		{"too many rules", []byte{0x9a, 0x00, 0x01, 0x00, 0x00}, nil, "too many"},
		{"value sets not a map", nil, []byte{0x41, 0x80}, "not a map"},
		{"a code not text", nil, []byte{0x45, 0xa1, 0x61, 'a', 0x81, 0x01}, "not a text string"},
		{"an id given twice", nil, []byte{0x49, 0xa2, 0x61, 'a', 0x80, 0x61, 'a', 0x81, 0x61, 'x'}, "given twice"},
	} {
		_, _, err := rules.ReadBundle(c.rc, c.vc)
		var e *rules.Error
		if !errors.As(err, &e) || e.Code != rules.SourceInvalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %s with %q", c.name, err, rules.SourceInvalid, c.want)
		}
	}
}
