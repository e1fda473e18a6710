//go:build !js

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
)

// outside checks a prepared signature as WebCrypto does, with key i.
func outside(t *testing.T, in *signatureInput, i int) bool {
	t.Helper()
	k, ok := in.Keys[i].(*ecdsa.PublicKey)
	if !ok || k.Curve != elliptic.P256() {
		return false
	}
	d := sha256.Sum256(in.ToBeSigned)
	return ecdsa.Verify(k, d[:], new(big.Int).SetBytes(in.Signature[:32]), new(big.Int).SetBytes(in.Signature[32:]))
}

// The publisher's signature checked outside the module: the load takes the
// key named for the bytes prepared, and for nothing else.
func TestSignatureOutside(t *testing.T) {
	f := newFixture(t)
	other := newPublisher(t)
	pemText := other.pem + f.pub.pem // two pinned keys: the publisher's is the second
	good := f.bundle(t, 10, f.now, time.Hour)
	tampered := slices.Clone(good)
	tampered[len(tampered)-100] ^= 1

	s := newSession()
	in := s.prepareSignature(good, pemText)
	if in == nil || len(in.Keys) != 2 || outside(t, in, 0) || !outside(t, in, 1) {
		t.Fatalf("prepareSignature: %+v", in)
	}
	for _, bad := range []struct {
		name  string
		token uint64
		index int
	}{{"stale token", in.Token + 1, 1}, {"old token", in.Token - 1, 1}, {"index past the keys", in.Token, 2}, {"negative index", in.Token, -1}} {
		if s.signatureVerified(bad.token, bad.index) {
			t.Errorf("%s: accepted", bad.name)
		}
	}
	if !s.signatureVerified(in.Token, 1) || s.signatureVerified(in.Token, 0) {
		t.Fatal("signatureVerified: the key that verified is not taken once")
	}
	// Other bytes, or other keys, do not ride on the answer.
	if got := s.signatureOptions(tampered, pemText); got != nil {
		t.Error("options for other bytes")
	}
	if got := s.signatureOptions(good, f.pub.pem); got != nil {
		t.Error("options for other keys")
	}
	if out := s.load(good, pemText, 0, 0, f.now); !out.OK {
		t.Fatalf("load after the outside check: %+v", out.Errors)
	}
	// The load used the answer up: the token is stale.
	if s.signatureVerified(in.Token, 1) || s.signatureOptions(good, pemText) != nil {
		t.Error("the token outlived the load")
	}

	// A tampered bundle whose signature the outside check (wrongly) says
	// verified loads: the module trusts WebCrypto's yes as it does for a
	// pass. But the answer for the good bundle never carries a tampered one.
	s = newSession()
	in = s.prepareSignature(tampered, pemText)
	s.signatureVerified(in.Token, 1)
	if out := s.load(tampered, pemText, 0, 0, f.now); !out.OK {
		t.Errorf("the outside check's yes was not taken: %+v", out.Errors)
	}
	s = newSession()
	in = s.prepareSignature(good, pemText)
	s.signatureVerified(in.Token, 1)
	only(t, "tampered after good's answer", s.load(tampered, pemText, 0, 0, f.now).Errors, trustlist.SignatureInvalid)
	if s.load(good, pemText, 0, 0, f.now).OK != true {
		t.Error("good bundle, after the answer was spent, with the pure-Go check")
	}

	// Another prepare, or another load, makes a token stale.
	s = newSession()
	in = s.prepareSignature(good, pemText)
	s.prepareSignature(good, pemText)
	if s.signatureVerified(in.Token, 1) {
		t.Error("a token taken after another prepare")
	}
	in = s.prepareSignature(tampered, pemText)
	s.load(good, pemText, 0, 0, f.now)
	if s.signatureVerified(in.Token, 1) {
		t.Error("a token taken after a load")
	}
	s.free()

	// Nothing to check outside: the load says why, with its own code.
	s = newSession()
	for name, tc := range map[string]struct {
		file    []byte
		pemText string
		want    dcc.Code
	}{
		"junk":     {[]byte("junk"), pemText, trustlist.Invalid},
		"bad keys": {good, "no key", trustlist.KeyInvalid},
		"empty":    {nil, pemText, trustlist.Invalid},
	} {
		if in := s.prepareSignature(tc.file, tc.pemText); in != nil {
			t.Errorf("%s: prepared", name)
		}
		only(t, name, s.load(tc.file, tc.pemText, 0, 0, f.now).Errors, tc.want)
	}
}
