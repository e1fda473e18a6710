package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/passcheck/passcheck/internal/testkit/browsertest"
	"github.com/passcheck/passcheck/site"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// The browser tests of the kiosk, the keyboard wedge, the single-file page
// and the widget share one headless Chromium (internal/testkit/browsertest: skipped
// without Chromium, failed under CI=true).

// kioskEnv is the material of these tests: the demo site and a second,
// unrelated demo (other publisher, other signers) for isolation tests.
type kioskEnv struct {
	root    string // a source tree to build from ("": the sources the package carries)
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
	env := &kioskEnv{demo: d, other: other, dir: filepath.Join(t.TempDir(), "site"), root: os.Getenv("PASSCHECK_TEST_SRC")}
	start := time.Now()
	m, err := d.writeSite(env.dir, site.Options{NoCompress: true, Dir: env.root})
	if err != nil {
		t.Fatal(err)
	}
	if m.Assets[site.WidgetJS] == "" {
		t.Fatalf("the site build wrote no %s", site.WidgetJS)
	}
	t.Logf("site built in %v", time.Since(start).Round(time.Millisecond))
	// The other publisher's trust list and key, beside the site.
	if err := other.writeTree(filepath.Join(env.dir, "other"), other.Bundle); err != nil {
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
			// Key-up events only for a person's speed: the wedge reads
			// key-downs, and half the round trips keep a long pass quick.
			if gap >= 20*time.Millisecond {
				if err := send(ctx, input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: s, Timestamp: at(i)}); err != nil {
					return err
				}
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
	t.Logf("typed %d keys in %v", len(text), time.Since(start).Round(time.Millisecond))
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
<link rel="icon" href="icon-32.png" type="image/png" sizes="32x32">
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
    resultVerdict: e.detail.result.verdict, valid: e.detail.result.valid, codes: e.detail.result.errors.map((x) => x.code), kind: e.detail.result.kind,
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
	ID, Verdict, ResultVerdict, Source string
	Kind, Family                       string
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
	// No camera: the kiosk tries to start one and goes on without it (the
	// camera path is the scanner page's test). With Chromium's fake camera,
	// every frame is decoded on the page's thread, and each CDP key event
	// waits its turn behind a frame: a pass took up to a minute to type.
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
			want := pageVerdict(pass.Expect)
			if got.Verdict != want || got.Valid != (want == "valid") || got.ResultVerdict != want {
				t.Errorf("%s: verdict %q (Result: %q) valid=%v, want %q", pass.Name, got.Verdict, got.ResultVerdict, got.Valid, want)
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
			if shown.Hidden || shown.State != want || !slices.Equal(shown.Codes, got.Codes) && want != "cannot-check" {
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
		}{{"a", mine.Text, "valid"}, {"b", mine.Text, "cannot-check"}, {"b", theirs.Text, "valid"}, {"a", theirs.Text, "cannot-check"}} {
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
		if ev := events(); ev[1].ID != "b" || ev[1].Source != "hid" || ev[1].Verdict != "cannot-check" {
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
		typeKeys(t, p, mine.Text[:25], 80*time.Millisecond)
		time.Sleep(200 * time.Millisecond)
		if n := len(events()); n != 3 {
			t.Errorf("slow typing made %d more events", n-3)
		}
		// Keys from another origin are refused before any request is made.
		code := evalT[string](t, p, `new Promise((resolve) => {
		  const el = document.createElement("passcheck-verifier");
		  el.setAttribute("trust-keys", "https://keys.example/publisher.pem");
		  el.addEventListener("passcheck-error", (e) => resolve(e.detail.code));
		  document.body.append(el);
		})`)
		if code != "TRUSTLIST_KEY_INVALID" {
			t.Errorf("trust-keys on another origin: %q, want TRUSTLIST_KEY_INVALID", code)
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
		screenshot(t, p, "embed.png")
		radius := evalT[string](t, p, `getComputedStyle(document.getElementById("entrance-b")).borderTopLeftRadius`)
		if radius != "20px" {
			t.Errorf("themed radius %q, want 20px (1.25rem)", radius)
		}
		p.CheckNoConsoleErrors()
	})

	t.Run("demo", func(t *testing.T) {
		// The demo page links to the kiosk, the single-file download and
		// the widget example, and serve sends the single file as a download.
		page, err := os.ReadFile(filepath.Join(env.dir, "demo.html"))
		if err != nil {
			t.Fatal(err)
		}
		for _, link := range []string{`href="./?kiosk=5"`, `href="download/kiosk.html" download`, `href="embed.html"`} {
			if !strings.Contains(string(page), link) {
				t.Errorf("demo.html lacks %s", link)
			}
		}
		resp, err := http.Get(srv.URL + "/" + demoSingleFile)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(string(body), site.SingleFileTrustListID) {
			t.Errorf("GET %s: %s, Content-Disposition %q, %d bytes", demoSingleFile, resp.Status, resp.Header.Get("Content-Disposition"), len(body))
		}
	})

	t.Run("kiosk", func(t *testing.T) {
		p := b.NewPage()
		pages = append(pages, p)
		testKiosk(t, env, p, srv.URL+"/?kiosk=1.5")
	})

	t.Run("single-file", func(t *testing.T) {
		p := b.NewPage()
		since := len(b.Requests())
		testSingleFile(t, env, p)
		// From file://, with the network off: not one request anywhere.
		checkOrigin(t, b, []*browsertest.Page{p}, since, "file://", env.secrets)
	})

	checkOrigin(t, b, pages, 0, srv.URL, env.secrets)
}

// holderStrings are the holder's data in the demo passes, as the page could
// show them: names in both scripts and the date of birth, raw and formatted.
var holderStrings = []string{"Nguyễn", "NGUYEN", "Thị Minh Anh", "THI<MINH<ANH", "THI MINH ANH", "1990-04-14", "April 14, 1990", "14 April 1990", "14 tháng 4"}

// leftoversJS collects what the page holds outside the verdict that could
// be a trace of a pass: the DOM (with form values and shadow roots), both
// storages and the names of the IndexedDB databases and caches.
const leftoversJS = `(async () => {
  const parts = [document.documentElement.outerHTML];
  for (const n of document.querySelectorAll("input, textarea")) parts.push(n.value || "");
  for (const n of document.querySelectorAll("*")) if (n.shadowRoot) parts.push(n.shadowRoot.innerHTML);
  const dump = (st) => { const o = []; for (let i = 0; i < st.length; i++) { const k = st.key(i); o.push(k + "=" + st.getItem(k)); } return o.join("\n"); };
  const dbs = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [];
  const cacheURLs = [];
  if (self.caches) for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) cacheURLs.push(r.url);
  return { dom: parts.join("\n"), local: dump(localStorage), session: dump(sessionStorage), idb: dbs, caches: cacheURLs.join("\n") };
})()`

type leftovers struct {
	DOM, Local, Session, Caches string
	IDB                         []string
}

// checkNoHolder fails when any trace of a pass is left in the page.
func checkNoHolder(t *testing.T, p *browsertest.Page, passes []demoPass) {
	t.Helper()
	l := evalT[leftovers](t, p, leftoversJS)
	for where, text := range map[string]string{"DOM": l.DOM, "localStorage": l.Local, "sessionStorage": l.Session, "caches": l.Caches} {
		for _, h := range holderStrings {
			if strings.Contains(text, h) {
				t.Errorf("%s still holds %q after the reset", where, h)
			}
		}
		// The page's own text says passes start with HC1: (the paste
		// box's label); storage must not hold even that.
		if where != "DOM" && strings.Contains(strings.ToUpper(text), "HC1:") {
			t.Errorf("%s holds a pass (HC1:)", where)
		}
		for _, ps := range passes {
			if strings.Contains(text, ps.Text[4:40]) {
				t.Errorf("%s still holds a piece of the pass %s", where, ps.Name)
			}
		}
	}
	if len(l.IDB) != 0 {
		t.Errorf("IndexedDB databases %q exist: nothing should be stored there", l.IDB)
	}
}

type kioskState struct {
	Hidden        bool
	State         string
	Valid         string
	NotValid      string
	Clock         string
	Trust         string
	TrustState    string
	TrustSeq      string
	Kiosk         string
	Wake          string
	Active        string
	Verdicts      string
	ButtonsHidden bool
}

const kioskStateJS = `(() => {
  const v = document.getElementById("verdict");
  const q = (s) => { const n = document.querySelector(s); return n ? n.textContent : ""; };
  const visible = (id) => { const n = document.getElementById(id); return n && n.offsetParent !== null; };
  return { hidden: v.hidden, state: v.dataset.state || "",
    valid: q('[data-count="valid"]'), notValid: q('[data-count="notValid"]'),
    clock: q("#kiosk-clock"), trust: q("#kiosk-trust"), trustState: (document.getElementById("kiosk-trust") || {dataset: {}}).dataset.state || "",
    trustSeq: (document.getElementById("kiosk-trust") || {dataset: {}}).dataset.sequence || "",
    kiosk: document.documentElement.dataset.kiosk || "", wake: document.documentElement.dataset.kioskWake || "",
    active: document.activeElement ? document.activeElement.tagName : "", verdicts: document.documentElement.dataset.verdicts || "0",
    buttonsHidden: !visible("camera") && !visible("check") && !visible("next") };
})()`

// testKiosk runs the kiosk at url (hold 1.5 s): scanner input with nothing
// focused, the hold and the reset leaving no trace, the counter, slow
// typing ignored.
func testKiosk(t *testing.T, env *kioskEnv, p *browsertest.Page, url string) {
	navigateT(t, p, url)
	waitT(t, p, `document.documentElement.dataset.ready === "true" && document.documentElement.dataset.kiosk === "on"`, 30*time.Second)
	st := evalT[kioskState](t, p, kioskStateJS)
	t.Logf("kiosk: wake lock %q, clock %q, trust %q", st.Wake, st.Clock, st.Trust)
	if !st.ButtonsHidden {
		t.Error("kiosk mode shows buttons to tap")
	}
	if ok, _ := regexpMatch(`^\d{1,2}:\d{2}:\d{2}`, st.Clock); !ok {
		t.Errorf("kiosk clock %q", st.Clock)
	}
	if st.TrustState != "ok" || st.TrustSeq == "" || strings.Contains(st.Trust, "#") || strings.Contains(st.Trust, st.TrustSeq) {
		t.Errorf("kiosk trust line %q (%s)", st.Trust, st.TrustState)
	}
	if st.Active != "BODY" {
		t.Errorf("focused element %s, want none (BODY)", st.Active)
	}
	// This browser has no camera: the kiosk says it takes the scanner.
	waitT(t, p, `document.getElementById("status").textContent.includes("barcode scanner")`, 10*time.Second)
	// The idle screen tells the guest what to do, large; one trust line
	// (the bar's) is on screen; the clock keeps to one line on a phone.
	idle := evalT[map[string]any](t, p, `(() => { const n = document.getElementById("kiosk-idle"); const t = n.querySelector(".kiosk-idle-title");
	  return { visible: n.offsetParent !== null, text: n.textContent, size: parseFloat(getComputedStyle(t).fontSize) }; })()`)
	if idle["visible"] != true || !strings.Contains(idle["text"].(string), "Show your pass") || idle["size"].(float64) < 32 {
		t.Errorf("kiosk idle screen %v: want it visible, saying what to do, at least 32 px", idle)
	}
	lines := evalT[[]string](t, p, `[...document.querySelectorAll("#trust, #kiosk-trust")].filter((n) => n.offsetParent !== null).map((n) => n.textContent)`)
	if len(lines) != 1 || !strings.Contains(lines[0], "expires in") {
		t.Errorf("kiosk trust lines %q, want one", lines)
	}
	for _, w := range []int64{412, 320} {
		if err := chromedp.Do(p.Ctx, chromedp.EmulateViewport(w, 800)); err != nil {
			t.Fatal(err)
		}
		if h := evalT[float64](t, p, `(() => { const c = document.getElementById("kiosk-clock"); return c.getBoundingClientRect().height / parseFloat(getComputedStyle(c).fontSize); })()`); h > 1.5 {
			t.Errorf("at %d px the kiosk clock is %.1f lines high: it wraps", w, h)
		}
	}
	if err := chromedp.Do(p.Ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}

	// The page's own clock times the hold: when the verdict showed and when
	// it left.
	evalT[bool](t, p, `(() => { window.hold = {}; const v = document.getElementById("verdict");
	  new MutationObserver(() => { const now = performance.now();
	    if (!v.hidden && !hold.shown) hold.shown = now;
	    if (v.hidden && hold.shown && !hold.cleared) hold.cleared = now; }).observe(v, { attributes: true });
	  return true; })()`)
	valid := env.pass(t, env.demo, "valid-vaccination")
	typeKeys(t, p, valid.Text, 5*time.Millisecond)
	waitT(t, p, `!document.getElementById("verdict").hidden`, 10*time.Second)
	st = evalT[kioskState](t, p, kioskStateJS)
	if st.State != "valid" || st.Valid != "1" || st.NotValid != "0" {
		t.Errorf("after a valid scan: %+v", st)
	}
	// The name is on screen while the verdict is held (so the check below
	// that it is gone means something).
	if dom := evalT[leftovers](t, p, leftoversJS).DOM; !strings.Contains(dom, "Nguyễn") {
		t.Error("the held verdict does not show the holder")
	}
	screenshot(t, p, "kiosk-valid.png")
	waitT(t, p, `document.getElementById("verdict").hidden && !document.documentElement.dataset.kioskHolding`, 6*time.Second)
	held := evalT[float64](t, p, `hold.cleared - hold.shown`)
	if held < 1400 {
		t.Errorf("the verdict was held %.0f ms, less than the 1.5 s asked for", held)
	}
	t.Logf("verdict held %.0f ms (hold 1.5 s)", held)
	checkNoHolder(t, p, env.demo.Passes)
	screenshot(t, p, "kiosk-idle.png")

	// The counter counts: not valid and cannot check both count as not valid.
	for i, name := range []string{"tampered", "unknown-signer", "valid-test"} {
		pass := env.pass(t, env.demo, name)
		typeKeys(t, p, pass.Text, 5*time.Millisecond)
		waitT(t, p, fmt.Sprintf(`document.documentElement.dataset.verdicts === "%d"`, i+2), 10*time.Second)
		if got := evalT[string](t, p, `document.getElementById("verdict").dataset.state`); got != pageVerdict(pass.Expect) {
			t.Errorf("%s: verdict %q, want %q", name, got, pageVerdict(pass.Expect))
		}
	}
	st = evalT[kioskState](t, p, kioskStateJS)
	if st.Valid != "2" || st.NotValid != "2" {
		t.Errorf("counter valid %q, not valid %q; want 2 and 2", st.Valid, st.NotValid)
	}
	// A code that is not a pass: "scan again", and not counted.
	typeKeys(t, p, "HC1:THIS-IS-NOT-BASE45-AT-ALL", 5*time.Millisecond)
	waitT(t, p, `document.documentElement.dataset.verdicts === "5"`, 10*time.Second)
	if got := evalT[string](t, p, `document.getElementById("verdict").dataset.state`); got != "not-a-pass" {
		t.Errorf("a code that is not a pass: verdict %q, want not-a-pass", got)
	}
	st = evalT[kioskState](t, p, kioskStateJS)
	if st.Valid != "2" || st.NotValid != "2" {
		t.Errorf("after a code that is not a pass: counter valid %q, not valid %q; want 2 and 2", st.Valid, st.NotValid)
	}
	waitT(t, p, `document.getElementById("verdict").hidden`, 5*time.Second)
	checkNoHolder(t, p, env.demo.Passes)

	// A person typing a pass is not a scan.
	typeKeys(t, p, valid.Text[:25], 80*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	if got := evalT[kioskState](t, p, kioskStateJS); got.Verdicts != "5" || !got.Hidden {
		t.Errorf("slow typing gave a verdict: %+v", got)
	}
	p.CheckNoConsoleErrors()
}

// dropFile drags the file at path onto the middle of the page and drops it.
func dropFile(t *testing.T, p *browsertest.Page, path string) {
	t.Helper()
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: []string{path}, DragOperationsMask: 1}
	ctx, cancel := context.WithTimeout(p.Ctx, 20*time.Second)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
			if _, err := chromedp.Call(ctx, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: 300, Y: 300, Data: data}); err != nil {
				return err
			}
		}
		return nil
	}))
	if err != nil {
		t.Fatalf("dropping %s: %v", path, err)
	}
}

