//go:build !js && benchwasm

package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/passcheck/passcheck/internal/testkit/browsertest"
	"github.com/passcheck/passcheck/internal/testkit/nodejs"
	"github.com/passcheck/passcheck/revocation"
)

// dccSDKPkg is the JavaScript verifier make bench-startup compares with,
// pinned so that runs compare alike. It is GPL-3.0-only: installed by the
// benchmark into a temporary folder, never a dependency.
const dccSDKPkg = "@pathcheck/dcc-sdk@0.0.27"

// startupPhases are the phases of a cold Node process's way to its first
// verdict, in order: the name of each time firstverdict.mjs reports (ms
// since the process started) and what the phase that ends there is.
var startupPhases = []struct{ key, what string }{
	{"started", "Node's own start (to the script's first line)"},
	{"imported", "import of the ES module and Go's wasm_exec.js"},
	{"read", "the module's and the trust list's bytes read"},
	{"passcheck:compiled", "module compiled and instantiated"},
	{"passcheck:runtime", "Go runtime started, main run (go.run)"},
	{"passcheck:trustlist", "first trust-list load (signature checked)"},
	{"passcheck:warmup", "the module's warm-up"},
	{"ready", "load() resolved"},
	{"verdict", "first verify's Result"},
}

// dccSDKPhases are the same for firstverdict_dccsdk.mjs.
var dccSDKPhases = []struct{ key, what string }{
	{"started", "Node's own start (to the script's first line)"},
	{"imported", "import of the bundle (esbuild, minified)"},
	{"ready", "the signer's key given (addCachedKeys)"},
	{"verdict", "first unpackAndVerify's answer"},
}

// startupRuns is how many cold processes each way of starting gets.
const startupRuns = 7

