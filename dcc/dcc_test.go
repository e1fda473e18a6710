package dcc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/base45"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

func newDSC(t testing.TB, kt issuer.KeyType, u dcc.KeyUsage) *issuer.DSC {
	t.Helper()
	from, to := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	ca, err := issuer.NewCSCA("VN", issuer.EC, from, to)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ca.NewDSC(issuer.DSCOptions{KeyType: kt, Usage: u, NotBefore: from, NotAfter: to})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var clock = time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)

func issue(t testing.TB, d *issuer.DSC, o issuer.PassOptions) string {
	t.Helper()
	if o.IssuedAt.IsZero() {
		o.IssuedAt = clock.Add(-24 * time.Hour)
	}
	text, err := d.Issue(o)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// sharedKIDFixture returns a DSC of VN, a pass it signed, and an impostor
// of XX that shares its kid but holds another key.
func sharedKIDFixture(t *testing.T) (*issuer.DSC, string, dcc.Signer) {
	t.Helper()
	d := newDSC(t, issuer.EC, 0)
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	impostor := d.Signer()
	impostor.PublicKey = &other.PublicKey
	impostor.Country = "XX"
	return d, issue(t, d, issuer.PassOptions{}), impostor
}

// Several signers may share a kid: each is tried, and the one whose key
// verifies is the signer.
func TestSharedKID(t *testing.T) {
	d, text, impostor := sharedKIDFixture(t)
	for _, keys := range []dcc.Signers{{impostor, d.Signer()}, {d.Signer(), impostor}} {
		r := dcc.Check(text, keys, dcc.Options{Now: clock})
		if !r.Valid || r.Signer == nil || r.Signer.Country != "VN" {
			t.Errorf("valid=%v signer=%+v errors=%v", r.Valid, r.Signer, r.Errors)
		}
	}
	r := dcc.Check(text, dcc.Signers{impostor}, dcc.Options{Now: clock})
	if r.Valid || codeSet(r.Errors)[0] != string(dcc.SignatureInvalid) {
		t.Errorf("impostor only: %v", r.Errors)
	}
}

// The key usage is enforced only against the signer that verified.
func TestKeyUsageOfVerifyingSigner(t *testing.T) {
	vacc := newDSC(t, issuer.EC, dcc.UsageVaccination)
	text := issue(t, vacc, issuer.PassOptions{Kind: dcc.KindRecovery})
	r := dcc.Check(text, dcc.Signers{vacc.Signer()}, dcc.Options{Now: clock})
	if got := codeSet(r.Errors); len(got) != 1 || got[0] != string(dcc.KeyUsageMismatch) {
		t.Errorf("errors %v", got)
	}
}

func TestNoKeys(t *testing.T) {
	d := newDSC(t, issuer.EC, 0)
	r := dcc.Check(issue(t, d, issuer.PassOptions{}), nil, dcc.Options{Now: clock})
	if got := codeSet(r.Errors); len(got) != 1 || got[0] != string(dcc.KIDUnknown) {
		t.Errorf("errors %v", got)
	}
	if r.Holder == nil || r.Holder.FamilyNameStd != "NGUYEN" {
		t.Errorf("the unverified holder is still reported: %+v", r.Holder)
	}
}

// The zero clock means now: a pass issued a year ago by a signer valid
// until 2023 is judged at the real time.
func TestZeroClockIsNow(t *testing.T) {
	d := newDSC(t, issuer.EC, 0)
	text := issue(t, d, issuer.PassOptions{IssuedAt: time.Now().Add(-time.Hour), ExpiresAt: time.Now().Add(time.Hour)})
	r := dcc.Check(text, dcc.Signers{d.Signer()}, dcc.Options{})
	if got := codeSet(r.Errors); len(got) != 1 || got[0] != string(dcc.SignerExpired) {
		t.Errorf("errors %v, want only SIGNER_EXPIRED (the test DSC ends in 2023)", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	long := dcc.Prefix + strings.Repeat("0", dcc.MaxInputLen)
	for _, tt := range []struct {
		name, text string
		code       dcc.Code
	}{
		{"empty", "", dcc.PrefixInvalid},
		{"whitespace", " \n\t", dcc.PrefixInvalid},
		{"too long", long, dcc.InputTooLarge},
		{"prefix only", "HC1:", dcc.CompressionInvalid},
		{"binary", "HC1:\x00\x01", dcc.Base45Invalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dcc.Decode(tt.text)
			var e *dcc.Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("Decode: %v, want code %s", err, tt.code)
			}
			if e.Error() == "" || e.Code.Message() == "" {
				t.Error("empty message")
			}
		})
	}
}

func TestKeyUsageAllows(t *testing.T) {
	all := []dcc.Kind{dcc.KindVaccination, dcc.KindTest, dcc.KindRecovery}
	for _, k := range all {
		if !dcc.KeyUsage(0).Allows(k) {
			t.Errorf("no OIDs must allow %s", k)
		}
	}
	u := dcc.UsageTest | dcc.UsageRecovery
	if u.Allows(dcc.KindVaccination) || !u.Allows(dcc.KindTest) || !u.Allows(dcc.KindRecovery) {
		t.Error("test+recovery usage")
	}
	if u.Allows(dcc.KindNone) {
		t.Error("an unknown kind must not be allowed by a restricted signer")
	}
}

// Every code of this package is in the registry with a class and a plain
// sentence.
func TestEveryCodeHasAMessage(t *testing.T) {
	for _, c := range []dcc.Code{dcc.PrefixInvalid, dcc.Base45Invalid, dcc.CompressionInvalid, dcc.COSEInvalid, dcc.CBORInvalid,
		dcc.SchemaInvalid, dcc.KIDUnknown, dcc.AlgorithmUnsupported, dcc.SignatureInvalid, dcc.CertExpired, dcc.CertNotYetValid,
		dcc.SignerExpired, dcc.SignerNotYetValid, dcc.KeyUsageMismatch, dcc.ValueUnknown,
		dcc.InputInvalid, dcc.InternalError, dcc.QRUnavailable, dcc.RuleFailed, dcc.RuleOpen, dcc.RulesMissing} {
		if c.Message() == "" || !strings.HasSuffix(c.Message(), ".") {
			t.Errorf("%s: message %q is not a sentence", c, c.Message())
		}
		if c.Class() == "" {
			t.Errorf("%s: not in the registry", c)
		}
	}
}

func TestDisplayName(t *testing.T) {
	for _, tt := range []struct {
		kind        dcc.Kind
		field, code string
		want        string
		ok          bool
	}{
		{dcc.KindVaccination, "mp", "EU/1/20/1528", "Comirnaty", true},
		{dcc.KindVaccination, "mp", " EU/1/20/1528 ", "Comirnaty", true},
		{dcc.KindTest, "tr", "260415000", "Not detected", true},
		{dcc.KindTest, "ma", "1232", "Abbott Rapid Diagnostics, Panbio COVID-19 Ag Rapid Test", true},
		{dcc.KindVaccination, "co", "VN", "Viet Nam", true},
		{dcc.KindVaccination, "mp", "nope", "", false},
		{dcc.KindVaccination, "xx", "EU/1/20/1528", "", false},
	} {
		got, ok := dcc.DisplayName(tt.kind, tt.field, tt.code)
		if got != tt.want || ok != tt.ok {
			t.Errorf("DisplayName(%s, %s, %q) = %q, %v; want %q, %v", tt.kind, tt.field, tt.code, got, ok, tt.want, tt.ok)
		}
	}
}

// A signed pass without exp or iat is refused (hcert §3.3.1: both SHALL be
// present; a pass without exp would never expire): CLAIM_MISSING, red.
func TestClaimMissing(t *testing.T) {
	d := newDSC(t, issuer.EC, 0)
	keys := dcc.Signers{d.Signer()}
	for _, tc := range []struct {
		name string
		o    issuer.PassOptions
		want []dcc.Code
	}{
		{"both", issuer.PassOptions{}, nil},
		{"no exp", issuer.PassOptions{OmitExpiry: true}, []dcc.Code{dcc.ClaimMissing}},
		{"no iat", issuer.PassOptions{OmitIssuedAt: true}, []dcc.Code{dcc.ClaimMissing}},
		{"neither", issuer.PassOptions{OmitExpiry: true, OmitIssuedAt: true}, []dcc.Code{dcc.ClaimMissing}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dcc.Check(issue(t, d, tc.o), keys, dcc.Options{Now: clock})
			var got []dcc.Code
			for _, m := range r.Errors {
				got = append(got, m.Code)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("errors %v, want %v", got, tc.want)
			}
			want := dcc.VerdictValid
			if tc.want != nil {
				want = dcc.VerdictInvalid
			}
			if r.Verdict != want || r.Signer == nil {
				t.Errorf("verdict %s (signer %v), want %s", r.Verdict, r.Signer, want)
			}
		})
	}
}

// Bytes after the zlib stream's checksum are refused, not ignored.
func TestTrailingBytesAfterZlib(t *testing.T) {
	d := newDSC(t, issuer.EC, 0)
	text := issue(t, d, issuer.PassOptions{})
	raw, err := base45.Decode(strings.TrimPrefix(text, dcc.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dcc.Decode(text); err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]byte{{0}, []byte("trailing data")} {
		bad := dcc.Prefix + base45.Encode(append(append([]byte(nil), raw...), extra...))
		var de *dcc.Error
		if _, err := dcc.Decode(bad); !errors.As(err, &de) || de.Code != dcc.CompressionInvalid {
			t.Errorf("%q after the stream: %v, want COMPRESSION_INVALID", extra, err)
		}
	}
}
