package issuer

import (
	"bytes"
	"image"
	"image/color"
	"image/png"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// QRImage renders text as a QR code with error correction level Q (as the
// hcert specification recommends, §4.1), scale pixels per module and a quiet
// zone of four modules.
func QRImage(text string, scale int) (*image.Gray, error) {
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: "Q",
		gozxing.EncodeHintType_MARGIN:           0,
	}
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		return nil, err
	}
	if scale < 1 {
		scale = 1
	}
	const quiet = 4
	n := m.GetWidth()
	size := (n + 2*quiet) * scale
	img := image.NewGray(image.Rect(0, 0, size, size))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if !m.Get(x, y) {
				continue
			}
			for dy := 0; dy < scale; dy++ {
				for dx := 0; dx < scale; dx++ {
					img.SetGray((x+quiet)*scale+dx, (y+quiet)*scale+dy, color.Gray{})
				}
			}
		}
	}
	return img, nil
}

// QRPNG renders text as a QR code PNG; see [QRImage].
func QRPNG(text string, scale int) ([]byte, error) {
	img, err := QRImage(text, scale)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
