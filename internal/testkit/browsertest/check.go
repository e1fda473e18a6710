package browsertest

import (
	"net/url"
	"strconv"
	"strings"
)

// Request is one request a page or the browser made.
type Request struct {
	URL    string // absolute, with any fragment
	Method string
	Body   []byte // the first MiB of the body, if any
	Source string // "page" (the tab's CDP events) or "proxy" (the browser's recording proxy)
}

// passWindow is the length of the fragments of a secret that
// [Page.CheckRequests] looks for: long enough not to match by chance, short
// enough to catch a pass cut in pieces.
const passWindow = 24

// minBase45Run is the length of a run of base45 characters (0-9, A-Z, space
// and $%*+-./:) in a URL or body that [Page.CheckRequests] takes for pass
// data even when the test named no secret.
const minBase45Run = 48

// chromiumHosts are the Google hosts that Chromium itself calls from a fresh
// profile whatever the flags (on-demand component updates, account
// checks). The recording proxy refuses them like any other host, and
// [Page.CheckRequests] does not count them against the page when only the
// proxy saw them: the page's own requests are also in its CDP record.
var chromiumHosts = []string{"google.com", "googleapis.com", "gvt1.com"}

func chromiumHost(r Request) bool {
	if r.Source != "proxy" {
		return false
	}
	u, err := url.Parse(r.URL)
	if err != nil {
		return false
	}
	h := u.Hostname()
	for _, d := range chromiumHosts {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

// CheckRequests fails the test for every request of the tab or the browser
// that leaves origin (scheme://host:port, or "file://" for a page opened from
// disk; data: and blob: URLs are local) or
// carries pass data: "HC1:" in any encoding, a base45 run of 48 or more
// characters, or a 24-character piece of one of the secrets (typically the
// pass texts the test used), in the URL or the body. Chromium's own calls
// home (see chromiumHosts), refused by the proxy, are not counted.
func (p *Page) CheckRequests(origin string, secrets ...string) {
	p.t.Helper()
	origin = strings.TrimSuffix(origin, "/")
	all := append(p.Requests(), p.b.Requests()...)
	for _, r := range all {
		if chromiumHost(r) {
			continue
		}
		if why := Violation(r, origin, secrets...); why != "" {
			p.t.Errorf("request %s %s (%s): %s", r.Method, abbreviate(r.URL), r.Source, why)
		}
	}
}

// Violation returns why r breaks the rules of [Page.CheckRequests], or "".
func Violation(r Request, origin string, secrets ...string) string {
	u, err := url.Parse(r.URL)
	if err != nil {
		return "unparsable URL"
	}
	switch u.Scheme {
	case "data", "blob":
	default:
		if u.Scheme+"://"+u.Host != origin {
			return "leaves the origin " + origin
		}
	}
	texts := []string{r.URL, string(r.Body)}
	if s, err := url.PathUnescape(r.URL); err == nil {
		texts = append(texts, s)
	}
	if s, err := url.QueryUnescape(r.URL); err == nil {
		texts = append(texts, s)
	}
	if s, err := url.QueryUnescape(string(r.Body)); err == nil {
		texts = append(texts, s)
	}
	for _, text := range texts {
		if strings.Contains(strings.ToUpper(text), "HC1:") {
			return `carries "HC1:"`
		}
		if n := longestBase45Run(text); n >= minBase45Run {
			return "carries a base45 run of " + strconv.Itoa(n) + " characters"
		}
		for _, s := range secrets {
			s = strings.TrimPrefix(strings.TrimSpace(s), "HC1:")
			if len(s) < passWindow && s != "" && strings.Contains(text, s) {
				return "carries a secret"
			}
			for i := 0; i+passWindow <= len(s); i++ {
				if strings.Contains(text, s[i:i+passWindow]) {
					return "carries a piece of a pass"
				}
			}
		}
	}
	return ""
}

func longestBase45Run(s string) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || strings.IndexByte(" $%*+-./:", c) >= 0 {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
