package qrimage

import (
	"math"
	"slices"

	"github.com/passcheck/passcheck/qrimage/internal/qrdecode"
)

// readGrid is our own reader: it finds the three finder patterns on the
// binarized image (finder.go), maps the module grid onto the image, samples
// the *gray* image at each module (averaging five points inside it),
// thresholds the module values, and hands the module matrix to our decoder
// (internal/qrdecode). With one or two pixels per module, blur or noise,
// the binarizer has already lost what the gray values still hold. It tries
// several finder triples, the estimated dimension and its neighbours, and
// several transforms; the decoder's Reed–Solomon check rejects the wrong
// ones.
//
// With all non-nil it reads every code instead (readAll).
func readGrid(g *gray, bm *bitmap, sc *scratch, all *[]string) (text string, ok bool) {
	if all != nil {
		return readAll(g, bm, sc, all)
	}
	for _, t := range finderTriples(findFinderCandidates(bm, 1, maxCands, 0, sc), gridTriples) {
		if text, ok := readTriple(g, t); ok {
			return text, true
		}
	}
	return "", false
}

// Limits of a read of every code in an image (DecodeAll): three finder
// patterns a code, with room for the look-alikes that data modules form,
// and the triples tried.
const (
	allCands   = 4 * maxCands
	allTriples = 64
)

// readAll tries up to allTriples finder-pattern triples of up to allCands
// candidates, best first, and adds each text not yet in all to it. A
// triple with a pattern inside a code already read is skipped: the data
// modules of a code form look-alikes of finder patterns, and trying the
// triples they make would cost many times the read. It reports the first
// text it read.
func readAll(g *gray, bm *bitmap, sc *scratch, all *[]string) (text string, ok bool) {
	var read []finderTriple
	inRead := func(c finderCand) bool {
		for _, r := range read {
			if r.covers(c) {
				return true
			}
		}
		return false
	}
	for _, t := range finderTriples(findFinderCandidates(bm, 1, allCands, 0, sc), allTriples) {
		if inRead(t.tl) || inRead(t.tr) || inRead(t.bl) {
			continue
		}
		s, got := readTriple(g, t)
		if !got {
			continue
		}
		read = append(read, t)
		if !ok {
			text, ok = s, true
		}
		if !slices.Contains(*all, s) {
			*all = append(*all, s)
		}
	}
	return text, ok
}

// covers reports whether c lies inside the code whose finder patterns t
// holds: within the parallelogram its patterns' centres span, widened by
// the 3.5 modules from a centre to the code's edge and one more for
// perspective.
func (t finderTriple) covers(c finderCand) bool {
	ux, uy := t.tr.x-t.tl.x, t.tr.y-t.tl.y
	vx, vy := t.bl.x-t.tl.x, t.bl.y-t.tl.y
	det := ux*vy - uy*vx
	if det == 0 {
		return false
	}
	px, py := c.x-t.tl.x, c.y-t.tl.y
	a := (px*vy - py*vx) / det // along the top edge, 0 at tl, 1 at tr
	b := (ux*py - uy*px) / det // along the left edge, 0 at tl, 1 at bl
	module := (t.tl.module + t.tr.module + t.bl.module) / 3
	ma := 4.5 * module / math.Hypot(ux, uy)
	mb := 4.5 * module / math.Hypot(vx, vy)
	return a > -ma && a < 1+ma && b > -mb && b < 1+mb
}