// trustBundle signs a list of d's signers with sequence seq, issued at now.
func trustBundle(t *testing.T, d *demo, now time.Time, validFor time.Duration, seq uint64) []byte {
	t.Helper()
	bundle, _, err := publish.Build(context.Background(), publish.Options{
		Sources: []publish.Source{certSource(d.signers)}, Key: d.PublisherKey, ValidFor: validFor, Now: now, Sequence: seq,
	})
	if err != nil {
		t.Fatal(err)
	}
	return bundle
}

type singleState struct {
	Ready, Single bool
	Trust, State  string
	Seq           string
	BundleOK      string
	BundleCode    string
	BundleText    string
}

const singleStateJS = `(() => {
  const tr = document.getElementById("trust"), bs = document.getElementById("bundle-status");
  return { ready: document.documentElement.dataset.ready === "true", single: document.documentElement.dataset.singleFile === "true",
    trust: tr.textContent, state: tr.dataset.state, seq: tr.dataset.sequence || "",
    bundleOK: bs ? bs.dataset.ok || "" : "", bundleCode: bs ? bs.dataset.code || "" : "", bundleText: bs ? bs.textContent : "" };
})()`

// testSingleFile opens the demo's single-file page (download/kiosk.html,
// built by site.BuildSingleFile with the demo list) from file:// with the network
// off: the demo passes verify; a newer bundle is taken (also after a
// reload), an older or foreign one refused; an expired list turns amber.
func testSingleFile(t *testing.T, env *kioskEnv, p *browsertest.Page) {
	d := env.demo
	dir := t.TempDir()
	now := time.Now()
	seq := uint64(d.Now.Unix())
	page := filepath.Join(dir, "kiosk.html")
	html, err := os.ReadFile(filepath.Join(env.dir, filepath.FromSlash(demoSingleFile)))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(page, html, 0o644)
	t.Logf("single file: %d bytes", len(html))
	newer := filepath.Join(dir, "newer.cose")
	older := filepath.Join(dir, "older.cose")
	foreign := filepath.Join(dir, "foreign.cose")
	os.WriteFile(newer, trustBundle(t, d, now, 7*24*time.Hour, seq+10), 0o644)
	os.WriteFile(older, trustBundle(t, d, now, 7*24*time.Hour, seq-10), 0o644)
	os.WriteFile(foreign, trustBundle(t, env.other, now, 7*24*time.Hour, seq+1000), 0o644)

	p.SetOffline(true)
	defer p.SetOffline(false)
	open := func(path string) singleState {
		t.Helper()
		navigateT(t, p, "file://"+path)
		waitT(t, p, `document.documentElement.dataset.ready === "true"`, 30*time.Second)
		return evalT[singleState](t, p, singleStateJS)
	}
	st := open(page)
	if !st.Single || st.State != "ok" || st.Seq != fmt.Sprint(seq) {
		t.Fatalf("single-file page: %+v", st)
	}
	for _, pass := range d.Passes {
		js, _ := json.Marshal(pass.Text)
		evalT[bool](t, p, `(() => { document.getElementById("paste-text").value = `+string(js)+`; document.getElementById("check").click(); return true; })()`)
		waitT(t, p, `!document.getElementById("verdict").hidden`, 10*time.Second)
		got := evalT[widgetShown](t, p, `(() => { const v = document.getElementById("verdict"); return { state: v.dataset.state, codes: [...v.querySelectorAll(".reasons li")].map((l) => l.dataset.code) }; })()`)
		if got.State != pageVerdict(pass.Expect) {
			t.Errorf("%s: verdict %q, want %q", pass.Name, got.State, pageVerdict(pass.Expect))
		}
		for _, c := range pass.Codes {
			if !slices.Contains(got.Codes, c) {
				t.Errorf("%s: codes %v lack %s", pass.Name, got.Codes, c)
			}
		}
		evalT[bool](t, p, `(document.getElementById("next").click(), true)`)
		waitT(t, p, `document.getElementById("verdict").hidden`, 5*time.Second)
	}

	// take hands the page a bundle file: dropped onto the page (CDP drag
	// events carrying the file), or picked with the file button.
	take := func(file string, drop bool) singleState {
		t.Helper()
		before := evalT[string](t, p, `document.getElementById("bundle-status").textContent`)
		if drop {
			dropFile(t, p, file)
		} else if err := chromedp.Do(p.Ctx, chromedp.SetUploadFiles(`#bundle-file`, []string{file})); err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(before)
		waitT(t, p, `document.getElementById("bundle-status").textContent !== `+string(js), 10*time.Second)
		return evalT[singleState](t, p, singleStateJS)
	}
	if st := take(newer, true); st.BundleOK != "true" || st.Seq != fmt.Sprint(seq+10) {
		t.Errorf("newer bundle: %+v", st)
	}
	if st := take(older, true); st.BundleOK != "false" || st.BundleCode != "TRUSTLIST_ROLLBACK" || st.Seq != fmt.Sprint(seq+10) {
		t.Errorf("older bundle: %+v", st)
	}
	if st := take(foreign, false); st.BundleOK != "false" || !strings.HasPrefix(st.BundleCode, "TRUSTLIST_") || st.Seq != fmt.Sprint(seq+10) {
		t.Errorf("foreign bundle: %+v", st)
	}
	// After a reload the newer list is still in use (kept in localStorage).
	if st := open(page); st.Seq != fmt.Sprint(seq+10) || st.State != "ok" {
		t.Errorf("after reload: %+v", st)
	}
	// Without the stored sequence, an older bundle is still refused while
	// the newer list is in use.
	evalT[bool](t, p, `(localStorage.removeItem(Object.keys(localStorage).find((k) => k.startsWith("passcheck.trustlist.sequence.")) || "x"), true)`)
	if st := take(older, false); st.BundleOK != "false" || st.BundleCode != "TRUSTLIST_ROLLBACK" {
		t.Errorf("older bundle without the stored sequence: %+v", st)
	}
	evalT[bool](t, p, `(localStorage.clear(), true)`)

	// A single file carrying an expired list: amber, and "cannot check".
	// The same page with another list in its data block, which no CSP hash
	// covers (TestBuildSingleFile checks that the build reports it expired).
	stale := filepath.Join(dir, "stale.html")
	old := trustBundle(t, d, now.Add(-10*24*time.Hour), 48*time.Hour, seq-100)
	cur, exp := base64.StdEncoding.EncodeToString(d.Bundle), base64.StdEncoding.EncodeToString(old)
	if strings.Count(string(html), cur) != 1 {
		t.Fatal("the demo's single file does not carry the demo list once")
	}
	os.WriteFile(stale, []byte(strings.Replace(string(html), cur, exp, 1)), 0o644)
	if st := open(stale); st.State != "expired" {
		t.Errorf("expired list: trust state %q (%q), want expired", st.State, st.Trust)
	} else if !strings.Contains(st.Trust, "Load a newer trust list") || strings.Contains(st.Trust, "reload") || strings.Contains(st.Trust, "internet") {
		// The single file's remedy is a newer list file, not a reload.
		t.Errorf("expired list on the single-file page says %q, want: load a newer trust list", st.Trust)
	}
	js, _ := json.Marshal(env.pass(t, d, "valid-vaccination").Text)
	evalT[bool](t, p, `(() => { document.getElementById("paste-text").value = `+string(js)+`; document.getElementById("check").click(); return true; })()`)
	waitT(t, p, `!document.getElementById("verdict").hidden`, 10*time.Second)
	if got := evalT[string](t, p, `document.getElementById("verdict").dataset.state`); got != "cannot-check" {
		t.Errorf("valid pass under an expired list: %q, want cannot-check", got)
	}

	// The single file runs as a kiosk too, from file:// with ?kiosk=N.
	navigateT(t, p, "file://"+page+"?kiosk=1")
	waitT(t, p, `document.documentElement.dataset.ready === "true" && document.documentElement.dataset.kiosk === "on" && document.documentElement.dataset.singleFile === "true"`, 30*time.Second)
	typeKeys(t, p, env.pass(t, d, "valid-recovery").Text, 5*time.Millisecond)
	waitT(t, p, `document.getElementById("verdict").dataset.state === "valid"`, 10*time.Second)
	waitT(t, p, `document.getElementById("verdict").hidden`, 10*time.Second)
	if got := evalT[string](t, p, `document.querySelector('[data-count="valid"]').textContent`); got != "1" {
		t.Errorf("single-file kiosk counter %q, want 1", got)
	}
	p.CheckNoConsoleErrors()
}

