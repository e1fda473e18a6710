package site

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestInlineSafe(t *testing.T) {
	for _, c := range []struct {
		name, in, tag, want string
	}{
		{"plain", `let a = 1 < 2;`, "script", `let a = 1 < 2;`},
		{"script end", `s = "</script>";`, "script", `s = "<\/script>";`},
		{"any case", `s = "</ScRiPt >" + "</SCRIPT";`, "script", `s = "<\/ScRiPt >" + "<\/SCRIPT";`},
		{"comment open", `s = "<!--";`, "script", `s = "<\!--";`},
		{"style end", `a::after{content:"</style>"}`, "style", `a::after{content:"<\/style>"}`},
		{"style keeps <!--", `a{content:"<!--"}`, "style", `a{content:"<!--"}`},
		{"twice", `"</script></script>"`, "script", `"<\/script><\/script>"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := inlineSafe(c.in, c.tag)
			if got != c.want {
				t.Errorf("inlineSafe(%q) = %q, want %q", c.in, got, c.want)
			}
			if strings.Contains(strings.ToLower(got), "</"+c.tag) {
				t.Errorf("%q still closes the element", got)
			}
		})
	}
}

func TestFromWidgetDir(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "",
		"trustlist.json":                     "../trustlist.json",
		"./trustlist.json":                   "../trustlist.json",
		"assets/passcheck-0123456789ab.wasm": "../assets/passcheck-0123456789ab.wasm",
		"/trust/trustlist.json":              "/trust/trustlist.json",
		"https://tl.example/trustlist.json":  "https://tl.example/trustlist.json",
	} {
		if got := fromWidgetDir(in); got != want {
			t.Errorf("fromWidgetDir(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckNoInline(t *testing.T) {
	ok := `<!doctype html><link rel="stylesheet" href="embed.css"><script type="module" src="embed.js"></script>`
	if err := checkNoInline("ok.html", ok); err != nil {
		t.Errorf("clean page refused: %v", err)
	}
	for _, bad := range []string{`<script>alert(1)</script>`, `<style>a{}</style>`, `<p style="color:red">`, `<a href="javascript:x()">`, `<body onload="x()">`} {
		if err := checkNoInline("bad.html", ok+bad); err == nil {
			t.Errorf("inline %q accepted", bad)
		}
	}
}

func TestSingleFileCSP(t *testing.T) {
	csp := singleFileCSP(cspHash("js"), cspHash("css"))
	for _, want := range []string{"default-src 'none'", "script-src 'sha256-", "'wasm-unsafe-eval'", "style-src 'sha256-", "connect-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"'self'", "'unsafe-inline'", "'unsafe-eval'", "http"} {
		if strings.Contains(csp, bad) {
			t.Errorf("CSP %q has %q", csp, bad)
		}
	}
	// The hash of "js" (echo -n js | sha256sum | xxd -r -p | base64).
	if h := cspHash("js"); h != "'sha256-Fs7fgK3gHGK90a6THQSSMwwLYr8pTAjAlc4vqyGpKY0='" {
		t.Errorf("cspHash = %s", h)
	}
}

func TestSingleFilePageMarkers(t *testing.T) {
	page := singlePage{CSP: "default-src 'none'", Script: "console.log(1)", Style: "a{}", WasmGzip: []byte{1, 2, 3}, Bundle: []byte{4, 5}}
	if _, err := singleFilePage("<html><body></body></html>", page); err == nil {
		t.Error("a page without the markers was accepted")
	}
}

// TestBuildSingleFile checks the single-file page as written: one file, no
// reference to any other file or origin, the CSP hashes matching its one
// script and one style, and the module and trust list inside, intact.
func TestBuildSingleFile(t *testing.T) {
	d := newTestList(t, time.Now(), 7*24*time.Hour)
	dir := t.TempDir()
	wasm := bytes.Repeat([]byte("\x00asm not really a module "), 1000)
	wasmFile := filepath.Join(dir, "fake.wasm")
	os.WriteFile(wasmFile, wasm, 0o644)
	out := filepath.Join(dir, "usb", "kiosk.html")
	info, err := BuildSingleFile(SingleFileOptions{Out: out, TrustKeysPEM: [][]byte{d.PublisherPEM}, Bundle: d.Bundle, WasmFile: wasmFile, Version: "test", Kiosk: true, KioskHold: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	if info.Size != len(raw) || info.Expired || info.TrustSequence != uint64(d.Now.Unix()) {
		t.Errorf("info %+v", info)
	}

	// Every element that could load something loads nothing from outside.
	for _, m := range regexp.MustCompile(`\s(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#") && !strings.HasPrefix(m[1], "data:") {
			t.Errorf("the page refers to another file: %s", m[0])
		}
	}
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`).FindStringSubmatch(page)
	if csp == nil {
		t.Fatal("no CSP meta")
	}
	scripts := regexp.MustCompile(`(?s)<script type="module">(.*?)</script>`).FindAllStringSubmatch(page, -1)
	styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(page, -1)
	if len(scripts) != 1 || len(styles) != 1 {
		t.Fatalf("%d inline scripts and %d styles, want one each", len(scripts), len(styles))
	}
	if !strings.Contains(csp[1], "script-src "+cspHash(scripts[0][1])+" 'wasm-unsafe-eval'") || !strings.Contains(csp[1], "style-src "+cspHash(styles[0][1])) {
		t.Errorf("CSP %q does not allow the page's script and style by hash", csp[1])
	}
	// The build's settings reach the script.
	for _, want := range []string{`singleFile:!0`, `kiosk:!0`, `kioskHoldSeconds:4`} {
		if !strings.Contains(scripts[0][1], want) {
			t.Errorf("the script lacks %s", want)
		}
	}
	block := func(id string) []byte {
		m := regexp.MustCompile(`<script type="application/octet-stream" id="` + id + `"[^>]*>([^<]*)</script>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no data block %s", id)
		}
		b, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(block(SingleFileWasmID)))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, wasm) {
		t.Error("the module in the page differs from the one built")
	}
	if !bytes.Equal(block(SingleFileTrustListID), d.Bundle) {
		t.Error("the trust list in the page differs from the one given")
	}

	// A list signed by another publisher is refused at build time.
	other := newTestList(t, time.Now(), time.Hour)
	if _, err := BuildSingleFile(SingleFileOptions{Out: filepath.Join(dir, "x.html"), TrustKeysPEM: [][]byte{d.PublisherPEM}, Bundle: other.Bundle, WasmFile: wasmFile}); err == nil || !strings.Contains(err.Error(), "TRUSTLIST_") {
		t.Errorf("foreign list: %v", err)
	}
	if _, err := BuildSingleFile(SingleFileOptions{Out: filepath.Join(dir, "y.html"), TrustKeysPEM: [][]byte{d.PublisherPEM}, WasmFile: wasmFile}); err == nil {
		t.Error("no list: built anyway")
	}
	// An expired list is carried, and said to be expired.
	stale := d.bundle(t, time.Now().Add(-10*24*time.Hour), 48*time.Hour)
	info, err = BuildSingleFile(SingleFileOptions{Out: filepath.Join(dir, "stale.html"), TrustKeysPEM: [][]byte{d.PublisherPEM}, Bundle: stale, WasmFile: wasmFile})
	if err != nil || !info.Expired {
		t.Errorf("expired list: %+v, %v", info, err)
	}
}
