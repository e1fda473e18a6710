//go:build js && wasm && noqr

package main

import (
	"syscall/js"

	"github.com/passcheck/passcheck/dcc"
)

// qrDecoder is false in this build: it leaves out qrimage for pages that
// decode QR codes with the browser's BarcodeDetector. This removes 0.24 MB
// raw, 0.044 MB brotli (5.254 → 5.011 MB raw, 1.113 → 1.069 MB brotli;
// make wasm-size) since qrimage has its own decoder instead of gozxing.
const qrDecoder = false

// scan reports that this build has no QR decoder.
func scan(js.Value, int, int, bool) any {
	return errorResult(dcc.QRUnavailable, "")
}