// TestStartupBench is make bench-startup (STARTUP_BEFORE=dir adds a
// build to compare with, see below): cold Node processes, each from
// nothing to its first verdict on one ES256 pass, with the time of each
// phase and of the whole process as the Go side sees it (spawn to answer):
// passcheck verifying as soon as load() resolved (the warm-up as shipped),
// passcheck verifying after the warm-up is done, and @pathcheck/dcc-sdk
// (installed from npm into a temporary folder and bundled with esbuild:
// the published package does not load under Node 20 as it is) verifying
// the same pass with the signer's key given to it. The processes of the
// three take turns, so that the load of a shared machine falls on each
// alike, and the ratio of the first verdicts is of the same run. It
// reports; it asserts no time.
func TestStartupBench(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	bundle := f.bundle(t, 1, f.now, time.Hour)
	dir := t.TempDir()
	sdk := bundleDCCSDK(t, dir)
	spki, err := x509.MarshalPKIXPublicKey(f.dsc.Cert.PublicKey)
	if err != nil {
		t.Fatal(err)
	}

	type way struct {
		name, script, job string
		phases            []struct{ key, what string }
		times             map[string][]float64
	}
	write := func(name string, v map[string]any) string {
		b, _ := json.Marshal(v)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pc := func(afterWarm bool) map[string]any {
		return map[string]any{"module": m.js, "wasm": m.wasm, "bundle": b64(bundle), "keys": f.pub.pem,
			"text": f.pass, "at": f.now.UnixMilli(), "afterWarm": afterWarm}
	}
	script, _ := filepath.Abs("testdata/firstverdict.mjs")
	sdkScript, _ := filepath.Abs("testdata/firstverdict_dccsdk.mjs")
	ways := []*way{
		{name: "passcheck, verify as soon as load() resolved (the warm-up as shipped)", script: script, job: write("now.json", pc(false)), phases: startupPhases},
		{name: "passcheck, verify after the warm-up is done", script: script, job: write("warm.json", pc(true)), phases: startupPhases},
		{name: "@pathcheck/dcc-sdk " + strings.TrimPrefix(dccSDKPkg, "@pathcheck/dcc-sdk@") + ", bundled with esbuild", script: sdkScript,
			job: write("sdk.json", map[string]any{"sdk": sdk, "kid": b64(f.dsc.KID), "spki": b64(spki), "text": f.pass}), phases: dccSDKPhases},
	}
	// A build to compare with in the same run: STARTUP_BEFORE names a
	// folder holding passcheck.wasm and the ES module's files of it
	// (passcheck.js, pointer.js, revocations.js, wasm_exec.js).
	if before := os.Getenv("STARTUP_BEFORE"); before != "" {
		job := pc(false)
		job["module"], job["wasm"] = filepath.Join(before, "passcheck.js"), filepath.Join(before, "passcheck.wasm")
		ways = append(ways, &way{name: "the build in " + before + ", verify as soon as load() resolved", script: script, job: write("before.json", job), phases: startupPhases})
	}
	for _, w := range ways {
		w.times = map[string][]float64{}
	}
	// One unrecorded round first: the files in the page cache for all. The
	// ways take turns (turn).
	for i := -1; i < startupRuns; i++ {
		for k := range ways {
			w := ways[turn(i, k, len(ways))]
			out, wall := firstVerdict(t, w.script, w.job)
			if i < 0 {
				continue
			}
			for k, v := range out {
				if x, ok := v.(float64); ok {
					w.times[k] = append(w.times[k], x)
				}
			}
			w.times["process"] = append(w.times["process"], wall)
		}
	}

	var sb strings.Builder
	for _, w := range ways {
		fmt.Fprintf(&sb, "\nNode, cold process to first verdict: %s; ms since the process started, median [range] of %d:\n", w.name, startupRuns)
		writePhases(&sb, w.phases, w.times)
		if xs := w.times["warmed"]; len(xs) > 0 {
			fmt.Fprintf(&sb, "  warm-up done at %.1f [%.1f–%.1f]\n", median(xs), slices.Min(xs), slices.Max(xs))
		}
		fmt.Fprintf(&sb, "  first verify %.1f ms [%.1f–%.1f]; whole process, spawn to answer: %.1f ms [%.1f–%.1f]\n",
			median(w.times["verifyMs"]), slices.Min(w.times["verifyMs"]), slices.Max(w.times["verifyMs"]),
			median(w.times["process"]), slices.Min(w.times["process"]), slices.Max(w.times["process"]))
	}
	now, sdkT := ways[0].times, ways[2].times
	fmt.Fprintf(&sb, "\npasscheck ÷ dcc-sdk, same run (verify as soon as ready): first verdict %.2f (%.1f / %.1f ms since the process started), process spawn to answer %.2f (%.1f / %.1f ms)\n",
		median(now["verdict"])/median(sdkT["verdict"]), median(now["verdict"]), median(sdkT["verdict"]),
		median(now["process"])/median(sdkT["process"]), median(now["process"]), median(sdkT["process"]))
	t.Log(sb.String())
	t.Run("split", testStartupSplit)
}

// splitPhases are startupsplit.mjs's phases, each run twice in one
// session: its key and what it does.
var splitPhases = []struct{ key, what string }{
	{"trustList", "loadTrustList: a list with the EU rules and value sets"},
	{"warmUp", "warmUp (pure-Go path, the list's rules)"},
	{"revocations", "loadRevocations: an index and its part"},
	{"verify", "verify (pure Go) of an ES256 pass"},
}

// testStartupSplit is make bench-startup's split of the module's start-up
// (TestStartupBench's subtest "split")
// under Node: in cold processes, the module compiled and instantiated
// (compile), the Go runtime started and main run (go.run), then each of
// load a trust list (a signed list with the EU rules and value sets, as
// the demo publishes), the warm-up, load revocation data and verify a pass
// run twice in the same session. The second run does the same work with
// its code compiled: the difference is the cost of V8 compiling the
// module's functions on their first call (lazy compilation), the rest is
// the work itself. It reports; it asserts no time.
func testStartupSplit(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	bundle, _ := rulesBundle(t, f.pub, []*x509.Certificate{f.dsc.Cert}, f.now)
	// One entry under the pass's signer, for another pass: this one stays valid.
	other := entryOf(t, f.pass, revocation.UCI, false)
	other.Sum = revocation.Sum([]byte("URN:UVCI:01:XX:ANOTHER"))
	rev := f.pub.revocations(t, []revocation.Entry{other}, 1, f.now, 48*time.Hour)
	var parts []string
	for _, p := range rev.Parts {
		parts = append(parts, b64(p))
	}
	job, _ := json.Marshal(map[string]any{"wasm": m.wasm, "exec": filepath.Join(m.dir, "wasm_exec.js"), "bundle": b64(bundle),
		"index": b64(rev.Index), "parts": parts, "keys": f.pub.pem, "text": f.pass, "at": f.now.UnixMilli()})
	jobFile := filepath.Join(t.TempDir(), "split.json")
	if err := os.WriteFile(jobFile, job, 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs("testdata/startupsplit.mjs")
	times := map[string][]float64{}
	for i := -1; i < startupRuns; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		out, err := exec.CommandContext(ctx, nodejs.Path(t), script, jobFile).Output()
		cancel()
		if err != nil {
			t.Fatalf("node startupsplit.mjs: %v\n%s", err, out)
		}
		var got map[string]float64
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("answer %q: %v", out, err)
		}
		if i < 0 {
			continue // the files into the page cache
		}
		for k, v := range got {
			times[k] = append(times[k], v)
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nNode, the module's start-up phases, each run twice in one session; ms, median [range] of %d cold processes:\n", startupRuns)
	for _, k := range []string{"compile", "goRun", "newSession"} {
		xs := times[k]
		fmt.Fprintf(&sb, "  %-12s %6.1f [%6.1f–%6.1f]\n", k, median(xs), slices.Min(xs), slices.Max(xs))
	}
	for _, ph := range splitPhases {
		a, b := times[ph.key+"1"], times[ph.key+"2"]
		fmt.Fprintf(&sb, "  %-12s first %6.1f [%6.1f–%6.1f], second %6.1f [%6.1f–%6.1f]: %s\n", ph.key,
			median(a), slices.Min(a), slices.Max(a), median(b), slices.Min(b), slices.Max(b), ph.what)
	}
	t.Log(sb.String())
}

// startupPageJS is the script of TestStartupBrowser's page: load() from
// the module's URL and a published trust list, and a verify as soon as it
// resolved, with the times (ms since navigation) and the ES module's marks.
const startupPageJS = `import { load } from "./passcheck.js";
window.run = async (keys, text, at) => {
  const out = { script: performance.now() };
  const pc = await load({ wasmURL: "passcheck.wasm", trustListURL: "trust/trustlist.json", trustKeys: keys });
  out.ready = performance.now();
  const r = await pc.verify(text, { at });
  out.verdict = performance.now();
  out.verifyMs = out.verdict - out.ready;
  out.valid = r.valid;
  await pc.warmedUp;
  for (const e of performance.getEntriesByType("mark")) out[e.name] = e.startTime;
  const w = performance.getEntriesByType("resource").find((e) => e.name.endsWith(".wasm"));
  if (w) out.wasmFetched = w.responseEnd;
  const nav = performance.getEntriesByType("navigation")[0];
  if (nav) out.htmlEnd = nav.responseEnd;
  return out;
};
window.testReady = true;
`

// browserPhases are startupPageJS's times, in order.
var browserPhases = []struct{ key, what string }{
	{"htmlEnd", "the page's HTML received"},
	{"script", "the page's script runs"},
	{"wasmFetched", "the module's last byte received"},
	{"passcheck:compiled", "module compiled and instantiated"},
	{"passcheck:runtime", "Go runtime started, main run (go.run)"},
	{"passcheck:trustlist", "first trust-list load (signature checked)"},
	{"passcheck:warmup", "the module's warm-up"},
	{"passcheck:revocations", "the list's revocation data loaded"},
	{"ready", "load() resolved"},
	{"verdict", "first verify's Result"},
	{"passcheck:warm", "WebCrypto's warm-up done"},
}

// startupSW is the service worker of TestStartupBrowser's page, as the
// site's serves the scanner page: every file of the page's folder
// (FILES, filled in by the test) precached at install, then answered from
// the cache. The trust list's pointer too: the site's worker answers it
// from its cache at once and revalidates it behind.
const startupSW = `const FILES = %s;
self.addEventListener("install", (ev) => ev.waitUntil(caches.open("bench").then((c) => c.addAll(FILES)).then(() => self.skipWaiting())));
self.addEventListener("activate", (ev) => ev.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (ev) => ev.respondWith(caches.match(ev.request, { ignoreSearch: true }).then((r) => r || fetch(ev.request))));
`

// TestStartupBrowser is make bench-startup's Chromium part: the ES module
// alone on a page (no scanner page around it: make bench-site measures
// that), each run in a new headless Chromium so that nothing is cached,
// from navigation to the first verify's Result on a pass verified as soon
// as load() resolved, with the warm-up as shipped; then, in the same
// browser, a service worker (startupSW) takes the page and its files, and
// the page is reloaded and measured again, everything from the worker's
// cache (as the scanner page's second visit). It reports; it asserts no
// time.
func TestStartupBrowser(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	type build struct {
		name    string
		files   []string
		times   map[string][]float64
		swTimes map[string][]float64
		url     string
	}
	builds := []*build{{name: "this build", files: append(m.lib(), m.wasm)}}
	if before := os.Getenv("STARTUP_BEFORE"); before != "" {
		var files []string
		for _, n := range []string{"passcheck.js", "pointer.js", "revocations.js", "wasm_exec.js", "passcheck.wasm"} {
			files = append(files, filepath.Join(before, n))
		}
		builds = append(builds, &build{name: "the build in " + before, files: files})
	}
	bundle := f.bundle(t, 1, f.now, time.Hour)
	rev := f.pub.revocations(t, nil, 1, f.now, 48*time.Hour)
	for _, b := range builds {
		dir := t.TempDir()
		if err := copyFiles(dir, b.files...); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "test.js"), []byte(startupPageJS), 0o644)
		os.WriteFile(filepath.Join(dir, "index.html"), []byte(testPageHTML), 0o644)
		writeTree(t, filepath.Join(dir, "trust"), bundle, rev)
		var files []string
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dir, path)
				files = append(files, filepath.ToSlash(rel))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		list, _ := json.Marshal(files)
		if err := os.WriteFile(filepath.Join(dir, "sw.js"), fmt.Appendf(nil, startupSW, list), 0o644); err != nil {
			t.Fatal(err)
		}
		srv := browsertest.Serve(t, dir, http.Header{
			"Content-Security-Policy": {"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:"},
			"Cache-Control":           {"no-store"},
		})
		b.url, b.times, b.swTimes = srv.URL, map[string][]float64{}, map[string][]float64{}
	}
	keys, _ := json.Marshal(f.pub.pem)
	text, _ := json.Marshal(f.pass)
	// The builds take turns (turn), each run in a new browser.
	for i := 0; i < startupRuns; i++ {
		for k := range builds {
			j := turn(i, k, len(builds))
			b := builds[j]
			t.Run(fmt.Sprint(i, j), func(t *testing.T) {
				p := browsertest.Start(t, browsertest.Options{}).NewPage()
				p.Navigate(b.url + "/index.html")
				run := func(into map[string][]float64) {
					p.WaitFor(`window.testReady === true`, 10*time.Second)
					out := browsertest.Eval[map[string]any](p, fmt.Sprintf(`run(%s, %s, %d)`, keys, text, f.now.UnixMilli()))
					if out["valid"] != true {
						t.Fatalf("the first verdict is not valid: %v", out)
					}
					for k, v := range out {
						if x, ok := v.(float64); ok {
							into[k] = append(into[k], x)
						}
					}
				}
				run(b.times)
				// The service worker takes the page once the cold run is
				// done, and the reload comes from its cache.
				browsertest.Eval[bool](p, `navigator.serviceWorker.register("sw.js").then(() => true)`)
				p.WaitFor(`navigator.serviceWorker.controller !== null`, 30*time.Second)
				p.Reload()
				if !browsertest.Eval[bool](p, `navigator.serviceWorker.controller !== null`) {
					t.Fatal("the reload is not served by the service worker")
				}
				run(b.swTimes)
			})
		}
	}
	var sb strings.Builder
	for _, b := range builds {
		fmt.Fprintf(&sb, "\nChromium, %s: the ES module on a page, navigation to first verdict (verify as soon as load() resolved), ms since navigation, median [range] of %d:\n", b.name, startupRuns)
		writePhases(&sb, browserPhases, b.times)
		fmt.Fprintf(&sb, "  first verify %.1f ms [%.1f–%.1f]\n", median(b.times["verifyMs"]), slices.Min(b.times["verifyMs"]), slices.Max(b.times["verifyMs"]))
		fmt.Fprintf(&sb, "Chromium, %s: the same page reloaded from its service worker's cache, median [range] of %d:\n", b.name, startupRuns)
		writePhases(&sb, browserPhases, b.swTimes)
		fmt.Fprintf(&sb, "  first verify %.1f ms [%.1f–%.1f]\n", median(b.swTimes["verifyMs"]), slices.Min(b.swTimes["verifyMs"]), slices.Max(b.swTimes["verifyMs"]))
	}
	t.Log(sb.String())
}

