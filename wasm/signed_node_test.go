//go:build !js

package main

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
)

// TestNodeSignatureParity loads good and hostile trust lists and
// revocation indexes under Node through the ES module, with the publisher's
// signature checked by the module alone and by WebCrypto, and compares
// each refusal's code with the native load's (trustlist.Load,
// LoadRevocationIndex): a tampered file is refused with the same code on
// both paths, and WebCrypto confirms the signatures of the good ones.
func TestNodeSignatureParity(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	other := newPublisher(t)
	keys := other.pem + f.pub.pem // the publisher's key second: WebCrypto tries the first in vain
	now := f.now
	certs := []*x509.Certificate{f.dsc.Cert}
	good := f.pub.bundle(t, certs, 10, now, time.Hour)
	index := f.pub.revocations(t, nil, 1000, now, 48*time.Hour).Index
	flip := func(b []byte, at int) []byte {
		b = slices.Clone(b)
		b[len(b)+at] ^= 1
		return b
	}
	type signedCase struct {
		name, bundle, index, first, firstIndex string
		wantList, wantIndex                    dcc.Code // "" when native loads it
		firstSeq, firstIndexSeq                uint64
		confirmed                              int // by WebCrypto
	}
	cases := []signedCase{
		{name: "good", bundle: b64(good), index: b64(index), confirmed: 2},
		{name: "bundle/tampered payload", bundle: b64(flip(good, -100))},
		{name: "bundle/tampered signature", bundle: b64(flip(good, -1))},
		{name: "bundle/other key", bundle: b64(newPublisher(t).bundle(t, certs, 10, now, time.Hour))},
		{name: "bundle/junk", bundle: b64([]byte("junk, not a bundle"))},
		{name: "bundle/truncated", bundle: b64(good[:len(good)/2])},
		{name: "bundle/an index", bundle: b64(index), confirmed: 1},
		{name: "bundle/expired", bundle: b64(f.pub.bundle(t, certs, 11, now.Add(-3*time.Hour), time.Hour)), confirmed: 1},
		{name: "bundle/rolled back", first: b64(f.pub.bundle(t, certs, 20, now, time.Hour)), firstSeq: 20, bundle: b64(good), confirmed: 1},
		{name: "index/tampered", bundle: b64(good), index: b64(flip(index, -40)), confirmed: 1},
		{name: "index/other key", bundle: b64(good), index: b64(newPublisher(t).revocations(t, nil, 1000, now, 48*time.Hour).Index), confirmed: 1},
		{name: "index/a bundle", bundle: b64(good), index: b64(good), confirmed: 2},
		{name: "index/rolled back", first: b64(good), firstIndex: b64(f.pub.revocations(t, nil, 1001, now, 48*time.Hour).Index), firstIndexSeq: 1001, bundle: b64(good), index: b64(index), confirmed: 2},
	}
	pinned, err := trustlist.ParsePublicKeysPEM([]byte(keys))
	if err != nil {
		t.Fatal(err)
	}
	code := func(err error) dcc.Code {
		var de *dcc.Error
		if err != nil && !errors.As(err, &de) {
			t.Fatalf("not a *dcc.Error: %v", err)
		}
		if de == nil {
			return ""
		}
		return de.Code
	}
	job := []map[string]any{}
	for i := range cases {
		c := &cases[i]
		bundle, _ := b64dec(c.bundle)
		_, err := trustlist.Load(bundle, pinned, time.Now(), c.firstSeq)
		c.wantList = code(err)
		if c.index != "" {
			ix, _ := b64dec(c.index)
			_, err := trustlist.LoadRevocationIndex(ix, pinned, c.firstIndexSeq)
			c.wantIndex = code(err)
		}
		j := map[string]any{"name": c.name, "bundle": c.bundle}
		for k, v := range map[string]string{"index": c.index, "first": c.first, "firstIndex": c.firstIndex} {
			if v != "" {
				j[k] = v
			}
		}
		job = append(job, j)
	}
	type side struct {
		List      []dcc.Code
		ListOK    bool
		Index     []dcc.Code
		Confirmed int
	}
	var got map[string]struct{ Pure, Fast side }
	runNodeScript(t, m, "signed.mjs", 3*time.Minute, map[string]any{"mode": "parity", "keys": keys, "cases": job}, &got)

	refusals := 0
	for _, c := range cases {
		g, ok := got[c.name]
		if !ok {
			t.Errorf("%s: no answer", c.name)
			continue
		}
		for path, s := range map[string]side{"pure Go": g.Pure, "WebCrypto": g.Fast} {
			if c.wantList == "" && (!s.ListOK || len(s.List) != 0) || c.wantList != "" && !slices.Equal(s.List, []dcc.Code{c.wantList}) {
				t.Errorf("%s, %s: the list's load said %v, native %q", c.name, path, s.List, c.wantList)
			}
			if c.index == "" {
				continue
			}
			first := dcc.Code("")
			if len(s.Index) > 0 && s.Index[0] != dcc.RevocationStale {
				first = s.Index[0]
			}
			if first != c.wantIndex {
				t.Errorf("%s, %s: the index's load said %v, native %q", c.name, path, s.Index, c.wantIndex)
			}
		}
		if !slices.Equal(g.Pure.Index, g.Fast.Index) {
			t.Errorf("%s: the index's load said %v in pure Go, %v with WebCrypto", c.name, g.Pure.Index, g.Fast.Index)
		}
		if g.Pure.Confirmed != 0 || g.Fast.Confirmed != c.confirmed {
			t.Errorf("%s: WebCrypto confirmed %d signatures in pure Go, %d with WebCrypto; want 0 and %d", c.name, g.Pure.Confirmed, g.Fast.Confirmed, c.confirmed)
		}
		if c.wantList != "" || c.wantIndex != "" {
			refusals++
		}
	}
	if refusals < 10 {
		t.Errorf("%d refusals among the cases: the hostile set lost its teeth", refusals)
	}
}

