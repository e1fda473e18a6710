package trustlist

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"math/big"
	"testing"
)

// signatureDER encodes r ‖ s as encoding/asn1 does, and refuses a zero r or
// s, as ecdsa.Verify does.
func TestSignatureDER(t *testing.T) {
	raw := func(r, s []byte) []byte {
		out := make([]byte, 64)
		copy(out[32-len(r):32], r)
		copy(out[64-len(s):], s)
		return out
	}
	ff := bytes.Repeat([]byte{0xff}, 32)
	cases := [][]byte{
		raw([]byte{1}, []byte{1}),
		raw([]byte{0x7f}, []byte{0x80}),
		raw(ff, ff),
		raw(ff[:31], []byte{0x00, 0x80, 0x01}),
		raw(bytes.Repeat([]byte{0x12}, 32), bytes.Repeat([]byte{0x9a}, 32)),
	}
	for range 50 {
		b := make([]byte, 64)
		rand.Read(b)
		b[0] &= 0x0f // some with a short r
		cases = append(cases, b)
	}
	for _, c := range cases {
		want, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(c[:32]), new(big.Int).SetBytes(c[32:])})
		if err != nil {
			t.Fatal(err)
		}
		if got := signatureDER(c); !bytes.Equal(got, want) {
			t.Errorf("signatureDER(%x) = %x, want %x", c, got, want)
		}
	}
	for _, c := range [][]byte{raw(nil, []byte{1}), raw([]byte{1}, nil), make([]byte, 64)} {
		if got := signatureDER(c); got != nil {
			t.Errorf("signatureDER(%x) = %x, want nil", c, got)
		}
	}
}

// A signature verifies with signatureDER and VerifyASN1 exactly when it does
// with ecdsa.Verify.
func TestSignatureDERVerifies(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte("bundle"))
	for i := range 4 {
		r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		sig := make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
		if i > 0 {
			sig[i*20] ^= 1 // a broken signature
		}
		r, s = new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		want := ecdsa.Verify(&key.PublicKey, digest[:], r, s)
		der := signatureDER(sig)
		if got := der != nil && ecdsa.VerifyASN1(&key.PublicKey, digest[:], der); got != want || (i == 0) != got {
			t.Errorf("signature %d: VerifyASN1 %v, Verify %v", i, got, want)
		}
	}
}
