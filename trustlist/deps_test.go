//go:build !js

package trustlist_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/passcheck/passcheck/internal/testkit/wasmdeps"
)

// TestWASMDependencies keeps the read side fit for the WebAssembly build:
// crypto/x509 alone adds about 570 KB to the module, encoding/json about
// 290 KB, fxamacker/cbor about 450 KB of code, and net/os/exec have no place
// in a browser.
func TestWASMDependencies(t *testing.T) {
	deps, err := wasmdeps.List(".")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := map[string]bool{"crypto/x509": true, "encoding/json": true, "net": true, "net/http": true, "os/exec": true}
	for _, p := range deps {
		if forbidden[p] {
			t.Errorf("trustlist depends on %s in the WebAssembly build", p)
		}
		// The reader reads CBOR with internal/cbor and its own payload
		// reader; the reflection-based library (about 0.2 MB brotli in
		// the module) is the writer's alone.
		if wasmdeps.InModule(p, "github.com/fxamacker/cbor/v2") {
			t.Errorf("trustlist depends on %s in the WebAssembly build", p)
		}
	}
	// os comes in through fmt; the package itself must not use it.
	cmd := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, ".", "./internal/...")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "os" || forbidden[p] {
			t.Errorf("trustlist imports %s", p)
		}
	}
}
