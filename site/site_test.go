package site

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// TestSiteLanguagesComplete holds every string table to English's keys, and
// English to every code a Result or a trust-list load can carry: a code
// without words would reach staff as a raw identifier.
func TestSiteLanguagesComplete(t *testing.T) {
	langs, err := readLanguages(os.DirFS("i18n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := langs["vi"]; !ok {
		t.Fatal("no Vietnamese table")
	}
	// Every code of the registry (dcc.Codes: the codes of dcc, trustlist and
	// the ES module) has words in every language.
	codes := dcc.Codes()
	en := langs["en"]
	for c := range codes {
		if _, ok := en["code."+string(c)]; !ok {
			t.Errorf("en.json has no words for %s", c)
		}
	}
	for lang, table := range langs {
		for k := range en {
			if table[k] == "" {
				t.Errorf("%s.json: missing %q", lang, k)
			}
		}
		for k, v := range table {
			if _, ok := en[k]; !ok && !strings.HasPrefix(k, "valueset.") {
				t.Errorf("%s.json: %q is not in en.json", lang, k)
			}
			// Placeholders must match English's, or a translation drops data.
			if ev, ok := en[k]; ok && placeholders(v) != placeholders(ev) {
				t.Errorf("%s.json: %q has placeholders %s, en has %s", lang, k, placeholders(v), placeholders(ev))
			}
		}
	}
}

func placeholders(s string) string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		out = append(out, s[i:i+j+1])
		s = s[i+j+1:]
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// TestSiteValueSets checks the value sets the pages carry (dcc's generated
// tables) against the EU's files in spec/valuesets, set by set and code by
// code.
func TestSiteValueSets(t *testing.T) {
	sets := dcc.ValueSets()
	spec, err := readValueSets(filepath.Join("..", "spec", "valuesets"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sets, spec) {
		for name, want := range spec {
			if !reflect.DeepEqual(sets[name], want) {
				t.Errorf("value set %s: dcc.ValueSets has %d codes, spec/valuesets %d (go generate ./dcc)", name, len(sets[name]), len(want))
			}
		}
		if len(sets) != len(spec) {
			t.Errorf("dcc.ValueSets has %d sets, spec/valuesets %d", len(sets), len(spec))
		}
	}
	for _, c := range []struct{ set, code, want string }{
		{"vaccine-medicinal-product", "EU/1/20/1528", "Comirnaty"},
		{"test-result", "260415000", "Not detected"},
		{"disease-agent-targeted", "840539006", "COVID-19"},
		{"country-2-codes", "AT", "Austria"},
	} {
		if got := sets[c.set][c.code]; got != c.want {
			t.Errorf("%s/%s = %q, want %q", c.set, c.code, got, c.want)
		}
	}
	if len(sets["test-manf"]) == 0 {
		t.Error("no test-manf set (from test-manf-example.json)")
	}
}

func TestTrustListOrigin(t *testing.T) {
	for _, c := range []struct {
		in, want string
		bad      bool
	}{
		{"trustlist.json", "", false},
		{"trust/trustlist.json", "", false},
		{"/trust/trustlist.json", "", false},
		{"https://trust.example.org/tl/trustlist.json", "https://trust.example.org", false},
		{"https://trust.example.org:8443/trustlist.json", "https://trust.example.org:8443", false},
		{"http://localhost:9000/trustlist.json", "http://localhost:9000", false},
		{"http://trust.example.org/trustlist.json", "", true},
		{"//trust.example.org/trustlist.json", "", true},
		{"ftp://x/trustlist.json", "", true},
	} {
		got, err := trustListOrigin(c.in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("trustListOrigin(%q) = %q, %v; want %q, bad=%v", c.in, got, err, c.want, c.bad)
		}
	}
	csp := CSP("https://trust.example.org", false)
	for _, want := range []string{"default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self' https://trust.example.org", "frame-ancestors 'none'", "form-action 'none'", "base-uri 'none'", "style-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(CSP("", true), "frame-ancestors") {
		t.Error("meta CSP carries frame-ancestors, which browsers ignore in <meta> and warn about")
	}
}

func TestRewritePage(t *testing.T) {
	src, err := os.ReadFile("index.html")
	if err != nil {
		t.Fatal(err)
	}
	out, err := rewritePage(string(src), pageAssets{JS: "assets/app-AAAA.js", CSS: "assets/app-BBBB.css", Wasm: "assets/passcheck-1.wasm", CSP: "default-src 'none'"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`src="assets/app-AAAA.js"`, `href="assets/app-BBBB.css"`, `href="assets/passcheck-1.wasm"`, `content="default-src 'none'"`} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, gone := range []string{"js/app.js", "css/app.css", "PASSCHECK_HEAD"} {
		if strings.Contains(out, gone) {
			t.Errorf("page still has %s", gone)
		}
	}
	if _, err := rewritePage(strings.Replace(string(src), "<!--PASSCHECK_HEAD-->", "", 1), pageAssets{}); err == nil {
		t.Error("a page without the head marker was accepted")
	}
	if _, err := rewritePage(string(src)+"<script>alert(1)</script>", pageAssets{}); err == nil {
		t.Error("a page with inline script was accepted")
	}
}

func TestIconPNG(t *testing.T) {
	for _, size := range []int{32, 192, 512} {
		img, err := png.Decode(bytes.NewReader(iconPNG(size)))
		if err != nil || img.Bounds().Dx() != size || img.Bounds().Dy() != size {
			t.Fatalf("icon %d: %v, %v", size, err, img)
		}
	}
}

// TestServeHeaders checks the production headers of Handler on a
// hand-made folder: caching by name, types, pre-compressed copies (and that
// a copy older than its file is not served), and what is never served.
func TestServeHeaders(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string, mod time.Time) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, mod, mod)
	}
	t0 := time.Now().Add(-time.Hour)
	page := strings.Repeat("<p>passcheck</p>", 100)
	write("index.html", page, t0)
	gz, br, err := precompress([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	write("index.html.gz", string(gz), t0)
	write("index.html.br", string(br), t0)
	write("assets/app-ABCDEFGH.js", "console.log(1)", t0)
	write("assets/passcheck-0123456789abcdef.wasm", "\x00asm\x01\x00\x00\x00", t0)
	write("trustlist.json", `{"sequence":2}`, t0.Add(time.Minute))
	write("trustlist.json.br", "stale", t0) // older than the file: must not be served
	write("trustlist-"+strings.Repeat("ab", 32)+".cose", "bundle", t0)
	write("sw.js", "self", t0)
	write("manifest.webmanifest", "{}", t0)
	m, _ := json.Marshal(Manifest{TrustListOrigin: "https://trust.example.org"})
	write(ManifestName, string(m), t0)

	h, err := Handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(method, path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", accept)
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}

	resp, body := get("GET", "/", "gzip, br")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "br" {
		t.Fatalf("GET / = %d %q, want 200 br", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	plain, err := io.ReadAll(brotli.NewReader(bytes.NewReader(body)))
	if err != nil || string(plain) != page {
		t.Errorf("brotli body does not decode to the page: %v", err)
	}
	for k, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-cache",
		"Referrer-Policy":        "no-referrer",
		"X-Content-Type-Options": "nosniff",
		"Permissions-Policy":     "camera=(self), microphone=(), geolocation=()",
		"Vary":                   "Accept-Encoding",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("GET / %s = %q, want %q", k, got, want)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self' https://trust.example.org", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}

	resp, body = get("GET", "/index.html", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("gzip-only client got encoding %q", resp.Header.Get("Content-Encoding"))
	} else if zr, err := gzip.NewReader(bytes.NewReader(body)); err != nil {
		t.Error(err)
	} else if plain, _ := io.ReadAll(zr); string(plain) != page {
		t.Error("gzip body does not decode to the page")
	}
	resp, body = get("GET", "/index.html", "br;q=0, identity")
	if resp.Header.Get("Content-Encoding") != "" || string(body) != page {
		t.Errorf("client refusing br got encoding %q", resp.Header.Get("Content-Encoding"))
	}

	for _, c := range []struct{ path, ctype, cache string }{
		{"/assets/app-ABCDEFGH.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"/assets/passcheck-0123456789abcdef.wasm", "application/wasm", "public, max-age=31536000, immutable"},
		{"/trustlist-" + strings.Repeat("ab", 32) + ".cose", `application/cose; cose-type="cose-sign1"`, "public, max-age=31536000, immutable"},
		{"/trustlist.json", "application/json", "public, max-age=60"},
		{"/sw.js", "text/javascript; charset=utf-8", "no-cache"},
		{"/manifest.webmanifest", "application/manifest+json", "no-cache"},
	} {
		resp, body := get("GET", c.path, "br, gzip")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != c.ctype || resp.Header.Get("Cache-Control") != c.cache {
			t.Errorf("GET %s = %d, %q, %q; want 200, %q, %q", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"), c.ctype, c.cache)
		}
		if c.path == "/trustlist.json" && (string(body) != `{"sequence":2}` || resp.Header.Get("Content-Encoding") != "") {
			t.Errorf("trustlist.json served the stale .br copy: %q %q", resp.Header.Get("Content-Encoding"), body)
		}
	}

	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/missing.js", 404},
		{"GET", "/../../etc/passwd", 404},
		{"GET", "/assets/", 404},
		{"GET", "/index.html.br", 404},
		{"GET", "/" + ManifestName, 404},
		{"POST", "/index.html", 405},
		{"HEAD", "/index.html", 200},
	} {
		resp, _ := get(c.method, c.path, "")
		if resp.StatusCode != c.code {
			t.Errorf("%s %s = %d, want %d", c.method, c.path, resp.StatusCode, c.code)
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s %s has no CSP", c.method, c.path)
		}
	}
}

// FuzzSiteHandler sends arbitrary paths and Accept-Encoding headers to
// Handler: it must never panic, never serve a file outside its
// folder, and always send the CSP.
func FuzzSiteHandler(f *testing.F) {
	root := f.TempDir()
	dir := filepath.Join(root, "dist")
	os.MkdirAll(filepath.Join(dir, "assets"), 0o755)
	os.WriteFile(filepath.Join(root, "secret.txt"), []byte("SECRET"), 0o644)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>page</p>"), 0o644)
	os.WriteFile(filepath.Join(dir, "assets", "app-ABCDEFGH.js"), []byte("js"), 0o644)
	os.WriteFile(filepath.Join(dir, "assets", "app-ABCDEFGH.js.br"), []byte("br"), 0o644)
	h, err := Handler(dir)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []struct{ path, enc string }{
		{"/", "br"}, {"/index.html", "gzip;q=0.5, br;q=0"}, {"/assets/app-ABCDEFGH.js", "br"},
		{"/../secret.txt", ""}, {"/assets/../../secret.txt", "gzip"}, {"//secret.txt", ""},
		{"/assets/", ""}, {"/%2e%2e/secret.txt", ""}, {"/index.html.br", "br"},
	} {
		f.Add(s.path, s.enc)
	}
	f.Fuzz(func(t *testing.T, p, enc string) {
		req := &http.Request{Method: "GET", URL: &url.URL{Path: p}, Header: http.Header{"Accept-Encoding": {enc}}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if strings.Contains(w.Body.String(), "SECRET") {
			t.Fatalf("GET %q served a file outside the folder", p)
		}
		if w.Header().Get("Content-Security-Policy") == "" {
			t.Fatalf("GET %q: no CSP", p)
		}
		if w.Code != 200 && w.Code != 404 && w.Code != 304 && w.Code != 416 {
			t.Fatalf("GET %q: status %d", p, w.Code)
		}
	})
}

// readValueSets reads the EU value sets of spec/valuesets into set → code →
// display name (what the site build read before dcc carried the tables).
// The set is the file's name without .json (and without "-example").
func readValueSets(dir string) (map[string]map[string]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no value sets in %s", dir)
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
			return nil, fmt.Errorf("%s: %w", n, err)
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

// TestServeNoSymlinkOut checks that Handler never serves a file that a
// symbolic link leads to outside its folder (a link to a secret, or to a
// folder holding one), while a link inside the folder still works.
func TestServeNoSymlinkOut(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>page</p>"), 0o644)
	os.WriteFile(filepath.Join(dir, "inside.txt"), []byte("inside"), 0o644)
	for link, target := range map[string]string{"leak.txt": secret, "out": outside, "index.html.br": secret, "ok.txt": filepath.Join(dir, "inside.txt")} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	// The folder itself may be reached through a link: that is not "out".
	via := filepath.Join(t.TempDir(), "via")
	if err := os.Symlink(dir, via); err != nil {
		t.Fatal(err)
	}
	h, err := Handler(via)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for path, want := range map[string]int{"/leak.txt": 404, "/out/secret.txt": 404, "/ok.txt": 200, "/index.html": 200} {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "br")
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || strings.Contains(string(body), "SECRET") {
			t.Errorf("GET %s = %d %q, want %d and no secret", path, resp.StatusCode, body, want)
		}
	}
}

// TestStaticHeadersFile checks the _headers file a build writes for static
// hosts: the full policy with frame-ancestors for every page (embed.html
// included), the caching rules, and that Handler does not serve it.
func TestStaticHeadersFile(t *testing.T) {
	h := string(staticHeaders("https://trust.example.org", "https://trust.example.org/dcc/trustlist.json"))
	for _, want := range []string{
		"/*\n  Content-Security-Policy: " + CSP("https://trust.example.org", false) + "\n",
		"frame-ancestors 'none'",
		"connect-src 'self' https://trust.example.org",
		"  X-Content-Type-Options: nosniff\n",
		"/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n",
		"/download/*\n  Content-Disposition: attachment\n",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("_headers lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "trustlist") {
		t.Errorf("_headers has trust-list rules for a list on another origin:\n%s", h)
	}
	// The trust list beside the page, or in a folder of the site: its own
	// rules too (trustlist build writes a _headers of the same name).
	for url, base := range map[string]string{"trustlist.json": "/", "./trust/trustlist.json": "/trust/"} {
		h := string(staticHeaders("", url))
		if !strings.Contains(h, publish.Headers(base)) || !strings.Contains(h, "frame-ancestors 'none'") {
			t.Errorf("trust list at %s: _headers lacks its rules at %s:\n%s", url, base, h)
		}
	}
	// Every header line is indented under a path.
	for _, line := range strings.Split(strings.TrimSpace(h), "\n") {
		if !strings.HasPrefix(line, "/") && !strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "#") {
			t.Errorf("_headers line %q is neither a path nor an indented header", line)
		}
	}
}

// The large files' brotli copy is kept in the user's cache folder, named
// by content: a second build takes it from there, and a damaged entry is
// made again rather than served.
func TestBrotliCached(t *testing.T) {
	cache := t.TempDir()
	defer func(f func() (string, error)) { userCacheDir = f }(userCacheDir)
	userCacheDir = func() (string, error) { return cache, nil }
	data := []byte(strings.Repeat("passcheck module bytes ", 5000))
	want, err := brotliBest(data)
	if err != nil {
		t.Fatal(err)
	}
	first, err := brotliCached(data)
	if err != nil || !bytes.Equal(first, want) {
		t.Fatalf("first: %v, same bytes %v", err, bytes.Equal(first, want))
	}
	entries, _ := filepath.Glob(filepath.Join(cache, "passcheck", "brotli", "*.br"))
	if len(entries) != 1 {
		t.Fatalf("cache entries %v", entries)
	}
	// What the second call returns comes from the cache: another valid
	// copy of the same data (quality 1) put there is returned as it is.
	var quick bytes.Buffer
	bw := brotli.NewWriterLevel(&quick, 1)
	bw.Write(data)
	bw.Close()
	if bytes.Equal(quick.Bytes(), want) {
		t.Fatal("quality 1 made the same bytes")
	}
	if err := os.WriteFile(entries[0], quick.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if again, err := brotliCached(data); err != nil || !bytes.Equal(again, quick.Bytes()) {
		t.Fatalf("second: %v, from the cache %v", err, bytes.Equal(again, quick.Bytes()))
	}
	// A damaged entry is not used, and is written again.
	if err := os.WriteFile(entries[0], []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := brotliCached(data); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("after damage: %v, same bytes %v", err, bytes.Equal(got, want))
	}
	if b, _ := os.ReadFile(entries[0]); !bytes.Equal(b, want) {
		t.Error("the damaged entry was not written again")
	}
}
