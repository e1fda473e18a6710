//go:build !js

package qrimage

// The camera frames that the frame tests, the Go benchmarks and make
// bench-frames share: scenes without a code, and the hard cases placed on a
// scene, at 640×480 and 1280×720.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// frameSizes are the canvas sizes of the frames: a camera stream's usual
// two.
var frameSizes = [][2]int{{640, 480}, {1280, 720}}

// testFrame is one camera frame: RGBA pixels and the text it holds ("" for
// none).
type testFrame struct {
	name string // scene or hard case, and size: "desk 640x480"
	kind string // "no code" or "code"
	w, h int
	pix  []byte
	text string
}

// sceneKinds are the scenes without a code:
//
//   - desk: light falling across a surface, a few soft-edged objects,
//     sensor noise (σ 3), the frame a camera sees before a pass is shown;
//   - text: a printed page of text-like marks (a pass's paper, or a form,
//     before the code is in view);
//   - noise: uniform noise of 32 levels on a gradient, the worst case for
//     local thresholds (every block has contrast, every pixel flips).
var sceneKinds = []string{"desk", "text", "noise"}

// scene returns the gray pixels of a scene without a code.
func scene(kind string, w, h int) []byte {
	g := make([]byte, w*h)
	rng := rand.New(rand.NewPCG(uint64(w), uint64(h)*7+uint64(len(kind))))
	switch kind {
	case "noise":
		seed := uint32(1)
		for i := range g {
			seed = seed*1664525 + 1013904223
			x, y := i%w, i/w
			g[i] = byte((x*200/w+y*50/h)/2 + int(seed>>27))
		}
		return g
	case "desk", "text":
	default:
		panic("no scene " + kind)
	}
	f := make([]float64, w*h)
	for y := range h {
		for x := range w {
			// Light falls from the top left.
			f[y*w+x] = 170 - 70*float64(x+y)/float64(w+h)
		}
	}
	type box struct{ x0, y0, x1, y1, v, soft float64 }
	var boxes []box
	if kind == "desk" {
		for range 6 {
			x0, y0 := rng.Float64()*float64(w), rng.Float64()*float64(h)
			boxes = append(boxes, box{x0, y0, x0 + float64(w)*(0.1+0.3*rng.Float64()), y0 + float64(h)*(0.1+0.3*rng.Float64()), 40 + 160*rng.Float64(), 2 + 6*rng.Float64()})
		}
	} else {
		// A sheet of paper filling most of the frame, lines of words.
		px0, py0, px1, py1 := 0.08*float64(w), 0.06*float64(h), 0.92*float64(w), 0.94*float64(h)
		boxes = append(boxes, box{px0, py0, px1, py1, 215, 1.5})
		line := float64(h) / 40
		for y := py0 + 2*line; y+line < py1-line; y += 1.6 * line {
			for x := px0 + 2*line; x < px1-4*line; {
				ww := line * (0.8 + 4*rng.Float64())
				boxes = append(boxes, box{x, y, math.Min(x+ww, px1-2*line), y + 0.7*line, 35, 0.6})
				x += ww + 0.6*line
			}
		}
	}
	for _, b := range boxes {
		for y := max(0, int(b.y0-2*b.soft)); y < min(h, int(b.y1+2*b.soft)); y++ {
			for x := max(0, int(b.x0-2*b.soft)); x < min(w, int(b.x1+2*b.soft)); x++ {
				// Coverage with a soft edge (a smooth step over soft pixels).
				cx := smooth((float64(x)-b.x0)/b.soft) * smooth((b.x1-float64(x))/b.soft)
				cy := smooth((float64(y)-b.y0)/b.soft) * smooth((b.y1-float64(y))/b.soft)
				a := cx * cy
				f[y*w+x] = f[y*w+x]*(1-a) + b.v*a
			}
		}
	}
	for i, v := range f {
		// Sensor noise, about Gaussian (σ 3): the sum of three uniforms.
		n := (rng.Float64() + rng.Float64() + rng.Float64() - 1.5) * 6
		g[i] = byte(max(0, min(255, math.Round(v+n))))
	}
	return g
}

func smooth(t float64) float64 { return max(0, min(1, 0.5+t/2)) }

func rgbaFromGray(g []byte) []byte {
	pix := make([]byte, 4*len(g))
	for i, v := range g {
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = v, v, v, 255
	}
	return pix
}

// testFrames returns the frames without a code (each scene at each size)
// and the frames with one: each hard case pasted in the middle of the desk
// scene, at each size it fits (a case larger than the canvas is left out
// of that size, named in skipped).
func testFrames(t testing.TB) (frames []testFrame, skipped []string) {
	t.Helper()
	cases := loadHardCases(t)
	imgs := make([]*gray, len(cases))
	for i, c := range cases {
		data, err := os.ReadFile(filepath.Join("testdata", "hard", c.file))
		if err != nil {
			t.Fatal(err)
		}
		img, err := decodeImage(data)
		if err != nil {
			t.Fatal(err)
		}
		imgs[i] = grayFromImage(img)
	}
	for _, sz := range frameSizes {
		w, h := sz[0], sz[1]
		for _, k := range sceneKinds {
			frames = append(frames, testFrame{name: fmt.Sprintf("%s %dx%d", k, w, h), kind: "no code", w: w, h: h, pix: rgbaFromGray(scene(k, w, h))})
		}
		desk := scene("desk", w, h)
		for i, c := range cases {
			name := strings.TrimSuffix(c.file, filepath.Ext(c.file))
			img := imgs[i]
			if img.w > w || img.h > h {
				skipped = append(skipped, fmt.Sprintf("%s (%d×%d) at %dx%d", name, img.w, img.h, w, h))
				continue
			}
			g := append([]byte(nil), desk...)
			x0, y0 := (w-img.w)/2, (h-img.h)/2
			for y := range img.h {
				copy(g[(y0+y)*w+x0:], img.pix[y*img.w:(y+1)*img.w])
			}
			frames = append(frames, testFrame{name: fmt.Sprintf("%s %dx%d", name, w, h), kind: "code", w: w, h: h, pix: rgbaFromGray(g), text: c.text})
		}
	}
	return frames, skipped
}
