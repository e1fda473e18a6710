//go:build !js

package main

import (
	"crypto/x509"
	"encoding/base64"
	"reflect"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
)

// TestNodeParity runs the built module under Node over every vector and
// every EU conformance case, through the pure-Go path and the WebCrypto
// path of the ES module, and compares each Result with the native one
// (dcc.Check with the same trust list) after parsing both as JSON.
func TestNodeParity(t *testing.T) {
	m := buildModule(t)
	pub := newPublisher(t)
	now := time.Now()

	type group struct {
		certs []*x509.Certificate
		cases []nodeCase
	}
	var groups []*group

	vs, signers := readVectors(t)
	g := &group{certs: append(signers, fillerCert(t))}
	for _, v := range vs {
		g.cases = append(g.cases, nodeCase{Name: "vector/" + v.name, Text: v.text, At: v.now.UnixMilli()})
	}
	groups = append(groups, g)

	// Each conformance case trusts its own certificate only.
	byCert := map[string]*group{}
	for _, c := range readDGC(t) {
		g := byCert[c.cert]
		if g == nil {
			g = &group{certs: []*x509.Certificate{fillerCert(t)}}
			if c.cert != "" {
				der, err := base64.StdEncoding.DecodeString(c.cert)
				if err != nil {
					t.Fatalf("%s: CERTIFICATE: %v", c.name, err)
				}
				cert, err := x509.ParseCertificate(der)
				if err != nil {
					t.Fatalf("%s: CERTIFICATE: %v", c.name, err)
				}
				g.certs = append(g.certs, cert)
			}
			byCert[c.cert] = g
			groups = append(groups, g)
		}
		g.cases = append(g.cases, nodeCase{Name: c.name, Text: c.text, At: c.now.UnixMilli()})
	}

	var jobGroups []nodeGroup
	want := map[string]any{}
	for i, g := range groups {
		bundle := pub.bundle(t, g.certs, uint64(i+1), now, time.Hour)
		list := pub.list(t, bundle)
		for _, c := range g.cases {
			want[c.Name] = jsonTree(t, dcc.Check(c.Text, list, dcc.Options{Now: time.UnixMilli(c.At)}))
		}
		jobGroups = append(jobGroups, nodeGroup{Bundle: b64(bundle), Keys: pub.pem, Cases: g.cases})
	}

	var got map[string]struct{ Pure, Fast any }
	runNode(t, m, map[string]any{"mode": "parity", "groups": jobGroups}, &got)
	if len(got) != len(want) {
		t.Errorf("node answered %d cases, want %d", len(got), len(want))
	}
	valid := 0
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: no answer from node", name)
			continue
		}
		if !reflect.DeepEqual(g.Pure, w) {
			t.Errorf("%s: pure-Go WebAssembly differs from native\n got %v\nwant %v", name, g.Pure, w)
		}
		if !reflect.DeepEqual(g.Fast, w) {
			t.Errorf("%s: WebCrypto path differs from native\n got %v\nwant %v", name, g.Fast, w)
		}
		if w.(map[string]any)["valid"] == true {
			valid++
		}
	}
	// The comparison must cover valid passes, not only refusals.
	if valid < 10 {
		t.Errorf("only %d of %d cases are valid natively: the trust lists are wrong", valid, len(want))
	}
	t.Logf("%d cases (%d valid) equal in Node, pure Go and WebCrypto", len(want), valid)
}
