// Package qrimage reads the text of a QR code from an image: a PNG or JPEG
// file ([DecodeBytes]), a decoded [image.Image] ([Decode]), or the RGBA pixels
// of a camera frame or canvas ([DecodeRGBA] and [DecodeFrame], which the
// WebAssembly module calls).
//
// It is a QR reader of its own: it binarizes the image, finds the three
// finder patterns, maps the module grid onto the image (with the
// bottom-right alignment pattern for perspective), samples the gray image
// at each module, and decodes the module matrix (internal/qrdecode:
// format and version information, Reed–Solomon, segments). A retry ladder
// runs it on the image as it is, then on 2× and 3× upscales and on the
// negative. docs/scan.md reports what each step adds, how the ladder
// compares with zbar and with gozxing's reader, which it used before.
//
// The text is returned exactly as the code holds it; nothing is trimmed.
// Kanji segments are not read (such a code counts as not found).
//
// # Limits
//
// Images larger than [MaxDimension] on a side or [MaxPixels] in total are
// refused before any pixel memory is allocated, and so are files larger
// than [MaxFileSize]. The images the ladder derives are capped too, so a
// frame without a code costs bounded time.
//
// # WebAssembly
//
// The package imports no os, net or encoding/json, and no code outside the
// standard library; in the WebAssembly build (GOOS=js) [DecodeBytes] is
// left out with image/png and image/jpeg, since the browser decodes images
// itself.
package qrimage

import (
	"errors"
	"fmt"
	"image"
)

// Limits on the input.
const (
	MaxDimension = 4096     // pixels on either side
	MaxPixels    = 16 << 20 // width × height (16 Mpx)
	MaxFileSize  = 32 << 20 // bytes of an encoded PNG or JPEG
)

var (
	// ErrNotFound reports an image in which no QR code could be read.
	ErrNotFound = errors.New("qrimage: no QR code found")
	// ErrImage reports input that is not a usable image: an unknown or
	// corrupt format, a size beyond the limits, or a pixel buffer whose
	// length does not match its dimensions.
	ErrImage = errors.New("qrimage: invalid image")
)

// checkSize returns an ErrImage error when w×h is outside the limits.
func checkSize(w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: empty image (%d×%d)", ErrImage, w, h)
	}
	if w > MaxDimension || h > MaxDimension || w*h > MaxPixels {
		return fmt.Errorf("%w: %d×%d is larger than %d pixels a side or %d pixels", ErrImage, w, h, MaxDimension, MaxPixels)
	}
	return nil
}

// Decode returns the text of the QR code in img. The error is ErrNotFound
// when no code could be read, or wraps ErrImage when img is too large.
func Decode(img image.Image) (string, error) {
	b := img.Bounds()
	if err := checkSize(b.Dx(), b.Dy()); err != nil {
		return "", err
	}
	return decodeGray(grayFromImage(img), ladder)
}

// DecodeAll returns the distinct texts of the QR codes in img, in the
// order they were read, for a picture that may show several codes (an
// upload of two passes should be refused, not read as one). The first text
// is the one [Decode] returns, and an image without a code costs what it
// costs Decode: DecodeAll climbs Decode's ladder and, at the rung that read
// the first code, reads every other code that rung can read. A second code
// that only a later rung could read (far smaller or blurrier than the
// first) is not seen. The error is ErrNotFound when no code could be read,
// or wraps ErrImage when img is too large.
func DecodeAll(img image.Image) ([]string, error) {
	b := img.Bounds()
	if err := checkSize(b.Dx(), b.Dy()); err != nil {
		return nil, err
	}
	return decodeAllGray(grayFromImage(img))
}

// DecodeAllRGBA is [DecodeAll] for the RGBA pixels that [DecodeRGBA]
// takes, with the same checks.
func DecodeAllRGBA(pix []byte, width, height int) ([]string, error) {
	g, err := rgbaGray(pix, width, height)
	if err != nil {
		return nil, err
	}
	return decodeAllGray(g)
}

// DecodeFrame is [DecodeRGBA] for live camera frames, where the next frame
// comes soon: it first looks for finder patterns on every other row and
// answers ErrNotFound at once when no three could form a code, and then
// runs a short ladder: the grid reader on the frame as it is, with local
// and then global thresholds, without upscales or inversion. A camera loop
// should keep a [Scanner], which does the same and reuses its buffers from
// one frame to the next (see docs/scan.md).
func DecodeFrame(pix []byte, width, height int) (string, error) {
	var s Scanner
	return s.Scan(pix, width, height)
}

// DecodeRGBA returns the text of the QR code in a frame of non-premultiplied
// RGBA pixels, 4 bytes per pixel, row by row (the layout of a canvas
// ImageData). It checks width and height against the limits and
// len(pix) == 4×width×height before it allocates anything; a mismatch wraps
// ErrImage.
func DecodeRGBA(pix []byte, width, height int) (string, error) {
	g, err := rgbaGray(pix, width, height)
	if err != nil {
		return "", err
	}
	return decodeGray(g, ladder)
}

// rgbaGray checks the size and buffer length before it allocates the gray
// image.
func rgbaGray(pix []byte, width, height int) (*gray, error) {
	if err := checkRGBA(pix, width, height); err != nil {
		return nil, err
	}
	return grayFromRGBA(pix, width, height), nil
}

// checkRGBA checks the size and that pix holds 4×width×height bytes.
//
//go:noinline
func checkRGBA(pix []byte, width, height int) error {
	if err := checkSize(width, height); err != nil {
		return err
	}
	if len(pix) != 4*width*height {
		return fmt.Errorf("%w: %d bytes of pixels for %d×%d RGBA (want %d)", ErrImage, len(pix), width, height, 4*width*height)
	}
	return nil
}
