package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/evanw/esbuild/pkg/api"
	"github.com/passcheck/passcheck/trustlist"
)

func init() {
	register(&command{
		Name:      "site build",
		UsageLine: "site build [--trustlist-url URL] [--trust-key PUB.pem]... [--kiosk [--kiosk-hold 5s]] [--out DIR] [--src DIR]\n       site build --single-file --trustlist DIR|BUNDLE --trust-key PUB.pem... [--kiosk] --out FILE.html",
		Short:     "build the scanner site into a folder any static host serves",
		Long: `
Site build bundles the scanner page (site/ in the source tree): the page, its
scripts and styles (minified, with content-hashed names), the WebAssembly
verifier (built with the go command that runs this one), Go's wasm_exec.js,
the service worker, the manifest and the icons, the string tables of every
language and the display names of the EU value sets. The publisher keys given
with --trust-key are pinned into the build: the page trusts only trust lists
signed by one of them. Files are also written pre-compressed (.br, .gz) for
hosts that serve them, as "passcheck serve" does. The build also writes the
<passcheck-verifier> widget (widget/passcheck-verifier.js and its .d.ts),
an example page embed.html, and the pinned keys as trust-keys.pem.

The trust list itself is not part of the build: publish it with "passcheck
trustlist build --out DIR" into the same folder (the default --trustlist-url
is trustlist.json beside the page) or anywhere else (give its URL; the page's
Content-Security-Policy then allows that origin).

Flags:
  --out DIR            the output folder (default dist); files of an earlier
                       site build there are replaced, other files are kept
  --trustlist-url URL  the trust list's pointer, relative to the page or
                       absolute (default trustlist.json)
  --trust-key PUB.pem  a publisher public key (PEM); repeat for key rotation
  --src DIR            the passcheck source tree (default: found from the
                       current directory)
  --kiosk              start the page as a kiosk: continuous scanning, each
                       verdict held then cleared, counter, clock, wake lock
                       (?kiosk=0 turns it off; without it, ?kiosk turns it on)
  --kiosk-hold D       how long a kiosk holds a verdict (default 5s, 1s–5m)
  --single-file        write one HTML file (--out FILE.html) that carries the
                       module, the page and the trust list given with
                       --trustlist, and works from file:// with no server
                       and no network; newer lists are dropped onto it
  --trustlist PATH     with --single-file: the trust list to carry, a folder
                       with trustlist.json or a bundle file
  --wasm FILE          use this module (e.g. dist/passcheck.wasm from make
                       wasm) instead of building one

Example:

	passcheck trustlist keygen --key publisher.key --pub publisher.pem
	passcheck site build --trust-key publisher.pem --out dist
	passcheck trustlist build --key publisher.key --dsc certs/ --out dist
	passcheck serve --dir dist

	passcheck site build --single-file --kiosk --trust-key publisher.pem --trustlist dist --out kiosk.html

Kiosk set-up, the single-file workflow and the widget: docs/kiosk.md.
`,
		Run: runSiteBuild,
	})
}

