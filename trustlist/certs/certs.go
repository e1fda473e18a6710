// Package certs turns X.509 document signer certificates into the
// [dcc.Signer] entries the verifier needs: the kid, country, validity, key
// usage and public key. It is used by the trust-list builder, the command
// line's --dsc flag and the tests; it stays out of the WebAssembly module,
// which never parses X.509.
//
// # Signer policy
//
// It takes the document signers that member states really publish, which
// the hcert specification does not forbid:
//   - keys ECDSA P-256, P-384 or P-521 (signing ES256, SHA-256 on the
//     curve), and RSA of 2048, 3072 or 4096 bits (PS256);
//   - certificates flagged basicConstraints CA:TRUE (a self-signed test DSC
//     made with openssl req -x509, or a DSC a state flagged so), when their
//     key usage is absent or includes digitalSignature; one whose key usage
//     allows certificate signing and not digitalSignature is a CA, not a
//     signer ([ErrCAOnly]);
//   - negative serial numbers, which crypto/x509 refuses since Go 1.23
//     unless GODEBUG has x509negativeserial=1 ([ParseDER]).
//
// Whether a certificate comes as a document signer at all (a --dsc file, a
// gateway entry of type DSC, not a --csca file) is the caller's to say.
package certs

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/passcheck/passcheck/dcc"
)

// Key-usage OIDs of hcert §5.1.1 and their alternates.
var usageOIDs = []struct {
	oid   asn1.ObjectIdentifier
	usage dcc.KeyUsage
}{
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 1847, 2021, 1, 1}, dcc.UsageTest},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 1847, 2021, 1, 2}, dcc.UsageVaccination},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 1847, 2021, 1, 3}, dcc.UsageRecovery},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 0, 1847, 2021, 1, 1}, dcc.UsageTest},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 0, 1847, 2021, 1, 2}, dcc.UsageVaccination},
	{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 0, 1847, 2021, 1, 3}, dcc.UsageRecovery},
}

// Usage returns the kinds cert may sign, from its extended key usage.
func Usage(cert *x509.Certificate) dcc.KeyUsage {
	var u dcc.KeyUsage
	for _, oid := range cert.UnknownExtKeyUsage {
		for _, x := range usageOIDs {
			if oid.Equal(x.oid) {
				u |= x.usage
			}
		}
	}
	return u
}

// KID returns the hcert key identifier of a certificate: the first 8 bytes
// of SHA-256 of its DER (hcert §3.3.1).
func KID(der []byte) []byte {
	sum := sha256.Sum256(der)
	return sum[:8]
}

// ErrKey reports a public key the verifier cannot use.
var ErrKey = errors.New("certs: public key is neither ECDSA P-256, P-384 or P-521 nor RSA 2048, 3072 or 4096")

// ErrCAOnly reports a CA certificate whose key usage allows signing
// certificates and not digitalSignature: it cannot sign passes.
var ErrCAOnly = errors.New("certs: a CA certificate whose key usage lacks digitalSignature (it signs certificates, not passes)")

// KeyName names cert's public key for people: "ECDSA P-384", "RSA-1024",
// "Ed25519".
func KeyName(cert *x509.Certificate) string {
	switch k := cert.PublicKey.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	}
	return cert.PublicKeyAlgorithm.String()
}

// CAFlagged reports whether cert has basicConstraints CA:TRUE.
func CAFlagged(cert *x509.Certificate) bool {
	return cert.BasicConstraintsValid && cert.IsCA
}

