package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/browsertest"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/site"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// The browser tests run the built site, served by passcheck serve's handler,
// in headless Chromium (internal/testkit/browsertest: it skips without Chromium,
// except under CI=true, where it fails). One browser serves every subtest.
//
// Headless Chromium has no BarcodeDetector, so the camera and upload paths
// exercise the module's own QR decoder.

// siteEnv is the material of the browser tests: the demo passes, the site
// built with a fresh trust list, and a copy with an expired one.
type siteEnv struct {
	demo       *demo
	dir        string // the site with a current trust list
	staleDir   string // the same site with a list that expired 8 days ago
	foreignDir string // the same site with a list signed by a key it does not pin
	video      string // a .y4m of the valid vaccination pass, for the fake camera
	secrets    []string
}

// newSiteEnv builds the site; compress adds the .br and .gz copies, which
// the benchmark measures and the tests leave out (brotli on the 8 MB module
// takes minutes under the race detector; TestServeHeaders covers serving
// the copies).
// phone starts Chromium with a phone-sized window and a fake camera that
// films env.video, allowed without asking.
func (env *siteEnv) phone(t testing.TB, timeout time.Duration) *browsertest.Browser {
	return browsertest.Start(t, browsertest.Options{
		Width: 412, Height: 915, Timeout: timeout,
		Flags: map[string]any{
			"use-fake-ui-for-media-stream":     true,
			"use-fake-device-for-media-stream": true,
			"use-file-for-fake-video-capture":  env.video,
			"autoplay-policy":                  "no-user-gesture-required",
		},
	})
}

