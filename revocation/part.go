package revocation

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"sort"
)

// A part is the wire form of a set of entries, as a revocation index names
// it (see [EncodePart] and [Set.AddPart]):
//
//	"PCRV" 0x01            magic and version
//	uvarint G              groups, sorted by (type, kid)
//	G times:
//	  byte    type         1 UCI, 2 COUNTRYCODEUCI, 3 SIGNATURE
//	  uvarint L, L bytes   kid; L = 0 for UNKNOWN_KID
//	  byte    W            bytes kept of each hash, 6..16
//	  uvarint N            entries, at least 1
//	  byte    K            Rice parameter
//	  uvarint B, B bytes   Rice-coded gaps between the entries' first
//	                       min(W, 8) bytes (big-endian), sorted ascending
//	  N*(W-8) bytes        the rest of each entry when W > 8
//
// Sorted random hashes are spread evenly, so their gaps code in about
// 8·W − log2(N) + 2 bits each: a list of 2,000 entries under one kid takes
// under 6 bytes an entry, where the raw prefixes take 7.
const partMagic = "PCRV\x01"

// riceEscape is the count of leading ones that announces a raw 64-bit gap.
const riceEscape = 48

// EncodePart writes the entries of s as one part.
func EncodePart(s *Set) []byte {
	keys := make([]groupKey, 0, len(s.groups))
	for k := range s.groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := []byte(partMagic)
	out = binary.AppendUvarint(out, uint64(len(keys)))
	for _, k := range keys {
		g := s.groups[k]
		n := g.len()
		if n == 0 {
			continue
		}
		out = append(out, k[0])
		out = binary.AppendUvarint(out, uint64(len(k)-1))
		out = append(out, k[1:]...)
		out = append(out, byte(g.width))
		out = binary.AppendUvarint(out, uint64(n))
		kk := riceK(n, g.width)
		out = append(out, byte(kk))
		var bw bitWriter
		prev := uint64(0)
		for i := 0; i < n; i++ {
			v := leadingBits(g.sums[i*g.width : i*g.width+g.width])
			d := v - prev
			prev = v
			if q := d >> kk; q < riceEscape {
				bw.ones(int(q))
				bw.write(0, 1)
				bw.write(d, kk)
			} else {
				bw.ones(riceEscape)
				bw.write(0, 1)
				bw.write(d, 64)
			}
		}
		stream := bw.bytes()
		out = binary.AppendUvarint(out, uint64(len(stream)))
		out = append(out, stream...)
		if g.width > 8 {
			for i := 0; i < n; i++ {
				out = append(out, g.sums[i*g.width+8:i*g.width+g.width]...)
			}
		}
	}
	return out
}

// AddPart adds the entries of an encoded part to s. A malformed part, or one
// that would take s past its limits or below its false-match rate, is
// refused whole: s is then unchanged.
func (s *Set) AddPart(part []byte) error {
	groups, err := decodePart(part)
	if err != nil {
		return err
	}
	return s.addGroups(groups)
}

// decodedGroup is a group of a part (or of a new set) with its key; a Set
// keeps a pointer to its group.
type decodedGroup struct {
	key groupKey
	group
}

func decodePart(b []byte) ([]decodedGroup, error) {
	if len(b) > MaxPartSize || len(b) < len(partMagic) || string(b[:len(partMagic)]) != partMagic {
		return nil, errNotPart
	}
	r := reader{b: b[len(partMagic):]}
	ng := r.uvarint()
	var out []decodedGroup
	total := uint64(0)
	var lastKey groupKey
	for i := uint64(0); i < ng && !r.bad; i++ {
		t := HashType(r.byte())
		kid := r.bytes(r.uvarint())
		w := int(r.byte())
		n := r.uvarint()
		k := int(r.byte())
		stream := r.bytes(r.uvarint())
		if r.bad {
			break
		}
		total += n
		key := keyOf(kid, t)
		if ng > MaxGroups || len(kid) > MaxKIDLen || t < UCI || t > Signature || w < 6 || w > HashLen || n == 0 || n > MaxEntries || total > MaxEntries || k > 64 || i > 0 && key <= lastKey || n*uint64(k+1) > 8*uint64(len(stream)) {
			return nil, errGroupHeader
		}
		lastKey = key
		lead := min(w, 8)
		tl := w - lead // bytes of each entry after its Rice-coded lead
		tails := r.bytes(n * uint64(tl))
		if r.bad {
			break
		}
		sums := make([]byte, int(n)*w)
		br := bitReader{b: stream}
		prev := uint64(0)
		limit := ^uint64(0) >> (64 - 8*lead)
		for j := 0; j < int(n); j++ {
			// The common gap fits in the 57 bits one peek sees: q ones,
			// their closing zero and k bits of remainder.
			var d uint64
			bitsAhead := br.peek()
			if q := bits.LeadingZeros64(^bitsAhead); q < riceEscape && q+1+k <= 57 {
				d = uint64(q)<<k | bitsAhead<<(q+1)>>(64-k)
				br.skip(q + 1 + k)
			} else {
				d = br.longGap(k)
			}
			tail := tails[j*tl : j*tl+tl]
			// Equal leads need ascending tails (equal empty ones too).
			if br.bad || d > limit-prev || j > 0 && d == 0 && bytes.Compare(tails[j*tl-tl:j*tl], tail) >= 0 {
				return nil, errEntries
			}
			prev += d
			rec := sums[j*w : j*w+w]
			var be [8]byte
			binary.BigEndian.PutUint64(be[:], prev)
			copy(rec, be[8-lead:])
			if tl > 0 {
				copy(rec[lead:], tail)
			}
		}
		if br.rest() {
			return nil, errEntries
		}
		out = append(out, decodedGroup{key, group{w, sums}})
	}
	if r.bad || len(r.b) != 0 {
		return nil, errTruncated
	}
	return out, nil
}

