package cbor

import (
	"encoding/binary"
	"math"
	"unicode/utf8"
)

// Reader reads CBOR one data item at a time, for a format read field by
// field rather than into a tree (the trust-list bundle's payload): it gives
// unsigned integers exactly, up to 2⁶⁴−1, and the raw bytes of an item that
// the format keeps without reading it. The byte strings it returns alias
// the data.
//
// Head, Array, Map, Uint, Int, Bytes and Text read one definite-length item
// of the kind they name; Raw takes any item that the Limits allow. The depth
// argument is the nesting depth of the item read, the top item being 1.
type Reader struct {
	data []byte
	off  int
	lim  Limits
}

// NewReader returns a Reader at the start of data.
func NewReader(data []byte, lim Limits) *Reader {
	return &Reader{data: data, lim: lim}
}

// Offset returns the offset of the next item.
func (r *Reader) Offset() int { return r.off }

// End returns [ErrTrailing] unless the whole data has been read.
func (r *Reader) End() error {
	if r.off != len(r.data) {
		return ErrTrailing
	}
	return nil
}

// Head reads the head of the next item (RFC 8949 §3): its major type and
// argument, exact: the value of an unsigned integer (0), n of the negative
// integer −1−n (1), the length of a string (2, 3), the number of elements
// of an array (4) or of pairs of a map (5), a tag number (6), or a simple
// value's or float's bits (7). An indefinite length is an error here.
func (r *Reader) Head() (major byte, arg uint64, err error) {
	at := r.off
	major, info, arg, err := r.head()
	if err == nil && info == 31 {
		return 0, 0, r.failAt(at, "indefinite-length item or break")
	}
	return major, arg, err
}

// PeekHead is [Reader.Head] without moving past the head.
func (r *Reader) PeekHead() (major byte, arg uint64, err error) {
	at := r.off
	major, arg, err = r.Head()
	r.off = at
	return major, arg, err
}

// Raw checks that the next item, at depth, is well-formed and within the
// Limits, moves past it and returns its encoding. Well-formed: text strings
// are valid UTF-8; map keys of any type and repeated keys pass, as do simple
// values that [Decode] refuses.
func (r *Reader) Raw(depth int) ([]byte, error) {
	at := r.off
	if err := r.skip(depth); err != nil {
		return nil, err
	}
	return r.data[at:r.off:r.off], nil
}

func (r *Reader) skip(depth int) error {
	at := r.off
	major, info, arg, err := r.head()
	if err != nil {
		return err
	}
	switch major {
	case 0, 1:
		return nil
	case 2, 3:
		s, err := r.str(major, info, arg)
		if err == nil && major == 3 && !utf8.Valid(s) {
			return r.failAt(at, "text string is not valid UTF-8")
		}
		return err
	case 4, 5:
		return r.each(info, arg, depth, major == 5, func(int) error {
			if err := r.skip(depth + 1); err != nil || major == 4 {
				return err
			}
			return r.skip(depth + 1)
		})
	case 6:
		if depth > r.lim.MaxDepth {
			return r.failAt(at, "nested too deeply")
		}
		return r.skip(depth + 1)
	}
	// Major type 7: a simple value in the initial byte, a float, or a
	// simple value of 32 or more in one extra byte (RFC 8949 §3.3).
	switch {
	case info == 24 && arg < 32:
		return r.failAt(at, "simple value not well-formed")
	case info == 31:
		return r.failAt(at, "unexpected break")
	}
	return nil
}

// Array reads the head of an array at depth and returns its number of
// elements.
func (r *Reader) Array(depth int) (int, error) { return r.container(4, depth) }

// Map reads the head of a map at depth and returns its number of pairs.
func (r *Reader) Map(depth int) (int, error) { return r.container(5, depth) }

func (r *Reader) container(major byte, depth int) (int, error) {
	at := r.off
	m, n, err := r.Head()
	switch {
	case err != nil:
		return 0, err
	case m != major && major == 4:
		return 0, r.failAt(at, "not an array")
	case m != major:
		return 0, r.failAt(at, "not a map")
	case depth > r.lim.MaxDepth:
		return 0, r.failAt(at, "nested too deeply")
	case n > uint64(r.lim.MaxItems):
		return 0, r.failAt(at, "too many elements")
	}
	return int(n), nil
}

// Uint reads an unsigned integer.
func (r *Reader) Uint() (uint64, error) {
	at := r.off
	major, arg, err := r.Head()
	if err == nil && major != 0 {
		return 0, r.failAt(at, "not an unsigned integer")
	}
	return arg, err
}

// Int reads an integer in int64's range.
func (r *Reader) Int() (int64, error) {
	at := r.off
	major, arg, err := r.Head()
	switch {
	case err != nil:
		return 0, err
	case major > 1:
		return 0, r.failAt(at, "not an integer")
	case arg > math.MaxInt64:
		return 0, r.failAt(at, "integer out of range")
	case major == 1:
		return -1 - int64(arg), nil
	}
	return int64(arg), nil
}