func newSiteEnv(t testing.TB, compress bool) *siteEnv {
	t.Helper()
	now := time.Now()
	d, err := makeDemo(now, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	env := &siteEnv{demo: d, dir: filepath.Join(root, "site"), staleDir: filepath.Join(root, "stale"), foreignDir: filepath.Join(root, "foreign")}
	start := time.Now()
	if _, err := d.writeSite(env.dir, site.Options{NoCompress: !compress}); err != nil {
		t.Fatal(err)
	}
	t.Logf("site built in %v", time.Since(start).Round(time.Millisecond))
	// Copies of the site with other trust lists: one issued ten days ago
	// for two days (stale), one signed by a key the page does not pin.
	stale, err := d.trustList(now.Add(-10*24*time.Hour), 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	env.variant(t, env.staleDir, stale)
	other := *d
	if other.PublisherKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	foreign, err := other.trustList(now, 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	env.variant(t, env.foreignDir, foreign)
	env.video = filepath.Join(t.TempDir(), "qr.y4m")
	if err := writeY4M(env.video, env.pass(t, "valid-vaccination").Text, 640, 480, 10); err != nil {
		t.Fatal(err)
	}
	for _, p := range d.Passes {
		env.secrets = append(env.secrets, p.Text)
	}
	return env
}

// variant copies every file of the site build into dir and publishes bundle
// there.
func (env *siteEnv) variant(t testing.TB, dir string, bundle []byte) {
	t.Helper()
	m, err := site.ReadManifest(env.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(m.Files, "demo.html", "demo.css") {
		copyFile(t, filepath.Join(env.dir, f), filepath.Join(dir, f))
	}
	if err := env.demo.writeTree(dir, bundle); err != nil {
		t.Fatal(err)
	}
}

// realSignersSite publishes, in a copy of the site, a trust list of the
// demo's signers and of signers as real states publish them (self-signed
// CA:TRUE, P-384 and P-521 keys, a negative serial number), and returns a
// valid pass of each of the latter.
func (env *siteEnv) realSignersSite(t testing.TB) (string, []demoPass) {
	t.Helper()
	now := env.demo.Now
	nb, na := now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0)
	ca, err := issuer.NewCSCA("BE", issuer.EC384, nb, na)
	if err != nil {
		t.Fatal(err)
	}
	named, err := issuer.RealStateSigners(ca, nb, na)
	if err != nil {
		t.Fatal(err)
	}
	var dscs certSource
	var passes []demoPass
	for _, n := range named {
		d := n.DSC
		payload, err := payloadOptions{}.payload(dcc.KindVaccination, now)
		if err != nil {
			t.Fatal(err)
		}
		text, err := d.Issue(issuer.PassOptions{Payload: payload, IssuedAt: now.Add(-24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		dscs = append(dscs, d)
		passes = append(passes, demoPass{Name: n.Name, Expect: "valid", Text: text})
		env.secrets = append(env.secrets, text)
	}
	bundle, _, err := publish.Build(context.Background(), publish.Options{
		Sources: []publish.Source{certSource(env.demo.signers), dscs},
		Key:     env.demo.PublisherKey, Now: now, Sequence: uint64(now.Unix()),
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "real")
	env.variant(t, dir, bundle)
	return dir, passes
}

func (env *siteEnv) pass(t testing.TB, name string) demoPass {
	for _, p := range env.demo.Passes {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no demo pass %q", name)
	return demoPass{}
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(to), 0o755)
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// serveSite serves dir with passcheck serve's handler on a loopback port.
func serveSite(t testing.TB, dir string) *httptest.Server {
	t.Helper()
	h, err := site.Handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// writeY4M writes a YUV4MPEG2 (4:2:0) video of frames identical frames: the
// QR code of text (none for ""), centred on a grey background, as Chromium's fake camera
// plays it (--use-file-for-fake-video-capture).
func writeY4M(path, text string, w, h, frames int) error {
	frame := image.NewGray(image.Rect(0, 0, w, h))
	for i := range frame.Pix {
		frame.Pix[i] = 0xb0
	}
	if text != "" {
		qr, err := issuer.QRImage(text, 4)
		if err != nil {
			return err
		}
		off := image.Pt((w-qr.Bounds().Dx())/2, (h-qr.Bounds().Dy())/2)
		if off.X < 0 || off.Y < 0 {
			return fmt.Errorf("QR of %d px does not fit a %d×%d frame", qr.Bounds().Dx(), w, h)
		}
		draw.Draw(frame, qr.Bounds().Add(off), qr, image.Point{}, draw.Src)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(f, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg\n", w, h)
	chroma := make([]byte, (w/2)*(h/2)*2)
	for i := range chroma {
		chroma[i] = 128
	}
	for i := 0; i < frames; i++ {
		io.WriteString(f, "FRAME\n")
		f.Write(frame.Pix)
		f.Write(chroma)
	}
	return f.Close()
}

// verdictInfo is what the page shows for a verdict, read from the DOM.
type verdictInfo struct {
	Hidden   bool     `json:"hidden"`
	State    string   `json:"state"`
	Verified bool     `json:"verified"`
	Codes    []string `json:"codes"`
	Reasons  []string `json:"reasons"`
	Title    string   `json:"title"`
	Family   string   `json:"family"`
	DOB      string   `json:"dob"`
	Kind     string   `json:"kind"`
	Unverif  bool     `json:"unverifiedBox"`
	Announce string   `json:"announce"`
}

const readVerdictJS = `(() => {
  const v = document.getElementById("verdict");
  const q = (s) => { const n = v.querySelector(s); return n ? n.textContent : ""; };
  return {
    hidden: v.hidden, state: v.dataset.state || "", verified: v.dataset.verified === "true",
    codes: [...v.querySelectorAll(".reasons li")].map((l) => l.dataset.code),
    reasons: [...v.querySelectorAll(".reasons li")].map((l) => l.textContent),
    title: q(".verdict-title"), family: q("[data-field=familyName]"), dob: q("[data-field=dateOfBirth]"),
    kind: q("[data-field=kind]"), unverifiedBox: !!v.querySelector(".unverified"),
    announce: document.getElementById("announce").textContent,
  };
})()`

// sitePage is a tab of the shared browser, bound to the (sub)test using it:
// its helpers fail that test, not the one that started the browser.
type sitePage struct {
	*browsertest.Page
	t testing.TB
}

func openSite(t testing.TB, b *browsertest.Browser, url string) *sitePage {
	t.Helper()
	p := &sitePage{Page: b.NewPage(), t: t}
	p.navigate(url)
	return p
}

func (p *sitePage) navigate(url string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		p.t.Fatalf("navigate %s: %v", url, err)
	}
	p.waitReady()
}

func (p *sitePage) reload() {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		p.t.Fatalf("reload: %v", err)
	}
	p.waitReady()
}

// eval evaluates expr (awaiting a Promise) into T, failing p's test.
func eval[T any](p *sitePage, expr string) T {
	p.t.Helper()
	v, err := browsertest.EvalErr[T](p.Page, expr)
	if err != nil {
		p.t.Fatalf("evaluating %.100s: %v", expr, err)
	}
	return v
}

// waitFor polls expr until it is truthy; on a timeout it fails p's test
// with the page's status line, which says what went wrong.
func (p *sitePage) waitFor(expr string, timeout time.Duration) {
	p.t.Helper()
	if err := p.WaitForErr(expr, timeout); err != nil {
		status, _ := browsertest.EvalErr[string](p.Page, `document.getElementById("status").textContent + " | trust: " + document.getElementById("trust").textContent`)
		p.t.Fatalf("waiting for %.100s: %v (page status: %q; console: %q)", expr, err, status, p.ConsoleErrors())
	}
}

// waitOffline waits until the page's service worker controls it and holds
// the trust list (it has answered the pointer), so that a reload is
// served offline; with precached, until the worker is activated too (its
// precache of every asset done).
func (p *sitePage) waitOffline(precached bool) {
	p.t.Helper()
	p.waitFor(`navigator.serviceWorker.controller !== null`, 30*time.Second)
	p.waitFor(`caches.open("passcheck-trust").then((c) => c.keys()).then((k) => k.length >= 2)`, 30*time.Second)
	if precached {
		p.waitFor(`navigator.serviceWorker.ready.then((r) => r.active && r.active.state === "activated")`, 30*time.Second)
	}
}

func (p *sitePage) waitReady() {
	p.t.Helper()
	p.waitFor(`document.documentElement.dataset.ready === "true"`, 30*time.Second)
}

// waitVerdict waits for a verdict on screen and its announcement.
func (p *sitePage) waitVerdict() verdictInfo {
	p.t.Helper()
	p.waitFor(`!document.getElementById("verdict").hidden && document.getElementById("announce").textContent !== ""`, 30*time.Second)
	return eval[verdictInfo](p, readVerdictJS)
}

func (p *sitePage) paste(text string) verdictInfo {
	p.t.Helper()
	js, _ := json.Marshal(text)
	eval[bool](p, `(() => { document.getElementById("paste-text").value = `+string(js)+`; document.getElementById("check").click(); return true; })()`)
	return p.waitVerdict()
}

func (p *sitePage) next() {
	p.t.Helper()
	eval[bool](p, `(() => { document.getElementById("next").click(); return true; })()`)
	p.waitFor(`document.getElementById("verdict").hidden`, 5*time.Second)
}

func (p *sitePage) setLanguage(lang string) {
	p.t.Helper()
	eval[bool](p, `(() => { const s = document.getElementById("lang"); s.value = "`+lang+`"; s.dispatchEvent(new Event("change")); return true; })()`)
	p.waitFor(`document.documentElement.lang === "`+lang+`"`, 5*time.Second)
}

// pageVerdict is the verdict the pages show (the Result's verdict field:
// "valid", "invalid", "cannot-check", "not-a-pass") for a demo pass's
// Expect, which calls "cannot check" "unknown".
func pageVerdict(expect string) string {
	if expect == "unknown" {
		return "cannot-check"
	}
	return expect
}

// checkVerdict holds a verdict to what the demo page announces for pass.
// extraCodes, the trust list's trouble, make it "cannot-check".
func checkVerdict(t *testing.T, got verdictInfo, p demoPass, extraCodes ...string) {
	t.Helper()
	want := pageVerdict(p.Expect)
	if len(extraCodes) > 0 {
		want = "cannot-check"
	}
	if got.State != want {
		t.Errorf("%s: verdict %q (%q), want %q; reasons %q", p.Name, got.State, got.Title, want, got.Reasons)
	}
	for _, c := range append(slices.Clone(p.Codes), extraCodes...) {
		if !slices.Contains(got.Codes, c) {
			t.Errorf("%s: reasons %v lack %s", p.Name, got.Codes, c)
		}
	}
	if want == "valid" && len(got.Codes) != 0 {
		t.Errorf("%s: valid pass with reasons %v", p.Name, got.Codes)
	}
	for i, r := range got.Reasons {
		if r == "" || strings.Contains(r, got.Codes[i]) {
			t.Errorf("%s: reason %d is not in plain words: %q", p.Name, i, r)
		}
	}
	// The signature did not verify: never a verified identity.
	sigFailed := slices.ContainsFunc(p.Codes, func(c string) bool { return c == "SIGNATURE_INVALID" || c == "KID_UNKNOWN" })
	if sigFailed && (got.Verified || !got.Unverif) {
		t.Errorf("%s: unverified data shown as identity (verified=%v, unverified box=%v)", p.Name, got.Verified, got.Unverif)
	}
	if !sigFailed && !got.Verified {
		t.Errorf("%s: signature verified but the page says unverified", p.Name)
	}
	if got.Family != "Nguyễn" || got.DOB == "" {
		t.Errorf("%s: holder %q born %q, want Nguyễn and a date", p.Name, got.Family, got.DOB)
	}
	if got.Announce == "" || !strings.Contains(got.Announce, strings.SplitN(got.Title, " ", 2)[0]) {
		t.Errorf("%s: announcement %q does not say the verdict %q", p.Name, got.Announce, got.Title)
	}
}

// checkRequests fails for any request that left the served origins or
// carried pass data, from every tab and the browser's proxy.
func checkRequests(t *testing.T, b *browsertest.Browser, pages []*sitePage, origins []string, secrets []string) {
	t.Helper()
	var all []browsertest.Request
	for _, p := range pages {
		all = append(all, p.Requests()...)
	}
	all = append(all, b.Requests()...)
	if len(all) == 0 {
		t.Fatal("no request recorded: the recorder is not working")
	}
	for _, r := range all {
		if u, err := url.Parse(r.URL); err == nil && r.Source == "proxy" && isChromiumService(u.Hostname()) {
			// Chromium's own services (update, time, account checks) reach
			// the proxy whatever the page does; the page's CSP and its CDP
			// record would show a request of the page's to them.
			t.Logf("Chromium service request (not the page's): %s %s", r.Method, r.URL)
			continue
		}
		var why string
		for _, o := range origins {
			why = browsertest.Violation(r, strings.TrimSuffix(o, "/"), secrets...)
			if !strings.HasPrefix(why, "leaves the origin") {
				break
			}
		}
		if why != "" {
			t.Errorf("request %s %s (%s): %s", r.Method, r.URL, r.Source, why)
		}
	}
}

func TestSiteBrowser(t *testing.T) {
	env := newSiteEnv(t, false)
	b := env.phone(t, 8*time.Minute)
	srv := serveSite(t, env.dir)
	staleSrv := serveSite(t, env.staleDir)
	var pages []*sitePage
	origins := []string{srv.URL, staleSrv.URL}

	t.Run("paste", func(t *testing.T) {
		p := openSite(t, b, srv.URL+"/")
		pages = append(pages, p)
		trust := eval[string](p, `document.getElementById("trust").dataset.state`)
		if trust != "ok" {
			t.Errorf("trust status %q, want ok", trust)
		}
		for _, pass := range env.demo.Passes {
			checkVerdict(t, p.paste(pass.Text), pass)
			p.next()
		}
		// The manifest and the service worker make the page installable.
		var inst page.GetInstallabilityErrorsResult
		if err := chromedp.Do(p.Ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			r, err := chromedp.Call(ctx, page.GetInstallabilityErrors, cdp.Empty{})
			inst = r
			return err
		})); err != nil {
			t.Fatal(err)
		}
		for _, e := range inst.InstallabilityErrors {
			t.Errorf("not installable: %s %v", e.ErrorID, e.ErrorArguments)
		}
		// Not a pass at all: neither valid nor invalid but "scan again", in
		// plain words, nothing shown as identity.
		got := p.paste("hello")
		if got.State != "not-a-pass" || !slices.Contains(got.Codes, "PREFIX_INVALID") || got.Verified || got.Family != "" {
			t.Errorf("plain text: %+v", got)
		}
		if got.Title == "" || got.Announce == "" || !strings.Contains(got.Announce, strings.SplitN(got.Title, " ", 2)[0]) {
			t.Errorf("plain text: title %q, announcement %q", got.Title, got.Announce)
		}
		p.next()
		p.CheckNoConsoleErrors()
	})

	t.Run("upload", func(t *testing.T) {
		p := openSite(t, b, srv.URL+"/")
		pages = append(pages, p)
		for _, pass := range env.demo.Passes {
			png := filepath.Join(env.dir, "demo", pass.Name+".png")
			if err := chromedp.Do(p.Ctx, chromedp.SetUploadFiles(chromedp.ID("upload"), []string{png})); err != nil {
				t.Fatal(err)
			}
			checkVerdict(t, p.waitVerdict(), pass)
			p.next()
		}
		p.CheckNoConsoleErrors()
	})

	t.Run("camera", func(t *testing.T) {
		p := openSite(t, b, srv.URL+"/")
		pages = append(pages, p)
		eval[bool](p, `(() => { document.getElementById("camera").click(); return true; })()`)
		checkVerdict(t, p.waitVerdict(), env.pass(t, "valid-vaccination"))
		// The frame was decoded in the frame worker, off the page's thread.
		if got := eval[string](p, `document.documentElement.dataset.frameBy || ""`); got != "worker" {
			t.Errorf("the camera's frame was decoded by %q, want worker", got)
		}
		// One tap back to the camera, which scans again: a second verdict.
		eval[bool](p, `(() => { document.getElementById("next").click(); return true; })()`)
		if !eval[bool](p, `!document.getElementById("viewfinder").hidden`) {
			t.Error("the viewfinder is not back after Scan next")
		}
		p.waitFor(`document.documentElement.dataset.verdicts === "2"`, 30*time.Second)
		checkVerdict(t, p.waitVerdict(), env.pass(t, "valid-vaccination"))
		p.CheckNoConsoleErrors()
	})

	t.Run("stale", func(t *testing.T) {
		p := openSite(t, b, staleSrv.URL+"/")
		pages = append(pages, p)
		if got := eval[string](p, `document.getElementById("trust").dataset.state`); got != "expired" {
			t.Errorf("trust status %q, want expired", got)
		}
		for _, name := range []string{"valid-vaccination", "tampered"} {
			pass := env.pass(t, name)
			checkVerdict(t, p.paste(pass.Text), pass, "TRUSTLIST_EXPIRED")
			p.next()
		}
	})

	t.Run("real-signers", func(t *testing.T) {
		// The signers real states use, in a trust list of their own: their
		// passes are valid on the page (WebCrypto imports P-384 and P-521
		// keys with their curve).
		dir, passes := env.realSignersSite(t)
		rsrv := serveSite(t, dir)
		origins = append(origins, rsrv.URL)
		p := openSite(t, b, rsrv.URL+"/")
		pages = append(pages, p)
		if got := eval[string](p, `document.getElementById("trust").dataset.state`); got != "ok" {
			t.Errorf("trust status %q, want ok", got)
		}
		for _, pass := range passes {
			checkVerdict(t, p.paste(pass.Text), pass)
			p.next()
		}
		p.CheckNoConsoleErrors()
	})

	t.Run("demo-link", func(t *testing.T) {
		// The demo page's links hand a pass in the fragment. This tab is
		// left out of the page-side request check, whose record of a
		// navigation includes the fragment; the proxy, which sees what was
		// really sent, still checks it.
		p := &sitePage{Page: b.NewPage(), t: t}
		ctx, cancel := context.WithTimeout(p.Ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/demo.html")); err != nil {
			t.Fatal(err)
		}
		if n := eval[int](p, `document.querySelectorAll("article.pass").length`); n != len(env.demo.Passes) {
			t.Errorf("demo page shows %d passes, want %d", n, len(env.demo.Passes))
		}
		p.navigate(eval[string](p, `document.querySelector("#expired a.qr").href`))
		checkVerdict(t, p.waitVerdict(), env.pass(t, "expired"))
		if h := eval[string](p, `location.hash + "|" + location.href`); strings.Contains(h, "HC1") || strings.Contains(h, "hc1") {
			t.Errorf("the pass stays in the address: %.80s", h)
		}
	})

	t.Run("foreign-list", func(t *testing.T) {
		// A trust list signed by a key the page does not pin is refused:
		// nothing can be checked, and the page says so.
		foreignSrv := serveSite(t, env.foreignDir)
		origins = append(origins, foreignSrv.URL)
		p := openSite(t, b, foreignSrv.URL+"/")
		pages = append(pages, p)
		if got := eval[string](p, `document.getElementById("trust").dataset.state`); got != "missing" {
			t.Errorf("trust status %q, want missing", got)
		}
		got := p.paste(env.pass(t, "valid-vaccination").Text)
		if got.State != "cannot-check" || got.Verified || !slices.Contains(got.Codes, "TRUSTLIST_SIGNATURE_INVALID") {
			t.Errorf("verdict with a foreign list: %+v", got)
		}
		p.next()
	})

	t.Run("offline", func(t *testing.T) {
		// A server of its own, stopped after the first visit: offline for real.
		off := httptest.NewServer(mustHandler(t, env.dir))
		defer off.Close()
		p := openSite(t, b, off.URL+"/")
		pages = append(pages, p)
		p.waitOffline(false)
		origins = append(origins, off.URL)
		off.Close()
		p.SetOffline(true)
		defer p.SetOffline(false)
		p.reload()
		for _, name := range []string{"valid-vaccination", "tampered", "unknown-signer", "revoked-signature"} {
			pass := env.pass(t, name)
			checkVerdict(t, p.paste(pass.Text), pass)
			p.next()
		}
		if got := eval[string](p, `document.getElementById("trust").dataset.state`); got != "ok" {
			t.Errorf("offline trust status %q, want ok", got)
		}
	})

	t.Run("refresh", func(t *testing.T) {
		// The service worker refreshes the trust list behind the page: a
		// new list published on the host reaches the open page, the new
		// bundle is downloaded once, and an unchanged pointer costs no
		// bundle download.
		dir := filepath.Join(t.TempDir(), "site")
		env.variant(t, dir, env.demo.Bundle)
		counter := &countingHandler{h: mustHandler(t, dir), dir: dir}
		rsrv := httptest.NewServer(counter)
		defer rsrv.Close()
		origins = append(origins, rsrv.URL)
		p := openSite(t, b, rsrv.URL+"/")
		pages = append(pages, p)
		p.waitOffline(false)
		oldBundle := publish.BundleName(env.demo.Bundle)

		ask := `(() => { navigator.serviceWorker.controller.postMessage({ type: "passcheck-refresh" }); return true; })()`
		eval[bool](p, ask)
		p.waitFor(`new Promise((r) => setTimeout(() => r(true), 300))`, 5*time.Second)
		if n := counter.count(oldBundle); n > 2 {
			t.Errorf("the unchanged bundle was downloaded %d times (page and worker install: at most 2)", n)
		}

		newer, err := env.demo.trustList(env.demo.Now.Add(time.Minute), 7*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := env.demo.writeTree(dir, newer); err != nil {
			t.Fatal(err)
		}
		seq := strconv.FormatInt(env.demo.Now.Add(time.Minute).Unix(), 10)
		eval[bool](p, ask)
		p.waitFor(`document.getElementById("trust").dataset.sequence === "`+seq+`"`, 30*time.Second)
		if n := counter.count(publish.BundleName(newer)); n != 1 {
			t.Errorf("the new bundle was downloaded %d times, want 1", n)
		}
		// And verdicts use it, with no reload.
		checkVerdict(t, p.paste(env.pass(t, "valid-test").Text), env.pass(t, "valid-test"))
	})

	t.Run("time-zones", func(t *testing.T) {
		// The verdict is decided in UTC and dates of birth are never shifted:
		// the same pass reads the same at UTC+14 and UTC-11.
		var seen []string
		for _, tz := range []string{"Pacific/Kiritimati", "Pacific/Pago_Pago"} {
			p := &sitePage{Page: b.NewPage(), t: t}
			pages = append(pages, p)
			if err := chromedp.Do(p.Ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: tz})
				return err
			})); err != nil {
				t.Fatal(err)
			}
			p.navigate(srv.URL + "/")
			if got := eval[string](p, `Intl.DateTimeFormat().resolvedOptions().timeZone`); got != tz {
				t.Fatalf("time zone %q, want %q", got, tz)
			}
			for _, name := range []string{"valid-recovery", "expired"} {
				got := p.paste(env.pass(t, name).Text)
				checkVerdict(t, got, env.pass(t, name))
				if got.DOB != "April 14, 1990" {
					t.Errorf("%s at %s: date of birth %q, want April 14, 1990", name, tz, got.DOB)
				}
				seen = append(seen, fmt.Sprint(name, got.State, got.Codes))
				p.next()
			}
		}
		if seen[0] != seen[2] || seen[1] != seen[3] {
			t.Errorf("verdicts differ between time zones: %q", seen)
		}
	})

	t.Run("accessibility", func(t *testing.T) {
		p := openSite(t, b, srv.URL+"/")
		pages = append(pages, p)
		// 200 % zoom of a 640 px window: a 320 CSS px viewport.
		if err := chromedp.Do(p.Ctx, chromedp.EmulateViewport(320, 640)); err != nil {
			t.Fatal(err)
		}
		if w := eval[bool](p, `document.documentElement.scrollWidth <= window.innerWidth`); !w {
			t.Error("the scanner scrolls sideways at 320 CSS px (200 % zoom)")
		}
		for _, name := range []string{"valid-vaccination", "expired", "unknown-signer"} {
			p.paste(env.pass(t, name).Text)
			res := eval[map[string]any](p, contrastJS)
			for k, v := range res {
				if r, ok := v.(float64); ok && r < 4.5 {
					t.Errorf("%s: contrast of %s is %.2f, below AA 4.5", name, k, r)
				}
			}
			if !eval[bool](p, `(() => { const v = document.getElementById("verdict"); const n = document.getElementById("next").getBoundingClientRect(); return v.scrollWidth <= v.clientWidth && n.bottom <= window.innerHeight && n.width > 0; })()`) {
				t.Errorf("%s: the verdict overflows or Scan next is off screen at 320 CSS px", name)
			}
			if role := eval[string](p, `document.getElementById("announce").getAttribute("aria-live")`); role != "assertive" {
				t.Errorf("announce region aria-live=%q", role)
			}
			p.next()
		}
	})

	t.Run("language", func(t *testing.T) {
		p := openSite(t, b, srv.URL+"/")
		pages = append(pages, p)
		p.setLanguage("vi")
		got := p.paste(env.pass(t, "tampered").Text)
		if got.Title != "Không hợp lệ" {
			t.Errorf("Vietnamese verdict title %q", got.Title)
		}
		if len(got.Reasons) == 0 || !strings.Contains(got.Reasons[0], "Chữ ký") {
			t.Errorf("Vietnamese reasons %q", got.Reasons)
		}
		p.next()
		// The choice is remembered.
		p.reload()
		if lang := eval[string](p, `document.documentElement.lang`); lang != "vi" {
			t.Errorf("after reload the language is %q, want vi", lang)
		}
		p.setLanguage("en")

		// With no stored choice, the browser's language decides.
		eval[bool](p, `(() => { localStorage.removeItem("passcheck.lang"); return true; })()`)
		q := &sitePage{Page: b.NewPage(), t: t}
		pages = append(pages, q)
		ua := eval[string](p, `navigator.userAgent`)
		if err := chromedp.Do(q.Ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: "vi-VN,vi"})
			return err
		})); err != nil {
			t.Fatal(err)
		}
		q.navigate(srv.URL + "/")
		if lang := eval[string](q, `navigator.language + " → " + document.documentElement.lang`); !strings.HasSuffix(lang, "→ vi") {
			t.Errorf("browser language %s, want the page in vi", lang)
		}
		eval[bool](q, `(() => { localStorage.setItem("passcheck.lang", "en"); return true; })()`)
	})

	t.Run("screenshots", func(t *testing.T) {
		out := t.TempDir()
		if os.Getenv("UPDATE_SCREENSHOTS") == "1" {
			out = filepath.Join("..", "..", "docs", "screenshots")
		}
		for _, lang := range []string{"en", "vi"} {
			for _, shot := range []struct {
				name, pass string
				url        string
			}{
				{"valid", "valid-vaccination", srv.URL},
				{"invalid", "tampered", srv.URL},
				{"stale", "valid-vaccination", staleSrv.URL},
			} {
				p := openSite(t, b, shot.url+"/")
				pages = append(pages, p)
				p.setLanguage(lang)
				p.paste(env.pass(t, shot.pass).Text)
				// Hold still: no animation in the picture.
				p.waitFor(`document.getAnimations().every((a) => a.playState === "finished")`, 5*time.Second)
				p.Screenshot(filepath.Join(out, fmt.Sprintf("verdict-%s-%s.png", shot.name, lang)))
				p.next()
				p.setLanguage("en")
			}
		}
	})

	checkRequests(t, b, pages, origins, env.secrets)
}

