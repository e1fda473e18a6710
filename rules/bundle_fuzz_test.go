package rules_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/passcheck/passcheck/rules"
)

// cborText is the CBOR head of a text string of n bytes, then s.
func cborText(s string) []byte {
	n := len(s)
	switch {
	case n < 24:
		return append([]byte{0x60 | byte(n)}, s...)
	case n < 256:
		return append([]byte{0x78, byte(n)}, s...)
	case n < 65536:
		return append([]byte{0x79, byte(n >> 8), byte(n)}, s...)
	}
	return append([]byte{0x7a, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, s...)
}

// FuzzReadBundle: the rule keys of a bundle never panic, and every error
// is an *Error with a known code; a rule that reads is evaluable or says
// why not.
func FuzzReadBundle(f *testing.F) {
	files, _ := filepath.Glob("../testdata/business-rules/EU/*/rule.json")
	if len(files) == 0 {
		f.Fatal("no seed rules")
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]byte{0x81}, cborText(string(data))...), cborText(`{"covid-19-lab-result":["260415000"]}`))
	}
	f.Add([]byte{0x80}, []byte{0x60})
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
