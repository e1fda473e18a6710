package main

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/passcheck/passcheck/internal/browsertest"
	"github.com/passcheck/passcheck/trustlist/build"
)

// The browser tests of the kiosk, the keyboard wedge, the single-file page
// and the widget share one headless Chromium (internal/browsertest: skipped
// without Chromium, failed under CI=true).

// kioskEnv is the material of these tests: the demo site and a second,
// unrelated demo (other publisher, other signers) for isolation tests.
type kioskEnv struct {
	demo    *demo
	other   *demo
	dir     string
	secrets []string
}

func newKioskEnv(t *testing.T) *kioskEnv {
	t.Helper()
	now := time.Now()
	d, err := makeDemo(now, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other, err := makeDemo(now, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	env := &kioskEnv{demo: d, other: other, dir: filepath.Join(t.TempDir(), "site")}
	start := time.Now()
	m, err := d.writeSite(env.dir, siteOptions{NoCompress: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Assets[widgetJS] == "" {
		writeWidgetForTest(t, env.dir, d, m)
	}
	t.Logf("site built in %v", time.Since(start).Round(time.Millisecond))
	// The other publisher's trust list and key, beside the site.
	if err := build.WriteTree(filepath.Join(env.dir, "other"), other.Bundle, 1); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(env.dir, "other", "publisher.pem"), other.PublisherPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range append(slices.Clone(d.Passes), other.Passes...) {
		env.secrets = append(env.secrets, p.Text)
	}
	return env
}

// writeWidgetForTest writes the widget's files into a site built without
// them.
func writeWidgetForTest(t *testing.T, dir string, d *demo, m *siteManifest) {
	t.Helper()
	root, err := findSourceRoot()
	if err != nil {
		t.Fatal(err)
	}
	goroot, err := goEnv(goCommand(), "GOROOT")
	if err != nil {
		t.Fatal(err)
	}
	langs, err := readLanguages(filepath.Join(root, "site", "i18n"))
	if err != nil {
		t.Fatal(err)
	}
	sets, err := readValueSets(filepath.Join(root, "spec", "valuesets"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := widgetFiles(widgetInput{
		Root: root, WasmExec: filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"),
		WasmPath: m.Assets["passcheck.wasm"], TrustListURL: m.TrustListURL, TrustKeys: string(d.PublisherPEM),
		GraceSeconds: trustGrace.Seconds(), Version: "test", Languages: langs, ValueSets: sets,
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func (env *kioskEnv) pass(t testing.TB, d *demo, name string) demoPass {
	t.Helper()
	for _, p := range d.Passes {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no demo pass %q", name)
	return demoPass{}
}

// typeKeys sends text as key presses, then Enter, through CDP
// (Input.dispatchKeyEvent), gap apart: a barcode scanner in keyboard mode,
// or a person typing. Nothing on the page is focused by it. Each event
// carries its time (the page's KeyboardEvent.timeStamp), so that the gaps
// the page sees are gap whatever the round trips cost on a busy machine;
// for gaps a person would leave, the keys are also sent that far apart in
// real time.
func typeKeys(t *testing.T, p *browsertest.Page, text string, gap time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, 2*time.Minute)
	defer cancel()
	send := func(ctx context.Context, ev input.DispatchKeyEventParams) error {
		_, err := chromedp.Call(ctx, input.DispatchKeyEvent, ev)
		return err
	}
	start := time.Now()
	at := func(i int) input.TimeSinceEpoch {
		return input.TimeSinceEpoch(float64(start.Add(time.Duration(i)*gap).UnixMicro()) / 1e6)
	}
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		i := 0
		for _, r := range text {
			if gap >= 20*time.Millisecond {
				time.Sleep(time.Until(start.Add(time.Duration(i) * gap)))
			}
			s := string(r)
			down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: s, Text: s, UnmodifiedText: s, Timestamp: at(i)}
			if err := send(ctx, down); err != nil {
				return err
			}
			if err := send(ctx, input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: s, Timestamp: at(i)}); err != nil {
				return err
			}
			i++
		}
		if gap >= 20*time.Millisecond {
			time.Sleep(time.Until(start.Add(time.Duration(i) * gap)))
		}
		enter := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Text: "\r", Timestamp: at(i)}
		if err := send(ctx, enter); err != nil {
			return err
		}
		return send(ctx, input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Timestamp: at(i)})
	}))
	if err != nil {
		t.Fatalf("typing: %v", err)
	}
}

// evalT evaluates expr in p, failing t (the subtest) on error.
func evalT[T any](t *testing.T, p *browsertest.Page, expr string) T {
	t.Helper()
	v, err := browsertest.EvalErr[T](p, expr)
	if err != nil {
		t.Fatalf("evaluating %.120s: %v (console: %q)", expr, err, p.ConsoleErrors())
	}
	return v
}

// waitT polls expr until truthy, failing t after timeout.
func waitT(t *testing.T, p *browsertest.Page, expr string, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, timeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		t.Fatalf("waiting for %.120s: %v (console: %q)", expr, err, p.ConsoleErrors())
	}
}

// clickT clicks the middle of the top of the element with id, with real
// mouse events (pointerdown included).
func clickT(t *testing.T, p *browsertest.Page, id string) {
	t.Helper()
	xy := evalT[[]float64](t, p, `(() => { const r = document.getElementById("`+id+`").getBoundingClientRect(); return [r.left + r.width / 2, r.top + 10]; })()`)
	if err := chromedp.Do(p.Ctx, chromedp.MouseClickXY(xy[0], xy[1])); err != nil {
		t.Fatalf("click #%s: %v", id, err)
	}
}

func navigateT(t *testing.T, p *browsertest.Page, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
}

// widgetTestHTML is a page with two widgets on different trust lists (the
// demo's, and the other publisher's) and a third on the demo's with
// scanner input switched off. widgetTestJS records their events.
const widgetTestHTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>widget test</title>
<link rel="icon" href="icon.svg" type="image/svg+xml">
<script type="module" src="widget/passcheck-verifier.js"></script>
<script type="module" src="widget-test.js"></script></head>
<body>
<button id="outside">outside</button>
<passcheck-verifier id="a" lang="en"></passcheck-verifier>
<passcheck-verifier id="b" lang="en" trustlist-url="other/trustlist.json" trust-keys="other/publisher.pem"></passcheck-verifier>
<passcheck-verifier id="c" lang="en" hid="off"></passcheck-verifier>
</body></html>`

const widgetTestJS = `window.events = [];
document.addEventListener("passcheck-result", (e) => {
  // composed and bubbling: seen at the document, with the element as target.
  window.events.push({ id: e.target.id, verdict: e.detail.verdict, verified: e.detail.verified, source: e.detail.source,
    valid: e.detail.result.valid, codes: e.detail.result.errors.map((x) => x.code), kind: e.detail.result.kind,
    family: e.detail.result.holder ? e.detail.result.holder.familyName : "",
    trustSequence: e.detail.trustList ? e.detail.trustList.sequence : null, bubbles: e.bubbles, composed: e.composed });
});
window.shown = (id) => {
  const r = document.getElementById(id).shadowRoot;
  const q = (s) => r.querySelector(s);
  return { hidden: q(".verdict").hidden, state: q(".verdict").dataset.state || "", title: q(".title").textContent,
    name: q(".name").textContent, codes: [...r.querySelectorAll(".reasons li")].map((l) => l.dataset.code) };
};
`

type widgetEvent struct {
	ID, Verdict, Source, Kind, Family  string
	Verified, Valid, Bubbles, Composed bool
	Codes                              []string
	TrustSequence                      *float64
}

type widgetShown struct {
	Hidden             bool
	State, Title, Name string
	Codes              []string
}

func TestKioskWidgetBrowser(t *testing.T) {
	env := newKioskEnv(t)
	os.WriteFile(filepath.Join(env.dir, "widget-test.html"), []byte(widgetTestHTML), 0o644)
	os.WriteFile(filepath.Join(env.dir, "widget-test.js"), []byte(widgetTestJS), 0o644)
	b := browsertest.Start(t, browsertest.Options{Width: 1280, Height: 900, Timeout: 6 * time.Minute})
	srv := serveSite(t, env.dir)
	var pages []*browsertest.Page

	t.Run("widget", func(t *testing.T) {
		p := b.NewPage()
		pages = append(pages, p)
		navigateT(t, p, srv.URL+"/widget-test.html")
		waitT(t, p, `["a","b","c"].every((id) => document.getElementById(id).dataset.ready === "true")`, 30*time.Second)
		events := func() []widgetEvent { return evalT[[]widgetEvent](t, p, `window.events`) }

		// Every demo pass through element.verify on instance a: the event
		// carries the Result the demo announces.
		for i, pass := range env.demo.Passes {
			js, _ := json.Marshal(pass.Text)
			evalT[bool](t, p, `document.getElementById("a").verify(`+string(js)+`).then(() => true)`)
			ev := events()
			if len(ev) != i+1 {
				t.Fatalf("%s: %d events after %d passes", pass.Name, len(ev), i+1)
			}
			got := ev[i]
			if got.ID != "a" || got.Source != "api" || !got.Bubbles || !got.Composed {
				t.Errorf("%s: event %+v", pass.Name, got)
			}
			if got.Verdict != pass.Expect || got.Valid != (pass.Expect == "valid") {
				t.Errorf("%s: verdict %q valid=%v, want %q", pass.Name, got.Verdict, got.Valid, pass.Expect)
			}
			for _, c := range pass.Codes {
				if !slices.Contains(got.Codes, c) {
					t.Errorf("%s: codes %v lack %s", pass.Name, got.Codes, c)
				}
			}
			if got.TrustSequence == nil {
				t.Errorf("%s: the event carries no trust-list sequence", pass.Name)
			}
			shown := evalT[widgetShown](t, p, `shown("a")`)
			if shown.Hidden || shown.State != pass.Expect || !slices.Equal(shown.Codes, got.Codes) && pass.Expect != "unknown" {
				t.Errorf("%s: shown %+v, event %+v", pass.Name, shown, got)
			}
			// A name on screen only when the signature verified.
			sigFailed := slices.Contains(got.Codes, "SIGNATURE_INVALID") || slices.Contains(got.Codes, "KID_UNKNOWN")
			if sigFailed && (got.Verified || shown.Name != "") {
				t.Errorf("%s: unverified holder shown (verified=%v, name %q)", pass.Name, got.Verified, shown.Name)
			}
			if !sigFailed && !strings.Contains(shown.Name, "Nguyễn") {
				t.Errorf("%s: name %q, want the holder", pass.Name, shown.Name)
			}
		}

		// Two instances on different trust lists: the same pass is valid in
		// a and cannot be checked in b, and the other way round; each
		// verdict stays in its own element.
		evalT[bool](t, p, `(async () => { document.getElementById("a").reset(); window.events = []; return true; })()`)
		mine, theirs := env.pass(t, env.demo, "valid-vaccination"), env.pass(t, env.other, "valid-vaccination")
		for _, c := range []struct {
			id, text, want string
		}{{"a", mine.Text, "valid"}, {"b", mine.Text, "unknown"}, {"b", theirs.Text, "valid"}, {"a", theirs.Text, "unknown"}} {
			js, _ := json.Marshal(c.text)
			evalT[bool](t, p, `document.getElementById("`+c.id+`").verify(`+string(js)+`).then(() => true)`)
			ev := events()
			if got := ev[len(ev)-1]; got.ID != c.id || got.Verdict != c.want {
				t.Errorf("instance %s: event %+v, want verdict %s", c.id, got, c.want)
			}
			if got := evalT[widgetShown](t, p, `shown("`+c.id+`")`); got.State != c.want {
				t.Errorf("instance %s shows %q, want %q", c.id, got.State, c.want)
			}
			other := map[string]string{"a": "b", "b": "a"}[c.id]
			evalT[bool](t, p, `(document.getElementById("`+other+`").reset(), true)`)
		}

		// Scanner input: before any interaction, the first instance with
		// scanner input on (a) gets it; after a click on b, b does; c
		// (hid="off") never does, even when clicked last.
		evalT[bool](t, p, `(["a","b","c"].forEach((id) => document.getElementById(id).reset()), window.events = [], true)`)
		typeKeys(t, p, mine.Text, 5*time.Millisecond)
		waitT(t, p, `window.events.length === 1`, 10*time.Second)
		if ev := events(); ev[0].ID != "a" || ev[0].Source != "hid" || ev[0].Verdict != "valid" {
			t.Errorf("first scan: %+v, want a from hid, valid", ev[0])
		}
		clickT(t, p, "b")
		typeKeys(t, p, mine.Text, 5*time.Millisecond)
		waitT(t, p, `window.events.length === 2`, 10*time.Second)
		if ev := events(); ev[1].ID != "b" || ev[1].Source != "hid" || ev[1].Verdict != "unknown" {
			t.Errorf("scan after clicking b: %+v", ev[1])
		}
		clickT(t, p, "c")
		typeKeys(t, p, mine.Text, 5*time.Millisecond)
		waitT(t, p, `window.events.length === 3`, 10*time.Second)
		if ev := events(); ev[2].ID != "b" {
			t.Errorf("scan after clicking c (hid=off): went to %s, want b", ev[2].ID)
		}
		// Slow typing is not a scan.
		evalT[bool](t, p, `(["a","b","c"].forEach((id) => document.getElementById(id).reset()), true)`)
		typeKeys(t, p, mine.Text[:40], 80*time.Millisecond)
		time.Sleep(200 * time.Millisecond)
		if n := len(events()); n != 3 {
			t.Errorf("slow typing made %d more events", n-3)
		}
		p.CheckNoConsoleErrors()
	})

	t.Run("embed", func(t *testing.T) {
		p := b.NewPage()
		pages = append(pages, p)
		navigateT(t, p, srv.URL+"/embed.html")
		waitT(t, p, `["entrance-a","entrance-b"].every((id) => document.getElementById(id).dataset.ready === "true")`, 30*time.Second)
		pass := env.pass(t, env.demo, "valid-test")
		js, _ := json.Marshal(pass.Text)
		for _, id := range []string{"entrance-a", "entrance-b"} {
			got := evalT[string](t, p, `document.getElementById("`+id+`").verify(`+string(js)+`).then((d) => d.verdict)`)
			if got != "valid" {
				t.Errorf("%s: %q, want valid", id, got)
			}
		}
		// The Vietnamese instance speaks Vietnamese; the page's log keeps no name.
		if title := evalT[string](t, p, `document.getElementById("entrance-b").shadowRoot.querySelector(".title").textContent`); title != "Hợp lệ" {
			t.Errorf("entrance-b title %q, want Hợp lệ", title)
		}
		log := evalT[string](t, p, `document.getElementById("log").textContent`)
		if !strings.Contains(log, "valid (test)") || strings.Contains(log, "Nguyễn") {
			t.Errorf("log %q", log)
		}
		// The theme reaches inside the Shadow DOM.
		radius := evalT[string](t, p, `getComputedStyle(document.getElementById("entrance-b")).borderTopLeftRadius`)
		if radius != "20px" {
			t.Errorf("themed radius %q, want 20px (1.25rem)", radius)
		}
		p.CheckNoConsoleErrors()
	})

	checkOrigin(t, b, pages, srv.URL, env.secrets)
}

// chromiumServiceHosts are the hosts Chromium itself calls from a fresh
// profile even with the background-networking flags (component updates,
// account checks; seen with Chromium 156). The browser's recording proxy
// refuses them; they are not the page's requests, which the page's own
// CDP events record whatever their host.
var chromiumServiceHosts = []string{"update.googleapis.com", "accounts.google.com", "clients2.google.com", "optimizationguide-pa.googleapis.com"}

// checkOrigin fails for every request of the pages (CDP events), and every
// request the browser made through its proxy (service workers included),
// that leaves origin or carries pass data; Chromium's own service calls
// seen by the proxy are logged only.
func checkOrigin(t *testing.T, b *browsertest.Browser, pages []*browsertest.Page, origin string, secrets []string) {
	t.Helper()
	origin = strings.TrimSuffix(origin, "/")
	n := 0
	for _, p := range pages {
		for _, r := range p.Requests() {
			n++
			if why := browsertest.Violation(r, origin, secrets...); why != "" {
				t.Errorf("page request %s %s: %s", r.Method, r.URL, why)
			}
		}
	}
	for _, r := range b.Requests() {
		why := browsertest.Violation(r, origin, secrets...)
		if why == "" {
			continue
		}
		if u, err := url.Parse(r.URL); err == nil && slices.Contains(chromiumServiceHosts, u.Hostname()) && !strings.Contains(why, "pass") && !strings.Contains(why, "HC1") {
			t.Logf("Chromium's own request (refused by the proxy): %s %s", r.Method, u.Host)
			continue
		}
		t.Errorf("request %s %s (%s): %s", r.Method, r.URL, r.Source, why)
	}
	if n == 0 {
		t.Error("no page request recorded: the recorder is not working")
	}
}
