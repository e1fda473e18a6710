package qrimage

import (
	"image"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// workPixels caps the size of every image the ladder derives (upscales), so
// that a failed frame costs a bounded time and memory.
const workPixels = 2 << 20

type binarizer uint8

const (
	hybrid binarizer = iota // local thresholds in 8×8 blocks: uneven light
	global                  // one threshold from the histogram: blur, noise
)

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

// frame is one image going down the ladder, with the derived images that
// several steps share computed once.
type frame struct {
	base    *gray
	derived map[string]*gray
}

func (f *frame) get(key string, build func() *gray) *gray {
	if g, ok := f.derived[key]; ok {
		return g
	}
	if f.derived == nil {
		f.derived = map[string]*gray{}
	}
	g := build()
	f.derived[key] = g
	return g
}

// quietPad is the white border that the padding steps add: about four
// modules for a code that fills the image (a QR code of an HC1 pass has
// 90–130 modules), at least 8 pixels.
func quietPad(g *gray) int { return max(8, max(g.w, g.h)/24) }

func (f *frame) padded() *gray {
	return f.get("pad", func() *gray { return f.base.pad(quietPad(f.base)) })
}

// upscaled returns the padded image enlarged k times, or nil when that
// exceeds workPixels.
func (f *frame) upscaled(k int) *gray {
	p := f.padded()
	if p.w*p.h*k*k > workPixels {
		return nil
	}
	return f.get("up"+string(rune('0'+k)), func() *gray { return p.scale(k) })
}

// step is one rung of the ladder.
type step struct {
	name string
	try  func(f *frame) (string, bool)
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

// gridOf runs our grid sampler on g, which may be nil (over budget).
func gridOf(g *gray) (string, bool) {
	if g == nil {
		return "", false
	}
	return readGrid(g, hybrid)
}

func (f *frame) inverted() *gray {
	return f.get("inv", func() *gray { return f.base.invert().pad(quietPad(f.base)) })
}

func (f *frame) boxed() *gray {
	return f.get("box", func() *gray { return f.padded().box(1) })
}

// candidates is every step that make bench-scan measures; ladder picks
// and orders the ones that earned their place.
var candidates = []step{
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
	{"grid", func(f *frame) (string, bool) { return readGrid(f.base, hybrid) }},
	{"grid-global", func(f *frame) (string, bool) { return readGrid(f.base, global) }},
	{"grid-up2", func(f *frame) (string, bool) { return gridOf(f.upscaled(2)) }},
	{"grid-up3", func(f *frame) (string, bool) { return gridOf(f.upscaled(3)) }},
	{"grid-box", func(f *frame) (string, bool) { return gridOf(f.boxed()) }},
	{"grid-inv", func(f *frame) (string, bool) { return gridOf(f.inverted()) }},
}

// ladder is the order in which Decode tries the steps, from the
// measurements in docs/scan.md (make bench-scan): gozxing's plain read
// first (the common case, about a millisecond), then the cheap steps that
// read the most hard cases, then the expensive upscales.
var ladder = pickSteps("hybrid", "global", "grid", "pure", "up2", "invert", "grid-up2", "grid-up3")

// frameLadder is the short ladder of DecodeFrame, for live camera frames.
var frameLadder = pickSteps("hybrid", "global", "grid")

func pickSteps(names ...string) []step {
	var out []step
	for _, n := range names {
		i := slices.IndexFunc(candidates, func(s step) bool { return s.name == n })
		if i < 0 {
			panic("qrimage: no ladder step " + n)
		}
		out = append(out, candidates[i])
	}
	return out
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

// decodeGray runs the steps on g until one reads a code.
func decodeGray(g *gray, steps []step) (string, error) {
	f := &frame{base: g}
	for _, s := range steps {
		if text, ok := s.try(f); ok {
			return text, nil
		}
	}
	return "", ErrNotFound
}
