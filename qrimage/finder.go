package qrimage

import (
	"math"
	"sort"
)

// Our own finder-pattern search, more tolerant than gozxing's: gozxing's
// finder also demands the 1:1:3:1:1 ratio on the diagonal and then keeps one
// triple whose module sizes agree within 40%, and it gives up on moiré,
// heavy noise and strong perspective. Here a candidate needs the ratio on
// its row and its column, with a wider tolerance, and the caller tries
// several plausible triples: the Reed–Solomon check of the decoder rejects
// the wrong ones.

// maxCands is how many candidates, those with the most hits, the grid
// reader forms triples from.
const maxCands = 12

// gridTriples is how many of the best finder-pattern triples the grid
// reader tries, and the first rung of a Scanner with them.
const gridTriples = 4

// finderCand is a cluster of row/column hits on one finder pattern.
type finderCand struct {
	x, y   float64 // centre
	module float64 // module size (row and column estimate)
	hits   int
	both   bool // a hit's two neighbouring rows crossed it too (the look's)
}

// ratioOK reports whether five run lengths look like 1:1:3:1:1, and returns
// the module size.
func ratioOK(r [5]int) (float64, bool) {
	total := r[0] + r[1] + r[2] + r[3] + r[4]
	if total < 7 {
		return 0, false
	}
	m := float64(total) / 7
	for i, v := range r {
		want, tol := m, 0.6*m
		if i == 2 {
			want, tol = 3*m, m
		}
		if math.Abs(float64(v)-want) > tol {
			return 0, false
		}
	}
	return m, true
}

// columnRuns measures the vertical runs through (x, y), which must be dark:
// the centre run and two runs on each side. It returns the runs and the
// centre of the middle run.
func columnRuns(bm *bitmap, x, y, maxRun int) (r [5]int, cy float64, ok bool) {
	r, c, ok := crossRuns(bm, x, y, 0, 1, maxRun)
	return r, c, ok
}

// crossRuns measures the runs through (x, y), which must be dark, along
// the line of step (dx, dy): the centre run and two runs on each side. It
// returns the runs and the row of the centre of the middle run.
func crossRuns(bm *bitmap, x, y, dx, dy, maxRun int) (r [5]int, cy float64, ok bool) {
	up := bm.walk(x, y, -dx, -dy, true, bm.w+bm.h)
	down := bm.walk(x, y, dx, dy, true, bm.w+bm.h)
	r[2] = up + down - 1
	// Each side: light, then dark.
	for side, s := range [2]int{-1, 1} {
		k := [2]int{up, down}[side]
		for j := range 2 {
			i := 1 - j + 3*side // 1, 0 upwards; 3, 4 downwards
			n := bm.walk(x+s*dx*k, y+s*dy*k, s*dx, s*dy, j == 1, maxRun+1)
			if n == 0 || n > maxRun {
				return r, 0, false
			}
			r[i], k = n, k+n
		}
	}
	return r, float64(y) + float64(dy*(down-up+1))/2, true
}

// walk returns how many pixels from (x, y) on, in steps of (sx, sy), are
// dark (or light, dark false), counting at most limit. It is b.at written
// out: the column and diagonal checks of every row hit walk, and in
// WebAssembly the two calls a pixel cost more than the pixel.
func (b *bitmap) walk(x, y, sx, sy int, dark bool, limit int) int {
	g := b.g
	n := 0
	for n < limit && x >= 0 && y >= 0 && x < b.w && y < b.h {
		var v int32
		if g.have != nil && g.have[y] == 0 { // as gray.at
			p := g.src[4*(y*g.w+x):][:4:4]
			v = int32(lum(uint32(p[0]), uint32(p[1]), uint32(p[2]), uint32(p[3])))
		} else {
			v = int32(g.pix[y*g.w+x])
		}
		t := b.global
		if b.bw != 0 {
			t = b.lim[blockOf(y, b.h)*b.bw+blockOf(x, b.w)]
		}
		if (v <= t) != dark {
			break
		}
		x, y, n = x+sx, y+sy, n+1
	}
	return n
}