// turn is the k-th of n ways to run in round i: the order turns by one
// each round, so that no way is always the first after a pause (or the
// last before one).
func turn(i, k, n int) int { return (k + max(i, 0)) % n }

// firstVerdict runs one cold Node process on a job and returns the JSON
// of its last line and the time from spawn to its end.
func firstVerdict(t *testing.T, script, job string) (map[string]any, float64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodejs.Path(t), script, job)
	start := time.Now()
	answer, err := cmd.Output()
	wall := float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		t.Fatalf("node %s: %v", filepath.Base(script), err)
	}
	lines := strings.Split(strings.TrimSpace(string(answer)), "\n")
	var out map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &out); err != nil {
		t.Fatalf("answer %q: %v", answer, err)
	}
	if out["valid"] != true || (out["trustOK"] != nil && out["trustOK"] != true) {
		t.Fatalf("%s: the first verdict is not valid: %s", filepath.Base(script), answer)
	}
	return out, wall
}

// bundleDCCSDK installs dccSDKPkg into dir/npm and bundles it with esbuild
// into one CommonJS file for Node (its package loads its ES modules
// through the esm package, which fails under Node 20), minified, as a
// site would ship it; it returns the bundle's path.
func bundleDCCSDK(t *testing.T, dir string) string {
	t.Helper()
	npmDir := filepath.Join(dir, "npm")
	if err := os.MkdirAll(npmDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(npmDir, "package.json"), []byte(`{"private": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error", dccSDKPkg)
	cmd.Dir = npmDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install %s: %v\n%s", dccSDKPkg, err, out)
	}
	out := filepath.Join(dir, "dccsdk.cjs")
	res := api.Build(api.BuildOptions{
		Stdin: &api.StdinOptions{
			Contents:   `export { unpackAndVerify, addCachedKeys } from "@pathcheck/dcc-sdk/lib/main.js";`,
			ResolveDir: npmDir,
			Loader:     api.LoaderJS,
		},
		Bundle:            true,
		Platform:          api.PlatformNode,
		Format:            api.FormatCommonJS,
		MinifyWhitespace:  true,
		MinifySyntax:      true,
		MinifyIdentifiers: true,
		LogLevel:          api.LogLevelSilent,
		Outfile:           out,
		Write:             true,
	})
	if len(res.Errors) > 0 {
		t.Fatalf("esbuild %s: %v", dccSDKPkg, res.Errors[0].Text)
	}
	return out
}

// writePhases writes one line a phase: its median time since the start,
// the range over the runs, and the time since the phase before it.
func writePhases(sb *strings.Builder, phases []struct{ key, what string }, times map[string][]float64) {
	prev := 0.0
	for _, ph := range phases {
		xs := times[ph.key]
		if len(xs) == 0 {
			fmt.Fprintf(sb, "  %-22s %-48s (not marked)\n", ph.key, ph.what)
			continue
		}
		md := median(xs)
		fmt.Fprintf(sb, "  %-22s %-48s at %6.1f [%6.1f–%6.1f]  phase %6.1f\n", ph.key, ph.what, md, slices.Min(xs), slices.Max(xs), md-prev)
		prev = md
	}
}
