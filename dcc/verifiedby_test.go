package dcc_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
	"reflect"
	"testing"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

// honest is an Options.VerifiedBy that really verifies, as the WebAssembly
// build's WebCrypto does.
func honest(t *testing.T, text string) func(dcc.Signer) bool {
	p, err := dcc.Decode(text)
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256(p.ToBeSigned())
	sig := p.Signature()
	return func(s dcc.Signer) bool {
		switch k := s.PublicKey.(type) {
		case *ecdsa.PublicKey:
			n := 2 * ((k.Curve.Params().N.BitLen() + 7) / 8)
			return len(sig) == n && ecdsa.Verify(k, digest[:], new(big.Int).SetBytes(sig[:n/2]), new(big.Int).SetBytes(sig[n/2:]))
		case *rsa.PublicKey:
			return rsa.VerifyPSS(k, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: 32}) == nil
		}
		return false
	}
}

// An honest VerifiedBy gives the same Result as the pure-Go check on every
// vector.
func TestVerifiedByHonestMatchesPureGo(t *testing.T) {
	vs, keys := readVectors(t)
	for _, v := range vs {
		if _, err := dcc.Decode(v.Text); err != nil {
			continue
		}
		want := dcc.Check(v.Text, keys, dcc.Options{Now: v.Now})
		got := dcc.Check(v.Text, keys, dcc.Options{Now: v.Now, VerifiedBy: honest(t, v.Text)})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", v.Name, got, want)
		}
	}
}

// A false claim of success is believed only for a trusted signer that the
// KeyProvider gives for the pass's kid and whose key fits the algorithm; the
// default path never consults a caller.
func TestVerifiedByFalseClaim(t *testing.T) {
	d := newDSC(t, issuer.EC, 0)
	tampered := issue(t, d, issuer.PassOptions{CorruptSignature: true})
	liar := func(calls *[]dcc.Signer) func(dcc.Signer) bool {
		return func(s dcc.Signer) bool { *calls = append(*calls, s); return true }
	}

	// Without the opt-in, the pure-Go check refuses the tampered pass.
	r := dcc.Check(tampered, dcc.Signers{d.Signer()}, dcc.Options{Now: clock})
	if r.Valid || codeSet(r.Errors)[0] != string(dcc.SignatureInvalid) {
		t.Fatalf("pure Go: valid=%v errors=%v", r.Valid, r.Errors)
	}

	// With the opt-in and the trusted signer, the claim is believed.
	var calls []dcc.Signer
	r = dcc.Check(tampered, dcc.Signers{d.Signer()}, dcc.Options{Now: clock, VerifiedBy: liar(&calls)})
	if !r.Valid || len(calls) != 1 || !reflect.DeepEqual(calls[0], d.Signer()) {
		t.Errorf("opt-in with the signer: valid=%v errors=%v calls=%d", r.Valid, r.Errors, len(calls))
	}

	// No signer with the kid: the claim is never asked for, and the pass fails.
	stranger := newDSC(t, issuer.EC, 0)
	for _, keys := range []dcc.KeyProvider{nil, dcc.Signers{}, dcc.Signers{stranger.Signer()}} {
		calls = nil
		r = dcc.Check(tampered, keys, dcc.Options{Now: clock, VerifiedBy: liar(&calls)})
		if r.Valid || len(calls) != 0 || codeSet(r.Errors)[0] != string(dcc.KIDUnknown) {
			t.Errorf("keys %v: valid=%v errors=%v calls=%d", keys, r.Valid, r.Errors, len(calls))
		}
	}

	// A signer with the kid whose key does not fit the algorithm (an RSA
	// key for an ES256 pass, a P-224 key): not asked, ALGORITHM_UNSUPPORTED.
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	for _, pub := range []crypto.PublicKey{&rsaKey.PublicKey, &p224.PublicKey} {
		s := d.Signer()
		s.PublicKey = pub
		calls = nil
		r = dcc.Check(tampered, dcc.Signers{s}, dcc.Options{Now: clock, VerifiedBy: liar(&calls)})
		if r.Valid || len(calls) != 0 || codeSet(r.Errors)[0] != string(dcc.AlgorithmUnsupported) {
			t.Errorf("%T: valid=%v errors=%v calls=%d", pub, r.Valid, r.Errors, len(calls))
		}
	}

	// A caller that says no for every signer: SIGNATURE_INVALID, even for an
	// untouched pass.
	good := issue(t, d, issuer.PassOptions{})
	r = dcc.Check(good, dcc.Signers{d.Signer()}, dcc.Options{Now: clock, VerifiedBy: func(dcc.Signer) bool { return false }})
	if r.Valid || codeSet(r.Errors)[0] != string(dcc.SignatureInvalid) {
		t.Errorf("all refused: valid=%v errors=%v", r.Valid, r.Errors)
	}
}

// With two signers sharing a kid, the one the caller names is the signer.
func TestVerifiedBySharedKID(t *testing.T) {
	d, text, impostor := sharedKIDFixture(t)
	r := dcc.Check(text, dcc.Signers{impostor, d.Signer()}, dcc.Options{Now: clock, VerifiedBy: honest(t, text)})
	if !r.Valid || r.Signer == nil || r.Signer.Country != "VN" {
		t.Errorf("valid=%v signer=%+v errors=%v", r.Valid, r.Signer, r.Errors)
	}
}
