package site

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// The widget: the <passcheck-verifier> custom element (site/widget/), built
// under a stable name so that other pages can load it, with its TypeScript
// declarations, and the example page embed.html.

const (
	// WidgetJS is where a build writes the <passcheck-verifier> widget.
	WidgetJS = "widget/passcheck-verifier.js"
	// WidgetDTS is where a build writes the widget's TypeScript declarations.
	WidgetDTS = "widget/passcheck-verifier.d.ts"
	// TrustKeysFile holds the publisher keys pinned into the build, for
	// pages that give the widget trust-keys="trust-keys.pem".
	TrustKeysFile = "trust-keys.pem"
)

// widgetFiles bundles the widget with everything it imports (the ES module,
// Go's wasm_exec.js, the string tables and value sets) and returns the
// output files: slash path in the site folder → content. The build's module,
// trust list and keys (page's config) become the widget's defaults, with
// URLs relative to the widget file.
func widgetFiles(root string, in *inputs, page PageConfig, wasmPath string) (map[string][]byte, error) {
	if _, err := os.Stat(filepath.Join(root, "site", "widget", "passcheck-verifier.js")); err != nil {
		return nil, fmt.Errorf("site build: the widget: %w", err)
	}
	cfg := page
	cfg.Config = Config{
		Version:      page.Config.Version,
		WasmURL:      fromWidgetDir(wasmPath),
		TrustListURL: fromWidgetDir(page.Config.TrustListURL),
		TrustKeys:    page.Config.TrustKeys,
		GraceSeconds: page.Config.GraceSeconds,
	}
	outdir := filepath.Join(root, "site-out")
	opts := esbuildOptions(root, []string{"site/widget/passcheck-verifier.js"}, virtualModules(map[string]any{buildModule: cfg}, in.wasmExec))
	opts.Outfile = filepath.Join(outdir, filepath.FromSlash(WidgetJS))
	res, err := runESBuild("widget", opts)
	if err != nil {
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
	if files[WidgetJS] == nil {
		return nil, fmt.Errorf("site build: esbuild wrote no %s", WidgetJS)
	}
	for rel, name := range map[string]string{
		WidgetDTS:    "site/widget/passcheck-verifier.d.ts",
		"embed.html": "site/embed.html",
		"embed.js":   "site/embed.js",
		"embed.css":  "site/embed.css",
	} {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			return nil, fmt.Errorf("site build: %w", err)
		}
		files[rel] = data
	}
	if err := checkNoInline("site/embed.html", string(files["embed.html"])); err != nil {
		return nil, err
	}
	// The example page carries the policy too, for hosts that send none
	// (the _headers file adds frame-ancestors where hosts read it).
	origin, err := trustListOrigin(page.Config.TrustListURL)
	if err != nil {
		return nil, err
	}
	const marker = `<meta name="referrer" content="no-referrer">`
	if strings.Count(string(files["embed.html"]), marker) != 1 {
		return nil, fmt.Errorf("site build: site/embed.html has no single %s", marker)
	}
	files["embed.html"] = []byte(strings.Replace(string(files["embed.html"]), marker,
		marker+"\n"+`<meta http-equiv="Content-Security-Policy" content="`+CSP(origin, true)+`">`, 1))
	files[TrustKeysFile] = []byte(page.Config.TrustKeys)
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
