package qrimage

// A Scanner reads QR codes from a stream of camera frames, as
// [DecodeFrame] does, and keeps its buffers from one frame to the next: a
// frame allocates no full-size image once the first frame of that size has
// been read. Most frames of a camera loop hold no code, so a Scanner looks
// for finder patterns first, on every other row of the frame thresholded
// once, and answers [ErrNotFound] at once when no three of them could form
// a code; only then does it climb the frame ladder.
//
// The zero value is ready to use. A Scanner is not safe for concurrent use.
// It holds on to the buffers of the largest frame it has read (about
// 2 bytes per pixel).
type Scanner struct {
	sc scratch
}

// Scan returns the text of the QR code in a frame of non-premultiplied RGBA
// pixels, 4 bytes per pixel, row by row (a canvas ImageData), with the
// checks and errors of [DecodeRGBA].
func (s *Scanner) Scan(pix []byte, width, height int) (string, error) {
	if err := checkRGBA(pix, width, height); err != nil {
		return "", err
	}
	g := &s.sc.gray
	g.w, g.h = width, height
	g.pix = grow(&g.pix, width*height)
	rgbaToGray(g.pix, pix)
	return decodeFrameGray(g, &s.sc)
}

// decodeFrameGray runs the frame ladder on g once the finder search on
// every other row has found a plausible triple of finder patterns, with
// either binarizer.
func decodeFrameGray(g *gray, sc *scratch) (string, error) {
	f := &frame{base: g, sc: sc}
	if !f.mayHoldCode() {
		return "", ErrNotFound
	}
	return f.climb(frameLadder)
}

// gateCands is how many candidates the look for a code keeps: more than
// the grid reader's maxCands, since every other row gives a cluster about
// half the hits.
const gateCands = 2 * maxCands

// gateContrast is the contrast, in gray levels, between a candidate's
// light ring and dark core below which the look for a code ignores it.
var gateContrast = 16

// mayHoldCode reports whether three finder-pattern candidates found on
// every other row (with local thresholds, then with the global one) could
// be the corners of a code. A finder pattern's 3-module core spans at
// least 3 rows at 1 pixel per module, so a row through it is always
// scanned; the test that every hard case still reads through the frame
// ladder keeps this honest (TestScannerReadsAsLadder).
func (f *frame) mayHoldCode() bool {
	for _, bin := range [...]binarizer{hybrid, global} {
		cands := findFinderCandidates(f.bitmap(bin), 2, gateCands, gateContrast, f.sc)
		if len(finderTriples(cands, 1)) > 0 {
			return true
		}
	}
	return false
}
