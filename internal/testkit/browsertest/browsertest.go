// Package browsertest drives a headless Chromium for the browser tests of
// passcheck: the WebAssembly module, the scanner page, the kiosk and the
// widget. Start with [Start], open a tab with [Browser.NewPage], serve files
// with [Serve], and check the page's privacy with [Page.CheckRequests].
//
//	b := browsertest.Start(t, browsertest.Options{})
//	srv := browsertest.Serve(t, "dist", nil)
//	p := b.NewPage()
//	p.Navigate(srv.URL + "/index.html")
//	ok := browsertest.Eval[bool](p, `window.ready`)
//	p.CheckRequests(srv.URL, passText)
//
// # Finding Chromium
//
// The browser is $CHROMIUM, else /usr/bin/chromium, else chromium or
// chromium-browser on PATH. When none exists the test is skipped, except
// under CI=true, where it fails: CI never skips a browser test silently.
//
// # What is recorded
//
// Every tab records the requests its page makes (CDP Network events) and the
// errors on its console (console.error, uncaught exceptions, error entries of
// the browser log). Chromium also sends all its traffic, loopback included and
// service workers included, through a recording proxy of the browser, which
// forwards only to loopback addresses and refuses everything else: no test can
// reach the outside even by mistake, and [Browser.Requests] shows what was
// tried.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// DefaultFlags are the command-line flags every browser starts with, besides
// --headless and a fresh --user-data-dir. Without the background-networking
// flags Chromium keeps trying to reach the outside.
var DefaultFlags = []string{
	"no-sandbox", "disable-gpu", "disable-dev-shm-usage",
	"disable-background-networking", "disable-component-update", "disable-sync",
	"no-first-run", "disable-quic",
	// Quieter still: no pings, reporting, default apps or extensions.
	"no-pings", "disable-domain-reliability", "disable-default-apps", "disable-extensions",
	"disable-client-side-phishing-detection", "disable-breakpad", "metrics-recording-only",
	"no-default-browser-check", "disable-component-extensions-with-background-pages",
}

// disabledFeatures are Chromium features that reach Google's servers from a
// fresh profile even with the flags above (measured with Chromium 156:
// network time, component updates, the optimization guide, account checks).
const disabledFeatures = "NetworkTimeServiceQuerying,OptimizationHints,OptimizationGuideModelDownloading," +
	"OptimizationHintsFetching,OptimizationTargetPrediction,MediaRouter,Translate,AutofillServerCommunication," +
	"CertificateTransparencyComponentUpdater,DialMediaRouteProvider,InterestFeedContentSuggestions,SigninInterceptBubble"

// ChromiumPath returns the Chromium executable, or skips t when there is
// none; under CI=true it fails t instead. With go test -short it skips t:
// browser tests take tens of seconds, and make test runs them.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped with -short (make test runs it)")
	}
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			missing(t, fmt.Sprintf("$CHROMIUM=%s: %v", p, err))
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "no Chromium: set $CHROMIUM or install Debian's chromium package")
	return ""
}

func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("browsertest: %s (CI=true: browser tests never skip)", why)
	}
	t.Skipf("browsertest: %s", why)
}

// Options configure [Start]. The zero value is a 1280×800 window and a
// three-minute bound on the browser's life.
type Options struct {
	// Flags are extra command-line flags without the leading "--": true for
	// a bare flag, a string for a value, e.g.
	// {"use-fake-device-for-media-stream": true,
	//  "use-file-for-fake-video-capture": "/tmp/qr.y4m"}.
	Flags map[string]any
	// Width and Height are the window size in CSS pixels.
	Width, Height int
	// Timeout bounds the browser's whole life; after it every call fails.
	Timeout time.Duration
}

// Browser is a running headless Chromium, stopped when the test ends.
type Browser struct {
	t     testing.TB
	ctx   context.Context // the browser's chromedp context; its first tab is never used
	proxy *proxy
}

