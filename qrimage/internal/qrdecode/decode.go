// Package qrdecode turns the module matrix of a QR code into its text:
// format and version information, unmasking, the codewords in their
// placement order, de-interleaving, Reed–Solomon error correction and the
// data segments (ISO/IEC 18004:2015). It is the decoder that qrimage's
// sampler hands its grids to; finding and sampling the code in an image is
// qrimage's job.
//
// Start with [Decode]. It reads numeric, alphanumeric and byte segments
// (with ECI for ISO-8859-1, UTF-8 and ASCII); Kanji and Hanzi segments are
// refused with [ErrUnsupported]. A mirrored code is read through its
// transpose.
//
// It imports nothing but the standard library's errors, fmt, math/bits,
// strings and unicode/utf8, so that the WebAssembly module can read QR codes
// without gozxing and golang.org/x/text.
package qrdecode

import (
	"errors"
	"fmt"
	"math/bits"
	"sync"
)

var (
	// ErrSize reports a matrix that is not square with 21 to 177 modules a
	// side in steps of 4.
	ErrSize = errors.New("qrdecode: not a QR code size")
	// ErrFormat reports format information that matches no valid sequence
	// within 3 bits, in either copy.
	ErrFormat = errors.New("qrdecode: format information unreadable")
	// ErrVersion reports version information that names a different
	// version than the matrix's size.
	ErrVersion = errors.New("qrdecode: version information does not match the size")
	// ErrCorrupt reports a block with more errors than its error
	// correction codewords can correct.
	ErrCorrupt = errors.New("qrdecode: too many errors")
	// ErrData reports a bit stream that breaks the segment rules: an
	// unknown mode, a count running past the data, a digit or character
	// value out of range, an unknown ECI.
	ErrData = errors.New("qrdecode: invalid data segments")
	// ErrUnsupported reports a Kanji or Hanzi segment, which this decoder
	// does not read (they need the Shift JIS and GB 2312 tables).
	ErrUnsupported = errors.New("qrdecode: Kanji and Hanzi segments are not supported")
)

// Matrix is a square grid of modules, row by row: Dark[y*Size+x] is the
// module in column x of row y, true for a dark module.
type Matrix struct {
	Size int
	Dark []bool
}

func (m Matrix) at(x, y int) bool { return m.Dark[y*m.Size+x] }

// transpose returns the matrix mirrored about its main diagonal.
func (m Matrix) transpose() Matrix {
	t := Matrix{Size: m.Size, Dark: make([]bool, len(m.Dark))}
	for y := 0; y < m.Size; y++ {
		for x := 0; x < m.Size; x++ {
			t.Dark[x*m.Size+y] = m.Dark[y*m.Size+x]
		}
	}
	return t
}

// Result is a decoded symbol.
type Result struct {
	Text    string
	Version int
	Level   Level
	Mask    int
	// Mirrored is true when the code was read through its transpose.
	Mirrored bool
	// Corrected is the number of codewords that error correction changed.
	Corrected int
}

// Decode returns the text of the QR code whose modules m holds. When the
// code does not read as it is, it tries the transpose (a mirrored code).
// The error wraps one of ErrSize, ErrFormat, ErrVersion, ErrCorrupt,
// ErrData or ErrUnsupported; Decode never panics, whatever m holds.
func Decode(m Matrix) (Result, error) {
	if m.Size < 21 || m.Size > 177 || m.Size%4 != 1 || len(m.Dark) != m.Size*m.Size {
		return Result{}, fmt.Errorf("%w: %d modules a side, %d modules", ErrSize, m.Size, len(m.Dark))
	}
	r, err := decode(m)
	if err == nil || errors.Is(err, ErrUnsupported) {
		return r, err
	}
	rm, errm := decode(m.transpose())
	if errm == nil {
		rm.Mirrored = true
		return rm, nil
	}
	// Report the error of the reading that got further.
	if rank(errm) > rank(err) {
		return Result{}, errm
	}
	return Result{}, err
}

// rank orders the errors by how far decoding got.
func rank(err error) int {
	for i, e := range []error{ErrFormat, ErrVersion, ErrCorrupt, ErrData, ErrUnsupported} {
		if errors.Is(err, e) {
			return i
		}
	}
	return -1
}

func decode(m Matrix) (Result, error) {
	d := m.Size
	version := (d - 17) / 4
	level, mask, err := readFormat(m)
	if err != nil {
		return Result{}, err
	}
	if version >= 7 {
		if err := checkVersion(m, version); err != nil {
			return Result{}, err
		}
	}
	raw := readCodewords(m, version, mask)
	data, corrected, err := correctBlocks(raw, version, level)
	if err != nil {
		return Result{}, err
	}
	text, err := parseSegments(data, version)
	if err != nil {
		return Result{}, err
	}
	return Result{Text: text, Version: version, Level: level, Mask: mask, Corrected: corrected}, nil
}

