//go:build js && wasm

package jsonread

import (
	"math"
	"syscall/js"
)

// jsNumber is JavaScript's Number function.
var jsNumber = js.Global().Get("Number")

// convert reads s with JavaScript's Number(), which rounds a decimal
// number to the nearest float64 as strconv.ParseFloat does (both follow
// IEEE 754 round-half-even), and gives ±Infinity where ParseFloat gives a
// range error. In the WebAssembly module this keeps strconv's float parser
// and its tables out (about 7 KB brotli: make wasm-size); a JSON text reaches
// convert only for a number with a fraction, an exponent or more than 15
// digits, which rules seldom have.
//
// syscall/js hands every zero over as +0: a negative number that rounds to
// zero ("-0.0", "-1e-400") is -0, as ParseFloat reads it, from its sign.
func convert(s string) (float64, bool) {
	f := jsNumber.Invoke(s).Float()
	if f == 0 && s[0] == '-' {
		f = math.Copysign(0, -1)
	}
	return f, !math.IsInf(f, 0) && !math.IsNaN(f)
}
