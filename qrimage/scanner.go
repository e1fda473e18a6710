package qrimage

// A Scanner reads QR codes from a stream of camera frames, as
// [DecodeFrame] does, and keeps its buffers from one frame to the next: a
// frame allocates no full-size image once a frame of that size has been
// read. Most frames of a camera loop hold no code, so a Scanner first
// looks for finder patterns on every other row, with thresholds taken
// from those rows and converting only the rows it reads to gray, and
// answers [ErrNotFound] at once when it finds neither three candidates
// that could be the corners of a code nor two that could be corners of
// one. Otherwise it first tries the grid reader on the triples that look
// found (converting only the rows under them); only when that reads
// nothing does it convert the rest of the frame, binarize it once with
// each method, and climb the frame ladder, which reads exactly what it
// read without the look.
//
// The zero value is ready to use. A Scanner is not safe for concurrent use.
// It holds on to the buffers of the largest frame it has read (about one
// byte per pixel) but not to the pixels it was given.
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
	g.src, g.have = pix, grow(&s.sc.have, height)
	clear(g.have)
	f := &frame{base: g, sc: &s.sc}
	triples, maybe := f.look()
	if !maybe {
		g.have, g.src = nil, nil
		return "", ErrNotFound
	}
	// The first rung: the grid reader on the look's own triples, which
	// spares a frame that reads there the full thresholds and scans, and
	// the conversion of the rows outside the code.
	for _, t := range triples {
		if text, ok := readTriple(g, t); ok {
			g.have, g.src = nil, nil
			return text, nil
		}
	}
	g.complete()
	return f.climb(frameLadder)
}

// gateCands is how many candidates the look for a code keeps: more than
// the grid reader's maxCands, since every other row gives a cluster about
// half the hits.
const gateCands = 2 * maxCands

// gateContrast is the contrast, in gray levels, between a candidate's
// light runs and its dark core below which the look for a code ignores
// it: the sensor noise and soft edges of a scene make look-alikes of about
// that contrast under a global threshold. It is under half the contrast
// of the faintest hard case (contrast-35: ink 110, paper 145); every frame
// of TestScannerReadsAsLadder still reads at 38.
const gateContrast = 16

// look returns up to gridTriples plausible finder-pattern triples found
// on every other row (with local thresholds, or else, when those found a
// candidate on two rows or more, with the global one), best first, and
// whether the frame may hold a code: false when it found neither a triple
// nor a pair of finder patterns (finderPair) with either thresholds,
// which means no code the frame ladder could read.
//
// A finder pattern's 3-module core spans at least 3 rows at 1 pixel per
// module, so a row through it is always scanned; the local thresholds
// come from the same rows (4 of each 8×8 block's), which moves them
// little. A hit needs the contrast gateContrast, a diagonal and a
// neighbouring row that cross the pattern too (findFinderCandidates), and
// more candidates are kept than the grid reader keeps (each has about half
// its hits). TestScannerReadsAsLadder checks that every frame the frame
// ladder reads passes.
func (f *frame) look() (triples []finderTriple, maybe bool) {
	for _, bin := range [...]binarizer{hybrid, global} {
		bm := &f.sc.gate[bin]
		binarizeInto(bm, f.base, bin, f.sc, 2)
		cands := findFinderCandidates(bm, 2, gateCands, gateContrast, f.sc)
		if t := finderTriples(cands, gridTriples); len(t) > 0 {
			return t, true
		}
		maybe = maybe || finderPair(cands)
		twice := false
		for _, c := range cands {
			twice = twice || c.hits > 1
		}
		if !twice {
			// Not one finder pattern seen on two rows with local
			// thresholds: the global threshold, which the frame ladder
			// tries second for blurred codes whose patterns the local ones
			// do find, is not tried.
			break
		}
	}
	return nil, maybe
}
