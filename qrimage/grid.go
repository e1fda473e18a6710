package qrimage

import (
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// readGrid is our own sampler for the codes that gozxing's detector
// misreads: it finds the three finder patterns on the binarized image as
// gozxing does, but then samples the *gray* image at each module's centre
// (averaging five points inside the module) and thresholds the module
// values, instead of reading single pixels of the binarized image. With one
// or two pixels per module, blur or noise, the binarizer has already lost
// what the gray values still hold. It also tries the two neighbouring
// versions when the module size estimate is off, which is common on small
// codes where gozxing's dimension estimate is one version wrong.
func readGrid(g *gray, bin binarizer) (text string, ok bool) {
	defer func() {
		if recover() != nil {
			text, ok = "", false
		}
	}()
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
	if err != nil {
		return "", false
	}
	var b gozxing.Binarizer = gozxing.NewHybridBinarizer(src)
	if bin == global {
		b = gozxing.NewGlobalHistgramBinarizer(src)
	}
	bm, err := b.GetBlackMatrix()
	if err != nil {
		return "", false
	}
	var triples []finderTriple
	if info, err := detector.NewFinderPatternFinder(bm, nil).Find(map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}); err == nil {
		c := func(p *detector.FinderPattern) finderCand {
			return finderCand{x: p.GetX(), y: p.GetY(), module: p.GetEstimatedModuleSize(), hits: p.GetCount()}
		}
		triples = append(triples, finderTriple{tl: c(info.GetTopLeft()), tr: c(info.GetTopRight()), bl: c(info.GetBottomLeft())})
	}
	triples = append(triples, finderTriples(findFinderCandidates(bm), 4)...)
	dec := decoder.NewDecoder()
	for _, t := range triples {
		if text, ok := readTriple(g, bm, dec, t); ok {
			return text, true
		}
	}
	return "", false
}

// readTriple samples and decodes the code that the finder patterns of t
// anchor, trying the estimated dimension and its neighbours.
func readTriple(g *gray, bm *gozxing.BitMatrix, dec *decoder.Decoder, t finderTriple) (string, bool) {
	tl := gozxing.NewResultPoint(t.tl.x, t.tl.y)
	tr := gozxing.NewResultPoint(t.tr.x, t.tr.y)
	bl := gozxing.NewResultPoint(t.bl.x, t.bl.y)
	module := (t.tl.module + t.tr.module + t.bl.module) / 3
	if module <= 0 {
		return "", false
	}
	// Finder module sizes are measured on a row and a column; on a code
	// rotated by θ they cross a module over 1/cos θ of its side.
	th := math.Atan2(tr.GetY()-tl.GetY(), tr.GetX()-tl.GetX())
	th = math.Mod(math.Abs(th), math.Pi/2)
	if th > math.Pi/4 {
		th = math.Pi/2 - th
	}
	module *= math.Cos(th)
	dist := (gozxing.ResultPoint_Distance(tl, tr) + gozxing.ResultPoint_Distance(tl, bl)) / 2
	d0 := int(math.Round(dist/module)) + 7
	d0 = (d0-1+2)/4*4 + 1 // nearest 4k+1
	for _, d := range []int{d0, d0 - 4, d0 + 4, d0 - 8, d0 + 8} {
		if d < 21 || d > 177 {
			continue
		}
		// Module size implied by this dimension: finder centres are d-7 apart.
		ms := dist / float64(d-7)
		var transforms []*common.PerspectiveTransform
		if ap := findAlignment(bm, tl, tr, bl, d, ms); ap != nil {
			transforms = append(transforms, detector.Detector_createTransform(tl, tr, bl, ap, d))
		}
		for _, ap := range matchAlignment(g, t, d) {
			transforms = append(transforms, detector.Detector_createTransform(tl, tr, bl, ap, d))
		}
		transforms = append(transforms, detector.Detector_createTransform(tl, tr, bl, nil, d))
		for _, tf := range transforms {
			if d >= 45 && !versionOK(g, tf, d) {
				continue // cheap rejection of a wrong dimension, transform or triple
			}
			vals := sampleModules(g, tf, d)
			for _, bits := range []*gozxing.BitMatrix{thresholdLocal(vals, d), thresholdOtsu(vals, d)} {
				if res, err := dec.Decode(bits, nil); err == nil {
					return res.GetText(), true
				}
			}
		}
	}
	return "", false
}

