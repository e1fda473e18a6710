package site

import (
	"errors"
	"fmt"
	"strings"
)

// CSP is the Content-Security-Policy of the built page: no inline script,
// no third-party origin; connect-src adds trustOrigin (the trust list's
// origin, "" when it is the page's). meta leaves out what a <meta> element
// may not carry (frame-ancestors), for the copy in the page itself;
// [Handler] sends the full policy as a header.
func CSP(trustOrigin string, meta bool) string {
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
