package certs_test

import (
	"bytes"
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
	for _, tt := range []struct {
		name  string
		usage dcc.KeyUsage
		alt   bool
		kt    issuer.KeyType
	}{
		{"no OIDs", 0, false, issuer.EC},
		{"vaccination", dcc.UsageVaccination, false, issuer.EC},
		{"test+recovery alternates", dcc.UsageTest | dcc.UsageRecovery, true, issuer.EC},
		{"all three, RSA", dcc.UsageTest | dcc.UsageVaccination | dcc.UsageRecovery, false, issuer.RSA2048},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ca.NewDSC(issuer.DSCOptions{KeyType: tt.kt, Usage: tt.usage, AltOIDs: tt.alt, NotBefore: from, NotAfter: to})
			if err != nil {
				t.Fatal(err)
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
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"} {
		if _, err := certs.Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) succeeded", in)
		}
	}
}
