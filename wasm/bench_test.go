//go:build !js && benchwasm

package main

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/browsertest"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

// benchPageJS measures in the page: load (fetch, streaming compile,
// instantiate, trust list), its warm-up, then verify through both paths
// (testdata/benchverify.mjs, which runner.mjs uses in Node too).
const benchPageJS = `import { load } from "./passcheck.js";
import { benchVerify } from "./benchverify.mjs";
window.bench = async (cfg) => {
  const opts = { wasmURL: "passcheck.wasm", trustListURL: "trust/trustlist.json", trustKeys: cfg.keys };
  const a = performance.now();
  const fast = await load(opts);
  const out = { readyMs: performance.now() - a };
  await fast.warmedUp;
  out.warmedMs = performance.now() - a;
  const pure = await load({ ...opts, webCrypto: false });
  await pure.warmedUp;
  return Object.assign(out, await benchVerify({ pure, fast }, cfg.cases, cfg));
};
window.benchReady = true;
`

type timing struct{ FirstMs, MedianMs, MinMs, CPUMs float64 }

// TestWasmBench is make bench-wasm: verify times of an ES256 and a PS256
// pass natively, in Node and in headless Chromium (pure Go and WebCrypto),
// and start-up times. It reports; it asserts no time. It is built only with
// -tags benchwasm (make bench-wasm).
func TestWasmBench(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	ca, err := issuer.NewCSCA("VN", issuer.EC, f.now.AddDate(-1, 0, 0), f.now.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	rsaDSC, err := ca.NewDSC(issuer.DSCOptions{KeyType: issuer.RSA2048, NotBefore: f.now.AddDate(-1, 0, 0), NotAfter: f.now.AddDate(2, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	ps256, err := rsaDSC.Issue(issuer.PassOptions{IssuedAt: f.now.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	bundle := f.pub.bundle(t, []*x509.Certificate{f.dsc.Cert, rsaDSC.Cert}, 1, f.now, time.Hour)
	list := f.pub.list(t, bundle)
	cases := []nodeCase{{Name: "ES256", Text: f.pass, At: f.now.UnixMilli()}, {Name: "PS256", Text: ps256, At: f.now.UnixMilli()}}

	// Native, before the others and again after them: the faster of the
	// two medians is the one the ratios divide by, so that a slow moment of
	// the machine cannot flatter them.
	measureNative := func() map[string]timing {
		out := map[string]timing{}
		for _, c := range cases {
			opts := dcc.Options{Now: time.UnixMilli(c.At)}
			if r := dcc.Check(c.Text, list, opts); !r.Valid {
				t.Fatalf("%s: %v", c.Name, r.Errors)
			}
			var ms []float64
			runtime.LockOSThread()
			cpu0 := threadCPU()
			for i := 0; i < 2000; i++ {
				start := time.Now()
				dcc.Check(c.Text, list, opts)
				ms = append(ms, float64(time.Since(start).Nanoseconds())/1e6)
			}
			cpu := threadCPU() - cpu0
			runtime.UnlockOSThread()
			out[c.Name] = timing{MedianMs: median(ms), MinMs: slices.Min(ms), CPUMs: float64(cpu.Nanoseconds()) / 1e6 / 2000}
		}
		return out
	}
	native := measureNative()

	// Node.
	var node map[string]json.RawMessage
	runNode(t, m, map[string]any{"mode": "bench", "iterations": 1000, "warmMs": 8000,
		"groups": []nodeGroup{{Bundle: b64(bundle), Keys: f.pub.pem, Cases: cases}}}, &node)

	// Start-up in cold Node processes: to ready, and to the end of the
	// warm-up that follows.
	var ready, warmed []float64
	for i := 0; i < 7; i++ {
		var s struct{ ImportMs, ReadyMs, WarmedMs float64 }
		runNode(t, m, map[string]any{"mode": "startup",
			"groups": []nodeGroup{{Bundle: b64(bundle), Keys: f.pub.pem}}}, &s)
		ready, warmed = append(ready, s.ReadyMs), append(warmed, s.WarmedMs)
	}

	// Chromium.
	dir := t.TempDir()
	if err := copyFiles(dir, append(m.lib(), m.wasm, "testdata/benchverify.mjs")...); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "bench.js"), []byte(benchPageJS), 0o644)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte(`<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="bench.js"></script>`), 0o644)
	writeTree(t, filepath.Join(dir, "trust"), bundle, f.pub.revocations(t, nil, 1, f.now, 48*time.Hour))
	srv := browsertest.Serve(t, dir, http.Header{"Cache-Control": {"no-store"}})
	b := browsertest.Start(t, browsertest.Options{})
	p := b.NewPage()
	p.Navigate(srv.URL + "/index.html")
	p.WaitFor(`window.benchReady === true`, 10*time.Second)
	cfg, _ := json.Marshal(map[string]any{"keys": f.pub.pem, "cases": cases, "batches": 60, "batch": 20, "warmMs": 12000})
	browser := browsertest.Eval[map[string]json.RawMessage](p, "bench("+string(cfg)+")")

	for name, again := range measureNative() {
		if again.MedianMs < native[name].MedianMs {
			native[name] = again
		}
	}

	var sb strings.Builder
	num := func(raw json.RawMessage) float64 {
		var v float64
		json.Unmarshal(raw, &v)
		return v
	}
	tim := func(raw json.RawMessage) timing {
		var v timing
		json.Unmarshal(raw, &v)
		return v
	}
	fmt.Fprintf(&sb, "\nverify, ms (× native)   native          Node pure         Node WebCrypto    Chromium pure     Chromium WebCrypto\n")
	for _, c := range cases {
		for _, stat := range []string{"median", "best"} {
			pick := func(v timing) float64 {
				if stat == "best" {
					return v.MinMs
				}
				return v.MedianMs
			}
			n := pick(native[c.Name])
			fmt.Fprintf(&sb, "%-6s %-8s %13.3f", c.Name, stat, n)
			for _, src := range []map[string]json.RawMessage{node, browser} {
				for _, path := range []string{"pure", "fast"} {
					v := pick(tim(src[c.Name+"/"+path]))
					fmt.Fprintf(&sb, "   %6.3f (%4.1f×)", v, v/n)
				}
			}
			fmt.Fprintln(&sb)
		}
	}
	fmt.Fprintf(&sb, "\nverify, CPU ms per call (× native; the measure other load bends least; Node's includes WebCrypto's threads)\n")
	for _, c := range cases {
		n := native[c.Name].CPUMs
		p, f := tim(node[c.Name+"/pure"]).CPUMs, tim(node[c.Name+"/fast"]).CPUMs
		fmt.Fprintf(&sb, "%-6s native %.3f   Node pure %.3f (%.1f×)   Node WebCrypto %.3f (%.1f×)\n", c.Name, n, p, p/n, f, f/n)
	}
	fmt.Fprintf(&sb, "\nfirst verify after load (ms)      Node pure / WebCrypto       Chromium pure / WebCrypto\n")
	for _, c := range cases {
		fmt.Fprintf(&sb, "%-32s %7.2f / %7.2f            %7.2f / %7.2f\n", c.Name,
			tim(node[c.Name+"/pure"]).FirstMs, tim(node[c.Name+"/fast"]).FirstMs,
			tim(browser[c.Name+"/pure"]).FirstMs, tim(browser[c.Name+"/fast"]).FirstMs)
	}
	fmt.Fprintf(&sb, "\nstart-up (ms): Node instantiate-to-ready, median of 7 cold processes (compile, instantiate, run, trust list): %.1f (best %.1f), warm-up done at %.1f; a second verifier in the same process %.1f; Chromium load() from localhost (fetch, streaming compile, trust list) %.1f, warm-up done at %.1f\n",
		median(ready), slices.Min(ready), median(warmed), num(node["secondReadyMs"]), num(browser["readyMs"]), num(browser["warmedMs"]))
	t.Log(sb.String())
	if out := os.Getenv("PASSCHECK_BENCH_OUT"); out != "" {
		os.WriteFile(out, []byte(sb.String()), 0o644)
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// threadCPU is the CPU time of the calling OS thread (Linux RUSAGE_THREAD).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil { // 1: RUSAGE_THREAD
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
