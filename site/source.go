package site

import (
	"bufio"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/passcheck/passcheck"
	"github.com/passcheck/passcheck/internal/wasmbuild"
)

// pageSources are the page's sources: HTML, JavaScript, CSS, string tables,
// icons. TestEmbedsPageSources holds the list to the folder.
//
//go:embed index.html embed.html embed.js embed.css manifest.webmanifest sw.js js css i18n widget
var pageSources embed.FS

const modulePath = "github.com/passcheck/passcheck"

// tree is a folder with the page sources in site/ and, when the module is
// to be compiled, the module's Go sources: a source tree on disk, or a
// temporary folder with the sources this program carries.
type tree struct {
	root string
	tmp  bool
}

// openTree returns the tree at dir, or, for dir "", a temporary folder with
// the carried page sources and (withGo) the module's sources.
func openTree(dir string, withGo bool) (*tree, error) {
	if dir != "" {
		root, err := filepath.Abs(dir)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(filepath.Join(root, "site", "index.html")); err != nil {
			return nil, fmt.Errorf("site build: %s is not the passcheck source tree: %w", root, err)
		}
		return &tree{root: root}, nil
	}
	tmp, err := os.MkdirTemp("", "passcheck-site-")
	if err != nil {
		return nil, err
	}
	t := &tree{root: tmp, tmp: true}
	if err := os.CopyFS(t.site(), pageSources); err != nil {
		t.close()
		return nil, fmt.Errorf("site build: writing the page sources: %w", err)
	}
	if withGo {
		if err := os.CopyFS(tmp, passcheck.WasmSources()); err != nil {
			t.close()
			return nil, fmt.Errorf("site build: writing the module's sources: %w", err)
		}
	}
	return t, nil
}

func (t *tree) site() string { return filepath.Join(t.root, "site") }

func (t *tree) close() {
	if t.tmp {
		// The copies are read-only (as embedded); their folders are not.
		os.RemoveAll(t.root)
	}
}

// inputs is what every build reads besides the page's sources: the module,
// Go's wasm_exec.js and the string tables.
type inputs struct {
	wasm     []byte
	wasmExec string // the path of Go's wasm_exec.js
	langs    map[string]map[string]string
}

// inputs compiles the module (or reads prebuilt) with version, and reads
// the rest.
func (t *tree) inputs(prebuilt, version string) (*inputs, error) {
	goCmd := wasmbuild.GoCommand()
	var in inputs
	var err error
	if prebuilt != "" {
		if in.wasm, err = os.ReadFile(prebuilt); err != nil {
			return nil, fmt.Errorf("site build: %w", err)
		}
	} else {
		out := filepath.Join(t.root, "passcheck-site-build.wasm")
		if !t.tmp {
			tmp, err := os.MkdirTemp("", "passcheck-wasm-")
			if err != nil {
				return nil, err
			}
			defer os.RemoveAll(tmp)
			out = filepath.Join(tmp, "passcheck.wasm")
		}
		if err := wasmbuild.Build(wasmbuild.Options{Dir: t.root, Out: out, Version: version, Go: goCmd}); err != nil {
			return nil, fmt.Errorf("site build: %w", err)
		}
		if in.wasm, err = os.ReadFile(out); err != nil {
			return nil, err
		}
	}
	if in.wasmExec, err = wasmbuild.WasmExec(goCmd); err != nil {
		return nil, fmt.Errorf("site build: %w", err)
	}
	if in.langs, err = readLanguages(os.DirFS(filepath.Join(t.site(), "i18n"))); err != nil {
		return nil, err
	}
	return &in, nil
}

// resolveVersion is the version of a build: v if given, else the running
// program's module version, else git describe of the passcheck checkout at
// dir (or around the working directory), else "devel".
func resolveVersion(v, dir string) string {
	if v != "" {
		return v
	}
	if v := wasmbuild.BinaryVersion(); v != "" {
		return v
	}
	if dir == "" {
		dir, _ = findSourceRoot()
	}
	if dir != "" {
		return wasmbuild.Version(dir)
	}
	return "devel"
}

// findSourceRoot walks up from the working directory to the passcheck
// module's go.mod; "" when there is none.
func findSourceRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			s := bufio.NewScanner(f)
			s.Scan()
			f.Close()
			if strings.TrimSpace(s.Text()) == "module "+modulePath {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// readLanguages reads every string table <lang>.json in fsys.
func readLanguages(fsys fs.FS) (map[string]map[string]string, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		var table map[string]string
		if err := json.Unmarshal(data, &table); err != nil {
			return nil, fmt.Errorf("site build: i18n/%s: %w", n, err)
		}
		out[strings.TrimSuffix(path.Base(n), ".json")] = table
	}
	if _, ok := out["en"]; !ok {
		return nil, fmt.Errorf("site build: the string tables have no en.json")
	}
	return out, nil
}
