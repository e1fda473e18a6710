//go:build !(js && wasm)

package jsonread

import "strconv"

// convert is strconv.ParseFloat(s, 64); false for a range error.
func convert(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
