package main

import (
	"crypto"
	"slices"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/trustlist"
)

// TestDemoPasses checks that every demo pass gets, from the native verifier
// and the demo trust list, the codes the demo page announces: the browser
// tests then hold the page to the same expectations.
func TestDemoPasses(t *testing.T) {
	now := time.Now()
	d, err := makeDemo(now, 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := trustlist.ParsePublicKeysPEM(d.PublisherPEM)
	if err != nil {
		t.Fatal(err)
	}
	l, err := trustlist.Load(d.Bundle, []crypto.PublicKey(keys), now, 0)
	if err != nil {
		t.Fatalf("demo trust list does not load: %v", err)
	}
	if l.Len() != 2 {
		t.Errorf("demo trust list has %d signers, want 2", l.Len())
	}
	set, problems, err := rules.ReadList(l)
	if err != nil || len(problems) > 0 {
		t.Fatalf("demo rules: %v %v", err, problems)
	}
	if c := set.Countries(); !slices.Equal(c, []string{"EU", "XX"}) {
		t.Errorf("demo rule countries %v", c)
	}
	// The demo's revocation data, as verify --trustlist loads it.
	ix, err := trustlist.LoadRevocationIndex(d.Revocations.Index, keys, 0)
	if err != nil {
		t.Fatalf("demo revocation index does not load: %v", err)
	}
	byName := map[string][]byte{}
	for i, p := range ix.Parts {
		byName[p.Name()] = d.Revocations.Parts[i]
	}
	rev := loadParts(ix, func(name string, _ int) ([]byte, error) { return byName[name], nil })
	if rev.Set.Len() != 3 || rev.Stale(now) != "" {
		t.Errorf("demo revocation list: %d entries, stale %q; want 3, fresh", rev.Set.Len(), rev.Stale(now))
	}
	seen := map[string]bool{}
	for _, p := range d.Passes {
		t.Run(p.Name, func(t *testing.T) {
			seen[p.Expect] = true
			r := dcc.Check(p.Text, l, dcc.Options{Now: now})
			addRevocation(r, p.Text, rev, now)
			set.Apply(r, rules.Choice{}, now) // the pages' default: the EU baseline
			var codes []string
			for _, e := range r.Errors {
				codes = append(codes, string(e.Code))
			}
			slices.Sort(codes)
			want := slices.Clone(p.Codes)
			slices.Sort(want)
			if !slices.Equal(codes, want) {
				t.Errorf("codes = %v, want %v", codes, want)
			}
			if r.Valid != (p.Expect == "valid") {
				t.Errorf("valid = %v, want %v", r.Valid, p.Expect == "valid")
			}
			if r.Holder == nil || r.Holder.FamilyName == "" {
				t.Errorf("no holder: %+v", r.Holder)
			}
		})
	}
	for _, v := range []string{"valid", "invalid", "unknown"} {
		if !seen[v] {
			t.Errorf("no demo pass expects %q", v)
		}
	}

	// The stale variant: a list issued ten days ago for two days.
	stale, err := d.trustList(now.Add(-10*24*time.Hour), 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := trustlist.Load(stale, []crypto.PublicKey(keys), now, 0); !isCode(err, trustlist.Expired) {
		t.Errorf("stale list: Load error = %v, want %s", err, trustlist.Expired)
	}
}

// The demo country's rules pass their own tests.
func TestDemoRuleTests(t *testing.T) {
	rep, err := rules.RunTests([]string{"demorules"})
	if err != nil {
		t.Fatal(err)
	}
	if s := rep.Summary(); s != "12 passed, 0 failed, 0 skipped" {
		t.Errorf("rules test demorules: %s", s)
	}
}

func isCode(err error, c dcc.Code) bool {
	e, ok := err.(*dcc.Error)
	return ok && e.Code == c
}
