//go:build !js

package main

import (
	"crypto/x509"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// runRevocationNode runs testdata/revocation.mjs with job and decodes its
// answer into out.
func runRevocationNode(t testing.TB, m module, job map[string]any, out any) {
	t.Helper()
	runNodeScript(t, m, "revocation.mjs", 5*time.Minute, job, out)
}

// revJSON is publish.Revocations as the runner reads it (base64; null for
// a part left out).
func revJSON(r *publish.Revocations) map[string]any {
	parts := []any{}
	for _, p := range r.Parts {
		if p == nil {
			parts = append(parts, nil)
		} else {
			parts = append(parts, b64(p))
		}
	}
	var index any
	if r.Index != nil {
		index = b64(r.Index)
	}
	return map[string]any{"index": index, "parts": parts}
}

// nativeRevocations loads r natively, as the command line's verify
// --trustlist does (trustlist.LoadRevocationIndex, revocation.NewStatus).
func nativeRevocations(t testing.TB, pemText string, r *publish.Revocations) *revocation.Status {
	t.Helper()
	keys, err := trustlist.ParsePublicKeysPEM([]byte(pemText))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := trustlist.LoadRevocationIndex(r.Index, keys, 0)
	if err != nil {
		t.Fatal(err)
	}
	return revocation.NewStatus(ix, r.Parts)
}

// TestNodeRevocationParity revokes passes of an ES256 and a PS256 signer by
// each hash type and checks, under Node through the ES module (pure Go and
// WebCrypto), that the module's Result equals the native one (dcc.Check,
// the trust list's state, revocation.Status.AddTo): revoked passes red, an
// unrevoked pass of the same kid green. Then a tampered part and an expired
// index make it amber, and an older index is refused.
func TestNodeRevocationParity(t *testing.T) {
	m := buildModule(t)
	pub := newPublisher(t)
	now := time.Now().UTC().Truncate(time.Second)
	var certs []*x509.Certificate
	var entries []revocation.Entry
	var cases []nodeCase
	revoked := map[string]bool{}
	for _, kt := range []issuer.KeyType{issuer.EC, issuer.RSA2048} {
		d := newDSC(t, kt, now)
		certs = append(certs, d.Cert)
		passes := revocationPasses(t, d, now)
		entries = append(entries, revokedEntries(t, passes)...)
		for name, text := range passes {
			cases = append(cases, nodeCase{Name: fmt.Sprintf("%s/%s", kt, name), Text: text, At: now.UnixMilli()})
			revoked[fmt.Sprintf("%s/%s", kt, name)] = name != "honest"
		}
	}
	slices.SortFunc(cases, func(a, b nodeCase) int { return strings.Compare(a.Name, b.Name) })
	bundle := pub.bundle(t, certs, 5, now, time.Hour)
	list := pub.list(t, bundle)
	rev := pub.revocations(t, entries, 1000, now, 48*time.Hour)
	st := nativeRevocations(t, pub.pem, rev)

	tampered := &publish.Revocations{Index: rev.Index, Parts: [][]byte{slices.Clone(rev.Parts[0])}}
	tampered.Parts[0][len(tampered.Parts[0])/2] ^= 0x40
	older := pub.revocations(t, nil, 999, now, 48*time.Hour)
	expired := pub.revocations(t, entries, 2000, now.Add(-72*time.Hour), 48*time.Hour)
	steps := []map[string]any{
		{"op": "load", "revocations": revJSON(older)},
		{"op": "verify", "text": cases[0].Text, "at": cases[0].At},
		{"op": "load", "revocations": revJSON(tampered)},
		{"op": "verify", "text": cases[0].Text, "at": cases[0].At},
		{"op": "verify", "text": cases[1].Text, "at": cases[1].At},
		{"op": "load", "revocations": revJSON(expired)},
		{"op": "verify", "text": cases[0].Text, "at": cases[0].At},
		{"op": "verify", "text": cases[1].Text, "at": cases[1].At},
	}
	var got struct {
		Cases map[string]struct{ Pure, Fast any }
		State struct {
			OK       bool
			Loaded   bool
			Sequence uint64
			Entries  int
		}
		Steps []struct {
			Op    string
			State struct {
				OK     bool
				Errors []dcc.Message
			}
			Result dcc.Result
		}
	}
	runRevocationNode(t, m, map[string]any{"mode": "parity", "bundle": b64(bundle), "keys": pub.pem, "revocations": revJSON(rev), "cases": cases, "steps": steps}, &got)

	if !got.State.OK || !got.State.Loaded || got.State.Sequence != 1000 || got.State.Entries != st.Set.Len() {
		t.Errorf("trustList.revocations: %+v, want ok, sequence 1000, %d entries", got.State, st.Set.Len())
	}
	for _, c := range cases {
		r := dcc.Check(c.Text, list, dcc.Options{Now: time.UnixMilli(c.At)})
		p, err := dcc.Decode(c.Text)
		if err != nil {
			t.Fatal(err)
		}
		st.AddTo(r, p, time.Now())
		want := jsonTree(t, r)
		if revoked[c.Name] != (r.Verdict == dcc.VerdictInvalid) || !revoked[c.Name] && r.Verdict != dcc.VerdictValid {
			t.Errorf("%s: native verdict %s %v", c.Name, r.Verdict, codes(r.Errors))
		}
		g, ok := got.Cases[c.Name]
		if !ok {
			t.Errorf("%s: no answer", c.Name)
			continue
		}
		if !reflect.DeepEqual(g.Pure, want) {
			t.Errorf("%s: pure-Go WebAssembly differs from native\n got %v\nwant %v", c.Name, g.Pure, want)
		}
		if !reflect.DeepEqual(g.Fast, want) {
			t.Errorf("%s: WebCrypto path differs from native\n got %v\nwant %v", c.Name, g.Fast, want)
		}
	}

	// cases[0] is revoked (by its countrycodeuci hash), cases[1] honest.
	if !revoked[cases[0].Name] || revoked[cases[1].Name] {
		t.Fatalf("case order: %s %s", cases[0].Name, cases[1].Name)
	}
	step := func(i int, verdict dcc.Verdict, want ...dcc.Code) {
		t.Helper()
		r := got.Steps[i].Result
		if r.Verdict != verdict || !slices.Equal(codes(r.Errors), want) {
			t.Errorf("step %d: %s %v, want %s %v", i, r.Verdict, codes(r.Errors), verdict, want)
		}
	}
	if s := got.Steps[0].State; s.OK || len(s.Errors) == 0 || s.Errors[0].Code != trustlist.Rollback {
		t.Errorf("older index: %+v, want TRUSTLIST_ROLLBACK", s)
	}
	step(1, dcc.VerdictInvalid, dcc.CertRevoked)
	if s := got.Steps[2].State; s.OK || !slices.Contains(codes(s.Errors), dcc.RevocationStale) {
		t.Errorf("tampered part: %+v, want REVOCATION_STALE", s)
	}
	step(3, dcc.VerdictCannotCheck, dcc.RevocationStale)
	step(4, dcc.VerdictCannotCheck, dcc.RevocationStale)
	if s := got.Steps[5].State; s.OK || !slices.Contains(codes(s.Errors), dcc.RevocationStale) {
		t.Errorf("expired index: %+v, want REVOCATION_STALE", s)
	}
	// An expired list still knows what it revoked: red stays red.
	step(6, dcc.VerdictInvalid, dcc.CertRevoked, dcc.RevocationStale)
	step(7, dcc.VerdictCannotCheck, dcc.RevocationStale)
}

// TestNodeRevocationHostile gives the raw API's loadRevocations arguments
// that are not what it takes: each is refused with INPUT_INVALID first,
// nothing throws, and the module then loads the good data and verifies as
// before. An array whose length grows each time it is read is read once.
func TestNodeRevocationHostile(t *testing.T) {
	m := buildModule(t)
	pub := newPublisher(t)
	now := time.Now().UTC().Truncate(time.Second)
	d := newDSC(t, issuer.EC, now)
	passes := revocationPasses(t, d, now)
	bundle := pub.bundle(t, []*x509.Certificate{d.Cert}, 5, now, time.Hour)
	rev := pub.revocations(t, revokedEntries(t, passes), 1000, now, 48*time.Hour)
	var got struct {
		Answers map[string]struct {
			OK     bool
			Threw  string
			Errors []dcc.Message
		}
		Good struct {
			OK      bool
			Entries int
		}
		Verdict string
	}
	runRevocationNode(t, m, map[string]any{"mode": "hostile", "bundle": b64(bundle), "keys": pub.pem, "revocations": revJSON(rev), "pass": passes["uci"]}, &got)
	want := map[string]dcc.Code{
		"partsNotArray": dcc.InputInvalid, "partsObject": dcc.InputInvalid, "tooManyParts": dcc.InputInvalid,
		"partString": dcc.InputInvalid, "partTooLarge": dcc.InputInvalid, "indexNumber": dcc.InputInvalid,
		"keysNotString": dcc.InputInvalid, "lastSeenNegative": dcc.InputInvalid,
	}
	for name, code := range want {
		a, ok := got.Answers[name]
		switch {
		case !ok:
			t.Errorf("%s: no answer", name)
		case a.Threw != "":
			t.Errorf("%s threw %s", name, a.Threw)
		case a.OK || len(a.Errors) == 0 || a.Errors[0].Code != code:
			t.Errorf("%s: ok %v, errors %+v; want %s first", name, a.OK, a.Errors, code)
		}
	}
	// The lying array is read once, as one part that could not be fetched.
	if a := got.Answers["lyingLength"]; a.Threw != "" || a.OK || len(a.Errors) == 0 || a.Errors[0].Code != dcc.RevocationStale {
		t.Errorf("lyingLength: %+v", a)
	}
	if !got.Good.OK || got.Good.Entries != 3 || got.Verdict != string(dcc.VerdictInvalid) {
		t.Errorf("after the hostile calls: %+v, verdict %s; want the 3 entries loaded and the revoked pass invalid", got.Good, got.Verdict)
	}
}
