package qrimage_test

import (
	"errors"
	"fmt"

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
