//go:build js && wasm && !noqr

package main

import (
	"errors"
	"fmt"
	"syscall/js"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/qrimage"
)

// qrDecoder tells the pages whether scanImage can decode (see scan_noqr.go).
const qrDecoder = true

// scan decodes the QR code in an RGBA image, with the quicker ladder for a
// live camera frame. The size is checked against qrimage's limits before the
// pixels are copied.
func scan(pix js.Value, w, h int, frame bool) any {
	if w <= 0 || h <= 0 || w > qrimage.MaxDimension || h > qrimage.MaxDimension || w*h > qrimage.MaxPixels {
		return errorResult(dcc.InputInvalid, fmt.Sprintf("an image of %d×%d pixels; at most %d a side and %d in all", w, h, qrimage.MaxDimension, qrimage.MaxPixels))
	}
	if pix.Type() != js.TypeObject || !(pix.InstanceOf(jsUint8ClampedArray) || pix.InstanceOf(jsUint8Array)) {
		return errorResult(dcc.InputInvalid, "the pixels must be a Uint8ClampedArray (ImageData.data)")
	}
	if n := pix.Length(); n != 4*w*h {
		return errorResult(dcc.InputInvalid, fmt.Sprintf("%d bytes of pixels for %d×%d RGBA, want %d", n, w, h, 4*w*h))
	}
	b := make([]byte, 4*w*h)
	js.CopyBytesToGo(b, pix)
	decode := qrimage.DecodeRGBA
	if frame {
		decode = qrimage.DecodeFrame
	}
	text, err := decode(b, w, h)
	switch {
	case err == nil:
		return text
	case errors.Is(err, qrimage.ErrNotFound):
		return js.Null()
	}
	return errorResult(dcc.InputInvalid, err.Error())
}