// findAlignment looks for the bottom-right alignment pattern of a code of
// dimension d, as gozxing's detector does, or returns nil.
func findAlignment(bm *gozxing.BitMatrix, tl, tr, bl gozxing.ResultPoint, d int, ms float64) *detector.AlignmentPattern {
	if d < 25 { // version 1 has no alignment pattern
		return nil
	}
	brX := tr.GetX() - tl.GetX() + bl.GetX()
	brY := tr.GetY() - tl.GetY() + bl.GetY()
	corr := 1 - 3/float64(d-7)
	ex := tl.GetX() + corr*(brX-tl.GetX())
	ey := tl.GetY() + corr*(brY-tl.GetY())
	for _, f := range []float64{4, 8, 16} {
		a := f * ms
		x0, x1 := max(0, int(ex-a)), min(bm.GetWidth()-1, int(ex+a))
		y0, y1 := max(0, int(ey-a)), min(bm.GetHeight()-1, int(ey+a))
		if float64(x1-x0) < 3*ms || float64(y1-y0) < 3*ms {
			return nil
		}
		if ap, err := detector.NewAlignmentPatternFinder(bm, x0, y0, x1-x0, y1-y0, ms, nil).Find(); err == nil {
			return ap
		}
	}
	return nil
}

// matchAlignment finds the bottom-right alignment pattern of a code of
// dimension d by template matching on the gray image, and returns up to two
// candidates. It searches around two predictions: the parallelogram that
// the three finder patterns span, and a perspective-corrected one that
// scales the edges by the ratio of the module sizes measured at the finder
// patterns (under perspective the far corner's modules are larger or
// smaller). At each point it scores how much lighter a 3×3-module ring is
// than its dark centre and dark outer ring, sampled along the local module
// axes; averaging over 25 modules makes this hold up under noise and moiré,
// where gozxing's run-length search fails. Nil for version 1 or when no
// point shows a clear ring.
func matchAlignment(g *gray, t finderTriple, d int) []*detector.AlignmentPattern {
	if d < 25 {
		return nil
	}
	n := float64(d - 7) // modules between finder centres
	type vec struct{ x, y float64 }
	tl, tr, bl := vec{t.tl.x, t.tl.y}, vec{t.tr.x, t.tr.y}, vec{t.bl.x, t.bl.y}
	top := vec{tr.x - tl.x, tr.y - tl.y}  // top edge, TL → TR
	left := vec{bl.x - tl.x, bl.y - tl.y} // left edge, TL → BL
	var preds [][3]vec                    // corner, module x axis, module y axis
	preds = append(preds, [3]vec{{tl.x + top.x + left.x, tl.y + top.y + left.y}, {top.x / n, top.y / n}, {left.x / n, left.y / n}})
	if t.tl.module > 0 {
		kr, kb := t.tr.module/t.tl.module, t.bl.module/t.tl.module
		br1 := vec{tr.x + left.x*kr, tr.y + left.y*kr}
		br2 := vec{bl.x + top.x*kb, bl.y + top.y*kb}
		br := vec{(br1.x + br2.x) / 2, (br1.y + br2.y) / 2}
		ex := vec{(br.x - bl.x) / n, (br.y - bl.y) / n}
		ey := vec{(br.x - tr.x) / n, (br.y - tr.y) / n}
		moved := math.Hypot(br.x-preds[0][0].x, br.y-preds[0][0].y) / math.Hypot(ex.x, ex.y)
		if moved > 2 {
			preds = append(preds, [3]vec{br, ex, ey})
		}
	}
	var out []*detector.AlignmentPattern
	for _, p := range preds {
		br, ex, ey := p[0], p[1], p[2]
		score := func(cx, cy float64) float64 {
			var dark, light float64
			for j := -2; j <= 2; j++ {
				for i := -2; i <= 2; i++ {
					v := g.bilinear(cx+float64(i)*ex.x+float64(j)*ey.x, cy+float64(i)*ex.y+float64(j)*ey.y)
					if max(abs(i), abs(j)) == 1 {
						light += v
					} else {
						dark += v
					}
				}
			}
			return light/8 - dark/17
		}
		best, bx, by := 0.0, 0.0, 0.0
		search := func(cx, cy, reach, step float64) {
			for oy := -reach; oy <= reach; oy += step {
				for ox := -reach; ox <= reach; ox += step {
					x := cx + ox*ex.x + oy*ey.x
					y := cy + ox*ex.y + oy*ey.y
					if s := score(x, y); s > best {
						best, bx, by = s, x, y
					}
				}
			}
		}
		// The pattern's centre is 3 modules in from the corner's finder centre.
		search(br.x-3*(ex.x+ey.x), br.y-3*(ex.y+ey.y), math.Max(4, 0.1*n), 0.5)
		if best < 20 { // gray levels: no clear ring
			continue
		}
		search(bx, by, 0.5, 0.125)
		out = append(out, detector.NewAlignmentPattern(bx, by, 1))
	}
	return out
}

