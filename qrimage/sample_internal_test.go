package qrimage

import (
	"math/rand/v2"
	"testing"
)

// sampleModules is moduleValue written out for speed: the grid reader's
// gates (versionOK, timingOK) read modules with moduleValue and the read
// itself with sampleModules, so the two must agree exactly, for grids
// inside the image and reaching past its edges, on a frame converted
// whole and on one whose rows are still RGBA (a Scanner's first rung).
func TestSampleModulesIsModuleValue(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	const w, h = 97, 83
	rgba := make([]byte, 4*w*h)
	for i := range rgba {
		rgba[i] = byte(rnd.IntN(256))
	}
	for n := range 200 {
		d := 21 + 4*rnd.IntN(5)
		// A quadrilateral around the image, sometimes past its edges.
		q := func(x, y float64) point {
			return point{x + (rnd.Float64()-0.5)*40, y + (rnd.Float64()-0.5)*40}
		}
		// Module coordinates (0 to d) to the unit square, then to the quadrilateral.
		tr := homography{1 / float64(d), 0, 0, 0, 1 / float64(d), 0, 0, 0, 1}.then(squareToQuad(q(10, 10), q(90, 5), q(85, 80), q(5, 75)))
		whole := grayFromRGBA(rgba, w, h)
		lazy := newGray(w, h)
		lazy.src, lazy.have = rgba, make([]byte, h)
		got := sampleModules(lazy, tr, d)
		for y := range d {
			for x := range d {
				if want := moduleValue(whole, tr, x, y); got[y*d+x] != want {
					t.Fatalf("grid %d (d=%d), module (%d,%d): sampleModules %v, moduleValue %v", n, d, x, y, got[y*d+x], want)
				}
			}
		}
		if again := sampleModules(whole, tr, d); !equalFloats(again, got) {
			t.Fatalf("grid %d: sampleModules differs between a converted frame and one still RGBA", n)
		}
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
