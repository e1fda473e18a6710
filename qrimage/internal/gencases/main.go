// Command gencases writes the hard QR images of qrimage/testdata/hard and
// their manifest. Run it with "go generate ./qrimage"; the seeds are fixed, so
// the images are the same on every run with the same Go version.
//
// Each case renders a QR code of a realistic HC1 text ("HC1:" + base45 of
// random bytes, 570–720 characters, alphanumeric mode as the hcert
// specification requires) by supersampling the module grid through a
// projective transform, then degrades it: few pixels per module, blur, noise,
// rotation, low contrast, uneven light, gamma, almost no quiet zone, dark
// surroundings, inversion, the pixel grid of a screen photographed at an
// angle, and JPEG compression.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/passcheck/passcheck/internal/base45"
)

// spec describes one hard case. Lengths are in pixels unless named in modules.
type spec struct {
	name string
	desc string
	seed uint64
	ecl  string // QR error correction level: L, M, Q (default) or H

	module  float64 // pixels per module
	quiet   float64 // light margin around the code, in modules
	rotate  float64 // degrees
	persp   float64 // corner displacement of the perspective, as a fraction of the code side
	frame   float64 // dark surroundings beyond the quiet zone, in modules
	pad     float64 // extra canvas beyond the frame, in modules (light)
	canvasW int     // fixed canvas size (0: fit the code); the code is placed at (offX, offY)
	canvasH int
	offX    float64 // code centre as a fraction of the canvas (0: centre)
	offY    float64
	clutter bool // draw text-like marks around the code (a scanned document)

	dark, light float64 // ink and paper levels (default 0 and 255)
	gradient    float64 // light falls by this fraction across the image
	gamma       float64 // output gamma (0: none)
	screen      float64 // screen pixels per module (0: printed, no screen grid)
	screenDepth float64 // darkening of the gaps between screen pixels (0..1)
	samples     int     // supersamples per axis (default 4; 1 aliases like a camera)
	blur        float64 // Gaussian sigma
	noise       float64 // Gaussian noise standard deviation
	invert      bool
	jpeg        int // JPEG quality; 0 writes PNG
}

