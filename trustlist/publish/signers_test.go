package publish

import (
	"context"
	"crypto/x509"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/internal/testkit/oldreader"
)

// realSigners are document signers as member states really publish them,
// which the builder once left out.
type realSigners struct {
	selfSigned *issuer.DSC // self-signed, CA:TRUE, no key usage (openssl req -x509)
	caFlagged  *issuer.DSC // issued by the CSCA, CA:TRUE, digitalSignature
	p384       *issuer.DSC // ECDSA P-384, signs ES256
	p521       *issuer.DSC // ECDSA P-521, signs ES256
	negative   *issuer.DSC // a negative serial number
	p384CA     *issuer.DSC // self-signed CA:TRUE P-384 with a negative serial: all three
	certSign   *issuer.DSC // CA:TRUE, keyCertSign only: not a signer
}

func newRealSigners(t testing.TB) *realSigners {
	t.Helper()
	p := loadPKI(t)
	nb, na := testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0)
	mk := func(ca *issuer.Authority, o issuer.DSCOptions) *issuer.DSC {
		t.Helper()
		o.NotBefore, o.NotAfter = nb, na
		var d *issuer.DSC
		var err error
		if ca == nil {
			d, err = issuer.NewSelfSignedDSC("BE", o)
		} else {
			d, err = ca.NewDSC(o)
		}
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	return &realSigners{
		selfSigned: mk(nil, issuer.DSCOptions{Name: "BE self-signed test DSC"}),
		caFlagged:  mk(p.fr, issuer.DSCOptions{Name: "FR CA-flagged DSC", CA: true}),
		p384:       mk(p.de, issuer.DSCOptions{Name: "DE P-384 DSC", KeyType: issuer.EC384, Usage: dcc.UsageVaccination}),
		p521:       mk(p.de, issuer.DSCOptions{Name: "DE P-521 DSC", KeyType: issuer.EC521}),
		negative:   mk(p.it, issuer.DSCOptions{Name: "IT negative serial DSC", NegativeSerial: true, Country: "LB"}),
		p384CA:     mk(nil, issuer.DSCOptions{Name: "BE P-384 CA negative", KeyType: issuer.EC384, NegativeSerial: true}),
		certSign:   mk(p.fr, issuer.DSCOptions{Name: "FR keyCertSign only", CA: true, KeyUsage: x509.KeyUsageCertSign}),
	}
}

