package trustlist_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/cose"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/internal/encode"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// testNow is the clock of these tests.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fixture is the test material shared by the tests of this package: two
// publisher keys and document signers of two countries, EC and RSA, with and
// without key-usage OIDs.
type fixture struct {
	pub1, pub2 *ecdsa.PrivateKey
	dscs       []*issuer.DSC
}

var getFixture = sync.OnceValues(func() (*fixture, error) {
	f := &fixture{}
	var err error
	if f.pub1, err = publish.GenerateKey(); err != nil {
		return nil, err
	}
	if f.pub2, err = publish.GenerateKey(); err != nil {
		return nil, err
	}
	nb, na := testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0)
	de, err := issuer.NewCSCA("DE", issuer.EC, nb.AddDate(-1, 0, 0), na.AddDate(5, 0, 0))
	if err != nil {
		return nil, err
	}
	fr, err := issuer.NewCSCA("FR", issuer.EC, nb.AddDate(-1, 0, 0), na.AddDate(5, 0, 0))
	if err != nil {
		return nil, err
	}
	for _, o := range []struct {
		ca *issuer.Authority
		o  issuer.DSCOptions
	}{
		{de, issuer.DSCOptions{KeyType: issuer.EC, NotBefore: nb, NotAfter: na}},
		{de, issuer.DSCOptions{KeyType: issuer.EC, Usage: dcc.UsageTest, NotBefore: nb, NotAfter: na, Name: "DSC DE Tests"}},
		{fr, issuer.DSCOptions{KeyType: issuer.RSA2048, Usage: dcc.UsageVaccination | dcc.UsageRecovery, AltOIDs: true, NotBefore: nb, NotAfter: na}},
	} {
		d, err := o.ca.NewDSC(o.o)
		if err != nil {
			return nil, err
		}
		f.dscs = append(f.dscs, d)
	}
	return f, nil
})

func loadFixture(t testing.TB) *fixture {
	t.Helper()
	f, err := getFixture()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// memSource is a publish.Source over certificates in memory.
type memSource []*issuer.DSC

func (m memSource) String() string { return "memory" }

func (m memSource) Load(context.Context) (*publish.Batch, error) {
	b := &publish.Batch{}
	for _, d := range m {
		b.Candidates = append(b.Candidates, publish.Candidate{Cert: d.Cert, Origin: d.Cert.Subject.CommonName})
	}
	return b, nil
}

// bundle builds a bundle of f's signers, signed by key, at testNow, valid
// for 48 hours, with the given sequence.
func (f *fixture) bundle(t testing.TB, key *ecdsa.PrivateKey, seq uint64) []byte {
	t.Helper()
	b, _, err := publish.Build(context.Background(), publish.Options{
		Sources:  []publish.Source{memSource(f.dscs)},
		Key:      key,
		Sequence: seq,
		Now:      testNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// payload returns a valid payload of f's signers that tests change before
// signing it with publish.Sign.
func (f *fixture) payload() wire.Payload {
	p := wire.Payload{
		Version:   wire.Version,
		Sequence:  7,
		IssuedAt:  testNow.Unix(),
		ExpiresAt: testNow.Add(48 * time.Hour).Unix(),
	}
	for _, d := range f.dscs {
		p.Signers = append(p.Signers, wire.Entry{
			KID:       d.KID,
			Country:   d.Country,
			NotBefore: d.Cert.NotBefore.Unix(),
			NotAfter:  d.Cert.NotAfter.Unix(),
			Usage:     uint8(d.Usage),
			Subject:   d.Cert.Subject.String(),
			SPKI:      d.Cert.RawSubjectPublicKeyInfo,
		})
	}
	return p
}

func sign(t testing.TB, key *ecdsa.PrivateKey, p any) []byte {
	t.Helper()
	b, err := publish.Sign(key, p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signBytes signs payload bytes as they are, which publish.Sign would refuse
// to encode when they are not deterministic CBOR.
func signBytes(t testing.TB, key *ecdsa.PrivateKey, payload []byte) []byte {
	t.Helper()
	kid, _ := trustlist.KeyID(key.Public())
	return signWithHeader(t, key, wire.Protected{Alg: wire.AlgES256, KID: kid}, payload)
}

// signWithHeader signs payload with key under the protected header prot
// (any value encode.Marshal takes).
func signWithHeader(t testing.TB, key *ecdsa.PrivateKey, prot any, payload []byte) []byte {
	t.Helper()
	protBytes, err := encode.Marshal(prot)
	if err != nil {
		t.Fatal(err)
	}
	b, err := encode.Sign1(protBytes, payload, sigOver(t, key, protBytes, payload))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sigOver returns the ES256 signature (r ‖ s) of a COSE_Sign1 with these
// protected header and payload bytes.
func sigOver(t testing.TB, key *ecdsa.PrivateKey, prot, payload []byte) []byte {
	t.Helper()
	digest := sha256.Sum256(cose.SigStructure(prot, payload))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return sig
}
