// Package inflate decodes a zlib stream (RFC 1950) of DEFLATE data
// (RFC 1951) held whole in memory, with a cap on the output.
//
// It exists for the WebAssembly module: compress/zlib and compress/flate,
// built for streams, brought about 25 KB brotli of code into the module
// (their writer's Huffman tables are built by their package init, and pull
// in sort), where this decoder takes a few KB. It follows the canonical
// decoder of RFC 1951 §3.2 (as zlib's puff does) and accepts what
// compress/flate accepts (FuzzZlib checks both against each other), except
// that it refuses a stream it could never end: a literal/length code
// without the end-of-block symbol.
package inflate

import (
	"errors"
	"hash/adler32"
	"strconv"
	"sync"
)

// ErrTooLarge is the error when the output would be longer than the cap.
var ErrTooLarge = errors.New("inflate: output larger than the cap")

// Error is a malformed stream's error.
type Error struct {
	Offset int    // the byte of the input where it was found
	Reason string // what is wrong
}

// Error returns "inflate: reason at byte N".
func (e *Error) Error() string {
	return "inflate: " + e.Reason + " at byte " + strconv.Itoa(e.Offset)
}

// Zlib decodes the zlib stream at the start of src into at most max bytes.
// It returns the output and how many bytes of src the stream took (what
// follows is not read). A malformed or truncated stream gives an *[Error],
// an output past max [ErrTooLarge]; a preset dictionary is refused.
func Zlib(src []byte, max int) (out []byte, n int, err error) {
	d := decoder{src: src, max: max}
	if len(src) < 2 {
		return nil, 0, d.fail("truncated header")
	}
	cmf, flg := src[0], src[1]
	switch {
	case cmf&0x0f != 8 || cmf>>4 > 7 || (uint(cmf)<<8|uint(flg))%31 != 0:
		return nil, 0, d.fail("not a zlib header")
	case flg&0x20 != 0:
		return nil, 0, d.fail("preset dictionary")
	}
	d.pos = 2
	if err := d.blocks(); err != nil {
		return nil, 0, err
	}
	// The checksum starts at the next byte boundary.
	d.bits, d.nbits = 0, 0
	if len(src)-d.pos < 4 {
		return nil, 0, d.fail("truncated checksum")
	}
	sum := uint32(src[d.pos])<<24 | uint32(src[d.pos+1])<<16 | uint32(src[d.pos+2])<<8 | uint32(src[d.pos+3])
	if sum != adler32.Checksum(d.out) {
		return nil, 0, d.fail("checksum mismatch")
	}
	return d.out, d.pos + 4, nil
}

// maxBits is the longest Huffman code of DEFLATE.
const maxBits = 15

// huffman is a canonical Huffman code: how many codes there are of each
// length, and the symbols in code order.
type huffman struct {
	count  [maxBits + 1]uint16
	symbol []uint16
}

