package trustlist_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

// entryOf returns the bundle entry of a DSC.
func entryOf(d *issuer.DSC) wire.Entry {
	return wire.Entry{
		KID: d.KID, Country: d.Country, Usage: uint8(d.Usage), Subject: d.Cert.Subject.CommonName,
		NotBefore: d.Cert.NotBefore.Unix(), NotAfter: d.Cert.NotAfter.Unix(),
		SPKI: d.Cert.RawSubjectPublicKeyInfo,
	}
}

// extraFixture returns DSCs with P-384 and P-521 keys, and a payload of the
// fixture's signers with those as extra signers, followed by entries of key
// types no release reads (Ed25519, P-224, RSA-1024), as a later builder
// could write them.
func extraFixture(t *testing.T) ([]*issuer.DSC, wire.Payload, int) {
	t.Helper()
	f := loadFixture(t)
	ca, err := issuer.NewCSCA("BE", issuer.EC384, testNow.AddDate(-2, 0, 0), testNow.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var dscs []*issuer.DSC
	for _, kt := range []issuer.KeyType{issuer.EC384, issuer.EC521} {
		d, err := ca.NewDSC(issuer.DSCOptions{KeyType: kt, NotBefore: testNow.AddDate(-1, 0, 0), NotAfter: testNow.AddDate(1, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		dscs = append(dscs, d)
	}
	p := f.payload()
	for _, d := range dscs {
		p.Extra = append(p.Extra, entryOf(d))
	}
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	rsa1024, _ := rsa.GenerateKey(rand.Reader, 1024)
	for i, pub := range []any{edPub, p224.Public(), rsa1024.Public()} {
		e := entryOf(dscs[0])
		e.KID = []byte{9, 9, 9, 9, 9, 9, 9, byte(i)}
		e.SPKI = spkiOf(t, pub)
		p.Extra = append(p.Extra, e)
	}
	return dscs, p, 3
}

// passOf returns a pass that d may sign, issued the day before testNow.
func passOf(t *testing.T, d *issuer.DSC) string {
	t.Helper()
	kind := dcc.KindVaccination
	if d.Usage != 0 && !d.Usage.Allows(kind) {
		kind = dcc.KindTest
	}
	text, err := d.Issue(issuer.PassOptions{Kind: kind, IssuedAt: testNow.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// The extra signers load, their passes verify, and extra signers of key
// types this version does not know are skipped, not fatal.
func TestLoadExtraSigners(t *testing.T) {
	f := loadFixture(t)
	dscs, p, unknown := extraFixture(t)
	l, err := trustlist.Load(sign(t, f.pub1, p), pins(f.pub1), testNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != len(f.dscs)+len(dscs) || l.Skipped != unknown {
		t.Errorf("Len = %d, Skipped = %d; want %d and %d", l.Len(), l.Skipped, len(f.dscs)+len(dscs), unknown)
	}
	if l.Reserved(wire.KeyExtraSigners) != nil {
		t.Error("the extra signers are reported as reserved content")
	}
	for _, d := range append(f.dscs, dscs...) {
		text := passOf(t, d)
		if r := dcc.Check(text, l, dcc.Options{Now: testNow}); !r.Valid {
			t.Errorf("%s: %v", d.Cert.Subject.CommonName, r.Errors)
		}
	}
}

func TestLoadExtraSignersInvalid(t *testing.T) {
	f := loadFixture(t)
	_, good, _ := extraFixture(t)
	mod := func(change func(p *wire.Payload)) []byte {
		p := good
		p.Signers = append([]wire.Entry(nil), good.Signers...)
		p.Extra = append([]wire.Entry(nil), good.Extra...)
		change(&p)
		return sign(t, f.pub1, p)
	}
	type withExtra struct {
		wire.Payload
		Extra any `cbor:"9,keyasint"`
	}
	for _, tc := range []struct {
		name   string
		bundle []byte
	}{
		{"P-384 among the signers of key 5", mod(func(p *wire.Payload) { p.Signers = append(p.Signers, p.Extra[0]) })},
		{"broken key", mod(func(p *wire.Payload) { p.Extra[0].SPKI = p.Extra[0].SPKI[:50] })},
		{"P-384 point of another length", mod(func(p *wire.Payload) {
			p.Extra[0].SPKI = append(p.Extra[0].SPKI[:len(p.Extra[0].SPKI)-97], p.Signers[0].SPKI[len(p.Signers[0].SPKI)-65:]...)
		})},
		{"lower-case country", mod(func(p *wire.Payload) { p.Extra[1].Country = "be" })},
		{"kid of 7 bytes", mod(func(p *wire.Payload) { p.Extra[1].KID = p.Extra[1].KID[:7] })},
		{"not an array", sign(t, f.pub1, withExtra{Payload: f.payload(), Extra: map[int]int{1: 2}})},
		{"an entry that is not a map", sign(t, f.pub1, withExtra{Payload: f.payload(), Extra: []any{"signer"}})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := trustlist.Load(tc.bundle, pins(f.pub1), testNow, 0)
			wantCode(t, err, trustlist.Invalid)
		})
	}
}
