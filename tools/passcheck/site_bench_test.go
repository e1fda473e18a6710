//go:build benchsite

package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/testkit/browsertest"
	"github.com/passcheck/passcheck/site"
)

// BenchmarkSite measures the scanner page in headless Chromium on localhost,
// each iteration on a new origin so that nothing is cached. make bench-site
// runs it (build tag benchsite keeps the plain "go test -bench ." of make
// bench from running it a second time).
//
//   - ms-ready-cold: navigation start to the page being ready to verify
//     (module instantiated, trust list loaded), first visit;
//   - ms-ready-sw: the same on a reload served by the service worker;
//   - ms-first-verdict: a pass pasted as soon as the page is ready (the
//     next call after ready is seen, before the warm-up has been waited
//     for), to its verdict on screen;
//   - ms-camera-verdict: the fake camera (a video of a demo QR code in view
//     from its first frame) started, to the verdict on screen;
//   - first-load-bytes: bytes the server sent for the first visit, the
//     service worker's precache and trust-list fetches included, with the
//     encodings the browser asked for (logged);
//   - first-load-bytes-br: the same responses counted as their brotli
//     copies, what a browser that takes brotli receives;
//   - ms-longtask-max-camera: the longest task on the page's thread (a
//     PerformanceObserver of "longtask" entries, which are those over
//     50 ms; 0: none) from the camera's start to the verdict;
//   - ms-longtask-max-nocode, longtasks-nocode: the same, and how many,
//     during 3 s of scanning frames without a code, from half a second
//     after the camera runs (a second browser whose fake camera films a
//     grey picture).
func BenchmarkSite(b *testing.B) {
	env := newSiteEnv(b, true)
	br := env.phone(b, 10*time.Minute)
	// A build to compare with in the same run: SITE_BEFORE names a
	// passcheck source tree (e.g. git archive of main, unpacked), whose
	// page sources and module are built by this tree's site build.
	builds := []*siteBuild{{name: "this build", dir: env.dir}}
	if src := os.Getenv("SITE_BEFORE"); src != "" {
		dir := filepath.Join(b.TempDir(), "before")
		if _, err := env.demo.writeSite(dir, site.Options{Dir: src}); err != nil {
			b.Fatal(err)
		}
		builds = append(builds, &siteBuild{name: "the tree in " + src, dir: dir})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// The builds take turns, the order turning each round.
		for k := range builds {
			builds[(k+i)%len(builds)].run(b, env, br, i == 0)
		}
	}
	b.StopTimer()

	// Scanning frames without a code, off the page's thread.
	noCode := *env
	noCode.video = filepath.Join(b.TempDir(), "blank.y4m")
	if err := writeY4M(noCode.video, "", 640, 480, 10); err != nil {
		b.Fatal(err)
	}
	blank := noCode.phone(b, 5*time.Minute)
	srv := httptest.NewServer(mustHandler(b, env.dir))
	defer srv.Close()
	p := openSite(b, blank, srv.URL+"/")
	eval[bool](p, `document.getElementById("camera").click(); true`)
	p.waitFor(`!document.getElementById("viewfinder").hidden && document.querySelector("video").readyState >= 2`, 30*time.Second)
	// The camera runs: from here on, only scanning.
	time.Sleep(500 * time.Millisecond)
	eval[bool](p, observeLongTasks+`; true`)
	time.Sleep(3 * time.Second)
	lt := longTasks(p)
	fmt.Printf("3 s of frames without a code: %d long tasks, longest %.0f ms; long frames %q\n", lt.Count, lt.Max, lt.Frames)
	this := builds[0]
	b.ReportMetric(lt.Max, "ms-longtask-max-nocode")
	b.ReportMetric(float64(lt.Count), "longtasks-nocode")
	b.ReportMetric(slices.Max(this.long), "ms-longtask-max-camera")
	for _, sb := range builds {
		for _, run := range []struct {
			name string
			ph   []map[string]float64
		}{{"cold", sb.coldPh}, {"from the service worker", sb.swPh}} {
			// On stdout: a benchmark's log is cut at ten lines.
			fmt.Printf("start-up %s, %s, ms since navigation, median [range] of %d:%s\n", run.name, sb.name, len(run.ph), phaseLine(run.ph))
			fmt.Printf("  phases, median ms:%s\n", phaseDurations(run.ph))
		}
		fmt.Printf("  ready cold %.0f, from the service worker %.0f; first verdict after ready %.1f ms\n", median(sb.cold), median(sb.sw), median(sb.first))
	}
	b.ReportMetric(median(this.first), "ms-first-verdict")
	b.ReportMetric(median(this.cold), "ms-ready-cold")
	b.ReportMetric(median(this.sw), "ms-ready-sw")
	b.ReportMetric(median(this.cam), "ms-camera-verdict")
	b.ReportMetric(median(this.sent), "first-load-bytes")
	b.ReportMetric(median(this.brBytes), "first-load-bytes-br")
}

