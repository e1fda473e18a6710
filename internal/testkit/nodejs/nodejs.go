// Package nodejs finds Node.js for the tests that run the WebAssembly
// module or the site's scripts under it.
package nodejs

import (
	"os"
	"os/exec"
	"testing"
)

// Path returns the node executable. Without one it skips t, except under
// CI=true, where a missing Node fails the test: CI never skips silently.
func Path(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is missing (CI=true: never skipped)")
		}
		t.Skip("node is missing")
	}
	return p
}
