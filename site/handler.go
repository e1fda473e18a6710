package site

import (
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// handler serves a built site with production headers.
type handler struct {
	root fs.FS
	dir  string // the folder, its symbolic links resolved
	csp  string
}

// Handler serves the site built into dir (and the trust list published
// there) with the HTTP headers a production host should send:
//
//   - Content-Security-Policy: [CSP], with the trust list's origin from the
//     build's [Manifest] when it is elsewhere;
//   - Cache-Control: a year, immutable, for content-hashed assets and
//     trust-list bundles; one minute for trustlist.json; revalidate for
//     the rest (the page, the manifest, sw.js);
//   - Content-Type (application/wasm for the module), and Content-Encoding
//     for the pre-compressed .br or .gz copy when the browser accepts it
//     and the copy is not older than the file;
//   - Permissions-Policy camera=(self), Referrer-Policy no-referrer,
//     X-Content-Type-Options nosniff, Cross-Origin-Opener-Policy
//     same-origin; files under [DownloadDir] as attachments.
//
// It serves files only (no directory listings, never the .br/.gz copies,
// the manifest or [HeadersFile] by name), never a file that a symbolic link
// leads to outside dir, and answers GET and HEAD.
func Handler(dir string) (http.Handler, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("serve: %s is not a folder", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return nil, fmt.Errorf("serve: %s has no index.html: %w", dir, err)
	}
	origin := ""
	if m, err := ReadManifest(dir); err == nil {
		origin = m.TrustListOrigin
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	if real, err = filepath.Abs(real); err != nil {
		return nil, err
	}
	return &handler{root: os.DirFS(real), dir: real, csp: CSP(origin, false)}, nil
}

var (
	// hashedRE matches the content-hashed names of the build and the trust list.
	hashedRE = regexp.MustCompile(`^assets/[A-Za-z0-9_.-]+-[A-Za-z0-9]{8,}\.[a-z]+$|(^|/)trustlist-[0-9a-f]{64}\.(cose|index|part)$`)
)

// ServeHTTP serves one request.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", h.csp)
	for _, kv := range commonHeaders() {
		k, v, _ := strings.Cut(kv, ": ")
		hd.Set(k, v)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" || strings.HasSuffix(r.URL.Path, "/") && name != "" && isDir(h.root, name) {
		name = path.Join(name, "index.html")
	}
	if !fs.ValidPath(name) || strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") || name == ManifestName || name == HeadersFile || !h.inside(name) {
		http.NotFound(w, r)
		return
	}
	f, err := h.root.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	st, err := f.Stat()
	f.Close()
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}

	ctype := contentType(name)
	hd.Set("Content-Type", ctype)
	hd.Set("Cache-Control", cacheControl(name))
	if strings.HasPrefix(name, DownloadDir+"/") {
		// Files to take away, such as the single-file page: saved, not
		// opened here (under this CSP its inline script would not run).
		hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(name)}))
	}
	hd.Add("Vary", "Accept-Encoding")

	// A pre-compressed copy, if the browser takes it and it is not older
	// than the file (a trust list rewritten after the build must not be
	// shadowed by a stale copy).
	serveName, modtime := name, st.ModTime()
	if compressible(name) {
		accept := r.Header.Get("Accept-Encoding")
		for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
			if !acceptsEncoding(accept, enc.token) {
				continue
			}
			cst, err := fs.Stat(h.root, name+enc.ext)
			if err != nil || cst.ModTime().Before(st.ModTime()) || !h.inside(name+enc.ext) {
				continue
			}
			serveName = name + enc.ext
			hd.Set("Content-Encoding", enc.token)
			break
		}
	}
	cf, err := h.root.Open(serveName)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer cf.Close()
	rs, ok := cf.(interface {
		Read([]byte) (int, error)
		Seek(int64, int) (int64, error)
	})
	if !ok {
		http.Error(w, "unseekable file", http.StatusInternalServerError)
		return
	}
	// The ETag names the representation, so that a gzip and a brotli copy
	// never share a validator.
	hd.Set("ETag", fmt.Sprintf(`"%x-%x%s"`, modtime.UnixNano(), st.Size(), path.Ext(serveName)))
	http.ServeContent(w, r, name, modtime, rs)
}

// inside reports whether name (a valid fs path) is, once every symbolic
// link on its way is followed, a file within the served folder: a link
// that leads out of it (to /etc, to a home folder) is not served.
func (h *handler) inside(name string) bool {
	real, err := filepath.EvalSymlinks(filepath.Join(h.dir, filepath.FromSlash(name)))
	if err != nil {
		return os.IsNotExist(err) // nothing there: the Open that follows answers 404
	}
	rel, err := filepath.Rel(h.dir, real)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func isDir(root fs.FS, name string) bool {
	st, err := fs.Stat(root, name)
	return err == nil && st.IsDir()
}

// acceptsEncoding reports whether an Accept-Encoding header accepts token
// with a non-zero quality.
func acceptsEncoding(header, token string) bool {
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(part, ";")
		if !strings.EqualFold(strings.TrimSpace(fields[0]), token) {
			continue
		}
		for _, p := range fields[1:] {
			p = strings.ReplaceAll(strings.TrimSpace(p), " ", "")
			if p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000" {
				return false
			}
		}
		return true
	}
	return false
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		return "application/wasm"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".json":
		return "application/json"
	case ".webmanifest":
		return "application/manifest+json"
	case ".cose":
		return `application/cose; cose-type="cose-sign1"`
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ts":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// DownloadDir is the folder whose files [Handler] sends as attachments
// (to save, not to open: the single-file page, whose inline script would
// not run under the site's CSP).
const DownloadDir = "download"

// cacheControl: hashed names never change, so they are cached for a year;
// the trust list's pointer briefly, so that a new list reaches clients
// within minutes; everything else is revalidated on each load (the service
// worker serves it offline).

func cacheControl(name string) string {
	switch {
	case hashedRE.MatchString(name):
		return "public, max-age=31536000, immutable"
	case path.Base(name) == "trustlist.json":
		return "public, max-age=60"
	}
	return "no-cache"
}
