package qrimage

import (
	"encoding/binary"
	"math/bits"
)

// bitmap is a binarized image: a gray image and the threshold of each
// pixel, computed once per image (block thresholds, or one global one)
// and applied on demand, so that no full-size image of bits is ever
// allocated and a scan that reads only some rows thresholds only those.
type bitmap struct {
	g    *gray
	w, h int
	// bw is the number of blocks per row for local thresholds; 0 means
	// one global limit.
	bw     int
	lim    []int32 // per block: a pixel is dark when its gray value ≤ lim
	global int32
}

// blockOf returns the block row (or column) that binarizeLocal thresholds
// coordinate v of a side of n pixels with: v/blockSize, except that the
// last block ends at the edge and overlaps the one before it.
func blockOf(v, n int) int {
	if v >= n-blockSize {
		return (n+blockSize-1)/blockSize - 1
	}
	return v / blockSize
}

func (b *bitmap) at(x, y int) bool {
	v := int32(b.g.at(x, y))
	if b.bw == 0 {
		return v <= b.global
	}
	return v <= b.lim[blockOf(y, b.h)*b.bw+blockOf(x, b.w)]
}

// rowRuns appends the lengths of the runs of equal bits in row y to runs,
// and reports whether the first run is dark.
//
// It goes eight pixels at a time, under one threshold: a block's for local
// thresholds (the last block overlaps the one before it, so the one
// before ends early), the global one otherwise. Eight pixels on the side
// of the current run, the common case away from edges, cost one test
// (SWAR): each pixel goes into a 16-bit lane with its high bit set, and
// subtracting t+1 clears that bit exactly when the pixel is at most t.
// The run state stays in local variables (a struct of it lived in memory
// in WebAssembly).
func (b *bitmap) rowRuns(y int, runs []int) ([]int, bool) {
	pix := b.g.row(y)
	first := b.at(0, y)
	dark, start := first, 0
	var lim []int32
	if b.bw > 0 {
		lim = b.lim[blockOf(y, b.h)*b.bw:]
	}
	t := b.global
	for x0 := 0; x0 < b.w; {
		x1 := min(x0+blockSize, b.w)
		if lim != nil {
			bx := b.bw - 1
			if x0 < b.w-blockSize {
				bx, x1 = x0/blockSize, min(x1, b.w-blockSize)
			}
			t = lim[bx]
		}
		if x1-x0 == blockSize && t < 255 {
			v := binary.LittleEndian.Uint64(pix[x0:])
			sub := uint64(t+1) * laneOne
			even := (v&laneLow | laneHigh) - sub
			odd := (v>>8&laneLow | laneHigh) - sub
			if dark && (even|odd)&laneHigh == 0 || !dark && even&odd&laneHigh == laneHigh {
				x0 = x1
				continue
			}
			// The eight pixels' bits (1 dark), and a 1 where a pixel
			// differs from the one before it: a run ends there.
			dk := ^(spread4[gather4(even)] | spread4[gather4(odd)]<<1)
			prev := uint(0)
			if dark {
				prev = 1
			}
			for ends := (dk ^ (dk<<1 | prev)) & 0xff; ends != 0; ends &= ends - 1 {
				x := x0 + bits.TrailingZeros(ends)
				runs = append(runs, x-start)
				start = x
			}
			dark = dk>>7&1 == 1
			x0 = x1
			continue
		}
		for x := x0; x < x1; x++ {
			if (int32(pix[x]) <= t) != dark {
				runs = append(runs, x-start)
				start, dark = x, !dark
			}
		}
		x0 = x1
	}
	return append(runs, len(pix)-start), first
}

// gather4 returns the high bits of the four 16-bit lanes of v, lane 0 in
// bit 0: each is moved to bit 45 + its lane by one multiplication, with
// no two partial products on the same bit.
func gather4(v uint64) uint {
	return uint((v & laneHigh >> 15 * (1<<45 | 1<<30 | 1<<15 | 1)) >> 45 & 0xf)
}

