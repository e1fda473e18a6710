//go:build !js

package qrimage

import (
	"slices"
	"testing"

	"github.com/passcheck/passcheck/internal/testkit/wasmdeps"
)

// TestWasmImports: in the WebAssembly build qrimage imports neither gozxing
// nor golang.org/x/text (0.38 MB brotli of the module) nor the PNG and JPEG
// decoders (0.076 MB): it has its own decoder, and the browser decodes
// images. wasm/imports_test.go guards the whole module the same way.
func TestWasmImports(t *testing.T) {
	deps, err := wasmdeps.List(".")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(deps, "github.com/passcheck/passcheck/qrimage/internal/qrdecode") {
		t.Fatalf("the graph lacks qrdecode: %v", deps)
	}
	for _, p := range deps {
		if p == "image/png" || p == "image/jpeg" || wasmdeps.InModule(p, "github.com/makiuchi-d/gozxing") || wasmdeps.InModule(p, "golang.org/x/text") {
			t.Errorf("%s is in qrimage's WebAssembly import graph", p)
		}
	}
}
