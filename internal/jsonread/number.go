package jsonread

// parseNumber returns the float64 nearest to s, a JSON number (its grammar
// checked), as strconv.ParseFloat(s, 64) and a JavaScript engine read it;
// false when it is out of the range of float64 (it would be ±Inf).
//
// A plain integer of at most 15 digits is exact in float64 and read here;
// other numbers go to convert (number_js.go, number_other.go).
func parseNumber(s string) (float64, bool) {
	digits := s
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) > 0 && len(digits) <= 15 {
		var n int64
		for i := 0; i < len(digits); i++ {
			c := digits[i]
			if c < '0' || c > '9' {
				return convert(s)
			}
			n = n*10 + int64(c-'0')
		}
		f := float64(n)
		if len(s) > len(digits) {
			f = -f // -0 too, as ParseFloat reads "-0"
		}
		return f, true
	}
	return convert(s)
}
