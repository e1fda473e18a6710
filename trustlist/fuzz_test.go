package trustlist_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/internal/encode"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// fuzzKey is a fixed publisher key, so that seed bundles signed with it keep
// a valid signature from run to run.
func fuzzKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), []byte("passcheck trust list fuzzing key"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// fuzzPayload returns a valid payload with an EC and an RSA signer, made
// without generating an RSA key: fuzzing instruments crypto/rsa too, and key
// generation would then take most of the time budget.
func fuzzPayload(t testing.TB) wire.Payload {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 2047))
	n.SetBit(n, 2047, 1).SetBit(n, 0, 1)
	p := wire.Payload{
		Version:   wire.Version,
		Sequence:  3,
		IssuedAt:  testNow.Unix(),
		ExpiresAt: testNow.Add(48 * time.Hour).Unix(),
	}
	for i, pub := range []crypto.PublicKey{&ec.PublicKey, &rsa.PublicKey{N: n, E: 65537}} {
		p.Signers = append(p.Signers, wire.Entry{
			KID:       []byte{1, 2, 3, 4, 5, 6, 7, byte(i)},
			Country:   "DE",
			NotBefore: testNow.Add(-time.Hour).Unix(),
			NotAfter:  testNow.Add(time.Hour).Unix(),
			Usage:     uint8(i),
			Subject:   "CN=DSC,C=DE",
			SPKI:      spkiOf(t, pub),
		})
	}
	return p
}

// fuzzPayloadExtra returns fuzzPayload with extra signers (key 9): P-384,
// P-521, and a P-224 one that a reader skips.
func fuzzPayloadExtra(t testing.TB) wire.Payload {
	t.Helper()
	p := fuzzPayload(t)
	for i, c := range []elliptic.Curve{elliptic.P384(), elliptic.P521(), elliptic.P224()} {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		e := p.Signers[0]
		e.KID = []byte{9, 2, 3, 4, 5, 6, 7, byte(i)}
		e.SPKI = spkiOf(t, k.Public())
		p.Extra = append(p.Extra, e)
	}
	return p
}

// checkLoadResult checks what Load or ParseUnverified returned for any input:
// a coded error, or a list whose every signer can be found by its kid.
func checkLoadResult(t *testing.T, l *trustlist.List, err error) {
	t.Helper()
	if err != nil {
		var e *dcc.Error
		if !errors.As(err, &e) || !knownCodes[e.Code] {
			t.Fatalf("error %v (%T) has no known code", err, err)
		}
		if l != nil {
			t.Fatal("a List and an error")
		}
		return
	}
	all := l.All()
	if len(all) != l.Len() || l.Len() > trustlist.MaxSigners {
		t.Fatalf("All() has %d signers, Len() %d", len(all), l.Len())
	}
	// Every signer with a usable key is found by its kid, with that key;
	// one whose key turned out unusable (nil in All) is never handed out.
	for _, s := range all {
		found := false
		for _, g := range l.Signers(s.KID) {
			if g.PublicKey == nil {
				t.Fatalf("Signers(%x) has a signer without a key", s.KID)
			}
			found = found || g.PublicKey == s.PublicKey
		}
		if s.PublicKey != nil && !found {
			t.Fatalf("signer %x not found by its kid", s.KID)
		}
	}
}

// FuzzLoad feeds whole bundles to Load and ParseUnverified.
func FuzzLoad(f *testing.F) {
	key := fuzzKey(f)
	good := sign(f, key, fuzzPayload(f))
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[1:]) // untagged
	p := fuzzPayload(f)
	p.Version = 2
	f.Add(sign(f, key, p))
	f.Add(sign(f, key, fuzzPayloadExtra(f)))
	f.Add(signBytes(f, key, []byte{0xa1, 0x01, 0x01}))
	f.Add([]byte{})
	pinned := []crypto.PublicKey{key.Public()}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := trustlist.Load(b, pinned, testNow, 2)
		checkLoadResult(t, l, err)
		l, err = trustlist.ParseUnverified(b)
		checkLoadResult(t, l, err)
	})
}

// FuzzPayload signs each input as a payload, so that the fuzzer reaches the
// payload checks behind the signature.
func FuzzPayload(f *testing.F) {
	key := fuzzKey(f)
	good, err := encode.Marshal(fuzzPayload(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	extra, err := encode.Marshal(fuzzPayloadExtra(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(extra)
	for _, v := range []any{
		map[int]any{1: 1, 2: 1, 3: 1, 4: 2, 5: []any{}},
		map[int]any{1: 1, 2: 1, 3: 1, 4: 2, 5: []any{map[int]any{1: []byte("12345678"), 2: "DE", 7: []byte{0x30}}}},
		map[int]any{1: 2},
		map[int]any{1: 1, 2: 1, 3: 1, 4: 2, 5: []any{}, 6: map[string]any{"vp": []any{"x"}}},
	} {
		b, err := encode.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0xa2, 0x01, 0x01, 0x01, 0x01})
	pinned := []crypto.PublicKey{key.Public()}
	f.Fuzz(func(t *testing.T, payload []byte) {
		if len(payload) > 1<<16 {
			return
		}
		l, err := trustlist.Load(signBytes(t, key, payload), pinned, testNow, 0)
		checkLoadResult(t, l, err)
	})
}

// FuzzParsePublicKeysPEM: the pinned keys may come from a page's markup (the
// widget's trust-keys attribute). No panic; every key is P-256; every error
// has the code KeyInvalid.
func FuzzParsePublicKeysPEM(f *testing.F) {
	pemText, err := publish.MarshalPublicKeyPEM(fuzzKey(f).Public())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(pemText)
	f.Add(append(append([]byte("two keys:\n"), pemText...), pemText...))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := trustlist.ParsePublicKeysPEM(data)
		if err != nil {
			var e *dcc.Error
			if !errors.As(err, &e) || e.Code != trustlist.KeyInvalid {
				t.Fatalf("error %v (%T) is not KeyInvalid", err, err)
			}
			return
		}
		for _, k := range keys {
			if ek, ok := k.(*ecdsa.PublicKey); !ok || ek.Curve != elliptic.P256() {
				t.Fatalf("a key of type %T", k)
			}
		}
	})
}
