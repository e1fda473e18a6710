package dcc

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/base45"
	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/internal/testkit/vectors"
)

// knownCodes is the code registry (codes.go): every code a Result or an
// error carries must be in it.
var knownCodes = Codes()

// seedTexts returns the QR texts of the vectors and the conformance cases.
func seedTexts(f *testing.F) []string {
	f.Helper()
	vs, err := vectors.Vectors("../testdata/vectors")
	if err != nil {
		f.Fatal(err)
	}
	cs, err := vectors.DGCCases("../testdata/dgc-common/2DCode/raw")
	if err != nil {
		f.Fatal(err)
	}
	var out []string
	for _, v := range vs {
		out = append(out, v.Text)
	}
	for _, c := range cs {
		out = append(out, c.Prefix)
	}
	return out
}

// fuzzClock is the validation clock of the fuzz targets.
var fuzzClock = time.Unix(1622505600, 0)

// checkError fails unless err is an *Error with a known code.
func checkError(t *testing.T, err error) {
	var e *Error
	if !errors.As(err, &e) || knownCodes[e.Code] == "" {
		t.Fatalf("error %v (%T) has no known code", err, err)
	}
}

// checkResult fails when a Result breaks its contract.
func checkResult(t *testing.T, r *Result) {
	for _, m := range append(append([]Message{}, r.Errors...), r.Warnings...) {
		if knownCodes[m.Code] == "" || m.Message == "" {
			t.Fatalf("unknown code or empty message: %+v", m)
		}
	}
	for _, m := range r.Errors {
		if knownCodes[m.Code] == Warning {
			t.Fatalf("a warning's code among the errors: %+v", m)
		}
	}
	if r.Valid != (len(r.Errors) == 0) {
		t.Fatalf("valid=%v with errors %v", r.Valid, r.Errors)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatalf("Result is not JSON: %v", err)
	}
}

// FuzzDecode runs the whole chain on arbitrary text.
func FuzzDecode(f *testing.F) {
	for _, s := range seedTexts(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Decode(text)
		if err != nil {
			checkError(t, err)
			return
		}
		checkResult(t, Verify(p, nil, Options{Now: fuzzClock}))
	})
}

// FuzzCOSE runs the chain after zlib: COSE_Sign1, CWT claims and payload.
func FuzzCOSE(f *testing.F) {
	for _, s := range seedTexts(f) {
		b, err := base45.Decode(strings.TrimPrefix(s, Prefix))
		if err != nil {
			continue
		}
		if raw, err := inflate(b); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		p := &Pass{}
		err := p.parseCOSE(raw)
		if err == nil {
			err = p.DecodeClaims()
		}
		if err != nil {
			checkError(t, err)
			return
		}
		checkResult(t, Verify(p, nil, Options{Now: fuzzClock}))
	})
}

// FuzzPayload feeds arbitrary CBOR to the DCC payload decoder and the schema checks.
func FuzzPayload(f *testing.F) {
	f.Add([]byte{0xa0})
	f.Add([]byte{0xa1, 0x61, 'v', 0xf6})
	f.Add([]byte{0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}) // NaN
	f.Fuzz(func(t *testing.T, b []byte) {
		// b as the DCC payload of CWT claims {-260: {1: b}}, read as
		// parseCWT reads it.
		claims := append([]byte{0xa1, 0x39, 0x01, 0x03, 0xa1, 0x01}, b...)
		v, _, err := cbor.DecodeJSONAt(claims, limits, claimHcert, hcertDCCv1)
		if err != nil {
			return
		}
		tree := v.(map[any]any)[int64(claimHcert)].(map[any]any)[int64(hcertDCCv1)]
		if _, err := json.Marshal(tree); err != nil {
			t.Fatalf("payload tree is not JSON: %v", err)
		}
		rd := readCertificate(tree)
		for _, m := range append(rd.errors, rd.warnings...) {
			if knownCodes[m.Code] == "" {
				t.Fatalf("unknown code %s", m.Code)
			}
		}
	})
}
