package main

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// trustlistWorld is a publisher key pair and signer certificates on disk.
type trustlistWorld struct {
	dir, key, pub string
	dsc, csca     string // folder of DSC certificates; CSCA file of AT
	at, fr        *issuer.DSC
}

func newTrustlistWorld(t *testing.T) *trustlistWorld {
	t.Helper()
	w := &trustlistWorld{dir: t.TempDir()}
	w.key, w.pub = filepath.Join(w.dir, "publisher.key"), filepath.Join(w.dir, "publisher.pub")
	if code, _, stderr := runCmd(t, "", "trustlist", "keygen", "--key", w.key, "--pub", w.pub); code != 0 {
		t.Fatalf("keygen: exit %d: %s", code, stderr)
	}
	now := time.Now()
	at, err := issuer.NewCSCA("AT", issuer.EC, now.AddDate(-2, 0, 0), now.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	fr, err := issuer.NewCSCA("FR", issuer.EC, now.AddDate(-2, 0, 0), now.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if w.at, err = at.NewDSC(issuer.DSCOptions{NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	if w.fr, err = fr.NewDSC(issuer.DSCOptions{Usage: dcc.UsageTest, NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	w.dsc = filepath.Join(w.dir, "dsc")
	os.Mkdir(w.dsc, 0o755)
	os.WriteFile(filepath.Join(w.dsc, "at.pem"), w.at.CertPEM(), 0o644)
	os.WriteFile(filepath.Join(w.dsc, "fr.der"), w.fr.DER, 0o644)
	w.csca = filepath.Join(w.dir, "csca-at.der")
	os.WriteFile(w.csca, at.DER, 0o644)
	return w
}

func TestTrustlistKeygen(t *testing.T) {
	w := newTrustlistWorld(t)
	st, err := os.Stat(w.key)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key: %v, %v", st, err)
	}
	keyPEM, _ := os.ReadFile(w.key)
	pubPEM, _ := os.ReadFile(w.pub)
	key, err := publish.ParsePrivateKeyPEM(keyPEM)
	if err != nil || !strings.HasPrefix(string(keyPEM), "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("private key: %v\n%s", err, keyPEM)
	}
	pubs, err := trustlist.ParsePublicKeysPEM(pubPEM)
	if err != nil || len(pubs) != 1 || !key.Public().(*ecdsa.PublicKey).Equal(pubs[0]) {
		t.Fatalf("public key: %v", err)
	}
	code, _, stderr := runCmd(t, "", "trustlist", "keygen", "--key", w.key, "--pub", filepath.Join(w.dir, "new.pub"))
	if code != 2 || !strings.Contains(stderr, "does not overwrite") {
		t.Errorf("overwriting: exit %d, %s", code, stderr)
	}
	if after, _ := os.ReadFile(w.key); string(after) != string(keyPEM) {
		t.Error("the private key changed")
	}
	if _, err := os.Stat(filepath.Join(w.dir, "new.pub")); err == nil {
		t.Error("keygen wrote the public key of a refused run")
	}
	if code, _, _ := runCmd(t, "", "trustlist", "keygen", "--key", filepath.Join(w.dir, "x")); code != 2 {
		t.Errorf("without --pub: exit %d", code)
	}
}

func TestTrustlistBuildVerifyInspect(t *testing.T) {
	w := newTrustlistWorld(t)
	out := filepath.Join(w.dir, "public")
	code, stdout, stderr := runCmd(t, "", "trustlist", "build", "--key", w.key, "--out", out, "--dsc", w.dsc, "--csca", w.csca, "--valid-for", "24h")
	if code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"signers: 1 from 1 countries", "AT      1", "left out: 1", "not issued by a CSCA of FR", "wrote " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("build report lacks %q:\n%s", want, stdout)
		}
	}
	p1, err := publish.ReadPointer(out)
	if err != nil {
		t.Fatal(err)
	}
	if now := uint64(time.Now().Unix()); p1.Sequence+60 < now || p1.Sequence > now {
		t.Errorf("first sequence %d is not the current Unix time %d", p1.Sequence, now)
	}

	// Without --csca both signers are in; the sequence goes up by one.
	if code, _, stderr := runCmd(t, "", "trustlist", "build", "--key", w.key, "--out", out, "--dsc", w.dsc); code != 0 {
		t.Fatalf("second build: exit %d: %s", code, stderr)
	}
	p2, _ := publish.ReadPointer(out)
	if p2.Sequence != p1.Sequence+1 {
		t.Errorf("second sequence %d, want %d", p2.Sequence, p1.Sequence+1)
	}
	if _, err := os.Stat(filepath.Join(out, p1.Bundle)); err != nil {
		t.Errorf("the first bundle is gone: %v", err)
	}
	// An explicit lower sequence is refused, and the pointer stays.
	code, _, stderr = runCmd(t, "", "trustlist", "build", "--key", w.key, "--out", out, "--dsc", w.dsc, "--sequence", "5")
	if code != 1 || !strings.Contains(stderr, "rollback") {
		t.Errorf("lower sequence: exit %d, %s", code, stderr)
	}

	code, stdout, stderr = runCmd(t, "", "trustlist", "verify", "--trust-key", w.pub, out)
	if code != 0 || !strings.Contains(stdout, "ok: sequence") || !strings.Contains(stdout, "2 signers") {
		t.Fatalf("verify: exit %d: %s%s", code, stdout, stderr)
	}
	bundleFile := filepath.Join(out, p2.Bundle)
	if code, _, stderr := runCmd(t, "", "trustlist", "verify", "--trust-key", w.pub, bundleFile); code != 0 {
		t.Errorf("verify FILE: exit %d: %s", code, stderr)
	}

	other := filepath.Join(w.dir, "other")
	os.Mkdir(other, 0o755)
	runCmd(t, "", "trustlist", "keygen", "--key", filepath.Join(other, "k"), "--pub", filepath.Join(other, "p"))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"wrong key", []string{"--trust-key", filepath.Join(other, "p"), out}, "TRUSTLIST_SIGNATURE_INVALID"},
		{"expired", []string{"--trust-key", w.pub, "--at", time.Now().Add(72 * time.Hour).Format(time.RFC3339), out}, "TRUSTLIST_EXPIRED"},
		{"rollback", []string{"--trust-key", w.pub, "--last-seen", "99999999999", out}, "TRUSTLIST_ROLLBACK"},
		{"private key as trust key", []string{"--trust-key", w.key, out}, "TRUSTLIST_KEY_INVALID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, "", append([]string{"trustlist", "verify"}, tc.args...)...)
			if code != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, %s; want 1 and %s", code, stderr, tc.want)
			}
		})
	}
	code, stdout, _ = runCmd(t, "", "trustlist", "verify", "--trust-key", w.pub, "--grace", "24h", "--at", time.Now().Add(60*time.Hour).Format(time.RFC3339), out)
	if code != 0 || !strings.Contains(stdout, "warning: TRUSTLIST_EXPIRED") {
		t.Errorf("within grace: exit %d: %s", code, stdout)
	}
	// Rotation: a list signed by a new key verifies with both keys pinned.
	if code, _, stderr := runCmd(t, "", "trustlist", "build", "--key", filepath.Join(other, "k"), "--out", out, "--dsc", w.dsc); code != 0 {
		t.Fatalf("build with the new key: %s", stderr)
	}
	if code, _, stderr := runCmd(t, "", "trustlist", "verify", "--trust-key", w.pub, "--trust-key", filepath.Join(other, "p"), out); code != 0 {
		t.Errorf("both keys pinned: exit %d: %s", code, stderr)
	}

	code, stdout, _ = runCmd(t, "", "trustlist", "inspect", out)
	if code != 0 || !strings.Contains(stdout, "NOT checked") || !strings.Contains(stdout, "AT  "+b64(w.at.KID)) || !strings.Contains(stdout, "test") {
		t.Errorf("inspect: exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = runCmd(t, "", "trustlist", "inspect", "--json", out)
	var info struct {
		Verified bool
		Sequence uint64
		Signers  []struct{ Country, KID, Key string }
	}
	if err := json.Unmarshal([]byte(stdout), &info); code != 0 || err != nil || info.Verified || len(info.Signers) != 2 || info.Signers[1].Key != "EC P-256" {
		t.Errorf("inspect --json: exit %d, %v: %s", code, err, stdout)
	}
}

func TestLoadTrustListFromPath(t *testing.T) {
	w := newTrustlistWorld(t)
	out := filepath.Join(w.dir, "public")
	if code, _, stderr := runCmd(t, "", "trustlist", "build", "--key", w.key, "--out", out, "--dsc", w.dsc); code != 0 {
		t.Fatal(stderr)
	}
	l, warnings, err := loadTrustListFromPath(out, []string{w.pub}, time.Now())
	if err != nil || len(warnings) != 0 || l.Len() != 2 {
		t.Fatalf("Len %v, warnings %v, %v", l, warnings, err)
	}
	r := dcc.Check(mustIssue(t, w.fr, dcc.KindTest), l, dcc.Options{})
	if !r.Valid {
		t.Errorf("a pass of a listed signer: %v", r.Errors)
	}
	_, warnings, err = loadTrustListFromPath(out, []string{w.pub}, time.Now().Add(50*time.Hour), trustlist.WithGrace(time.Hour*24))
	if err != nil || len(warnings) != 1 || warnings[0].Code != trustlist.Expired {
		t.Errorf("within grace: %v, %v", warnings, err)
	}

	// A pointer whose hash does not match its bundle.
	ptr, _ := publish.ReadPointer(out)
	bundle := filepath.Join(out, ptr.Bundle)
	data, _ := os.ReadFile(bundle)
	data[len(data)-1] ^= 1
	os.WriteFile(bundle, data, 0o644)
	_, _, err = loadTrustListFromPath(out, []string{w.pub}, time.Now())
	var de *dcc.Error
	if !errors.As(err, &de) || de.Code != trustlist.Invalid || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("changed bundle: %v", err)
	}
	// The file itself then fails its signature.
	if _, _, err := loadTrustListFromPath(bundle, []string{w.pub}, time.Now()); !isCode(err, trustlist.SignatureInvalid) {
		t.Errorf("changed bundle file: %v", err)
	}
	if _, _, err := loadTrustListFromPath(w.dir, []string{w.pub}, time.Now()); err == nil || !strings.Contains(err.Error(), "no trustlist.json") {
		t.Errorf("a folder without a list: %v", err)
	}
	if _, _, err := loadTrustListFromPath(out, []string{filepath.Join(w.dir, "missing.pub")}, time.Now()); err == nil {
		t.Error("a missing key file was accepted")
	}
}

func mustIssue(t *testing.T, d *issuer.DSC, k dcc.Kind) string {
	t.Helper()
	s, err := d.Issue(issuer.PassOptions{Kind: k, IssuedAt: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
