//go:build !js && benchwasm

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

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
	{"ready", "load() resolved"},
	{"verdict", "first verify's Result"},
}

// TestStartupBench is make bench-startup's Node part: cold Node processes,
// each from nothing to its first verdict (an ES256 pass, WebCrypto path),
// with the time of each phase, and the whole process as the Go side sees
// it (spawn to answer). Five processes verify as soon as load() resolves
// (the warm-up as shipped runs in the task after; the verify comes first),
// five after the warm-up. It reports; it asserts no time.
func TestStartupBench(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	bundle := f.bundle(t, 1, f.now, time.Hour)
	dir := t.TempDir()
	script, _ := filepath.Abs("testdata/firstverdict.mjs")
	var sb strings.Builder
	for _, afterWarm := range []bool{false, true} {
		job, _ := json.Marshal(map[string]any{"module": m.js, "wasm": m.wasm, "bundle": b64(bundle), "keys": f.pub.pem,
			"text": f.pass, "at": f.now.UnixMilli(), "afterWarm": afterWarm})
		jobFile := filepath.Join(dir, "job.json")
		if err := os.WriteFile(jobFile, job, 0o644); err != nil {
			t.Fatal(err)
		}
		times := map[string][]float64{}
		for i := 0; i < 5; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			cmd := exec.CommandContext(ctx, node(t), script, jobFile)
			start := time.Now()
			answer, err := cmd.Output()
			wall := float64(time.Since(start).Microseconds()) / 1000
			cancel()
			if err != nil {
				t.Fatalf("node firstverdict.mjs: %v", err)
			}
			var out map[string]any
			if err := json.Unmarshal(answer, &out); err != nil {
				t.Fatalf("answer %q: %v", answer, err)
			}
			if out["valid"] != true || out["trustOK"] != true {
				t.Fatalf("the first verdict is not valid: %s", answer)
			}
			for k, v := range out {
				if x, ok := v.(float64); ok {
					times[k] = append(times[k], x)
				}
			}
			times["process"] = append(times["process"], wall)
		}
		when := "verify as soon as load() resolved"
		if afterWarm {
			when = "verify after the warm-up"
		}
		fmt.Fprintf(&sb, "\nNode, cold process to first verdict (%s), ms since the process started, median [range] of 5:\n", when)
		prev := 0.0
		for _, ph := range startupPhases {
			xs := times[ph.key]
			if len(xs) == 0 {
				fmt.Fprintf(&sb, "  %-22s %-48s (not marked)\n", ph.key, ph.what)
				continue
			}
			md := median(xs)
			fmt.Fprintf(&sb, "  %-22s %-48s at %6.1f [%6.1f–%6.1f]  phase %6.1f\n", ph.key, ph.what, md, slices.Min(xs), slices.Max(xs), md-prev)
			prev = md
		}
		if xs := times["warmed"]; len(xs) > 0 {
			fmt.Fprintf(&sb, "  warm-up done at %.1f\n", median(xs))
		}
		fmt.Fprintf(&sb, "  first verify %.1f ms [%.1f–%.1f]; whole process, spawn to answer: %.1f ms [%.1f–%.1f]\n",
			median(times["verifyMs"]), slices.Min(times["verifyMs"]), slices.Max(times["verifyMs"]),
			median(times["process"]), slices.Min(times["process"]), slices.Max(times["process"]))
	}
	t.Log(sb.String())
}
