package rules_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passcheck/passcheck/rules"
)

// FuzzParseRules: a rule source (JSON, a gateway listing, a CMS envelope in
// DER or base64, whose DER is read by hand) never panics; everything left
// out is a Problem with an *Error of a known code; every rule kept names
// its source and is evaluable or says why not; a note is written only for
// a rule taken from a CMS envelope.
func FuzzParseRules(f *testing.F) {
	texts := euRuleTexts(f)
	f.Add([]byte(texts[0]))
	f.Add([]byte("[" + texts[0] + "," + texts[len(texts)-1] + `,{"Identifier":"VR-EU-0009"}]`))
	for _, name := range []string{"VR-EU-0000.cms.der", "VR-EU-0000.cms.b64", "gateway-listing.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil || len(data) == 0 {
			f.Fatalf("seed %s: %d bytes, %v", name, len(data), err)
		}
		f.Add(data)
	}
	der, _ := os.ReadFile(filepath.Join("testdata", "VR-EU-0000.cms.der"))
	f.Add(der[:len(der)/2])
	// ContentInfo{SignedData, [0] {version, digestAlgorithms, {data, [0] constructed OCTET STRING {"[", "]"}}}}.
	f.Add([]byte{0x30, 0x22, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x15, 0x30, 0x13,
		0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x0c, 0x06, 0x00, 0xa0, 0x08, 0x24, 0x06, 0x04, 0x01, '[', 0x04, 0x01, ']'})
	f.Add([]byte(`{"VR-EU-0000":[{"cms":"%%%"}],"x":[]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l := rules.ParseRules("src", data)
		for _, p := range l.Problems {
			var e *rules.Error
			if !errors.As(p.Err, &e) || (e.Code != rules.SourceInvalid && e.Code != rules.RuleInvalid) {
				t.Fatalf("problem %T %v", p.Err, p.Err)
			}
			if !strings.HasPrefix(p.Source, "src") {
				t.Fatalf("problem source %q", p.Source)
			}
		}
		for _, r := range l.Rules {
			if !strings.HasPrefix(r.Source, "src") {
				t.Fatalf("rule %s: source %q", r.Identifier, r.Source)
			}
			if ok, why := r.Evaluable(); !ok && why == "" {
				t.Fatalf("%s: not evaluable, no reason", r.Identifier)
			}
		}
		if len(l.Notes) > len(l.Rules) {
			t.Fatalf("%d notes for %d rules", len(l.Notes), len(l.Rules))
		}
		if s := bytes.TrimSpace(data); len(s) > 0 && (s[0] == '{' || s[0] == '[') {
			return
		}
		if len(l.Rules) != len(l.Notes) {
			t.Fatalf("%d rules from a CMS envelope, %d notes", len(l.Rules), len(l.Notes))
		}
	})
}