func runSiteBuild(e *env, args []string) int {
	c := commands["site build"]
	flags := newFlagSet(e, c)
	var keys stringList
	out := flags.String("out", "dist", "output folder")
	tl := flags.String("trustlist-url", defaultTrustListURL, "URL of the trust list's pointer")
	src := flags.String("src", "", "the passcheck source tree")
	flags.Var(&keys, "trust-key", "publisher public key PEM (repeatable)")
	kiosk := flags.Bool("kiosk", false, "start the page as a kiosk")
	hold := flags.Duration("kiosk-hold", 0, "how long a kiosk holds a verdict (default 5s)")
	single := flags.Bool("single-file", false, "write one HTML file that works from file://")
	bundlePath := flags.String("trustlist", "", "with --single-file: the trust list to carry (folder or bundle)")
	wasmFile := flags.String("wasm", "", "a module built already (make wasm) instead of building one")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *hold != 0 && (*hold < time.Second || *hold > 5*time.Minute) {
		errorf(e, "--kiosk-hold %v: give 1s to 5m", *hold)
		return 2
	}
	if flags.NArg() > 0 {
		errorf(e, "site build takes no arguments, got %q", flags.Args())
		return 2
	}
	if len(keys) == 0 {
		errorf(e, "no --trust-key: the page would trust no trust list")
		hintf(e, "make a publisher key with: passcheck trustlist keygen --key publisher.key --pub publisher.pem")
		return 2
	}
	opts := siteOptions{Out: *out, TrustListURL: *tl, Root: *src, Kiosk: *kiosk, KioskHold: *hold, WasmFile: *wasmFile}
	for _, k := range keys {
		data, err := os.ReadFile(k)
		if err != nil {
			errorf(e, "%v", err)
			return 2
		}
		opts.TrustKeysPEM = append(opts.TrustKeysPEM, data)
	}
	if *single {
		return runSingleFileBuild(e, opts, *bundlePath)
	}
	if *bundlePath != "" {
		errorf(e, "--trustlist is for --single-file; a site build fetches the list from --trustlist-url")
		return 2
	}
	m, err := buildSite(opts)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	fmt.Fprintf(e.stdout, "site: wrote %d files to %s (page %s, module %s: %s, %s brotli)\n",
		len(m.Files), *out, m.Assets["index.html"], m.Assets["passcheck.wasm"],
		byteSize(m.Sizes[m.Assets["passcheck.wasm"]]), byteSize(m.Sizes[m.Assets["passcheck.wasm"]+".br"]))
	return 0
}

const (
	defaultTrustListURL = "trustlist.json"
	siteManifestName    = "passcheck-site.json"
	modulePath          = "github.com/passcheck/passcheck"
	// compressMin: smaller files are not worth a pre-compressed copy.
	compressMin = 512
	// trustGrace is how long past its expiry the page still reads a list.
	trustGrace = 30 * 24 * time.Hour
)

// siteOptions describe a site build. Later modes (kiosk, single file) add
// fields here and branches in buildSite.
type siteOptions struct {
	Root         string        // the source tree (site/, spec/valuesets/, wasm/); "" finds it from the working directory
	Out          string        // the output folder
	TrustListURL string        // the trust list's pointer, relative to the page or absolute; "" means trustlist.json
	TrustKeysPEM [][]byte      // publisher public keys pinned into the page
	Version      string        // shown on the page; "" means the command's version
	WasmFile     string        // a prebuilt module to use instead of building one (tests)
	NoCompress   bool          // skip the .br and .gz copies
	Kiosk        bool          // start the page as a kiosk (?kiosk=0 turns it off)
	KioskHold    time.Duration // how long a kiosk holds a verdict; 0 means the page's default
}

// siteManifest is written as passcheck-site.json beside the page: what the
// build wrote, read by "passcheck serve" (for the trust-list origin of the
// Content-Security-Policy) and by the next build (to remove stale files).
type siteManifest struct {
	Version         string            `json:"version"`
	BuildID         string            `json:"buildId"`
	TrustListURL    string            `json:"trustListURL"`
	TrustListOrigin string            `json:"trustListOrigin"` // "" when the trust list is on the page's origin
	Assets          map[string]string `json:"assets"`          // logical name → path in the folder
	Files           []string          `json:"files"`           // every file written, slash-separated
	Sizes           map[string]int    `json:"sizes"`           // bytes of each file
}

