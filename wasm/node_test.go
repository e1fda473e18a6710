//go:build !js

package main

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist"
)

type realSigner struct {
	name string
	dsc  *issuer.DSC
}

// realSigners returns document signers as member states publish them,
// valid around now: self-signed CA:TRUE, P-384 and P-521 keys, a negative
// serial number.
func realSigners(t testing.TB, now time.Time) []realSigner {
	t.Helper()
	nb, na := now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0)
	ca, err := issuer.NewCSCA("BE", issuer.EC384, nb, na)
	if err != nil {
		t.Fatal(err)
	}
	named, err := issuer.RealStateSigners(ca, nb, na)
	if err != nil {
		t.Fatal(err)
	}
	var out []realSigner
	for _, n := range named {
		out = append(out, realSigner{n.Name, n.DSC})
	}
	return out
}

// TestNodeParity runs the built module under Node over every vector and
// every EU conformance case, through the pure-Go path and the WebCrypto
// path of the ES module, and compares each Result with the native one
// (dcc.Check with the same trust list) after parsing both as JSON.
func TestNodeParity(t *testing.T) {
	m := buildModule(t)
	pub := newPublisher(t)
	now := time.Now()

	type group struct {
		certs []*x509.Certificate
		cases []nodeCase
	}
	var groups []*group

	vs, signers := readVectors(t)
	g := &group{certs: append(signers, fillerCert(t))}
	for _, v := range vs {
		g.cases = append(g.cases, nodeCase{Name: "vector/" + v.name, Text: v.text, At: v.now.UnixMilli()})
	}
	groups = append(groups, g)

	// The signers real states use: CA-flagged, P-384 and P-521 keys under
	// ES256, negative serial numbers; their passes go through WebCrypto
	// (importKey with the key's curve) and the pure-Go check alike.
	g = &group{certs: []*x509.Certificate{fillerCert(t)}}
	for _, rs := range realSigners(t, now) {
		g.certs = append(g.certs, rs.dsc.Cert)
		for _, corrupt := range []bool{false, true} {
			text, err := rs.dsc.Issue(issuer.PassOptions{IssuedAt: now.Add(-24 * time.Hour), CorruptSignature: corrupt})
			if err != nil {
				t.Fatal(err)
			}
			name := "real signer/" + rs.name
			if corrupt {
				name += "/tampered"
			}
			g.cases = append(g.cases, nodeCase{Name: name, Text: text, At: now.UnixMilli()})
		}
	}
	groups = append(groups, g)

	// Each conformance case trusts its own certificate only.
	byCert := map[string]*group{}
	for _, c := range readDGC(t) {
		g := byCert[c.cert]
		if g == nil {
			g = &group{certs: []*x509.Certificate{fillerCert(t)}}
			if c.cert != "" {
				der, err := base64.StdEncoding.DecodeString(c.cert)
				if err != nil {
					t.Fatalf("%s: CERTIFICATE: %v", c.name, err)
				}
				cert, err := x509.ParseCertificate(der)
				if err != nil {
					t.Fatalf("%s: CERTIFICATE: %v", c.name, err)
				}
				g.certs = append(g.certs, cert)
			}
			byCert[c.cert] = g
			groups = append(groups, g)
		}
		g.cases = append(g.cases, nodeCase{Name: c.name, Text: c.text, At: c.now.UnixMilli()})
	}

	var jobGroups []nodeGroup
	want := map[string]any{}
	for i, g := range groups {
		bundle := pub.bundle(t, g.certs, uint64(i+1), now, time.Hour)
		list := pub.list(t, bundle)
		for _, c := range g.cases {
			want[c.Name] = jsonTree(t, dcc.Check(c.Text, list, dcc.Options{Now: time.UnixMilli(c.At)}))
		}
		jobGroups = append(jobGroups, nodeGroup{Bundle: b64(bundle), Keys: pub.pem, Revocations: pub.noneRevoked(t), Cases: g.cases})
	}

	var got map[string]struct {
		Pure, Fast, Again any
		WebCrypto         int
	}
	runNode(t, m, map[string]any{"mode": "parity", "groups": jobGroups}, &got)
	if len(got) != len(want) {
		t.Errorf("node answered %d cases, want %d", len(got), len(want))
	}
	valid := 0
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: no answer from node", name)
			continue
		}
		if !reflect.DeepEqual(g.Pure, w) {
			t.Errorf("%s: pure-Go WebAssembly differs from native\n got %v\nwant %v", name, g.Pure, w)
		}
		if !reflect.DeepEqual(g.Fast, w) {
			t.Errorf("%s: WebCrypto path, the signer's first pass, differs from native\n got %v\nwant %v", name, g.Fast, w)
		}
		if !reflect.DeepEqual(g.Again, w) {
			t.Errorf("%s: WebCrypto path, a pass after the signer's key was imported, differs from native\n got %v\nwant %v", name, g.Again, w)
		}
		if w.(map[string]any)["valid"] == true {
			valid++
			// On the WebCrypto path a valid pass's signature is WebCrypto's
			// to confirm, not left to the pure-Go fallback.
			if g.WebCrypto == 0 {
				t.Errorf("%s: valid, but WebCrypto confirmed no signature: the WebCrypto path fell back to Go", name)
			}
		}
	}
	// The comparison must cover valid passes, not only refusals.
	if valid < 10 {
		t.Errorf("only %d of %d cases are valid natively: the trust lists are wrong", valid, len(want))
	}
	t.Logf("%d cases (%d valid) equal in Node, pure Go and WebCrypto", len(want), valid)
}