var cases = []spec{
	// Few pixels per module, the first cause of misses on real specimens.
	{name: "small-1.0px", desc: "1 px per module, 4-module quiet zone", module: 1, quiet: 4},
	{name: "small-1.3px", desc: "1.3 px per module (resampled)", module: 1.3, quiet: 4},
	{name: "small-1.5px", desc: "1.5 px per module (resampled)", module: 1.5, quiet: 4},
	{name: "small-1.7px-blur", desc: "1.7 px per module, slight blur", module: 1.7, quiet: 4, blur: 0.6},
	{name: "small-2.0px-blur", desc: "2 px per module, blur 0.8", module: 2, quiet: 4, blur: 0.8},
	{name: "small-2.2px-jpeg", desc: "2.2 px per module, JPEG q50", module: 2.2, quiet: 4, jpeg: 50},
	{name: "small-1.5px-ecl-m", desc: "1.5 px per module, level M", module: 1.5, quiet: 4, ecl: "M"},

	// Almost no quiet zone, the second cause.
	{name: "quiet-0", desc: "no quiet zone, image edge at the code", module: 3, quiet: 0},
	{name: "quiet-0.5-frame", desc: "half a module of quiet zone, then a dark frame", module: 3, quiet: 0.5, frame: 3, pad: 2},
	{name: "quiet-1-frame", desc: "one module of quiet zone, then a dark frame", module: 2.5, quiet: 1, frame: 4, pad: 1},
	{name: "quiet-0-small", desc: "no quiet zone, 1.5 px per module", module: 1.5, quiet: 0},
	{name: "quiet-0.5-small-jpeg", desc: "half a module of quiet zone, 2 px per module, JPEG q70", module: 2, quiet: 0.5, frame: 2, jpeg: 70},
	{name: "quiet-1-small-frame", desc: "one module of quiet zone, 1.6 px per module, dark frame", module: 1.6, quiet: 1, frame: 6, pad: 1},

	// Blur.
	{name: "blur-1.2", desc: "blur 1.2 at 3 px per module", module: 3, quiet: 4, blur: 1.2},
	{name: "blur-1.6", desc: "blur 1.6 at 4 px per module", module: 4, quiet: 4, blur: 1.6},
	{name: "blur-2.2", desc: "blur 2.2 at 5 px per module", module: 5, quiet: 4, blur: 2.2},
	{name: "blur-1.0-small", desc: "blur 1.0 at 2.5 px per module", module: 2.5, quiet: 4, blur: 1.0},

	// Noise.
	{name: "noise-40", desc: "noise sigma 40 at 3 px per module", module: 3, quiet: 4, noise: 40},
	{name: "noise-60", desc: "noise sigma 60 at 4 px per module", module: 4, quiet: 4, noise: 60},
	{name: "noise-80", desc: "noise sigma 80 at 4 px per module", module: 4, quiet: 4, noise: 80},
	{name: "noise-50-small", desc: "noise sigma 50 at 2.5 px per module", module: 2.5, quiet: 4, noise: 50},

	// Rotation.
	{name: "rot-5", desc: "rotated 5 degrees", module: 3, quiet: 4, rotate: 5},
	{name: "rot-12", desc: "rotated 12 degrees", module: 3, quiet: 4, rotate: 12},
	{name: "rot-20-blur", desc: "rotated 20 degrees, blur 0.8", module: 3, quiet: 4, rotate: 20, blur: 0.8},
	{name: "rot-30", desc: "rotated 30 degrees", module: 3, quiet: 4, rotate: 30},
	{name: "rot-45", desc: "rotated 45 degrees", module: 3, quiet: 4, rotate: 45},
	{name: "rot-17-small", desc: "rotated 17 degrees at 2 px per module", module: 2, quiet: 4, rotate: 17},
	{name: "rot-8-small-quiet-1", desc: "rotated 8 degrees, 2 px per module, one module of quiet zone", module: 2, quiet: 1, rotate: 8},

	// Low contrast and uneven light.
	{name: "contrast-60", desc: "ink 100, paper 160", module: 3, quiet: 4, dark: 100, light: 160},
	{name: "contrast-35", desc: "ink 110, paper 145, noise 6", module: 3, quiet: 4, dark: 110, light: 145, noise: 6},
	{name: "contrast-dark", desc: "ink 10, paper 55 (underexposed)", module: 3, quiet: 4, dark: 10, light: 55},
	{name: "gradient-70", desc: "paper light falls 70% across the image", module: 3, quiet: 4, gradient: 0.7},
	{name: "contrast-small", desc: "ink 90, paper 170 at 1.8 px per module", module: 1.8, quiet: 4, dark: 90, light: 170},

	// Inverted (light modules on dark).
	{name: "inverted", desc: "light modules on a dark ground", module: 3, quiet: 4, invert: true},
	{name: "inverted-small-blur", desc: "inverted, 2 px per module, blur 0.7", module: 2, quiet: 4, invert: true, blur: 0.7},
	{name: "inverted-rot-10", desc: "inverted, rotated 10 degrees", module: 3, quiet: 3, rotate: 10, invert: true},

	// JPEG compression.
	{name: "jpeg-q30", desc: "JPEG q30 at 3 px per module", module: 3, quiet: 4, jpeg: 30},
	{name: "jpeg-q15", desc: "JPEG q15 at 4 px per module", module: 4, quiet: 4, jpeg: 15},
	{name: "jpeg-q25-small", desc: "JPEG q25 at 2.5 px per module", module: 2.5, quiet: 4, jpeg: 25},

	// Perspective, and photos of a phone screen.
	{name: "persp-10", desc: "perspective, corners moved 10% of the side", module: 3, quiet: 4, persp: 0.10},
	{name: "persp-14-blur", desc: "perspective 14%, blur 1", module: 3.5, quiet: 4, persp: 0.14, blur: 1},
	{name: "screen-photo-1", desc: "phone screen (7 screen px per module, gaps 35% dark) photographed at 3 px per module, perspective 8%, gamma 1.8, noise 8, JPEG q60", module: 3, quiet: 4, persp: 0.08, screen: 7, screenDepth: 0.35, samples: 2, gamma: 1.8, noise: 8, jpeg: 60},
	{name: "screen-photo-2", desc: "phone screen (5.5 screen px per module) at 3.5 px per module, rotated 7 degrees, gamma 0.6, low contrast, JPEG q50", module: 3.5, quiet: 3, rotate: 7, persp: 0.05, screen: 5.5, screenDepth: 0.4, samples: 2, gamma: 0.6, dark: 40, light: 200, jpeg: 50},
	{name: "screen-photo-3", desc: "phone screen (8 screen px per module) at 4 px per module, perspective 12%, blur 0.8, uneven light, JPEG q55", module: 4, quiet: 4, persp: 0.12, screen: 8, screenDepth: 0.4, samples: 2, blur: 0.8, gradient: 0.4, noise: 5, jpeg: 55},
	{name: "screen-photo-small", desc: "phone screen (6 screen px per module) at 2.2 px per module, perspective 6%, noise 6, JPEG q60", module: 2.2, quiet: 4, persp: 0.06, screen: 6, screenDepth: 0.35, samples: 2, noise: 6, jpeg: 60},

	// A small code on a larger scanned page.
	{name: "page-small-code", desc: "1000x700 page, code at 2 px per module in a corner, text-like marks", module: 2, quiet: 3, canvasW: 1000, canvasH: 700, offX: 0.78, offY: 0.66, clutter: true},
	{name: "page-tiny-code-jpeg", desc: "1200x900 page, code at 1.6 px per module, JPEG q75", module: 1.6, quiet: 3, canvasW: 1200, canvasH: 900, offX: 0.2, offY: 0.25, clutter: true, jpeg: 75},

	// Combinations seen on real specimens.
	{name: "combo-small-quiet-jpeg", desc: "1.8 px per module, no quiet zone, JPEG q60", module: 1.8, quiet: 0, jpeg: 60},
	{name: "combo-small-rot-noise", desc: "2.2 px per module, rotated 6 degrees, noise 25", module: 2.2, quiet: 2, rotate: 6, noise: 25},
	{name: "combo-blur-contrast", desc: "blur 1.4, ink 80, paper 170, 3 px per module", module: 3, quiet: 4, blur: 1.4, dark: 80, light: 170},
}

