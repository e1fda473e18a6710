package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/site"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

// TestSiteBuildKioskFlags checks the command line of the kiosk and the
// single-file page: what it refuses with exit code 2 before building, and
// what it writes.
func TestSiteBuildKioskFlags(t *testing.T) {
	d, err := makeDemo(time.Now(), 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pub := filepath.Join(dir, "publisher.pem")
	os.WriteFile(pub, d.PublisherPEM, 0o644)
	// A stand-in module: these tests read what the build writes, and
	// building the real one (and compressing it) costs seconds.
	wasm := filepath.Join(dir, "fake.wasm")
	os.WriteFile(wasm, bytes.Repeat([]byte("\x00asm stand-in "), 4096), 0o644)
	trust := filepath.Join(dir, "trust")
	if err := d.writeTree(trust, d.Bundle); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"single file without a list", []string{"--single-file", "--trust-key", pub, "--out", filepath.Join(dir, "k.html")}, "needs --trustlist"},
		{"single file into a folder", []string{"--single-file", "--trust-key", pub, "--trustlist", trust, "--out", filepath.Join(dir, "out")}, "--out NAME.html"},
		{"single file, no such list", []string{"--single-file", "--trust-key", pub, "--trustlist", filepath.Join(dir, "nope"), "--out", filepath.Join(dir, "k.html")}, "nope"},
		{"list without single file", []string{"--trust-key", pub, "--trustlist", trust, "--out", filepath.Join(dir, "site")}, "--trustlist is for --single-file"},
		{"hold too short", []string{"--kiosk", "--kiosk-hold", "100ms", "--trust-key", pub, "--out", filepath.Join(dir, "site")}, "give 1s to 5m"},
		{"hold too long", []string{"--kiosk", "--kiosk-hold", "1h", "--trust-key", pub, "--out", filepath.Join(dir, "site")}, "give 1s to 5m"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"site", "build"}, c.args...)...)
			if code != 2 || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, c.want)
			}
		})
	}

	t.Run("single file", func(t *testing.T) {
		out := filepath.Join(dir, "usb", "kiosk.html")
		code, stdout, stderr := runCLI(t, "site", "build", "--single-file", "--kiosk", "--kiosk-hold", "3s", "--wasm", wasm, "--trust-key", pub, "--trustlist", trust, "--out", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, "trust list #") || !strings.Contains(stdout, out) {
			t.Errorf("stdout %q", stdout)
		}
		page, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`kiosk:!0`, `kioskHoldSeconds:3`, `id="` + site.SingleFileTrustListID + `"`, `'wasm-unsafe-eval'`} {
			if !strings.Contains(string(page), want) {
				t.Errorf("the page lacks %s", want)
			}
		}
	})

	t.Run("kiosk site", func(t *testing.T) {
		// site.Build without the .br/.gz copies, which take seconds under
		// -race; the flags' path to site.Options is the one tested above.
		out := filepath.Join(dir, "site")
		m, err := site.Build(site.Options{Out: out, TrustKeysPEM: [][]byte{d.PublisherPEM}, Kiosk: true, KioskHold: 4 * time.Second, WasmFile: wasm, NoCompress: true})
		if err != nil {
			t.Fatal(err)
		}
		js, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(m.Assets["app.js"])))
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`kiosk:!0,kioskHoldSeconds:4`).Match(js) {
			t.Error("the page's script does not start as a kiosk with a 4 s hold")
		}
		// Static hosts get the full policy (frame-ancestors, which a <meta>
		// cannot carry) in _headers; embed.html carries the page's policy.
		headers, err := os.ReadFile(filepath.Join(out, site.HeadersFile))
		if err != nil || !strings.Contains(string(headers), "Content-Security-Policy: "+site.CSP("", false)) || !strings.Contains(string(headers), "frame-ancestors 'none'") {
			t.Errorf("%s: %v\n%s", site.HeadersFile, err, headers)
		}
		embed, _ := os.ReadFile(filepath.Join(out, "embed.html"))
		if !strings.Contains(string(embed), `<meta http-equiv="Content-Security-Policy" content="`+site.CSP("", true)+`">`) {
			t.Error("embed.html carries no Content-Security-Policy")
		}
		for _, f := range []string{site.WidgetJS, site.WidgetDTS, "embed.html", "embed.js", "embed.css", site.TrustKeysFile, site.HeadersFile} {
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(f))); err != nil {
				t.Errorf("the site build wrote no %s", f)
			}
		}
		if keys, _ := os.ReadFile(filepath.Join(out, site.TrustKeysFile)); !bytes.Equal(bytes.TrimSpace(keys), bytes.TrimSpace(d.PublisherPEM)) {
			t.Errorf("%s is not the pinned key", site.TrustKeysFile)
		}
	})
}
