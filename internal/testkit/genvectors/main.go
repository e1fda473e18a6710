// Command genvectors writes the test vectors in testdata/vectors: one file per
// case, a header (expect, warn, now, comment), a blank line, then the QR text;
// and signers.pem, the DSC certificates the vectors trust. Negative cases are
// made by mutating a good pass and re-signing it.
//
// Run it with go generate ./dcc (or make vectors). Signatures are randomised
// (ECDSA, PSS), so each run writes new bytes for the same cases.
package main

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/base45"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

// now is the validation clock of every vector.
var now = time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)

type vector struct {
	name, comment string
	expect, warn  []dcc.Code
	text          string
}

func main() {
	dir := "../testdata/vectors"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	vs, trusted, err := generate()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	var pemBuf bytes.Buffer
	for _, d := range trusted {
		pemBuf.Write(d.CertPEM())
	}
	if err := os.WriteFile(filepath.Join(dir, "signers.pem"), pemBuf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	for _, v := range vs {
		var b strings.Builder
		fmt.Fprintf(&b, "expect: %s\n", codes(v.expect, "valid"))
		if len(v.warn) > 0 {
			fmt.Fprintf(&b, "warn: %s\n", codes(v.warn, ""))
		}
		fmt.Fprintf(&b, "now: %s\ncomment: %s\n\n%s\n", now.Format(time.RFC3339), v.comment, v.text)
		if err := os.WriteFile(filepath.Join(dir, v.name+".txt"), []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

func codes(cs []dcc.Code, empty string) string {
	if len(cs) == 0 {
		return empty
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

func generate() ([]vector, []*issuer.DSC, error) {
	y := func(year int) time.Time { return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC) }
	csca := must(issuer.NewCSCA("AT", issuer.EC, y(2020), y(2030)))
	dsc := func(kt issuer.KeyType, u dcc.KeyUsage, alt bool, from, to time.Time, name string) *issuer.DSC {
		return must(csca.NewDSC(issuer.DSCOptions{KeyType: kt, Usage: u, AltOIDs: alt, NotBefore: from, NotAfter: to, Name: name}))
	}
	ec := dsc(issuer.EC, 0, false, y(2021), y(2023), "DSC AT EC")
	rsa2048 := dsc(issuer.RSA2048, 0, false, y(2021), y(2023), "DSC AT RSA 2048")
	rsa3072 := dsc(issuer.RSA3072, 0, false, y(2021), y(2023), "DSC AT RSA 3072")
	rsa4096 := dsc(issuer.RSA4096, 0, false, y(2021), y(2023), "DSC AT RSA 4096")
	vacc := dsc(issuer.EC, dcc.UsageVaccination, false, y(2021), y(2023), "DSC AT vaccination")
	test := dsc(issuer.EC, dcc.UsageTest, false, y(2021), y(2023), "DSC AT test")
	rec := dsc(issuer.EC, dcc.UsageRecovery, false, y(2021), y(2023), "DSC AT recovery")
	altVacc := dsc(issuer.EC, dcc.UsageVaccination, true, y(2021), y(2023), "DSC AT vaccination alt OID")
	testRec := dsc(issuer.EC, dcc.UsageTest|dcc.UsageRecovery, false, y(2021), y(2023), "DSC AT test+recovery")
	oldSigner := dsc(issuer.EC, 0, false, y(2019), y(2021), "DSC AT expired")
	futureSigner := dsc(issuer.EC, 0, false, y(2022), y(2024), "DSC AT future")
	unknown := dsc(issuer.EC, 0, false, y(2021), y(2023), "DSC AT not trusted")
	trusted := []*issuer.DSC{ec, rsa2048, rsa3072, rsa4096, vacc, test, rec, altVacc, testRec, oldSigner, futureSigner}

	iat := time.Date(2021, 5, 20, 8, 0, 0, 0, time.UTC)
	exp := iat.AddDate(1, 0, 0)
	base := issuer.PassOptions{IssuedAt: iat, ExpiresAt: exp}
	with := func(f func(*issuer.PassOptions)) issuer.PassOptions {
		o := base
		f(&o)
		return o
	}
	payload := func(k dcc.Kind, f func(p map[string]any, e map[string]any)) issuer.PassOptions {
		p := issuer.SamplePayload(k)
		g := map[dcc.Kind]string{dcc.KindVaccination: "v", dcc.KindTest: "t", dcc.KindRecovery: "r"}[k]
		f(p, p[g].([]any)[0].(map[string]any))
		return with(func(o *issuer.PassOptions) { o.Payload = p })
	}
	issue := func(d *issuer.DSC, o issuer.PassOptions) string { return must(d.Issue(o)) }
	good := issue(ec, base)

	var vs []vector
	add := func(name, comment, text string, expect []dcc.Code, warn ...dcc.Code) {
		vs = append(vs, vector{name: name, comment: comment, text: text, expect: expect, warn: warn})
	}
	none := []dcc.Code(nil)
	E := func(c ...dcc.Code) []dcc.Code { return c }

	// Valid passes.
	add("valid-vaccination-es256", "vaccination, ES256", good, none)
	add("valid-test-es256", "test, ES256", issue(ec, with(func(o *issuer.PassOptions) { o.Kind = dcc.KindTest })), none)
	add("valid-recovery-es256", "recovery, ES256", issue(ec, with(func(o *issuer.PassOptions) { o.Kind = dcc.KindRecovery })), none)
	add("valid-ps256-rsa2048", "PS256 with RSA 2048", issue(rsa2048, base), none)
	add("valid-ps256-rsa3072", "PS256 with RSA 3072", issue(rsa3072, base), none)
	add("valid-ps256-rsa4096", "PS256 with RSA 4096", issue(rsa4096, base), none)
	add("valid-kid-unprotected", "kid only in the unprotected header", issue(ec, with(func(o *issuer.PassOptions) { o.KIDPlace = issuer.KIDUnprotected })), none)
	add("valid-kid-both", "kid in both headers", issue(ec, with(func(o *issuer.PassOptions) { o.KIDPlace = issuer.KIDBoth })), none)
	add("valid-kid-unprotected-wrong", "right kid protected, wrong kid unprotected: the protected one counts",
		issue(ec, with(func(o *issuer.PassOptions) { o.KIDPlace = issuer.KIDBoth; o.UnprotectedKID = unknown.KID })), none)
	add("valid-alg-unprotected", "alg only in the unprotected header", issue(ec, with(func(o *issuer.PassOptions) { o.AlgUnprotected = true })), none)
	add("valid-untagged", "COSE_Sign1 without tag 18", issue(ec, with(func(o *issuer.PassOptions) { o.Tagging = issuer.Untagged })), none)
	add("valid-tag61", "CWT tag 61 around tag 18", issue(ec, with(func(o *issuer.PassOptions) { o.Tagging = issuer.Tag61And18 })), none)
	add("valid-float-timestamps", "iat and exp as CBOR floats", issue(ec, with(func(o *issuer.PassOptions) { o.FloatTime = true })), none)
	add("valid-whitespace-around-text", "QR text with surrounding whitespace from a scanner", " \t"+good+"\r\n", none)
	add("valid-usage-vaccination", "vaccination signer signs vaccination", issue(vacc, base), none)
	add("valid-usage-alt-oid", "alternate vaccination OID", issue(altVacc, base), none)
	add("valid-usage-test", "test signer signs test", issue(test, with(func(o *issuer.PassOptions) { o.Kind = dcc.KindTest })), none)
	add("valid-usage-recovery-multi", "test+recovery signer signs recovery", issue(testRec, with(func(o *issuer.PassOptions) { o.Kind = dcc.KindRecovery })), none)
	add("valid-unknown-field", "an unknown field and an empty string are kept in certificate",
		issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { p["xx"] = "extra"; e["zz"] = "" })), none)

	// Signature class.
	add("tampered-signature", "one bit of the signature flipped", issue(ec, with(func(o *issuer.PassOptions) { o.CorruptSignature = true })), E(dcc.SignatureInvalid))
	add("tampered-payload", "payload changed after signing", tamperPayload(ec, base), E(dcc.SignatureInvalid))
	add("unknown-signer", "signed by a DSC not in the trust list", issue(unknown, base), E(dcc.KIDUnknown))
	add("kid-protected-wrong", "wrong kid protected, right kid unprotected", issue(ec, with(func(o *issuer.PassOptions) {
		o.KIDPlace = issuer.KIDBoth
		o.KID = unknown.KID
		o.UnprotectedKID = ec.KID
	})), E(dcc.KIDUnknown))
	add("no-kid", "no kid in either header", issue(ec, with(func(o *issuer.PassOptions) { o.KIDPlace = issuer.KIDNone })), E(dcc.KIDUnknown))
	add("alg-es384", "algorithm label ES384", issue(ec, with(func(o *issuer.PassOptions) { o.Alg = -35 })), E(dcc.AlgorithmUnsupported))
	add("alg-key-mismatch", "PS256 label over an EC key", issue(ec, with(func(o *issuer.PassOptions) { o.Alg = dcc.AlgPS256 })), E(dcc.AlgorithmUnsupported))

	// Clock.
	add("expired", "exp before the clock", issue(ec, with(func(o *issuer.PassOptions) { o.IssuedAt = now.AddDate(0, -2, 0); o.ExpiresAt = now.Add(-time.Hour) })), E(dcc.CertExpired))
	add("not-yet-valid", "iat after the clock", issue(ec, with(func(o *issuer.PassOptions) { o.IssuedAt = now.Add(time.Hour); o.ExpiresAt = now.AddDate(1, 0, 0) })), E(dcc.CertNotYetValid))
	add("signer-expired", "DSC expired at the clock", issue(oldSigner, base), E(dcc.SignerExpired))
	add("signer-not-yet-valid", "DSC not yet valid at the clock", issue(futureSigner, base), E(dcc.SignerNotYetValid))
	add("expired-and-tampered", "independent checks are all reported", issue(ec, with(func(o *issuer.PassOptions) {
		o.IssuedAt = now.AddDate(0, -2, 0)
		o.ExpiresAt = now.Add(-time.Hour)
		o.CorruptSignature = true
	})), E(dcc.CertExpired, dcc.SignatureInvalid))

	// Key usage.
	add("usage-test-signs-vaccination", "test signer signs vaccination", issue(test, base), E(dcc.KeyUsageMismatch))
	add("usage-vaccination-signs-test", "vaccination signer signs test", issue(vacc, with(func(o *issuer.PassOptions) { o.Kind = dcc.KindTest })), E(dcc.KeyUsageMismatch))
	add("usage-recovery-signs-vaccination", "recovery signer signs vaccination", issue(rec, base), E(dcc.KeyUsageMismatch))
	add("usage-alt-oid-signs-recovery", "alternate vaccination OID signs recovery", issue(altVacc, with(func(o *issuer.PassOptions) { o.Kind = dcc.KindRecovery })), E(dcc.KeyUsageMismatch))

	// Decode chain.
	body := good[len(dcc.Prefix):]
	raw := must(base45.Decode(body))
	add("prefix-hc2", "context HC2:", "HC2:"+body, E(dcc.PrefixInvalid))
	add("prefix-lowercase", "context hc1:", "hc1:"+body, E(dcc.PrefixInvalid))
	add("prefix-missing", "base45 only", body, E(dcc.PrefixInvalid))
	add("base45-bad-character", "a lower-case letter", dcc.Prefix+body[:10]+"a"+body[11:], E(dcc.Base45Invalid))
	odd := good + "A"
	for len(odd[len(dcc.Prefix):])%3 != 1 {
		odd += "A"
	}
	add("base45-bad-length", "a length that leaves one trailing character", odd, E(dcc.Base45Invalid))
	add("base45-group-overflow", "GGW encodes more than 65535", dcc.Prefix+"GGW"+body[3:], E(dcc.Base45Invalid))
	add("zlib-truncated", "compressed data cut short", dcc.Prefix+base45.Encode(raw[:len(raw)-20]), E(dcc.CompressionInvalid))
	add("zlib-missing", "COSE not compressed", issue(ec, with(func(o *issuer.PassOptions) { o.OmitCompression = true })), E(dcc.CompressionInvalid))
	add("zlib-bomb", "inflates to more than 64 KiB", dcc.Prefix+base45.Encode(deflate(make([]byte, 1<<20))), E(dcc.CompressionInvalid))
	add("cose-not-array", "a CBOR map instead of COSE_Sign1", dcc.Prefix+base45.Encode(deflate(must(cbor.Marshal(map[int]int{1: 2})))), E(dcc.COSEInvalid))
	add("cose-wrong-tag", "tag 98 (COSE_Sign) instead of 18", dcc.Prefix+base45.Encode(deflate(append([]byte{0xd8, 0x62}, must(ec.IssueCOSE(with(func(o *issuer.PassOptions) { o.Tagging = issuer.Untagged })))...))), E(dcc.COSEInvalid))
	add("cwt-not-map", "the signed payload is not a CBOR map", signedRaw(ec, []byte{0x82, 0x01, 0x02}), E(dcc.CBORInvalid))
	add("cwt-no-hcert", "CWT without the hcert claim", signedRaw(ec, must(cbor.Marshal(map[int]any{1: "AT", 4: exp.Unix(), 6: iat.Unix()}))), E(dcc.CBORInvalid))
	add("cwt-too-deep", "DCC payload nested deeper than allowed",
		issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { p["deep"] = nest(20) })), E(dcc.CBORInvalid))
	add("cwt-duplicate-key", "DCC payload with a duplicate map key", signedRaw(ec, dupKeyCWT(iat, exp)), E(dcc.CBORInvalid))

	// Schema errors.
	add("schema-no-dob", "dob missing", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { delete(p, "dob") })), E(dcc.SchemaInvalid))
	add("schema-two-groups", "both v and t", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { p["t"] = issuer.SamplePayload(dcc.KindTest)["t"] })), E(dcc.SchemaInvalid))
	add("schema-two-entries", "two vaccination events in one pass", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { p["v"] = []any{e, e} })), E(dcc.SchemaInvalid))
	add("schema-no-group", "neither v, t nor r", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { delete(p, "v") })), E(dcc.SchemaInvalid))
	add("schema-nam-wrong-type", "nam is a string", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { p["nam"] = "NGUYEN" })), E(dcc.SchemaInvalid))
	add("schema-dn-fraction", "dn is 1.5", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { e["dn"] = 1.5 })), E(dcc.SchemaInvalid))
	add("schema-required-entry-field", "vaccination without mp", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { delete(e, "mp") })), E(dcc.SchemaInvalid))

	// Tolerated deviations: warnings, the pass stays valid.
	add("warn-null-group", "v present, t null (seen from BG)", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { p["t"] = nil })), none, dcc.SchemaInvalid)
	add("warn-dn-float", "dn and sd as whole floats (seen from IE)", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { e["dn"] = 2.0; e["sd"] = 2.0 })), none, dcc.SchemaInvalid)
	add("warn-dn-zero", "dn below 1 (seen from LV)", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { e["dn"] = int64(0) })), none, dcc.SchemaInvalid)
	add("warn-dob-pattern", "dob with a time (seen from BG)", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { p["dob"] = "1990-04-14T00:00:00" })), none, dcc.SchemaInvalid)
	add("warn-date-format", "dt as a date-time (seen from PL)", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { e["dt"] = "2021-05-20T10:00:00Z" })), none, dcc.SchemaInvalid)
	add("warn-whitespace", "mp with trailing whitespace (seen from GR)", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { e["mp"] = "EU/1/20/1528 " })), none, dcc.SchemaInvalid)
	add("warn-null-optional", "test name and device null (seen from LV)", issue(ec, payload(dcc.KindTest, func(p, e map[string]any) { e["nm"] = nil; e["ma"] = nil })), none, dcc.SchemaInvalid)
	add("warn-std-name-pattern", "fnt with a lower-case letter (seen from NO)", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) {
		p["nam"].(map[string]any)["fnt"] = "NGUYEn"
	})), none, dcc.SchemaInvalid)
	add("warn-value-unknown", "a vaccine product code not in the value set", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) { e["mp"] = "XX/9/99/9999" })), none, dcc.ValueUnknown)
	add("warn-escaped-quote", "a quote and backslash in a name (seen from HU/UA)", issue(ec, payload(dcc.KindVaccination, func(p, e map[string]any) {
		p["nam"].(map[string]any)["gn"] = `Anh "Mimi" \ Thi`
	})), none)
	return vs, trusted, nil
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func nest(n int) any {
	var v any = "x"
	for i := 0; i < n; i++ {
		v = []any{v}
	}
	return v
}

