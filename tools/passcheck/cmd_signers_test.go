package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

// The signers real states use (a self-signed CA:TRUE DSC, P-384 and P-521
// keys under ES256, a negative serial number) go into a trust list built by
// the command, and their passes verify green through it, and with --dsc.
func TestVerifyRealSigners(t *testing.T) {
	w := newTrustlistWorld(t)
	now := time.Now()
	nb, na := now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0)
	ca, err := issuer.NewCSCA("LB", issuer.RSA2048, nb, na)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(w.dir, "real")
	os.Mkdir(dir, 0o755)
	named, err := issuer.RealStateSigners(ca, nb, na)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range named {
		if err := os.WriteFile(filepath.Join(dir, n.Name+".pem"), n.DSC.CertPEM(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(w.dir, "public")
	code, stdout, stderr := runCmd(t, "", "trustlist", "build", "--key", w.key, "--out", out, "--dsc", dir, "--dsc", w.dsc)
	if code != 0 {
		t.Fatalf("build: exit %d: %s%s", code, stdout, stderr)
	}
	for _, want := range []string{"signers: 6 from 4 countries", "(2 among the extra signers)", "CA:TRUE, no key usage", "negative serial number -", "ECDSA P-384 key: among the extra signers"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("build report lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "left out") {
		t.Errorf("the build left a signer out:\n%s", stdout)
	}
	code, stdout, _ = runCmd(t, "", "trustlist", "inspect", out)
	if code != 0 || !strings.Contains(stdout, "EC P-384") || !strings.Contains(stdout, "EC P-521") {
		t.Errorf("inspect: exit %d:\n%s", code, stdout)
	}
	for _, s := range named {
		t.Run(s.Name, func(t *testing.T) {
			text, err := s.DSC.Issue(issuer.PassOptions{IssuedAt: now.Add(-24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			for name, args := range map[string][]string{
				"trust list": {"verify", "--trustlist", out, "--trust-key", w.pub},
				"--dsc":      {"verify", "--dsc", filepath.Join(dir, s.Name+".pem")},
			} {
				code, stdout, stderr := runCmd(t, text, args...)
				if code != 0 || !strings.Contains(stdout, "VALID") || strings.Contains(stdout, "NOT VALID") {
					t.Errorf("%s: exit %d:\n%s%s", name, code, stdout, stderr)
				}
			}
		})
	}
}
