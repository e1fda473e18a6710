// Package certs turns X.509 document signer certificates into the
// [dcc.Signer] entries the verifier needs: the kid, country, validity, key
// usage and public key. It is used by the trust-list builder, the command
// line's --dsc flag and the tests; it stays out of the WebAssembly module,
// which never parses X.509.
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
var ErrKey = errors.New("certs: public key is neither ECDSA P-256 nor RSA 2048, 3072 or 4096")

// Signer returns the trust-store entry for a DSC certificate. The country is
// the subject's C, or the issuer's when the subject has none.
func Signer(cert *x509.Certificate) (dcc.Signer, error) {
	switch k := cert.PublicKey.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return dcc.Signer{}, ErrKey
		}
	case *rsa.PublicKey:
		if n := k.N.BitLen(); n != 2048 && n != 3072 && n != 4096 {
			return dcc.Signer{}, ErrKey
		}
	default:
		return dcc.Signer{}, ErrKey
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
// from one DER certificate.
func Parse(data []byte) ([]*x509.Certificate, error) {
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		c, err := x509.ParseCertificate(data)
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
		c, err := x509.ParseCertificate(b.Bytes)
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
