// Package spki parses and writes the X.509 SubjectPublicKeyInfo (RFC 5280
// §4.1.2.7) of the key types that EU DCC signers use: ECDSA on P-256 (the
// norm), P-384 and P-521 (which some states use under ES256), and RSA,
// without crypto/x509 (which would add about 570 KB to the WebAssembly build).
//
// Only DER is accepted: definite, minimal lengths; minimal, positive INTEGERs;
// no trailing bytes.
package spki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	"math/bits"
	"slices"
)

// MaxLen caps an encoded SubjectPublicKeyInfo: an RSA-4096 key takes 550 bytes.
const MaxLen = 1024

// The RSA modulus sizes that [Parse] accepts, in bits.
var rsaSizes = [...]int{2048, 3072, 4096}

// DER encodings of the algorithm identifiers' OIDs (without tag and length).
var (
	oidECPublicKey   = []byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}             // 1.2.840.10045.2.1
	oidP256          = []byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}       // 1.2.840.10045.3.1.7
	oidP384          = []byte{0x2b, 0x81, 0x04, 0x00, 0x22}                         // 1.3.132.0.34
	oidP521          = []byte{0x2b, 0x81, 0x04, 0x00, 0x23}                         // 1.3.132.0.35
	oidRSAEncryption = []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01} // 1.2.840.113549.1.1.1
)

// ASN.1 universal tags used here.
const (
	tagInteger   = 0x02
	tagBitString = 0x03
	tagNull      = 0x05
	tagOID       = 0x06
	tagSequence  = 0x30
)

// ErrUnsupported is wrapped by [Parse] errors for well-formed keys of a type or
// size it does not accept (another curve, RSA-1024, Ed25519, …).
var ErrUnsupported = errors.New("unsupported key type")

// Kind is the type of key that [Check] found.
type Kind uint8

// The kinds of key.
const (
	P256 Kind = 1 + iota // ECDSA on P-256
	RSA                  // RSA of 2048, 3072 or 4096 bits
	P384                 // ECDSA on P-384
	P521                 // ECDSA on P-521
)