// buildSite builds the site into o.Out and returns what it wrote.
func buildSite(o siteOptions) (*siteManifest, error) {
	if o.TrustListURL == "" {
		o.TrustListURL = defaultTrustListURL
	}
	if o.Version == "" {
		o.Version = version()
	}
	if len(o.TrustKeysPEM) == 0 {
		return nil, errors.New("site build: no publisher key to pin")
	}
	pems, err := checkPinnedKeys(o.TrustKeysPEM)
	if err != nil {
		return nil, err
	}
	origin, err := trustListOrigin(o.TrustListURL)
	if err != nil {
		return nil, err
	}
	root := o.Root
	if root == "" {
		if root, err = findSourceRoot(); err != nil {
			return nil, err
		}
	}
	root, err = filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	siteDir := filepath.Join(root, "site")
	if _, err := os.Stat(filepath.Join(siteDir, "index.html")); err != nil {
		return nil, fmt.Errorf("site build: %s is not the passcheck source tree: %w", root, err)
	}

	b := &siteBuilder{out: o.Out, files: map[string][]byte{}, m: &siteManifest{
		Version: o.Version, TrustListURL: o.TrustListURL, TrustListOrigin: origin,
		Assets: map[string]string{}, Sizes: map[string]int{},
	}}

	// The WebAssembly module and Go's glue.
	in, err := readSiteInputs(root, o.WasmFile)
	if err != nil {
		return nil, err
	}
	wasmPath := b.addHashed("passcheck.wasm", "assets/passcheck", ".wasm", in.wasm)
	wasmExecFile := in.wasmExec
	wasmExec, err := os.ReadFile(wasmExecFile)
	if err != nil {
		return nil, fmt.Errorf("site build: Go's wasm_exec.js: %w", err)
	}
	b.add("wasm_exec.js", "wasm_exec.js", wasmExec)
	langs, sets := in.langs, in.sets
	buildConfig := map[string]any{
		"config": map[string]any{
			"version":      o.Version,
			"wasmURL":      wasmPath,
			"trustListURL": o.TrustListURL,
			"trustKeys":    strings.Join(pems, ""),
			// A list up to this far past its expiry still checks signatures
			// (with a TRUSTLIST_EXPIRED warning): the page shows "cannot
			// check" in amber, with the signature's outcome as extra reasons.
			"graceSeconds": trustGrace.Seconds(),
			// Kiosk mode by default (kiosk.js reads ?kiosk too).
			"kiosk":            o.Kiosk,
			"kioskHoldSeconds": o.KioskHold.Seconds(),
		},
		"languages": langs,
		"valueSets": sets,
	}

	// The page's script and style.
	res := api.Build(api.BuildOptions{
		AbsWorkingDir:     root,
		EntryPoints:       []string{"site/js/app.js", "site/css/app.css"},
		Bundle:            true,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Format:            api.FormatESModule,
		Target:            api.ES2020,
		Outdir:            filepath.Join(root, "site-out"), // virtual: Write is false
		EntryNames:        "assets/[name]-[hash]",
		AssetNames:        "assets/[name]-[hash]",
		ChunkNames:        "assets/chunk-[hash]",
		Metafile:          true,
		Write:             false,
		LogLevel:          api.LogLevelSilent,
		Charset:           api.CharsetUTF8,
		Plugins:           []api.Plugin{virtualModules(map[string]map[string]any{"passcheck:build": buildConfig}, wasmExecFile)},
	})
	if err := esbuildErrors("page", res); err != nil {
		return nil, err
	}
	entries, err := b.addESBuild(res, filepath.Join(root, "site-out"))
	if err != nil {
		return nil, err
	}
	appJS, appCSS := entries["site/js/app.js"], entries["site/css/app.css"]
	if appJS == "" || appCSS == "" {
		return nil, fmt.Errorf("site build: esbuild wrote no app.js or app.css (%v)", entries)
	}
	b.m.Assets["app.js"], b.m.Assets["app.css"] = appJS, appCSS

	// The public ES module, under a stable name, for pages that embed the
	// verifier (with its TypeScript declarations).
	if _, err := os.Stat(filepath.Join(siteDir, "js", "passcheck.js")); err == nil {
		res := api.Build(api.BuildOptions{
			AbsWorkingDir: root, EntryPoints: []string{"site/js/passcheck.js"},
			Bundle: true, MinifyWhitespace: true, MinifySyntax: true, MinifyIdentifiers: true,
			Format: api.FormatESModule, Target: api.ES2020, Outfile: filepath.Join(root, "site-out", "passcheck.js"),
			Write: false, LogLevel: api.LogLevelSilent, Charset: api.CharsetUTF8,
			Plugins: []api.Plugin{virtualModules(nil, wasmExecFile)},
		})
		if err := esbuildErrors("passcheck.js", res); err != nil {
			return nil, err
		}
		if _, err := b.addESBuild(res, filepath.Join(root, "site-out")); err != nil {
			return nil, err
		}
		if dts, err := os.ReadFile(filepath.Join(siteDir, "js", "passcheck.d.ts")); err == nil {
			b.add("passcheck.d.ts", "passcheck.d.ts", dts)
		}
	}

	// The widget, its declarations, the example page and the pinned keys.
	widget, err := widgetFiles(widgetInput{
		Root: root, WasmExec: wasmExecFile, WasmPath: wasmPath, TrustListURL: o.TrustListURL,
		TrustKeys: strings.Join(pems, ""), GraceSeconds: trustGrace.Seconds(), Version: o.Version,
		Languages: langs, ValueSets: sets,
	})
	if err != nil {
		return nil, err
	}
	for _, rel := range sortedKeys(widget) {
		b.add(rel, rel, widget[rel])
	}

	// Static files, icons and the manifest.
	for _, name := range []string{"manifest.webmanifest", "icon.svg"} {
		data, err := os.ReadFile(filepath.Join(siteDir, name))
		if err != nil {
			return nil, fmt.Errorf("site build: %w", err)
		}
		b.add(name, name, data)
	}
	for _, size := range []int{192, 512} {
		name := fmt.Sprintf("icon-%d.png", size)
		b.add(name, name, iconPNG(size))
	}

	// The page.
	html, err := os.ReadFile(filepath.Join(siteDir, "index.html"))
	if err != nil {
		return nil, err
	}
	page, err := rewritePage(string(html), pageAssets{JS: appJS, CSS: appCSS, Wasm: wasmPath, CSP: contentSecurityPolicy(origin, true)})
	if err != nil {
		return nil, err
	}
	b.add("index.html", "index.html", []byte(page))

	// The service worker, under a stable name at the root (its scope).
	precache := []string{"index.html", appJS, appCSS, wasmPath, "manifest.webmanifest", "icon.svg", "icon-192.png", "icon-512.png"}
	for _, f := range b.order {
		if strings.HasPrefix(f, "assets/chunk-") {
			precache = append(precache, f)
		}
	}
	sum := sha256.New()
	for _, p := range precache {
		fmt.Fprintf(sum, "%s\n", p)
		sum.Write(b.files[p])
	}
	b.m.BuildID = hex.EncodeToString(sum.Sum(nil))[:16]
	swRes := api.Build(api.BuildOptions{
		AbsWorkingDir: root, EntryPoints: []string{"site/sw.js"},
		Bundle: true, MinifyWhitespace: true, MinifySyntax: true, MinifyIdentifiers: true,
		Format: api.FormatIIFE, Target: api.ES2020, Outfile: filepath.Join(root, "site-out", "sw.js"),
		Write: false, LogLevel: api.LogLevelSilent, Charset: api.CharsetUTF8,
		Plugins: []api.Plugin{virtualModules(map[string]map[string]any{"passcheck:sw": {
			"precache": precache, "buildId": b.m.BuildID, "trustListURL": o.TrustListURL,
		}}, "")},
	})
	if err := esbuildErrors("sw.js", swRes); err != nil {
		return nil, err
	}
	if _, err := b.addESBuild(swRes, filepath.Join(root, "site-out")); err != nil {
		return nil, err
	}

	return b.m, b.write(!o.NoCompress)
}

