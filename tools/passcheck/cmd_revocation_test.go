package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// revocationFixture is a signer, passes revoked by each hash type, an
// honest pass of the same signer, and the sources that revoke them.
type revocationFixture struct {
	dir, dscPEM                 string
	byUCI, byCCUCI, bySig, good string
	plain, batches              string // a plain list (UCI), a gateway batch file (COUNTRYCODEUCI, SIGNATURE)
}

func newRevocationFixture(t *testing.T) *revocationFixture {
	t.Helper()
	now := time.Now().Add(-time.Hour)
	ca, err := issuer.NewCSCA("AT", issuer.EC, now, now.Add(90*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	d, err := ca.NewDSC(issuer.DSCOptions{KeyType: issuer.EC, NotBefore: now, NotAfter: now.Add(60 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	f := &revocationFixture{dir: t.TempDir()}
	f.dscPEM = filepath.Join(f.dir, "dsc.pem")
	os.WriteFile(f.dscPEM, d.CertPEM(), 0o644)
	issue := func(uci string) (string, []byte) {
		p := issuer.SamplePayload(dcc.KindVaccination)
		p["v"].([]any)[0].(map[string]any)["ci"] = uci
		text, err := d.Issue(issuer.PassOptions{Payload: p, ExpiresAt: time.Now().Add(30 * 24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		pass, err := dcc.Decode(text)
		if err != nil {
			t.Fatal(err)
		}
		return text, pass.Signature()
	}
	f.byUCI, _ = issue("URN:UVCI:01:AT:REVOKED-UCI#1")
	f.byCCUCI, _ = issue("URN:UVCI:01:AT:REVOKED-CCUCI#2")
	var sig []byte
	f.bySig, sig = issue("URN:UVCI:01:AT:REVOKED-SIG#3")
	f.good, _ = issue("URN:UVCI:01:AT:HONEST#4")
	h := func(b []byte) string { s := sha256.Sum256(b); return base64.StdEncoding.EncodeToString(s[:16]) }
	f.plain = filepath.Join(f.dir, "own.txt")
	os.WriteFile(f.plain, []byte("# our own\nUCI URN:UVCI:01:AT:REVOKED-UCI#1\n"), 0o644)
	kid := base64.StdEncoding.EncodeToString(d.KID)
	exp := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	batches := []map[string]any{
		{"country": "AT", "expires": exp, "kid": kid, "hashType": "COUNTRYCODEUCI", "entries": []map[string]string{{"hash": h([]byte("ATURN:UVCI:01:AT:REVOKED-CCUCI#2"))}}},
		{"country": "AT", "expires": exp, "kid": kid, "hashType": "SIGNATURE", "entries": []map[string]string{{"hash": h(sig[:32])}}},
		{"country": "AT", "expires": "2020-01-01T00:00:00Z", "kid": kid, "hashType": "UCI", "entries": []map[string]string{{"hash": h([]byte("URN:UVCI:01:AT:HONEST#4"))}}},
	}
	data, _ := json.Marshal(batches)
	f.batches = filepath.Join(f.dir, "batches.json")
	os.WriteFile(f.batches, data, 0o644)
	return f
}

func TestVerifyRevocations(t *testing.T) {
	f := newRevocationFixture(t)
	for name, tc := range map[string]struct {
		text string
		code int
	}{"UCI": {f.byUCI, 1}, "COUNTRYCODEUCI": {f.byCCUCI, 1}, "SIGNATURE": {f.bySig, 1}, "honest": {f.good, 0}} {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := runCmd(t, tc.text, "verify", "--dsc", f.dscPEM, "--revocations", f.plain, "--revocations", f.batches)
			if code != tc.code || (tc.code == 1) != strings.Contains(out, "CERT_REVOKED") {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, out, stderr)
			}
			if tc.code == 1 && !strings.Contains(out, "by its "+name+" hash") {
				t.Errorf("the message does not name the hash type:\n%s", out)
			}
		})
	}
	// --dsc without --revocations: valid, with a warning.
	code, out, _ := runCmd(t, f.byUCI, "verify", "--dsc", f.dscPEM)
	if code != 0 || !strings.Contains(out, "REVOCATION_UNCHECKED") {
		t.Errorf("--dsc alone: exit %d\n%s", code, out)
	}
}

// A published tree: the revocations reach the verifier through the signed
// index; a tampered part, an expired index and a rolled-back index turn it
// amber, never green.
func TestTrustlistRevocations(t *testing.T) {
	f := newRevocationFixture(t)
	key, pub := filepath.Join(f.dir, "pub.key"), filepath.Join(f.dir, "pub.pem")
	if code, _, stderr := runCmd(t, "", "trustlist", "keygen", "--key", key, "--pub", pub); code != 0 {
		t.Fatal(stderr)
	}
	out := filepath.Join(f.dir, "tree")
	state := filepath.Join(f.dir, "state.json")
	build := func(extra ...string) string {
		t.Helper()
		args := append([]string{"trustlist", "build", "--key", key, "--out", out, "--dsc", f.dscPEM}, extra...)
		code, stdout, stderr := runCmd(t, "", args...)
		if code != 0 {
			t.Fatalf("build: exit %d\n%s%s", code, stdout, stderr)
		}
		return stdout
	}
	verify := func(text string) (int, string) {
		t.Helper()
		code, stdout, stderr := runCmd(t, text, "verify", "--trustlist", out, "--trust-key", pub, "--state", state)
		return code, stdout + stderr
	}
	// Without --revocations: an empty, signed, fresh index; green.
	rep := build()
	if !strings.Contains(rep, "revocation index: sequence") || !strings.Contains(rep, "0 entries") {
		t.Errorf("report:\n%s", rep)
	}
	if code, o := verify(f.byUCI); code != 0 || strings.Contains(o, "REVOCATION") {
		t.Errorf("empty index: exit %d\n%s", code, o)
	}
	rep = build("--revocations", f.plain, "--revocations", f.batches)
	for _, want := range []string{"revocations: 3 entries", "1 expired", "3 entries (3 new"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
	for _, text := range []string{f.byUCI, f.byCCUCI, f.bySig} {
		if code, o := verify(text); code != 1 || !strings.Contains(o, "CERT_REVOKED") {
			t.Errorf("revoked pass: exit %d\n%s", code, o)
		}
	}
	if code, o := verify(f.good); code != 0 {
		t.Errorf("honest pass: exit %d\n%s", code, o)
	}
	// inspect summarises it.
	code, insp, _ := runCmd(t, "", "trustlist", "inspect", out)
	if code != 0 || !strings.Contains(insp, "revocations (signature NOT checked)") || !strings.Contains(insp, "COUNTRYCODEUCI") || !strings.Contains(insp, "UNKNOWN_KID") {
		t.Errorf("inspect:\n%s", insp)
	}
	oldPtr, _ := os.ReadFile(filepath.Join(out, publish.PointerName))

	// A new build: the next index; the state remembers its sequence.
	build("--revocations", f.plain, "--revocations", f.batches)
	if code, _ := verify(f.good); code != 0 {
		t.Fatal("honest pass not valid after the second build")
	}
	// Rollback: the older pointer (with its older, validly signed index).
	newPtr, _ := os.ReadFile(filepath.Join(out, publish.PointerName))
	os.WriteFile(filepath.Join(out, publish.PointerName), oldPtr, 0o644)
	if code, o := verify(f.good); code != 3 || !strings.Contains(o, "REVOCATION_STALE") || !strings.Contains(o, "TRUSTLIST_ROLLBACK") {
		t.Errorf("rolled-back index: exit %d\n%s", code, o)
	}
	os.WriteFile(filepath.Join(out, publish.PointerName), newPtr, 0o644)

	// A tampered part: amber, never green.
	ptr, _ := publish.ReadPointer(out)
	parts, err := publish.PreviousParts(ptr, dirGetter(out))
	if err != nil || len(parts) == 0 {
		t.Fatal(err)
	}
	partPath := filepath.Join(out, publish.PartName(parts[0]))
	bad := append([]byte(nil), parts[0]...)
	bad[len(bad)-1] ^= 1
	os.WriteFile(partPath, bad, 0o644)
	if code, o := verify(f.good); code != 3 || !strings.Contains(o, "REVOCATION_STALE") {
		t.Errorf("tampered part: exit %d\n%s", code, o)
	}
	os.WriteFile(partPath, bad[:len(bad)/2], 0o644)
	if code, o := verify(f.good); code != 3 {
		t.Errorf("truncated part: exit %d\n%s", code, o)
	}
	os.WriteFile(partPath, parts[0], 0o644)

	// An expired index: amber; a revoked pass stays red.
	build("--revocations", f.plain, "--revocations-valid-for", "1s")
	time.Sleep(2100 * time.Millisecond)
	if code, o := verify(f.good); code != 3 || !strings.Contains(o, "REVOCATION_STALE") {
		t.Errorf("expired index: exit %d\n%s", code, o)
	}
	if code, o := verify(f.byUCI); code != 1 {
		t.Errorf("revoked pass, expired index: exit %d\n%s", code, o)
	}
}