// TestNodeHostile calls the JavaScript API with bad arguments: each gives an
// error with a stable code (never a throw), and a valid pass still verifies
// after each.
func TestNodeHostile(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	g := nodeGroup{
		Bundle: b64(f.bundle(t, 1, f.now, time.Hour)), Keys: f.pub.pem,
		Cases: []nodeCase{{Name: "good", Text: f.pass, At: f.now.UnixMilli()}},
	}
	var got map[string]json.RawMessage
	runNode(t, m, map[string]any{"mode": "hostile", "groups": []nodeGroup{g}}, &got)
	var qr bool
	json.Unmarshal(got["qr"], &qr)
	delete(got, "qr")
	scanBad := "INPUT_INVALID"
	scanBlank := "" // null: no code found
	if !qr {
		scanBad, scanBlank = "QR_UNAVAILABLE", "QR_UNAVAILABLE"
	}
	want := map[string]string{
		"verify(number)":                    "INPUT_INVALID",
		"verify(undefined)":                 "INPUT_INVALID",
		"verify(object)":                    "INPUT_INVALID",
		"verify(huge)":                      "INPUT_TOO_LARGE",
		"verify(bad clock)":                 "INPUT_INVALID",
		"verify(NaN clock)":                 "INPUT_INVALID",
		"verify(far clock)":                 "INPUT_INVALID",
		"verify(binary junk)":               "BASE45_INVALID",
		"module verify(null)":               "INPUT_INVALID",
		"module verify(huge)":               "INPUT_TOO_LARGE",
		"export verify(no session)":         "INPUT_INVALID",
		"export verify(length past input)":  "INPUT_INVALID",
		"export verify(NaN clock)":          "INPUT_INVALID",
		"export verify(far clock)":          "INPUT_INVALID",
		"export verify(junk)":               "BASE45_INVALID",
		"export verify(good)":               "valid",
		"export prepare(junk)":              "BASE45_INVALID",
		"export prepare(no session)":        "INPUT_INVALID",
		"export input(huge)":                "", // null: both sizes refused
		"export speculate(stale)":           "", // null: nothing prepared under that token
		"export speculate(junk)":            "",
		"export verifyPrepared(stale)":      "",
		"export verifyPrepared(no session)": "",
		"loadTrustList(string)":             "INPUT_INVALID",
		"loadTrustList(undefined)":          "INPUT_INVALID",
		"loadTrustList(junk)":               "TRUSTLIST_INVALID",
		"loadTrustList(bad keys)":           "TRUSTLIST_KEY_INVALID",
		"loadTrustList(negative sequence)":  "INPUT_INVALID",
		"scanImage(10000x10000 short)":      scanBad,
		"scanImage(short buffer)":           scanBad,
		"scanImage(string)":                 scanBad,
		"scanImage(no size)":                scanBad,
		"scanImage(fraction)":               "INPUT_INVALID",
		"scanImage(blank)":                  scanBlank,
		"module scan(junk)":                 "", // the ES module's scan gives null
	}
	if len(got) != len(want) {
		t.Errorf("%d answers, want %d", len(got), len(want))
	}
	for name, code := range want {
		var a struct {
			Result     json.RawMessage
			AfterValid bool
		}
		if err := json.Unmarshal(got[name], &a); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !a.AfterValid {
			t.Errorf("%s: a valid pass no longer verifies afterwards", name)
		}
		var r struct {
			Thrown  string
			Valid   bool
			Verdict dcc.Verdict
			Errors  []dcc.Message
			Signer  *dcc.SignerInfo
		}
		if string(a.Result) == "null" {
			if code != "" {
				t.Errorf("%s: null, want %s", name, code)
			}
			continue
		}
		if err := json.Unmarshal(a.Result, &r); err != nil {
			t.Errorf("%s: %s: %v", name, a.Result, err)
			continue
		}
		if r.Thrown != "" {
			t.Errorf("%s: threw %s", name, r.Thrown)
			continue
		}
		// The module's own Results carry the verdict of their errors (the
		// ES module's and the trust-list answers are not checked here).
		if !strings.HasPrefix(name, "module ") && !strings.HasPrefix(name, "loadTrustList") {
			if want := dcc.Decide(r.Errors, r.Signer != nil); r.Verdict != want || r.Valid != (want == dcc.VerdictValid) {
				t.Errorf("%s: verdict %q, valid %v, want %s", name, r.Verdict, r.Valid, want)
			}
		}
		if code == "valid" {
			if !r.Valid {
				t.Errorf("%s: errors %v, want a valid Result", name, r.Errors)
			}
			continue
		}
		found := false
		for _, e := range r.Errors {
			found = found || string(e.Code) == code
		}
		if !found {
			t.Errorf("%s: errors %v, want %s", name, r.Errors, code)
		}
	}
}

