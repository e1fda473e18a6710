package qrimage

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/jpeg"
	"runtime"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// qrImage renders text as a QR code with margin modules of quiet zone, at
// scale pixels per module: ink 0, paper 255.
func qrImage(t testing.TB, text string, scale, margin int) *image.Gray {
	t.Helper()
	bm, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: margin, gozxing.EncodeHintType_ERROR_CORRECTION: "Q"})
	if err != nil {
		t.Fatal(err)
	}
	n := bm.GetWidth()
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for y := 0; y < n*scale; y++ {
		for x := 0; x < n*scale; x++ {
			img.Pix[y*img.Stride+x] = 255
			if bm.Get(x/scale, y/scale) {
				img.Pix[y*img.Stride+x] = 0
			}
		}
	}
	return img
}

const sampleHC1 = "HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NFQGRJPC%OQHIZC4.OI1RM8ZA.A5:S9MKN4NN3F85QNCY0O%0VZ001HOC9JU0D0HT0HB2PL/IB*09B9LW4T*8+DCMH0LDK2%K:XFE70*LP$V25$0Q:J:4MO1P0%0L0HD+9E/HY+4J6TH48S%4K.GJ2PT3QY:GQ3TE2I+-CPHN6D7LLK*2HG%89UV-0LZ 2ZJJ524-LH/CJTK96L6SR9MU9DHGZ%P WUQRENS431T1XCNCF+47AY0-IFO0500TGPN8F5G.41Q2E4T8ALW.INSV$ 07UV5SR+BNQHNML7 /KD3TU 4V*CAT3ZGLQMI/XI%ZJNSBBXK2:UG%UJMI:TU+MMPZ5$/PMX19UE4-0F4S8F9A50AJ:1M4ZNB$ITT5AY3M*49WAZ9TF0N4WS9FMP3VCS9ISNG3J8:LI:SO-BI*HYI8CG4%/2G7E$13TJT"

// TestDecodeImageTypes checks every fast path of the gray conversion, and
// the generic one, against the same code.
func TestDecodeImageTypes(t *testing.T) {
	g := qrImage(t, sampleHC1, 3, 4)
	b := g.Bounds()
	nrgba := image.NewNRGBA(b)
	rgba := image.NewRGBA(b)
	pal := image.NewPaletted(b, palette.Plan9)
	gray16 := image.NewGray16(b)
	for _, dst := range []draw.Image{nrgba, rgba, pal, gray16} {
		draw.Draw(dst, b, g, b.Min, draw.Src)
	}
	// Ink on a transparent ground, as a canvas with a transparent PNG gives
	// it: the ground must read as white.
	transparent := image.NewNRGBA(b)
	for i, v := range g.Pix {
		if v == 0 {
			transparent.Pix[4*i+3] = 255
		}
	}
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, g, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	ycc, err := jpeg.Decode(&jb)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ycc.(*image.Gray); ok {
		// A gray JPEG decodes to *image.Gray; make a colour one for YCbCr.
		c := image.NewRGBA(b)
		draw.Draw(c, b, g, b.Min, draw.Src)
		jb.Reset()
		if err := jpeg.Encode(&jb, c, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		if ycc, err = jpeg.Decode(&jb); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := ycc.(*image.YCbCr); !ok {
		t.Fatalf("colour JPEG decoded to %T, want *image.YCbCr", ycc)
	}
	sub := image.NewGray(image.Rect(-20, -10, b.Dx()+30, b.Dy()+40)) // offset bounds and stride
	draw.Draw(sub, sub.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(sub, b.Add(image.Pt(-5, 7)), g, b.Min, draw.Src)
	for name, img := range map[string]image.Image{
		"Gray": g, "NRGBA": nrgba, "RGBA": rgba, "Paletted": pal, "Gray16": gray16,
		"transparent": transparent, "YCbCr": ycc, "SubGray": sub.SubImage(image.Rect(-20, -10, b.Dx()+10, b.Dy()+20)),
	} {
		got, err := Decode(img)
		if err != nil || got != sampleHC1 {
			t.Errorf("%s: read %q, %v", name, got, err)
		}
	}
}

// TestTextExact: the text comes back byte for byte, with the spaces a
// code may hold at either end.
func TestTextExact(t *testing.T) {
	for _, text := range []string{"  HC1:NCF 0 ", "HC1:X\n", "hc1:lower case, byte mode ", "HC1:€ UTF-8"} {
		got, err := Decode(qrImage(t, text, 4, 4))
		if err != nil || got != text {
			t.Errorf("read %q, %v; want %q", got, err, text)
		}
	}
}

func rgbaOf(g *image.Gray) []byte {
	pix := make([]byte, 4*len(g.Pix))
	for i, v := range g.Pix {
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = v, v, v, 255
	}
	return pix
}

func TestDecodeRGBA(t *testing.T) {
	g := qrImage(t, sampleHC1, 2, 4)
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	pix := rgbaOf(g)
	for name, f := range map[string]func([]byte, int, int) (string, error){"DecodeRGBA": DecodeRGBA, "DecodeFrame": DecodeFrame} {
		got, err := f(pix, w, h)
		if err != nil || got != sampleHC1 {
			t.Errorf("%s: read %q, %v", name, got, err)
		}
	}
}

func TestBadSizes(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int // buffer length
		w, h int
	}{
		{"10000x10000 short buffer", 16, 10000, 10000},
		{"width over limit", 4 * (MaxDimension + 1), MaxDimension + 1, 1},
		{"height over limit", 4 * (MaxDimension + 1), 1, MaxDimension + 1},
		{"zero", 0, 0, 0},
		{"negative", 16, -2, -2},
		{"short buffer", 4*10*10 - 1, 10, 10},
		{"long buffer", 4*10*10 + 4, 10, 10},
		{"overflowing product", 16, 1 << 40, 1 << 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pix := make([]byte, tc.n)
			for _, f := range []func([]byte, int, int) (string, error){DecodeRGBA, DecodeFrame} {
				if _, err := f(pix, tc.w, tc.h); !errors.Is(err, ErrImage) {
					t.Errorf("error %v, want ErrImage", err)
				}
			}
		})
	}
}

// TestHugeSizeAllocatesNothing: the size check comes before any pixel
// allocation.
func TestHugeSizeAllocatesNothing(t *testing.T) {
	pix := make([]byte, 64)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 100 {
		if _, err := DecodeRGBA(pix, 10000, 10000); !errors.Is(err, ErrImage) {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Fatalf("100 refused calls allocated %d bytes", d)
	}
}

func TestNotFound(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 320, 240))
	draw.Draw(blank, blank.Bounds(), image.NewUniform(color.Gray{200}), image.Point{}, draw.Src)
	noise := image.NewGray(image.Rect(0, 0, 320, 240))
	seed := uint32(7)
	for i := range noise.Pix {
		seed = seed*1664525 + 1013904223
		noise.Pix[i] = byte(seed >> 24)
	}
	// Half a code: the finder patterns are there, the data is cut off.
	half := qrImage(t, sampleHC1, 3, 4)
	half.Rect.Max.Y /= 2
	half.Pix = half.Pix[:half.Rect.Max.Y*half.Stride]
	for name, img := range map[string]image.Image{"blank": blank, "noise": noise, "half a code": half, "1x1": image.NewGray(image.Rect(0, 0, 1, 1))} {
		if got, err := Decode(img); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: read %q, %v; want ErrNotFound", name, got, err)
		}
	}
}

