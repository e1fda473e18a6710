//go:build !js

package qrimage

// DecodeBytes is left out of the WebAssembly build: the browser decodes
// uploaded images itself and hands the module RGBA pixels (DecodeRGBA), and
// image/png with image/jpeg would cost 0.076 MB brotli in the module.

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // register the JPEG decoder for DecodeBytes
	_ "image/png"  // register the PNG decoder for DecodeBytes
)

// DecodeBytes decodes a PNG or JPEG file and returns the text of the QR code
// in it. The dimensions in the file's header are checked against the limits
// before the pixels are decoded. The error wraps ErrImage for a file that is
// not a PNG or JPEG within the limits, and is ErrNotFound when no code could
// be read. It is not in the WebAssembly build (GOOS=js), where the browser
// decodes images.
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

// DecodeAllBytes is [DecodeAll] for a PNG or JPEG file, with the checks of
// [DecodeBytes]. It is not in the WebAssembly build either.
func DecodeAllBytes(data []byte) ([]string, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: file of %d bytes is larger than %d", ErrImage, len(data), MaxFileSize)
	}
	img, err := decodeImage(data)
	if err != nil {
		return nil, err
	}
	return decodeAllGray(grayFromImage(img))
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
