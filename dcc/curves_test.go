package dcc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

// ES256 is SHA-256 with ECDSA on the signer's curve (RFC 9053 §2.1): passes
// that member states sign with P-384 keys (and P-521) verify, with the pure
// Go check and with an honest VerifiedBy, and a tampered one does not.
func TestES256OnLargerCurves(t *testing.T) {
	for _, kt := range []issuer.KeyType{issuer.EC, issuer.EC384, issuer.EC521} {
		t.Run(string(kt), func(t *testing.T) {
			d := newDSC(t, kt, 0)
			if d.Alg() != dcc.AlgES256 {
				t.Fatalf("alg %d, want ES256", d.Alg())
			}
			good := issue(t, d, issuer.PassOptions{})
			bad := issue(t, d, issuer.PassOptions{CorruptSignature: true})
			keys := dcc.Signers{d.Signer()}
			for name, opts := range map[string]dcc.Options{
				"pure Go":    {Now: clock},
				"VerifiedBy": {Now: clock, VerifiedBy: honest(t, good)},
			} {
				if r := dcc.Check(good, keys, opts); !r.Valid || r.Signer == nil {
					t.Errorf("%s: valid=%v errors=%v", name, r.Valid, r.Errors)
				}
			}
			r := dcc.Check(bad, keys, dcc.Options{Now: clock})
			if r.Valid || codeSet(r.Errors)[0] != string(dcc.SignatureInvalid) {
				t.Errorf("tampered: valid=%v errors=%v", r.Valid, r.Errors)
			}
		})
	}
}

// A signature of another curve's length is SIGNATURE_INVALID (the key fits
// ES256), and a curve outside P-256, P-384 and P-521 does not fit ES256.
func TestES256CurveMismatch(t *testing.T) {
	d256 := newDSC(t, issuer.EC, 0)
	text := issue(t, d256, issuer.PassOptions{}) // a 64-byte signature
	k384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	s := d256.Signer()
	s.PublicKey = &k384.PublicKey
	var calls int
	r := dcc.Check(text, dcc.Signers{s}, dcc.Options{Now: clock, VerifiedBy: func(dcc.Signer) bool { calls++; return true }})
	if r.Valid || calls != 0 || codeSet(r.Errors)[0] != string(dcc.SignatureInvalid) {
		t.Errorf("P-384 key, 64-byte signature, VerifiedBy: valid=%v errors=%v calls=%d", r.Valid, r.Errors, calls)
	}
	if r := dcc.Check(text, dcc.Signers{s}, dcc.Options{Now: clock}); r.Valid || codeSet(r.Errors)[0] != string(dcc.SignatureInvalid) {
		t.Errorf("P-384 key, 64-byte signature: valid=%v errors=%v", r.Valid, r.Errors)
	}
	k224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	s.PublicKey = &k224.PublicKey
	if r := dcc.Check(text, dcc.Signers{s}, dcc.Options{Now: clock}); r.Valid || codeSet(r.Errors)[0] != string(dcc.AlgorithmUnsupported) {
		t.Errorf("P-224 key: valid=%v errors=%v", r.Valid, r.Errors)
	}
}
