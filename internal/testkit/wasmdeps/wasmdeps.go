// Package wasmdeps lists a package's import graph in the WebAssembly build,
// for the tests that keep packages out of the module (docs/wasm.md): each
// package's guard test names what it must not pull in.
package wasmdeps

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// List returns the packages that pkg (a path such as "." or "./wasm")
// depends on when built with GOOS=js GOARCH=wasm and the given build tags.
func List(pkg string, tags ...string) ([]string, error) {
	args := []string{"list", "-deps"}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		return nil, fmt.Errorf("GOOS=js GOARCH=wasm go %s: %v\n%s", strings.Join(cmd.Args[1:], " "), err, stderr)
	}
	return strings.Fields(string(out)), nil
}

// InModule reports whether package p belongs to module m.
func InModule(p, m string) bool { return p == m || strings.HasPrefix(p, m+"/") }
