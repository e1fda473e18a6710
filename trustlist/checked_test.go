package trustlist_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// verifiesOutside checks, as WebCrypto does, the signature SignatureInput
// returns over the bytes it returns: ECDSA P-256 with SHA-256, r ‖ s.
func verifiesOutside(pub crypto.PublicKey, tbs, sig []byte) bool {
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok || len(sig) != 64 {
		return false
	}
	d := sha256.Sum256(tbs)
	return ecdsa.Verify(k, d[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
}

func codeOf(err error) dcc.Code {
	var de *dcc.Error
	if errors.As(err, &de) {
		return de.Code
	}
	return ""
}

// SignatureInput returns what the publisher signed, so that a signature
// checked outside (WebCrypto) verifies exactly when Load's own check does,
// for bundles and revocation indexes.
func TestSignatureInput(t *testing.T) {
	f := loadFixture(t)
	bundle := f.bundle(t, f.pub1, 7)
	index := signIndex(t, indexPayload(3, 2))
	tampered := append([]byte(nil), bundle...)
	tampered[len(tampered)-100] ^= 1
	for _, tc := range []struct {
		name string
		file []byte
		key  crypto.PublicKey
		want bool
	}{
		{"bundle", bundle, f.pub1.Public(), true},
		{"bundle, other key", bundle, f.pub2.Public(), false},
		{"tampered bundle", tampered, f.pub1.Public(), false},
		{"index", index, fuzzKey(t).Public(), true},
		{"index, other key", index, f.pub1.Public(), false},
	} {
		tbs, sig, err := trustlist.SignatureInput(tc.file)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := verifiesOutside(tc.key, tbs, sig); got != tc.want {
			t.Errorf("%s: verifies %v, want %v", tc.name, got, tc.want)
		}
	}
	for name, b := range map[string][]byte{"empty": nil, "junk": []byte("junk"), "truncated": bundle[:len(bundle)/2]} {
		if _, _, err := trustlist.SignatureInput(b); codeOf(err) != trustlist.Invalid {
			t.Errorf("%s: %v, want %s", name, err, trustlist.Invalid)
		}
	}
}

// WithSignatureCheckedBy skips the signature check only for a named pinned
// P-256 key; every other check stays.
func TestWithSignatureCheckedBy(t *testing.T) {
	f := loadFixture(t)
	bundle := f.bundle(t, f.pub1, 7)
	tampered := append([]byte(nil), bundle...)
	tampered[len(tampered)-100] ^= 1
	pinned := []crypto.PublicKey{f.pub2.Public(), f.pub1.Public()}
	l, err := trustlist.Load(bundle, pinned, testNow, 0, trustlist.WithSignatureCheckedBy(1))
	if err != nil || l.Sequence != 7 || l.Len() != len(f.dscs) {
		t.Fatalf("checked by key 1: %v", err)
	}
	// The caller's word is taken for the key it names: a tampered bundle
	// then loads (the caller must have checked these very bytes).
	if _, err := trustlist.Load(tampered, pinned, testNow, 0, trustlist.WithSignatureCheckedBy(0)); err != nil {
		t.Fatalf("tampered, checked by key 0: %v", err)
	}
	rsaKey := f.dscs[2].Cert.PublicKey // an RSA key: never a publisher's
	for _, tc := range []struct {
		name   string
		bundle []byte
		pinned []crypto.PublicKey
		i      int
		seen   uint64
		now    time.Time
		want   dcc.Code // "": loads
	}{
		// An index that names no pinned P-256 key: Load checks the
		// signature itself.
		{"tampered, index past the keys", tampered, pinned, 2, 0, testNow, trustlist.SignatureInvalid},
		{"tampered, negative index", tampered, pinned, -1, 0, testNow, trustlist.SignatureInvalid},
		{"tampered, no pinned key", tampered, nil, 0, 0, testNow, trustlist.SignatureInvalid},
		{"tampered, an RSA key", tampered, []crypto.PublicKey{rsaKey, f.pub1.Public()}, 0, 0, testNow, trustlist.SignatureInvalid},
		{"good, index past the keys", bundle, pinned, 2, 0, testNow, ""},
		{"good, negative index", bundle, pinned, -1, 0, testNow, ""},
		{"good, an RSA key", bundle, []crypto.PublicKey{rsaKey, f.pub1.Public()}, 0, 0, testNow, ""},
		// The other checks stay.
		{"rollback", bundle, pinned, 1, 8, testNow, trustlist.Rollback},
		{"expired", bundle, pinned, 1, 0, testNow.Add(49 * time.Hour), trustlist.Expired},
	} {
		_, err := trustlist.Load(tc.bundle, tc.pinned, tc.now, tc.seen, trustlist.WithSignatureCheckedBy(tc.i))
		if codeOf(err) != tc.want {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// The payload's format is still checked: a revocation index is no
	// bundle, nor a bundle an index.
	index := signIndex(t, indexPayload(3, 2))
	ixPinned := []crypto.PublicKey{fuzzKey(t).Public()}
	if _, err := trustlist.Load(index, ixPinned, testNow, 0, trustlist.WithSignatureCheckedBy(0)); err == nil {
		t.Error("an index loaded as a bundle")
	}
	if _, err := trustlist.LoadRevocationIndex(bundle, pinned, 0, trustlist.WithSignatureCheckedBy(1)); codeOf(err) == "" {
		t.Error("a bundle loaded as an index")
	}
	ix, err := trustlist.LoadRevocationIndex(index, ixPinned, 0, trustlist.WithSignatureCheckedBy(0))
	if err != nil || ix.Sequence != 3 {
		t.Fatalf("index checked by key 0: %v", err)
	}
	for name, tc := range map[string]struct {
		i    int
		seen uint64
		want dcc.Code
	}{"index past the keys (checked in Go)": {1, 0, ""}, "rollback": {0, 4, trustlist.Rollback}} {
		if _, err := trustlist.LoadRevocationIndex(index, ixPinned, tc.seen, trustlist.WithSignatureCheckedBy(tc.i)); codeOf(err) != tc.want {
			t.Errorf("index, %s: %v, want %q", name, err, tc.want)
		}
	}
	// A signature of the wrong length is refused before any key is named.
	short, err := publish.Sign(f.pub1, f.payload())
	if err != nil {
		t.Fatal(err)
	}
	short = short[:len(short)-1]
	short[len(short)-64] = 63 // the signature's head: a byte string of 63 bytes
	if _, err := trustlist.Load(short, pinned, testNow, 0, trustlist.WithSignatureCheckedBy(1)); codeOf(err) != trustlist.SignatureInvalid {
		t.Errorf("a 63-byte signature: %v, want %s", err, trustlist.SignatureInvalid)
	}
	if _, _, err := trustlist.SignatureInput(short); codeOf(err) != trustlist.SignatureInvalid {
		t.Errorf("SignatureInput of a 63-byte signature: %v, want %s", err, trustlist.SignatureInvalid)
	}

}
