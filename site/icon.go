package site

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// iconPNG draws the app icon (a white tick on the brand colour) at size
// pixels, for the manifest and iOS.
func iconPNG(size int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	brand := color.NRGBA{0x12, 0x35, 0x5b, 0xff}
	s := float64(size) / 64
	segs := [][4]float64{{17, 33, 27, 43}, {27, 43, 48, 21}}
	half := 3.5 * s
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			px, py := (float64(x)+0.5)/s, (float64(y)+0.5)/s
			d := math.Inf(1)
			for _, g := range segs {
				d = math.Min(d, segDist(px, py, g))
			}
			// Anti-aliased edge one pixel wide.
			a := math.Max(0, math.Min(1, half-d*s+0.5))
			c := brand
			c.R = uint8(float64(brand.R)*(1-a) + 255*a)
			c.G = uint8(float64(brand.G)*(1-a) + 255*a)
			c.B = uint8(float64(brand.B)*(1-a) + 255*a)
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func segDist(px, py float64, g [4]float64) float64 {
	dx, dy := g[2]-g[0], g[3]-g[1]
	t := ((px-g[0])*dx + (py-g[1])*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(px-(g[0]+t*dx), py-(g[1]+t*dy))
}
