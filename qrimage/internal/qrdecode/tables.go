package qrdecode

// Tables from ISO/IEC 18004:2015. tables_test.go recomputes the BCH codes
// and the codeword counts from the symbol geometry, and compares every
// table with gozxing's.

// Level is an error correction level. The values are the table index, not
// the two bits that the format information carries (see levelBits).
type Level uint8

// The four error correction levels, about 7%, 15%, 25% and 30% of the
// codewords.
const (
	L Level = iota
	M
	Q
	H
)

// String returns "L", "M", "Q" or "H".
func (l Level) String() string { return string("LMQH"[l&3]) }

// levelBits maps the two error correction bits of the format information
// to a Level (Table 12: L 01, M 00, Q 11, H 10).
var levelBits = [4]Level{M, L, H, Q}

// ecSpec is one row of Table 9: the error correction codewords in each
// block, n1 blocks of d1 data codewords, then n2 blocks of d1+1 (as
// {ec, n1, d1, n2, d1+1}; n2 and d2 are 0 when all blocks are alike).
type ecSpec [5]uint8

func (s ecSpec) ec() int     { return int(s[0]) }
func (s ecSpec) n1() int     { return int(s[1]) }
func (s ecSpec) d1() int     { return int(s[2]) }
func (s ecSpec) n2() int     { return int(s[3]) }
func (s ecSpec) blocks() int { return int(s[1]) + int(s[3]) }

// dataLen is the number of data codewords of block i.
func (s ecSpec) dataLen(i int) int {
	if i < s.n1() {
		return s.d1()
	}
	return int(s[4])
}

// total is the number of codewords, data and error correction.
func (s ecSpec) total() int {
	return s.n1()*(s.d1()+s.ec()) + s.n2()*(int(s[4])+s.ec())
}

// versionSpec holds the row and column coordinates of the alignment
// pattern centres (Annex E, Table E.1) and the block structure for L, M, Q
// and H (Table 9).
type versionSpec struct {
	align  []uint8
	blocks [4]ecSpec
}