// String names the kind for people: "ECDSA P-256", "RSA".
func (k Kind) String() string {
	switch k {
	case P256:
		return "ECDSA P-256"
	case RSA:
		return "RSA"
	case P384:
		return "ECDSA P-384"
	case P521:
		return "ECDSA P-521"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Baseline reports whether every reader of bundle format 1 accepts keys of
// kind k among the signers of payload key 5: P-256 and RSA. Readers before
// P-384 and P-521 were added refuse the whole bundle on any other kind
// there, so the builder puts those signers under the extra signers' key,
// which such readers skip (see trustlist/internal/wire).
func (k Kind) Baseline() bool { return k == P256 || k == RSA }

// curve returns the curve of an EC kind, and its field size in bytes.
func (k Kind) curve() (elliptic.Curve, int) {
	switch k {
	case P256:
		return elliptic.P256(), 32
	case P384:
		return elliptic.P384(), 48
	case P521:
		return elliptic.P521(), 66
	}
	return nil, 0
}

// Parse returns the *ecdsa.PublicKey (P-256, P-384 or P-521, point checked
// to be on the curve) or *rsa.PublicKey (2048, 3072 or 4096 bits; odd
// exponent from 3 to 2³¹−1) that der encodes.
func Parse(der []byte) (crypto.PublicKey, error) {
	k, err := check(der)
	if err != nil {
		return nil, err
	}
	if c, _ := k.kind.curve(); c != nil {
		pub, err := ecdsa.ParseUncompressedPublicKey(c, k.point)
		if err != nil {
			return nil, fmt.Errorf("spki: %s point: %v", c.Params().Name, err)
		}
		return pub, nil
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(k.n), E: k.e}, nil
}

// Check does what [Parse] does without building the key, and so without the
// one costly step: it does not check that an EC point is on the curve (nor
// that its coordinates are below the field's prime). Everything else is
// checked: the DER, the algorithm and curve, an uncompressed point of the
// curve's size (65 bytes for P-256), the RSA modulus size and parity and the
// exponent. A key that Check accepts and Parse refuses is an EC point off
// the curve.
func Check(der []byte) (Kind, error) {
	k, err := check(der)
	return k.kind, err
}

// key is what check read: the point of an EC key, or the modulus and
// exponent of an RSA key.
type key struct {
	kind  Kind
	point []byte
	n     []byte
	e     int
}

func check(der []byte) (key, error) {
	if len(der) > MaxLen {
		return key{}, fmt.Errorf("spki: %d bytes, more than %d", len(der), MaxLen)
	}
	spki, rest, err := read(der, tagSequence)
	if err != nil {
		return key{}, err
	}
	if len(rest) != 0 {
		return key{}, errors.New("spki: trailing bytes")
	}
	algID, spki, err := read(spki, tagSequence)
	if err != nil {
		return key{}, err
	}
	bitString, spki, err := read(spki, tagBitString)
	if err != nil {
		return key{}, err
	}
	if len(spki) != 0 {
		return key{}, errors.New("spki: trailing fields")
	}
	if len(bitString) == 0 || bitString[0] != 0 {
		return key{}, errors.New("spki: the key bit string has unused bits")
	}
	pub := bitString[1:]
	oid, params, err := read(algID, tagOID)
	if err != nil {
		return key{}, err
	}
	switch {
	case bytes.Equal(oid, oidECPublicKey):
		curve, rest, err := read(params, tagOID)
		if err != nil {
			return key{}, err
		}
		if len(rest) != 0 {
			return key{}, errors.New("spki: trailing algorithm parameters")
		}
		var kind Kind
		switch {
		case bytes.Equal(curve, oidP256):
			kind = P256
		case bytes.Equal(curve, oidP384):
			kind = P384
		case bytes.Equal(curve, oidP521):
			kind = P521
		default:
			return key{}, fmt.Errorf("spki: EC curve %x, not P-256, P-384 or P-521: %w", curve, ErrUnsupported)
		}
		// SEC 1 §2.3.3: an uncompressed point is 0x04 ‖ x ‖ y.
		c, size := kind.curve()
		if len(pub) != 1+2*size || pub[0] != 4 {
			return key{}, fmt.Errorf("spki: %s point: not an uncompressed point of %d bytes", c.Params().Name, 1+2*size)
		}
		return key{kind: kind, point: pub}, nil
	case bytes.Equal(oid, oidRSAEncryption):
		// RFC 3279 §2.3.1: the parameters are NULL (crypto/x509 also
		// rejects keys that omit them).
		null, rest, err := read(params, tagNull)
		if err != nil {
			return key{}, err
		}
		if len(null) != 0 || len(rest) != 0 {
			return key{}, errors.New("spki: RSA parameters are not NULL")
		}
		return checkRSA(pub)
	}
	return key{}, fmt.Errorf("spki: algorithm OID %x: %w", oid, ErrUnsupported)
}

// checkRSA reads RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
func checkRSA(b []byte) (key, error) {
	seq, rest, err := read(b, tagSequence)
	if err != nil {
		return key{}, err
	}
	if len(rest) != 0 {
		return key{}, errors.New("spki: trailing bytes after the RSA key")
	}
	n, seq, err := readUint(seq)
	if err != nil {
		return key{}, err
	}
	e, seq, err := readUint(seq)
	if err != nil {
		return key{}, err
	}
	if len(seq) != 0 {
		return key{}, errors.New("spki: trailing RSA key fields")
	}
	// readUint leaves no leading zero byte, except in the value 0 itself.
	size := 8*(len(n)-1) + bits.Len8(n[0])
	if !slices.Contains(rsaSizes[:], size) {
		return key{}, fmt.Errorf("spki: RSA-%d: %w", size, ErrUnsupported)
	}
	if n[len(n)-1]&1 == 0 {
		return key{}, errors.New("spki: the RSA modulus is even")
	}
	if len(e) > 4 {
		return key{}, errors.New("spki: the RSA exponent is too large")
	}
	var E int64
	for _, c := range e {
		E = E<<8 | int64(c)
	}
	if E < 3 || E > 1<<31-1 || E&1 == 0 {
		return key{}, fmt.Errorf("spki: RSA exponent %d", E)
	}
	return key{kind: RSA, n: n, e: int(E)}, nil
}

// readUint reads a non-negative DER INTEGER and returns its magnitude without
// the leading zero byte.
func readUint(b []byte) (v, rest []byte, err error) {
	v, rest, err = read(b, tagInteger)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case len(v) == 0:
		return nil, nil, errors.New("spki: empty INTEGER")
	case v[0]&0x80 != 0:
		return nil, nil, errors.New("spki: negative INTEGER")
	case len(v) > 1 && v[0] == 0 && v[1]&0x80 == 0:
		return nil, nil, errors.New("spki: INTEGER not minimally encoded")
	case v[0] == 0 && len(v) > 1:
		v = v[1:]
	}
	return v, rest, nil
}

// read reads one DER element with the given tag from b and returns its
// contents and what follows it.
func read(b []byte, tag byte) (content, rest []byte, err error) {
	if len(b) < 2 {
		return nil, nil, errors.New("spki: truncated")
	}
	if b[0] != tag {
		return nil, nil, fmt.Errorf("spki: tag 0x%02x where 0x%02x was expected", b[0], tag)
	}
	n, hdr := int(b[1]), 2
	if n&0x80 != 0 {
		// Long form: 1 or 2 length bytes are enough for MaxLen; DER wants
		// the shortest form and no leading zero.
		k := n & 0x7f
		if k == 0 || k > 2 || len(b) < 2+k {
			return nil, nil, errors.New("spki: bad length")
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		if n < 0x80 || (k == 2 && n < 0x100) {
			return nil, nil, errors.New("spki: length not minimally encoded")
		}
		hdr += k
	}
	if n > len(b)-hdr {
		return nil, nil, errors.New("spki: truncated")
	}
	return b[hdr : hdr+n], b[hdr+n:], nil
}

// p256Prefix is the DER of a P-256 SubjectPublicKeyInfo up to the point.
var p256Prefix = []byte{
	0x30, 0x59, // SEQUENCE, 89 bytes
	0x30, 0x13, // SEQUENCE AlgorithmIdentifier
	0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, // id-ecPublicKey
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, // prime256v1
	0x03, 0x42, 0x00, // BIT STRING, 66 bytes, no unused bits
}

// MarshalP256 returns the DER SubjectPublicKeyInfo of a P-256 key.
func MarshalP256(pub *ecdsa.PublicKey) ([]byte, error) {
	if pub == nil || pub.Curve != elliptic.P256() {
		return nil, fmt.Errorf("spki: not a P-256 key: %w", ErrUnsupported)
	}
	point, err := pub.Bytes()
	if err != nil {
		return nil, fmt.Errorf("spki: %v", err)
	}
	return append(append([]byte(nil), p256Prefix...), point...), nil
}