// findFinderCandidates scans every step-th row of bm for 1:1:3:1:1 runs,
// checks the column through each hit, and clusters the hits. With
// minContrast > 0 a hit also needs its two light runs to be that many gray
// levels lighter, on average, than its dark core. The result is sorted by
// the number of hits, most first, and capped at limit. A non-nil sc lends
// its buffers: the result is then valid until sc's next scan.
func findFinderCandidates(bm *bitmap, step, limit, minContrast int, sc *scratch) []finderCand {
	if sc == nil {
		sc = new(scratch)
	}
	w, h := bm.w, bm.h
	cl := &sc.cl
	cl.reset(w, h)
	runs := sc.runs[:0]
	for y := 0; y < h; y += step {
		var firstDark bool
		runs, firstDark = bm.rowRuns(y, runs[:0])
		// Runs alternate; the first run is dark when the row starts dark.
		first, x := 1, runs[0] // x: where run i starts
		if firstDark {
			first, x = 0, 0
		}
		for i := first; i+5 <= len(runs); i, x = i+2, x+runs[i]+runs[i+1] {
			// Quick rejection: the centre run is the longest of the five.
			win := runs[i : i+5 : i+5]
			if c := win[2]; c < win[0] || c < win[4] || c < win[1] || c < win[3] {
				continue
			}
			r := [5]int(win)
			m, ok := ratioOK(r)
			if !ok {
				continue
			}
			if minContrast > 0 && contrast(bm.g.row(y)[x+r[0]:], r[1], r[2], r[3]) < minContrast {
				continue
			}
			cx := float64(x+r[0]+r[1]) + float64(r[2])/2
			vr, cy, ok := columnRuns(bm, int(cx), y, int(4*m)+2)
			if !ok {
				continue
			}
			mv, ok := ratioOK(vr)
			if !ok || mv > 2*m || m > 2*mv {
				continue
			}
			both := true
			if minContrast > 0 {
				var nb int
				if !diagonalOK(bm, int(cx), int(cy), int(6*m)+2) {
					continue
				}
				if nb = neighbours(bm, int(cx), y, m); nb == 0 {
					continue
				}
				both = nb == 2
			}
			cl.add(cx, cy, (m+mv)/2, both)
		}
	}
	sc.runs = runs
	cands := cl.cands
	if minContrast > 0 {
		// A finder pattern of modules under lonely pixels seen on one
		// scanned row only has that row in the middle of its core, so both
		// rows beside it cross the pattern too; noise rarely repeats on
		// both.
		n := 0
		for _, c := range cands {
			if c.hits > 1 || c.both || c.module >= lonely {
				cands[n] = c
				n++
			}
		}
		cands = cands[:n]
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].hits > cands[j].hits })
	if len(cands) > limit {
		cands = cands[:limit]
	}
	return cands
}

// diagonalOK reports whether either diagonal through (x, y) crosses
// 1:1:3:1:1 runs: a finder pattern's do at any rotation, while the chance
// hits of noise and texture that pass on a row and a column mostly do not.
func diagonalOK(bm *bitmap, x, y, maxRun int) bool {
	for _, dx := range [2]int{1, -1} {
		if r, _, ok := crossRuns(bm, x, y, dx, 1, maxRun); ok {
			if _, ok := ratioOK(r); ok {
				return true
			}
		}
	}
	return false
}

// neighbours returns how many of the two rows beside row y (rows the
// look for a code does not scan) cross 1:1:3:1:1 runs through (x, y±1)
// too, with a module size within a factor of two of m. A finder pattern's
// 3-module core spans at least three rows, so one of the two rows beside
// a row through it is also through it, while a chance hit of noise rarely
// repeats on the next row.
func neighbours(bm *bitmap, x, y int, m float64) int {
	n := 0
	for _, yy := range [2]int{y - 1, y + 1} {
		if yy < 0 || yy >= bm.h || !bm.at(x, yy) {
			continue
		}
		if r, _, ok := crossRuns(bm, x, yy, 1, 0, int(4*m)+2); ok {
			if mh, ok := ratioOK(r); ok && mh <= 2*m && m <= 2*mh {
				n++
			}
		}
	}
	return n
}

// lonely is the module size, in pixels, under which a candidate of the
// look for a code seen on one scanned row only needs both rows beside it
// to cross it (neighbours): the scale of pixel noise.
const lonely = 2.5

// contrast returns how much lighter, in gray levels, the mean of the
// light runs of lengths a and c is than the mean of the dark run of
// length b between them, the three runs starting at row[0].
func contrast(row []byte, a, b, c int) int {
	var mean [3]int
	for k, n := range [3]int{a, b, c} {
		for _, v := range row[:n] {
			mean[k] += int(v)
		}
		mean[k] /= n
		row = row[n:]
	}
	return (mean[0]+mean[2])/2 - mean[1]
}

// clusters groups hits that lie within two modules of each other. A grid
// of cells indexes the clusters, so that the thousands of chance hits on
// noise or moiré cost linear time; each cell lists its clusters in the
// order they were made (head, tail and next hold an index into cands plus
// one, 0 for none).
type clusters struct {
	cands  []finderCand
	next   []int32
	cells  []int32 // head and tail of each cell
	cw, ch int     // cells per row and column
}

const clusterCell = 16 // pixels

func (cl *clusters) reset(w, h int) {
	cl.cw, cl.ch = w/clusterCell+1, h/clusterCell+1
	clear(grow(&cl.cells, 2*cl.cw*cl.ch))
	cl.cands, cl.next = cl.cands[:0], cl.next[:0]
}