func abs(v int) int { return max(v, -v) }

// versionOK reports whether either version information block (versions 7
// and up, d ≥ 45) read through t names dimension d. Reading these 36
// modules costs little next to sampling the whole grid, and a wrong
// dimension, a skewed transform or a triple of look-alike patterns fails it
// (a random block passes with a chance of about 1 in 250). A mirrored code
// swaps the two blocks, so checking both covers it.
func versionOK(g *gray, t *common.PerspectiveTransform, d int) bool {
	var blocks [2][18][2]int // module (x, y) in the reading order of gozxing's BitMatrixParser
	k := 0
	for j := 5; j >= 0; j-- {
		for i := d - 9; i >= d-11; i-- {
			blocks[0][k] = [2]int{i, j}
			blocks[1][k] = [2]int{j, i}
			k++
		}
	}
	for _, b := range blocks {
		var vals [18]float64
		lo, hi := 255.0, 0.0
		for k, m := range b {
			vals[k] = moduleValue(g, t, m[0], m[1])
			lo, hi = math.Min(lo, vals[k]), math.Max(hi, vals[k])
		}
		bits := 0
		for _, v := range vals {
			bits <<= 1
			if v < (lo+hi)/2 {
				bits |= 1
			}
		}
		if v, err := decoder.Version_decodeVersionInformation(bits); err == nil && v != nil && v.GetDimensionForVersion() == d {
			return true
		}
	}
	return false
}

// moduleValue is the mean gray value of module (x, y) through t, sampled as
// sampleModules does.
func moduleValue(g *gray, t *common.PerspectiveTransform, x, y int) float64 {
	pts := make([]float64, 0, 2*len(moduleOffsets))
	for _, o := range moduleOffsets {
		pts = append(pts, float64(x)+o[0], float64(y)+o[1])
	}
	t.TransformPoints(pts)
	s := 0.0
	for i := 0; i < len(pts); i += 2 {
		s += g.bilinear(pts[i], pts[i+1])
	}
	return s / float64(len(moduleOffsets))
}

// moduleOffsets are the sample points inside a module: its centre and a
// quarter module towards each corner.
var moduleOffsets = [5][2]float64{{0.5, 0.5}, {0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}}

