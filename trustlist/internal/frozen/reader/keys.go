package reader

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/pem"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist/internal/frozen/spki"
)

// ParsePublicKeysPEM reads the pinned publisher keys: one or more PEM blocks
// of type "PUBLIC KEY" (PKIX SubjectPublicKeyInfo), each an ECDSA P-256 key,
// as written by "passcheck trustlist keygen". Text between blocks is ignored.
// Any other block, or a key of another type, is an error with code
// [KeyInvalid]: a private key pasted by mistake must not pass unnoticed.
func ParsePublicKeysPEM(data []byte) ([]crypto.PublicKey, error) {
	if len(data) > maxPEM {
		return nil, fail(KeyInvalid, "the publisher keys take %d bytes, more than %d", len(data), maxPEM)
	}
	var keys []crypto.PublicKey
	for n := 1; ; n++ {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "PUBLIC KEY" {
			return nil, fail(KeyInvalid, "PEM block %d is a %q, want a \"PUBLIC KEY\"", n, b.Type)
		}
		k, err := spki.Parse(b.Bytes)
		if err != nil {
			return nil, fail(KeyInvalid, "PEM block %d: %w", n, err)
		}
		if _, ok := k.(*ecdsa.PublicKey); !ok {
			return nil, fail(KeyInvalid, "PEM block %d: an RSA key; publisher keys are ECDSA P-256", n)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fail(KeyInvalid, "no \"PUBLIC KEY\" PEM block found")
	}
	return keys, nil
}

// KeyID returns the publisher key identifier of pub: the first 8 bytes of
// SHA-256 of its DER SubjectPublicKeyInfo. pub must be an ECDSA P-256 key.
func KeyID(pub crypto.PublicKey) ([]byte, error) {
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, fail(KeyInvalid, "publisher key is a %T, want an ECDSA P-256 key", pub)
	}
	der, err := spki.MarshalP256(k)
	if err != nil {
		return nil, &dcc.Error{Code: KeyInvalid, Err: err}
	}
	sum := sha256.Sum256(der)
	return sum[:8], nil
}