// FuzzDecodeRGBA: any buffer and size, no panic, and a refused size is
// ErrImage; the same through DecodeFrame and through one Scanner reused
// from input to input (the look for a code reads rows not yet converted,
// and its first rung samples them).
func FuzzDecodeRGBA(f *testing.F) {
	var s Scanner
	for _, scale := range []int{1, 2} {
		g := qrImage(f, "HC1:FUZZ SEED", scale, 1)
		f.Add(rgbaOf(g), g.Rect.Dx(), g.Rect.Dy())
	}
	f.Add(make([]byte, 16), 10000, 10000)
	f.Add([]byte{0, 0, 0, 255}, 1, 1)
	f.Fuzz(func(t *testing.T, pix []byte, w, h int) {
		if len(pix) > 4*300*300 {
			t.Skip() // keep the fuzzer fast; the limits have their own tests
		}
		for name, decode := range map[string]func([]byte, int, int) (string, error){"DecodeRGBA": DecodeRGBA, "DecodeFrame": DecodeFrame, "Scanner": s.Scan} {
			_, err := decode(pix, w, h)
			if err != nil && !errors.Is(err, ErrImage) && !errors.Is(err, ErrNotFound) {
				t.Fatalf("%s: error %v is neither ErrImage nor ErrNotFound", name, err)
			}
			if len(pix) != 4*w*h && !errors.Is(err, ErrImage) {
				t.Fatalf("%s: %d bytes for %d×%d: error %v, want ErrImage", name, len(pix), w, h, err)
			}
		}
	})
}

// TestScales reads a code from 1 to 12 pixels per module, with and without
// a quiet zone, through the ladder and through the frame ladder.
func TestScales(t *testing.T) {
	for _, scale := range []int{1, 2, 3, 6, 12} {
		for _, margin := range []int{0, 4} {
			g := qrImage(t, sampleHC1, scale, margin)
			w, h := g.Bounds().Dx(), g.Bounds().Dy()
			for name, f := range map[string]func([]byte, int, int) (string, error){"DecodeRGBA": DecodeRGBA, "DecodeFrame": DecodeFrame} {
				if got, err := f(rgbaOf(g), w, h); err != nil || got != sampleHC1 {
					t.Errorf("%d px per module, quiet zone %d, %s: %q, %v", scale, margin, name, got, err)
				}
			}
		}
	}
}

// TestMirroredAndInverted: a code seen from behind (mirrored) and light
// on dark both read.
func TestMirroredAndInverted(t *testing.T) {
	g := qrImage(t, sampleHC1, 3, 4)
	n := g.Bounds().Dx()
	mirrored := image.NewGray(g.Bounds())
	inverted := image.NewGray(g.Bounds())
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			mirrored.Pix[y*n+x] = g.Pix[y*n+n-1-x]
			inverted.Pix[y*n+x] = 255 - g.Pix[y*n+x]
		}
	}
	for name, img := range map[string]image.Image{"mirrored": mirrored, "inverted": inverted} {
		if got, err := Decode(img); err != nil || got != sampleHC1 {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
}

// TestKanjiNotRead: a code with a Kanji segment is found but not read
// (the decoder has no Shift JIS table); it counts as no code.
func TestKanjiNotRead(t *testing.T) {
	bm, err := qrcode.NewQRCodeWriter().Encode("漢字", gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 4, gozxing.EncodeHintType_CHARACTER_SET: "Shift_JIS"})
	if err != nil {
		t.Fatal(err)
	}
	n := bm.GetWidth()
	img := image.NewGray(image.Rect(0, 0, 4*n, 4*n))
	for i := range img.Pix {
		img.Pix[i] = 255
		if bm.Get(i%(4*n)/4, i/(4*n)/4) {
			img.Pix[i] = 0
		}
	}
	if got, err := Decode(img); !errors.Is(err, ErrNotFound) {
		t.Errorf("Kanji code: %q, %v; want ErrNotFound", got, err)
	}
}
