//go:build js && wasm && noqr

package main

import "syscall/js"

// qrDecoder is false in this build: it leaves out qrimage and gozxing (see
// docs/wasm.md for the bytes saved) for pages that decode QR codes with the
// browser's BarcodeDetector.
const qrDecoder = false

// scan reports that this build has no QR decoder.
func scan(js.Value, int, int) any {
	return errorResult(QRUnavailable, "")
}
