package site

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
)

// TestPageConfigContract bundles a script that imports every export of
// "passcheck:build" the way site/js does, and checks that the values reach
// it: the limits from the Go constants, the value sets from dcc, the
// settings.
func TestPageConfigContract(t *testing.T) {
	root := t.TempDir()
	entry := `import { config, languages, valueSets, limits, codes } from "passcheck:build";
globalThis.out = [config.version, config.kiosk === true, languages.en["app.title"] !== undefined,
  valueSets["vaccine-medicinal-product"]["EU/1/20/1528"], limits.maxInputLen, limits.maxBundleSize, Array.isArray(codes)];
`
	if err := os.WriteFile(filepath.Join(root, "entry.js"), []byte(entry), 0o644); err != nil {
		t.Fatal(err)
	}
	langs, err := readLanguages(os.DirFS("i18n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := (&inputs{langs: langs}).pageConfig(Config{Version: "contract-test", Kiosk: true})
	opts := esbuildOptions(root, []string{"entry.js"}, virtualModules(map[string]any{buildModule: cfg}, ""))
	opts.Outfile = filepath.Join(root, "out.js")
	res, err := runESBuild("contract", opts)
	if err != nil {
		t.Fatal(err)
	}
	js := string(res.OutputFiles[0].Contents)
	for _, want := range []string{`"contract-test"`, "Comirnaty", strconv.Itoa(dcc.MaxInputLen), strconv.Itoa(trustlist.MaxBundleSize)} {
		if !strings.Contains(js, want) {
			t.Errorf("the bundle lacks %s:\n%.600s", want, js)
		}
	}
	// An export the script does not import is left out of the bundle.
	if err := os.WriteFile(filepath.Join(root, "entry.js"), []byte(`import { config } from "passcheck:build"; globalThis.v = config.version;`), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err = runESBuild("contract", opts)
	if err != nil {
		t.Fatal(err)
	}
	if js := string(res.OutputFiles[0].Contents); strings.Contains(js, "Comirnaty") || strings.Contains(js, strconv.Itoa(dcc.MaxInputLen)) {
		t.Errorf("unused exports reached the bundle (%d bytes)", len(js))
	}
	// An unknown virtual module is an error, not an empty module.
	if err := os.WriteFile(filepath.Join(root, "entry.js"), []byte(`import { x } from "passcheck:nope"; globalThis.x = x;`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runESBuild("contract", opts); err == nil || !strings.Contains(err.Error(), "passcheck:nope") {
		t.Errorf("unknown module: %v", err)
	}
}

// TestModuleSource checks the JavaScript of a virtual module: one export per
// JSON field, sorted, omitted fields absent.
func TestModuleSource(t *testing.T) {
	got, err := moduleSource(swConfig{BuildID: "abc", Precache: []string{"index.html"}, TrustListURL: "trustlist.json"})
	if err != nil {
		t.Fatal(err)
	}
	want := "export const buildId = \"abc\";\nexport const precache = [\"index.html\"];\nexport const trustListURL = \"trustlist.json\";\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got, err = moduleSource(PageConfig{Config: Config{Version: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"kiosk", "singleFile", "wasmID"} {
		if strings.Contains(got, absent) {
			t.Errorf("%q in %s", absent, got)
		}
	}
	if _, err := moduleSource([]int{1}); err == nil {
		t.Error("a non-object became a module")
	}
}

// TestEmbedsPageSources holds the embedded page sources to the folder: a
// file added to site/ must be embedded (or the installed command would
// build a page without it).
func TestEmbedsPageSources(t *testing.T) {
	var onDisk, embedded []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(p, ".go") || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_") {
			return nil
		}
		onDisk = append(onDisk, filepath.ToSlash(p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = fs.WalkDir(pageSources, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			embedded = append(embedded, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(onDisk)
	slices.Sort(embedded)
	if !slices.Equal(onDisk, embedded) {
		t.Errorf("site/source.go's //go:embed list misses files or names gone ones:\non disk:  %q\nembedded: %q", onDisk, embedded)
	}
}
