package wasmbuild

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// SourceTags are the tag sets the module is built with: the site's module
// (with the QR decoder) and make wasm-size's -tags noqr.
var SourceTags = [][]string{nil, {"noqr"}}

// Sources lists the files that compiling ./wasm of the module at dir needs,
// slash-separated and relative to dir, sorted: go.mod, go.sum, and the
// non-test Go files (and embedded files) of every package of the module in
// the import graph of ./wasm for GOOS=js GOARCH=wasm, under each of
// [SourceTags]. It fails when that graph needs a package outside the
// standard library and the module: an installed passcheck compiles the
// module offline, from sources it carries.
func Sources(dir string) ([]string, error) {
	mod, err := modulePath(dir)
	if err != nil {
		return nil, err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{"go.mod": true, "go.sum": true}
	for _, tags := range SourceTags {
		args := []string{"list", "-deps", "-json=ImportPath,Standard,Module,Dir,GoFiles,EmbedFiles,CgoFiles,SFiles,CFiles,HFiles,SysoFiles"}
		if len(tags) > 0 {
			args = append(args, "-tags", strings.Join(tags, ","))
		}
		cmd := exec.Command(GoCommand(), append(args, "./wasm")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0", "GOFLAGS=-mod=readonly", "GOWORK=off")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("GOOS=js GOARCH=wasm go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		for {
			var p struct {
				ImportPath string
				Standard   bool
				Module     *struct{ Path string }
				Dir        string
				GoFiles    []string
				EmbedFiles []string
				CgoFiles   []string
				SFiles     []string
				CFiles     []string
				HFiles     []string
				SysoFiles  []string
			}
			if err := dec.Decode(&p); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, err
			}
			if p.Standard {
				continue
			}
			if p.Module == nil || p.Module.Path != mod {
				return nil, fmt.Errorf("the WebAssembly module (tags %q) imports %s, which is neither in the standard library nor in %s: an installed passcheck could not compile it offline", tags, p.ImportPath, mod)
			}
			if n := len(p.CgoFiles) + len(p.SFiles) + len(p.CFiles) + len(p.HFiles) + len(p.SysoFiles); n > 0 {
				return nil, fmt.Errorf("%s has %d non-Go source files: add them to wasmbuild.Sources", p.ImportPath, n)
			}
			rel, err := filepath.Rel(absDir, p.Dir)
			if err != nil || strings.HasPrefix(rel, "..") {
				return nil, fmt.Errorf("%s is outside %s", p.Dir, absDir)
			}
			for _, f := range append(p.GoFiles, p.EmbedFiles...) {
				set[filepath.ToSlash(filepath.Join(rel, f))] = true
			}
		}
	}
	files := make([]string, 0, len(set))
	for f := range set {
		files = append(files, f)
	}
	sort.Strings(files)
	return files, nil
}

// modulePath reads the module path from dir/go.mod.
func modulePath(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`), nil
		}
	}
	return "", fmt.Errorf("%s: no module line", filepath.Join(dir, "go.mod"))
}
