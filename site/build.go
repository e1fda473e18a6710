package site

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/evanw/esbuild/pkg/api"
	"github.com/passcheck/passcheck/trustlist"
)

const (
	// DefaultTrustListURL is where the page looks for the trust list's
	// pointer when [Options.TrustListURL] is "": beside the page.
	DefaultTrustListURL = "trustlist.json"
	// ManifestName is the file a build writes beside the page: its
	// [Manifest], as JSON.
	ManifestName = "passcheck-site.json"
	// compressMin: smaller files are not worth a pre-compressed copy.
	compressMin = 512
	// trustGrace is how long past its expiry the page still reads a list.
	trustGrace = 30 * 24 * time.Hour
)

// Options describe a site build.
type Options struct {
	// Out is the output folder. Files of an earlier build there are
	// replaced (the old manifest names them); other files are kept.
	Out string
	// TrustListURL is the trust list's pointer, relative to the page or
	// absolute (https, or http on localhost); "" means
	// [DefaultTrustListURL].
	TrustListURL string
	// TrustKeysPEM are the publisher public keys pinned into the page: it
	// trusts only trust lists signed by one of them. At least one.
	TrustKeysPEM [][]byte
	// Version is shown on the page and stamped into the module; "" means
	// the running program's module version, else git describe of the
	// passcheck checkout around Dir or the working directory, else
	// "devel".
	Version string
	// Dir is a passcheck source tree to build from (the folder of go.mod,
	// with site/ and wasm/); "" means the sources this program carries.
	Dir string
	// WasmFile is a module built already (make wasm) to use instead of
	// compiling one.
	WasmFile string
	// NoCompress skips the pre-compressed .br and .gz copies.
	NoCompress bool
	// Kiosk starts the page as a kiosk (?kiosk=0 turns it off).
	Kiosk bool
	// KioskHold is how long a kiosk holds a verdict; 0 means the page's
	// default.
	KioskHold time.Duration
	// RulesCountry is the pages' default rule country ([Config.RulesCountry]):
	// "" for the EU baseline, "none" for technical check only.
	RulesCountry string
}

// Manifest is what a build wrote, saved as [ManifestName] beside the page:
// [Handler] reads the trust list's origin from it (for the
// Content-Security-Policy), and the next build the files to replace.
type Manifest struct {
	Version         string            `json:"version"`
	BuildID         string            `json:"buildId"`
	TrustListURL    string            `json:"trustListURL"`
	TrustListOrigin string            `json:"trustListOrigin"` // "" when the trust list is on the page's origin
	Assets          map[string]string `json:"assets"`          // logical name → path in the folder
	Files           []string          `json:"files"`           // every file written, slash-separated
	Sizes           map[string]int    `json:"sizes"`           // bytes of each file
}