// siteBuild is one build of the site that BenchmarkSite measures, and its
// figures, one a round.
type siteBuild struct {
	name, dir                                 string
	cold, sw, cam, sent, brBytes, long, first []float64
	coldPh, swPh                              []map[string]float64
}

// run measures one round of sb on a new origin: a cold visit, the first
// verdict after ready, a reload from the service worker, the camera.
func (sb *siteBuild) run(b *testing.B, env *siteEnv, br *browsertest.Browser, logEnc bool) {
	counter := &countingHandler{h: mustHandler(b, sb.dir), dir: sb.dir}
	srv := httptest.NewServer(counter)
	defer srv.Close()
	p := openSite(b, br, srv.URL+"/")
	sb.cold = append(sb.cold, readyMs(p))
	// The first verdict after ready: a pasted pass, with the warm-up
	// as shipped (it runs in the task after load() resolved).
	text, _ := json.Marshal(env.pass(b, "valid-vaccination").Text)
	at := eval[float64](p, `(() => { document.getElementById("paste-text").value = `+string(text)+`; const t = performance.now(); document.getElementById("check").click(); return t; })()`)
	p.waitFor(`document.documentElement.dataset.verdicts === "1"`, 30*time.Second)
	shown, _ := strconv.ParseFloat(eval[string](p, `document.documentElement.dataset.verdictMs`), 64)
	sb.first = append(sb.first, shown-at)
	p.next()
	sb.coldPh = append(sb.coldPh, startPhases(p))
	p.waitOffline(true) // the worker's precache finished
	n, nbr := counter.totals()
	if logEnc {
		b.Logf("first load, %s: responses per Content-Encoding %v", sb.name, counter.enc)
	}
	sb.sent = append(sb.sent, float64(n))
	sb.brBytes = append(sb.brBytes, float64(nbr))

	p.reload()
	sb.sw = append(sb.sw, readyMs(p))
	sb.swPh = append(sb.swPh, startPhases(p))

	eval[bool](p, observeLongTasks+`; document.getElementById("camera").click(); true`)
	p.waitFor(`document.documentElement.dataset.verdicts === "1"`, 30*time.Second)
	lt := longTasks(p)
	sb.long = append(sb.long, lt.Max)
	if lt.Max > 0 {
		fmt.Printf("camera to verdict, %s: long tasks %d, longest %.0f ms; long frames %q\n", sb.name, lt.Count, lt.Max, lt.Frames)
	}
	start, _ := strconv.Atoi(eval[string](p, `document.documentElement.dataset.cameraMs`))
	end, _ := strconv.Atoi(eval[string](p, `document.documentElement.dataset.verdictMs`))
	sb.cam = append(sb.cam, float64(end-start))
	if got := eval[string](p, `document.getElementById("verdict").dataset.state`); got != "valid" {
		b.Fatalf("camera verdict %q, want valid", got)
	}
}

// phaseLine is the median [range] of each of startPhaseKeys over runs.
func phaseLine(runs []map[string]float64) string {
	var line strings.Builder
	for _, k := range startPhaseKeys {
		xs := phaseValues(runs, func(m map[string]float64) (float64, bool) {
			v, ok := m[k]
			return v, ok
		})
		if len(xs) > 0 {
			fmt.Fprintf(&line, " %s %.0f [%.0f–%.0f]", k, median(xs), slices.Min(xs), slices.Max(xs))
		}
	}
	return line.String()
}

// phaseValues is what v gives for each of runs where it gives a value.
func phaseValues(runs []map[string]float64, v func(map[string]float64) (float64, bool)) []float64 {
	var xs []float64
	for _, m := range runs {
		if x, ok := v(m); ok {
			xs = append(xs, x)
		}
	}
	return xs
}

