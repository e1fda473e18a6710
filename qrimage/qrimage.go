// Package qrimage reads the text of a QR code from an image: a PNG or JPEG
// file ([DecodeBytes]), a decoded [image.Image] ([Decode]), or the RGBA pixels
// of a camera frame or canvas ([DecodeRGBA], which the WebAssembly module
// calls).
//
// It uses gozxing's QR reader with a retry ladder: a plain read first, which
// is what clean images need, then the steps that read degraded images (both
// binarizers, TRY_HARDER, a white quiet zone, 2–4× smoothed upscales,
// inversion, a crop to the finder patterns). docs/scan.md reports what each
// step adds and how the ladder compares with zbar.
//
// The text is returned exactly as the code holds it; nothing is trimmed.
//
// # Limits
//
// Images larger than [MaxDimension] on a side or [MaxPixels] in total are
// refused before any pixel memory is allocated, and so are files larger
// than [MaxFileSize]. The images the ladder derives are capped too, so a
// frame without a code costs bounded time.
//
// The package imports no os, net or encoding/json, so that it stays small in
// a WebAssembly build.
package qrimage

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // register the JPEG decoder for DecodeBytes
	_ "image/png"  // register the PNG decoder for DecodeBytes
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

// DecodeBytes decodes a PNG or JPEG file and returns the text of the QR code
// in it. The dimensions in the file's header are checked against the limits
// before the pixels are decoded. The error wraps ErrImage for a file that is
// not a PNG or JPEG within the limits, and is ErrNotFound when no code could
// be read.
func DecodeBytes(data []byte) (string, error) {
	if len(data) > MaxFileSize {
		return "", fmt.Errorf("%w: file of %d bytes is larger than %d", ErrImage, len(data), MaxFileSize)
	}
	img, err := decodeImage(data)
	if err != nil {
		return "", err
	}
	return decodeGray(grayFromImage(img), ladder)
}

// decodeImage decodes a PNG or JPEG within the limits. The image decoders
// can panic on hostile input in rare cases; that is an ErrImage error too.
func decodeImage(data []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("%w: decoder failed: %v", ErrImage, r)
		}
	}()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrImage, err)
	}
	if format != "png" && format != "jpeg" {
		return nil, fmt.Errorf("%w: format %s is not PNG or JPEG", ErrImage, format)
	}
	if err := checkSize(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	img, _, err = image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrImage, err)
	}
	return img, nil
}

// DecodeFrame is [DecodeRGBA] with a short ladder, for live camera frames
// where the next frame comes soon: gozxing's plain read with both
// binarizers and our grid sampler, but no upscales and no inversion. On a
// 640×480 frame without a code it costs a fraction of the full ladder (see
// docs/scan.md).
func DecodeFrame(pix []byte, width, height int) (string, error) {
	g, err := rgbaGray(pix, width, height)
	if err != nil {
		return "", err
	}
	return decodeGray(g, frameLadder)
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
	if err := checkSize(width, height); err != nil {
		return nil, err
	}
	if len(pix) != 4*width*height {
		return nil, fmt.Errorf("%w: %d bytes of pixels for %d×%d RGBA (want %d)", ErrImage, len(pix), width, height, 4*width*height)
	}
	return grayFromRGBA(pix, width, height), nil
}
