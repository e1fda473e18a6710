package qrdecode

// Reed–Solomon decoding over GF(256) with the QR code's field polynomial
// x⁸ + x⁴ + x³ + x² + 1 (0x11D) and generator roots α⁰ … α^(ec−1)
// (ISO/IEC 18004:2015 §7.5.2): syndromes, Berlekamp–Massey for the error
// locator, Chien search for its roots and Forney's formula for the error
// values.

// gfExp[i] = αⁱ for i in 0..509 (doubled, so a product needs no modulo),
// gfLog[αⁱ] = i. Built once; never written after.
var gfExp, gfLog = gfTables()

func gfTables() (exp [510]byte, log [256]int) {
	x := 1
	for i := 0; i < 255; i++ {
		exp[i] = byte(x)
		log[x] = i
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11D
		}
	}
	for i := 255; i < len(exp); i++ {
		exp[i] = exp[i-255]
	}
	return exp, log
}

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[gfLog[a]+gfLog[b]]
}

// gfDiv returns a/b; b must not be 0.
func gfDiv(a, b byte) byte {
	if a == 0 {
		return 0
	}
	return gfExp[gfLog[a]+255-gfLog[b]]
}

// polyEval evaluates p (p[i] the coefficient of xⁱ) at x.
func polyEval(p []byte, x byte) byte {
	var y byte
	for i := len(p) - 1; i >= 0; i-- {
		y = gfMul(y, x) ^ p[i]
	}
	return y
}

// gfTimes[j][v] = v·αʲ, for the syndromes: one table look-up a step of
// Horner's rule instead of two and a branch. Built once; never written
// after.
var gfTimes = gfTimesTables()

// maxEC is the most error correction codewords of a block in any QR
// symbol (ISO/IEC 18004:2015 Table 9).
const maxEC = 30

func gfTimesTables() *[maxEC][256]byte {
	var t [maxEC][256]byte
	for j := range t {
		for v := 1; v < 256; v++ {
			t[j][v] = gfExp[gfLog[v]+j]
		}
	}
	return &t
}

// syndromes computes Sⱼ = r(αʲ) for j < len(s) (at most maxEC), where
// block[0] is the coefficient of the highest power, and reports whether
// all are zero.
func syndromes(block []byte, s []byte) (clean bool) {
	clean = true
	for j := range s {
		var v byte
		times := &gfTimes[j]
		for _, c := range block {
			v = times[v] ^ c
		}
		s[j] = v
		if v != 0 {
			clean = false
		}
	}
	return clean
}

// correct corrects up to maxErrors wrong codewords of block in place, of
// which the last ec are error correction codewords. It returns the number
// corrected, or false when the block has more errors than that (or the
// errors are of a pattern that no codeword within reach explains).
func correct(block []byte, ec, maxErrors int) (int, bool) {
	n := len(block)
	var sbuf [64]byte // ec ≤ maxEC in every QR symbol
	if ec > maxEC || ec >= n {
		return 0, false
	}
	s := sbuf[:ec]
	if syndromes(block, s) {
		return 0, true
	}

	// Berlekamp–Massey: the shortest LFSR c that generates s, which is the
	// error locator Λ(x) = Π (1 − Xₖx), Xₖ = α^(position of error k),
	// positions counted from the last codeword.
	var cbuf, bbuf, tbuf [64]byte
	c, b := cbuf[:ec+1], bbuf[:ec+1]
	c[0], b[0] = 1, 1
	l, m, bd := 0, 1, byte(1)
	for k := 0; k < ec; k++ {
		d := s[k]
		for i := 1; i <= l; i++ {
			d ^= gfMul(c[i], s[k-i])
		}
		if d == 0 {
			m++
			continue
		}
		coef := gfDiv(d, bd)
		if 2*l <= k {
			t := tbuf[:ec+1]
			copy(t, c)
			for i := 0; i+m <= ec; i++ {
				c[i+m] ^= gfMul(coef, b[i])
			}
			l = k + 1 - l
			copy(b, t)
			bd = d
			m = 1
		} else {
			for i := 0; i+m <= ec; i++ {
				c[i+m] ^= gfMul(coef, b[i])
			}
			m++
		}
	}
	if l == 0 || l > maxErrors {
		return 0, false
	}
	lambda := c[:l+1]
	if lambda[l] == 0 {
		return 0, false // degree below l: not a valid locator
	}

	// Error evaluator Ω(x) = S(x)·Λ(x) mod x^ec.
	var obuf [64]byte
	omega := obuf[:ec]
	for i := 0; i < ec; i++ {
		var v byte
		for j := 0; j <= i && j <= l; j++ {
			v ^= gfMul(lambda[j], s[i-j])
		}
		omega[i] = v
	}
	// Λ'(x): in characteristic 2 only the odd terms survive.
	var dbuf [64]byte
	deriv := dbuf[:l]
	for i := 1; i <= l; i += 2 {
		deriv[i-1] = lambda[i]
	}

	// Chien search over the n positions, then Forney (first root α⁰):
	// eₖ = Xₖ · Ω(Xₖ⁻¹) / Λ'(Xₖ⁻¹).
	var posbuf [64]int
	var valbuf [64]byte
	pos, vals := posbuf[:0], valbuf[:0]
	for p := 0; p < n; p++ {
		xinv := gfExp[(255-p)%255]
		if polyEval(lambda, xinv) != 0 {
			continue
		}
		den := polyEval(deriv, xinv)
		if den == 0 {
			return 0, false
		}
		e := gfMul(gfExp[p], gfDiv(polyEval(omega, xinv), den))
		if e == 0 {
			return 0, false
		}
		pos, vals = append(pos, p), append(vals, e)
		if len(pos) > l {
			return 0, false
		}
	}
	if len(pos) != l {
		return 0, false // roots outside the block: too many errors
	}
	for i, p := range pos {
		block[n-1-p] ^= vals[i]
	}
	if !syndromes(block, s) {
		// Cannot happen for a true codeword; guards against a miscorrection
		// all the same.
		for i, p := range pos {
			block[n-1-p] ^= vals[i]
		}
		return 0, false
	}
	return l, true
}
