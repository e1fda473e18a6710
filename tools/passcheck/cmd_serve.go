package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

func init() {
	register(&command{
		Name:      "serve",
		UsageLine: "serve [--dir dist] [--addr :8080]",
		Short:     "serve a built site with the headers production should use",
		Long: `
Serve serves a folder built by "passcheck site build" (and the trust list
published into it) with the HTTP headers a production host should send:

  Content-Security-Policy   no inline script, no third-party origin; the
                            trust list's origin when it is elsewhere
  Cache-Control             a year, immutable, for content-hashed assets and
                            trust-list bundles; one minute for trustlist.json;
                            revalidate for the page, the manifest and sw.js
  Content-Type              application/wasm for the module
  Content-Encoding          the pre-compressed .br or .gz copy when the
                            browser accepts it
  Permissions-Policy camera=(self), Referrer-Policy no-referrer,
  X-Content-Type-Options nosniff, Cross-Origin-Opener-Policy same-origin

It serves files only (no directory listings) and answers GET and HEAD.

Example:

	passcheck serve --dir dist --addr localhost:8080
`,
		Run: runServe,
	})
}

func runServe(e *env, args []string) int {
	c := commands["serve"]
	flags := newFlagSet(e, c)
	dir := flags.String("dir", "dist", "the folder to serve")
	addr := flags.String("addr", ":8080", "the address to listen on")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() > 0 {
		errorf(e, "serve takes no arguments, got %q", flags.Args())
		return 2
	}
	h, err := newSiteHandler(*dir)
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, fs.ErrNotExist) {
			hintf(e, "build the site first: passcheck site build --trust-key PUB.pem --out %s", *dir)
		}
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		errorf(e, "%v", err)
		hintf(e, "choose another address with --addr, e.g. --addr localhost:8081")
		return 2
	}
	fmt.Fprintf(e.stdout, "passcheck: serving %s at %s\n", *dir, listenURL(ln.Addr()))
	return serveUntilSignal(e, ln, h)
}

// serveUntilSignal serves h on ln until SIGINT or SIGTERM.
func serveUntilSignal(e *env, ln net.Listener, h http.Handler) int {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		errorf(e, "%v", err)
		return 2
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	return 0
}

// listenURL is the URL to print for a listener: localhost for a wildcard
// address.
func listenURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// siteHandler serves a built site with production headers.
type siteHandler struct {
	root fs.FS
	csp  string
}

// newSiteHandler serves dir. The trust list's origin for the CSP comes from
// the build's passcheck-site.json.
func newSiteHandler(dir string) (http.Handler, error) {
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
	if m, err := readSiteManifest(dir); err == nil {
		origin = m.TrustListOrigin
	}
	return &siteHandler{root: os.DirFS(dir), csp: contentSecurityPolicy(origin, false)}, nil
}

var (
	// hashedRE matches the content-hashed names of the build and the trust list.
	hashedRE = regexp.MustCompile(`^assets/[A-Za-z0-9_.-]+-[A-Za-z0-9]{8,}\.[a-z]+$|(^|/)trustlist-[0-9a-f]{64}\.cose$`)
)

func (h *siteHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", h.csp)
	hd.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" || strings.HasSuffix(r.URL.Path, "/") && name != "" && isDir(h.root, name) {
		name = path.Join(name, "index.html")
	}
	if !fs.ValidPath(name) || strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") || name == siteManifestName {
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
	if strings.HasPrefix(name, downloadDir+"/") {
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
			if err != nil || cst.ModTime().Before(st.ModTime()) {
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

// cacheControl: hashed names never change, so they are cached for a year;
// the trust list's pointer briefly, so that a new list reaches clients
// within minutes; everything else is revalidated on each load (the service
// worker serves it offline).
// downloadDir holds files that serve sends as attachments.
const downloadDir = "download"

func cacheControl(name string) string {
	switch {
	case hashedRE.MatchString(name):
		return "public, max-age=31536000, immutable"
	case path.Base(name) == "trustlist.json":
		return "public, max-age=60"
	}
	return "no-cache"
}
