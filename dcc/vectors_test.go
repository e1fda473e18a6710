package dcc_test

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/vectors"
	"github.com/passcheck/passcheck/trustlist/certs"
)

func readVectors(t testing.TB) ([]vectors.Vector, dcc.Signers) {
	t.Helper()
	vs, err := vectors.Vectors("../testdata/vectors")
	if err != nil {
		t.Fatal(err)
	}
	pemData, err := os.ReadFile("../testdata/vectors/" + vectors.SignersFile)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := certs.Parse(pemData)
	if err != nil {
		t.Fatal(err)
	}
	var keys dcc.Signers
	for _, c := range cs {
		s, err := certs.Signer(c)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, s)
	}
	return vs, keys
}

func codeSet(ms []dcc.Message) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		if !seen[string(m.Code)] {
			seen[string(m.Code)] = true
			out = append(out, string(m.Code))
		}
	}
	sort.Strings(out)
	return out
}

func TestVectors(t *testing.T) {
	vs, keys := readVectors(t)
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			r := dcc.Check(v.Text, keys, dcc.Options{Now: v.Now})
			if got := codeSet(r.Errors); !reflect.DeepEqual(got, v.Expect) {
				t.Errorf("%s: errors %v, want %v\n%v", v.Comment, got, v.Expect, r.Errors)
			}
			if got := codeSet(r.Warnings); !reflect.DeepEqual(got, v.Warn) {
				t.Errorf("%s: warnings %v, want %v\n%v", v.Comment, got, v.Warn, r.Warnings)
			}
			if r.Valid != (len(v.Expect) == 0) {
				t.Errorf("valid = %v with errors %v", r.Valid, r.Errors)
			}
			if want := vectorVerdict(v.Expect); r.Verdict != want {
				t.Errorf("verdict %s with errors %v, want %s", r.Verdict, v.Expect, want)
			}
			for _, m := range append(r.Errors, r.Warnings...) {
				if m.Message == "" {
					t.Errorf("%s has no message", m.Code)
				}
			}
			// The Result is JSON (what verify --json prints).
			if _, err := json.Marshal(r); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A valid pass's result carries the holder, signer and dates.
func TestResultFields(t *testing.T) {
	vs, keys := readVectors(t)
	for _, v := range vs {
		if v.Name != "valid-test-es256" {
			continue
		}
		r := dcc.Check(v.Text, keys, dcc.Options{Now: v.Now})
		if r.Kind != dcc.KindTest || r.Issuer != "AT" || r.IssuedAt != "2021-05-20T08:00:00Z" || r.ExpiresAt != "2022-05-20T08:00:00Z" {
			t.Errorf("kind %q issuer %q iat %q exp %q", r.Kind, r.Issuer, r.IssuedAt, r.ExpiresAt)
		}
		want := dcc.Holder{FamilyName: "Nguyễn", GivenName: "Thị Minh Anh", FamilyNameStd: "NGUYEN", GivenNameStd: "THI<MINH<ANH", DateOfBirth: "1990-04-14"}
		if r.Holder == nil || *r.Holder != want {
			t.Errorf("holder %+v, want %+v", r.Holder, want)
		}
		if r.Signer == nil || r.Signer.Country != "AT" || !strings.Contains(r.Signer.Subject, "DSC AT EC") {
			t.Errorf("signer %+v", r.Signer)
		}
		return
	}
	t.Fatal("vector valid-test-es256 missing")
}

// Whitespace is trimmed for the holder, while certificate keeps the value as decoded.
func TestWhitespaceKeptInCertificate(t *testing.T) {
	vs, keys := readVectors(t)
	for _, v := range vs {
		if v.Name == "warn-whitespace" {
			r := dcc.Check(v.Text, keys, dcc.Options{Now: v.Now})
			mp := r.Certificate.(map[string]any)["v"].([]any)[0].(map[string]any)["mp"]
			if mp != "EU/1/20/1528 " {
				t.Errorf("certificate mp = %q, want the untrimmed value", mp)
			}
			return
		}
	}
	t.Fatal("vector warn-whitespace missing")
}

// DecodeEnvelope, then Verify (which reads the claims itself), gives every
// vector the Result Check gives; a text whose envelope decodes but whose
// claims do not gets that one error from Verify and from DecodeClaims.
func TestDecodeEnvelope(t *testing.T) {
	vs, keys := readVectors(t)
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			want := dcc.Check(v.Text, keys, dcc.Options{Now: v.Now})
			p, err := dcc.DecodeEnvelope(v.Text)
			if err != nil {
				if r := dcc.Check(v.Text, keys, dcc.Options{Now: v.Now}); len(r.Errors) != 1 || r.Errors[0].Code != err.(*dcc.Error).Code {
					t.Errorf("DecodeEnvelope: %v; Check: %v", err, r.Errors)
				}
				return
			}
			if len(p.ToBeSigned()) == 0 || len(p.Signature()) == 0 || p.Certificate != nil || p.Issuer != "" {
				t.Errorf("envelope: tbs %d bytes, signature %d, certificate %v, issuer %q", len(p.ToBeSigned()), len(p.Signature()), p.Certificate, p.Issuer)
			}
			got := dcc.Verify(p, keys, dcc.Options{Now: v.Now})
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Verify after DecodeEnvelope:\n%+v\nCheck:\n%+v", got, want)
			}
			claimsErr := p.DecodeClaims()
			if _, decodeErr := dcc.Decode(v.Text); !reflect.DeepEqual(claimsErr, decodeErr) {
				t.Errorf("DecodeClaims: %v, Decode: %v", claimsErr, decodeErr)
			}
		})
	}
}

// vectorVerdict is the verdict a vector's expected errors give. In the
// vectors a cannot-check code (an unknown kid or algorithm) always means
// that no signer verified the signature, so it wins over a failed check.
func vectorVerdict(expect []string) dcc.Verdict {
	v := dcc.VerdictValid
	for _, c := range expect {
		switch dcc.Code(c).Class() {
		case dcc.NotAPass:
			return dcc.VerdictNotAPass
		case dcc.CannotCheck:
			v = dcc.VerdictCannotCheck
		default:
			if v == dcc.VerdictValid {
				v = dcc.VerdictInvalid
			}
		}
	}
	return v
}