// TestBuildRealSigners builds a list from files and a gateway list holding
// the signers real states use: CA-flagged ones, P-384 and P-521 keys,
// negative serials. Each is kept and named in the report, its passes
// verify through the list, and the deployed reader loads the list and keeps
// every P-256 and RSA signer.
func TestBuildRealSigners(t *testing.T) {
	p := loadPKI(t)
	rs := newRealSigners(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "files", "self.pem"), rs.selfSigned.CertPEM())
	writeFile(t, filepath.Join(dir, "files", "negative.der"), rs.negative.DER)
	writeFile(t, filepath.Join(dir, "files", "p384ca.pem"), rs.p384CA.CertPEM())
	writeFile(t, filepath.Join(dir, "files", "certsign.pem"), rs.certSign.CertPEM())
	gw := writeFile(t, filepath.Join(dir, "gw.json"), jsonOf(t, []gatewayItem{
		item(rs.caFlagged.DER, "FR", "DSC"),
		item(rs.p384.DER, "DE", "DSC"),
		item(rs.p521.DER, "DE", "DSC"),
		item(rs.negative.DER, "LB", "DSC"), // the same certificate as in files: merged
		item(p.de1.DER, "DE", "DSC"),
		item(p.rsa.DER, "FR", "DSC"),
	}))
	b, r, err := Build(context.Background(), Options{Sources: []Source{Files(filepath.Join(dir, "files")), Gateway(gw, nil)}, Key: p.key, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	kept := []*issuer.DSC{rs.selfSigned, rs.caFlagged, rs.p384, rs.p521, rs.negative, rs.p384CA, p.de1, p.rsa}
	if r.Signers != len(kept) || r.Extra != 3 || r.Merged != 1 {
		t.Errorf("signers %d, extra %d, merged %d; want %d, 3, 1\n%s", r.Signers, r.Extra, r.Merged, len(kept), text(t, r))
	}
	if len(r.LeftOut) != 1 || !strings.Contains(r.LeftOut[0].Reason, "key usage lacks digitalSignature") {
		t.Errorf("left out: %+v", r.LeftOut)
	}
	for key, n := range map[string]int{"ECDSA P-256": 4, "ECDSA P-384": 2, "ECDSA P-521": 1, "RSA-2048": 1} {
		if r.ByKey[key] != n {
			t.Errorf("ByKey[%s] = %d, want %d (%v)", key, r.ByKey[key], n, r.ByKey)
		}
	}
	// The report names each signer kept that deserves a word.
	report := text(t, r)
	for _, want := range []struct {
		d    *issuer.DSC
		what string
	}{
		{rs.selfSigned, "CA:TRUE, no key usage"},
		{rs.caFlagged, "CA:TRUE, key usage with digitalSignature"},
		{rs.p384, "ECDSA P-384 key: among the extra signers"},
		{rs.p521, "ECDSA P-521 key: among the extra signers"},
		{rs.negative, "negative serial number -"},
		{rs.p384CA, "negative serial number -"},
		{rs.p384CA, "CA:TRUE"},
		{rs.p384CA, "ECDSA P-384"},
	} {
		found := false
		for _, k := range r.Kept {
			found = found || (k.KID == b64(want.d.KID) && strings.Contains(k.Remark, want.what))
		}
		if !found {
			t.Errorf("%s: no remark %q in the report:\n%s", want.d.Cert.Subject.CommonName, want.what, report)
		}
	}
	for _, want := range []string{"remarks on signers kept: 8", "keys: ECDSA P-256 4, ECDSA P-384 2, ECDSA P-521 1, RSA-2048 1 (3 among the extra signers)", "key usage lacks digitalSignature"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}

	// Every kept signer's passes verify through the list.
	l := load(t, b, p.key)
	for _, d := range kept {
		kind := dcc.KindVaccination
		if d.Usage != 0 && !d.Usage.Allows(kind) {
			kind = dcc.KindTest
		}
		text, err := d.Issue(issuer.PassOptions{Kind: kind, IssuedAt: testNow.AddDate(0, 0, -1)})
		if err != nil {
			t.Fatal(err)
		}
		if res := dcc.Check(text, l, dcc.Options{Now: testNow}); !res.Valid {
			t.Errorf("%s: %v", d.Cert.Subject.CommonName, res.Errors)
		}
	}

	// The deployed reader loads the list and keeps every other signer.
	old := oldreader.Load(t, b, p.key.Public(), testNow)
	if old.Error != "" {
		t.Fatalf("the deployed reader refuses the list: %s", old.Error)
	}
	if len(old.Signers) != len(kept)-r.Extra {
		t.Errorf("the deployed reader keeps %d signers, want %d", len(old.Signers), len(kept)-r.Extra)
	}
	for _, d := range []*issuer.DSC{rs.selfSigned, rs.caFlagged, rs.negative, p.de1, p.rsa} {
		if !old.Has(d.KID) {
			t.Errorf("the deployed reader lacks %s", d.Cert.Subject.CommonName)
		}
	}
}

// A certificate given with --csca is no signer, even when it could be one
// (a self-signed CA:TRUE certificate with no key usage).
func TestBuildCSCANotASigner(t *testing.T) {
	p := loadPKI(t)
	rs := newRealSigners(t)
	dir := t.TempDir()
	csca := writeFile(t, filepath.Join(dir, "csca.pem"), append(rs.selfSigned.CertPEM(), pemOf(p.de.DER)...))
	b, r, err := Build(context.Background(), Options{
		Sources: []Source{memSource{rs.selfSigned, p.de1}, candidates{{Cert: p.de.Cert, Origin: "DE CSCA"}}},
		CSCA:    []Source{Files(csca)},
		Key:     p.key, Now: testNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := leftOut(r, rs.selfSigned.Cert.Subject.CommonName); !strings.Contains(got, "given as a CSCA") {
		t.Errorf("self-signed DSC also given as a CSCA: %q", got)
	}
	if got := leftOut(r, "DE CSCA"); !strings.Contains(got, "given as a CSCA") {
		t.Errorf("the DE CSCA as a signer: %q", got)
	}
	if l := load(t, b, p.key); l.Len() != 1 || len(l.Signers(p.de1.KID)) != 1 {
		t.Errorf("the list has %d signers, want DSC DE 1 alone", l.Len())
	}
}

func text(t testing.TB, r *Report) string {
	t.Helper()
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