// Signer returns the trust-store entry for a certificate that comes as a
// document signer (see the signer policy in the package documentation):
// it fails with [ErrKey] for a key the verifier cannot use and [ErrCAOnly]
// for a CA certificate that may not sign passes. The country is the
// subject's C, or the issuer's when the subject has none.
func Signer(cert *x509.Certificate) (dcc.Signer, error) {
	switch k := cert.PublicKey.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
		default:
			return dcc.Signer{}, ErrKey
		}
	case *rsa.PublicKey:
		if n := k.N.BitLen(); n != 2048 && n != 3072 && n != 4096 {
			return dcc.Signer{}, ErrKey
		}
	default:
		return dcc.Signer{}, ErrKey
	}
	if CAFlagged(cert) && cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return dcc.Signer{}, ErrCAOnly
	}
	country := ""
	if c := cert.Subject.Country; len(c) > 0 {
		country = c[0]
	} else if c := cert.Issuer.Country; len(c) > 0 {
		country = c[0]
	}
	return dcc.Signer{
		KID:       KID(cert.Raw),
		Country:   strings.ToUpper(country),
		Subject:   cert.Subject.String(),
		NotBefore: cert.NotBefore,
		NotAfter:  cert.NotAfter,
		Usage:     Usage(cert),
		PublicKey: cert.PublicKey,
	}, nil
}

// Parse reads certificates from PEM (any number of CERTIFICATE blocks) or
// from one DER certificate, with [ParseDER].
func Parse(data []byte) ([]*x509.Certificate, error) {
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		c, err := ParseDER(data)
		if err != nil {
			return nil, err
		}
		return []*x509.Certificate{c}, nil
	}
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := ParseDER(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("certs: no CERTIFICATE block in PEM")
	}
	return out, nil
}

// ParseDER reads one DER certificate as [x509.ParseCertificate] does, and
// also when its serial number is negative, which x509 refuses since Go 1.23
// (unless GODEBUG has x509negativeserial=1) and some states' production
// DSCs have (RFC 5280 §4.1.2.2 asks for a positive serial, but verifiers
// must handle negative ones gracefully). Such a certificate is parsed from
// a copy whose serial's first byte is made positive (same length, so every
// other field is where it was), then the copy's serial byte is put back:
// Raw, RawTBSCertificate and every other raw field hold the original bytes,
// and SerialNumber is the negative serial. Use [NegativeSerial] to tell.
func ParseDER(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err == nil {
		return c, nil
	}
	buf := bytes.Clone(der)
	serial := serialContent(buf)
	if len(serial) == 0 || serial[0]&0x80 == 0 {
		return nil, err
	}
	if len(serial) > 1 && serial[0] == 0xff && serial[1]&0x80 != 0 {
		return nil, errors.New("x509: serial number not minimally encoded")
	}
	first := serial[0]
	serial[0] = 0x01 // positive, and minimal whatever follows
	c, err2 := x509.ParseCertificate(buf)
	serial[0] = first // the raw fields alias buf: the original bytes again
	if err2 != nil {
		return nil, err2
	}
	n := new(big.Int).SetBytes(serial)
	c.SerialNumber = n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(serial))))
	return c, nil
}

// NegativeSerial reports whether cert's serial number is negative.
func NegativeSerial(cert *x509.Certificate) bool {
	return cert.SerialNumber != nil && cert.SerialNumber.Sign() < 0
}

// serialContent returns the content bytes of the serial number INTEGER of
// a DER certificate (aliasing der), or nil when der is not shaped as one:
// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version
// OPTIONAL, serialNumber INTEGER, ... }, ... } (RFC 5280 §4.1).
func serialContent(der []byte) []byte {
	var outer, tbs, elem asn1.RawValue
	if _, err := asn1.Unmarshal(der, &outer); err != nil || outer.Tag != asn1.TagSequence {
		return nil
	}
	if _, err := asn1.Unmarshal(outer.Bytes, &tbs); err != nil || tbs.Tag != asn1.TagSequence {
		return nil
	}
	rest, err := asn1.Unmarshal(tbs.Bytes, &elem)
	if err != nil {
		return nil
	}
	if elem.Class == asn1.ClassContextSpecific && elem.Tag == 0 {
		if _, err := asn1.Unmarshal(rest, &elem); err != nil {
			return nil
		}
	}
	if elem.Class != asn1.ClassUniversal || elem.Tag != asn1.TagInteger {
		return nil
	}
	return elem.Bytes
}