// readTriple samples and decodes the code that the finder patterns of t
// anchor, trying the estimated dimension and its neighbours.
func readTriple(g *gray, t finderTriple) (string, bool) {
	tl, tr, bl := point{t.tl.x, t.tl.y}, point{t.tr.x, t.tr.y}, point{t.bl.x, t.bl.y}
	module := (t.tl.module + t.tr.module + t.bl.module) / 3
	if module <= 0 {
		return "", false
	}
	// Finder module sizes are measured on a row and a column; on a code
	// rotated by θ they cross a module over 1/cos θ of its side.
	th := math.Atan2(tr.y-tl.y, tr.x-tl.x)
	th = math.Mod(math.Abs(th), math.Pi/2)
	if th > math.Pi/4 {
		th = math.Pi/2 - th
	}
	module *= math.Cos(th)
	dist := (math.Hypot(tr.x-tl.x, tr.y-tl.y) + math.Hypot(bl.x-tl.x, bl.y-tl.y)) / 2
	d0 := int(math.Round(dist/module)) + 7
	d0 = (d0-1+2)/4*4 + 1 // nearest 4k+1
	try := func(tf homography, d int) (string, bool) {
		if d >= 45 && !versionOK(g, tf, d) || !timingOK(g, tf, d) {
			return "", false // cheap rejection of a wrong dimension, transform or triple
		}
		vals := sampleModules(g, tf, d)
		// Three thresholds, each made only when the one before did not
		// read.
		for k := range 3 {
			var dark []bool
			switch k {
			case 0:
				dark = thresholdLocal(vals, d)
			case 1:
				dark = thresholdOtsu(vals, d)
			default:
				dark = thresholdLocal(sharpen(vals, d, 0.5), d)
			}
			if res, err := qrdecode.Decode(qrdecode.Matrix{Size: d, Dark: dark}); err == nil {
				return res.Text, true
			}
		}
		return "", false
	}
	// The parallelogram that the finder patterns span reads a code seen
	// square on; the alignment pattern is searched for only when it does
	// not, and only once, with the module size of the first dimension that
	// has one: its place in the image does not depend on the dimension,
	// and the search is most of the cost of a triple that is no code.
	var aps []point
	searched := false
	for _, d := range []int{d0, d0 - 4, d0 + 4, d0 - 8, d0 + 8} {
		if d < 21 || d > 177 {
			continue
		}
		if text, ok := try(gridTransform(tl, tr, bl, nil, d), d); ok {
			return text, true
		}
		if d >= 25 && !searched {
			aps, searched = matchAlignment(g, t, d), true
		}
		for _, ap := range aps {
			if text, ok := try(gridTransform(tl, tr, bl, &ap, d), d); ok {
				return text, true
			}
		}
	}
	return "", false
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
// where a run-length search fails. Nil for version 1 or when no point shows
// a clear ring.
func matchAlignment(g *gray, t finderTriple, d int) []point {
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
	var out []point
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
		// The pattern's centre is 3 modules in from the corner's finder
		// centre. A coarse search in half modules (the ring still scores
		// well half a module off its centre), then finer steps around the
		// best point. The coarse points and the template's 25 points
		// around each lie on one lattice of half modules, so each lattice
		// point is sampled once (a tenth to a twentieth of the samples).
		cx, cy, reach := br.x-3*(ex.x+ey.x), br.y-3*(ex.y+ey.y), math.Max(4, 0.1*n)
		k := int(4*reach) + 1 // coarse offsets: −reach + i/2, i < k
		lw := k + 8           // and four half modules more on each side
		// One allocation for the lattice and the row sums (h3, h5), whose
		// entries are all written before they are read.
		buf := make([]float64, 3*lw*lw)
		lat := buf[:lw*lw]
		for b := range lw {
			for a := range lw {
				ox, oy := -reach+float64(a-4)/2, -reach+float64(b-4)/2
				lat[b*lw+a] = g.bilinear(cx+ox*ex.x+oy*ey.x, cy+ox*ex.y+oy*ey.y)
			}
		}
		// The template's sums by rows, then columns: along each lattice
		// row, the five points two apart around a (h5) and the three
		// (h3); the 5×5 and 3×3 sums add those of rows two apart. The
		// ring is the 3×3 less its centre, the rest of the 5×5 dark.
		h3, h5 := buf[lw*lw:2*lw*lw], buf[2*lw*lw:]
		for b := range lw {
			r := lat[b*lw : (b+1)*lw]
			for a := 4; a < k+4; a++ {
				h3[b*lw+a] = r[a-2] + r[a] + r[a+2]
				h5[b*lw+a] = h3[b*lw+a] + r[a-4] + r[a+4]
			}
		}
		for b := 4; b < k+4; b++ {
			for a := 4; a < k+4; a++ {
				i := b*lw + a
				s9 := h3[i-2*lw] + h3[i] + h3[i+2*lw]
				s25 := h5[i-4*lw] + h5[i-2*lw] + h5[i] + h5[i+2*lw] + h5[i+4*lw]
				light, dark := s9-lat[i], s25-s9+lat[i]
				if s := light/8 - dark/17; s > best {
					ox, oy := -reach+float64(a-4)/2, -reach+float64(b-4)/2
					best, bx, by = s, cx+ox*ex.x+oy*ey.x, cy+ox*ex.y+oy*ey.y
				}
			}
		}
		if best < 20 { // gray levels: no clear ring
			continue
		}
		search(bx, by, 0.25, 0.125)
		out = append(out, point{bx, by})
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
func versionOK(g *gray, t homography, d int) bool {
	a, b := qrdecode.VersionBlockModules(d)
	for _, block := range [2][18][2]int{a, b} {
		var vals [18]float64
		lo, hi := 255.0, 0.0
		for k, m := range block {
			vals[k] = moduleValue(g, t, m[0], m[1])
			lo, hi = math.Min(lo, vals[k]), math.Max(hi, vals[k])
		}
		var bits uint32
		for _, v := range vals {
			bits <<= 1
			if v < (lo+hi)/2 {
				bits |= 1
			}
		}
		if v, ok := qrdecode.VersionFromBits(bits); ok && qrdecode.Dimension(v) == d {
			return true
		}
	}
	return false
}

// timingOK reports whether the timing patterns read through t (row and
// column 6, between the finder patterns: d−16 modules each, each line
// thresholded at its mean) alternate, starting dark, as a code's do.
//
// Below version 7 (d < 45), which has no version information, it stands
// in for versionOK: three modules of four must agree over both lines; a
// random grid passes about once in 20 at d = 21 and far more rarely above.
// From version 7 on, after versionOK, each line must agree in
// timingMin of its modules: a transform that the version block next to
// one finder pattern passes, but whose third corner is wrong (a
// look-alike beside the true pattern), reads one line as data (about half
// agree), and sampling and decoding that grid three times would cost as
// much as a read. When timingMin was chosen, on the hard cases and three
// other sets (gencases -set 1…3), through both ladders, every line of a
// grid that decoded agreed in 0.79 or more (a one-off measurement).
func timingOK(g *gray, t homography, d int) bool {
	n := d - 16
	var agree [2]int
	for line, col := range [2]bool{false, true} {
		var vals [177 - 16]float64
		mean := 0.0
		for k := range n {
			x, y := 8+k, 6
			if col {
				x, y = y, x
			}
			vals[k] = moduleValue(g, t, x, y)
			mean += vals[k] / float64(n)
		}
		for k := range n {
			if (vals[k] < mean) == (k%2 == 0) {
				agree[line]++
			}
		}
	}
	if d < 45 {
		return 4*(agree[0]+agree[1]) >= 3*2*n
	}
	return float64(min(agree[0], agree[1])) >= timingMin*float64(n)
}

// timingMin is the share of each timing pattern's modules that must
// alternate from version 7 on (timingOK).
const timingMin = 0.6

// moduleOffsets are the sample points inside a module: its centre and a
// quarter module towards each corner.
var moduleOffsets = [5][2]float64{{0.5, 0.5}, {0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}}

// moduleValue is the mean gray value of module (x, y) through t: five
// bilinear samples, at the centre and a quarter module towards each
// corner. Points outside the image read as white.
func moduleValue(g *gray, t homography, x, y int) float64 {
	s := 0.0
	for k := range moduleOffsets { // by index: ranging over the array copies it
		o := &moduleOffsets[k]
		px, py := t.apply(float64(x)+o[0], float64(y)+o[1])
		s += g.bilinear(px, py)
	}
	return s / float64(len(moduleOffsets))
}

// sampleModules returns moduleValue of each module of a d×d grid mapped
// through t, row by row. It is moduleValue written out, with the same
// arithmetic and bilinear's common case inline: the transform in locals,
// no call per sample and no copy of moduleOffsets per module, which makes
// it two to four times cheaper in WebAssembly, where sampling was the
// largest cost of a read.
func sampleModules(g *gray, t homography, d int) []float64 {
	vals := make([]float64, d*d)
	m0, m1, m2, m3, m4, m5, m6, m7, m8 := t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8]
	fw, fh := float64(g.w-1), float64(g.h-1)
	offs := &moduleOffsets
	for y := 0; y < d; y++ {
		for x := 0; x < d; x++ {
			s := 0.0
			for k := range offs {
				u, v := float64(x)+offs[k][0], float64(y)+offs[k][1]
				w := m6*u + m7*v + m8
				qx, qy := (m0*u+m1*v+m2)/w, (m3*u+m4*v+m5)/w
				px, py := qx-0.5, qy-0.5
				if !(px >= 0 && py >= 0 && px < fw && py < fh) {
					s += g.bilinear(qx, qy)
					continue
				}
				x0, y0 := int(px), int(py)
				fx, fy := px-float64(x0), py-float64(y0)
				if g.have != nil && g.have[y0]&g.have[y0+1] == 0 {
					g.row(y0)
					g.row(y0 + 1)
				}
				i := y0*g.w + x0
				p := g.pix[i : i+g.w+2 : i+g.w+2]
				p00, p10 := float64(p[0]), float64(p[1])
				p01, p11 := float64(p[g.w]), float64(p[g.w+1])
				top := p00 + (p10-p00)*fx
				bot := p01 + (p11-p01)*fx
				s += top + (bot-top)*fy
			}
			vals[y*d+x] = s / float64(len(moduleOffsets))
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
	if g.have != nil { // rows a Scanner has not converted yet
		g.row(clampInt(y0, 0, g.h-1))
		g.row(clampInt(y0+1, 0, g.h-1))
	}
	var p00, p10, p01, p11 float64
	if x0 >= 0 && y0 >= 0 && x0+1 < g.w && y0+1 < g.h {
		i := y0*g.w + x0
		p00, p10 = float64(g.pix[i]), float64(g.pix[i+1])
		p01, p11 = float64(g.pix[i+g.w]), float64(g.pix[i+g.w+1])
	} else { // at the border: clamp
		at := func(xx, yy int) float64 {
			return float64(g.pix[clampInt(yy, 0, g.h-1)*g.w+clampInt(xx, 0, g.w-1)])
		}
		p00, p10, p01, p11 = at(x0, y0), at(x0+1, y0), at(x0, y0+1), at(x0+1, y0+1)
	}
	top := p00 + (p10-p00)*fx
	bot := p01 + (p11-p01)*fx
	return top + (bot-top)*fy
}

// sharpen returns the module values with a times their difference from
// the mean of their four neighbours added: it undoes part of the blur that
// mixes each module with its neighbours (at 3 pixels per module, a blur of
// σ 1.4 pixels leaves too many wrong modules in some blocks without it).
func sharpen(vals []float64, d int, a float64) []float64 {
	out := make([]float64, len(vals))
	for y := 0; y < d; y++ {
		for x := 0; x < d; x++ {
			s, n := 0.0, 0.0
			if x > 0 {
				s, n = s+vals[y*d+x-1], n+1
			}
			if x < d-1 {
				s, n = s+vals[y*d+x+1], n+1
			}
			if y > 0 {
				s, n = s+vals[(y-1)*d+x], n+1
			}
			if y < d-1 {
				s, n = s+vals[(y+1)*d+x], n+1
			}
			v := vals[y*d+x]
			out[y*d+x] = v + a*(v-s/n)
		}
	}
	return out
}

// thresholdLocal marks a module dark when it is darker than the mean of
// the modules around it (a 9×9 window), which follows uneven light. A QR
// code's data is about half dark in any window, so the mean sits between
// the two levels.
func thresholdLocal(vals []float64, d int) []bool {
	const r = 4
	// Summed-area table for window means.
	sat := make([]float64, (d+1)*(d+1))
	for y := 0; y < d; y++ {
		for x := 0; x < d; x++ {
			sat[(y+1)*(d+1)+x+1] = vals[y*d+x] + sat[y*(d+1)+x+1] + sat[(y+1)*(d+1)+x] - sat[y*(d+1)+x]
		}
	}
	dark := make([]bool, d*d)
	for y := 0; y < d; y++ {
		for x := 0; x < d; x++ {
			x0, y0, x1, y1 := max(0, x-r), max(0, y-r), min(d, x+r+1), min(d, y+r+1)
			sum := sat[y1*(d+1)+x1] - sat[y0*(d+1)+x1] - sat[y1*(d+1)+x0] + sat[y0*(d+1)+x0]
			dark[y*d+x] = vals[y*d+x] < sum/float64((x1-x0)*(y1-y0))
		}
	}
	return dark
}

// thresholdOtsu marks modules dark below the one threshold that best
// separates the two levels (Otsu's method on the module values).
func thresholdOtsu(vals []float64, d int) []bool {
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
	dark := make([]bool, d*d)
	for i, v := range vals {
		dark[i] = int(v) <= best
	}
	return dark
}
