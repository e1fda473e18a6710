package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/site"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// revocationTree copies the site build of env into dir and publishes the
// demo bundle there beside rev (the demo's own revocation data when nil).
func (env *siteEnv) revocationTree(t *testing.T, dir string, rev *publish.Revocations) {
	t.Helper()
	m, err := site.ReadManifest(env.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(m.Files, "demo.html", "demo.css") {
		copyFile(t, filepath.Join(env.dir, f), filepath.Join(dir, f))
	}
	if rev == nil {
		rev = env.demo.Revocations
	}
	if err := publish.WriteTree(dir, env.demo.Bundle, 1, publish.WithRevocations(rev)); err != nil {
		t.Fatal(err)
	}
}

// demoRevocations signs revocation data of the demo's revoked passes with
// sequence seq, issued at issued, valid for 48 hours.
func (env *siteEnv) demoRevocations(t *testing.T, seq uint64, issued time.Time) *publish.Revocations {
	t.Helper()
	var entries []revocation.Entry
	for _, name := range []string{"revoked-uci", "revoked-countrycodeuci", "revoked-signature"} {
		ht, _ := revocation.ParseHashType(strings.ToUpper(strings.TrimPrefix(name, "revoked-")))
		e, err := demoRevocation(env.pass(t, name).Text, ht)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	r, _, err := publish.BuildRevocations(publish.RevocationOptions{Entries: entries, Key: env.demo.PublisherKey, Sequence: seq, Now: issued})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// switchHandler serves whichever folder it was last set to.
type switchHandler struct{ h atomic.Pointer[http.Handler] }

func (s *switchHandler) set(h http.Handler) { s.h.Store(&h) }
func (s *switchHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}

// TestRevocationBrowser holds the scanner page to the revocation rules:
// revoked passes red and the others as announced, no request after a
// scan; a tampered or truncated part and an expired index amber, never
// green; an older index after a newer one refused.
func TestRevocationBrowser(t *testing.T) {
	env := newSiteEnv(t, false)
	b := env.phone(t, 6*time.Minute)
	revoked := []string{"revoked-uci", "revoked-countrycodeuci", "revoked-signature"}
	var origins []string
	var pages []*sitePage

	open := func(t *testing.T, dir string) *sitePage {
		srv := serveSite(t, dir)
		origins = append(origins, srv.URL)
		p := openSite(t, b, srv.URL+"/")
		pages = append(pages, p)
		return p
	}
	revState := func(p *sitePage) string {
		return eval[string](p, `document.getElementById("trust").dataset.revocations || ""`)
	}

	t.Run("revoked", func(t *testing.T) {
		p := open(t, env.dir)
		if got := revState(p); got != "ok" {
			t.Errorf("trust line revocations %q, want ok", got)
		}
		if line := eval[string](p, `document.getElementById("trust").textContent`); !strings.Contains(line, "revocations updated") {
			t.Errorf("trust line %q does not give the revocation list's age", line)
		}
		// Wait for the page and its worker to settle, then scan: no
		// request may follow a scan.
		p.waitFor(`navigator.serviceWorker.controller !== null`, 30*time.Second)
		time.Sleep(time.Second)
		before := len(p.Requests())
		for _, name := range append(slices.Clone(revoked), "valid-vaccination", "valid-test") {
			pass := env.pass(t, name)
			checkVerdict(t, p.paste(pass.Text), pass)
			p.next()
		}
		time.Sleep(time.Second)
		for _, r := range p.Requests()[before:] {
			// The browser fetches the page's icon when it gets round to
			// it; nothing else may come after a scan.
			if strings.HasSuffix(r.URL, "/icon-32.png") {
				continue
			}
			t.Errorf("request after a scan: %s %s", r.Method, r.URL)
		}
	})

	amber := func(t *testing.T, p *sitePage, revokedStays bool) {
		t.Helper()
		if got := revState(p); got != "stale" {
			t.Errorf("trust line revocations %q, want stale", got)
		}
		for _, name := range append(slices.Clone(revoked), "valid-vaccination") {
			pass := env.pass(t, name)
			got := p.paste(pass.Text)
			p.next()
			want := "cannot-check"
			if revokedStays && pass.Expect == "invalid" {
				want = "invalid"
			}
			if got.State != want || !slices.Contains(got.Codes, "REVOCATION_STALE") {
				t.Errorf("%s: %s %v, want %s with REVOCATION_STALE", name, got.State, got.Codes, want)
			}
		}
	}
	partOf := func(t *testing.T, dir string) string {
		m, _ := filepath.Glob(filepath.Join(dir, "trustlist-*.part"))
		if len(m) != 1 {
			t.Fatalf("%d parts in %s", len(m), dir)
		}
		return m[0]
	}

	t.Run("tampered-part", func(t *testing.T) {
		dir := t.TempDir()
		env.revocationTree(t, dir, nil)
		part := partOf(t, dir)
		data, _ := os.ReadFile(part)
		data[len(data)/2] ^= 0x10
		os.WriteFile(part, data, 0o644)
		amber(t, open(t, dir), false)
	})

	t.Run("truncated-part", func(t *testing.T) {
		dir := t.TempDir()
		env.revocationTree(t, dir, nil)
		part := partOf(t, dir)
		data, _ := os.ReadFile(part)
		os.WriteFile(part, data[:len(data)-3], 0o644)
		amber(t, open(t, dir), false)
	})

	t.Run("expired-index", func(t *testing.T) {
		dir := t.TempDir()
		env.revocationTree(t, dir, env.demoRevocations(t, 5, env.demo.Now.Add(-72*time.Hour)))
		// The entries still count: revoked stays red, the rest is amber.
		amber(t, open(t, dir), true)
	})

	t.Run("rollback", func(t *testing.T) {
		newer, older := t.TempDir(), t.TempDir()
		env.revocationTree(t, newer, env.demoRevocations(t, 9_000_000_000_000_000_002, env.demo.Now))
		env.revocationTree(t, older, env.demoRevocations(t, 9_000_000_000_000_000_001, env.demo.Now))
		sw := &switchHandler{}
		sw.set(mustHandler(t, newer))
		srv := httptest.NewServer(sw)
		defer srv.Close()
		origins = append(origins, srv.URL)
		p := openSite(t, b, srv.URL+"/")
		pages = append(pages, p)
		if got := revState(p); got != "ok" {
			t.Fatalf("newer index: revocations %q", got)
		}
		mark := `Object.keys(localStorage).filter((k) => k.startsWith("passcheck.revocations.sequence.")).map((k) => localStorage.getItem(k)).join()`
		if got := eval[string](p, mark); got != "9000000000000000002" {
			t.Errorf("stored mark %q, want 9000000000000000002 (exact)", got)
		}
		// The host now serves the older index; no worker or cache stands
		// between the page and it.
		sw.set(mustHandler(t, older))
		eval[bool](p, `(async () => {
			for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
			for (const k of await caches.keys()) await caches.delete(k);
			return true;
		})()`)
		p.reload()
		if got := revState(p); got != "missing" {
			t.Errorf("older index: revocations %q, want missing (refused)", got)
		}
		pass := env.pass(t, "valid-vaccination")
		if got := p.paste(pass.Text); got.State != "cannot-check" || !slices.Contains(got.Codes, "REVOCATION_STALE") {
			t.Errorf("after a refused rollback: %s %v, want cannot-check with REVOCATION_STALE", got.State, got.Codes)
		}
		if got := eval[string](p, mark); got != "9000000000000000002" {
			t.Errorf("stored mark %q after the rollback, want 9000000000000000002", got)
		}
	})

	checkRequests(t, b, pages, origins, env.secrets)
}
