package qrimage

import (
	"image"
)

// gray is an 8-bit luminance image, 0 black to 255 white, row-major with no
// padding.
type gray struct {
	pix  []byte
	w, h int
	// A Scanner converts a frame's rows on demand: while have is not nil,
	// row y of pix holds gray values only once have[y] is true, and src
	// holds the RGBA pixels. Code that reads pix directly runs only after
	// complete.
	src  []byte
	have []byte // 1: converted
}

// row returns row y, converting it first when it is still RGBA.
func (g *gray) row(y int) []byte {
	r := g.pix[y*g.w : (y+1)*g.w]
	if g.have != nil && g.have[y] == 0 {
		rgbaToGray(r, g.src[4*y*g.w:4*(y+1)*g.w])
		g.have[y] = 1
	}
	return r
}

// complete converts every row still RGBA and lets go of the RGBA pixels.
func (g *gray) complete() {
	if g.have != nil {
		for y := range g.h {
			g.row(y)
		}
	}
	g.have, g.src = nil, nil
}

func newGray(w, h int) *gray { return &gray{pix: make([]byte, w*h), w: w, h: h} }

// lum is the luminance (r+2g+b)/4 of 8-bit channels (ZXing's formula), with a
// non-premultiplied alpha composed over white, as a page shows it.
func lum(r, g, b, a uint32) byte {
	l := (r + 2*g + b) / 4
	return byte((l*a + 255*(255-a)) / 255)
}

// grayFromRGBA converts non-premultiplied RGBA bytes (canvas ImageData).
func grayFromRGBA(pix []byte, w, h int) *gray {
	g := newGray(w, h)
	rgbaToGray(g.pix, pix)
	return g
}

// at returns the gray value of pixel (x, y). A row still RGBA is not
// converted: the column checks of the look for a code cross many rows it
// does not scan, and converting a whole row for a pixel or two would cost
// more than the look saves.
func (g *gray) at(x, y int) byte {
	if g.have != nil && g.have[y] == 0 {
		p := g.src[4*(y*g.w+x):][:4:4]
		return lum(uint32(p[0]), uint32(p[1]), uint32(p[2]), uint32(p[3]))
	}
	return g.pix[y*g.w+x]
}

// rgbaToGray writes the luminance of the RGBA pixels pix into dst, one
// byte per pixel.
func rgbaToGray(dst, pix []byte) {
	pix = pix[:4*len(dst)]
	for i := range dst {
		p := pix[4*i : 4*i+4 : 4*i+4]
		dst[i] = lum(uint32(p[0]), uint32(p[1]), uint32(p[2]), uint32(p[3]))
	}
}

// grayFromImage converts any image, with fast paths for the types that the
// PNG and JPEG decoders return.
func grayFromImage(img image.Image) *gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := newGray(w, h)
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(g.pix[y*w:(y+1)*w], m.Pix[(y)*m.Stride:])
		}
	case *image.YCbCr:
		// The Y plane is the luminance (BT.601), close to lum's formula.
		for y := 0; y < h; y++ {
			copy(g.pix[y*w:(y+1)*w], m.Y[y*m.YStride:])
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				p := row[4*x : 4*x+4 : 4*x+4]
				g.pix[y*w+x] = lum(uint32(p[0]), uint32(p[1]), uint32(p[2]), uint32(p[3]))
			}
		}
	case *image.RGBA:
		// Premultiplied: composing over white adds the missing coverage.
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				p := row[4*x : 4*x+4 : 4*x+4]
				l := (uint32(p[0]) + 2*uint32(p[1]) + uint32(p[2])) / 4
				g.pix[y*w+x] = byte(min(255, l+255-uint32(p[3])))
			}
		}
	case *image.Paletted:
		var pal [256]byte
		for i, c := range m.Palette {
			r, gg, bb, a := c.RGBA()
			l := (r>>8 + 2*(gg>>8) + bb>>8) / 4
			pal[i] = byte(min(255, l+255-a>>8))
		}
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				g.pix[y*w+x] = pal[row[x]]
			}
		}
	default:
		i := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, gg, bb, a := img.At(x, y).RGBA() // premultiplied, 16-bit
				l := (r>>8 + 2*(gg>>8) + bb>>8) / 4
				g.pix[i] = byte(min(255, l+255-a>>8))
				i++
			}
		}
	}
	return g
}

// invert returns the negative image.
func (g *gray) invert() *gray {
	o := newGray(g.w, g.h)
	for i, v := range g.pix {
		o.pix[i] = 255 - v
	}
	return o
}

// pad returns g inside a white border of n pixels: the quiet zone that a
// code printed edge to edge lacks.
func (g *gray) pad(n int) *gray {
	o := newGray(g.w+2*n, g.h+2*n)
	for i := range o.pix {
		o.pix[i] = 255
	}
	for y := 0; y < g.h; y++ {
		copy(o.pix[(y+n)*o.w+n:], g.pix[y*g.w:(y+1)*g.w])
	}
	return o
}

// scale returns g enlarged f times with bilinear interpolation (pixel
// centres aligned), which smooths the staircase of small modules instead of
// copying it as nearest-neighbour would.
func (g *gray) scale(f int) *gray {
	o := newGray(g.w*f, g.h*f)
	// Precompute, for each output column, the two source columns and weight.
	x0 := make([]int32, o.w)
	x1 := make([]int32, o.w)
	wx := make([]int32, o.w) // weight of x1, in 1/256
	for x := range o.w {
		sx := (float64(x)+0.5)/float64(f) - 0.5
		i, fr := floorFrac(sx)
		x0[x], x1[x] = int32(clampInt(i, 0, g.w-1)), int32(clampInt(i+1, 0, g.w-1))
		wx[x] = int32(fr * 256)
	}
	for y := range o.h {
		sy := (float64(y)+0.5)/float64(f) - 0.5
		i, fr := floorFrac(sy)
		r0 := g.pix[clampInt(i, 0, g.h-1)*g.w:]
		r1 := g.pix[clampInt(i+1, 0, g.h-1)*g.w:]
		wy := int32(fr * 256)
		row := o.pix[y*o.w : (y+1)*o.w]
		for x := range row {
			a := int32(r0[x0[x]])*(256-wx[x]) + int32(r0[x1[x]])*wx[x]
			b := int32(r1[x0[x]])*(256-wx[x]) + int32(r1[x1[x]])*wx[x]
			row[x] = byte((a*(256-wy) + b*wy + 1<<15) >> 16)
		}
	}
	return o
}

func floorFrac(v float64) (int, float64) {
	i := int(v)
	if float64(i) > v {
		i--
	}
	return i, v - float64(i)
}

func clampInt(v, lo, hi int) int { return max(lo, min(hi, v)) }