// formatBits reads the two 15-bit copies of the format information
// (§7.9.1, Figure 25), most significant bit first.
func formatBits(m Matrix) (a, b uint32) {
	d := m.Size
	bit := func(v uint32, x, y int) uint32 {
		v <<= 1
		if m.at(x, y) {
			v |= 1
		}
		return v
	}
	// Around the top-left finder: along row 8 (skipping the timing
	// column), then up column 8.
	for x := 0; x <= 5; x++ {
		a = bit(a, x, 8)
	}
	a = bit(a, 7, 8)
	a = bit(a, 8, 8)
	a = bit(a, 8, 7)
	for y := 5; y >= 0; y-- {
		a = bit(a, 8, y)
	}
	// Split between the bottom-left (column 8) and top-right (row 8).
	for y := d - 1; y >= d-7; y-- {
		b = bit(b, 8, y)
	}
	for x := d - 8; x < d; x++ {
		b = bit(b, x, 8)
	}
	return a, b
}

// readFormat decodes the format information: the valid sequence nearest
// to either copy, within 3 bits. As other readers do, sequences written
// without the 0x5412 mask are accepted too when the masked ones fail.
func readFormat(m Matrix) (Level, int, error) {
	a, b := formatBits(m)
	for _, xor := range []uint32{0, formatMask} {
		best, bestDist := -1, 4
		for i, c := range formatCodes {
			c := uint32(c)
			for _, v := range []uint32{a ^ xor, b ^ xor} {
				if dist := bits.OnesCount32(v ^ c); dist < bestDist {
					best, bestDist = i, dist
				}
			}
		}
		if best >= 0 {
			return levelBits[best>>3], best & 7, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: copies %015b and %015b", ErrFormat, a, b)
}

// versionBlocks reads the two 18-bit copies of the version information
// (§7.10, Figure 27), most significant bit first: the block left of the
// top-right finder and the one above the bottom-left finder.
func versionBlocks(m Matrix) (a, b uint32) {
	d := m.Size
	for j := 5; j >= 0; j-- {
		for i := d - 9; i >= d-11; i-- {
			a <<= 1
			if m.at(i, j) {
				a |= 1
			}
			b <<= 1
			if m.at(j, i) {
				b |= 1
			}
		}
	}
	return a, b
}

// VersionFromBits decodes an 18-bit version information block, read in
// the order of §7.10 (most significant bit first), to the nearest version
// within 3 bits. It reports false when none is that near.
func VersionFromBits(v uint32) (version int, ok bool) {
	best, bestDist := 0, 4
	for i, c := range versionCodes {
		if dist := bits.OnesCount32(v ^ c); dist < bestDist {
			best, bestDist = i+7, dist
		}
	}
	return best, best != 0
}

// VersionBlockModules lists the modules (x, y) of the two version
// information blocks of a symbol size modules a side, in the bit order
// that [VersionFromBits] reads: first the block left of the top-right
// finder pattern, then the one above the bottom-left finder pattern.
func VersionBlockModules(size int) (a, b [18][2]int) {
	k := 0
	for j := 5; j >= 0; j-- {
		for i := size - 9; i >= size-11; i-- {
			a[k] = [2]int{i, j}
			b[k] = [2]int{j, i}
			k++
		}
	}
	return a, b
}

// checkVersion accepts the version that the size gives when either version
// block decodes to it, or when neither decodes to any version (damage: the
// error correction still checks the whole). Blocks that decode, but only
// to other versions, mean the size is wrong.
func checkVersion(m Matrix, version int) error {
	a, b := versionBlocks(m)
	va, okA := VersionFromBits(a)
	vb, okB := VersionFromBits(b)
	if (okA && va == version) || (okB && vb == version) || (!okA && !okB) {
		return nil
	}
	return fmt.Errorf("%w: size %d is version %d, version information says %d/%d", ErrVersion, m.Size, version, va, vb)
}

// Dimension returns the modules a side of a symbol of the version (1–40).
func Dimension(version int) int { return 17 + 4*version }

// AlignmentCenters returns the row and column coordinates of the alignment
// pattern centres of the version (Table E.1), nil for version 1 or a
// version outside 1–40.
func AlignmentCenters(version int) []int {
	if version < 1 || version > 40 {
		return nil
	}
	out := make([]int, len(versions[version].align))
	for i, v := range versions[version].align {
		out[i] = int(v)
	}
	return out
}

// functionPattern marks the modules that hold no data: finder patterns
// with their separators and the format information, timing patterns,
// alignment patterns and version information (§7.7.1).
func functionPattern(version int) []bool {
	d := Dimension(version)
	f := make([]bool, d*d)
	region := func(x0, y0, w, h int) {
		for y := y0; y < y0+h; y++ {
			for x := x0; x < x0+w; x++ {
				f[y*d+x] = true
			}
		}
	}
	region(0, 0, 9, 9)   // top-left finder, separator, format information
	region(d-8, 0, 8, 9) // top-right
	region(0, d-8, 9, 8) // bottom-left, and the dark module
	align := versions[version].align
	n := len(align)
	for i, cy := range align {
		for j, cx := range align {
			if (i == 0 && (j == 0 || j == n-1)) || (i == n-1 && j == 0) {
				continue // where the finder patterns are
			}
			region(int(cx)-2, int(cy)-2, 5, 5)
		}
	}
	region(6, 9, 1, d-17) // timing patterns
	region(9, 6, d-17, 1)
	if version >= 7 {
		region(d-11, 0, 3, 6) // version information
		region(0, d-11, 6, 3)
	}
	return f
}

// masked reports whether the data mask pattern (Table 10) inverts the
// module in row i, column j.
func masked(mask, i, j int) bool {
	switch mask {
	case 0:
		return (i+j)%2 == 0
	case 1:
		return i%2 == 0
	case 2:
		return j%3 == 0
	case 3:
		return (i+j)%3 == 0
	case 4:
		return (i/2+j/3)%2 == 0
	case 5:
		return (i*j)%2+(i*j)%3 == 0
	case 6:
		return ((i*j)%2+(i*j)%3)%2 == 0
	default:
		return ((i+j)%2+(i*j)%3)%2 == 0
	}
}

// readCodewords unmasks the data modules and reads them as codewords in
// the placement order of §7.7.3 (placement), remainder bits dropped.
func readCodewords(m Matrix, version, mask int) []byte {
	d := m.Size
	out := make([]byte, 0, totalCodewords(version))
	var cur byte
	nbits := 0
	for _, p := range placement(version) {
		x, y := int(p&0xff), int(p>>8)
		cur <<= 1
		if m.Dark[y*d+x] != masked(mask, y, x) {
			cur |= 1
		}
		if nbits++; nbits == 8 {
			out = append(out, cur)
			cur, nbits = 0, 0
		}
	}
	return out
}

// placements holds each version's data modules in placement order, made
// on first use: a decode reads them twice (the transposed matrix too) for
// each of up to three thresholds, and working the order out each time cost
// as much as reading the modules.
var placements [41]struct {
	once  sync.Once
	order []uint16
}

// placement returns the data modules of version (1–40) in the placement
// order of §7.7.3, each as y<<8 | x: two-module columns from the right,
// up and down in turn, skipping the vertical timing pattern and the
// function patterns. The caller must not modify the result.
func placement(version int) []uint16 {
	p := &placements[version]
	p.once.Do(func() {
		d := Dimension(version)
		fp := functionPattern(version)
		up := true
		for x := d - 1; x > 0; x -= 2 {
			if x == 6 {
				x--
			}
			for k := 0; k < d; k++ {
				y := k
				if up {
					y = d - 1 - k
				}
				for c := 0; c < 2; c++ {
					if xx := x - c; !fp[y*d+xx] {
						p.order = append(p.order, uint16(y<<8|xx))
					}
				}
			}
			up = !up
		}
	})
	return p.order
}

// totalCodewords is the number of codewords of a version: data and error
// correction, the same at every level.
func totalCodewords(version int) int {
	return versions[version].blocks[0].total()
}

// correctBlocks splits the interleaved codewords into their blocks
// (§7.6, Table 9: the blocks' data codewords in turn, the longer blocks'
// last one after the shorter blocks end, then the error correction
// codewords in turn), corrects each, and returns the data codewords in
// order.
func correctBlocks(raw []byte, version int, level Level) ([]byte, int, error) {
	spec := versions[version].blocks[level]
	ec, n := spec.ec(), spec.blocks()
	if len(raw) < spec.total() {
		return nil, 0, fmt.Errorf("%w: %d codewords, want %d", ErrCorrupt, len(raw), spec.total())
	}
	blocks := make([][]byte, n)
	for i := range blocks {
		blocks[i] = make([]byte, 0, spec.dataLen(i)+ec)
	}
	k := 0
	for j := 0; j < spec.dataLen(n-1); j++ { // the last block is a longest
		for i := range blocks {
			if j < spec.dataLen(i) {
				blocks[i] = append(blocks[i], raw[k])
				k++
			}
		}
	}
	for j := 0; j < ec; j++ {
		for i := range blocks {
			blocks[i] = append(blocks[i], raw[k])
			k++
		}
	}
	maxErrors := (ec - misdecodeProtection(version, level)) / 2
	var data []byte
	total := 0
	for i, b := range blocks {
		fixed, ok := correct(b, ec, maxErrors)
		if !ok {
			return nil, 0, fmt.Errorf("%w: block %d of %d (version %d-%v)", ErrCorrupt, i+1, n, version, level)
		}
		total += fixed
		data = append(data, b[:spec.dataLen(i)]...)
	}
	return data, total, nil
}
