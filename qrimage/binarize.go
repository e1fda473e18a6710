package qrimage

// bitmap is a binarized image: dark[y*w+x] is true for a dark pixel.
type bitmap struct {
	w, h int
	dark []bool
}

func (b *bitmap) at(x, y int) bool { return b.dark[y*b.w+x] }

// binarize thresholds g with the method of bin.
func binarize(g *gray, bin binarizer) *bitmap {
	if bin == global || g.w < 5*blockSize || g.h < 5*blockSize {
		return binarizeGlobal(g)
	}
	return binarizeLocal(g)
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
// light.
func binarizeLocal(g *gray) *bitmap {
	bw, bh := (g.w+blockSize-1)/blockSize, (g.h+blockSize-1)/blockSize
	black := make([]int, bw*bh)
	for by := 0; by < bh; by++ {
		y0 := min(by*blockSize, g.h-blockSize)
		for bx := 0; bx < bw; bx++ {
			x0 := min(bx*blockSize, g.w-blockSize)
			sum, lo, hi := 0, 255, 0
			for y := y0; y < y0+blockSize; y++ {
				row := g.pix[y*g.w+x0 : y*g.w+x0+blockSize]
				for _, v := range row {
					sum += int(v)
					lo, hi = min(lo, int(v)), max(hi, int(v))
				}
			}
			avg := sum / (blockSize * blockSize)
			if hi-lo <= minRange {
				avg = lo / 2
				if bx > 0 && by > 0 {
					nb := (black[(by-1)*bw+bx] + 2*black[by*bw+bx-1] + black[(by-1)*bw+bx-1]) / 4
					if lo < nb {
						avg = nb
					}
				}
			}
			black[by*bw+bx] = avg
		}
	}
	b := &bitmap{w: g.w, h: g.h, dark: make([]bool, g.w*g.h)}
	for by := 0; by < bh; by++ {
		y0 := min(by*blockSize, g.h-blockSize)
		cy := clampInt(by, 2, bh-3)
		for bx := 0; bx < bw; bx++ {
			x0 := min(bx*blockSize, g.w-blockSize)
			cx := clampInt(bx, 2, bw-3)
			sum := 0
			for y := cy - 2; y <= cy+2; y++ {
				for x := cx - 2; x <= cx+2; x++ {
					sum += black[y*bw+x]
				}
			}
			t := sum / 25
			for y := y0; y < y0+blockSize; y++ {
				for x := x0; x < x0+blockSize; x++ {
					b.dark[y*g.w+x] = int(g.pix[y*g.w+x]) <= t
				}
			}
		}
	}
	return b
}

// binarizeGlobal thresholds all of g at one black point, found from the
// histogram of the middle of the image: the valley between the two
// highest peaks (the method of ZXing's GlobalHistogramBinarizer). It holds
// up better than local thresholds under blur and noise, and worse under
// uneven light.
func binarizeGlobal(g *gray) *bitmap {
	const buckets = 32
	var hist [buckets]int
	for row := 1; row < 5; row++ {
		y := g.h * row / 5
		for x := g.w / 5; x < g.w*4/5; x++ {
			hist[g.pix[y*g.w+x]>>3]++
		}
	}
	t := blackPoint(hist[:])
	b := &bitmap{w: g.w, h: g.h, dark: make([]bool, g.w*g.h)}
	for i, v := range g.pix {
		b.dark[i] = int(v) < t
	}
	return b
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
