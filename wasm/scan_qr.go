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

// frames reads live camera frames: it keeps its buffers from one frame to
// the next, and so does frameRGBA, the copy of the frame's pixels. The
// module runs on one thread, and a frame is read to the end before the
// next call, so one of each serves every session.
var (
	frames    qrimage.Scanner
	frameRGBA []byte
)

// scan decodes the QR code in an RGBA image; a live camera frame goes to
// the Scanner, which answers quickly when there is no code, an uploaded
// picture up the full ladder, reading every code it shows: one code is its
// text, several the array of their distinct texts, so that the page can ask
// for one code at a time. The size is checked against qrimage's limits
// before the pixels are copied.
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
	var text string
	var err error
	var texts []string
	if frame {
		if cap(frameRGBA) < 4*w*h {
			frameRGBA = make([]byte, 4*w*h)
		}
		b := frameRGBA[:4*w*h]
		js.CopyBytesToGo(b, pix)
		text, err = frames.Scan(b, w, h)
	} else {
		b := make([]byte, 4*w*h)
		js.CopyBytesToGo(b, pix)
		texts, err = qrimage.DecodeAllRGBA(b, w, h)
		if len(texts) == 1 {
			text = texts[0]
		}
	}
	switch {
	case err == nil && len(texts) > 1:
		out := make([]any, len(texts))
		for i, t := range texts {
			out[i] = t
		}
		return out
	case err == nil:
		return text
	case errors.Is(err, qrimage.ErrNotFound):
		return js.Null()
	}
	return errorResult(dcc.InputInvalid, err.Error())
}
