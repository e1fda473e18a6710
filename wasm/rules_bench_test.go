//go:build !js && benchwasm

package main

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
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
	dsc := rulesSigner(t, now)
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
	bundle, _ := rulesBundle(t, pub, []*x509.Certificate{fillerCert(t), dsc.Cert}, now)
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
