package main

import (
	"bytes"
	"fmt"
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
	for _, tc := range []struct {
		args []string
		want string // the flag the message must name
	}{
		{[]string{}, "--out"},
		{[]string{"--kind", "passport"}, "--kind"},
		{[]string{"--kind", "test,passport"}, "--kind"},
		{[]string{"--usage", "x"}, "--usage"},
		{[]string{"--key-type", "dsa"}, "--key-type"},
		{[]string{"--country", "Austria"}, "--country"},
		{[]string{"--issued-at", "yesterday"}, "--issued-at"},
		{[]string{"--valid-for", "a while"}, "valid-for"},
		{[]string{"--signer-valid", "2x"}, "signer-valid"},
		{[]string{"--dob", "14/04/1990"}, "--dob"},
		{[]string{"--dose", "2"}, "--dose"},
		{[]string{"--vaccinated-on", "May"}, "--vaccinated-on"},
		{[]string{"--kind", "test", "--test-type", "blood"}, "--test-type"},
		{[]string{"--kind", "test", "--test-result", "maybe"}, "--test-result"},
		{[]string{"--kind", "test", "--sampled-at", "2026-12-01"}, "--sampled-at"},
		{[]string{"--kind", "recovery", "--recovery-valid-from", "2026-12-01", "--recovery-valid-until", "2026-11-01"}, "--recovery-valid-from"},
		{[]string{"--given-name-std", "Anna"}, "--given-name-std"},
	} {
		// Nothing may be written before every flag was checked: not even
		// the folder.
		dir := filepath.Join(t.TempDir(), "out")
		args := []string{"issue"}
		if tc.want != "--out" {
			args = append(args, "--out", dir)
		}
		args = append(args, tc.args...)
		code, _, stderr := runCmd(t, "", args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want exit 2 naming %s", tc.args, code, stderr, tc.want)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%v: %s was written although a flag was wrong", tc.args, dir)
		}
	}
}

func TestIssueHolderAndEvent(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	code, _, stderr := runCmd(t, "", "issue", "--out", dir, "--kind", "vaccination,test,recovery",
		"--family-name", "Trần Đức", "--given-name", "Bảo", "--dob", "1985-02",
		"--dose", "1/2", "--vaccinated-on", "2026-11-20",
		"--test-type", "rat", "--test-result", "positive", "--sampled-at", "2026-12-05T08:30:00Z",
		"--first-positive", "2026-10-01", "--recovery-valid-from", "2026-10-12", "--recovery-valid-until", "2027-03-30",
		"--valid-for", "30d")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	pemData, _ := os.ReadFile(filepath.Join(dir, "dsc.pem"))
	cs, err := certs.Parse(pemData)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := certs.Signer(cs[0])
	keys := dcc.Signers{s}
	want := map[string]map[string]any{
		"vaccination": {"dn": float64(1), "sd": float64(2), "dt": "2026-11-20"},
		"test":        {"tt": "LP217198-3", "tr": "260373001", "sc": "2026-12-05T08:30:00Z"},
		"recovery":    {"fr": "2026-10-01", "df": "2026-10-12", "du": "2027-03-30"},
	}
	for kind, fields := range want {
		text, err := os.ReadFile(filepath.Join(dir, kind+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		r := dcc.Check(string(text), keys, dcc.Options{Now: now})
		if r.Holder == nil || r.Holder.FamilyName != "Trần Đức" || r.Holder.GivenName != "Bảo" ||
			r.Holder.FamilyNameStd != "TRAN<DUC" || r.Holder.GivenNameStd != "BAO" || r.Holder.DateOfBirth != "1985-02" {
			t.Errorf("%s: holder %+v", kind, r.Holder)
		}
		exp, _ := time.Parse(time.RFC3339, r.ExpiresAt)
		iat, _ := time.Parse(time.RFC3339, r.IssuedAt)
		if got := exp.Sub(iat); got != 30*24*time.Hour {
			t.Errorf("%s: exp - iat = %v, want 30 days", kind, got)
		}
		entry := certificateEntry(t, r.Certificate, kind)
		for k, v := range fields {
			if got := fmt.Sprint(entry[k]); got != fmt.Sprint(v) {
				t.Errorf("%s: %s = %v, want %v", kind, k, entry[k], v)
			}
		}
	}
}

// TestIssueDatesNearNow checks that dates left out land near the issue time,
// as in the demo, so that a fresh pass reads as a current one.
func TestIssueDatesNearNow(t *testing.T) {
	dir := t.TempDir()
	at := "2026-12-06T12:00:00Z"
	if code, _, stderr := runCmd(t, "", "issue", "--out", dir, "--issued-at", at); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	now, _ := time.Parse(time.RFC3339, at)
	pemData, _ := os.ReadFile(filepath.Join(dir, "dsc.pem"))
	cs, _ := certs.Parse(pemData)
	s, _ := certs.Signer(cs[0])
	for kind, field := range map[string]string{"vaccination": "dt", "test": "sc", "recovery": "df"} {
		text, _ := os.ReadFile(filepath.Join(dir, kind+".txt"))
		r := dcc.Check(string(text), dcc.Signers{s}, dcc.Options{Now: now})
		v := fmt.Sprint(certificateEntry(t, r.Certificate, kind)[field])
		d, err := time.Parse(time.RFC3339, v)
		if err != nil {
			d, err = time.Parse("2006-01-02", v)
		}
		if err != nil || now.Sub(d) < 0 || now.Sub(d) > 61*24*time.Hour {
			t.Errorf("%s: %s = %q, want within 61 days before %s", kind, field, v, at)
		}
	}
}

// certificateEntry returns the one v, t or r entry of a Result's certificate.
func certificateEntry(t *testing.T, cert any, kind string) map[string]any {
	t.Helper()
	m, _ := cert.(map[string]any)
	list, _ := m[kind[:1]].([]any)
	if len(list) != 1 {
		t.Fatalf("%s: certificate %v has no single %s entry", kind, cert, kind[:1])
	}
	e, _ := list[0].(map[string]any)
	return e
}