// versions is indexed by the version, 1 to 40.
var versions = [41]versionSpec{
	1:  {nil, [4]ecSpec{{7, 1, 19}, {10, 1, 16}, {13, 1, 13}, {17, 1, 9}}},
	2:  {[]uint8{6, 18}, [4]ecSpec{{10, 1, 34}, {16, 1, 28}, {22, 1, 22}, {28, 1, 16}}},
	3:  {[]uint8{6, 22}, [4]ecSpec{{15, 1, 55}, {26, 1, 44}, {18, 2, 17}, {22, 2, 13}}},
	4:  {[]uint8{6, 26}, [4]ecSpec{{20, 1, 80}, {18, 2, 32}, {26, 2, 24}, {16, 4, 9}}},
	5:  {[]uint8{6, 30}, [4]ecSpec{{26, 1, 108}, {24, 2, 43}, {18, 2, 15, 2, 16}, {22, 2, 11, 2, 12}}},
	6:  {[]uint8{6, 34}, [4]ecSpec{{18, 2, 68}, {16, 4, 27}, {24, 4, 19}, {28, 4, 15}}},
	7:  {[]uint8{6, 22, 38}, [4]ecSpec{{20, 2, 78}, {18, 4, 31}, {18, 2, 14, 4, 15}, {26, 4, 13, 1, 14}}},
	8:  {[]uint8{6, 24, 42}, [4]ecSpec{{24, 2, 97}, {22, 2, 38, 2, 39}, {22, 4, 18, 2, 19}, {26, 4, 14, 2, 15}}},
	9:  {[]uint8{6, 26, 46}, [4]ecSpec{{30, 2, 116}, {22, 3, 36, 2, 37}, {20, 4, 16, 4, 17}, {24, 4, 12, 4, 13}}},
	10: {[]uint8{6, 28, 50}, [4]ecSpec{{18, 2, 68, 2, 69}, {26, 4, 43, 1, 44}, {24, 6, 19, 2, 20}, {28, 6, 15, 2, 16}}},
	11: {[]uint8{6, 30, 54}, [4]ecSpec{{20, 4, 81}, {30, 1, 50, 4, 51}, {28, 4, 22, 4, 23}, {24, 3, 12, 8, 13}}},
	12: {[]uint8{6, 32, 58}, [4]ecSpec{{24, 2, 92, 2, 93}, {22, 6, 36, 2, 37}, {26, 4, 20, 6, 21}, {28, 7, 14, 4, 15}}},
	13: {[]uint8{6, 34, 62}, [4]ecSpec{{26, 4, 107}, {22, 8, 37, 1, 38}, {24, 8, 20, 4, 21}, {22, 12, 11, 4, 12}}},
	14: {[]uint8{6, 26, 46, 66}, [4]ecSpec{{30, 3, 115, 1, 116}, {24, 4, 40, 5, 41}, {20, 11, 16, 5, 17}, {24, 11, 12, 5, 13}}},
	15: {[]uint8{6, 26, 48, 70}, [4]ecSpec{{22, 5, 87, 1, 88}, {24, 5, 41, 5, 42}, {30, 5, 24, 7, 25}, {24, 11, 12, 7, 13}}},
	16: {[]uint8{6, 26, 50, 74}, [4]ecSpec{{24, 5, 98, 1, 99}, {28, 7, 45, 3, 46}, {24, 15, 19, 2, 20}, {30, 3, 15, 13, 16}}},
	17: {[]uint8{6, 30, 54, 78}, [4]ecSpec{{28, 1, 107, 5, 108}, {28, 10, 46, 1, 47}, {28, 1, 22, 15, 23}, {28, 2, 14, 17, 15}}},
	18: {[]uint8{6, 30, 56, 82}, [4]ecSpec{{30, 5, 120, 1, 121}, {26, 9, 43, 4, 44}, {28, 17, 22, 1, 23}, {28, 2, 14, 19, 15}}},
	19: {[]uint8{6, 30, 58, 86}, [4]ecSpec{{28, 3, 113, 4, 114}, {26, 3, 44, 11, 45}, {26, 17, 21, 4, 22}, {26, 9, 13, 16, 14}}},
	20: {[]uint8{6, 34, 62, 90}, [4]ecSpec{{28, 3, 107, 5, 108}, {26, 3, 41, 13, 42}, {30, 15, 24, 5, 25}, {28, 15, 15, 10, 16}}},
	21: {[]uint8{6, 28, 50, 72, 94}, [4]ecSpec{{28, 4, 116, 4, 117}, {26, 17, 42}, {28, 17, 22, 6, 23}, {30, 19, 16, 6, 17}}},
	22: {[]uint8{6, 26, 50, 74, 98}, [4]ecSpec{{28, 2, 111, 7, 112}, {28, 17, 46}, {30, 7, 24, 16, 25}, {24, 34, 13}}},
	23: {[]uint8{6, 30, 54, 78, 102}, [4]ecSpec{{30, 4, 121, 5, 122}, {28, 4, 47, 14, 48}, {30, 11, 24, 14, 25}, {30, 16, 15, 14, 16}}},
	24: {[]uint8{6, 28, 54, 80, 106}, [4]ecSpec{{30, 6, 117, 4, 118}, {28, 6, 45, 14, 46}, {30, 11, 24, 16, 25}, {30, 30, 16, 2, 17}}},
	25: {[]uint8{6, 32, 58, 84, 110}, [4]ecSpec{{26, 8, 106, 4, 107}, {28, 8, 47, 13, 48}, {30, 7, 24, 22, 25}, {30, 22, 15, 13, 16}}},
	26: {[]uint8{6, 30, 58, 86, 114}, [4]ecSpec{{28, 10, 114, 2, 115}, {28, 19, 46, 4, 47}, {28, 28, 22, 6, 23}, {30, 33, 16, 4, 17}}},
	27: {[]uint8{6, 34, 62, 90, 118}, [4]ecSpec{{30, 8, 122, 4, 123}, {28, 22, 45, 3, 46}, {30, 8, 23, 26, 24}, {30, 12, 15, 28, 16}}},
	28: {[]uint8{6, 26, 50, 74, 98, 122}, [4]ecSpec{{30, 3, 117, 10, 118}, {28, 3, 45, 23, 46}, {30, 4, 24, 31, 25}, {30, 11, 15, 31, 16}}},
	29: {[]uint8{6, 30, 54, 78, 102, 126}, [4]ecSpec{{30, 7, 116, 7, 117}, {28, 21, 45, 7, 46}, {30, 1, 23, 37, 24}, {30, 19, 15, 26, 16}}},
	30: {[]uint8{6, 26, 52, 78, 104, 130}, [4]ecSpec{{30, 5, 115, 10, 116}, {28, 19, 47, 10, 48}, {30, 15, 24, 25, 25}, {30, 23, 15, 25, 16}}},
	31: {[]uint8{6, 30, 56, 82, 108, 134}, [4]ecSpec{{30, 13, 115, 3, 116}, {28, 2, 46, 29, 47}, {30, 42, 24, 1, 25}, {30, 23, 15, 28, 16}}},
	32: {[]uint8{6, 34, 60, 86, 112, 138}, [4]ecSpec{{30, 17, 115}, {28, 10, 46, 23, 47}, {30, 10, 24, 35, 25}, {30, 19, 15, 35, 16}}},
	33: {[]uint8{6, 30, 58, 86, 114, 142}, [4]ecSpec{{30, 17, 115, 1, 116}, {28, 14, 46, 21, 47}, {30, 29, 24, 19, 25}, {30, 11, 15, 46, 16}}},
	34: {[]uint8{6, 34, 62, 90, 118, 146}, [4]ecSpec{{30, 13, 115, 6, 116}, {28, 14, 46, 23, 47}, {30, 44, 24, 7, 25}, {30, 59, 16, 1, 17}}},
	35: {[]uint8{6, 30, 54, 78, 102, 126, 150}, [4]ecSpec{{30, 12, 121, 7, 122}, {28, 12, 47, 26, 48}, {30, 39, 24, 14, 25}, {30, 22, 15, 41, 16}}},
	36: {[]uint8{6, 24, 50, 76, 102, 128, 154}, [4]ecSpec{{30, 6, 121, 14, 122}, {28, 6, 47, 34, 48}, {30, 46, 24, 10, 25}, {30, 2, 15, 64, 16}}},
	37: {[]uint8{6, 28, 54, 80, 106, 132, 158}, [4]ecSpec{{30, 17, 122, 4, 123}, {28, 29, 46, 14, 47}, {30, 49, 24, 10, 25}, {30, 24, 15, 46, 16}}},
	38: {[]uint8{6, 32, 58, 84, 110, 136, 162}, [4]ecSpec{{30, 4, 122, 18, 123}, {28, 13, 46, 32, 47}, {30, 48, 24, 14, 25}, {30, 42, 15, 32, 16}}},
	39: {[]uint8{6, 26, 54, 82, 110, 138, 166}, [4]ecSpec{{30, 20, 117, 4, 118}, {28, 40, 47, 7, 48}, {30, 43, 24, 22, 25}, {30, 10, 15, 67, 16}}},
	40: {[]uint8{6, 30, 58, 86, 114, 142, 170}, [4]ecSpec{{30, 19, 118, 6, 119}, {28, 18, 47, 31, 48}, {30, 34, 24, 34, 25}, {30, 20, 15, 61, 16}}},
}