func (cl *clusters) add(x, y, m float64, both bool) {
	cx, cy := int(x)/clusterCell, int(y)/clusterCell
	reach := int(4*m)/clusterCell + 1
	for gy := max(0, cy-reach); gy <= min(cl.ch-1, cy+reach); gy++ {
		for gx := max(0, cx-reach); gx <= min(cl.cw-1, cx+reach); gx++ {
			for i := cl.cells[2*(gy*cl.cw+gx)]; i > 0; i = cl.next[i-1] {
				c := &cl.cands[i-1]
				lim := 2 * math.Max(c.module, m)
				if math.Abs(c.x-x) < lim && math.Abs(c.y-y) < lim {
					n := float64(c.hits)
					c.x = (c.x*n + x) / (n + 1)
					c.y = (c.y*n + y) / (n + 1)
					c.module = (c.module*n + m) / (n + 1)
					c.hits++
					c.both = c.both || both
					return
				}
			}
		}
	}
	cl.cands = append(cl.cands, finderCand{x: x, y: y, module: m, hits: 1, both: both})
	cl.next = append(cl.next, 0)
	i := int32(len(cl.cands)) // index plus one
	cell := 2 * (clampInt(cy, 0, cl.ch-1)*cl.cw + clampInt(cx, 0, cl.cw-1))
	if tail := cl.cells[cell+1]; tail == 0 {
		cl.cells[cell] = i
	} else {
		cl.next[tail-1] = i
	}
	cl.cells[cell+1] = i
}

// finderTriple is three patterns in the order top-left, top-right,
// bottom-left, with a score (lower is better).
type finderTriple struct {
	tl, tr, bl finderCand
	score      float64
}

// finderTriples returns the plausible triples of candidates, best first:
// the corner pattern sees the other two at about a right angle and at about
// the same distance (perspective allows some spread), module sizes agree,
// and the distance fits a QR code of 21 to 177 modules.
func finderTriples(cands []finderCand, limit int) []finderTriple {
	var out []finderTriple
	maxHits := 1
	for _, c := range cands {
		maxHits = max(maxHits, c.hits)
	}
	for i := 0; i < len(cands); i++ {
		for j := i + 1; j < len(cands); j++ {
			for k := j + 1; k < len(cands); k++ {
				if t, ok := makeTriple(cands[i], cands[j], cands[k]); ok {
					// True finder patterns are seen on more rows than the
					// look-alikes that data modules form by chance.
					t.score += 1 - float64(min(cands[i].hits, cands[j].hits, cands[k].hits))/float64(maxHits)
					out = append(out, t)
				}
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].score < out[b].score })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// finderPair reports whether two candidates, each seen on two scanned
// rows or more, could be two finder patterns of one code (module sizes
// within a factor of two, at a distance that fits a side or the diagonal
// of a code of 21 to 177 modules): the third may be hidden from every
// other row, by blur, glare or a finger, where a full scan still finds it.
func finderPair(cands []finderCand) bool {
	for i, a := range cands {
		for _, b := range cands[i+1:] {
			if a.hits < 2 || b.hits < 2 || a.module > 2*b.module || b.module > 2*a.module {
				continue
			}
			if n := math.Hypot(a.x-b.x, a.y-b.y) / ((a.module + b.module) / 2); n >= 10 && n <= 178*math.Sqrt2 {
				return true
			}
		}
	}
	return false
}

func makeTriple(a, b, c finderCand) (finderTriple, bool) {
	p := [3]finderCand{a, b, c}
	d := func(u, v finderCand) float64 { return math.Hypot(u.x-v.x, u.y-v.y) }
	// The corner is opposite the longest side.
	sides := [3]float64{d(b, c), d(a, c), d(a, b)}
	corner := 0
	for i := 1; i < 3; i++ {
		if sides[i] > sides[corner] {
			corner = i
		}
	}
	tl := p[corner]
	u, v := p[(corner+1)%3], p[(corner+2)%3]
	l1, l2 := d(tl, u), d(tl, v)
	if l1 == 0 || l2 == 0 {
		return finderTriple{}, false
	}
	cos := ((u.x-tl.x)*(v.x-tl.x) + (u.y-tl.y)*(v.y-tl.y)) / (l1 * l2)
	legRatio := math.Max(l1, l2) / math.Min(l1, l2)
	ms := []float64{a.module, b.module, c.module}
	sort.Float64s(ms)
	modRatio := ms[2] / ms[0]
	mod := (ms[0] + ms[1] + ms[2]) / 3
	dim := (l1+l2)/2/mod + 7
	if math.Abs(cos) > 0.45 || legRatio > 1.6 || modRatio > 2 || dim < 17 || dim > 185 {
		return finderTriple{}, false
	}
	// Orientation: top-right is clockwise from top-left → bottom-left
	// (image y grows downwards).
	cross := (u.x-tl.x)*(v.y-tl.y) - (u.y-tl.y)*(v.x-tl.x)
	tr, bl := u, v
	if cross < 0 {
		tr, bl = v, u
	}
	score := math.Abs(cos) + (legRatio - 1) + (modRatio-1)/2
	return finderTriple{tl: tl, tr: tr, bl: bl, score: score}, true
}
