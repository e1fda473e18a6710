//go:build !js

package main

import (
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/testkit/browsertest"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// testPageJS is the script of the test page: the CSP allows no inline
// script, so the page loads this file, which exposes the ES module's load.
const testPageJS = `import { load } from "./passcheck.js";
window.start = async (opts) => { window.pc = await load(opts); return window.pc.trustList; };
window.scanPNG = async (url) => {
  const img = new Image();
  img.src = url;
  await img.decode();
  const c = document.createElement("canvas");
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const ctx = c.getContext("2d");
  ctx.drawImage(img, 0, 0);
  return window.pc.scan(ctx.getImageData(0, 0, c.width, c.height));
};
window.testReady = true;
`

const testPageHTML = `<!doctype html><meta charset="utf-8"><title>passcheck module test</title><link rel="icon" href="data:,">
<script type="module" src="test.js"></script>`

// writeTree writes the folder of bundle with its revocation index rev, by
// hand (WriteTree refuses to go back in sequence, which the rollback test
// needs). Every published list names a revocation index: without one the
// module shows no pass green (REVOCATION_STALE).
func writeTree(t *testing.T, dir string, bundle []byte, rev *publish.Revocations) {
	t.Helper()
	tree, err := publish.NewTree(bundle, publish.WithRevocations(rev))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range tree.Files {
		if f.Kind == publish.KindHostRules {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type jsMessage struct{ Code string }

type jsResult struct {
	Valid    bool
	Verdict  string
	Errors   []jsMessage
	Warnings []jsMessage
	Holder   *struct{ FamilyNameStd string }
}

type jsTrust struct {
	OK       bool
	Sequence *float64
	Signers  int
	Errors   []jsMessage
	LastLoad struct {
		OK     bool
		Errors []jsMessage
	}
}

func hasCode(ms []jsMessage, code string) bool {
	for _, m := range ms {
		if m.Code == code {
			return true
		}
	}
	return false
}

// TestBrowserModule loads the ES module in headless Chromium from a local
// server with the production CSP, and checks the verdicts for a valid, a
// tampered, an expired and an unknown-signer pass, a rolled-back trust list
// and one signed by the wrong key, hostile input, and QR scanning; no
// request leaves the origin or carries a pass.
func TestBrowserModule(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	stranger := newFixture(t)
	dir := t.TempDir()
	if err := copyFiles(dir, append(m.lib(), m.wasm)...); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "test.js"), []byte(testPageJS), 0o644)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte(testPageHTML), 0o644)
	trustDir := filepath.Join(dir, "trust")
	// One empty revocation index serves every list below: the tests are
	// about the bundle.
	rev := f.pub.revocations(t, nil, 1, f.now, 48*time.Hour)
	writeTree(t, trustDir, f.bundle(t, 20, f.now, time.Hour), rev)

	passes := map[string]string{"valid": f.pass}
	var err error
	if passes["tampered"], err = f.dsc.Issue(issuer.PassOptions{IssuedAt: f.now.Add(-time.Hour), CorruptSignature: true}); err != nil {
		t.Fatal(err)
	}
	if passes["expired"], err = f.dsc.Issue(issuer.PassOptions{IssuedAt: f.now.AddDate(0, -2, 0), ExpiresAt: f.now.AddDate(0, 0, -1)}); err != nil {
		t.Fatal(err)
	}
	passes["unknown signer"] = stranger.pass
	png, err := issuer.QRPNG(f.pass, 4)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "valid.png"), png, 0o644)

	srv := browsertest.Serve(t, dir, http.Header{
		"Content-Security-Policy": {"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:"},
		"Cache-Control":           {"no-store"},
	})
	b := browsertest.Start(t, browsertest.Options{})
	p := b.NewPage()
	p.Navigate(srv.URL + "/index.html")
	p.WaitFor(`window.testReady === true`, 10*time.Second)

	keys, _ := json.Marshal(f.pub.pem)
	start := func(extra string) jsTrust {
		t.Helper()
		return browsertest.Eval[jsTrust](p, `start({wasmURL: "passcheck.wasm", trustListURL: "trust/trustlist.json", trustKeys: `+string(keys)+extra+`})`)
	}
	verify := func(text string, opts string) jsResult {
		t.Helper()
		q, _ := json.Marshal(text)
		return browsertest.Eval[jsResult](p, `pc.verify(`+string(q)+`, `+opts+`)`)
	}

	// A module that cannot be fetched: load rejects with a code.
	if code := browsertest.Eval[string](p, `start({wasmURL: "missing.wasm", trustKeys: `+string(keys)+`}).then(() => "resolved", e => e.name + " " + e.code)`); code != "PasscheckError WASM_UNAVAILABLE" {
		t.Errorf("load of a missing module: %q", code)
	}

	tl := start("")
	if !tl.OK || tl.Sequence == nil || *tl.Sequence != 20 || tl.Signers != 1 {
		t.Fatalf("trust list: %+v", tl)
	}
	if seq := browsertest.Eval[string](p, `Object.entries(localStorage).map(e => e.join("=")).join(";")`); !strings.Contains(seq, "=20") {
		t.Errorf("localStorage %q does not remember sequence 20", seq)
	}

	// Verdicts, through WebCrypto (the default) and through pure Go.
	for _, opts := range []string{"{}", "{webCrypto: false}"} {
		if opts != "{}" {
			start(", webCrypto: false")
		}
		verdicts := map[string]string{"valid": "valid", "tampered": "invalid", "expired": "invalid", "unknown signer": "cannot-check"}
		for name, want := range map[string]string{"valid": "", "tampered": "SIGNATURE_INVALID", "expired": "CERT_EXPIRED", "unknown signer": "KID_UNKNOWN"} {
			r := verify(passes[name], "{}")
			if r.Verdict != verdicts[name] {
				t.Errorf("%s %s: verdict %q, want %q", opts, name, r.Verdict, verdicts[name])
			}
			if want == "" {
				if !r.Valid || len(r.Errors) != 0 || r.Holder == nil || r.Holder.FamilyNameStd != "NGUYEN" {
					t.Errorf("%s %s: %+v", opts, name, r)
				}
			} else if r.Valid || len(r.Errors) != 1 || r.Errors[0].Code != want {
				t.Errorf("%s %s: valid=%v errors=%v, want only %s", opts, name, r.Valid, r.Errors, want)
			}
		}
	}

	// A QR code drawn on a canvas.
	if browsertest.Eval[bool](p, `pc.canScan`) {
		if got := browsertest.Eval[string](p, `scanPNG("valid.png")`); got != f.pass {
			t.Errorf("scan of the valid pass's QR = %.40q…", got)
		}
	} else {
		t.Log("this build has no QR decoder: scan not checked")
	}

	// Hostile input through the raw API, then a valid pass still verifies.
	for expr, want := range map[string]string{
		`globalThis.passcheck.verify("HC1:" + "A".repeat(50 << 20))`:             "INPUT_TOO_LARGE",
		`globalThis.passcheck.verify(undefined)`:                                 "INPUT_INVALID",
		`globalThis.passcheck.verify(12)`:                                        "INPUT_INVALID",
		`globalThis.passcheck.scanImage(new Uint8ClampedArray(8), 10000, 10000)`: "",
		`globalThis.passcheck.loadTrustList(new Uint8Array(9 << 20), "x")`:       "INPUT_INVALID",
		`pc.verify("HC1:" + "A".repeat(50 << 20))`:                               "INPUT_TOO_LARGE",
		`pc.loadTrustListBytes("not bytes")`:                                     "INPUT_INVALID",
		`pc.verify({length: 1})`:                                                 "INPUT_INVALID",
		`Promise.resolve(pc.scan({data: new Uint8ClampedArray(8), width: 1e4, height: 1e4})).then(x => x === null ? {errors: [{code: ""}]} : x)`: "",
	} {
		r := browsertest.Eval[jsResult](p, expr)
		if r.Valid || (want != "" && !hasCode(r.Errors, want)) || len(r.Errors) == 0 {
			t.Errorf("%.60s: %+v, want %q", expr, r, want)
		}
	}
	if r := verify(f.pass, "{}"); !r.Valid {
		t.Errorf("after hostile input, the valid pass: %v", r.Errors)
	}

	// A refresh that brings a list signed by another key: refused, and the
	// list in use stays.
	other := newPublisher(t)
	writeTree(t, trustDir, other.bundle(t, []*x509.Certificate{f.dsc.Cert}, 21, f.now, time.Hour), rev)
	if r := browsertest.Eval[jsTrust](p, `pc.refreshTrustList()`); r.OK || !hasCode(r.Errors, "TRUSTLIST_SIGNATURE_INVALID") {
		t.Errorf("refresh to a foreign list: %+v", r)
	}
	if r := verify(f.pass, "{}"); !r.Valid {
		t.Errorf("after a refused refresh the old list should stay: %v", r.Errors)
	}
	// A fresh load (a new visitor, or after a reload) with only that list:
	// the pass cannot be checked, and the code says why.
	tl = start("")
	if tl.OK || !hasCode(tl.Errors, "TRUSTLIST_SIGNATURE_INVALID") {
		t.Errorf("load of a foreign list: %+v", tl)
	}
	if r := verify(f.pass, "{}"); r.Valid || !hasCode(r.Errors, "TRUSTLIST_SIGNATURE_INVALID") {
		t.Errorf("verify with a foreign list: %+v", r)
	}

	// Rollback across a reload: the host serves sequence 10 after 20 was
	// seen; localStorage remembers 20.
	writeTree(t, trustDir, f.bundle(t, 10, f.now, time.Hour), rev)
	p.Reload()
	p.WaitFor(`window.testReady === true`, 10*time.Second)
	tl = start("")
	if tl.OK || !hasCode(tl.Errors, "TRUSTLIST_ROLLBACK") {
		t.Errorf("load of a rolled-back list: %+v", tl)
	}
	if r := verify(f.pass, "{}"); r.Valid || !hasCode(r.Errors, "TRUSTLIST_ROLLBACK") {
		t.Errorf("verify with a rolled-back list: %+v", r)
	}
	// A newer list loads again.
	writeTree(t, trustDir, f.bundle(t, 22, f.now, time.Hour), rev)
	if r := browsertest.Eval[jsTrust](p, `pc.refreshTrustList()`); !r.OK {
		t.Errorf("refresh to sequence 22: %+v", r)
	}
	if r := verify(f.pass, "{}"); !r.Valid {
		t.Errorf("with sequence 22: %v", r.Errors)
	}

	var secrets []string
	for _, s := range passes {
		secrets = append(secrets, s)
	}
	p.CheckRequests(srv.URL, secrets...)
	p.CheckNoConsoleErrors("missing.wasm") // the 404 the test asked for
	t.Logf("%d requests recorded by the page, %d by the proxy", len(p.Requests()), len(b.Requests()))
}