func main() {
	out := flag.String("out", "testdata/hard", "output directory")
	set := flag.Uint64("set", 0, "`n` > 0 makes another set of the same cases with other texts and noise (seeds shifted by n×1000), for checking the ladder on images it was not tuned on")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	var manifest strings.Builder
	manifest.WriteString("# Generated by qrimage/internal/gencases (go generate ./qrimage). Do not edit.\n")
	manifest.WriteString("# file<TAB>description<TAB>expected text\n")
	for i, c := range cases {
		if c.seed == 0 {
			c.seed = uint64(i + 1)
		}
		c.seed += *set * 1000
		text := hc1Text(c.seed)
		img, err := render(c, text)
		if err != nil {
			log.Fatalf("%s: %v", c.name, err)
		}
		var buf bytes.Buffer
		file := c.name + ".png"
		if c.jpeg > 0 {
			file = c.name + ".jpg"
			err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: c.jpeg})
		} else {
			err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
		}
		if err != nil {
			log.Fatalf("%s: %v", c.name, err)
		}
		if err := os.WriteFile(filepath.Join(*out, file), buf.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(&manifest, "%s\t%s\t%s\n", file, c.desc, text)
	}
	if err := os.WriteFile(filepath.Join(*out, "manifest.txt"), []byte(manifest.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

// hc1Text returns a realistic pass text: the base45 of 380–480 random bytes
// (compressed COSE is close to random) after the "HC1:" prefix.
func hc1Text(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 0x4843313a))
	b := make([]byte, 380+r.IntN(101))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return "HC1:" + base45.Encode(b)
}

