package wasmbuild

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestArgs(t *testing.T) {
	got := Args(Options{Out: "/tmp/m.wasm", Version: "v1.2.3", Tags: []string{"noqr"}})
	want := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid= -X main.version=v1.2.3", "-tags", "noqr", "-o", "/tmp/m.wasm", "./wasm"}
	if !slices.Equal(got, want) {
		t.Errorf("Args = %q, want %q", got, want)
	}
	env := strings.Join(Env(), "\n")
	for _, v := range []string{"GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0", "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOTOOLCHAIN=local"} {
		if !strings.HasSuffix(env, v) && !strings.Contains(env, v+"\n") {
			t.Errorf("Env lacks %s", v)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	if err := Build(Options{Out: "x.wasm"}); err == nil {
		t.Error("no Dir: built")
	}
	if err := Build(Options{Dir: t.TempDir(), Out: "x.wasm", Version: "a b"}); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("a version with a space: %v", err)
	}
	// A folder without the module: the go command's message comes back.
	err := Build(Options{Dir: t.TempDir(), Out: filepath.Join(t.TempDir(), "x.wasm"), Version: "v"})
	if err == nil || !strings.Contains(err.Error(), "building the WebAssembly module") {
		t.Errorf("empty folder: %v", err)
	}
}

// TestVersion: git describe in a checkout, "devel" outside one.
func TestVersion(t *testing.T) {
	if BinaryVersion() != "" {
		t.Skip("the test binary has a module version")
	}
	if v := Version(t.TempDir()); v != "devel" {
		t.Errorf("outside a checkout: %q, want devel", v)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		t.Skip("not a git checkout")
	}
	want, err := exec.Command("git", "-C", root, "describe", "--always", "--dirty").Output()
	if err != nil {
		t.Skip("git describe fails here")
	}
	if v := Version(root); v != strings.TrimSpace(string(want)) {
		t.Errorf("Version(%s) = %q, want %q", root, v, want)
	}
}
