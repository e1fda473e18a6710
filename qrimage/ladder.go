package qrimage

import "slices"

// workPixels caps the size of every image the ladder derives (upscales), so
// that a failed frame costs a bounded time and memory.
const workPixels = 2 << 20

type binarizer uint8

const (
	hybrid binarizer = iota // local thresholds in 8×8 blocks: uneven light
	global                  // one threshold from the histogram: blur, noise
)

// frame is one image going down the ladder, with the derived images that
// several steps share computed once: the bitmaps of the base image (each
// binarized once) and the padded, upscaled and inverted images.
type frame struct {
	base    *gray
	sc      *scratch // buffers; nil allocates
	bms     [2]*bitmap
	derived map[string]*gray
	// all, when set, makes the grid reader read every code it can find
	// (DecodeAll) and add the distinct texts to it.
	all *[]string
}

// bitmap returns the base image binarized with bin.
func (f *frame) bitmap(bin binarizer) *bitmap {
	if f.bms[bin] == nil {
		f.bms[bin] = binarize(f.base, bin, f.sc)
	}
	return f.bms[bin]
}

// gridBase runs our grid sampler on the base image.
func (f *frame) gridBase(bin binarizer) (string, bool) {
	return readGrid(f.base, f.bitmap(bin), f.sc, f.all)
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

// gridOf runs our grid sampler on g, an image derived from f's, which may
// be nil (over budget).
func (f *frame) gridOf(g *gray) (string, bool) {
	if g == nil {
		return "", false
	}
	return readGrid(g, binarize(g, hybrid, nil), nil, f.all)
}

func (f *frame) inverted() *gray {
	return f.get("inv", func() *gray { return f.base.invert().pad(quietPad(f.base)) })
}

// candidates is every step of ours that make bench-scan measures but one
// (it adds grid-box, and gozxing's reader with its own steps, for
// comparison: compare_test.go); the ladders pick and order the ones that
// earned their place.
var candidates = []step{
	{"grid", func(f *frame) (string, bool) { return f.gridBase(hybrid) }},
	{"grid-global", func(f *frame) (string, bool) { return f.gridBase(global) }},
	{"grid-up2", func(f *frame) (string, bool) { return f.gridOf(f.upscaled(2)) }},
	{"grid-up3", func(f *frame) (string, bool) { return f.gridOf(f.upscaled(3)) }},
	{"grid-inv", func(f *frame) (string, bool) { return f.gridOf(f.inverted()) }},
}

// ladder is the order in which Decode, DecodeBytes and DecodeRGBA try the
// steps, from the measurements in docs/scan.md (make bench-scan): the grid
// reader on the image as it is reads most codes, the 2× upscale the small
// and blurred ones, the negative the inverted ones, and the 3× upscale the
// last noisy ones.
var ladder = pickSteps("grid", "grid-up2", "grid-inv", "grid-up3")

// frameLadder is the short ladder of DecodeFrame, for live camera frames:
// the global binarizer adds a read or two in 50 (small blurred codes) for
// about 40% more time on a frame without a code.
var frameLadder = pickSteps("grid", "grid-global")

// pickSteps returns the named steps of candidates, in order.
func pickSteps(names ...string) []step {
	return pickFrom(candidates, names...)
}

func pickFrom(steps []step, names ...string) []step {
	var out []step
	for _, n := range names {
		i := slices.IndexFunc(steps, func(s step) bool { return s.name == n })
		if i < 0 {
			panic("qrimage: no ladder step " + n)
		}
		out = append(out, steps[i])
	}
	return out
}

// decodeGray runs the steps on g until one reads a code.
func decodeGray(g *gray, steps []step) (string, error) {
	f := &frame{base: g}
	return f.climb(steps)
}

// climb runs the steps on f until one reads a code.
func (f *frame) climb(steps []step) (string, error) {
	text, _, err := f.climbTo(steps)
	return text, err
}

// climbTo is climb that also returns the index of the step that read the
// code.
func (f *frame) climbTo(steps []step) (string, int, error) {
	for i, s := range steps {
		if text, ok := s.try(f); ok {
			return text, i, nil
		}
	}
	return "", -1, ErrNotFound
}

// decodeAllGray reads every code in g that the rung of the ladder which
// reads the first code can read (see DecodeAll). The climb is Decode's, so
// an image without a code costs what it costs Decode, and the first text is
// the one Decode returns; that rung is then run again, reading every
// finder-pattern triple it finds, on the images the climb derived.
func decodeAllGray(g *gray) ([]string, error) {
	f := &frame{base: g}
	first, i, err := f.climbTo(ladder)
	if err != nil {
		return nil, err
	}
	texts := []string{first}
	f.all = &texts
	ladder[i].try(f)
	return texts, nil
}