// siteBuilder collects the output files in memory, then writes them.
type siteBuilder struct {
	out   string
	files map[string][]byte // slash path → content
	order []string
	m     *siteManifest
}

func (b *siteBuilder) add(logical, rel string, data []byte) {
	if _, dup := b.files[rel]; !dup {
		b.order = append(b.order, rel)
	}
	b.files[rel] = data
	b.m.Assets[logical] = rel
}

// addHashed adds data under prefix-<hash>ext and returns that path.
func (b *siteBuilder) addHashed(logical, prefix, ext string, data []byte) string {
	sum := sha256.Sum256(data)
	rel := prefix + "-" + hex.EncodeToString(sum[:])[:16] + ext
	b.add(logical, rel, data)
	return rel
}

// addESBuild adds esbuild's output files and returns entry point → output path.
func (b *siteBuilder) addESBuild(res api.BuildResult, outdir string) (map[string]string, error) {
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

// write replaces the files of an earlier site build in b.out with b's.
func (b *siteBuilder) write(compress bool) error {
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return err
	}
	if old, err := readSiteManifest(b.out); err == nil {
		for _, f := range old.Files {
			if !fs.ValidPath(f) {
				continue
			}
			os.Remove(filepath.Join(b.out, filepath.FromSlash(f)))
		}
	}
	var written []string
	put := func(rel string, data []byte) error {
		p := filepath.Join(b.out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		written = append(written, rel)
		b.m.Sizes[rel] = len(data)
		return nil
	}
	for _, rel := range b.order {
		data := b.files[rel]
		if err := put(rel, data); err != nil {
			return err
		}
		if !compress || len(data) < compressMin || !compressible(rel) {
			continue
		}
		gz, br, err := precompress(data)
		if err != nil {
			return fmt.Errorf("site build: compress %s: %w", rel, err)
		}
		if err := put(rel+".gz", gz); err != nil {
			return err
		}
		if err := put(rel+".br", br); err != nil {
			return err
		}
	}
	sort.Strings(written)
	b.m.Files = append(written, siteManifestName)
	data, err := json.MarshalIndent(b.m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.out, siteManifestName), append(data, '\n'), 0o644)
}

