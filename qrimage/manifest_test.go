package qrimage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hardCase is one line of testdata/hard/manifest.txt.
type hardCase struct {
	file, desc, text string
}

func loadHardCases(t testing.TB) []hardCase {
	t.Helper()
	return loadCases(t, filepath.Join("testdata", "hard"))
}

// loadCases reads the manifest of a set of cases made by gencases.
func loadCases(t testing.TB, dir string) []hardCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "manifest.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []hardCase
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("manifest line %q: want 3 tab-separated fields", line)
		}
		cases = append(cases, hardCase{f[0], f[1], f[2]})
	}
	if len(cases) == 0 {
		t.Fatal("manifest lists no hard cases")
	}
	return cases
}