// startSpans are the spans of a start that phaseDurations reports: the
// module's compile past its last byte, then the module's phases one after
// the other (each the median over the runs of its own length, so that the
// noise of the phases before it does not add up).
var startSpans = [][2]string{{"wasmFetched", "compiled"}, {"start", "compiled"}, {"compiled", "runtime"}, {"runtime", "bundle"}, {"bundle", "trustlist"}, {"trustlist", "warmup"}, {"warmup", "revocations"}}

func phaseDurations(runs []map[string]float64) string {
	var line strings.Builder
	for _, sp := range startSpans {
		xs := phaseValues(runs, func(m map[string]float64) (float64, bool) {
			a, okA := m[sp[0]]
			z, okZ := m[sp[1]]
			return z - a, okA && okZ
		})
		if len(xs) > 0 {
			fmt.Fprintf(&line, " %s→%s %.0f", sp[0], sp[1], median(xs))
		}
	}
	return line.String()
}

// observeLongTasks starts collecting the page's long tasks (over 50 ms) in
// globalThis.longTasks.
// Where Chromium has long-animation-frame entries, the scripts of the
// frames over 50 ms go to globalThis.longFrames, for the log.
const observeLongTasks = `globalThis.longTasks = []; globalThis.longFrames = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) globalThis.longTasks.push(e.duration); }).observe({ type: "longtask" });
if (PerformanceObserver.supportedEntryTypes.includes("long-animation-frame")) new PerformanceObserver((l) => {
  for (const e of l.getEntries()) if (e.duration > 50) globalThis.longFrames.push(Math.round(e.duration) + " ms: " + (e.scripts || []).map((s) => s.invoker + " " + Math.round(s.duration) + " ms").join(", "));
}).observe({ type: "long-animation-frame" })`

// longTaskStats is what longTasks reads.
type longTaskStats struct {
	Count  int      `json:"count"`
	Max    float64  `json:"max"`
	Frames []string `json:"frames"` // long animation frames and their scripts
}

// longTasks returns the long tasks observed since observeLongTasks.
func longTasks(p *sitePage) longTaskStats {
	return eval[longTaskStats](p, `({ count: globalThis.longTasks.length, max: globalThis.longTasks.reduce((a, b) => Math.max(a, b), 0), frames: globalThis.longFrames })`)
}

// startPhaseKeys are the times startPhases reads, in the order of a start:
// the page's HTML received (htmlEnd), its script received (jsEnd), the
// document parsed (domInteractive), load() called (start), the module's
// request started (wasmStart), its first byte (wasmFirstByte) and last
// byte (wasmFetched) received, then the ES module's marks (bundle: the
// trust list's bytes fetched and checked against the pointer, in hand).
var startPhaseKeys = []string{"htmlEnd", "jsEnd", "domInteractive", "start", "wasmStart", "wasmFirstByte", "wasmFetched", "compiled", "runtime", "bundle", "trustlist", "warmup", "revocations", "ready", "warm"}

// startPhases reads the start-up's marks (passcheck.js mark: start,
// compiled, runtime, bundle, trustlist, warmup, revocations, ready, warm),
// the page's and the module's downloads (Navigation and Resource Timing),
// in ms since navigation.
func startPhases(p *sitePage) map[string]float64 {
	p.waitFor(`performance.getEntriesByName("passcheck:warm").length > 0 || performance.getEntriesByName("passcheck:ready").length === 0`, 10*time.Second)
	return eval[map[string]float64](p, `(() => {
  const out = {};
  for (const e of performance.getEntriesByType("mark")) if (e.name.startsWith("passcheck:")) out[e.name.slice(10)] = e.startTime;
  const nav = performance.getEntriesByType("navigation")[0];
  if (nav) {
    out.htmlEnd = nav.responseEnd;
    out.domInteractive = nav.domInteractive;
  }
  const res = performance.getEntriesByType("resource");
  const w = res.find((e) => e.name.endsWith(".wasm"));
  if (w) {
    out.wasmStart = w.startTime;
    out.wasmFirstByte = w.responseStart;
    out.wasmFetched = w.responseEnd;
  }
  const js = res.find((e) => /\/assets\/app-[^/]*\.js$/.test(e.name));
  if (js) out.jsEnd = js.responseEnd;
  return out;
})()`)
}

func readyMs(p *sitePage) float64 {
	ms, err := strconv.ParseFloat(eval[string](p, `document.documentElement.dataset.readyMs`), 64)
	if err != nil {
		p.t.Fatal(err)
	}
	return ms
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// totals returns the body bytes sent and what the same responses weigh as
// brotli copies.
func (c *countingHandler) totals() (sent, br int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n, c.br
}
