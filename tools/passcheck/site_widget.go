package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// The widget: the <passcheck-verifier> custom element (site/widget/), built
// under a stable name so that other pages can load it, with its TypeScript
// declarations, and the example page embed.html.

const (
	widgetJS  = "widget/passcheck-verifier.js"
	widgetDTS = "widget/passcheck-verifier.d.ts"
	// trustKeysFile holds the publisher keys pinned into the build, for
	// pages that give the widget trust-keys="trust-keys.pem".
	trustKeysFile = "trust-keys.pem"
)

// widgetInput is what the widget's build needs from the site build.
type widgetInput struct {
	Root         string // the source tree
	WasmExec     string // Go's wasm_exec.js
	WasmPath     string // the module in the output folder, e.g. assets/passcheck-<hash>.wasm
	TrustListURL string // as given to the site build: relative to the page, or absolute
	TrustKeys    string // the pinned PEM blocks
	GraceSeconds float64
	Version      string
	Languages    map[string]map[string]string
	ValueSets    map[string]map[string]string
}

// widgetFiles bundles the widget with everything it imports (the ES module,
// Go's wasm_exec.js, the string tables and value sets) and returns the
// output files: slash path in the site folder → content. The build's module,
// trust list and keys become the widget's defaults, with URLs relative to
// the widget file.
func widgetFiles(in widgetInput) (map[string][]byte, error) {
	src := filepath.Join(in.Root, "site", "widget", "passcheck-verifier.js")
	if _, err := os.Stat(src); err != nil {
		return nil, fmt.Errorf("site build: the widget: %w", err)
	}
	cfg := map[string]any{
		"config": map[string]any{
			"version":      in.Version,
			"wasmURL":      fromWidgetDir(in.WasmPath),
			"trustListURL": fromWidgetDir(in.TrustListURL),
			"trustKeys":    in.TrustKeys,
			"graceSeconds": in.GraceSeconds,
		},
		"languages": in.Languages,
		"valueSets": in.ValueSets,
	}
	outdir := filepath.Join(in.Root, "site-out")
	res := api.Build(api.BuildOptions{
		AbsWorkingDir: in.Root, EntryPoints: []string{"site/widget/passcheck-verifier.js"},
		Bundle: true, MinifyWhitespace: true, MinifySyntax: true, MinifyIdentifiers: true,
		Format: api.FormatESModule, Target: api.ES2020, Outfile: filepath.Join(outdir, filepath.FromSlash(widgetJS)),
		Write: false, LogLevel: api.LogLevelSilent, Charset: api.CharsetUTF8,
		Plugins: []api.Plugin{virtualModules(map[string]map[string]any{"passcheck:build": cfg}, in.WasmExec)},
	})
	if err := esbuildErrors("widget", res); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, f := range res.OutputFiles {
		rel, err := filepath.Rel(outdir, f.Path)
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, fmt.Errorf("site build: widget output %s outside the folder", f.Path)
		}
		files[filepath.ToSlash(rel)] = f.Contents
	}
	if files[widgetJS] == nil {
		return nil, fmt.Errorf("site build: esbuild wrote no %s", widgetJS)
	}
	for rel, name := range map[string]string{
		widgetDTS:    "site/widget/passcheck-verifier.d.ts",
		"embed.html": "site/embed.html",
		"embed.js":   "site/embed.js",
		"embed.css":  "site/embed.css",
	} {
		data, err := os.ReadFile(filepath.Join(in.Root, filepath.FromSlash(name)))
		if err != nil {
			return nil, fmt.Errorf("site build: %w", err)
		}
		files[rel] = data
	}
	if err := checkNoInline("site/embed.html", string(files["embed.html"])); err != nil {
		return nil, err
	}
	files[trustKeysFile] = []byte(in.TrustKeys)
	return files, nil
}

// fromWidgetDir rewrites a URL relative to the site's root as one relative
// to widget/; absolute and root-relative URLs stay.
func fromWidgetDir(u string) string {
	if u == "" || strings.HasPrefix(u, "/") {
		return u
	}
	if p, err := url.Parse(u); err == nil && p.IsAbs() {
		return u
	}
	return "../" + strings.TrimPrefix(u, "./")
}

// checkNoInline fails for a page with inline script or style, which the
// Content-Security-Policy forbids.
func checkNoInline(name, html string) error {
	lower := strings.ToLower(html)
	for _, bad := range []string{"<script>", "<style", " style=", " onclick=", " onload=", "javascript:"} {
		if strings.Contains(lower, bad) {
			return fmt.Errorf("site build: %s has inline script or style (%q), which the CSP forbids", name, strings.TrimSpace(bad))
		}
	}
	return nil
}
