//go:build benchscan

// The comparison behind "make bench-scan": every hard case through each
// candidate step alone, through the ladder, and through zbarimg; it prints
// the tables of docs/scan.md. It is not part of make test: it runs zbarimg
// (Debian's zbar-tools) and takes about a minute.
//
// Beside our own steps it measures gozxing's QR reader (zxingCandidates
// below), which the ladder used before it had a decoder of its own, and
// the ladder of that time (zxingLadder): the library no longer imports
// gozxing, which was 0.38 MB brotli of the WebAssembly module.
//
//	go test -tags benchscan -run TestCompareZbar -v ./qrimage
//	CASES=noise-80,rot-30 go test -tags benchscan ...   (a subset)
//	DIR=/tmp/val1 go test -tags benchscan ...            (another set: go run ./qrimage/internal/gencases -set 1 -out /tmp/val1)

package qrimage

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
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
	dir := filepath.Join("testdata", "hard")
	if d := os.Getenv("DIR"); d != "" {
		dir = d
	}
	cases := loadCases(t, dir)
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
		zxing     bool // read by zxingLadder
		zxingDur  time.Duration
		first     string // ladder step that read it
		ladderDur time.Duration
		zbar      bool
		zbarDur   time.Duration
	}
	var rows []row
	for _, c := range cases {
		path := filepath.Join(dir, c.file)
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
		for _, s := range allCandidates {
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
		var zerr error
		zt, zd := bestOf(func() string { s, err := decodeGray(g, zxingLadder); zerr = err; return s })
		r.zxing, r.zxingDur = zerr == nil && zt == c.text, zd
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

	names := make([]string, len(allCandidates))
	for i, s := range allCandidates {
		names[i] = s.name
	}
	fmt.Fprintf(&b, "\nPer case (x = read; each candidate step alone on the original image):\n\n")
	fmt.Fprintf(&b, "| case | %s | ladder: step, ms | zbarimg, ms |\n", strings.Join(names, " | "))
	fmt.Fprintf(&b, "|---|%s---|---|\n", strings.Repeat("---|", len(allCandidates)))
	var ladderDurs, zbarDurs, zxingDurs []time.Duration
	nLadder, nZbar, nZxing := 0, 0, 0
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
		if r.zxing {
			nZxing++
		}
		zxingDurs = append(zxingDurs, r.zxingDur)
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
		for _, s := range allCandidates {
			_, d := bestOf(func() bool { _, ok := s.try(&frame{base: g}); return ok })
			noCode[sz] = append(noCode[sz], d)
		}
	}

	fmt.Fprintf(&b, "\nEach candidate step alone: reads, ms over all cases, ms on a 640×480 frame without a code:\n\n| step | reads | ms, all cases | ms, no code |\n|---|---|---|---|\n")
	for i, s := range allCandidates {
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
	used := make([]bool, len(allCandidates))
	total := 0
	for {
		best, bestGain, bestCost, bestRate := -1, 0, time.Duration(0), 0.0
		for i := range allCandidates {
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
		fmt.Fprintf(&b, "| %s | %d | %.0f | %d/%d |\n", allCandidates[best].name, bestGain, ms(bestCost), total, len(rows))
	}

	fmt.Fprintf(&b, "\nThe ladder as shipped, cumulative:\n\n| up to step | reads | adds | ms, no code 640×480 (cumulative) |\n|---|---|---|---|\n")
	prev, cum := 0, time.Duration(0)
	for i, s := range ladder {
		n := 0
		for _, r := range rows {
			for _, l := range ladder[:i+1] {
				if r.hits[slices.IndexFunc(allCandidates, func(c step) bool { return c.name == l.name })] {
					n++
					break
				}
			}
		}
		cum += noCode[sizes[0]][slices.IndexFunc(allCandidates, func(c step) bool { return c.name == s.name })]
		fmt.Fprintf(&b, "| %s | %d/%d | +%d | %.0f |\n", s.name, n, len(rows), n-prev, ms(cum))
		prev = n
	}

	fmt.Fprintf(&b, "\nTotals over %d hard cases (time per image: best of %d runs; then median and mean over the images):\n\n", len(rows), reps)
	fmt.Fprintf(&b, "| reader | read | median ms/image | mean ms/image |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| qrimage.DecodeBytes (PNG/JPEG decode + ladder) | %d/%d | %.1f | %.1f |\n", nLadder, len(rows), ms(median(ladderDurs)), ms(mean(ladderDurs)))
	fmt.Fprintf(&b, "| the ladder with gozxing's reader (zxingLadder, gray image given) | %d/%d | %.1f | %.1f |\n", nZxing, len(rows), ms(median(zxingDurs)), ms(mean(zxingDurs)))
	fmt.Fprintf(&b, "| zbarimg -q --raw (one process per image) | %d/%d | %.1f | %.1f |\n", nZbar, len(rows), ms(median(zbarDurs)), ms(mean(zbarDurs)))
	_, zStart := bestOf(func() zbarResult { return zbarRead(filepath.Join("testdata", "hard", "quiet-0.png")) })
	fmt.Fprintf(&b, "\n(zbarimg on the clean quiet-0.png, mostly process start: %.1f ms)\n", ms(zStart))

	for _, sz := range sizes {
		pix := noiseFrame(sz.w, sz.h)
		_, full := bestOf(func() error { _, err := DecodeRGBA(pix, sz.w, sz.h); return err })
		_, quick := bestOf(func() error { _, err := DecodeFrame(pix, sz.w, sz.h); return err })
		g := grayFromRGBA(pix, sz.w, sz.h)
		_, zx := bestOf(func() error { _, err := decodeGray(g, zxingLadder); return err })
		fmt.Fprintf(&b, "\n%d×%d frame without a code: DecodeRGBA (full ladder) %.0f ms, DecodeFrame %.0f ms, zxingLadder %.0f ms", sz.w, sz.h, ms(full), ms(quick), ms(zx))
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

// read runs gozxing's QR reader once. gozxing can panic on some inputs
// (index errors in its detector); a panic counts as "not found" for this
// attempt, and the ladder goes on.
func read(g *gray, bin binarizer, tryHarder, pure bool) (text string, ok bool) {
	defer func() {
		if recover() != nil {
			text, ok = "", false
		}
	}()
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
	if err != nil {
		return "", false
	}
	var b gozxing.Binarizer
	if bin == global {
		b = gozxing.NewGlobalHistgramBinarizer(src)
	} else {
		b = gozxing.NewHybridBinarizer(src)
	}
	bmp, err := gozxing.NewBinaryBitmap(b)
	if err != nil {
		return "", false
	}
	hints := map[gozxing.DecodeHintType]any{}
	if tryHarder {
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
	}
	if pure {
		hints[gozxing.DecodeHintType_PURE_BARCODE] = true
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return "", false
	}
	return res.GetText(), true
}

// both reads g with the hybrid and then the global binarizer (TRY_HARDER).
func both(g *gray) (string, bool) {
	if g == nil {
		return "", false
	}
	if s, ok := read(g, hybrid, true, false); ok {
		return s, ok
	}
	return read(g, global, true, false)
}

// zxingCandidates are the steps that use gozxing's reader.
var zxingCandidates = []step{
	{"hybrid", func(f *frame) (string, bool) { return read(f.base, hybrid, false, false) }},
	{"tryharder", func(f *frame) (string, bool) { return read(f.base, hybrid, true, false) }},
	{"global", func(f *frame) (string, bool) { return read(f.base, global, true, false) }},
	{"pure", func(f *frame) (string, bool) {
		if s, ok := read(f.base, hybrid, false, true); ok {
			return s, ok
		}
		return read(f.base, global, false, true)
	}},
	{"pad", func(f *frame) (string, bool) { return both(f.padded()) }},
	{"up2", func(f *frame) (string, bool) { return both(f.upscaled(2)) }},
	{"up3", func(f *frame) (string, bool) { return both(f.upscaled(3)) }},
	{"up4", func(f *frame) (string, bool) { return both(f.upscaled(4)) }},
	{"invert", func(f *frame) (string, bool) {
		inv := f.inverted()
		if s, ok := both(inv); ok {
			return s, ok
		}
		if inv.w*inv.h*4 > workPixels {
			return "", false
		}
		return read(f.get("inv2", func() *gray { return inv.scale(2) }), hybrid, true, false)
	}},
	{"box", func(f *frame) (string, bool) { return both(f.boxed()) }},
	{"finder", readFinderCrop},
}

// zxingLadder is the ladder as it was with gozxing's reader, before our
// own decoder (docs/scan.md).
var zxingLadder = pickFrom(allCandidates, "hybrid", "global", "grid", "pure", "up2", "invert", "grid-up2", "grid-up3")

// allCandidates is our steps, grid-box and gozxing's.
var allCandidates = append(append(slices.Clip(candidates), step{"grid-box", func(f *frame) (string, bool) { return f.gridOf(f.boxed()) }}), zxingCandidates...)

// boxed is the padded image smoothed by a 3×3 box filter: grid-box, a
// step that earned no place in a ladder, so it is built for make
// bench-scan only.
func (f *frame) boxed() *gray {
	return f.get("box", func() *gray { return f.padded().box(1) })
}

// box returns g smoothed by a (2r+1)² box filter: it averages out pixel
// noise and the pixel grid of a photographed screen.
func (g *gray) box(r int) *gray {
	tmp := make([]int32, g.w*g.h)
	for y := 0; y < g.h; y++ {
		row := g.pix[y*g.w : (y+1)*g.w]
		for x := range row {
			s, n := int32(0), int32(0)
			for k := max(0, x-r); k <= min(g.w-1, x+r); k++ {
				s += int32(row[k])
				n++
			}
			tmp[y*g.w+x] = s * 16 / n
		}
	}
	o := newGray(g.w, g.h)
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			s, n := int32(0), int32(0)
			for k := max(0, y-r); k <= min(g.h-1, y+r); k++ {
				s += tmp[k*g.w+x]
				n++
			}
			o.pix[y*g.w+x] = byte((s/n + 8) / 16)
		}
	}
	return o
}

// readFinderCrop finds the three finder patterns, crops the image to them
// plus a quiet zone, enlarges the crop to about 4 pixels per module within
// workPixels, and reads that. It finds small codes on large pages, where an
// upscale of the whole image would exceed the budget.
func readFinderCrop(f *frame) (string, bool) {
	for _, g := range []*gray{f.base, f.upscaled(2)} {
		if g == nil {
			continue
		}
		r, module, ok := finderBox(g)
		if !ok {
			continue
		}
		c := g.crop(r)
		k := clampInt(int(math.Ceil(4/module)), 1, 4)
		for k > 1 && c.w*c.h*k*k > workPixels {
			k--
		}
		if k > 1 {
			c = c.scale(k)
		}
		if s, ok := read(c, hybrid, true, false); ok {
			return s, ok
		}
		if s, ok := read(c, global, true, false); ok {
			return s, ok
		}
	}
	return "", false
}

// finderBox locates three finder patterns and returns the square around
// them, grown by the 3.5 modules from a pattern's centre to the code's edge
// plus a 4-module quiet zone, and the estimated module size.
func finderBox(g *gray) (r image.Rectangle, module float64, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
	if err != nil {
		return r, 0, false
	}
	bm, err := gozxing.NewHybridBinarizer(src).GetBlackMatrix()
	if err != nil {
		return r, 0, false
	}
	info, err := detector.NewFinderPatternFinder(bm, nil).Find(map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return r, 0, false
	}
	tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
	module = (tl.GetEstimatedModuleSize() + tr.GetEstimatedModuleSize() + bl.GetEstimatedModuleSize()) / 3
	if module <= 0 {
		return r, 0, false
	}
	xs := []float64{tl.GetX(), tr.GetX(), bl.GetX(), tr.GetX() + bl.GetX() - tl.GetX()}
	ys := []float64{tl.GetY(), tr.GetY(), bl.GetY(), tr.GetY() + bl.GetY() - tl.GetY()}
	minX, maxX, minY, maxY := xs[0], xs[0], ys[0], ys[0]
	for i := 1; i < 4; i++ {
		minX, maxX = math.Min(minX, xs[i]), math.Max(maxX, xs[i])
		minY, maxY = math.Min(minY, ys[i]), math.Max(maxY, ys[i])
	}
	m := 7.5 * module
	r = image.Rect(int(minX-m), int(minY-m), int(math.Ceil(maxX+m)), int(math.Ceil(maxY+m)))
	r = r.Intersect(image.Rect(0, 0, g.w, g.h))
	return r, module, !r.Empty()
}

// crop returns the part of g inside r, clipped to g.
func (g *gray) crop(r image.Rectangle) *gray {
	r = r.Intersect(image.Rect(0, 0, g.w, g.h))
	o := newGray(r.Dx(), r.Dy())
	for y := 0; y < o.h; y++ {
		copy(o.pix[y*o.w:(y+1)*o.w], g.pix[(r.Min.Y+y)*g.w+r.Min.X:])
	}
	return o
}
