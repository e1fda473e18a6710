package jsonread

import (
	"math"
	"strconv"
	"testing"
)

// TestParseNumber holds parseNumber (the JavaScript engine's Number() in
// the WebAssembly build: make wasm-test runs this under Node) to
// strconv.ParseFloat, bit for bit, on the numbers where readers differ.
func TestParseNumber(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "7", "-7", "123456789012345", "-999999999999999",
		"1234567890123456", "9007199254740993", "18446744073709551617",
		"0.1", "-0.0", "1.5", "2.5e3", "1E-7", "1e22", "1e23", "-1e-400", "4.9e-324", "2.4e-324",
		"2.2250738585072011e-308", "1.7976931348623157e308", "1.7976931348623158e308",
		"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999",
		"1e309", "-1e309", "123.456e-2", "0.30000000000000004",
	} {
		t.Run(s, func(t *testing.T) {
			want, err := strconv.ParseFloat(s, 64)
			got, ok := parseNumber(s)
			if ok != (err == nil) {
				t.Fatalf("parseNumber(%s) ok = %v, ParseFloat error %v", s, ok, err)
			}
			if ok && math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("parseNumber(%s) = %v (%#x), ParseFloat %v (%#x)", s, got, math.Float64bits(got), want, math.Float64bits(want))
			}
		})
	}
}