// sampleModules returns the mean gray value of each module of a d×d grid
// mapped through t: five bilinear samples, at the centre and a quarter
// module towards each corner. Points outside the image read as white.
func sampleModules(g *gray, t *common.PerspectiveTransform, d int) []float64 {
	offs := moduleOffsets
	pts := make([]float64, 0, 2*len(offs)*d)
	vals := make([]float64, d*d)
	for y := 0; y < d; y++ {
		pts = pts[:0]
		for x := 0; x < d; x++ {
			for _, o := range offs {
				pts = append(pts, float64(x)+o[0], float64(y)+o[1])
			}
		}
		t.TransformPoints(pts)
		for x := 0; x < d; x++ {
			s := 0.0
			for k := range offs {
				i := 2 * (x*len(offs) + k)
				s += g.bilinear(pts[i], pts[i+1])
			}
			vals[y*d+x] = s / float64(len(offs))
		}
	}
	return vals
}

// bilinear returns the gray value at (x, y), pixel centres at +0.5, and
// white outside the image.
func (g *gray) bilinear(x, y float64) float64 {
	x -= 0.5
	y -= 0.5
	if !(x > -1 && y > -1 && x < float64(g.w) && y < float64(g.h)) { // also NaN
		return 255
	}
	x0, fx := floorFrac(x)
	y0, fy := floorFrac(y)
	at := func(xx, yy int) float64 {
		return float64(g.pix[clampInt(yy, 0, g.h-1)*g.w+clampInt(xx, 0, g.w-1)])
	}
	top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
	bot := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
	return top*(1-fy) + bot*fy
}

// thresholdLocal marks a module dark when it is darker than the mean of
// the modules around it (a 9×9 window), which follows uneven light. A QR
// code's data is about half dark in any window, so the mean sits between
// the two levels.
func thresholdLocal(vals []float64, d int) *gozxing.BitMatrix {
	const r = 4
	// Summed-area table for window means.
	sat := make([]float64, (d+1)*(d+1))
	for y := 0; y < d; y++ {
		for x := 0; x < d; x++ {
			sat[(y+1)*(d+1)+x+1] = vals[y*d+x] + sat[y*(d+1)+x+1] + sat[(y+1)*(d+1)+x] - sat[y*(d+1)+x]
		}
	}
	bits, _ := gozxing.NewSquareBitMatrix(d)
	for y := 0; y < d; y++ {
		for x := 0; x < d; x++ {
			x0, y0, x1, y1 := max(0, x-r), max(0, y-r), min(d, x+r+1), min(d, y+r+1)
			sum := sat[y1*(d+1)+x1] - sat[y0*(d+1)+x1] - sat[y1*(d+1)+x0] + sat[y0*(d+1)+x0]
			if vals[y*d+x] < sum/float64((x1-x0)*(y1-y0)) {
				bits.Set(x, y)
			}
		}
	}
	return bits
}

// thresholdOtsu marks modules dark below the one threshold that best
// separates the two levels (Otsu's method on the module values).
func thresholdOtsu(vals []float64, d int) *gozxing.BitMatrix {
	var hist [256]int
	for _, v := range vals {
		hist[clampInt(int(v), 0, 255)]++
	}
	total := len(vals)
	sumAll := 0.0
	for i, n := range hist {
		sumAll += float64(i * n)
	}
	best, bestVar := 0, -1.0
	wB, sumB := 0, 0.0
	for t := 0; t < 256; t++ {
		wB += hist[t]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB, mF := sumB/float64(wB), (sumAll-sumB)/float64(wF)
		if v := float64(wB) * float64(wF) * (mB - mF) * (mB - mF); v > bestVar {
			best, bestVar = t, v
		}
	}
	bits, _ := gozxing.NewSquareBitMatrix(d)
	for y := 0; y < d; y++ {
		for x := 0; x < d; x++ {
			if int(vals[y*d+x]) <= best {
				bits.Set(x, y)
			}
		}
	}
	return bits
}
