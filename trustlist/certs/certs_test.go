package certs_test

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
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist/certs"
)

func TestSignerFromCertificate(t *testing.T) {
	from, to := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	ca, err := issuer.NewCSCA("VN", issuer.EC, from, to)
	if err != nil {
		t.Fatal(err)
	}
	rsaCA, err := issuer.NewCSCA("VN", issuer.RSA2048, from, to)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		usage dcc.KeyUsage
		alt   bool
		kt    issuer.KeyType
		o     issuer.DSCOptions // CA, KeyUsage, NegativeSerial
		self  bool              // self-signed
		ca    *issuer.Authority // default ca
	}{
		{name: "no OIDs", kt: issuer.EC},
		{name: "vaccination", usage: dcc.UsageVaccination, kt: issuer.EC},
		{name: "test+recovery alternates", usage: dcc.UsageTest | dcc.UsageRecovery, alt: true, kt: issuer.EC},
		{name: "all three, RSA", usage: dcc.UsageTest | dcc.UsageVaccination | dcc.UsageRecovery, kt: issuer.RSA2048},
		{name: "P-384", kt: issuer.EC384},
		{name: "P-521", usage: dcc.UsageTest, kt: issuer.EC521},
		{name: "CA:TRUE, digitalSignature", kt: issuer.EC, o: issuer.DSCOptions{CA: true}},
		{name: "CA:TRUE, digitalSignature and keyCertSign", kt: issuer.EC, o: issuer.DSCOptions{CA: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}},
		{name: "self-signed CA:TRUE, no key usage", kt: issuer.EC, self: true},
		{name: "self-signed CA:TRUE P-384, negative serial", kt: issuer.EC384, self: true, o: issuer.DSCOptions{NegativeSerial: true}},
		{name: "negative serial", usage: dcc.UsageVaccination, kt: issuer.EC, o: issuer.DSCOptions{NegativeSerial: true}},
		{name: "negative serial, RSA issuer", kt: issuer.RSA3072, o: issuer.DSCOptions{NegativeSerial: true}, ca: rsaCA},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.o
			o.KeyType, o.Usage, o.AltOIDs, o.NotBefore, o.NotAfter = tt.kt, tt.usage, tt.alt, from, to
			var d *issuer.DSC
			var err error
			switch {
			case tt.self:
				d, err = issuer.NewSelfSignedDSC("VN", o)
			case tt.ca != nil:
				d, err = tt.ca.NewDSC(o)
			default:
				d, err = ca.NewDSC(o)
			}
			if err != nil {
				t.Fatal(err)
			}
			if certs.CAFlagged(d.Cert) != (tt.self || o.CA) {
				t.Errorf("CAFlagged = %v", certs.CAFlagged(d.Cert))
			}
			if o.NegativeSerial {
				// The fixture is what it says: crypto/x509 refuses it.
				if _, err := x509.ParseCertificate(d.DER); err == nil {
					t.Fatal("x509 parses the negative serial: the test no longer covers ParseDER's fallback")
				}
			}
			if certs.NegativeSerial(d.Cert) != o.NegativeSerial {
				t.Errorf("NegativeSerial = %v (serial %v)", certs.NegativeSerial(d.Cert), d.Cert.SerialNumber)
			}
			// The raw fields are the certificate's own bytes: its
			// signature checks against its issuer.
			issuerCert := ca.Cert
			if tt.self {
				issuerCert = d.Cert
			} else if tt.ca != nil {
				issuerCert = tt.ca.Cert
			}
			if err := d.Cert.CheckSignatureFrom(issuerCert); err != nil {
				t.Errorf("CheckSignatureFrom: %v", err)
			}
			// PEM and DER parse to the same certificate.
			pemCerts, err := certs.Parse(append(d.CertPEM(), d.CertPEM()...))
			if err != nil || len(pemCerts) != 2 {
				t.Fatalf("PEM: %v, %d certificates", err, len(pemCerts))
			}
			derCerts, err := certs.Parse(d.DER)
			if err != nil || !bytes.Equal(derCerts[0].Raw, d.DER) {
				t.Fatalf("DER: %v", err)
			}
			s, err := certs.Signer(derCerts[0])
			if err != nil {
				t.Fatal(err)
			}
			if s.Usage != tt.usage || s.Country != "VN" || !bytes.Equal(s.KID, d.KID) || !s.NotBefore.Equal(from) || !s.NotAfter.Equal(to) {
				t.Errorf("signer %+v", s)
			}
			if !d.Cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(s.PublicKey) {
				t.Error("the signer's key is not the certificate's")
			}
		})
	}
}

// TestSignerRefuses holds the signer policy's refusals: keys the verifier
// cannot use, and CA certificates that may not sign passes.
func TestSignerRefuses(t *testing.T) {
	from, to := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	ca, err := issuer.NewCSCA("VN", issuer.EC, from, to)
	if err != nil {
		t.Fatal(err)
	}
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	rsa1024, _ := rsa.GenerateKey(rand.Reader, 1024)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	for _, tt := range []struct {
		name string
		o    issuer.DSCOptions
		want error
		key  string
	}{
		{"keyCertSign only", issuer.DSCOptions{CA: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}, certs.ErrCAOnly, "ECDSA P-256"},
		{"P-224", issuer.DSCOptions{Key: p224}, certs.ErrKey, "ECDSA P-224"},
		{"RSA-1024", issuer.DSCOptions{Key: rsa1024}, certs.ErrKey, "RSA-1024"},
		{"Ed25519", issuer.DSCOptions{Key: ed}, certs.ErrKey, "Ed25519"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.o
			o.NotBefore, o.NotAfter = from, to
			d, err := ca.NewDSC(o)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := certs.Signer(d.Cert); !errors.Is(err, tt.want) {
				t.Errorf("Signer error = %v, want %v", err, tt.want)
			}
			if got := certs.KeyName(d.Cert); got != tt.key {
				t.Errorf("KeyName = %q, want %q", got, tt.key)
			}
		})
	}
}

// FuzzParseDER checks that ParseDER never panics, reads what x509 reads the
// same way, and reads a certificate only as the whole of its input.
func FuzzParseDER(f *testing.F) {
	from, to := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	ca, err := issuer.NewCSCA("VN", issuer.EC, from, to)
	if err != nil {
		f.Fatal(err)
	}
	for _, o := range []issuer.DSCOptions{{}, {NegativeSerial: true}, {CA: true, KeyType: issuer.EC384}} {
		o.NotBefore, o.NotAfter = from, to
		d, err := ca.NewDSC(o)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(d.DER)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := certs.ParseDER(der)
		if err != nil {
			return
		}
		if !bytes.Equal(c.Raw, der) {
			t.Fatalf("Raw differs from the input")
		}
		if want, err := x509.ParseCertificate(der); err == nil {
			if want.SerialNumber.Cmp(c.SerialNumber) != 0 || !bytes.Equal(want.RawTBSCertificate, c.RawTBSCertificate) {
				t.Fatalf("ParseDER and x509 differ")
			}
		} else if !certs.NegativeSerial(c) {
			t.Fatalf("ParseDER accepted what x509 refuses (%v) with a positive serial", err)
		}
	})
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"} {
		if _, err := certs.Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) succeeded", in)
		}
	}
}
