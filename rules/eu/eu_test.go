package eu_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/passcheck/passcheck/rules/eu"
)

// The embedded copy is the test data's EU set, byte for byte, and every
// rule of it reads.
func TestSameAsTestdata(t *testing.T) {
	want, _ := filepath.Glob("../../testdata/business-rules/EU/*/rule.json")
	if len(want) == 0 {
		t.Fatal("no rule.json in testdata/business-rules/EU")
	}
	n := 0
	err := fs.WalkDir(eu.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		got, _ := fs.ReadFile(eu.FS(), p)
		src := filepath.Join("../../testdata/business-rules", filepath.FromSlash(p))
		if p == "valueSets.json" {
			src = "../../testdata/business-rules/valuesets/valueSets.json"
		} else {
			n++
		}
		orig, err := os.ReadFile(src)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		} else if !bytes.Equal(got, orig) {
			t.Errorf("%s differs from %s", p, src)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(want) {
		t.Errorf("%d rules embedded, testdata has %d", n, len(want))
	}
	set, err := eu.Set()
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) != len(want) || len(set.ValueSets) == 0 {
		t.Errorf("Set: %d rules, %d value sets", len(set.Rules), len(set.ValueSets))
	}
	if c := set.Countries(); len(c) != 1 || c[0] != "EU" {
		t.Errorf("Countries = %v", c)
	}
}
