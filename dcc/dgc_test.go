package dcc_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/certs"
	"github.com/passcheck/passcheck/internal/issuer"
)

// dgcCase is one EU DCC conformance case (testdata/dgc-common, see its README).
type dgcCase struct {
	JSON    any    `json:"JSON"`
	Prefix  string `json:"PREFIX"`
	TestCtx struct {
		Certificate     string `json:"CERTIFICATE"`
		ValidationClock string `json:"VALIDATIONCLOCK"`
		Description     string `json:"DESCRIPTION"`
	} `json:"TESTCTX"`
	Expected map[string]bool `json:"EXPECTEDRESULTS"`
}

// parseClock reads VALIDATIONCLOCK: RFC 3339, a "+0000" offset, or no zone (UTC).
func parseClock(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Parse(time.RFC3339, s)
}

func loadDGCCases(t testing.TB) map[string]dgcCase {
	t.Helper()
	files, _ := filepath.Glob("../testdata/dgc-common/2DCode/raw/*.json")
	if len(files) == 0 {
		t.Fatal("no conformance cases in testdata/dgc-common")
	}
	cases := map[string]dgcCase{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c dgcCase
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases[strings.TrimSuffix(filepath.Base(f), ".json")] = c
	}
	return cases
}

func (c dgcCase) keys(t *testing.T) dcc.KeyProvider {
	if c.TestCtx.Certificate == "" {
		return issuer.Signers(nil)
	}
	der, err := base64.StdEncoding.DecodeString(c.TestCtx.Certificate)
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
	return issuer.Signers{s}
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
			t.Logf("%s", c.TestCtx.Description)
			now, err := parseClock(c.TestCtx.ValidationClock)
			if err != nil {
				t.Fatalf("VALIDATIONCLOCK %q: %v", c.TestCtx.ValidationClock, err)
			}
			r := dcc.Check(c.Prefix, c.keys(t), dcc.Options{Now: now})
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