// TestNodeVerdicts runs the module under Node, through the pure-Go path
// and the WebCrypto path, over passes of every class of code and their
// combinations, against a fresh list, a list in its grace period and no
// usable list: the verdict is the module's, and valid is true exactly when
// it is valid.
func TestNodeVerdicts(t *testing.T) {
	m := buildModule(t)
	pub := newPublisher(t)
	now := time.Now()
	vs, signers := readVectors(t)
	certs := append(signers, fillerCert(t))
	vector := func(name string) vector {
		for _, v := range vs {
			if v.name == name {
				return v
			}
		}
		t.Fatalf("no vector %s", name)
		return vector{}
	}
	late := time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() // every pass and signer has expired
	type want struct {
		verdict dcc.Verdict
		errors  []dcc.Code
		signed  bool
	}
	wants := map[string]want{}
	cases := func(prefix string, list []struct {
		name, vector string
		late         bool
		want
	}) []nodeCase {
		var out []nodeCase
		for _, c := range list {
			v := vector(c.vector)
			at := v.now.UnixMilli()
			if c.late {
				at = late
			}
			out = append(out, nodeCase{Name: prefix + c.name, Text: v.text, At: at})
			wants[prefix+c.name] = c.want
		}
		return out
	}
	type row = struct {
		name, vector string
		late         bool
		want
	}
	fresh := nodeGroup{Bundle: b64(pub.bundle(t, certs, 1, now, time.Hour)), Keys: pub.pem, Revocations: pub.noneRevoked(t), Cases: cases("fresh/", []row{
		{"valid", "valid-vaccination-es256", false, want{dcc.VerdictValid, nil, true}},
		{"warning only", "warn-value-unknown", false, want{dcc.VerdictValid, nil, true}},
		{"valid PS256", "valid-ps256-rsa3072", false, want{dcc.VerdictValid, nil, true}},
		{"failed check", "expired", false, want{dcc.VerdictInvalid, []dcc.Code{dcc.CertExpired}, true}},
		{"forged", "tampered-signature", false, want{dcc.VerdictInvalid, []dcc.Code{dcc.SignatureInvalid}, false}},
		{"unknown signer", "unknown-signer", false, want{dcc.VerdictCannotCheck, []dcc.Code{dcc.KIDUnknown}, false}},
		{"failed check beside an unknown signer", "unknown-signer", true, want{dcc.VerdictCannotCheck, []dcc.Code{dcc.KIDUnknown, dcc.CertExpired}, false}},
		{"algorithm", "alg-es384", false, want{dcc.VerdictCannotCheck, []dcc.Code{dcc.AlgorithmUnsupported}, false}},
		{"decode failure", "prefix-hc2", false, want{dcc.VerdictNotAPass, []dcc.Code{dcc.PrefixInvalid}, false}},
		{"bomb", "zlib-bomb", false, want{dcc.VerdictNotAPass, []dcc.Code{dcc.CompressionInvalid}, false}},
		{"claims", "cwt-not-map", false, want{dcc.VerdictNotAPass, []dcc.Code{dcc.CBORInvalid}, false}},
	})}
	// Expired an hour ago, within a grace of two.
	grace := nodeGroup{Bundle: b64(pub.bundle(t, certs, 2, now.Add(-3*time.Hour), 2*time.Hour)), Keys: pub.pem, Revocations: pub.noneRevoked(t), GraceSeconds: 7200, Cases: cases("grace/", []row{
		{"valid", "valid-vaccination-es256", false, want{dcc.VerdictCannotCheck, []dcc.Code{trustlist.Expired}, true}},
		{"warning only", "warn-value-unknown", false, want{dcc.VerdictCannotCheck, []dcc.Code{trustlist.Expired}, true}},
		{"failed check", "valid-vaccination-es256", true, want{dcc.VerdictInvalid, []dcc.Code{dcc.CertExpired, dcc.SignerExpired, trustlist.Expired}, true}},
		{"forged", "tampered-signature", false, want{dcc.VerdictCannotCheck, []dcc.Code{dcc.SignatureInvalid, trustlist.Expired}, false}},
		{"unknown signer", "unknown-signer", false, want{dcc.VerdictCannotCheck, []dcc.Code{dcc.KIDUnknown, trustlist.Expired}, false}},
		{"decode failure", "prefix-hc2", false, want{dcc.VerdictNotAPass, []dcc.Code{dcc.PrefixInvalid}, false}},
	})}
	// Signed by another publisher: the load fails, no list is in use.
	foreign := nodeGroup{Bundle: b64(newPublisher(t).bundle(t, certs, 3, now, time.Hour)), Keys: pub.pem, Revocations: pub.noneRevoked(t), Cases: cases("no list/", []row{
		{"valid", "valid-vaccination-es256", false, want{dcc.VerdictCannotCheck, []dcc.Code{dcc.KIDUnknown, trustlist.SignatureInvalid}, false}},
		{"failed check", "expired", false, want{dcc.VerdictCannotCheck, []dcc.Code{dcc.CertExpired, dcc.KIDUnknown, trustlist.SignatureInvalid}, false}},
		{"decode failure", "base45-bad-character", false, want{dcc.VerdictNotAPass, []dcc.Code{dcc.Base45Invalid}, false}},
	})}
	var got map[string]struct{ Pure, Fast nodeVerdict }
	runNode(t, m, map[string]any{"mode": "verdict", "groups": []nodeGroup{fresh, grace, foreign}}, &got)
	if len(got) != len(wants) {
		t.Errorf("node answered %d cases, want %d", len(got), len(wants))
	}
	for name, w := range wants {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: no answer", name)
			continue
		}
		for path, r := range map[string]nodeVerdict{"pure Go": g.Pure, "WebCrypto": g.Fast} {
			slices.Sort(r.Errors)
			wantErrs := slices.Sorted(slices.Values(w.errors))
			if r.Verdict != w.verdict || r.Valid != (w.verdict == dcc.VerdictValid) || !slices.Equal(r.Errors, wantErrs) || r.Signed != w.signed {
				t.Errorf("%s (%s): verdict %s, valid %v, errors %v, signed %v; want %s, %v, %v", name, path, r.Verdict, r.Valid, r.Errors, r.Signed, w.verdict, wantErrs, w.signed)
			}
		}
	}
}

// nodeVerdict is what runner.mjs's verdict mode reports of a Result.
type nodeVerdict struct {
	Verdict dcc.Verdict
	Valid   bool
	Errors  []dcc.Code
	Signed  bool
}
