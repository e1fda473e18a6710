package spki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"math/big"
	"strings"
	"testing"
)

// rsaSPKI returns the SPKI of an RSA public key with a random odd modulus of
// the given size: Parse does not test primality, and generating real 4096-bit
// keys takes seconds.
func rsaSPKI(t testing.TB, bits, e int) []byte {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits-1)))
	if err != nil {
		t.Fatal(err)
	}
	n.SetBit(n, bits-1, 1)
	n.SetBit(n, 0, 1)
	der, err := x509.MarshalPKIXPublicKey(&rsa.PublicKey{N: n, E: e})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func ecSPKI(t testing.TB, c elliptic.Curve) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestParseAgreesWithX509(t *testing.T) {
	for _, tc := range []struct {
		name string
		der  []byte
	}{
		{"P-256", ecSPKI(t, elliptic.P256())},
		{"P-384", ecSPKI(t, elliptic.P384())},
		{"P-521", ecSPKI(t, elliptic.P521())},
		{"RSA-2048", rsaSPKI(t, 2048, 65537)},
		{"RSA-3072", rsaSPKI(t, 3072, 65537)},
		{"RSA-4096", rsaSPKI(t, 4096, 3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.der)
			if err != nil {
				t.Fatal(err)
			}
			kind, err := Check(tc.der)
			wantKind := RSA
			if k, ok := got.(*ecdsa.PublicKey); ok {
				wantKind = map[string]Kind{"P-256": P256, "P-384": P384, "P-521": P521}[k.Curve.Params().Name]
			}
			wantName := "ECDSA " + tc.name
			if wantKind == RSA {
				wantName = "RSA"
			}
			if kind.String() != wantName {
				t.Errorf("Kind.String = %q, want %q", kind, wantName)
			}
			if kind.Baseline() != (wantKind == P256 || wantKind == RSA) {
				t.Errorf("%v.Baseline() = %v", kind, kind.Baseline())
			}
			if err != nil || kind != wantKind {
				t.Fatalf("Check = %v, %v; want %v", kind, err, wantKind)
			}
			want, err := x509.ParsePKIXPublicKey(tc.der)
			if err != nil {
				t.Fatal(err)
			}
			if !got.(interface{ Equal(crypto.PublicKey) bool }).Equal(want) {
				t.Fatalf("Parse = %v, x509 = %v", got, want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	edDER, err := x509.MarshalPKIXPublicKey(edPub)
	if err != nil {
		t.Fatal(err)
	}
	good := ecSPKI(t, elliptic.P256())
	offCurve := bytes.Clone(good)
	offCurve[len(offCurve)-1] ^= 1
	good384 := ecSPKI(t, elliptic.P384())
	offCurve384 := bytes.Clone(good384)
	offCurve384[len(offCurve384)-1] ^= 1
	// A P-384 key whose point has the length of a P-256 one.
	short384 := append(bytes.Clone(good384[:len(good384)-97]), good[len(good)-65:]...)
	short384[1] -= 32
	short384[len(good384)-97-2] -= 32
	compressed := bytes.Clone(good)
	compressed[len(p256Prefix)] = 0x02
	rsaGood := rsaSPKI(t, 2048, 65537)
	noNull := append([]byte{0x30, 0x82, 0x01, 0x20, 0x30, 0x0b}, rsaGood[6:17]...) // OID without NULL
	noNull = append(noNull, rsaGood[19:]...)
	noNull[2], noNull[3] = byte((len(noNull)-4)>>8), byte(len(noNull)-4)
	for _, tc := range []struct {
		name        string
		der         []byte
		unsupported bool
	}{
		{"empty", nil, false},
		{"truncated", good[:len(good)-1], false},
		{"trailing byte", append(bytes.Clone(good), 0), false},
		{"not a sequence", append([]byte{0x31}, good[1:]...), false},
		{"point off the curve", offCurve, false},
		{"compressed point tag", compressed, false},
		{"non-minimal length", append([]byte{0x30, 0x81, 0x59}, good[2:]...), false},
		{"indefinite length", append([]byte{0x30, 0x80}, good[2:]...), false},
		{"unused bits", func() []byte { b := bytes.Clone(good); b[len(p256Prefix)-1] = 1; return b }(), false},
		{"RSA without NULL parameters", noNull, false},
		{"RSA even exponent", rsaSPKI(t, 2048, 65536), false},
		{"RSA exponent 1", rsaSPKI(t, 2048, 1), false},
		{"too long", make([]byte, MaxLen+1), false},
		{"P-384 point off the curve", offCurve384, false},
		{"P-384 point of 65 bytes", short384, false},
		{"P-224", ecSPKI(t, elliptic.P224()), true},
		{"Ed25519", edDER, true},
		{"RSA-1024", rsaSPKI(t, 1024, 65537), true},
		{"RSA-2047", rsaSPKI(t, 2047, 65537), true},
		{"RSA-8192", rsaSPKI(t, 8192, 65537), false}, // longer than MaxLen
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := Parse(tc.der)
			if err == nil {
				t.Fatalf("Parse accepted it: %T", k)
			}
			if got := errors.Is(err, ErrUnsupported); got != tc.unsupported {
				t.Errorf("errors.Is(%v, ErrUnsupported) = %v, want %v", err, got, tc.unsupported)
			}
			// Check refuses the same, except a point off the curve,
			// which only Parse looks at.
			kind, err := Check(tc.der)
			if strings.HasSuffix(tc.name, "point off the curve") {
				if err != nil || kind.Baseline() != (kind == P256) || (kind != P256 && kind != P384) {
					t.Fatalf("Check = %v, %v; want an EC kind and no error (the curve check is Parse's)", kind, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check accepted it: %v", kind)
			}
			if got := errors.Is(err, ErrUnsupported); got != tc.unsupported {
				t.Errorf("Check: errors.Is(%v, ErrUnsupported) = %v, want %v", err, got, tc.unsupported)
			}
		})
	}
}

func TestMarshalP256(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	got, err := MarshalP256(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if !bytes.Equal(got, want) {
		t.Fatalf("MarshalP256 = %x\nx509        = %x", got, want)
	}
	k384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if _, err := MarshalP256(&k384.PublicKey); !errors.Is(err, ErrUnsupported) {
		t.Errorf("MarshalP256(P-384) error = %v, want ErrUnsupported", err)
	}
}

// FuzzParse checks that Parse never panics and accepts nothing that
// crypto/x509 rejects or reads differently, and that Check accepts what
// Parse accepts, and more only for EC points (Parse's curve check).
func FuzzParse(f *testing.F) {
	f.Add(ecSPKI(f, elliptic.P256()))
	f.Add(ecSPKI(f, elliptic.P384()))
	f.Add(ecSPKI(f, elliptic.P521()))
	f.Add(ecSPKI(f, elliptic.P224()))
	f.Add(rsaSPKI(f, 2048, 65537))
	f.Add(rsaSPKI(f, 3072, 3))
	f.Add([]byte{0x30, 0x03, 0x30, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		kind, checkErr := Check(der)
		got, err := Parse(der)
		if err != nil {
			if checkErr == nil && kind == RSA {
				t.Fatalf("Check accepted an %v key that Parse refuses (%v): %x", kind, err, der)
			}
			return
		}
		if checkErr != nil {
			t.Fatalf("Check refused what Parse accepts (%v): %x", checkErr, der)
		}
		want, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			t.Fatalf("Parse accepted what x509 rejects (%v): %x", err, der)
		}
		if !got.(interface{ Equal(crypto.PublicKey) bool }).Equal(want) {
			t.Fatalf("Parse = %v, x509 = %v", got, want)
		}
	})
}
