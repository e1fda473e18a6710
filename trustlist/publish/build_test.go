package publish

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

// load loads a bundle built by key, at testNow.
func load(t testing.TB, b []byte, key *ecdsa.PrivateKey) *trustlist.List {
	t.Helper()
	l, err := trustlist.Load(b, []crypto.PublicKey{key.Public()}, testNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// leftOut returns the report's reason for the item whose origin contains
// origin, or "".
func leftOut(r *Report, origin string) string {
	for _, l := range r.LeftOut {
		if strings.Contains(l.Origin, origin) {
			return l.Reason
		}
	}
	return ""
}

func TestBuildFromFilesAndGateway(t *testing.T) {
	p := loadPKI(t)
	dir := t.TempDir()
	certs := filepath.Join(dir, "certs")
	writeFile(t, filepath.Join(certs, "de1.pem"), p.de1.CertPEM())
	writeFile(t, filepath.Join(certs, "sub", "fr1.der"), p.fr1.DER)
	writeFile(t, filepath.Join(certs, "README.txt"), []byte("not read"))
	writeFile(t, filepath.Join(certs, "broken.pem"), []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	rsaFile := writeFile(t, filepath.Join(dir, "two.pem"), append(p.rsa.CertPEM(), p.de1.CertPEM()...))

	wrongKID := item(p.it1.DER, "IT", "DSC")
	wrongKID.KID = base64.StdEncoding.EncodeToString([]byte("12345678"))
	wrongThumb := item(p.it1.DER, "IT", "DSC")
	wrongThumb.Thumbprint = strings.Repeat("ab", 32)
	badData := item(p.it1.DER, "IT", "DSC")
	badData.RawData = "!!!"
	gw := writeFile(t, filepath.Join(dir, "gateway.json"), jsonOf(t, []gatewayItem{
		item(p.de2.DER, "DE", "DSC"),
		item(p.de.DER, "DE", "CSCA"),
		wrongKID,
		wrongThumb,
		badData,
		item(p.de1.DER, "DE", "DSC"), // also in the files: merged
	}))

	b, r, err := Build(context.Background(), Options{
		Sources:  []Source{Files(certs), Files(rsaFile), Gateway(gw, nil)},
		Key:      p.key,
		Sequence: 5,
		Now:      testNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Signers != 4 || r.Merged != 2 || r.ByCountry["DE"] != 2 || r.ByCountry["FR"] != 2 || r.Size != len(b) {
		t.Errorf("report: %d signers, %d merged, by country %v, size %d", r.Signers, r.Merged, r.ByCountry, r.Size)
	}
	for origin, reason := range map[string]string{
		"broken.pem": "broken.pem",
		"item 2":     `certificateType "CSCA"`,
		"item 3":     "is not the certificate's",
		"item 4":     "thumbprint",
		"item 5":     "not base64",
	} {
		if got := leftOut(r, origin); !strings.Contains(got, reason) {
			t.Errorf("left out %s: %q, want it to mention %q", origin, got, reason)
		}
	}
	if len(r.LeftOut) != 5 {
		t.Errorf("left out: %+v", r.LeftOut)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "CMS signatures are not checked") {
		t.Errorf("notes: %q", r.Notes)
	}

	l := load(t, b, p.key)
	for _, tc := range []struct {
		d     *issuer.DSC
		usage dcc.KeyUsage
	}{
		{p.de1, 0}, {p.de2, dcc.UsageTest}, {p.fr1, dcc.UsageVaccination}, {p.rsa, dcc.UsageRecovery | dcc.UsageTest},
	} {
		s := l.Signers(tc.d.KID)
		if len(s) != 1 || s[0].Usage != tc.usage || s[0].Country != tc.d.Country || s[0].Subject != tc.d.Cert.Subject.CommonName {
			t.Errorf("%s: %+v, want usage %b", tc.d.Cert.Subject.CommonName, s, tc.usage)
		}
	}
	if l.Sequence != 5 || !l.ExpiresAt.Equal(testNow.Add(DefaultValidFor)) {
		t.Errorf("Sequence %d, ExpiresAt %s", l.Sequence, l.ExpiresAt)
	}

	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"sequence 5", "signers: 4 from 2 countries (2 duplicates merged)", "  DE      2", "left out: 5", "note: ", "size: "} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report text lacks %q:\n%s", want, text.String())
		}
	}
}

func TestBuildCSCA(t *testing.T) {
	p := loadPKI(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "csca", "de.pem"), pemOf(p.de.DER))
	writeFile(t, filepath.Join(dir, "csca", "fr.der"), p.fr.DER)
	writeFile(t, filepath.Join(dir, "csca", "not-a-ca.pem"), p.it1.CertPEM())
	src := memSource{p.de1, p.fr1, p.frAsDE, p.it1}

	_, r, err := Build(context.Background(), Options{Sources: []Source{src}, Key: p.key, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if r.Signers != 4 {
		t.Fatalf("without CSCAs: %d signers, want 4", r.Signers)
	}

	b, r, err := Build(context.Background(), Options{Sources: []Source{src}, CSCA: []Source{Files(filepath.Join(dir, "csca"))}, Key: p.key, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if r.Signers != 2 {
		t.Errorf("with CSCAs: %d signers, want 2", r.Signers)
	}
	if got := leftOut(r, "DSC FR as DE"); !strings.Contains(got, "not issued by a CSCA of DE") {
		t.Errorf("FR-issued DSC naming DE: %q", got)
	}
	if got := leftOut(r, "DSC IT 1"); !strings.Contains(got, "not issued by a CSCA of IT") {
		t.Errorf("IT DSC without IT CSCA: %q", got)
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "not a CA certificate") {
		t.Errorf("notes: %q", r.Notes)
	}
	l := load(t, b, p.key)
	if len(l.Signers(p.de1.KID)) != 1 || len(l.Signers(p.fr1.KID)) != 1 {
		t.Error("the DSCs with a chain are missing")
	}

	_, _, err = Build(context.Background(), Options{Sources: []Source{src}, CSCA: []Source{Files(filepath.Join(dir, "csca", "not-a-ca.pem"))}, Key: p.key, Now: testNow})
	if err == nil || !strings.Contains(err.Error(), "no CSCA") {
		t.Errorf("CSCA source without a CA: %v", err)
	}
}

func TestBuildLeavesOut(t *testing.T) {
	p := loadPKI(t)
	k224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	p224 := certFrom(t, p.de, &x509.Certificate{Subject: pkix.Name{CommonName: "P-224", Country: []string{"DE"}}}, k224.Public())
	k1024, _ := rsa.GenerateKey(rand.Reader, 1024)
	rsa1024 := certFrom(t, p.de, &x509.Certificate{Subject: pkix.Name{CommonName: "RSA-1024", Country: []string{"DE"}}}, k1024.Public())
	badCountry := certFrom(t, p.de, &x509.Certificate{Subject: pkix.Name{CommonName: "bad country", Country: []string{"Germany"}}}, p.de1.Cert.PublicKey)
	ca := certFrom(t, p.de, &x509.Certificate{Subject: pkix.Name{CommonName: "sub CA", Country: []string{"DE"}}, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, p.de1.Cert.PublicKey)
	src := candidates{
		{Cert: p224, Origin: "p224"},
		{Cert: rsa1024, Origin: "rsa1024"},
		{Cert: badCountry, Origin: "bad country"},
		{Cert: ca, Origin: "sub CA"},
		{Cert: p.de1.Cert, Origin: "good"},
		{Cert: p.de2.Cert, KID: p.de1.KID, Origin: "kid of another"},
	}
	_, r, err := Build(context.Background(), Options{Sources: []Source{src}, Key: p.key, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if r.Signers != 1 {
		t.Errorf("%d signers, want 1", r.Signers)
	}
	for origin, reason := range map[string]string{
		"p224":           "unsupported public key (ECDSA P-224)",
		"rsa1024":        "unsupported public key (RSA-1024)",
		"bad country":    "no country",
		"sub CA":         "a CA certificate whose key usage lacks digitalSignature",
		"kid of another": "is not the certificate's",
	} {
		if got := leftOut(r, origin); !strings.Contains(got, reason) {
			t.Errorf("%s: %q, want %q", origin, got, reason)
		}
	}
}

func TestBuildFails(t *testing.T) {
	p := loadPKI(t)
	ctx := context.Background()
	rsaKey, _ := p.rsa.Key.(*rsa.PrivateKey)
	k384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"no key", Options{Sources: []Source{memSource{p.de1}}}, "no signing key"},
		{"RSA key", Options{Sources: []Source{memSource{p.de1}}, Key: rsaKey}, "ECDSA P-256"},
		{"P-384 key", Options{Sources: []Source{memSource{p.de1}}, Key: k384}, "ECDSA P-256"},
		{"no signer", Options{Sources: []Source{memSource{}}, Key: p.key}, "no signer"},
		{"missing file", Options{Sources: []Source{Files(filepath.Join(dir, "none.pem"))}, Key: p.key}, "none.pem"},
		{"file that is no certificate", Options{Sources: []Source{Files(writeFile(t, filepath.Join(dir, "x.pem"), []byte("hello")))}, Key: p.key}, "x.pem"},
		{"negative validity", Options{Sources: []Source{memSource{p.de1}}, Key: p.key, ValidFor: -time.Hour}, "ValidFor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _, err := Build(ctx, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Build = %d bytes, %v; want an error about %q", len(b), err, tc.want)
			}
		})
	}
}

func TestBuildMalformedGateway(t *testing.T) {
	p := loadPKI(t)
	dir := t.TempDir()
	good := string(jsonOf(t, []gatewayItem{item(p.de1.DER, "DE", "DSC")}))
	for name, content := range map[string]string{
		"truncated":     good[:len(good)/2],
		"an object":     `{"certificates": []}`,
		"trailing data": good + "]",
		"wrong types":   `[{"kid": 5}]`,
		"empty":         ``,
		"HTML":          `<html><body>502 Bad Gateway</body></html>`,
	} {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json"), []byte(content))
			_, _, err := Build(context.Background(), Options{Sources: []Source{Gateway(path, nil)}, Key: p.key, Now: testNow})
			if err == nil || !strings.Contains(err.Error(), "not a gateway trust list") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// TestBuildDeterministic checks that the same input gives the same payload
// (the signature differs: ECDSA is randomized).
func TestBuildDeterministic(t *testing.T) {
	p := loadPKI(t)
	o := Options{Sources: []Source{memSource{p.rsa, p.fr1, p.de2, p.de1}}, Key: p.key, Now: testNow, Sequence: 3}
	b1, _, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	o.Sources = []Source{memSource{p.de1, p.de2, p.fr1, p.rsa}}
	b2, _, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	payload := func(b []byte) []byte {
		m, err := wire.DecodeSign1(b, cbor.Limits{MaxDepth: 16, MaxItems: trustlist.MaxSigners})
		if err != nil {
			t.Fatal(err)
		}
		return m.Payload
	}
	if !bytes.Equal(payload(b1), payload(b2)) {
		t.Error("the payloads differ")
	}
}

// TestBuildSubjectTruncated checks that long subjects are cut at a rune.
func TestBuildSubjectTruncated(t *testing.T) {
	p := loadPKI(t)
	long := strings.Repeat("é", 40)
	c := certFrom(t, p.de, &x509.Certificate{Subject: pkix.Name{CommonName: long, Country: []string{"DE"}}}, p.de1.Cert.PublicKey)
	b, _, err := Build(context.Background(), Options{Sources: []Source{candidates{{Cert: c, Origin: "long"}}}, Key: p.key, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	s := load(t, b, p.key).All()[0].Subject
	if len(s) > maxSubject || !strings.HasPrefix(long, s) || !strings.HasSuffix(s, "é") {
		t.Errorf("subject %q (%d bytes)", s, len(s))
	}
}
