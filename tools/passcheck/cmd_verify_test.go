package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/vectors"
)

const signersPEM = "../../testdata/vectors/signers.pem"

// vectorText returns the pass text and clock of a vector in testdata/vectors.
func vectorText(t *testing.T, name string) (text, now string) {
	t.Helper()
	v, err := vectors.VectorNamed("../../testdata/vectors", name)
	if err != nil {
		t.Fatal(err)
	}
	return v.Text, v.Now.Format(time.RFC3339)
}

func TestVerifyExitCodes(t *testing.T) {
	for _, tt := range []struct {
		vector string
		code   int
		out    []string
	}{
		{"valid-vaccination-es256", 0, []string{"VALID", "NGUYEN", "Comirnaty", "dose 2/2"}},
		{"valid-test-es256", 0, []string{"VALID", "Not detected"}},
		{"expired", 1, []string{"NOT VALID", "CERT_EXPIRED"}},
		{"tampered-signature", 1, []string{"NOT VALID", "UNVERIFIED", "SIGNATURE_INVALID"}},
		{"prefix-hc2", 4, []string{"NOT A PASS", "PREFIX_INVALID"}},
		{"warn-dn-float", 0, []string{"VALID", "! SCHEMA_INVALID"}},
	} {
		t.Run(tt.vector, func(t *testing.T) {
			text, now := vectorText(t, tt.vector)
			code, out, stderr := runCmd(t, text, "verify", "--dsc", signersPEM, "--at", now)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, stderr)
			}
			for _, w := range tt.out {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if tt.code == 0 && strings.Contains(out, "NOT VALID") {
				t.Errorf("valid pass printed as not valid:\n%s", out)
			}
		})
	}
}

// verify --json prints the Result exactly as dcc.Check makes it.
func TestVerifyJSON(t *testing.T) {
	text, now := vectorText(t, "usage-test-signs-vaccination")
	code, out, stderr := runCmd(t, text, "verify", "--json", "--dsc", signersPEM, "--at", now)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	pemData, _ := os.ReadFile(signersPEM)
	keys, err := dscSigners([]string{signersPEM})
	if err != nil || len(pemData) == 0 {
		t.Fatal(err)
	}
	clock, _ := time.Parse(time.RFC3339, now)
	want, _ := json.Marshal(dcc.Check(text, keys, dcc.Options{Now: clock}))
	var a, b any
	json.Unmarshal([]byte(out), &a)
	json.Unmarshal(want, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("verify --json:\n%s\nwant\n%s", out, want)
	}
	if !strings.Contains(out, `"KEY_USAGE_MISMATCH"`) {
		t.Errorf("no KEY_USAGE_MISMATCH in %s", out)
	}
}

func TestVerifyFractionalClock(t *testing.T) {
	text, _ := vectorText(t, "valid-vaccination-es256")
	if code, out, stderr := runCmd(t, text, "verify", "--dsc", signersPEM, "--at", "2021-06-01T12:00:00.123456+07:00"); code != 0 {
		t.Errorf("exit %d\n%s%s", code, out, stderr)
	}
}

func TestVerifyUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"verify", "--at", "June 1st"},
		{"verify", "--dsc", "/nonexistent.pem"},
		{"verify", "--trustlist", t.TempDir()},
		{"verify", "extra-arg"},
	} {
		if code, _, stderr := runCmd(t, "HC1:", args...); code != 2 || !strings.Contains(stderr, "passcheck: error:") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestDecode(t *testing.T) {
	text, _ := vectorText(t, "valid-kid-unprotected")
	code, out, stderr := runCmd(t, text, "decode")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Alg         int64
		KID         []byte
		Issuer      string
		Certificate map[string]any
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Alg != dcc.AlgES256 || len(got.KID) != 8 || got.Issuer != "AT" || got.Certificate["dob"] != "1990-04-14" {
		t.Errorf("decode: %s", out)
	}
	if code, _, stderr := runCmd(t, "HC1:GGW", "decode"); code != 4 || !strings.Contains(stderr, "BASE45_INVALID") {
		t.Errorf("broken pass: exit %d, %s", code, stderr)
	}
}

// verify --trustlist checks passes against a published trust list, and a
// list that cannot be used makes the pass uncheckable.
func TestVerifyTrustList(t *testing.T) {
	dir := t.TempDir()
	key, pub, out := filepath.Join(dir, "key.pem"), filepath.Join(dir, "pub.pem"), filepath.Join(dir, "trust")
	if code, _, stderr := runCmd(t, "", "trustlist", "keygen", "--key", key, "--pub", pub); code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	if code, _, stderr := runCmd(t, "", "trustlist", "build", "--key", key, "--out", out, "--dsc", signersPEM); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	text, now := vectorText(t, "valid-ps256-rsa3072")
	if code, o, stderr := runCmd(t, text, "verify", "--trustlist", out, "--trust-key", pub, "--at", now); code != 0 {
		t.Fatalf("valid pass: exit %d\n%s%s", code, o, stderr)
	}
	text, now = vectorText(t, "unknown-signer")
	if code, o, _ := runCmd(t, text, "verify", "--trustlist", out, "--trust-key", pub, "--at", now); code != 3 || !strings.Contains(o, "KID_UNKNOWN") {
		t.Errorf("unknown signer: exit %d\n%s", code, o)
	}

	// A list signed by another publisher: every pass is uncheckable.
	otherKey, otherPub := filepath.Join(dir, "k2.pem"), filepath.Join(dir, "p2.pem")
	runCmd(t, "", "trustlist", "keygen", "--key", otherKey, "--pub", otherPub)
	text, now = vectorText(t, "valid-vaccination-es256")
	code, o, _ := runCmd(t, text, "verify", "--json", "--trustlist", out, "--trust-key", otherPub, "--at", now)
	if code != 3 || !strings.Contains(o, "TRUSTLIST_SIGNATURE_INVALID") || !strings.Contains(o, "KID_UNKNOWN") {
		t.Errorf("foreign list: exit %d\n%s", code, o)
	}
	// A bad pinned key is a usage error.
	os.WriteFile(filepath.Join(dir, "bad.pem"), []byte("not a key"), 0o644)
	if code, _, stderr := runCmd(t, text, "verify", "--trustlist", out, "--trust-key", filepath.Join(dir, "bad.pem")); code != 2 {
		t.Errorf("bad key: exit %d %s", code, stderr)
	}
}

// The reasons tell the truth: a 1 MB paste that starts with HC1: is refused
// for its size (INPUT_TOO_LARGE, not a pass), two passes on standard input
// and an empty one are usage errors, each with its own message.
func TestVerifyInputReasons(t *testing.T) {
	text, now := vectorText(t, "valid-ps256-rsa3072")
	huge := "HC1:" + strings.Repeat("A", 1<<20)
	code, out, _ := runCmd(t, huge, "verify", "--json", "--dsc", signersPEM, "--at", now)
	if code != 4 || !strings.Contains(out, "INPUT_TOO_LARGE") || strings.Contains(out, "PREFIX_INVALID") || !strings.Contains(out, `"verdict": "not-a-pass"`) {
		t.Errorf("1 MB paste: exit %d\n%.400s", code, out)
	}
	code, _, stderr := runCmd(t, text+"\n"+text+"\n", "verify", "--dsc", signersPEM, "--at", now)
	if code != 2 || !strings.Contains(stderr, "2 passes") {
		t.Errorf("two passes: exit %d, %s", code, stderr)
	}
	for _, empty := range []string{"", " \n\t\n"} {
		code, _, stderr = runCmd(t, empty, "verify", "--dsc", signersPEM)
		if code != 2 || !strings.Contains(stderr, "standard input is empty") {
			t.Errorf("empty input %q: exit %d, %s", empty, code, stderr)
		}
	}
	// One pass with a trailing newline is still one pass.
	if code, out, stderr := runCmd(t, text+"\n", "verify", "--dsc", signersPEM, "--at", now); code != 0 {
		t.Errorf("one pass: exit %d %s %s", code, out, stderr)
	}
}