// render draws the code of text as c describes.
func render(c spec, text string) (*image.Gray, error) {
	ecl := c.ecl
	if ecl == "" {
		ecl = "Q"
	}
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: ecl,
		gozxing.EncodeHintType_MARGIN:           0,
	}
	bm, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		return nil, err
	}
	n := bm.GetWidth()
	rng := rand.New(rand.NewPCG(c.seed, 0x51524d47))

	dark, light := c.dark, c.light
	if dark == 0 && light == 0 {
		dark, light = 0, 255
	}
	samples := c.samples
	if samples == 0 {
		samples = 4
	}

	// Module square corners (0,0) (n,0) (n,n) (0,n) → pixel corners: scale,
	// rotate about the centre, then move each corner by up to persp·side.
	side := float64(n) * c.module
	th := c.rotate * math.Pi / 180
	var dst [4][2]float64
	for i, m := range [4][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
		x, y := (m[0]-0.5)*side, (m[1]-0.5)*side
		x, y = x*math.Cos(th)-y*math.Sin(th), x*math.Sin(th)+y*math.Cos(th)
		if c.persp > 0 {
			x += (rng.Float64()*2 - 1) * c.persp * side
			y += (rng.Float64()*2 - 1) * c.persp * side
		}
		dst[i] = [2]float64{x, y}
	}
	// Canvas: the corners' bounding box grown by the quiet zone, frame and pad.
	grow := (c.quiet + c.frame + c.pad) * c.module
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range dst {
		minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
	}
	w := int(math.Ceil(maxX - minX + 2*grow))
	h := int(math.Ceil(maxY - minY + 2*grow))
	cx, cy := -minX+grow, -minY+grow
	if c.canvasW > 0 {
		w, h = c.canvasW, c.canvasH
		cx, cy = c.offX*float64(w), c.offY*float64(h)
	}
	var src [4][2]float64
	for i, m := range [4][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
		src[i] = [2]float64{m[0] * float64(n), m[1] * float64(n)}
		dst[i][0] += cx
		dst[i][1] += cy
	}
	toModule, err := homography(dst, src) // pixel → module coordinates
	if err != nil {
		return nil, err
	}

	var marks []rect
	if c.clutter {
		marks = clutter(rng, w, h, dst)
	}

	// Supersample: value is the fraction of ink under the pixel.
	f := make([]float64, w*h)
	inv := 1 / float64(samples)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			ink := 0.0
			for sy := 0; sy < samples; sy++ {
				for sx := 0; sx < samples; sx++ {
					px := float64(x) + (float64(sx)+0.5)*inv
					py := float64(y) + (float64(sy)+0.5)*inv
					u, v := toModule.apply(px, py)
					ink += inkAt(c, bm, n, u, v, px, py, marks)
				}
			}
			ink *= inv * inv
			f[y*w+x] = light - ink*(light-dark)
		}
	}

	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			if c.gradient > 0 {
				t := (float64(x)/float64(w) + float64(y)/float64(h)) / 2
				f[i] *= 1 - c.gradient*t
			}
			if c.gamma > 0 {
				f[i] = 255 * math.Pow(clamp(f[i])/255, c.gamma)
			}
		}
	}
	if c.blur > 0 {
		gaussian(f, w, h, c.blur)
	}
	if c.invert {
		for i := range f {
			f[i] = 255 - f[i]
		}
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i, v := range f {
		if c.noise > 0 {
			v += rng.NormFloat64() * c.noise
		}
		img.Pix[i] = uint8(math.Round(clamp(v)))
	}
	return img, nil
}

