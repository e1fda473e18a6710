//go:build benchscan

// The comparison behind "make bench-scan": every hard case through each
// candidate step alone, through the ladder, and through zbarimg; it prints
// the tables of docs/scan.md. It is not part of make test: it runs zbarimg
// (Debian's zbar-tools) and takes about a minute.
//
//	go test -tags benchscan -run TestCompareZbar -v ./qrimage
//	CASES=noise-80,rot-30 go test -tags benchscan ...   (a subset)

package qrimage

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

const zbarimg = "/usr/bin/zbarimg"

// reps is how often each timing runs; the best run counts, which on a
// shared machine estimates the cost better than the mean.
const reps = 5

func bestOf[T any](f func() T) (T, time.Duration) {
	var r T
	best := time.Duration(1<<63 - 1)
	for range reps {
		t0 := time.Now()
		r = f()
		best = min(best, time.Since(t0))
	}
	return r, best
}

type zbarResult struct {
	text string
	ok   bool
}

func zbarRead(path string) zbarResult {
	out, err := exec.Command(zbarimg, "-q", "--raw", path).Output()
	if err != nil {
		return zbarResult{}
	}
	// zbarimg ends each symbol with a newline.
	return zbarResult{strings.TrimSuffix(string(out), "\n"), true}
}

func TestCompareZbar(t *testing.T) {
	if _, err := os.Stat(zbarimg); err != nil {
		t.Fatalf("%s not found: apt-get install -y zbar-tools", zbarimg)
	}
	cases := loadHardCases(t)
	if only := os.Getenv("CASES"); only != "" {
		cases = slices.DeleteFunc(cases, func(c hardCase) bool {
			return !slices.Contains(strings.Split(only, ","), strings.TrimSuffix(c.file, filepath.Ext(c.file)))
		})
	}

	type row struct {
		name      string
		hits      []bool          // per candidate step, alone
		durs      []time.Duration // per candidate step
		ladder    bool
		first     string // ladder step that read it
		ladderDur time.Duration
		zbar      bool
		zbarDur   time.Duration
	}
	var rows []row
	for _, c := range cases {
		path := filepath.Join("testdata", "hard", c.file)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := decodeImage(data)
		if err != nil {
			t.Fatal(err)
		}
		g := grayFromImage(img)
		r := row{name: strings.TrimSuffix(c.file, filepath.Ext(c.file))}
		for _, s := range candidates {
			var text string
			var ok bool
			t0 := time.Now()
			text, ok = s.try(&frame{base: g})
			r.durs = append(r.durs, time.Since(t0))
			r.hits = append(r.hits, ok && text == c.text)
			if ok && text != c.text {
				t.Errorf("%s: step %s read a different text", c.file, s.name)
			}
		}
		f := &frame{base: g}
		for _, s := range ladder {
			if _, ok := s.try(f); ok {
				r.first = s.name
				break
			}
		}
		var text string
		text, r.ladderDur = bestOf(func() string { s, _ := DecodeBytes(data); return s })
		r.ladder = text == c.text
		var z zbarResult
		z, r.zbarDur = bestOf(func() zbarResult { return zbarRead(path) })
		r.zbar = z.ok && z.text == c.text
		if z.ok && z.text != c.text {
			t.Logf("%s: zbarimg read a different text (%d bytes)", c.file, len(z.text))
		}
		rows = append(rows, r)
	}

	var b bytes.Buffer
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(&b, "\n%s %s/%s, %d CPUs, load %s", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), load)

	names := make([]string, len(candidates))
	for i, s := range candidates {
		names[i] = s.name
	}
	fmt.Fprintf(&b, "\nPer case (x = read; each candidate step alone on the original image):\n\n")
	fmt.Fprintf(&b, "| case | %s | ladder: step, ms | zbarimg, ms |\n", strings.Join(names, " | "))
	fmt.Fprintf(&b, "|---|%s---|---|\n", strings.Repeat("---|", len(candidates)))
	var ladderDurs, zbarDurs []time.Duration
	nLadder, nZbar := 0, 0
	for _, r := range rows {
		cells := make([]string, len(r.hits))
		for i, hit := range r.hits {
			cells[i] = "·"
			if hit {
				cells[i] = "x"
			}
		}
		first, zb := "MISS", "MISS"
		if r.ladder {
			first = r.first
			nLadder++
		}
		if r.zbar {
			zb = "x"
			nZbar++
		}
		ladderDurs = append(ladderDurs, r.ladderDur)
		zbarDurs = append(zbarDurs, r.zbarDur)
		fmt.Fprintf(&b, "| %s | %s | %s, %.1f | %s, %.1f |\n", r.name, strings.Join(cells, " | "), first, ms(r.ladderDur), zb, ms(r.zbarDur))
	}

	// The cost of a miss: a frame without a code runs every step.
	type frameSize struct{ w, h int }
	sizes := []frameSize{{640, 480}, {1280, 720}}
	noCode := map[frameSize][]time.Duration{}
	for _, sz := range sizes {
		g := grayFromRGBA(noiseFrame(sz.w, sz.h), sz.w, sz.h)
		for _, s := range candidates {
			_, d := bestOf(func() bool { _, ok := s.try(&frame{base: g}); return ok })
			noCode[sz] = append(noCode[sz], d)
		}
	}

	fmt.Fprintf(&b, "\nEach candidate step alone: reads, ms over all cases, ms on a 640×480 frame without a code:\n\n| step | reads | ms, all cases | ms, no code |\n|---|---|---|---|\n")
	for i, s := range candidates {
		n, d := 0, time.Duration(0)
		for _, r := range rows {
			if r.hits[i] {
				n++
			}
			d += r.durs[i]
		}
		fmt.Fprintf(&b, "| %s | %d/%d | %.0f | %.1f |\n", s.name, n, len(rows), ms(d), ms(noCode[sizes[0]][i]))
	}

	// Greedy order: repeatedly take the step that reads the most of the
	// cases still unread per millisecond spent on them.
	fmt.Fprintf(&b, "\nGreedy order by benefit per cost (reads added / ms spent on the cases still unread):\n\n| step | adds | ms on the unread | reads so far |\n|---|---|---|---|\n")
	unread := make([]bool, len(rows))
	for i := range unread {
		unread[i] = true
	}
	used := make([]bool, len(candidates))
	total := 0
	for {
		best, bestGain, bestCost, bestRate := -1, 0, time.Duration(0), 0.0
		for i := range candidates {
			if used[i] {
				continue
			}
			gain, cost := 0, time.Duration(0)
			for k, r := range rows {
				if unread[k] {
					cost += r.durs[i]
					if r.hits[i] {
						gain++
					}
				}
			}
			if rate := float64(gain) / (ms(cost) + 0.01); gain > 0 && rate > bestRate {
				best, bestGain, bestCost, bestRate = i, gain, cost, rate
			}
		}
		if best < 0 {
			break
		}
		used[best] = true
		for k, r := range rows {
			if r.hits[best] {
				unread[k] = false
			}
		}
		total += bestGain
		fmt.Fprintf(&b, "| %s | %d | %.0f | %d/%d |\n", candidates[best].name, bestGain, ms(bestCost), total, len(rows))
	}

	fmt.Fprintf(&b, "\nThe ladder as shipped, cumulative:\n\n| up to step | reads | adds | ms, no code 640×480 (cumulative) |\n|---|---|---|---|\n")
	prev, cum := 0, time.Duration(0)
	for i, s := range ladder {
		n := 0
		for _, r := range rows {
			for _, l := range ladder[:i+1] {
				if r.hits[slices.IndexFunc(candidates, func(c step) bool { return c.name == l.name })] {
					n++
					break
				}
			}
		}
		cum += noCode[sizes[0]][slices.IndexFunc(candidates, func(c step) bool { return c.name == s.name })]
		fmt.Fprintf(&b, "| %s | %d/%d | +%d | %.0f |\n", s.name, n, len(rows), n-prev, ms(cum))
		prev = n
	}

	fmt.Fprintf(&b, "\nTotals over %d hard cases (time per image: best of %d runs; then median and mean over the images):\n\n", len(rows), reps)
	fmt.Fprintf(&b, "| reader | read | median ms/image | mean ms/image |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| qrimage.DecodeBytes (PNG/JPEG decode + ladder) | %d/%d | %.1f | %.1f |\n", nLadder, len(rows), ms(median(ladderDurs)), ms(mean(ladderDurs)))
	fmt.Fprintf(&b, "| zbarimg -q --raw (one process per image) | %d/%d | %.1f | %.1f |\n", nZbar, len(rows), ms(median(zbarDurs)), ms(mean(zbarDurs)))
	_, zStart := bestOf(func() zbarResult { return zbarRead(filepath.Join("testdata", "hard", "quiet-0.png")) })
	fmt.Fprintf(&b, "\n(zbarimg on the clean quiet-0.png, mostly process start: %.1f ms)\n", ms(zStart))

	for _, sz := range sizes {
		pix := noiseFrame(sz.w, sz.h)
		_, full := bestOf(func() error { _, err := DecodeRGBA(pix, sz.w, sz.h); return err })
		_, quick := bestOf(func() error { _, err := DecodeFrame(pix, sz.w, sz.h); return err })
		fmt.Fprintf(&b, "\n%d×%d frame without a code: DecodeRGBA (full ladder) %.0f ms, DecodeFrame %.0f ms", sz.w, sz.h, ms(full), ms(quick))
	}
	t.Log(b.String())
}

// noiseFrame is a camera-like RGBA frame without a code: shading and
// texture.
func noiseFrame(w, h int) []byte {
	pix := make([]byte, 4*w*h)
	seed := uint32(1)
	for i := 0; i < w*h; i++ {
		seed = seed*1664525 + 1013904223
		x, y := i%w, i/w
		v := byte((x*200/w+y*50/h)/2 + int(seed>>27))
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = v, v, v, 255
	}
	return pix
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func mean(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t / time.Duration(len(ds))
}
