//go:build !js

package main

import (
	"testing"

	"github.com/passcheck/passcheck/internal/testkit/wasmdeps"
)

// forbidden packages would grow the module for nothing the verifier needs
// (see docs/wasm.md, "Builds and size"): X.509 parsing happens when the trust
// list is built, JSON is JavaScript's job, passes are inflated by
// internal/inflate (compress/flate brought its writer's tables and sort), and
// the module never touches the network or starts processes.
var forbidden = []string{"net", "crypto/x509", "encoding/json", "os/exec", "text/template", "html/template", "net/http", "image/png", "image/jpeg", "compress/flate"}

// forbiddenModules are modules none of whose packages may enter the graph:
// qrimage reads QR codes with its own decoder, and gozxing with the
// golang.org/x/text tables it pulls in cost 0.38 MB brotli.
var forbiddenModules = []string{"github.com/makiuchi-d/gozxing", "golang.org/x/text"}

// TestImportGraph fails when a forbidden package enters the WebAssembly
// build's import graph, in either build (with and without the QR decoder).
func TestImportGraph(t *testing.T) {
	for _, tags := range []string{"", "noqr"} {
		list, err := wasmdeps.List(".", tags)
		if err != nil {
			t.Fatal(err)
		}
		deps := map[string]bool{}
		for _, p := range list {
			deps[p] = true
		}
		if !deps["syscall/js"] || !deps["github.com/passcheck/passcheck/dcc"] {
			t.Fatalf("tags %q: the graph lacks syscall/js or dcc: is this the WebAssembly build? %v", tags, deps)
		}
		if qr := deps["github.com/passcheck/passcheck/qrimage"]; qr != (tags == "") {
			t.Errorf("tags %q: qrimage in the graph = %v", tags, qr)
		}
		for _, p := range forbidden {
			if deps[p] {
				t.Errorf("tags %q: %s is in the WebAssembly import graph (go list -deps ./wasm); find who imports it with: GOOS=js GOARCH=wasm go list -tags %q -f '{{.ImportPath}} {{.Imports}}' -deps ./wasm | grep %s", tags, p, tags, p)
			}
		}
		for p := range deps {
			for _, m := range forbiddenModules {
				if wasmdeps.InModule(p, m) {
					t.Errorf("tags %q: %s (module %s) is in the WebAssembly import graph (go list -deps ./wasm)", tags, p, m)
				}
			}
		}
	}
}
