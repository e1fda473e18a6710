package qrimage_test

import (
	"errors"
	"fmt"
	"image"
	"image/draw"

	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/qrimage"
)

// A camera loop keeps one Scanner and hands it every frame: a frame
// without a code is answered quickly, and no frame allocates a full-size
// image once the buffers have grown.
func ExampleScanner() {
	const w, h = 640, 480
	frame := make([]byte, 4*w*h) // canvas ImageData: RGBA, row by row
	for i := range frame {
		frame[i] = 200 // a light gray wall, opaque
	}
	var s qrimage.Scanner
	for range 3 { // three frames of the stream
		text, err := s.Scan(frame, w, h)
		switch {
		case errors.Is(err, qrimage.ErrNotFound):
			fmt.Println("no code in this frame")
		case err != nil:
			fmt.Println("not a frame:", err)
		default:
			fmt.Println("read", text)
		}
	}
	// Output:
	// no code in this frame
	// no code in this frame
	// no code in this frame
}

// An uploaded picture may show several codes: DecodeAll reads them all, so
// that the caller can ask for one code at a time instead of checking
// whichever it happened to read.
func ExampleDecodeAll() {
	a, _ := issuer.QRImage("HC1:FIRST", 4)
	b, _ := issuer.QRImage("HC1:SECOND", 4)
	img := image.NewGray(image.Rect(0, 0, a.Rect.Dx()+b.Rect.Dx(), max(a.Rect.Dy(), b.Rect.Dy())))
	draw.Draw(img, img.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(img, a.Rect, a, image.Point{}, draw.Src)
	draw.Draw(img, b.Rect.Add(image.Pt(a.Rect.Dx(), 0)), b, image.Point{}, draw.Src)

	texts, err := qrimage.DecodeAll(img)
	switch {
	case err != nil:
		fmt.Println(err)
	case len(texts) > 1:
		fmt.Printf("%d codes: upload one code at a time\n", len(texts))
	default:
		fmt.Println("read", texts[0])
	}
	// Output:
	// 2 codes: upload one code at a time
}