// TestNodeSignatureTokens gives the raw API's outside check stale tokens,
// key indexes out of range and arguments it does not take: each is
// refused, none throws, and an answer for one file never carries another.
func TestNodeSignatureTokens(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	keys := newPublisher(t).pem + f.pub.pem
	good := f.bundle(t, 10, f.now, time.Hour)
	tampered := slices.Clone(good)
	tampered[len(tampered)-100] ^= 1
	var got struct {
		Prepared struct {
			Token    string
			Keys     []string
			TBS, Sig int
		}
		Stale, OutOfRange, Negative, Fraction, NotNumber, Missing bool
		Valid, Twice                                              bool
		TamperedAfterGood                                         []dcc.Code
		AfterLoad, AfterRevocations, AfterPrepare                 bool
		Nothing                                                   map[string]any
		Verdict                                                   string
		LiedPure, LiedFast                                        []dcc.Code
	}
	runNodeScript(t, m, "signed.mjs", time.Minute, map[string]any{
		"mode": "tokens", "keys": keys, "good": b64(good), "tampered": b64(tampered),
		"index": b64(f.pub.revocations(t, nil, 1, f.now, time.Hour).Index), "pass": f.pass,
	}, &got)
	if p := got.Prepared; p.Token != "number" || !slices.Equal(p.Keys, []string{"P-256", "P-256"}) || p.Sig != 64 || p.TBS <= len(good)-100 {
		t.Errorf("prepareSignature: %+v", p)
	}
	for name, accepted := range map[string]bool{
		"stale token": got.Stale, "key index out of range": got.OutOfRange, "negative key index": got.Negative,
		"fractional key index": got.Fraction, "token not a number": got.NotNumber, "no arguments": got.Missing,
		"a second answer": got.Twice, "a token after a load": got.AfterLoad,
		"a token after loadRevocations": got.AfterRevocations, "a token after another prepare": got.AfterPrepare,
	} {
		if accepted {
			t.Errorf("%s: accepted", name)
		}
	}
	if !got.Valid {
		t.Error("the key that verified was refused")
	}
	if !slices.Equal(got.TamperedAfterGood, []dcc.Code{trustlist.SignatureInvalid}) {
		t.Errorf("a tampered bundle after the good one's answer: %v, want TRUSTLIST_SIGNATURE_INVALID", got.TamperedAfterGood)
	}
	for _, name := range []string{"junk", "string", "badKeys", "keysNotString", "none", "huge"} {
		if v, ok := got.Nothing[name]; !ok || v != nil {
			t.Errorf("prepareSignature(%s): %v, want null", name, v)
		}
	}
	// A WebCrypto that says yes to anything is believed on its path, as
	// for a pass: the path is live; the pure-Go path refuses.
	if !slices.Equal(got.LiedPure, []dcc.Code{trustlist.SignatureInvalid}) || len(got.LiedFast) != 0 {
		t.Errorf("a tampered bundle with a lying WebCrypto: pure Go %v, WebCrypto path %v; want TRUSTLIST_SIGNATURE_INVALID and none", got.LiedPure, got.LiedFast)
	}
	// The session still works: its list loaded, its revocation data said
	// missing (loadRevocations(null)): amber.
	if got.Verdict != string(dcc.VerdictCannotCheck) {
		t.Errorf("verdict after the calls: %s", got.Verdict)
	}
}

func b64dec(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }
