package site

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
)

// The single-file page: the scanner page as one HTML file that works from
// file:// (a local disk, a USB stick) with no server and no network. The
// WebAssembly module (gzip, base64) and the trust list (base64) sit in
// <script type="application/octet-stream"> blocks, which browsers never
// execute; the page's one script and one style are inline, allowed by their
// SHA-256 in the Content-Security-Policy.

const (
	// SingleFileWasmID is the id of the single-file page's element that
	// carries the module (gzip, base64).
	SingleFileWasmID = "passcheck-wasm"
	// SingleFileTrustListID is the id of the single-file page's element
	// that carries the trust list (base64).
	SingleFileTrustListID = "passcheck-trustlist"
	// SingleFileRevocationsID is the id of the element that carries the
	// revocation index (base64; data-parts: how many parts follow), and,
	// with "-<i>" after it, of the element of its i-th part. The page
	// (offline.js startRevocations) reads them; without them every pass is
	// amber (REVOCATION_STALE).
	SingleFileRevocationsID = "passcheck-revocations"
)

// SingleFileOptions describe a single-file build.
type SingleFileOptions struct {
	Out          string   // the HTML file to write
	TrustKeysPEM [][]byte // publisher public keys pinned into the page
	Bundle       []byte   // the trust list to carry, signed by one of TrustKeysPEM
	// RevocationIndex and RevocationParts are the revocation data to carry
	// (the index and its parts, in its order), checked by the page against
	// TrustKeysPEM. Without them the page has no revocation list: every
	// pass is amber (REVOCATION_STALE) until a page that carries one is used.
	RevocationIndex []byte
	RevocationParts [][]byte
	Version         string // as [Options.Version]
	Dir             string // as [Options.Dir]
	WasmFile        string // as [Options.WasmFile]
	Kiosk           bool   // start as a kiosk (?kiosk=0 turns it off)
	KioskHold       time.Duration
	RulesCountry    string    // the default rule country (Options.RulesCountry)
	Now             time.Time // the clock for checking the bundle; zero means now
}

// SingleFileInfo is what [BuildSingleFile] wrote.
type SingleFileInfo struct {
	Size          int // bytes of the page
	WasmSize      int // the module before compression
	WasmGzipSize  int
	TrustSequence uint64
	TrustExpires  time.Time
	Expired       bool   // the list has expired: the page will show "cannot check"
	ScriptHash    string // the CSP source of the page's one script
	StyleHash     string // and of its one style
}

// BuildSingleFile writes the scanner page as one HTML file to o.Out, with
// the module and the trust list o.Bundle inside: it works from file://
// with no server and no network, and takes newer lists by drop. The list
// must be signed by a pinned key; an expired one is carried (the page then
// says "cannot check").
func BuildSingleFile(o SingleFileOptions) (*SingleFileInfo, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if len(o.TrustKeysPEM) == 0 {
		return nil, errors.New("site build: no publisher key to pin")
	}
	if len(o.Bundle) == 0 {
		return nil, errors.New("site build: --single-file needs the trust list to carry (--trustlist DIR or bundle file)")
	}
	pems, err := checkPinnedKeys(o.TrustKeysPEM)
	if err != nil {
		return nil, err
	}
	pinned, _ := trustlist.ParsePublicKeysPEM([]byte(strings.Join(pems, "")))
	list, err := trustlist.Load(o.Bundle, pinned, o.Now, 0, trustlist.WithGrace(100*365*24*time.Hour))
	if err != nil {
		var de *dcc.Error
		if errors.As(err, &de) {
			return nil, fmt.Errorf("site build: the trust list to carry: %s: %w", de.Code, err)
		}
		return nil, fmt.Errorf("site build: the trust list to carry: %w", err)
	}
	t, err := openTree(o.Dir, o.WasmFile == "")
	if err != nil {
		return nil, err
	}
	defer t.close()
	html, err := os.ReadFile(filepath.Join(t.site(), "index.html"))
	if err != nil {
		return nil, fmt.Errorf("site build: %s is not the passcheck source tree: %w", t.root, err)
	}
	o.Version = resolveVersion(o.Version, o.Dir)
	in, err := t.inputs(o.WasmFile, o.Version)
	if err != nil {
		return nil, err
	}
	wasm := in.wasm
	cfg := in.pageConfig(Config{
		Version:          o.Version,
		TrustKeys:        strings.Join(pems, ""),
		GraceSeconds:     trustGrace.Seconds(),
		SingleFile:       true,
		WasmID:           SingleFileWasmID,
		TrustListID:      SingleFileTrustListID,
		Kiosk:            o.Kiosk,
		KioskHoldSeconds: o.KioskHold.Seconds(),
		RulesCountry:     o.RulesCountry,
	})
	opts := esbuildOptions(t.root, []string{"site/js/app.js", "site/css/app.css"}, virtualModules(map[string]any{buildModule: cfg}, in.wasmExec))
	opts.Outdir = filepath.Join(t.root, "site-out")
	opts.EntryNames = "[name]"
	res, err := runESBuild("single-file page", opts)
	if err != nil {
		return nil, err
	}
	var js, css []byte
	for _, f := range res.OutputFiles {
		switch filepath.Base(f.Path) {
		case "app.js":
			js = f.Contents
		case "app.css":
			css = f.Contents
		default:
			if !strings.HasSuffix(f.Path, ".map") {
				return nil, fmt.Errorf("site build: the single-file page would need a second file, %s (a dynamic import or an asset)", filepath.Base(f.Path))
			}
		}
	}
	if js == nil || css == nil {
		return nil, errors.New("site build: esbuild wrote no app.js or app.css for the single-file page")
	}
	script := inlineSafe(string(js), "script")
	style := inlineSafe(string(css), "style")
	scriptHash, styleHash := cspHash(script), cspHash(style)

	var gz bytes.Buffer
	// Level 6: 0.5 s for the 7.6 MB module, 0.6 % larger than level 9's 1.3 s.
	zw, _ := gzip.NewWriterLevel(&gz, gzip.DefaultCompression)
	zw.Write(wasm)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	page, err := singleFilePage(string(html), singlePage{
		CSP:       singleFileCSP(scriptHash, styleHash),
		Script:    script,
		Style:     style,
		WasmGzip:  gz.Bytes(),
		Bundle:    o.Bundle,
		RevIndex:  o.RevocationIndex,
		RevParts:  o.RevocationParts,
		IconPNG:   iconPNG(32),
		BuildNote: fmt.Sprintf("passcheck %s single-file page; trust list #%d, expires %s", o.Version, list.Sequence, list.ExpiresAt.UTC().Format(time.RFC3339)),
	})
	if err != nil {
		return nil, err
	}
	if dir := filepath.Dir(o.Out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	tmp := o.Out + ".tmp"
	if err := os.WriteFile(tmp, []byte(page), 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, o.Out); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return &SingleFileInfo{
		Size: len(page), WasmSize: len(wasm), WasmGzipSize: gz.Len(),
		TrustSequence: list.Sequence, TrustExpires: list.ExpiresAt, Expired: o.Now.After(list.ExpiresAt),
		ScriptHash: scriptHash, StyleHash: styleHash,
	}, nil
}

// inlineSafe makes JavaScript or CSS safe inside a <script> or <style>
// element: "</script" (or "</style"), in any case, and "<!--" cannot occur
// in it. The escapes are no-ops where such text can appear (strings,
// regular expressions, template literals, comments).
func inlineSafe(code, tag string) string {
	end := "</" + tag
	lower := strings.ToLower(code)
	var b strings.Builder
	for {
		i := strings.Index(lower, end)
		if i < 0 {
			b.WriteString(code)
			break
		}
		b.WriteString(code[:i])
		b.WriteString(`<\/`)
		b.WriteString(code[i+2 : i+len(end)])
		code, lower = code[i+len(end):], lower[i+len(end):]
	}
	out := b.String()
	if tag == "script" {
		out = strings.ReplaceAll(out, "<!--", `<\!--`)
	}
	return out
}

// cspHash is the CSP source of an inline element's content.
func cspHash(content string) string {
	sum := sha256.Sum256([]byte(content))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// singleFileCSP allows the page's one script and one style by hash, and
// WebAssembly; it allows no request at all (connect-src 'none').
func singleFileCSP(scriptHash, styleHash string) string {
	return strings.Join([]string{
		"default-src 'none'",
		"script-src " + scriptHash + " 'wasm-unsafe-eval'",
		"style-src " + styleHash,
		"img-src data: blob:",
		"media-src blob:",
		"connect-src 'none'",
		"base-uri 'none'",
		"form-action 'none'",
	}, "; ")
}

type singlePage struct {
	CSP, Script, Style string
	WasmGzip, Bundle   []byte
	RevIndex           []byte
	RevParts           [][]byte
	IconPNG            []byte
	BuildNote          string
}

// singleFilePage rewrites site/index.html into the single-file page. The
// markers are those rewritePage needs, each exactly once.
func singleFilePage(html string, p singlePage) (string, error) {
	icon := ""
	if len(p.IconPNG) > 0 {
		icon = fmt.Sprintf(`<link rel="icon" href="data:image/png;base64,%s" sizes="32x32">`, base64.StdEncoding.EncodeToString(p.IconPNG))
	}
	head := fmt.Sprintf("<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n<!-- %s -->\n<style>%s</style>", p.CSP, p.BuildNote, p.Style)
	for _, r := range []struct{ old, new string }{
		{"<!--PASSCHECK_HEAD-->", head},
		{`<link rel="stylesheet" href="css/app.css">`, ""},
		{`<script type="module" src="js/app.js"></script>`, ""},
		{`<link rel="manifest" href="manifest.webmanifest">`, ""},
		{`<link rel="icon" href="icon-32.png" type="image/png" sizes="32x32">`, icon},
		{`<link rel="apple-touch-icon" href="icon-192.png">`, ""},
		{"</body>", fmt.Sprintf("<script type=\"application/octet-stream\" id=\"%s\" data-encoding=\"gzip\">%s</script>\n"+
			"<script type=\"application/octet-stream\" id=\"%s\">%s</script>\n%s"+
			"<script type=\"module\">%s</script>\n</body>",
			SingleFileWasmID, base64.StdEncoding.EncodeToString(p.WasmGzip),
			SingleFileTrustListID, base64.StdEncoding.EncodeToString(p.Bundle), revocationBlocks(p.RevIndex, p.RevParts), p.Script)},
	} {
		if n := strings.Count(html, r.old); n != 1 {
			return "", fmt.Errorf("site build: site/index.html has %d of %q, want 1", n, r.old)
		}
		html = strings.Replace(html, r.old, r.new, 1)
	}
	html = strings.Replace(html, "<!-- The build replaces the PASSCHECK_* markers below with the hashed assets and the CSP. -->\n", "", 1)
	return html, nil
}

// revocationBlocks writes the elements that carry the revocation data
// (SingleFileRevocationsID); "" without an index.
func revocationBlocks(index []byte, parts [][]byte) string {
	if len(index) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<script type=\"application/octet-stream\" id=\"%s\" data-parts=\"%d\">%s</script>\n",
		SingleFileRevocationsID, len(parts), base64.StdEncoding.EncodeToString(index))
	for i, p := range parts {
		fmt.Fprintf(&b, "<script type=\"application/octet-stream\" id=\"%s-%d\">%s</script>\n", SingleFileRevocationsID, i, base64.StdEncoding.EncodeToString(p))
	}
	return b.String()
}