// spread4[b] has bit k of b at bit 2k.
var spread4 = [16]uint{0, 1, 4, 5, 16, 17, 20, 21, 64, 65, 68, 69, 80, 81, 84, 85}

// SWAR constants: the high bit of each 16-bit lane, 1 in each lane, and
// the low byte of each lane.
const (
	laneHigh = 0x8000800080008000
	laneOne  = 0x0001000100010001
	laneLow  = 0x00ff00ff00ff00ff
)

// binarize thresholds g with the method of bin. A non-nil sc lends its
// buffers (the result is valid until sc binarizes again with bin); nil
// allocates.
func binarize(g *gray, bin binarizer, sc *scratch) *bitmap {
	if sc == nil {
		sc = new(scratch)
	}
	b := &sc.bm[bin]
	binarizeInto(b, g, bin, sc, 1)
	return b
}

// binarizeInto thresholds g with the method of bin into b, with the
// buffers of sc (not nil). Local
// thresholds take their statistics from every rowStep-th row of each
// block: 1 for the grid reader; 2 for the look for a code, which then
// converts only the rows it reads.
func binarizeInto(b *bitmap, g *gray, bin binarizer, sc *scratch, rowStep int) {
	b.g, b.w, b.h = g, g.w, g.h
	if bin == global || g.w < 5*blockSize || g.h < 5*blockSize {
		binarizeGlobal(g, b)
	} else {
		binarizeLocal(g, b, sc, rowStep)
	}
}

// blockSize is the side of the blocks of binarizeLocal.
const blockSize = 8

// minRange is the smallest spread of gray values in a block that counts
// as contrast; flatter blocks take their neighbours' threshold.
const minRange = 24

// binarizeLocal thresholds each 8×8 block of g at the mean of the black
// points of the 5×5 blocks around it, a block's black point being its
// mean gray value. It follows uneven light and shadows, the common case of
// a camera frame (the method of ZXing's HybridBinarizer). A flat block
// (spread at most minRange) takes half its minimum, or its neighbours'
// black point when that is higher: inside a large dark module there is no
// edge to threshold at, and inside a light margin the value must stay
// light. The last block of a row or column ends at the image's edge,
// overlapping the one before it.
func binarizeLocal(g *gray, b *bitmap, sc *scratch, rowStep int) {
	bw, bh := (g.w+blockSize-1)/blockSize, (g.h+blockSize-1)/blockSize
	black := grow(&sc.black, bw*bh)
	var rowBuf [blockSize][]byte
	for by := 0; by < bh; by++ {
		y0 := min(by*blockSize, g.h-blockSize)
		rows := rowBuf[:0]
		for y := y0; y < y0+blockSize; y += rowStep {
			rows = append(rows, g.row(y))
		}
		for bx := 0; bx < bw; bx++ {
			x0 := min(bx*blockSize, g.w-blockSize)
			sum, lo, hi := blockStats(rows, x0)
			avg := sum * rowStep / (blockSize * blockSize)
			if hi-lo <= minRange {
				avg = lo / 2
				if bx > 0 && by > 0 {
					nb := int(black[(by-1)*bw+bx]+2*black[by*bw+bx-1]+black[(by-1)*bw+bx-1]) / 4
					if lo < nb {
						avg = nb
					}
				}
			}
			black[by*bw+bx] = int32(avg)
		}
	}
	b.bw = bw
	b.lim = grow(&b.lim, bw*bh)
	// The 5×5 sums, as five-block sums along each row of blocks, then
	// five of those down each column.
	rows := grow(&sc.rowSums, bw*bh)
	for by := 0; by < bh; by++ {
		r := black[by*bw : (by+1)*bw]
		for bx := 0; bx < bw; bx++ {
			cx := clampInt(bx, 2, bw-3)
			rows[by*bw+bx] = r[cx-2] + r[cx-1] + r[cx] + r[cx+1] + r[cx+2]
		}
	}
	for by := 0; by < bh; by++ {
		cy := clampInt(by, 2, bh-3)
		for bx := 0; bx < bw; bx++ {
			sum := rows[(cy-2)*bw+bx] + rows[(cy-1)*bw+bx] + rows[cy*bw+bx] + rows[(cy+1)*bw+bx] + rows[(cy+2)*bw+bx]
			b.lim[by*bw+bx] = sum / 25
		}
	}
}