// misdecodeProtection is p of Table 9 (its footnote): codewords of the
// smallest symbols that are kept for detecting errors, not correcting
// them. A block corrects (ec − p) / 2 errors; p is 0 for the other symbols.
func misdecodeProtection(version int, l Level) int {
	switch {
	case version == 1 && l == L:
		return 3
	case version == 1 && l == M, version == 2 && l == L:
		return 2
	case version == 1, version == 3 && l == L:
		return 1
	}
	return 0
}

// formatCodes are the 32 format information sequences (Annex C, Table C.1),
// indexed by the five data bits (error correction level bits, then the mask
// pattern), BCH(15, 5) coded and XORed with 0x5412.
var formatCodes = [32]uint16{
	0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0,
	0x77C4, 0x72F3, 0x7DAA, 0x789D, 0x662F, 0x6318, 0x6C41, 0x6976,
	0x1689, 0x13BE, 0x1CE7, 0x19D0, 0x0762, 0x0255, 0x0D0C, 0x083B,
	0x355F, 0x3068, 0x3F31, 0x3A06, 0x24B4, 0x2183, 0x2EDA, 0x2BED,
}

// formatMask is XORed onto the format information so that it is never all
// light.
const formatMask = 0x5412

// versionCodes are the version information sequences of versions 7 to 40
// (Annex D, Table D.1): six data bits, BCH(18, 6) coded.
var versionCodes = [34]uint32{
	0x07C94, 0x085BC, 0x09A99, 0x0A4D3, 0x0BBF6, 0x0C762, 0x0D847, 0x0E60D,
	0x0F928, 0x10B78, 0x1145D, 0x12A17, 0x13532, 0x149A6, 0x15683, 0x168C9,
	0x177EC, 0x18EC4, 0x191E1, 0x1AFAB, 0x1B08E, 0x1CC1A, 0x1D33F, 0x1ED75,
	0x1F250, 0x209D5, 0x216F0, 0x228BA, 0x2379F, 0x24B0B, 0x2542E, 0x26A64,
	0x27541, 0x28C69,
}
