package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCapture(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

// The "done when": the specification's test suite and the EU rules
// pass, and the last line says so.
func TestRulesTestPasses(t *testing.T) {
	code, out, errs := runCapture("rules", "test", "../../testdata/certlogic/testSuite", "../../testdata/business-rules/EU")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if code != 0 || len(lines) != 1 || !strings.HasSuffix(last, " passed, 0 failed, 0 skipped") || strings.HasPrefix(last, "0 ") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestRulesTestFailures(t *testing.T) {
	dir := t.TempDir()
	suite := `{"name":"s","cases":[{"name":"sum","certLogicExpression":{"+":[1,1]},"assertions":[{"data":null,"expected":3},{"data":null,"expected":2},{"data":null,"expected":2,"directive":"skip"}]}]}`
	if err := os.WriteFile(filepath.Join(dir, "s.json"), []byte(suite), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCapture("rules", "test", dir)
	want := filepath.Join(dir, "s.json") + ": sum #0: expected 3, got 2\n1 passed, 1 failed, 1 skipped\n"
	if code != 1 || out != want {
		t.Errorf("exit %d, stdout %q; want 1, %q", code, out, want)
	}
	if code, _, errs := runCapture("rules", "test", filepath.Join(dir, "missing")); code != 2 || !strings.Contains(errs, "passcheck: error:") {
		t.Errorf("missing path: exit %d, stderr %q", code, errs)
	}
	if code, _, _ := runCapture("rules", "test"); code != 2 {
		t.Errorf("no path: exit %d", code)
	}
}
