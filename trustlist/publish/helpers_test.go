package publish

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// pki is the test material of this package: CSCAs of three countries and
// document signers issued by them.
type pki struct {
	key                *ecdsa.PrivateKey // the publisher key
	de, fr, it         *issuer.Authority
	de1, de2, fr1, rsa *issuer.DSC
	frAsDE             *issuer.DSC // issued by FR's CSCA but naming DE
	it1                *issuer.DSC
}

var getPKI = sync.OnceValues(func() (*pki, error) {
	p := &pki{}
	var err error
	if p.key, err = GenerateKey(); err != nil {
		return nil, err
	}
	nb, na := testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0)
	for _, c := range []struct {
		dst     **issuer.Authority
		country string
	}{{&p.de, "DE"}, {&p.fr, "FR"}, {&p.it, "IT"}} {
		if *c.dst, err = issuer.NewCSCA(c.country, issuer.EC, nb.AddDate(-2, 0, 0), na.AddDate(5, 0, 0)); err != nil {
			return nil, err
		}
	}
	for _, d := range []struct {
		dst **issuer.DSC
		ca  *issuer.Authority
		o   issuer.DSCOptions
	}{
		{&p.de1, p.de, issuer.DSCOptions{Name: "DSC DE 1"}},
		{&p.de2, p.de, issuer.DSCOptions{Name: "DSC DE 2 tests", Usage: dcc.UsageTest}},
		{&p.fr1, p.fr, issuer.DSCOptions{Name: "DSC FR 1", Usage: dcc.UsageVaccination, AltOIDs: true}},
		{&p.rsa, p.fr, issuer.DSCOptions{Name: "DSC FR RSA", KeyType: issuer.RSA2048, Usage: dcc.UsageRecovery | dcc.UsageTest}},
		{&p.frAsDE, p.fr, issuer.DSCOptions{Name: "DSC FR as DE", Country: "DE"}},
		{&p.it1, p.it, issuer.DSCOptions{Name: "DSC IT 1"}},
	} {
		o := d.o
		o.NotBefore, o.NotAfter = nb, na
		if *d.dst, err = d.ca.NewDSC(o); err != nil {
			return nil, err
		}
	}
	return p, nil
})

func loadPKI(t testing.TB) *pki {
	t.Helper()
	p, err := getPKI()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// certFrom makes a certificate from tmpl for pub, issued by ca.
func certFrom(t testing.TB, ca *issuer.Authority, tmpl *x509.Certificate, pub crypto.PublicKey) *x509.Certificate {
	t.Helper()
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	}
	if tmpl.Subject.CommonName == "" {
		tmpl.Subject = pkix.Name{CommonName: "odd certificate"}
	}
	tmpl.NotBefore, tmpl.NotAfter = testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, pub, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// item returns the gateway trust-list item of a certificate.
func item(der []byte, country, typ string) gatewayItem {
	sum := sha256.Sum256(der)
	return gatewayItem{
		KID:             base64.StdEncoding.EncodeToString(sum[:8]),
		Timestamp:       "2026-02-01T10:00:00Z",
		Country:         country,
		CertificateType: typ,
		Thumbprint:      hex.EncodeToString(sum[:]),
		Signature:       "MIIKIgYJKoZIhvcNAQcCoIIKEzCCCg8CAQExDTALBglghkgBZQMEAgEwCwYJKoZIhvcNAQcB",
		RawData:         base64.StdEncoding.EncodeToString(der),
	}
}

func jsonOf(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
