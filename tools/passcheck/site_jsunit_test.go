package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSiteJSUnit runs the unit tests of the site's pure JavaScript modules
// (site/**/*.test.mjs: the keyboard-wedge timing, the kiosk's hold and
// counters) with Node's test runner, so that make test runs them. Without
// Node the test is skipped, except under CI=true, where it fails.
func TestSiteJSUnit(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node not found (CI=true: the JavaScript unit tests never skip)")
		}
		t.Skip("node not found")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, pattern := range []string{"site/js/*.test.mjs", "site/widget/*.test.mjs"} {
		m, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(pattern)))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no site/**/*.test.mjs found: the glob is wrong or the tests moved")
	}
	cmd := exec.Command(node, append([]string{"--test", "--test-reporter=tap"}, files...)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	// Each file's tests must have run: a file that imports nothing runnable
	// would pass silently.
	if !strings.Contains(string(out), "# pass ") || strings.Contains(string(out), "# pass 0\n") {
		t.Fatalf("node --test ran no test:\n%s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "# pass ") || strings.HasPrefix(line, "# fail ") {
			t.Log(line)
		}
	}
}
