package wire

import "github.com/passcheck/passcheck/internal/cbor"

// DecodeEntries reads an array of signer entries within lim, as
// [DecodePayload] reads those of [KeySigners]: b is the raw value of
// [KeyExtraSigners] that DecodePayload returns among the reserved keys.
func DecodeEntries(b []byte, lim cbor.Limits) ([]Entry, error) {
	return readEntries(b, lim)
}
