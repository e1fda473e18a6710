package site

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// testList is a publisher key and a trust list it signed (one signer),
// made anew for a test.
type testList struct {
	Now          time.Time
	PublisherPEM []byte
	Bundle       []byte
	key          *ecdsa.PrivateKey
	dsc          *issuer.DSC
}

// newTestList signs a list issued at now for validFor.
func newTestList(t testing.TB, now time.Time, validFor time.Duration) *testList {
	t.Helper()
	now = now.UTC().Truncate(time.Second)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	ca, err := issuer.NewCSCA("AT", issuer.EC, now.Add(-3*365*day), now.Add(10*365*day))
	if err != nil {
		t.Fatal(err)
	}
	dsc, err := ca.NewDSC(issuer.DSCOptions{KeyType: issuer.EC, NotBefore: now.Add(-365 * day), NotAfter: now.Add(365 * day), Name: "site test DSC"})
	if err != nil {
		t.Fatal(err)
	}
	l := &testList{Now: now, PublisherPEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}), key: key, dsc: dsc}
	l.Bundle = l.bundle(t, now, validFor)
	return l
}

// bundle signs the list anew, issued at issued (its sequence number is
// issued's Unix time).
func (l *testList) bundle(t testing.TB, issued time.Time, validFor time.Duration) []byte {
	t.Helper()
	b, _, err := publish.Build(context.Background(), publish.Options{
		Sources:  []publish.Source{oneSigner{l.dsc}},
		Key:      l.key,
		ValidFor: validFor,
		Now:      issued,
		Sequence: uint64(issued.Unix()),
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// oneSigner is a trust-list source of one certificate.
type oneSigner struct{ d *issuer.DSC }

func (s oneSigner) Load(context.Context) (*publish.Batch, error) {
	return &publish.Batch{Candidates: []publish.Candidate{{Cert: s.d.Cert, KID: s.d.KID, Country: s.d.Country, Origin: "site test"}}}, nil
}

func (s oneSigner) String() string { return "site test signer" }
