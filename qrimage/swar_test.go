package qrimage

import (
	"math/rand/v2"
	"testing"
)

// TestBlockStats checks the word-at-a-time block statistics against a
// plain loop: random blocks, flat ones, and black-and-white ones, at
// both row steps.
func TestBlockStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	g := newGray(16, 16)
	for it := range 5000 {
		for i := range g.pix {
			switch it % 3 {
			case 0:
				g.pix[i] = byte(rng.IntN(256))
			case 1:
				g.pix[i] = byte(100 + rng.IntN(3))
			default:
				g.pix[i] = []byte{0, 255}[rng.IntN(2)]
			}
		}
		for _, step := range []int{1, 2} {
			x0, y0 := rng.IntN(9), rng.IntN(9)
			var rows [][]byte
			for y := y0; y < y0+blockSize; y += step {
				rows = append(rows, g.row(y))
			}
			sum, lo, hi := blockStats(rows, x0)
			wsum, wlo, whi := 0, 255, 0
			for y := y0; y < y0+blockSize; y += step {
				for x := x0; x < x0+blockSize; x++ {
					v := int(g.pix[y*g.w+x])
					wsum, wlo, whi = wsum+v, min(wlo, v), max(whi, v)
				}
			}
			if sum != wsum || lo != wlo || hi != whi {
				t.Fatalf("block at (%d, %d), step %d: sum, min, max %d %d %d; want %d %d %d", x0, y0, step, sum, lo, hi, wsum, wlo, whi)
			}
		}
	}
}

// TestRGBAToGray checks the two-pixels-a-word conversion against lum, for
// opaque and translucent pixels and odd lengths.
func TestRGBAToGray(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		n := 1 + rng.IntN(9)
		pix := make([]byte, 4*n)
		for i := range pix {
			pix[i] = byte(rng.IntN(256))
			if i%4 == 3 && rng.IntN(3) > 0 {
				pix[i] = 255
			}
		}
		dst := make([]byte, n)
		rgbaToGray(dst, pix)
		for i := range n {
			p := pix[4*i : 4*i+4]
			if want := lum(uint32(p[0]), uint32(p[1]), uint32(p[2]), uint32(p[3])); dst[i] != want {
				t.Fatalf("pixel %v: %d, want %d", p, dst[i], want)
			}
		}
	}
}

// TestRowRuns checks the runs of a row, eight pixels at a time (whether
// they agree or not), against the bits one pixel at a time, with local
// and global thresholds, on rows with long flat stretches and edges
// anywhere, and on noise.
func TestRowRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for it := range 300 {
		w, h := 40+rng.IntN(60), 40+rng.IntN(20)
		g := newGray(w, h)
		for i := range g.pix {
			g.pix[i] = byte(60 + rng.IntN(3))
			if (i/7+it)%5 == 0 {
				g.pix[i] = byte(200 + rng.IntN(50))
			}
			if rng.IntN(40) == 0 || it%7 == 0 { // every seventh image all noise: a run ends at any pixel
				g.pix[i] = byte(rng.IntN(256))
			}
		}
		for _, bin := range []binarizer{hybrid, global} {
			bm := binarize(g, bin, nil)
			for y := range h {
				runs, firstDark := bm.rowRuns(y, nil)
				x := 0
				for k, n := range runs {
					if n <= 0 {
						t.Fatalf("row %d: run %d at %d has length %d", y, k, x, n)
					}
					for end := x + n; x < end; x++ {
						if bm.at(x, y) != (firstDark == (k%2 == 0)) {
							t.Fatalf("row %d, x %d: run %d has the wrong colour", y, x, k)
						}
					}
				}
				if x != w {
					t.Fatalf("row %d: runs cover %d of %d pixels", y, x, w)
				}
			}
		}
	}
}
