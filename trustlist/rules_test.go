package trustlist_test

import (
	"bytes"
	"crypto"
	"errors"
	"testing"

	"github.com/passcheck/passcheck/trustlist"
)

// RuleSources gives keys 11 and 10 as they are; a bundle whose rules are
// only the retired JSON text of keys 7 and 6 gives ErrRetiredRules, never
// "no rules".
func TestRuleSources(t *testing.T) {
	f := loadFixture(t)
	keys := []crypto.PublicKey{f.pub1.Public()}
	rules, valueSets := []byte{0x81, 0x41, 0x01}, []byte{0x41, 0xa0}
	for _, c := range []struct {
		name          string
		json, cbor    bool
		wantR, wantVS []byte
		wantErr       error
	}{
		{name: "none"},
		{name: "CBOR keys", cbor: true, wantR: rules, wantVS: valueSets},
		{name: "CBOR and retired keys", cbor: true, json: true, wantR: rules, wantVS: valueSets},
		{name: "retired keys only", json: true, wantErr: trustlist.ErrRetiredRules},
	} {
		p := f.payload()
		if c.json {
			p.RulesJSON, p.ValueSetsJSON = []string{"{}"}, "{}"
		}
		if c.cbor {
			p.Rules, p.ValueSets = [][]byte{{0x01}}, []byte{0xa0}
		}
		l, err := trustlist.Load(sign(t, f.pub1, p), keys, testNow, 0)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		r, vs, err := l.RuleSources()
		if !errors.Is(err, c.wantErr) || !bytes.Equal(r, c.wantR) || !bytes.Equal(vs, c.wantVS) || (r == nil) != (c.wantR == nil) {
			t.Errorf("%s: rules % x, value sets % x, %v; want % x, % x, %v", c.name, r, vs, err, c.wantR, c.wantVS, c.wantErr)
		}
	}
}
