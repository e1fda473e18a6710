package dcc_test

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/vectors"
	"github.com/passcheck/passcheck/trustlist/certs"
)

func loadDGCCases(t testing.TB) map[string]vectors.DGCCase {
	t.Helper()
	cs, err := vectors.DGCCases("../testdata/dgc-common/2DCode/raw")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]vectors.DGCCase{}
	for _, c := range cs {
		out[c.Name] = c
	}
	return out
}

// dgcKeys trusts the case's signer certificate.
func dgcKeys(t *testing.T, c vectors.DGCCase) dcc.KeyProvider {
	if c.Certificate == "" {
		return dcc.Signers(nil)
	}
	der, err := base64.StdEncoding.DecodeString(c.Certificate)
	if err != nil {
		t.Fatalf("CERTIFICATE: %v", err)
	}
	parsed, err := certs.Parse(der)
	if err != nil {
		t.Fatalf("CERTIFICATE: %v", err)
	}
	s, err := certs.Signer(parsed[0])
	if err != nil {
		t.Fatalf("CERTIFICATE: %v", err)
	}
	return dcc.Signers{s}
}

// flagCodes maps each EXPECTED flag to the codes whose presence means "false".
var flagCodes = map[string][]dcc.Code{
	"EXPECTEDUNPREFIX":        {dcc.PrefixInvalid},
	"EXPECTEDB45DECODE":       {dcc.Base45Invalid},
	"EXPECTEDCOMPRESSION":     {dcc.CompressionInvalid},
	"EXPECTEDDECODE":          {dcc.CBORInvalid, dcc.COSEInvalid},
	"EXPECTEDVERIFY":          {dcc.KIDUnknown, dcc.AlgorithmUnsupported, dcc.SignatureInvalid, dcc.COSEInvalid, dcc.CBORInvalid, dcc.PrefixInvalid, dcc.Base45Invalid, dcc.CompressionInvalid},
	"EXPECTEDEXPIRATIONCHECK": {dcc.CertExpired, dcc.CertNotYetValid},
	"EXPECTEDKEYUSAGE":        {dcc.KeyUsageMismatch},
}

func hasAny(msgs []dcc.Message, codes []dcc.Code) bool {
	for _, m := range msgs {
		for _, c := range codes {
			if m.Code == c {
				return true
			}
		}
	}
	return false
}

// jsonEqual compares two values as JSON (numbers as float64).
func jsonEqual(t *testing.T, a, b any) bool {
	t.Helper()
	norm := func(v any) any {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var out any
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func TestDGCCommon(t *testing.T) {
	for name, c := range loadDGCCases(t) {
		t.Run(name, func(t *testing.T) {
			t.Logf("%s", c.Description)
			r := dcc.Check(c.Prefix, dgcKeys(t, c), dcc.Options{Now: c.Clock})
			checked := 0
			for flag, want := range c.Expected {
				switch flag {
				case "EXPECTEDPICTUREDECODE", "EXPECTEDVALIDOBJECT", "EXPECTEDENCODE":
					continue // the picture is qrimage's test; the others concern encoding
				case "EXPECTEDVALIDJSON":
					if got := jsonEqual(t, r.Certificate, c.JSON); got != want {
						t.Errorf("%s: certificate equals JSON = %v, want %v\n got %v\nwant %v", flag, got, want, r.Certificate, c.JSON)
					}
				case "EXPECTEDSCHEMAVALIDATION":
					bad := hasAny(r.Errors, []dcc.Code{dcc.SchemaInvalid}) || hasAny(r.Warnings, []dcc.Code{dcc.SchemaInvalid})
					if bad == want {
						t.Errorf("%s = %v, but errors %v warnings %v", flag, want, r.Errors, r.Warnings)
					}
				default:
					codes, ok := flagCodes[flag]
					if !ok {
						t.Fatalf("unknown flag %s", flag)
					}
					if failed := hasAny(r.Errors, codes); failed == want {
						t.Errorf("%s = %v, but errors are %v", flag, want, r.Errors)
					}
					if flag == "EXPECTEDDECODE" && want && !jsonEqual(t, r.Certificate, c.JSON) {
						t.Errorf("EXPECTEDDECODE: certificate differs from JSON\n got %v\nwant %v", r.Certificate, c.JSON)
					}
				}
				checked++
			}
			if checked == 0 && c.Expected["EXPECTEDPICTUREDECODE"] == false && len(c.Expected) == 0 {
				t.Fatal("case checks nothing")
			}
		})
	}
}
