//go:build js && wasm && noqr

package main

import "syscall/js"

// qrDecoder is false in this build: it leaves out qrimage, gozxing and
// golang.org/x/text for pages that decode QR codes with the browser's
// BarcodeDetector. This removes 1.63 MB raw, 0.436 MB brotli (7.603 → 5.970
// MB raw, 1.675 → 1.239 MB brotli; make wasm-size).
const qrDecoder = false

// scan reports that this build has no QR decoder.
func scan(js.Value, int, int) any {
	return errorResult(QRUnavailable, "")
}