// Build builds the site into o.Out and returns what it wrote: the page, its
// script and style (minified, with content-hashed names), the WebAssembly
// module (compiled with the go command on PATH unless [Options.WasmFile]
// gives one) and Go's wasm_exec.js, the service worker, the manifest and
// icons, the public ES module passcheck.js, the <passcheck-verifier>
// widget with the example page embed.html, and the pinned keys as
// trust-keys.pem; each compressible file also as .br and .gz. The trust list
// itself is published separately (trustlist/publish).
func Build(o Options) (*Manifest, error) {
	if o.TrustListURL == "" {
		o.TrustListURL = DefaultTrustListURL
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
	t, err := openTree(o.Dir, o.WasmFile == "")
	if err != nil {
		return nil, err
	}
	defer t.close()
	o.Version = resolveVersion(o.Version, o.Dir)
	in, err := t.inputs(o.WasmFile, o.Version)
	if err != nil {
		return nil, err
	}

	b := &builder{out: o.Out, files: map[string][]byte{}, m: &Manifest{
		Version: o.Version, TrustListURL: o.TrustListURL, TrustListOrigin: origin,
		Assets: map[string]string{}, Sizes: map[string]int{},
	}}
	virtualOut := filepath.Join(t.root, "site-out") // esbuild's output folder: virtual, nothing is written

	// The WebAssembly module and Go's glue.
	wasmPath := b.addHashed("passcheck.wasm", "assets/passcheck", ".wasm", in.wasm)
	wasmExec, err := os.ReadFile(in.wasmExec)
	if err != nil {
		return nil, fmt.Errorf("site build: Go's wasm_exec.js: %w", err)
	}
	b.add("wasm_exec.js", "wasm_exec.js", wasmExec)

	// The frame worker: camera frames are decoded there, off the page's
	// thread (a classic worker, so that every browser with workers runs it).
	opts := esbuildOptions(t.root, []string{"site/js/scanworker.js"}, virtualModules(nil, in.wasmExec))
	opts.Format = api.FormatIIFE
	opts.Outfile = filepath.Join(virtualOut, "scanworker.js")
	workerRes, err := runESBuild("scanworker.js", opts)
	if err != nil {
		return nil, err
	}
	if len(workerRes.OutputFiles) != 1 {
		return nil, fmt.Errorf("site build: esbuild wrote %d files for scanworker.js, want 1", len(workerRes.OutputFiles))
	}
	workerPath := b.addHashed("scanworker.js", "assets/scanworker", ".js", workerRes.OutputFiles[0].Contents)

	cfg := in.pageConfig(Config{
		Version:          o.Version,
		WasmURL:          wasmPath,
		FrameWorkerURL:   workerPath,
		TrustListURL:     o.TrustListURL,
		TrustKeys:        strings.Join(pems, ""),
		GraceSeconds:     trustGrace.Seconds(),
		Kiosk:            o.Kiosk,
		KioskHoldSeconds: o.KioskHold.Seconds(),
		RulesCountry:     o.RulesCountry,
	})

	// The page's script and style.
	opts = esbuildOptions(t.root, []string{"site/js/app.js", "site/css/app.css"}, virtualModules(map[string]any{buildModule: cfg}, in.wasmExec))
	opts.Outdir = virtualOut
	opts.EntryNames = "assets/[name]-[hash]"
	opts.AssetNames = "assets/[name]-[hash]"
	opts.ChunkNames = "assets/chunk-[hash]"
	opts.Metafile = true
	res, err := runESBuild("page", opts)
	if err != nil {
		return nil, err
	}
	entries, err := b.addESBuild(res, virtualOut)
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
	if _, err := os.Stat(filepath.Join(t.site(), "js", "passcheck.js")); err == nil {
		opts := esbuildOptions(t.root, []string{"site/js/passcheck.js"}, virtualModules(nil, in.wasmExec))
		opts.Outfile = filepath.Join(virtualOut, "passcheck.js")
		res, err := runESBuild("passcheck.js", opts)
		if err != nil {
			return nil, err
		}
		if _, err := b.addESBuild(res, virtualOut); err != nil {
			return nil, err
		}
		if dts, err := os.ReadFile(filepath.Join(t.site(), "js", "passcheck.d.ts")); err == nil {
			b.add("passcheck.d.ts", "passcheck.d.ts", dts)
		}
	}

	// The widget, its declarations, the example page and the pinned keys.
	widget, err := widgetFiles(t.root, in, cfg, wasmPath)
	if err != nil {
		return nil, err
	}
	for _, rel := range sortedKeys(widget) {
		b.add(rel, rel, widget[rel])
	}

	// Static files, icons and the manifest.
	manifest, err := os.ReadFile(filepath.Join(t.site(), "manifest.webmanifest"))
	if err != nil {
		return nil, fmt.Errorf("site build: %w", err)
	}
	b.add("manifest.webmanifest", "manifest.webmanifest", manifest)
	// The icons are PNGs only (32 px for the page, 192 and 512 for the
	// manifest): Chromium draws an SVG icon, the page's or the manifest's,
	// as an SVG document of its own, 4–18 ms of the page's thread each
	// while the module starts (docs/site.md, "Where a start goes").
	for _, size := range []int{32, 192, 512} {
		name := fmt.Sprintf("icon-%d.png", size)
		b.add(name, name, iconPNG(size))
	}

	// The page.
	html, err := os.ReadFile(filepath.Join(t.site(), "index.html"))
	if err != nil {
		return nil, err
	}
	page, err := rewritePage(string(html), pageAssets{JS: appJS, CSS: appCSS, Wasm: wasmPath, CSP: CSP(origin, true)})
	if err != nil {
		return nil, err
	}
	b.add("index.html", "index.html", []byte(page))

	// The service worker, under a stable name at the root (its scope).
	precache := []string{"index.html", appJS, appCSS, wasmPath, workerPath, "manifest.webmanifest", "icon-32.png", "icon-192.png", "icon-512.png"}
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
	opts = esbuildOptions(t.root, []string{"site/sw.js"}, virtualModules(map[string]any{swModule: swConfig{
		Precache: precache, BuildID: b.m.BuildID, TrustListURL: o.TrustListURL,
	}}, ""))
	opts.Format = api.FormatIIFE
	opts.Outfile = filepath.Join(virtualOut, "sw.js")
	swRes, err := runESBuild("sw.js", opts)
	if err != nil {
		return nil, err
	}
	if _, err := b.addESBuild(swRes, virtualOut); err != nil {
		return nil, err
	}

	// The headers for static hosts that read them from the site.
	b.add(HeadersFile, HeadersFile, staticHeaders(origin, o.TrustListURL))

	return b.m, b.write(!o.NoCompress)
}

// builder collects the output files in memory, then writes them.
type builder struct {
	out   string
	files map[string][]byte // slash path → content
	order []string
	m     *Manifest
}

func (b *builder) add(logical, rel string, data []byte) {
	if _, dup := b.files[rel]; !dup {
		b.order = append(b.order, rel)
	}
	b.files[rel] = data
	b.m.Assets[logical] = rel
}

// addHashed adds data under prefix-<hash>ext and returns that path.
func (b *builder) addHashed(logical, prefix, ext string, data []byte) string {
	sum := sha256.Sum256(data)
	rel := prefix + "-" + hex.EncodeToString(sum[:])[:16] + ext
	b.add(logical, rel, data)
	return rel
}

// write replaces the files of an earlier site build in b.out with b's.
func (b *builder) write(compress bool) error {
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return err
	}
	if old, err := ReadManifest(b.out); err == nil {
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
	b.m.Files = append(written, ManifestName)
	data, err := json.MarshalIndent(b.m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.out, ManifestName), append(data, '\n'), 0o644)
}

// ReadManifest reads the [Manifest] of the site built into dir.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestName), err)
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

// precompress returns data gzipped (level 9) and brotli-compressed
// (quality 11, 16 MiB window: what a browser that takes brotli receives;
// for the module, 1.18 MB where quality 9 gave 1.33).
func precompress(data []byte) (gz, br []byte, err error) {
	var g bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&g, gzip.BestCompression)
	if _, err := zw.Write(data); err != nil {
		return nil, nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	if len(data) > 1<<20 {
		br, err = brotliCached(data)
	} else {
		br, err = brotliBest(data)
	}
	return g.Bytes(), br, err
}

func brotliBest(data []byte) ([]byte, error) {
	var bb bytes.Buffer
	bw := brotli.NewWriterOptions(&bb, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 24})
	if _, err := bw.Write(data); err != nil {
		return nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, err
	}
	return bb.Bytes(), nil
}

// userCacheDir is where brotliCached keeps its copies (a test's folder in
// tests).
var userCacheDir = os.UserCacheDir

// brotliCached is brotliBest for a large file (the module: about 20 s of
// compressing), through a cache in the user's cache folder
// (passcheck/brotli, named by the data's SHA-256): a site built again from
// the same module takes its copy from there. A cached copy is used only
// when it decompresses to data; without a cache folder, or when the copy
// cannot be written, the build compresses as usual.
func brotliCached(data []byte) ([]byte, error) {
	sum := sha256.Sum256(data)
	var file string
	if dir, err := userCacheDir(); err == nil {
		file = filepath.Join(dir, "passcheck", "brotli", hex.EncodeToString(sum[:])+"-q11w24.br")
		if br, err := os.ReadFile(file); err == nil {
			back, err := io.ReadAll(io.LimitReader(brotli.NewReader(bytes.NewReader(br)), int64(len(data))+1))
			if err == nil && bytes.Equal(back, data) {
				return br, nil
			}
		}
	}
	br, err := brotliBest(data)
	if err != nil || file == "" {
		return br, err
	}
	if os.MkdirAll(filepath.Dir(file), 0o755) == nil {
		tmp := fmt.Sprintf("%s.%d.tmp", file, os.Getpid())
		if err := os.WriteFile(tmp, br, 0o644); err != nil || os.Rename(tmp, file) != nil {
			os.Remove(tmp)
		}
	}
	return br, nil
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