// Bytes reads a byte string. The result aliases the data.
func (r *Reader) Bytes() ([]byte, error) { return r.definiteStr(2) }

// Text reads a text string in valid UTF-8.
func (r *Reader) Text() (string, error) {
	at := r.off
	s, err := r.definiteStr(3)
	if err == nil && !utf8.Valid(s) {
		return "", r.failAt(at, "text string is not valid UTF-8")
	}
	return string(s), err
}

// definiteStr reads a definite-length string of major type 2 or 3.
func (r *Reader) definiteStr(major byte) ([]byte, error) {
	at := r.off
	m, n, err := r.Head()
	switch {
	case err != nil:
		return nil, err
	case m != major && major == 2:
		return nil, r.failAt(at, "not a byte string")
	case m != major:
		return nil, r.failAt(at, "not a text string")
	case n > uint64(len(r.data)-r.off):
		return nil, r.failAt(at, "string longer than the data")
	}
	s := r.data[r.off : r.off+int(n) : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

func (r *Reader) failAt(off int, reason string) error { return &Error{Offset: off, Reason: reason} }

func (r *Reader) fail(reason string) error { return &Error{Offset: r.off, Reason: reason} }

// head reads an initial byte and its argument. For major types 2–5 and 7 an
// indefinite length (info 31) gives arg 0, unless r.lim refuses it; a tag
// is refused here when r.lim refuses tags.
func (r *Reader) head() (major byte, info byte, arg uint64, err error) {
	if r.off >= len(r.data) {
		return 0, 0, 0, r.fail("unexpected end of data")
	}
	b := r.data[r.off]
	r.off++
	major, info = b>>5, b&0x1f
	switch {
	case info < 24:
		arg = uint64(info)
	case info <= 27:
		n := 1 << (info - 24)
		if len(r.data)-r.off < n {
			return 0, 0, 0, r.fail("unexpected end of data")
		}
		p := r.data[r.off : r.off+n]
		r.off += n
		switch n {
		case 1:
			arg = uint64(p[0])
		case 2:
			arg = uint64(binary.BigEndian.Uint16(p))
		case 4:
			arg = uint64(binary.BigEndian.Uint32(p))
		default:
			arg = binary.BigEndian.Uint64(p)
		}
	case info == 31:
		if major == 0 || major == 1 || major == 6 {
			return 0, 0, 0, r.fail("indefinite length for an integer or tag")
		}
		if r.lim.DefiniteOnly {
			return 0, 0, 0, r.fail("indefinite-length item or break (definite lengths only)")
		}
	default:
		return 0, 0, 0, r.fail("reserved additional information")
	}
	if major == 6 && r.lim.NoTags {
		return 0, 0, 0, r.fail("tag (this format holds none)")
	}
	return major, info, arg, nil
}

// each reads the elements of an array, or the pairs of a map (pairs true),
// whose head (info, arg) was just read at depth, calling elem with the
// index of each: it checks the nesting depth, the limit on elements, and
// the end of an indefinite-length one.
func (r *Reader) each(info byte, arg uint64, depth int, pairs bool, elem func(i int) error) error {
	tooMany := "array has too many elements"
	if pairs {
		tooMany = "map has too many pairs"
	}
	if depth > r.lim.MaxDepth {
		return r.fail("nested too deeply")
	}
	if info != 31 && arg > uint64(r.lim.MaxItems) {
		return r.fail(tooMany)
	}
	for i := 0; info == 31 || uint64(i) < arg; i++ {
		if info == 31 && r.isBreak() {
			break
		}
		if i >= r.lim.MaxItems {
			return r.fail(tooMany)
		}
		if err := elem(i); err != nil {
			return err
		}
	}
	return nil
}

// isBreak consumes a break byte (0xff) if one is next.
func (r *Reader) isBreak() bool {
	if r.off < len(r.data) && r.data[r.off] == 0xff {
		r.off++
		return true
	}
	return false
}

// str reads the content of a byte or text string; an indefinite-length
// string is the concatenation of definite chunks of the same major type.
func (r *Reader) str(major, info byte, arg uint64) ([]byte, error) {
	if info != 31 {
		if arg > uint64(len(r.data)-r.off) {
			return nil, r.fail("string longer than the data")
		}
		b := r.data[r.off : r.off+int(arg)]
		r.off += int(arg)
		return b, nil
	}
	out := []byte{}
	for !r.isBreak() {
		m, i, n, err := r.head()
		if err != nil {
			return nil, err
		}
		if m != major || i == 31 {
			return nil, r.fail("bad chunk in an indefinite-length string")
		}
		chunk, err := r.str(m, i, n)
		if err != nil {
			return nil, err
		}
		if major == 3 && !utf8.Valid(chunk) {
			return nil, r.fail("text chunk is not valid UTF-8")
		}
		out = append(out, chunk...)
	}
	return out, nil
}

// AppendHead appends the head of an item of major type major with argument
// n, in its shortest form (RFC 8949 §4.2.1).
func AppendHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return append(b, m|25, byte(n>>8), byte(n))
	case n <= 0xffffffff:
		return append(b, m|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, m|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}