// screenshot saves a picture of the page for docs/kiosk.md, with
// UPDATE_SCREENSHOTS=1 (as the scanner page's test does).
func screenshot(t *testing.T, p *browsertest.Page, name string) {
	t.Helper()
	if os.Getenv("UPDATE_SCREENSHOTS") == "1" {
		// Hold still: no animation in the picture but the hold's countdown.
		waitT(t, p, `document.getAnimations().filter((a) => !(a.effect && a.effect.target && a.effect.target.classList.contains("kiosk-countdown"))).every((a) => a.playState === "finished")`, 5*time.Second)
		p.Screenshot(filepath.Join("..", "..", "docs", "screenshots", name))
	}
}

func regexpMatch(pattern, s string) (bool, error) { return regexp.MatchString(pattern, s) }

// chromiumServiceHosts are the hosts Chromium itself calls from a fresh
// profile even with the background-networking flags (component updates,
// account checks; seen with Chromium 156). The browser's recording proxy
// refuses them; they are not the page's requests, which the page's own
// CDP events record whatever their host.
var chromiumServiceHosts = []string{"update.googleapis.com", "accounts.google.com", "clients2.google.com", "optimizationguide-pa.googleapis.com"}

// checkOrigin fails for every request of the pages (CDP events), and every
// request the browser made through its proxy (service workers included),
// since the since-th, that leaves origin or carries pass data; Chromium's
// own service calls seen by the proxy are logged only.
func checkOrigin(t *testing.T, b *browsertest.Browser, pages []*browsertest.Page, since int, origin string, secrets []string) {
	t.Helper()
	if !strings.HasSuffix(origin, "://") {
		origin = strings.TrimSuffix(origin, "/")
	}
	n := 0
	for _, p := range pages {
		for _, r := range p.Requests() {
			n++
			if why := browsertest.Violation(r, origin, secrets...); why != "" {
				t.Errorf("page request %s %s: %s", r.Method, r.URL, why)
			}
		}
	}
	for _, r := range b.Requests()[since:] {
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
	if n == 0 && len(pages) > 0 {
		t.Error("no page request recorded: the recorder is not working")
	}
}