func readSiteManifest(dir string) (*siteManifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, siteManifestName))
	if err != nil {
		return nil, err
	}
	var m siteManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, siteManifestName), err)
	}
	return &m, nil
}

func compressible(name string) bool {
	switch path.Ext(name) {
	case ".html", ".js", ".css", ".wasm", ".json", ".svg", ".webmanifest", ".ts":
		return true
	}
	return false
}

// precompress returns data gzipped (level 9) and brotli-compressed (quality
// 11 for small files; 9 above 1 MB, where 11 costs seconds for a few percent).
func precompress(data []byte) (gz, br []byte, err error) {
	var g bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&g, gzip.BestCompression)
	if _, err := zw.Write(data); err != nil {
		return nil, nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	q := brotli.BestCompression
	if len(data) > 1<<20 {
		q = 9
	}
	var bb bytes.Buffer
	bw := brotli.NewWriterOptions(&bb, brotli.WriterOptions{Quality: q, LGWin: 22})
	if _, err := bw.Write(data); err != nil {
		return nil, nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, nil, err
	}
	return g.Bytes(), bb.Bytes(), nil
}

// trustListOrigin returns the origin of an absolute trust-list URL, or ""
// for a URL relative to the page.
func trustListOrigin(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("site build: --trustlist-url %q: %w", raw, err)
	}
	if !u.IsAbs() {
		if u.Host != "" || strings.HasPrefix(raw, "//") {
			return "", fmt.Errorf("site build: --trustlist-url %q: give a scheme (https://…) or a relative path", raw)
		}
		return "", nil
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopbackHost(u.Hostname())) {
		return "", fmt.Errorf("site build: --trustlist-url %q: must be https (or http on localhost)", raw)
	}
	if u.Host == "" || strings.ContainsAny(u.Host, " ;,'\"") {
		return "", fmt.Errorf("site build: --trustlist-url %q: bad host", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

func isLoopbackHost(h string) bool {
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// contentSecurityPolicy is the policy of the page: no inline script, no
// third-party origin; connect-src adds the trust list's origin when it is
// elsewhere. meta leaves out what a <meta> element may not carry.
func contentSecurityPolicy(trustOrigin string, meta bool) string {
	connect := "'self'"
	if trustOrigin != "" {
		connect += " " + trustOrigin
	}
	parts := []string{
		"default-src 'none'",
		"script-src 'self' 'wasm-unsafe-eval'",
		"connect-src " + connect,
		"img-src 'self' blob: data:",
		"style-src 'self'",
		"media-src 'self' blob:",
		"manifest-src 'self'",
		"worker-src 'self'",
	}
	if !meta {
		parts = append(parts, "frame-ancestors 'none'")
	}
	parts = append(parts, "base-uri 'none'", "form-action 'none'")
	return strings.Join(parts, "; ")
}

type pageAssets struct{ JS, CSS, Wasm, CSP string }

// rewritePage puts the hashed asset names and the CSP into the page source.
// Each marker must be there exactly once, so that a change to index.html
// cannot silently ship a page that loads the unbundled sources.
func rewritePage(html string, a pageAssets) (string, error) {
	head := fmt.Sprintf(`<meta http-equiv="Content-Security-Policy" content="%s">
<link rel="modulepreload" href="%s">
<link rel="preload" href="%s" as="fetch" type="application/wasm" crossorigin>`, a.CSP, a.JS, a.Wasm)
	for _, r := range []struct{ old, new string }{
		{"<!--PASSCHECK_HEAD-->", head},
		{`<link rel="stylesheet" href="css/app.css">`, fmt.Sprintf(`<link rel="stylesheet" href="%s">`, a.CSS)},
		{`<script type="module" src="js/app.js"></script>`, fmt.Sprintf(`<script type="module" src="%s"></script>`, a.JS)},
	} {
		if n := strings.Count(html, r.old); n != 1 {
			return "", fmt.Errorf("site build: site/index.html has %d of %q, want 1", n, r.old)
		}
		html = strings.Replace(html, r.old, r.new, 1)
	}
	html = strings.Replace(html, "<!-- The build replaces the PASSCHECK_* markers below with the hashed assets and the CSP. -->\n", "", 1)
	if strings.Contains(html, "<script>") || strings.Contains(html, " style=") {
		return "", errors.New("site build: site/index.html has inline script or style, which the CSP forbids")
	}
	return html, nil
}

// virtualModules is an esbuild plugin that serves build-time data as ES
// modules ("passcheck:build" → export const config = …; …) and resolves
// Go's wasm_exec.js from GOROOT.
func virtualModules(mods map[string]map[string]any, wasmExec string) api.Plugin {
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
				var src strings.Builder
				keys := make([]string, 0, len(mods[a.Path]))
				for k := range mods[a.Path] {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					v, err := json.Marshal(mods[a.Path][k])
					if err != nil {
						return api.OnLoadResult{}, err
					}
					fmt.Fprintf(&src, "export const %s = %s;\n", k, v)
				}
				s := src.String()
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

func esbuildErrors(what string, res api.BuildResult) error {
	if len(res.Errors) == 0 {
		return nil
	}
	var msgs []string
	for _, m := range res.Errors {
		s := m.Text
		if m.Location != nil {
			s = fmt.Sprintf("%s:%d:%d: %s", m.Location.File, m.Location.Line, m.Location.Column, m.Text)
		}
		msgs = append(msgs, s)
	}
	return fmt.Errorf("site build: esbuild (%s): %s", what, strings.Join(msgs, "; "))
}

// goCommand is the go command to build the module with: the one on PATH
// (the one running "go run"), else the toolchain this binary was built by.
// siteInputs is what every site build reads besides the page sources: the
// WebAssembly module, Go's wasm_exec.js, the string tables and the value sets.
type siteInputs struct {
	wasm     []byte
	wasmExec string // the path of Go's wasm_exec.js
	langs    map[string]map[string]string
	sets     map[string]map[string]string
}

// readSiteInputs builds (or reads, with prebuilt) the module and reads the
// rest of siteInputs from the source tree at root.
func readSiteInputs(root, prebuilt string) (*siteInputs, error) {
	goCmd := goCommand()
	wasm, err := buildWasm(goCmd, root, prebuilt)
	if err != nil {
		return nil, err
	}
	goroot, err := goEnv(goCmd, "GOROOT")
	if err != nil {
		return nil, err
	}
	langs, err := readLanguages(filepath.Join(root, "site", "i18n"))
	if err != nil {
		return nil, err
	}
	sets, err := readValueSets(filepath.Join(root, "spec", "valuesets"))
	if err != nil {
		return nil, err
	}
	return &siteInputs{wasm, filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"), langs, sets}, nil
}

func goCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if gr := runtime.GOROOT(); gr != "" {
		return filepath.Join(gr, "bin", "go")
	}
	return "go"
}

func goEnv(goCmd, name string) (string, error) {
	out, err := exec.Command(goCmd, "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("site build: %s env %s: %w", goCmd, name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// buildWasm builds ./wasm for GOOS=js GOARCH=wasm with the QR decoder,
// small (-trimpath, no symbol tables), and returns the module's bytes.
func buildWasm(goCmd, root, prebuilt string) ([]byte, error) {
	if prebuilt != "" {
		return os.ReadFile(prebuilt)
	}
	tmp, err := os.MkdirTemp("", "passcheck-wasm-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "passcheck.wasm")
	// -tags qr: the page decodes camera frames and uploads with the module's
	// own QR decoder where the browser has no BarcodeDetector (iOS, desktop).
	cmd := exec.Command(goCmd, "build", "-tags", "qr", "-trimpath", "-ldflags=-s -w -buildid=", "-buildvcs=false", "-o", out, "./wasm")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("site build: building the WebAssembly module (GOOS=js GOARCH=wasm go build ./wasm): %v\n%s", err, stderr.String())
	}
	return os.ReadFile(out)
}

// findSourceRoot walks up from the working directory to the passcheck
// module's go.mod.
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
			return "", errors.New("site build: not inside the passcheck source tree (no go.mod of " + modulePath + " above the working directory); give --src")
		}
		dir = parent
	}
}

// readLanguages reads every string table site/i18n/<lang>.json.
func readLanguages(dir string) (map[string]map[string]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var table map[string]string
		if err := json.Unmarshal(data, &table); err != nil {
			return nil, fmt.Errorf("site build: %s: %w", n, err)
		}
		out[strings.TrimSuffix(filepath.Base(n), ".json")] = table
	}
	if _, ok := out["en"]; !ok {
		return nil, fmt.Errorf("site build: %s has no en.json", dir)
	}
	return out, nil
}

// readValueSets reads the EU value sets into set → code → display name. The
// set is the file's name without .json (and without "-example").
func readValueSets(dir string) (map[string]map[string]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("site build: no value sets in %s", dir)
	}
	out := map[string]map[string]string{}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var vs struct {
			Values map[string]struct {
				Display string `json:"display"`
			} `json:"valueSetValues"`
		}
		if err := json.Unmarshal(data, &vs); err != nil {
			return nil, fmt.Errorf("site build: %s: %w", n, err)
		}
		set := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(n), ".json"), "-example")
		m := map[string]string{}
		for code, v := range vs.Values {
			if v.Display != "" {
				m[code] = v.Display
			}
		}
		out[set] = m
	}
	return out, nil
}

