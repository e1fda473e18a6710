package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist/certs"
)

// runCmd runs the command line with args and stdin, and returns its exit
// code and output.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut})
	return code, out.String(), errOut.String()
}

func TestIssue(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runCmd(t, "", "issue", "--out", dir, "--kind", "test,recovery", "--usage", "t", "--key-type", "rsa2048", "--country", "vn")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "usage test") {
		t.Errorf("output does not name the usage: %s", out)
	}
	st, err := os.Stat(filepath.Join(dir, "dsc-key.pem"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("dsc-key.pem: %v %v", st, err)
	}
	pemData, _ := os.ReadFile(filepath.Join(dir, "dsc.pem"))
	cs, err := certs.Parse(pemData)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := certs.Signer(cs[0])
	if s.Usage != dcc.UsageTest || s.Country != "VN" {
		t.Errorf("signer usage %v country %q", s.Usage, s.Country)
	}
	keys := dcc.Signers{s}
	for kind, want := range map[string][]dcc.Code{"test": nil, "recovery": {dcc.KeyUsageMismatch}} {
		text, err := os.ReadFile(filepath.Join(dir, kind+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		r := dcc.Check(string(text), keys, dcc.Options{Now: time.Now()})
		if len(r.Errors) != len(want) || (len(want) > 0 && r.Errors[0].Code != want[0]) {
			t.Errorf("%s: errors %v, want %v", kind, r.Errors, want)
		}
		if png, err := os.ReadFile(filepath.Join(dir, kind+".png")); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("%s.png: %v", kind, err)
		}
	}
	// A second run reuses the signer.
	code, out, _ = runCmd(t, "", "issue", "--out", dir, "--kind", "vaccination")
	if code != 0 || !strings.Contains(out, "reused") {
		t.Errorf("second run: %d %s", code, out)
	}
}

func TestIssueUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"issue"},
		{"issue", "--out", t.TempDir(), "--kind", "passport"},
		{"issue", "--out", t.TempDir(), "--usage", "x"},
		{"issue", "--out", t.TempDir(), "--key-type", "dsa"},
		{"issue", "--out", t.TempDir(), "--issued-at", "yesterday"},
	} {
		if code, _, stderr := runCmd(t, "", args...); code != 2 || !strings.Contains(stderr, "passcheck: error:") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