// inkAt returns 1 where the sample point is ink, 0 where paper, and a value
// between for the gaps of a screen grid.
func inkAt(c spec, bm *gozxing.BitMatrix, n int, u, v, px, py float64, marks []rect) float64 {
	q := c.quiet
	fr := c.frame
	inCode := u >= 0 && v >= 0 && u < float64(n) && v < float64(n)
	ink := 0.0
	switch {
	case inCode:
		if bm.Get(int(u), int(v)) {
			ink = 1
		}
	case u >= -q && v >= -q && u < float64(n)+q && v < float64(n)+q:
		// quiet zone
	case fr > 0 && u >= -q-fr && v >= -q-fr && u < float64(n)+q+fr && v < float64(n)+q+fr:
		ink = 1 // dark frame (card edge, printed box)
	}
	if !inCode && ink == 0 {
		for _, m := range marks {
			if px >= m.x0 && px < m.x1 && py >= m.y0 && py < m.y1 {
				ink = 1
				break
			}
		}
	}
	if c.screen > 0 {
		// The screen emits light in pixels separated by dark gaps; ink is an
		// unlit pixel, so only paper gets darker in the gaps.
		gu := frac(u * c.screen)
		gv := frac(v * c.screen)
		if gu > 0.75 || gv > 0.75 {
			ink += (1 - ink) * c.screenDepth
		}
	}
	return ink
}

type rect struct{ x0, y0, x1, y1 float64 }

// clutter returns text-like marks (lines of short bars) that stay clear of
// the code and its quiet zone.
func clutter(rng *rand.Rand, w, h int, code [4][2]float64) []rect {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range code {
		minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
	}
	margin := 0.12 * (maxX - minX)
	var out []rect
	for y := 30.0; y+12 < float64(h)-30; y += 22 {
		for x := 40.0; x < float64(w)-60; {
			wordW := 12 + rng.Float64()*60
			r := rect{x, y, x + wordW, y + 9}
			clear := r.x1 < minX-margin || r.x0 > maxX+margin || r.y1 < minY-margin || r.y0 > maxY+margin
			if clear && x+wordW < float64(w)-40 {
				out = append(out, r)
			}
			x += wordW + 6 + rng.Float64()*6
		}
	}
	return out
}

func frac(x float64) float64 { return x - math.Floor(x) }

func clamp(v float64) float64 { return math.Max(0, math.Min(255, v)) }

// gaussian blurs f in place with a separable Gaussian kernel.
func gaussian(f []float64, w, h int, sigma float64) {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float64, len(f))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			s := 0.0
			for i, kv := range k {
				xx := min(max(x+i-r, 0), w-1)
				s += kv * f[y*w+xx]
			}
			tmp[y*w+x] = s
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			s := 0.0
			for i, kv := range k {
				yy := min(max(y+i-r, 0), h-1)
				s += kv * tmp[yy*w+x]
			}
			f[y*w+x] = s
		}
	}
}

// proj is a projective transform (homography) with h33 = 1.
type proj [8]float64

func (p proj) apply(x, y float64) (float64, float64) {
	d := p[6]*x + p[7]*y + 1
	return (p[0]*x + p[1]*y + p[2]) / d, (p[3]*x + p[4]*y + p[5]) / d
}

// homography returns the transform that maps each from[i] to to[i].
func homography(from, to [4][2]float64) (proj, error) {
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y, u, v := from[i][0], from[i][1], to[i][0], to[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for col := 0; col < 8; col++ {
		piv := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		if math.Abs(a[piv][col]) < 1e-12 {
			return proj{}, fmt.Errorf("degenerate homography")
		}
		a[col], a[piv] = a[piv], a[col]
		for r := 0; r < 8; r++ {
			if r == col {
				continue
			}
			m := a[r][col] / a[col][col]
			for k := col; k < 9; k++ {
				a[r][k] -= m * a[col][k]
			}
		}
	}
	var p proj
	for i := range p {
		p[i] = a[i][8] / a[i][i]
	}
	return p, nil
}
