//go:build !js

package qrimage

import (
	"errors"
	"testing"
)

// TestScannerReadsAsLadder: the look for finder patterns that lets a
// Scanner answer early drops no read. Every frame (the hard cases on the
// desk scene at 640×480 and 1280×720, and the scenes without a code) reads
// through one Scanner, reused across sizes, exactly as through the frame
// ladder without that look, and the scenes without a code read as
// ErrNotFound.
func TestScannerReadsAsLadder(t *testing.T) {
	frames, _ := testFrames(t)
	var s Scanner
	reads := 0
	for _, f := range frames {
		got, err := s.Scan(f.pix, f.w, f.h)
		want, wantErr := decodeGray(grayFromRGBA(f.pix, f.w, f.h), frameLadder)
		if got != want || (err == nil) != (wantErr == nil) {
			t.Errorf("%s: Scanner read %.20q, %v; the frame ladder %.20q, %v", f.name, got, err, want, wantErr)
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: error %v, want ErrNotFound", f.name, err)
		}
		if f.text == "" && err == nil {
			t.Errorf("%s: read %.20q in a frame without a code", f.name, got)
		}
		if f.text != "" && err == nil {
			if got != f.text {
				t.Errorf("%s: read a different text", f.name)
			}
			reads++
		}
	}
	// The frame ladder reads 40 of the 47 cases that fit 640×480 and 40
	// of the 49 that fit 1280×720 (docs/scan.md); far fewer means the
	// frames or the reader broke.
	if reads < 75 {
		t.Errorf("%d frames read, want at least 75", reads)
	}
}

// TestScannerSizes: a Scanner reused from a large frame to a small one and
// back reads each as a fresh one does, including images too small for
// local thresholds.
func TestScannerSizes(t *testing.T) {
	var s Scanner
	for _, scale := range []int{3, 1, 6, 2} {
		for _, margin := range []int{4, 0} {
			g := qrImage(t, sampleHC1, scale, margin)
			w, h := g.Bounds().Dx(), g.Bounds().Dy()
			if got, err := s.Scan(rgbaOf(g), w, h); err != nil || got != sampleHC1 {
				t.Errorf("%d px per module, quiet zone %d: %.20q, %v", scale, margin, got, err)
			}
		}
	}
	tiny := qrImage(t, "HC1:A", 1, 1) // 23×23: global threshold only
	if got, err := s.Scan(rgbaOf(tiny), tiny.Rect.Dx(), tiny.Rect.Dy()); err != nil || got != "HC1:A" {
		t.Errorf("23×23 code: %q, %v", got, err)
	}
	if _, err := s.Scan(make([]byte, 15), 2, 2); !errors.Is(err, ErrImage) {
		t.Errorf("short buffer: %v, want ErrImage", err)
	}
}
