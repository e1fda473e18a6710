package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/certsource"
	"github.com/passcheck/passcheck/trustlist/certs"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// writeList signs a trust list of the test vectors' signers, issued at
// issued and valid for validFor, into dir, and returns the bundle's file
// and the publisher's key file.
func writeList(t *testing.T, dir string, issued time.Time, validFor time.Duration) (bundle, pub string) {
	t.Helper()
	pemData, err := os.ReadFile(signersPEM)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := certs.Parse(pemData)
	if err != nil {
		t.Fatal(err)
	}
	k, err := publish.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := publish.Build(context.Background(), publish.Options{
		Sources: []publish.Source{certsource.Certs(cs)}, Key: k, Sequence: 1, ValidFor: validFor, Now: issued,
	})
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := publish.MarshalPublicKeyPEM(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	bundle, pub = filepath.Join(dir, "bundle.cose"), filepath.Join(dir, "pub.pem")
	if err := os.WriteFile(bundle, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, pubPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return bundle, pub
}

// The verdict of passcheck verify, and its exit code, for every class of
// code and their combinations.
func TestVerifyVerdicts(t *testing.T) {
	now := time.Now()
	good, goodPub := writeList(t, t.TempDir(), now.Add(-time.Hour), 48*time.Hour)
	stale, stalePub := writeList(t, t.TempDir(), now.Add(-3*time.Hour), time.Hour)
	_, foreignPub := writeList(t, t.TempDir(), now, time.Hour)
	late := "2040-01-01T00:00:00Z" // every vector's pass has expired by then

	for _, tt := range []struct {
		name    string
		vector  string
		args    []string // beside the vector's clock, which a later --at overrides
		verdict dcc.Verdict
		exit    int
		codes   []dcc.Code // errors, in any order
		line    string     // the first line for people
	}{
		{"valid", "valid-vaccination-es256", []string{"--dsc", signersPEM}, dcc.VerdictValid, 0, nil, "VALID"},
		{"warning only", "warn-value-unknown", []string{"--dsc", signersPEM}, dcc.VerdictValid, 0, nil, "VALID"},
		{"valid against a list", "valid-ps256-rsa3072", []string{"--trustlist", good, "--trust-key", goodPub}, dcc.VerdictValid, 0, nil, "VALID"},
		{"failed check", "expired", []string{"--dsc", signersPEM}, dcc.VerdictInvalid, 1, []dcc.Code{dcc.CertExpired}, "NOT VALID"},
		{"forged signature", "tampered-signature", []string{"--dsc", signersPEM}, dcc.VerdictInvalid, 1, []dcc.Code{dcc.SignatureInvalid}, "NOT VALID"},
		{"unknown signer", "unknown-signer", []string{"--dsc", signersPEM}, dcc.VerdictCannotCheck, 3, []dcc.Code{dcc.KIDUnknown}, "CANNOT CHECK"},
		{"algorithm not allowed", "alg-es384", []string{"--dsc", signersPEM}, dcc.VerdictCannotCheck, 3, []dcc.Code{dcc.AlgorithmUnsupported}, "CANNOT CHECK"},
		{"failed check beside an unknown signer", "unknown-signer", []string{"--dsc", signersPEM, "--at", late},
			dcc.VerdictCannotCheck, 3, []dcc.Code{dcc.KIDUnknown, dcc.CertExpired}, "CANNOT CHECK"},
		{"no signers at all", "valid-vaccination-es256", nil, dcc.VerdictCannotCheck, 3, []dcc.Code{dcc.KIDUnknown}, "CANNOT CHECK"},
		{"decode failure", "prefix-hc2", []string{"--dsc", signersPEM}, dcc.VerdictNotAPass, 4, []dcc.Code{dcc.PrefixInvalid}, "NOT A PASS"},
		{"decompression bomb", "zlib-bomb", []string{"--dsc", signersPEM}, dcc.VerdictNotAPass, 4, []dcc.Code{dcc.CompressionInvalid}, "NOT A PASS"},
		{"decode failure beside a foreign list", "cwt-not-map", []string{"--trustlist", good, "--trust-key", foreignPub},
			dcc.VerdictNotAPass, 4, []dcc.Code{dcc.CBORInvalid}, "NOT A PASS"},
		{"expired list", "valid-ps256-rsa3072", []string{"--trustlist", stale, "--trust-key", stalePub},
			dcc.VerdictCannotCheck, 3, []dcc.Code{dcc.KIDUnknown, "TRUSTLIST_EXPIRED"}, "CANNOT CHECK"},
		{"foreign list", "valid-ps256-rsa3072", []string{"--trustlist", good, "--trust-key", foreignPub},
			dcc.VerdictCannotCheck, 3, []dcc.Code{dcc.KIDUnknown, "TRUSTLIST_SIGNATURE_INVALID"}, "CANNOT CHECK"},
		// --dsc verifies the signature, but the list cannot be used: a
		// pass that is otherwise good cannot be checked, and one that
		// failed a check is invalid, its signature having verified.
		{"verified beside a foreign list", "valid-vaccination-es256", []string{"--dsc", signersPEM, "--trustlist", good, "--trust-key", foreignPub},
			dcc.VerdictCannotCheck, 3, []dcc.Code{"TRUSTLIST_SIGNATURE_INVALID"}, "CANNOT CHECK"},
		{"verified and failed beside a foreign list", "valid-vaccination-es256", []string{"--dsc", signersPEM, "--trustlist", good, "--trust-key", foreignPub, "--at", late},
			dcc.VerdictInvalid, 1, []dcc.Code{dcc.CertExpired, dcc.SignerExpired, "TRUSTLIST_SIGNATURE_INVALID"}, "NOT VALID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text, at := vectorText(t, tt.vector)
			args := append([]string{"verify", "--at", at}, tt.args...)
			code, out, stderr := runCmd(t, text, append(args, "--json")...)
			var r dcc.Result
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("exit %d: %v\n%s%s", code, err, out, stderr)
			}
			if code != tt.exit || r.Verdict != tt.verdict || r.Valid != (tt.verdict == dcc.VerdictValid) {
				t.Errorf("exit %d, verdict %s, valid %v; want %d, %s", code, r.Verdict, r.Valid, tt.exit, tt.verdict)
			}
			var got []dcc.Code
			for _, m := range r.Errors {
				got = append(got, m.Code)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.codes))
			if !slices.Equal(got, want) {
				t.Errorf("errors %v, want %v", got, want)
			}
			code, out, _ = runCmd(t, text, args...)
			if first, _, _ := strings.Cut(out, "\n"); code != tt.exit || first != tt.line {
				t.Errorf("for people: exit %d, first line %q; want %d, %q", code, first, tt.exit, tt.line)
			}
		})
	}
}

// verdictExit gives each verdict its own exit code, apart from usage errors.
func TestVerdictExit(t *testing.T) {
	want := map[dcc.Verdict]int{dcc.VerdictValid: 0, dcc.VerdictInvalid: 1, dcc.VerdictCannotCheck: 3, dcc.VerdictNotAPass: 4, "": 1}
	for v, code := range want {
		if got := verdictExit(v); got != code {
			t.Errorf("verdictExit(%q) = %d, want %d", v, got, code)
		}
		if _, ok := verdictLine[v]; !ok && v != "" {
			t.Errorf("no line for %s", v)
		}
	}
}