// Start starts Chromium headless with [DefaultFlags], a fresh user data
// directory and opts, and stops it when t ends. It skips or fails t as
// [ChromiumPath] does when there is no Chromium.
func Start(t testing.TB, opts Options) *Browser {
	t.Helper()
	exe := ChromiumPath(t)
	if opts.Width == 0 || opts.Height == 0 {
		opts.Width, opts.Height = 1280, 800
	}
	if opts.Timeout == 0 {
		opts.Timeout = 3 * time.Minute
	}
	px, err := startProxy()
	if err != nil {
		t.Fatalf("browsertest: recording proxy: %v", err)
	}
	t.Cleanup(px.close)

	profile := t.TempDir()
	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(opts.Width, opts.Height),
		// All traffic, loopback included ("<-loopback>" removes Chromium's
		// implicit bypass), goes through the recording proxy.
		chromedp.ProxyServer("http://" + px.addr),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
	}
	for _, f := range DefaultFlags {
		allocOpts = append(allocOpts, chromedp.Flag(f, true))
	}
	allocOpts = append(allocOpts, chromedp.Flag("disable-features", disabledFeatures), chromedp.Flag("allow-browser-signin", "false"))
	for name, v := range opts.Flags {
		allocOpts = append(allocOpts, chromedp.Flag(name, v))
	}
	life, cancelLife := context.WithTimeout(context.Background(), opts.Timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(life, allocOpts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	start := time.Now()
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		cancelCtx()
		cancelAlloc()
		cancelLife()
		t.Fatalf("browsertest: starting %s: %v", exe, err)
	}
	t.Logf("browsertest: %s started in %v", exe, time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx)
		cancelCtx()
		cancelAlloc()
		cancelLife()
	})
	return &Browser{t: t, ctx: ctx, proxy: px}
}

// Requests returns every request that reached the browser's recording proxy,
// from every tab and worker, in order.
func (b *Browser) Requests() []Request { return b.proxy.requests() }

// Page is one browser tab. Its methods fail the test on error; use [Page.Ctx]
// with chromedp directly for anything else.
type Page struct {
	// Ctx is the tab's chromedp context, for chromedp.Run and chromedp.Do.
	Ctx context.Context

	t  testing.TB
	b  *Browser
	mu sync.Mutex
	// requests and console are filled by the event listener.
	requests []Request
	console  []string
}

// NewPage opens a tab that records its requests and console errors. On a
// failed test the console errors are logged.
func (b *Browser) NewPage() *Page {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	p := &Page{Ctx: ctx, t: b.t, b: b}
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		cancel()
		b.t.Fatalf("browsertest: new tab: %v", err)
	}
	if err := chromedp.Listen(ctx, p.record); err != nil {
		cancel()
		b.t.Fatalf("browsertest: listening: %v", err)
	}
	b.t.Cleanup(func() {
		if b.t.Failed() {
			for _, m := range p.ConsoleErrors() {
				b.t.Logf("browser console: %s", m)
			}
		}
		cancel()
	})
	return p
}

// record runs on chromedp's reading goroutine: it must be quick and must not
// call chromedp.
func (p *Page) record(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request == nil {
			return
		}
		r := Request{URL: ev.Request.URL + ev.Request.URLFragment, Method: ev.Request.Method, Source: "page"}
		for _, e := range ev.Request.PostDataEntries {
			r.Body = append(r.Body, e.Bytes...)
		}
		p.mu.Lock()
		p.requests = append(p.requests, r)
		p.mu.Unlock()
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			switch {
			case a.Description != "":
				parts = append(parts, a.Description)
			case len(a.Value) > 0:
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			default:
				parts = append(parts, string(a.Type))
			}
		}
		p.addConsole("console." + string(ev.Type) + ": " + strings.Join(parts, " "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		if d == nil {
			return
		}
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		p.addConsole(fmt.Sprintf("exception: %s (%s:%d)", text, d.URL, d.LineNumber+1))
	case *log.EventEntryAdded:
		if e := ev.Entry; e != nil && e.Level == log.EntryLevelError {
			p.addConsole(fmt.Sprintf("log %s: %s %s", e.Source, e.Text, e.URL))
		}
	}
}