// reader reads a part's fields; once a read fails, bad stays set.
type reader struct {
	b   []byte
	bad bool
}

// The reader's methods are called once a group, not in the inner loop:
// not inlined, they are one copy each in the WebAssembly module.
//
//go:noinline
func (r *reader) byte() byte {
	return r.bytes(1)[0]
}

//go:noinline
func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

// bytes returns the next n bytes; past the end, it sets bad and returns
// n zeros, at most one.
//
//go:noinline
func (r *reader) bytes(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.bad = true
		return make([]byte, min(n, 1))
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

// bitWriter writes bits most significant first.
type bitWriter struct {
	buf  []byte
	acc  uint64
	nacc int
}

func (w *bitWriter) write(v uint64, n int) {
	for n > 0 {
		take := min(n, 56-w.nacc)
		part := (v >> (n - take)) & (1<<take - 1)
		w.acc = w.acc<<take | part
		w.nacc += take
		n -= take
		for w.nacc >= 8 {
			w.buf = append(w.buf, byte(w.acc>>(w.nacc-8)))
			w.nacc -= 8
		}
	}
}

func (w *bitWriter) ones(n int) {
	for n > 0 {
		take := min(n, 32)
		w.write(1<<take-1, take)
		n -= take
	}
}

func (w *bitWriter) bytes() []byte {
	if w.nacc > 0 {
		w.buf = append(w.buf, byte(w.acc<<(8-w.nacc)))
		w.nacc = 0
	}
	return w.buf
}

// bitReader reads bits most significant first; reading past the end sets
// bad.
type bitReader struct {
	b   []byte
	pos int // in bits
	bad bool
}

// peek returns the next 57 or more bits, left-aligned, zeros past the end.
func (r *bitReader) peek() uint64 {
	i := r.pos >> 3
	var v uint64
	if i+8 <= len(r.b) {
		v = binary.BigEndian.Uint64(r.b[i:])
	} else {
		for j := 0; j < 8; j++ {
			v <<= 8
			if i+j < len(r.b) {
				v |= uint64(r.b[i+j])
			}
		}
	}
	return v << (r.pos & 7)
}

func (r *bitReader) skip(n int) {
	r.pos += n
	if r.pos > 8*len(r.b) {
		r.bad = true
	}
}

// longGap reads a gap that one peek does not hold: a long run of ones,
// a large Rice parameter, or the escape to a raw 64-bit gap (riceEscape
// ones, then a zero).
//
//go:noinline
func (r *bitReader) longGap(k int) uint64 {
	q := min(bits.LeadingZeros64(^r.peek()), riceEscape)
	r.skip(q)
	if r.read(1) != 0 {
		r.bad = true
	}
	if q < riceEscape {
		return uint64(q)<<k | r.read(k)
	}
	return r.read(64)
}

// read returns the next n bits (n ≤ 64).
func (r *bitReader) read(n int) uint64 {
	if n == 0 {
		return 0
	}
	if n > 56 {
		hi := r.read(n - 32)
		return hi<<32 | r.read(32)
	}
	v := r.peek() >> (64 - n)
	r.skip(n)
	return v
}

// rest reports whether bits other than the final byte's zero padding are
// left.
func (r *bitReader) rest() bool {
	left := 8*len(r.b) - r.pos
	return left >= 8 || left > 0 && r.b[len(r.b)-1]<<(8-left) != 0
}
