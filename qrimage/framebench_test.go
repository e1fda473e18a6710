//go:build !js && benchframes

// The comparison behind "make bench-frames": camera frames (frames_test.go:
// scenes without a code, and the hard cases on a scene, at 640×480 and
// 1280×720) through the passcheck WebAssembly module's scanImage in frame
// mode, @zxing/library and jsQR under Node (testdata/framebench.mjs), and
// through a native Scanner. It reports; it asserts no time. It builds
// ./wasm, and installs the two JavaScript readers from npm into a
// temporary folder (never into the repository), so it needs node, npm and
// the registry.
//
//	go test -tags benchframes -run '^TestFrameBench$' -count=1 -v ./qrimage
//	KIND="no code" go test -tags benchframes ...   (only the frames without a code)

package qrimage

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/wasmbuild"
)

// The JavaScript readers, pinned so that runs compare alike.
const (
	zxingPkg = "@zxing/library@0.23.0"
	jsQRPkg  = "jsqr@1.4.0"
)

func TestFrameBench(t *testing.T) {
	dir := t.TempDir()
	goroot := strings.TrimSpace(run(t, "", nil, "go", "env", "GOROOT"))
	wasm := filepath.Join(dir, "passcheck.wasm")
	if err := wasmbuild.Build(wasmbuild.Options{Dir: "..", Out: wasm}); err != nil {
		t.Fatal(err)
	}
	npmDir := filepath.Join(dir, "npm")
	os.MkdirAll(npmDir, 0o755)
	os.WriteFile(filepath.Join(npmDir, "package.json"), []byte(`{"private": true}`), 0o644)
	run(t, npmDir, nil, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error", zxingPkg, jsQRPkg)

	frames, skipped := testFrames(t)
	if only := os.Getenv("KIND"); only != "" { // "no code" or "code": a quicker run
		frames = slices.DeleteFunc(frames, func(f testFrame) bool { return f.kind != only })
	}
	type jobFrame struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
		File string `json:"file"`
		Text string `json:"text"`
		W    int    `json:"w"`
		H    int    `json:"h"`
	}
	var jf []jobFrame
	for i, f := range frames {
		file := filepath.Join(dir, fmt.Sprintf("frame%03d.gray", i))
		gray := make([]byte, f.w*f.h)
		for j := range gray {
			gray[j] = f.pix[4*j]
		}
		if err := os.WriteFile(file, gray, 0o644); err != nil {
			t.Fatal(err)
		}
		jf = append(jf, jobFrame{Name: f.name, Kind: f.kind, File: file, Text: f.text, W: f.w, H: f.h})
	}
	job, _ := json.Marshal(map[string]any{
		"wasm": wasm, "wasmExec": filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"),
		"nodeModules": filepath.Join(npmDir, "node_modules"), "frames": jf, "repsNoCode": 15, "repsCode": 5,
	})
	jobFile := filepath.Join(dir, "job.json")
	os.WriteFile(jobFile, job, 0o644)
	script, _ := filepath.Abs(filepath.Join("testdata", "framebench.mjs"))
	var answer struct {
		Node   string
		WarmMs float64
		Frames []struct {
			Name    string
			Results map[string]struct {
				Ms, Best    float64
				CPU         float64
				Read, Wrong bool
			}
		}
	}
	if err := json.Unmarshal([]byte(run(t, "", nil, "node", "--max-old-space-size=2048", script, jobFile)), &answer); err != nil {
		t.Fatal(err)
	}
	if len(answer.Frames) != len(frames) {
		t.Fatalf("node answered %d frames of %d", len(answer.Frames), len(frames))
	}

	// Native: a Scanner on the same frames, median of 15 runs (5 with a code).
	native := make([]float64, len(frames))
	nativeRead := make([]bool, len(frames))
	var s Scanner
	for i, f := range frames {
		reps := 15
		if f.text != "" {
			reps = 5
		}
		var ms []float64
		for range reps {
			t0 := time.Now()
			text, err := s.Scan(f.pix, f.w, f.h)
			ms = append(ms, float64(time.Since(t0).Microseconds())/1000)
			nativeRead[i] = err == nil && text == f.text
		}
		native[i] = medianOf(ms)
	}

	decs := []string{"module", "zxing", "jsqr"}
	var b strings.Builder
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(&b, "\n%s, Node %s, %s/%s, %d CPUs, load %s", runtime.Version(), answer.Node, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), load)
	fmt.Fprintf(&b, "ms per frame: the mean over the frames of each one's median (15 runs without a code, 5 with); fps = 1000 / that; CPU: the process's CPU ms per call, which other load bends less\n\n")
	fmt.Fprintf(&b, "| frames | n | native Go | module (Node) | fps | @zxing/library | jsQR | module ÷ zxing | module ÷ jsQR | CPU ms: module / zxing (ratio) |\n|---|---|---|---|---|---|---|---|---|---|\n")
	type group struct{ label, size, kind string }
	var groups []group
	for _, sz := range frameSizes {
		size := fmt.Sprintf("%dx%d", sz[0], sz[1])
		for _, k := range sceneKinds {
			groups = append(groups, group{"no code: " + k + " " + size, size, k})
		}
		groups = append(groups, group{"no code: all three " + size, size, "no code"}, group{"with a code " + size, size, "code"})
	}
	member := func(g group, i int) bool {
		f := frames[i]
		if !strings.HasSuffix(f.name, " "+g.size) {
			return false
		}
		if g.kind == "no code" || g.kind == "code" {
			return f.kind == g.kind
		}
		return f.kind == "no code" && strings.HasPrefix(f.name, g.kind+" ")
	}
	for _, g := range groups {
		n := 0
		sum, cpu := map[string]float64{}, map[string]float64{}
		nat := 0.0
		for i, fr := range answer.Frames {
			if !member(g, i) {
				continue
			}
			n++
			nat += native[i]
			for _, d := range decs {
				sum[d] += fr.Results[d].Ms
				cpu[d] += fr.Results[d].CPU
			}
		}
		if n == 0 {
			continue
		}
		m, z, j := sum["module"]/float64(n), sum["zxing"]/float64(n), sum["jsqr"]/float64(n)
		fmt.Fprintf(&b, "| %s | %d | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f / %.2f (%.2f) |\n", g.label, n, nat/float64(n), m, 1000/m, z, j, m/z, m/j,
			cpu["module"]/float64(n), cpu["zxing"]/float64(n), cpu["module"]/cpu["zxing"])
	}

	fmt.Fprintf(&b, "\nReads of the frames with a code (a wrong text counts as none; none was read wrong unless listed):\n\n| size | frames | native Scanner | module | @zxing/library | jsQR | zxing reads, module misses |\n|---|---|---|---|---|---|---|\n")
	for _, sz := range frameSizes {
		size := fmt.Sprintf("%dx%d", sz[0], sz[1])
		n, nat := 0, 0
		reads := map[string]int{}
		var missed []string
		for i, fr := range answer.Frames {
			f := frames[i]
			if f.kind != "code" || !strings.HasSuffix(f.name, " "+size) {
				continue
			}
			n++
			if nativeRead[i] {
				nat++
			}
			for _, d := range decs {
				if fr.Results[d].Read {
					reads[d]++
				}
			}
			if fr.Results["zxing"].Read && !fr.Results["module"].Read {
				missed = append(missed, strings.TrimSuffix(f.name, " "+size))
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %s |\n", size, n, nat, reads["module"], reads["zxing"], reads["jsqr"], strings.Join(append(missed, "")[:max(1, len(missed))], ", "))
	}
	for i, fr := range answer.Frames {
		for _, d := range decs {
			if fr.Results[d].Wrong {
				fmt.Fprintf(&b, "%s read %s wrong\n", d, frames[i].name)
			}
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(&b, "\nLeft out (larger than the canvas): %s\n", strings.Join(skipped, "; "))
	}
	fmt.Fprintf(&b, "\nPer frame (ms, median; x = read):\n\n| frame | native | module | zxing | jsQR |\n|---|---|---|---|---|\n")
	mark := func(ok bool) string {
		if ok {
			return " x"
		}
		return ""
	}
	for i, fr := range answer.Frames {
		r := fr.Results
		fmt.Fprintf(&b, "| %s | %.2f%s | %.2f%s | %.2f%s | %.2f%s |\n", frames[i].name, native[i], mark(nativeRead[i]), r["module"].Ms, mark(r["module"].Read), r["zxing"].Ms, mark(r["zxing"].Read), r["jsqr"].Ms, mark(r["jsqr"].Read))
	}
	t.Log(b.String())
	if out := os.Getenv("PASSCHECK_BENCH_OUT"); out != "" {
		os.WriteFile(out, []byte(b.String()), 0o644)
	}
}

// run runs a command in dir (the package's when empty) and returns its
// standard output; it fails the test with the standard error.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
