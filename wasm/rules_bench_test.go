//go:build !js && benchwasm

package main

import (
	"context"
	"crypto/x509"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/certsource"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/rules/eu"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// TestWasmRuleBench is part of make bench-wasm: the cost of the business
// rules per pass in the module under Node (pure-Go path): the CPU time of a
// verify under the EU baseline, and under a member-state set (the demo's
// Demoland, XX), less that of the same verify with technical checks only
// (country none). Budget 0.5 ms per pass; it reports, asserts no time.
func TestWasmRuleBench(t *testing.T) {
	m := buildModule(t)
	pub := newPublisher(t)
	now := time.Now().UTC()
	ca, err := issuer.NewCSCA("AT", issuer.EC, now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	dsc, err := ca.NewDSC(issuer.DSCOptions{NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	var cases []nodeCase
	for _, k := range []dcc.Kind{dcc.KindVaccination, dcc.KindTest} {
		p := issuer.SamplePayload(k)
		if k == dcc.KindTest {
			p["t"].([]any)[0].(map[string]any)["sc"] = now.Add(-5 * time.Hour).Format(time.RFC3339)
		}
		text, err := dsc.Issue(issuer.PassOptions{Payload: p, IssuedAt: now.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, nodeCase{Name: string(k), Text: text, At: now.UnixMilli()})
	}
	loaded, err := eu.Rules()
	if err != nil {
		t.Fatal(err)
	}
	demo, err := rules.LoadRules("../tools/passcheck/demorules")
	if err != nil {
		t.Fatal(err)
	}
	loaded.Rules = append(loaded.Rules, demo.Rules...)
	vs, _ := eu.ValueSets()
	bundle, _, err := publish.Build(context.Background(), publish.Options{
		Sources: []publish.Source{certsource.Certs([]*x509.Certificate{fillerCert(t), dsc.Cert})}, Key: pub.key, Sequence: 1, Now: now, ValidFor: time.Hour,
		Rules: &publish.RuleSet{Loaded: loaded, ValueSets: vs},
	})
	if err != nil {
		t.Fatal(err)
	}
	type timing struct{ MedianMs, MinMs float64 }
	var got map[string]map[string]timing
	runNode(t, m, map[string]any{"mode": "rulebench", "iterations": 25, "groups": []map[string]any{{
		"bundle": b64(bundle), "keys": pub.pem, "cases": cases,
		"choices": []map[string]any{{"country": "none"}, {"country": "EU"}, {"country": "XX"}},
	}}}, &got)
	none := got[`{"country":"none"}`]
	for _, choice := range []string{`{"country":"EU"}`, `{"country":"XX"}`} {
		for _, c := range cases {
			g, base := got[choice][c.Name], none[c.Name]
			t.Logf("rules %s, %s pass: verify %.3f ms (median CPU), technical only %.3f ms: rules %.3f ms per pass (min %.3f)",
				choice, c.Name, g.MedianMs, base.MedianMs, g.MedianMs-base.MedianMs, g.MinMs-base.MinMs)
		}
	}
}
