//go:build !js

package qrimage

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDecodeBytesClean is the common case: a clean PNG of a pass at
// 3 pixels per module, read by the first step.
func BenchmarkDecodeBytesClean(b *testing.B) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, qrImage(b, sampleHC1, 3, 4)); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeBytes(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeAllBytesClean is BenchmarkDecodeBytesClean through
// DecodeAllBytes, which an upload costs: the climb and the wider read of
// the rung that read the code.
func BenchmarkDecodeAllBytesClean(b *testing.B) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, qrImage(b, sampleHC1, 3, 4)); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeAllBytes(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeAllBytesHard is BenchmarkDecodeBytesHard through
// DecodeAllBytes.
func BenchmarkDecodeAllBytesHard(b *testing.B) {
	benchHard(b, func(data []byte) error { _, err := DecodeAllBytes(data); return err })
}

// BenchmarkDecodeBytesHard reads every hard case once per iteration.
func BenchmarkDecodeBytesHard(b *testing.B) {
	benchHard(b, func(data []byte) error { _, err := DecodeBytes(data); return err })
}

// benchHard runs decode on every hard case once per iteration and reports
// the time per image.
func benchHard(b *testing.B, decode func([]byte) error) {
	var files [][]byte
	for _, c := range loadHardCases(b) {
		data, err := os.ReadFile(filepath.Join("testdata", "hard", c.file))
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range files {
			if err := decode(data); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*len(files)), "ms/image")
}

// BenchmarkNoCode640x480 is the cost of a camera frame without a code:
// the full ladder (DecodeRGBA) and the short one (DecodeFrame).
func BenchmarkNoCode640x480(b *testing.B) {
	w, h := 640, 480
	pix := make([]byte, 4*w*h)
	seed := uint32(1)
	for i := 0; i < w*h; i++ {
		seed = seed*1664525 + 1013904223
		v := byte((i%w*200/w+i/w*50/h)/2 + int(seed>>27))
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = v, v, v, 255
	}
	for name, f := range map[string]func([]byte, int, int) (string, error){"DecodeRGBA": DecodeRGBA, "DecodeFrame": DecodeFrame} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f(pix, w, h); err == nil {
					b.Fatal("read a code in a frame without one")
				}
			}
		})
	}
}

// BenchmarkFrames is the native side of make bench-frames: a Scanner on
// the camera frames of frames_test.go, each group in turn: the scenes
// without a code one by one, and the hard cases on the desk scene (one
// iteration reads every frame of the group; ms/frame is the mean).
func BenchmarkFrames(b *testing.B) {
	frames, _ := testFrames(b)
	type group struct {
		name   string
		frames []testFrame
	}
	var groups []group
	for _, sz := range frameSizes {
		size := fmt.Sprintf("%dx%d", sz[0], sz[1])
		for _, k := range sceneKinds {
			g := group{name: "nocode-" + k + "-" + size}
			for _, f := range frames {
				if f.name == k+" "+size {
					g.frames = append(g.frames, f)
				}
			}
			groups = append(groups, g)
		}
		g := group{name: "code-" + size}
		for _, f := range frames {
			if f.kind == "code" && f.w == sz[0] && f.h == sz[1] {
				g.frames = append(g.frames, f)
			}
		}
		groups = append(groups, g)
	}
	for _, g := range groups {
		b.Run(g.name, func(b *testing.B) {
			var s Scanner
			reads := 0
			b.ReportAllocs()
			for b.Loop() {
				reads = 0
				for _, f := range g.frames {
					if text, err := s.Scan(f.pix, f.w, f.h); err == nil && text == f.text {
						reads++
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N*len(g.frames)), "ms/frame")
			if g.frames[0].text != "" {
				b.ReportMetric(float64(reads), "reads")
			}
		})
	}
}