// build makes h the code of lengths (the code length of each symbol, 0 for
// an unused one). It refuses an over-subscribed code and an incomplete one,
// but for a single code of length 1 (as zlib does), and accepts a code with
// no symbol at all: decoding with it then fails.
func (h *huffman) build(lengths []uint8) bool {
	h.count = [maxBits + 1]uint16{}
	for _, l := range lengths {
		h.count[l]++
	}
	h.count[0] = 0
	left := 1
	used := 0
	for l := 1; l <= maxBits; l++ {
		left = left<<1 - int(h.count[l])
		if left < 0 {
			return false
		}
		used += int(h.count[l])
	}
	if left > 0 && used > 0 && !(used == 1 && h.count[1] == 1) {
		return false
	}
	var offs [maxBits + 2]uint16
	for l := 1; l <= maxBits; l++ {
		offs[l+1] = offs[l] + h.count[l]
	}
	h.symbol = make([]uint16, used) // never the fixed codes' array
	for s, l := range lengths {
		if l != 0 {
			h.symbol[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	return true
}

// Base lengths and distances of the length and distance symbols, and their
// extra bits (RFC 1951 §3.2.5).
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// The order in which a dynamic block gives the code-length code.
	codeOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

type decoder struct {
	src   []byte
	pos   int    // next byte of src to read into bits
	bits  uint32 // bits read and not used, least significant first
	nbits uint
	out   []byte
	max   int
	// The codes of the current block.
	lit, dist huffman
}

func (d *decoder) fail(reason string) error {
	return &Error{Offset: d.pos, Reason: reason}
}

var errTruncated = errors.New("truncated")

// need makes sure n ≤ 25 bits are in d.bits.
func (d *decoder) need(n uint) error {
	for d.nbits < n {
		if d.pos >= len(d.src) {
			return errTruncated
		}
		d.bits |= uint32(d.src[d.pos]) << d.nbits
		d.pos++
		d.nbits += 8
	}
	return nil
}

// take returns the next n ≤ 25 bits.
func (d *decoder) take(n uint) (uint32, error) {
	if err := d.need(n); err != nil {
		return 0, err
	}
	v := d.bits & (1<<n - 1)
	d.bits >>= n
	d.nbits -= n
	return v, nil
}

// decode reads one symbol of code h, one bit at a time (codes are sent
// most significant bit first, RFC 1951 §3.1.1).
func (d *decoder) decode(h *huffman) (int, error) {
	code, first, index := 0, 0, 0
	for l := 1; l <= maxBits; l++ {
		b, err := d.take(1)
		if err != nil {
			return 0, err
		}
		code |= int(b)
		count := int(h.count[l])
		if code-first < count {
			return int(h.symbol[index+code-first]), nil
		}
		index += count
		first = (first + count) << 1
		code <<= 1
	}
	return 0, errors.New("no such code")
}

func (d *decoder) blocks() error {
	for {
		header, err := d.take(3)
		if err != nil {
			return d.fail("truncated")
		}
		switch header >> 1 {
		case 0:
			err = d.stored()
		case 1:
			fixedOnce()
			d.lit, d.dist = fixedLit, fixedDist
			err = d.codes()
		case 2:
			if err = d.dynamic(); err == nil {
				err = d.codes()
			}
		default:
			return d.fail("invalid block type")
		}
		if err != nil {
			if err == errTruncated {
				return d.fail("truncated")
			}
			return err
		}
		if header&1 != 0 {
			return nil
		}
	}
}

func (d *decoder) stored() error {
	d.bits, d.nbits = 0, 0 // to the byte boundary
	if len(d.src)-d.pos < 4 {
		return errTruncated
	}
	s := d.src[d.pos:]
	n := int(s[0]) | int(s[1])<<8
	if n != int(^s[2])|int(^s[3])<<8 {
		return d.fail("stored block's length check")
	}
	d.pos += 4
	if len(d.src)-d.pos < n {
		return errTruncated
	}
	if len(d.out)+n > d.max {
		return ErrTooLarge
	}
	d.out = append(d.out, d.src[d.pos:d.pos+n]...)
	d.pos += n
	return nil
}

// The fixed codes (RFC 1951 §3.2.6), built on first use.
var (
	fixedLit, fixedDist huffman
	fixedOnce           = sync.OnceFunc(buildFixed)
)

func buildFixed() {
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	fixedLit.build(l[:])
	var dl [32]uint8 // 30 and 31 complete the code; codes() refuses them
	for i := range dl {
		dl[i] = 5
	}
	fixedDist.build(dl[:])
}

func (d *decoder) dynamic() error {
	v, err := d.take(14)
	if err != nil {
		return err
	}
	nlen, ndist, ncode := int(v&31)+257, int(v>>5&31)+1, int(v>>10)+4
	if nlen > 286 || ndist > 30 {
		return d.fail("too many length or distance codes")
	}
	var lengths [286 + 30]uint8
	for i := 0; i < ncode; i++ {
		b, err := d.take(3)
		if err != nil {
			return err
		}
		lengths[codeOrder[i]] = uint8(b)
	}
	var lencode huffman
	if !lencode.build(lengths[:19]) {
		return d.fail("bad code-length code")
	}
	lengths = [286 + 30]uint8{}
	for i := 0; i < nlen+ndist; {
		sym, err := d.decode(&lencode)
		if err != nil {
			if err == errTruncated {
				return err
			}
			return d.fail("bad code length")
		}
		if sym < 16 {
			lengths[i] = uint8(sym)
			i++
			continue
		}
		var rep uint32
		var l uint8
		switch sym {
		case 16:
			if i == 0 {
				return d.fail("repeat with no code length before it")
			}
			l = lengths[i-1]
			rep, err = d.take(2)
			rep += 3
		case 17:
			rep, err = d.take(3)
			rep += 3
		default:
			rep, err = d.take(7)
			rep += 11
		}
		if err != nil {
			return err
		}
		if i+int(rep) > nlen+ndist {
			return d.fail("code lengths repeated past the end")
		}
		for ; rep > 0; rep-- {
			lengths[i] = l
			i++
		}
	}
	if lengths[256] == 0 {
		return d.fail("no end-of-block code")
	}
	if !d.lit.build(lengths[:nlen]) || !d.dist.build(lengths[nlen:nlen+ndist]) {
		return d.fail("over-subscribed or incomplete code")
	}
	return nil
}

// codes decodes a compressed block's data with d.lit and d.dist.
func (d *decoder) codes() error {
	for {
		sym, err := d.decode(&d.lit)
		if err != nil {
			if err == errTruncated {
				return err
			}
			return d.fail("invalid literal/length code")
		}
		switch {
		case sym < 256:
			if len(d.out) >= d.max {
				return ErrTooLarge
			}
			d.out = append(d.out, byte(sym))
			continue
		case sym == 256:
			return nil
		case sym > 285:
			return d.fail("invalid length symbol")
		}
		sym -= 257
		extra, err := d.take(uint(lengthExtra[sym]))
		if err != nil {
			return err
		}
		n := int(lengthBase[sym]) + int(extra)
		ds, err := d.decode(&d.dist)
		if err != nil {
			if err == errTruncated {
				return err
			}
			return d.fail("invalid distance code")
		}
		if ds > 29 {
			return d.fail("invalid distance symbol")
		}
		extra, err = d.take(uint(distExtra[ds]))
		if err != nil {
			return err
		}
		dist := int(distBase[ds]) + int(extra)
		if dist > len(d.out) {
			return d.fail("distance too far back")
		}
		if len(d.out)+n > d.max {
			return ErrTooLarge
		}
		from := len(d.out) - dist
		for i := 0; i < n; i++ {
			d.out = append(d.out, d.out[from+i])
		}
	}
}