func (p *Page) addConsole(s string) {
	p.mu.Lock()
	p.console = append(p.console, s)
	p.mu.Unlock()
}

// Requests returns the requests this tab's page made, in order (CDP Network
// events; a service worker's own requests show in [Browser.Requests]).
func (p *Page) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.requests...)
}

// ConsoleErrors returns the console errors, uncaught exceptions and error log
// entries of the tab so far, as text.
func (p *Page) ConsoleErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.console...)
}

// CheckNoConsoleErrors fails the test for each console error of the tab
// except those containing one of the allowed substrings (e.g.
// "ERR_INTERNET_DISCONNECTED" in an offline test).
func (p *Page) CheckNoConsoleErrors(allowed ...string) {
	p.t.Helper()
next:
	for _, m := range p.ConsoleErrors() {
		for _, a := range allowed {
			if strings.Contains(m, a) {
				continue next
			}
		}
		p.t.Errorf("browser console error: %s", m)
	}
}

// Navigate loads url in the tab and waits for its load event.
func (p *Page) Navigate(url string) {
	p.t.Helper()
	if err := p.do(30*time.Second, chromedp.Navigate(url)); err != nil {
		p.t.Fatalf("browsertest: navigate %s: %v", url, err)
	}
}

// Reload reloads the page and waits for its load event.
func (p *Page) Reload() {
	p.t.Helper()
	if err := p.do(30*time.Second, chromedp.Reload()); err != nil {
		p.t.Fatalf("browsertest: reload: %v", err)
	}
}

func (p *Page) do(timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(p.Ctx, timeout)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// Eval evaluates the JavaScript expression in the page, awaits it when it is
// a Promise, and decodes its JSON value into T. It fails the test on an
// exception or after 60 seconds.
func Eval[T any](p *Page, expr string) T {
	p.t.Helper()
	v, err := EvalErr[T](p, expr)
	if err != nil {
		p.t.Fatalf("browsertest: evaluating %s: %v", abbreviate(expr), err)
	}
	return v
}

// EvalErr is [Eval] that returns the error instead of failing the test.
func EvalErr[T any](p *Page, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(p.Ctx, 60*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// WaitFor polls the JavaScript expression until it is truthy, failing the
// test after timeout.
func (p *Page) WaitFor(expr string, timeout time.Duration) {
	p.t.Helper()
	if err := p.WaitForErr(expr, timeout); err != nil {
		p.t.Fatalf("browsertest: waiting for %s: %v", abbreviate(expr), err)
	}
}

// WaitForErr is [Page.WaitFor] that returns the error instead of failing
// the test, for a caller that has more to say about it.
func (p *Page) WaitForErr(expr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(p.Ctx, timeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(20*time.Millisecond)))
	return err
}

// SetOffline switches the tab's network off (every request fails, service
// workers included, and navigator.onLine is false) or back on.
func (p *Page) SetOffline(offline bool) {
	p.t.Helper()
	err := p.do(10*time.Second, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: &offline,
			MatchedNetworkConditions:    []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}},
		})
		if err != nil {
			return err
		}
		_, err = chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: offline, DownloadThroughput: -1, UploadThroughput: -1,
		})
		return err
	}))
	if err != nil {
		p.t.Fatalf("browsertest: set offline %v: %v", offline, err)
	}
}

// Screenshot writes a PNG of the whole page to path, creating its directory.
func (p *Page) Screenshot(path string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.MkdirAll(filepath.Dir(path), 0o755)
	}
	if err == nil {
		err = os.WriteFile(path, png, 0o644)
	}
	if err != nil {
		p.t.Fatalf("browsertest: screenshot %s: %v", path, err)
	}
}

func abbreviate(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// errRefused is the proxy's answer to a request for a non-loopback host.
var errRefused = errors.New("browsertest: refused: not a loopback address")
