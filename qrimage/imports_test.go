//go:build !js

package qrimage

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestWasmImports: in the WebAssembly build qrimage imports neither gozxing
// nor golang.org/x/text (0.38 MB brotli of the module) nor the PNG and JPEG
// decoders (0.076 MB): it has its own decoder, and the browser decodes
// images. wasm/imports_test.go guards the whole module the same way.
func TestWasmImports(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !strings.Contains(string(out), "github.com/passcheck/passcheck/qrimage/internal/qrdecode") {
		t.Fatalf("the graph lacks qrdecode: %v", deps)
	}
	for _, p := range deps {
		if p == "image/png" || p == "image/jpeg" || strings.HasPrefix(p, "github.com/makiuchi-d/gozxing") || strings.HasPrefix(p, "golang.org/x/text") {
			t.Errorf("%s is in qrimage's WebAssembly import graph", p)
		}
	}
}
