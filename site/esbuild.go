package site

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// The virtual modules the build serves to the JavaScript it bundles.
const (
	buildModule = "passcheck:build" // a [PageConfig]
	swModule    = "passcheck:sw"    // a swConfig
)

// esbuildOptions is the one esbuild configuration of every bundle the build
// makes (the page, the single-file page, passcheck.js, the widget, the
// service worker): entries bundled from root, minified, ES2020, UTF-8, as
// an ES module, kept in memory, with plugin. Callers set the output names
// (Outdir or Outfile) and change the format where they need to.
func esbuildOptions(root string, entries []string, plugin api.Plugin) api.BuildOptions {
	return api.BuildOptions{
		AbsWorkingDir:     root,
		EntryPoints:       entries,
		Bundle:            true,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Format:            api.FormatESModule,
		Target:            api.ES2020,
		Write:             false,
		LogLevel:          api.LogLevelSilent,
		Charset:           api.CharsetUTF8,
		Plugins:           []api.Plugin{plugin},
	}
}

// runESBuild runs esbuild with o; what names the bundle in errors.
func runESBuild(what string, o api.BuildOptions) (api.BuildResult, error) {
	res := api.Build(o)
	if len(res.Errors) == 0 {
		return res, nil
	}
	var msgs []string
	for _, m := range res.Errors {
		s := m.Text
		if m.Location != nil {
			s = fmt.Sprintf("%s:%d:%d: %s", m.Location.File, m.Location.Line, m.Location.Column, m.Text)
		}
		msgs = append(msgs, s)
	}
	return res, fmt.Errorf("site build: esbuild (%s): %s", what, strings.Join(msgs, "; "))
}

// virtualModules is an esbuild plugin that serves build-time data as ES
// modules: each value of mods (a struct, such as a [PageConfig]) becomes a
// module with one export per JSON field ("passcheck:build" → export const
// config = …; …), in the order of their names. It also resolves Go's
// wasm_exec.js to the file wasmExec, unless a file of that name sits beside
// the importer.
func virtualModules(mods map[string]any, wasmExec string) api.Plugin {
	return api.Plugin{
		Name: "passcheck",
		Setup: func(pb api.PluginBuild) {
			pb.OnResolve(api.OnResolveOptions{Filter: `^passcheck:`}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
				if _, ok := mods[a.Path]; !ok {
					return api.OnResolveResult{}, fmt.Errorf("unknown build module %q", a.Path)
				}
				return api.OnResolveResult{Path: a.Path, Namespace: "passcheck"}, nil
			})
			pb.OnLoad(api.OnLoadOptions{Filter: `.*`, Namespace: "passcheck"}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
				s, err := moduleSource(mods[a.Path])
				if err != nil {
					return api.OnLoadResult{}, fmt.Errorf("%s: %w", a.Path, err)
				}
				return api.OnLoadResult{Contents: &s, Loader: api.LoaderJS}, nil
			})
			if wasmExec != "" {
				pb.OnResolve(api.OnResolveOptions{Filter: `(^|/)wasm_exec\.js$`}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
					local := filepath.Join(a.ResolveDir, a.Path)
					if _, err := os.Stat(local); err == nil {
						return api.OnResolveResult{Path: local}, nil
					}
					return api.OnResolveResult{Path: wasmExec}, nil
				})
			}
		},
	}
}

// moduleSource is the JavaScript of a virtual module: one export per JSON
// field of v, sorted by name.
func moduleSource(v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return "", fmt.Errorf("not an object: %w", err)
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	var src strings.Builder
	for _, k := range names {
		fmt.Fprintf(&src, "export const %s = %s;\n", k, fields[k])
	}
	return src.String(), nil
}

// addESBuild adds esbuild's output files (paths under outdir) and returns
// entry point → output path.
func (b *builder) addESBuild(res api.BuildResult, outdir string) (map[string]string, error) {
	for _, f := range res.OutputFiles {
		rel, err := filepath.Rel(outdir, f.Path)
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, fmt.Errorf("site build: esbuild output %s outside the folder", f.Path)
		}
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, ".map") {
			continue
		}
		b.add(rel, rel, f.Contents)
	}
	var meta struct {
		Outputs map[string]struct {
			EntryPoint string `json:"entryPoint"`
		} `json:"outputs"`
	}
	entries := map[string]string{}
	if res.Metafile == "" {
		return entries, nil
	}
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil {
		return nil, fmt.Errorf("site build: esbuild metafile: %w", err)
	}
	for out, o := range meta.Outputs {
		if o.EntryPoint == "" {
			continue
		}
		rel, err := filepath.Rel(outdir, filepath.Join(filepath.Dir(outdir), out))
		if err != nil {
			return nil, err
		}
		entries[o.EntryPoint] = filepath.ToSlash(rel)
	}
	return entries, nil
}
