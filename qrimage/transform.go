package qrimage

// point is a position in the image, in pixels.
type point struct{ x, y float64 }

// homography maps the plane projectively: (u, v) goes to
// ((m[0]u + m[1]v + m[2]) / w, (m[3]u + m[4]v + m[5]) / w) with
// w = m[6]u + m[7]v + m[8].
type homography [9]float64

// squareToQuad maps the unit square's corners (0,0), (1,0), (1,1), (0,1)
// to p0, p1, p2, p3 (Heckbert, "Fundamentals of Texture Mapping and Image
// Warping", 1989, §2.2.3).
func squareToQuad(p0, p1, p2, p3 point) homography {
	dx3 := p0.x - p1.x + p2.x - p3.x
	dy3 := p0.y - p1.y + p2.y - p3.y
	if dx3 == 0 && dy3 == 0 { // a parallelogram: affine
		return homography{p1.x - p0.x, p3.x - p0.x, p0.x, p1.y - p0.y, p3.y - p0.y, p0.y, 0, 0, 1}
	}
	dx1, dx2 := p1.x-p2.x, p3.x-p2.x
	dy1, dy2 := p1.y-p2.y, p3.y-p2.y
	den := dx1*dy2 - dx2*dy1
	g := (dx3*dy2 - dx2*dy3) / den
	h := (dx1*dy3 - dx3*dy1) / den
	return homography{
		p1.x - p0.x + g*p1.x, p3.x - p0.x + h*p3.x, p0.x,
		p1.y - p0.y + g*p1.y, p3.y - p0.y + h*p3.y, p0.y,
		g, h, 1,
	}
}

// inverse returns the inverse mapping (the adjugate: a homography's scale
// does not matter).
func (m homography) inverse() homography {
	return homography{
		m[4]*m[8] - m[5]*m[7], m[2]*m[7] - m[1]*m[8], m[1]*m[5] - m[2]*m[4],
		m[5]*m[6] - m[3]*m[8], m[0]*m[8] - m[2]*m[6], m[2]*m[3] - m[0]*m[5],
		m[3]*m[7] - m[4]*m[6], m[1]*m[6] - m[0]*m[7], m[0]*m[4] - m[1]*m[3],
	}
}

// then returns the mapping that applies m, then n.
func (m homography) then(n homography) homography {
	var o homography
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			o[3*r+c] = n[3*r]*m[c] + n[3*r+1]*m[3+c] + n[3*r+2]*m[6+c]
		}
	}
	return o
}

// quadToQuad maps the quadrilateral src onto dst, corner to corner.
func quadToQuad(src, dst [4]point) homography {
	return squareToQuad(src[0], src[1], src[2], src[3]).inverse().then(squareToQuad(dst[0], dst[1], dst[2], dst[3]))
}

// apply maps (u, v).
func (m homography) apply(u, v float64) (float64, float64) {
	w := m[6]*u + m[7]*v + m[8]
	return (m[0]*u + m[1]*v + m[2]) / w, (m[3]*u + m[4]*v + m[5]) / w
}

// gridTransform maps module coordinates of a d×d code (0 to d across) to
// image pixels, given the centres of the three finder patterns and, when
// found, of the bottom-right alignment pattern (three modules in from the
// corner on both axes; nil to complete the parallelogram instead).
func gridTransform(tl, tr, bl point, align *point, d int) homography {
	far := float64(d) - 3.5
	src := [4]point{{3.5, 3.5}, {far, 3.5}, {far, far}, {3.5, far}}
	br := point{tr.x - tl.x + bl.x, tr.y - tl.y + bl.y}
	if align != nil {
		br = *align
		src[2] = point{far - 3, far - 3}
	}
	return quadToQuad(src, [4]point{tl, tr, br, bl})
}
