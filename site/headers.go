package site

import (
	"fmt"
	"path"
	"strings"

	"github.com/passcheck/passcheck/trustlist/publish"
)

// HeadersFile is the file a build writes beside the page for static hosts
// that read their response headers from the site itself (Netlify and
// Cloudflare Pages read "_headers"). It carries what [Handler] sends: the
// full Content-Security-Policy, whose frame-ancestors a <meta> copy cannot
// carry, for every page (the scanner, embed.html, the demo), and the cache
// rules; and, when the trust list is published beside the page, the trust
// list's own rules ([publish.Headers]), since `passcheck trustlist build`
// writes a _headers of the same name. A host that reads no such file gets
// the <meta> policy of index.html and embed.html only, without
// frame-ancestors: docs/site.md lists the headers to set by hand there.
const HeadersFile = publish.HeadersName

// staticHeaders writes the _headers file for a site whose trust list's
// pointer is at trustListURL, on trustOrigin ("" for the page's own origin,
// trustListURL then relative to the page).
func staticHeaders(trustOrigin, trustListURL string) []byte {
	var b strings.Builder
	rule := func(path string, headers ...string) {
		fmt.Fprintf(&b, "%s\n", path)
		for _, h := range headers {
			fmt.Fprintf(&b, "  %s\n", h)
		}
	}
	b.WriteString("# passcheck site build: the headers a static host should send (see docs/site.md).\n")
	rule("/*", append([]string{"Content-Security-Policy: " + CSP(trustOrigin, false)}, commonHeaders()...)...)
	rule("/assets/*", "Cache-Control: public, max-age=31536000, immutable")
	rule("/sw.js", "Cache-Control: no-cache")
	rule("/index.html", "Cache-Control: no-cache")
	rule("/", "Cache-Control: no-cache")
	rule("/*.wasm", "Content-Type: application/wasm")
	rule("/"+DownloadDir+"/*", "Content-Disposition: attachment")
	if trustOrigin == "" {
		// The trust list on this host: its rules, as its own _headers has them.
		base := path.Dir(path.Clean("/" + strings.TrimPrefix(trustListURL, "./")))
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		b.WriteString(publish.Headers(base))
	}
	return []byte(b.String())
}

// commonHeaders are the headers [Handler] sends with every answer besides
// the Content-Security-Policy.
func commonHeaders() []string {
	return []string{
		"Permissions-Policy: camera=(self), microphone=(), geolocation=()",
		"Referrer-Policy: no-referrer",
		"X-Content-Type-Options: nosniff",
		"Cross-Origin-Opener-Policy: same-origin",
	}
}
