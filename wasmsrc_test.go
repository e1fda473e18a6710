package passcheck

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/passcheck/passcheck/internal/wasmbuild"
)

// TestWasmSources holds the embedded list to what go list -deps says the
// module needs today (a package added to or dropped from the module's
// import graph needs go generate .), and checks that the graph needs
// nothing outside the standard library and this module.
func TestWasmSources(t *testing.T) {
	want, err := wasmbuild.Sources(".")
	if err != nil {
		t.Fatal(err)
	}
	got := embedded(t)
	if !slices.Equal(got, want) {
		t.Errorf("wasmsrc_gen.go is out of date: run go generate . in the module root\nembedded: %q\nneeded:   %q", got, want)
	}
	for _, f := range got {
		a, _ := fs.ReadFile(WasmSources(), f)
		b, err := os.ReadFile(filepath.FromSlash(f))
		if err != nil || string(a) != string(b) {
			t.Errorf("%s: the embedded copy differs from the file (%v)", f, err)
		}
	}
}

// TestWasmSourcesBuildOffline compiles the module from the embedded files
// alone, in an empty folder, with no module cache and no proxy: what an
// installed passcheck does on a machine that never fetched a module.
func TestWasmSourcesBuildOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the module (-short)")
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, WasmSources()); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOPROXY", "off")
	out := filepath.Join(t.TempDir(), "passcheck.wasm")
	if err := wasmbuild.Build(wasmbuild.Options{Dir: dir, Out: out, Version: "offline-test"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 1<<20 || string(data[:4]) != "\x00asm" {
		t.Fatalf("%s: %d bytes, not a WebAssembly module", out, len(data))
	}
	if !bytes.Contains(data, []byte("offline-test")) {
		t.Error("the module does not carry the version it was stamped with")
	}
}

func embedded(t *testing.T) []string {
	t.Helper()
	var files []string
	err := fs.WalkDir(WasmSources(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