func isChromiumService(host string) bool {
	for _, d := range []string{"google.com", "googleapis.com", "gvt1.com", "gstatic.com"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

func mustHandler(t testing.TB, dir string) http.Handler {
	t.Helper()
	h, err := site.Handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// contrastJS measures the WCAG contrast of the verdict's text against its
// background.
const contrastJS = `(() => {
  const rgb = (s) => (s.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const bg = (n) => { for (; n; n = n.parentElement) { const c = getComputedStyle(n).backgroundColor; if (c && !c.endsWith(", 0)") && c !== "transparent") return c; } return "rgb(255, 255, 255)"; };
  const out = {};
  for (const sel of [".verdict-title", ".verdict-sub", ".reasons li", ".holder .name", ".unverified-note", ".verdict-card dt"]) {
    const n = document.querySelector("#verdict " + sel);
    if (n) out[sel] = ratio(getComputedStyle(n).color, bg(n));
  }
  const trust = document.getElementById("trust");
  out["#trust"] = ratio(getComputedStyle(trust).color, bg(trust));
  return out;
})()`

// countingHandler counts the body bytes a handler sends, and what the same
// responses would weigh as brotli copies.
type countingHandler struct {
	h     http.Handler
	dir   string
	mu    sync.Mutex
	n     int64
	br    int64
	enc   map[string]int // responses per Content-Encoding
	paths []string       // the files asked for, in order
}

// count returns how often name was asked for.
func (c *countingHandler) count(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, p := range c.paths {
		if p == name {
			n++
		}
	}
	return n
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cw := &countingWriter{ResponseWriter: w}
	c.h.ServeHTTP(cw, r)
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	size := cw.n
	if cw.status == http.StatusOK {
		if st, err := os.Stat(filepath.Join(c.dir, filepath.FromSlash(name)+".br")); err == nil {
			size = st.Size()
		}
	}
	c.mu.Lock()
	c.paths = append(c.paths, name)
	c.n += cw.n
	c.br += size
	if enc := cw.Header().Get("Content-Encoding"); enc != "" {
		if c.enc == nil {
			c.enc = map[string]int{}
		}
		c.enc[enc]++
	}
	c.mu.Unlock()
}

type countingWriter struct {
	http.ResponseWriter
	n      int64
	status int
}

func (w *countingWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}
