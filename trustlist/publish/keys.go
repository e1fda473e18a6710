package publish

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// GenerateKey returns a new publisher key: ECDSA P-256.
func GenerateKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// MarshalPrivateKeyPEM returns key as a PEM "PRIVATE KEY" (PKCS #8).
func MarshalPrivateKeyPEM(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// MarshalPublicKeyPEM returns pub as a PEM "PUBLIC KEY" (PKIX), the form that
// [trustlist.ParsePublicKeysPEM] reads.
func MarshalPublicKeyPEM(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePrivateKeyPEM reads a publisher key: the first PEM "PRIVATE KEY"
// (PKCS #8) or "EC PRIVATE KEY" (SEC 1) block, which must hold an ECDSA P-256
// key.
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no PEM \"PRIVATE KEY\" block")
		}
		var k any
		var err error
		switch b.Type {
		case "PRIVATE KEY":
			k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(b.Bytes)
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		ec, ok := k.(*ecdsa.PrivateKey)
		if !ok || ec.Curve != elliptic.P256() {
			return nil, fmt.Errorf("the key is a %T; the publisher key is ECDSA P-256", k)
		}
		return ec, nil
	}
}

// ParsePublicKeyPEM reads the first PEM "PUBLIC KEY" block of data, of any
// type x509 reads: for the key of a German list (--de-key).
func ParsePublicKeyPEM(data []byte) (crypto.PublicKey, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no PEM \"PUBLIC KEY\" block")
		}
		if b.Type == "PUBLIC KEY" {
			return x509.ParsePKIXPublicKey(b.Bytes)
		}
	}
}
