//go:build !js

package trustlist_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWASMDependencies keeps the read side fit for the WebAssembly build:
// crypto/x509 alone adds about 570 KB to the module, encoding/json about
// 290 KB, fxamacker/cbor about 450 KB of code, and net/os/exec have no place
// in a browser.
func TestWASMDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := map[string]bool{"crypto/x509": true, "encoding/json": true, "net": true, "net/http": true, "os/exec": true}
	for _, p := range strings.Fields(string(out)) {
		if forbidden[p] {
			t.Errorf("trustlist depends on %s in the WebAssembly build", p)
		}
		// The reader reads CBOR with internal/cbor and its own payload
		// reader; the reflection-based library (about 0.2 MB brotli in
		// the module) is the writer's alone.
		if strings.HasPrefix(p, "github.com/fxamacker/cbor") {
			t.Errorf("trustlist depends on %s in the WebAssembly build", p)
		}
	}
	// os comes in through fmt; the package itself must not use it.
	cmd = exec.Command("go", "list", "-f", `{{join .Imports " "}}`, ".", "./internal/...")
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "os" || forbidden[p] {
			t.Errorf("trustlist imports %s", p)
		}
	}
}