// iconPNG draws the app icon (a white tick on the brand colour) at size
// pixels, for the manifest and iOS.
func iconPNG(size int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	brand := color.NRGBA{0x12, 0x35, 0x5b, 0xff}
	s := float64(size) / 64
	segs := [][4]float64{{17, 33, 27, 43}, {27, 43, 48, 21}}
	half := 3.5 * s
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			px, py := (float64(x)+0.5)/s, (float64(y)+0.5)/s
			d := math.Inf(1)
			for _, g := range segs {
				d = math.Min(d, segDist(px, py, g))
			}
			// Anti-aliased edge one pixel wide.
			a := math.Max(0, math.Min(1, half-d*s+0.5))
			c := brand
			c.R = uint8(float64(brand.R)*(1-a) + 255*a)
			c.G = uint8(float64(brand.G)*(1-a) + 255*a)
			c.B = uint8(float64(brand.B)*(1-a) + 255*a)
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func segDist(px, py float64, g [4]float64) float64 {
	dx, dy := g[2]-g[0], g[3]-g[1]
	t := ((px-g[0])*dx + (py-g[1])*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(px-(g[0]+t*dx), py-(g[1]+t*dy))
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkPinnedKeys checks each publisher key (PEM) the build pins and returns
// them trimmed, one PEM text each.
func checkPinnedKeys(keys [][]byte) ([]string, error) {
	var pems []string
	for i, k := range keys {
		if _, err := trustlist.ParsePublicKeysPEM(k); err != nil {
			return nil, fmt.Errorf("site build: publisher key %d: %w", i+1, err)
		}
		pems = append(pems, strings.TrimSpace(string(k))+"\n")
	}
	return pems, nil
}