// blockStats returns the sum, minimum and maximum of the gray values of
// the 8 pixels from x0 of each of rows (every rowStep-th row of an 8×8
// block). It reads each row as one word and keeps four 16-bit lanes of
// sums, minima and maxima for the even bytes and four for the odd ones
// (SWAR), which in WebAssembly costs a third of a loop over the 64 bytes.
func blockStats(rows [][]byte, x0 int) (sum, lo, hi int) {
	var acc uint64
	mn, mx := uint64(laneLow), uint64(0)
	for _, row := range rows {
		v := binary.LittleEndian.Uint64(row[x0:])
		even, odd := v&laneLow, v>>8&laneLow
		acc += even + odd
		mn = laneMin(laneMin(mn, even), odd)
		mx = laneMax(laneMax(mx, even), odd)
	}
	sum = int((acc * laneOne) >> 48) // the four lanes added into the top one
	lo, hi = 255, 0
	for k := 0; k < 64; k += 16 {
		lo = min(lo, int(mn>>k&0xff))
		hi = max(hi, int(mx>>k&0xff))
	}
	return sum, lo, hi
}

// laneGE returns all ones in each 16-bit lane where a ≥ b, for lanes
// holding 0…255.
func laneGE(a, b uint64) uint64 { return ((a | laneHigh) - b) & laneHigh >> 15 * 0xffff }

func laneMin(a, b uint64) uint64 { m := laneGE(a, b); return b&m | a&^m }
func laneMax(a, b uint64) uint64 { m := laneGE(a, b); return a&m | b&^m }

// binarizeGlobal thresholds all of g at one black point, found from the
// histogram of the middle of the image: the valley between the two
// highest peaks (the method of ZXing's GlobalHistogramBinarizer). It holds
// up better than local thresholds under blur and noise, and worse under
// uneven light.
func binarizeGlobal(g *gray, b *bitmap) {
	const buckets = 32
	var hist [buckets]int
	for row := 1; row < 5; row++ {
		for _, v := range g.row(g.h * row / 5)[g.w/5 : g.w*4/5] {
			hist[v>>3]++
		}
	}
	// Dark below the black point: at most one less.
	b.bw, b.global = 0, int32(blackPoint(hist[:])-1)
}

// grow returns (*buf)[:n], reallocating *buf when it is shorter. It stays
// out of line, as does checkRGBA: inlined, the copies cost the
// WebAssembly module about a kilobyte (brotli) for no measurable speed.
//
//go:noinline
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	*buf = (*buf)[:n]
	return *buf
}

// blackPoint returns the threshold (in gray levels) between the dark and
// the light peak of a 32-bucket histogram: the highest bucket, the bucket
// that is highest weighted by its squared distance from it, and the
// deepest valley between them, weighted towards the dark side. With no
// second peak it returns 0, which marks nothing dark.
func blackPoint(hist []int) int {
	first, most := 0, 0
	for i, n := range hist {
		if n > most {
			first, most = i, n
		}
	}
	second, best := 0, 0
	for i, n := range hist {
		d := i - first
		if s := n * d * d; s > best {
			second, best = i, s
		}
	}
	if first > second {
		first, second = second, first
	}
	if second-first <= len(hist)/16 {
		return 0
	}
	valley, bestScore := second-1, -1
	for i := second - 1; i > first; i-- {
		d := i - first
		s := d * d * (second - i) * (most - hist[i])
		if s > bestScore {
			valley, bestScore = i, s
		}
	}
	return valley << 3
}