// tamperPayload issues a pass, then changes its payload and keeps the
// signature.
func tamperPayload(d *issuer.DSC, o issuer.PassOptions) string {
	msg := must(d.IssueCOSE(o))
	var m struct {
		_           struct{} `cbor:",toarray"`
		Protected   []byte
		Unprotected cbor.RawMessage
		Payload     []byte
		Signature   []byte
	}
	if err := cbor.Unmarshal(msg[1:], &m); err != nil {
		log.Fatal(err)
	}
	m.Payload = bytes.Replace(m.Payload, []byte("1990-04-14"), []byte("1980-04-14"), 1)
	out := append([]byte{0xd2}, must(cbor.Marshal(m))...)
	return dcc.Prefix + base45.Encode(deflate(out))
}

// signedRaw signs an arbitrary CWT payload with d, as an issuer with a
// broken encoder would.
func signedRaw(d *issuer.DSC, cwt []byte) string {
	// Issue a normal pass to get headers and a signer, then re-sign with
	// the raw payload through a one-off PassOptions hook.
	msg := must(d.SignRaw(cwt))
	return dcc.Prefix + base45.Encode(deflate(msg))
}

// dupKeyCWT is a CWT whose DCC payload has the key "ver" twice.
func dupKeyCWT(iat, exp time.Time) []byte {
	// map(2) {"ver": "1.3.0", "ver": "1.3.0"}
	dup := []byte{0xa2, 0x63, 'v', 'e', 'r', 0x65, '1', '.', '3', '.', '0', 0x63, 'v', 'e', 'r', 0x65, '1', '.', '3', '.', '0'}
	head := must(cbor.Marshal(map[int]any{1: "AT", 4: exp.Unix(), 6: iat.Unix()}))
	// Append the hcert claim by hand: rewrite the map header from 3 to 4 pairs.
	head[0] = 0xa4
	head = append(head, 0x39, 0x01, 0x03) // -260
	head = append(head, 0xa1, 0x01)       // {1: ...}
	return append(head, dup...)
}
