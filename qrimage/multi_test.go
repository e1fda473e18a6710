//go:build !js

package qrimage

import (
	"bytes"
	"errors"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// collage draws the codes on a white image, cols to a row, pad pixels
// apart and from the edges.
func collage(codes []*image.Gray, cols, pad int) *image.Gray {
	cw, ch := 0, 0
	for _, c := range codes {
		cw, ch = max(cw, c.Bounds().Dx()), max(ch, c.Bounds().Dy())
	}
	rows := (len(codes) + cols - 1) / cols
	img := image.NewGray(image.Rect(0, 0, cols*(cw+pad)+pad, rows*(ch+pad)+pad))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for i, c := range codes {
		at := image.Pt(pad+(i%cols)*(cw+pad), pad+(i/cols)*(ch+pad))
		draw.Draw(img, c.Bounds().Add(at), c, image.Point{}, draw.Src)
	}
	return img
}

// TestDecodeAll: a picture of two, three or four different codes reads as
// that many distinct texts, the first being Decode's; the same code twice
// reads as one text; a single code reads as before.
func TestDecodeAll(t *testing.T) {
	second := strings.Replace(sampleHC1, "6BFOXN", "6BFOXM", 1) // another pass, as far as the reader can tell
	cases := []struct {
		name  string
		codes []*image.Gray
		cols  int
		want  []string
	}{
		{"one", []*image.Gray{qrImage(t, sampleHC1, 3, 4)}, 1, []string{sampleHC1}},
		{"two side by side", []*image.Gray{qrImage(t, sampleHC1, 3, 4), qrImage(t, second, 3, 4)}, 2, []string{sampleHC1, second}},
		{"same code twice", []*image.Gray{qrImage(t, sampleHC1, 3, 4), qrImage(t, sampleHC1, 3, 4)}, 2, []string{sampleHC1}},
		{"short and long", []*image.Gray{qrImage(t, "https://menu.example/table/12", 4, 4), qrImage(t, sampleHC1, 3, 4)}, 2, []string{"https://menu.example/table/12", sampleHC1}},
		{"four in a square", []*image.Gray{qrImage(t, "one", 4, 4), qrImage(t, "two", 4, 4), qrImage(t, "three", 4, 4), qrImage(t, "four", 4, 4)}, 2, []string{"one", "two", "three", "four"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img := collage(c.codes, c.cols, 40)
			got, err := DecodeAll(img)
			if err != nil {
				t.Fatalf("DecodeAll: %v", err)
			}
			if !sameSet(got, c.want) {
				t.Fatalf("DecodeAll = %q, want %q in any order", got, c.want)
			}
			one, err := Decode(img)
			if err != nil || one != got[0] {
				t.Errorf("Decode = %q, %v; want DecodeAll's first text %q", one, err, got[0])
			}
			// The same through RGBA pixels and through a PNG file.
			rgba := image.NewNRGBA(img.Bounds())
			draw.Draw(rgba, rgba.Bounds(), img, image.Point{}, draw.Src)
			if px, err := DecodeAllRGBA(rgba.Pix, rgba.Rect.Dx(), rgba.Rect.Dy()); err != nil || !slices.Equal(px, got) {
				t.Errorf("DecodeAllRGBA = %q, %v; want %q", px, err, got)
			}
			var b bytes.Buffer
			if err := png.Encode(&b, img); err != nil {
				t.Fatal(err)
			}
			if fb, err := DecodeAllBytes(b.Bytes()); err != nil || !slices.Equal(fb, got) {
				t.Errorf("DecodeAllBytes = %q, %v; want %q", fb, err, got)
			}
		})
	}
}

// TestDecodeAllErrors: no code is ErrNotFound, and bad input is ErrImage
// before any pixel memory is allocated, as for Decode.
func TestDecodeAllErrors(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	if got, err := DecodeAll(blank); !errors.Is(err, ErrNotFound) || got != nil {
		t.Errorf("blank: %q, %v; want ErrNotFound", got, err)
	}
	if _, err := DecodeAll(image.NewGray(image.Rect(0, 0, MaxDimension+1, 1))); !errors.Is(err, ErrImage) {
		t.Errorf("too wide: %v, want ErrImage", err)
	}
	if _, err := DecodeAllRGBA(make([]byte, 10), 2, 2); !errors.Is(err, ErrImage) {
		t.Errorf("short buffer: %v, want ErrImage", err)
	}
	if _, err := DecodeAllBytes([]byte("not an image")); !errors.Is(err, ErrImage) {
		t.Errorf("not an image: %v, want ErrImage", err)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestDecodeAllHard: each of the hard cases (one code each) reads as that
// one code and nothing else: the wider search finds no second code in
// blur, noise, moiré or perspective.
func TestDecodeAllHard(t *testing.T) {
	for _, c := range loadHardCases(t) {
		data, err := os.ReadFile(filepath.Join("testdata", "hard", c.file))
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeAllBytes(data)
		if err != nil || len(got) != 1 || got[0] != c.text {
			t.Errorf("%s: DecodeAllBytes = %q, %v; want its one code", c.file, got, err)
		}
	}
}

// FuzzDecodeAllRGBA: any pixels and size give the distinct texts, the
// first being DecodeRGBA's, or ErrImage or ErrNotFound; never a panic.
func FuzzDecodeAllRGBA(f *testing.F) {
	for _, scale := range []int{1, 2} {
		g := collage([]*image.Gray{qrImage(f, "HC1:FUZZ A", scale, 1), qrImage(f, "HC1:FUZZ B", scale, 1)}, 2, 4)
		f.Add(rgbaOf(g), g.Rect.Dx(), g.Rect.Dy())
	}
	f.Add(make([]byte, 16), 10000, 10000)
	f.Add([]byte{0, 0, 0, 255}, 1, 1)
	f.Fuzz(func(t *testing.T, pix []byte, w, h int) {
		if len(pix) > 4*300*300 {
			t.Skip() // keep the fuzzer fast; the limits have their own tests
		}
		texts, err := DecodeAllRGBA(pix, w, h)
		if err != nil {
			if !errors.Is(err, ErrImage) && !errors.Is(err, ErrNotFound) {
				t.Fatalf("error %v is neither ErrImage nor ErrNotFound", err)
			}
			return
		}
		one, err := DecodeRGBA(pix, w, h)
		if err != nil || len(texts) == 0 || texts[0] != one {
			t.Fatalf("DecodeAllRGBA = %q; DecodeRGBA = %q, %v", texts, one, err)
		}
		if len(slices.Compact(slices.Sorted(slices.Values(texts)))) != len(texts) {
			t.Fatalf("texts repeat: %q", texts)
		}
	})
}
