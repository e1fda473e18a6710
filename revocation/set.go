package revocation

import (
	"bytes"
	"errors"
	"math"
	"math/bits"
	"sort"
	"strconv"

	"github.com/passcheck/passcheck/dcc"
)

// Limits on revocation data. A part or a set that exceeds them is refused
// before it is held in memory.
const (
	// MaxEntries caps the entries of one Set: 16 Mi entries take at most
	// 128 MiB of memory at 8 bytes each.
	MaxEntries = 16 << 20
	// MaxGroups caps the (kid, hash type) groups of one Set.
	MaxGroups = 1 << 16
	// MaxKIDLen caps a key identifier's length (the EU's are 8 bytes).
	MaxKIDLen = 64
	// MaxPartSize caps the bytes of one encoded part.
	MaxPartSize = 64 << 20
)

// MaxFalseMatch is the highest rate at which a Set may report an honest pass
// revoked: one in 10¹² passes checked.
const MaxFalseMatch = 1e-12

// maxHashesPerType is how many hashes of one type a pass has at most
// (CountryCodeUCI: one with iss, one with co).
const maxHashesPerType = 2

// groupsPerPass is how many groups one pass is compared with: for each of
// the three hash types, its kid's and UNKNOWN_KID's.
const groupsPerPass = 6

// Width returns the bytes of each hash a group of n entries keeps: the
// shortest prefix for which the chance that one of a pass's hashes matches
// one of the n entries by accident, summed over the groups a pass is
// compared with, stays below [MaxFalseMatch]. It is at least 6 and at most
// [HashLen].
func Width(n int) int {
	if n < 1 {
		n = 1
	}
	// want 2^(8w) >= maxHashesPerType * n * groupsPerPass / MaxFalseMatch
	need := math.Log2(float64(maxHashesPerType)*float64(n)*groupsPerPass) + math.Log2(1/MaxFalseMatch)
	w := int(math.Ceil(need / 8))
	return max(6, min(w, HashLen))
}

// Entry is one revocation entry: a hash of a type, under the key identifier
// of the signer whose passes it revokes, or under no kid (UNKNOWN_KID: it
// applies to passes of every signer).
type Entry struct {
	KID  []byte // nil: UNKNOWN_KID
	Type HashType
	Sum  [HashLen]byte
}

// groupKey names a group: the hash type's byte followed by the kid.
type groupKey string

func keyOf(kid []byte, t HashType) groupKey {
	return groupKey(append([]byte{byte(t)}, kid...))
}

// group is the sorted, de-duplicated hash prefixes of one (kid, type).
type group struct {
	width int
	sums  []byte // len = n*width, sorted
}

func (g *group) len() int { return len(g.sums) / g.width }

func (g *group) contains(sum []byte) bool {
	w := g.width
	n := g.len()
	i := sort.Search(n, func(i int) bool { return bytes.Compare(g.sums[i*w:i*w+w], sum[:w]) >= 0 })
	return i < n && bytes.Equal(g.sums[i*w:i*w+w], sum[:w])
}

// Set is a set of revocation entries, ready for lookups. The zero value is
// an empty set. It is safe for concurrent lookups, not for concurrent
// changes.
type Set struct {
	groups  map[groupKey]*group
	entries int
}

// Len returns the number of entries in s.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return s.entries
}

// Revoked reports whether pass p is revoked: whether one of its
// [PassHashes] is in s under p's kid or under UNKNOWN_KID. It returns the
// hash that matched. It hashes only what s has entries of a type for (a
// SHA-256 costs about 10 µs in WebAssembly).
func (s *Set) Revoked(p *dcc.Pass) (Hash, bool) {
	if s == nil || len(s.groups) == 0 {
		return Hash{}, false
	}
	for _, t := range []HashType{UCI, CountryCodeUCI, Signature} {
		var groups [2]*group
		if len(p.KID) > 0 {
			groups[0] = s.groups[keyOf(p.KID, t)]
		}
		groups[1] = s.groups[keyOf(nil, t)]
		if groups[0] == nil && groups[1] == nil {
			continue
		}
		for _, b := range hashInputs(p, t) {
			if b == "" {
				continue
			}
			sum := Sum([]byte(b))
			for _, g := range groups {
				if g != nil && g.contains(sum[:]) {
					return Hash{t, sum}, true
				}
			}
		}
	}
	return Hash{}, false
}

// NewSet returns a Set holding entries, each kept as a prefix of [Width] of
// its group's size.
func NewSet(entries []Entry) (*Set, error) {
	return newSet(entries, func(_ groupKey, n int) int { return Width(n) })
}

// newSet is NewSet with the prefix width of each group chosen by width, from
// the group's key and its number of entries.
func newSet(entries []Entry, width func(k groupKey, n int) int) (*Set, error) {
	byGroup := map[groupKey][][HashLen]byte{}
	for _, e := range entries {
		if len(e.KID) > MaxKIDLen {
			return nil, errors.New(num("revocation: kid of ", uint64(len(e.KID)), num(" bytes, more than ", MaxKIDLen, "")))
		}
		if e.Type < UCI || e.Type > Signature {
			return nil, errors.New(num("revocation: unknown hash type ", uint64(e.Type), ""))
		}
		k := keyOf(e.KID, e.Type)
		byGroup[k] = append(byGroup[k], e.Sum)
	}
	gs := make([]decodedGroup, 0, len(byGroup))
	for k, sums := range byGroup {
		w := width(k, len(sums))
		g := &group{width: w, sums: make([]byte, 0, len(sums)*w)}
		for _, sum := range sums {
			g.sums = append(g.sums, sum[:g.width]...)
		}
		sortDedup(g)
		gs = append(gs, decodedGroup{k, *g})
	}
	s := &Set{}
	if err := s.addGroups(gs); err != nil {
		return nil, err
	}
	return s, nil
}

// addGroups adds groups, each of a distinct key and each strictly
// ascending, to s: a group that s has already is merged with it into new
// memory, cut to the shorter of their two widths. It is refused whole
// when one of them would take s past its limits or below its false-match
// rate: s is then unchanged. addGroups keeps gs's groups as its own.
func (s *Set) addGroups(gs []decodedGroup) error {
	total, fresh := s.entries, 0
	for i := range gs {
		g := &gs[i]
		n := len(g.sums) / g.width
		old := s.groups[g.key]
		if old == nil {
			fresh++
		}
		var err error
		switch {
		case len(s.groups)+fresh > MaxGroups:
			err = errGroups
		case total+n > MaxEntries:
			err = errEntryCount
		case old != nil:
			// Keep the shorter prefix of every entry: the check below
			// decides whether that is still long enough.
			w := min(old.width, g.width)
			total -= old.len()
			g.sums, g.width = merge(old.sums, old.width, g.sums, g.width, w), w
			n = len(g.sums) / w
		}
		if need := Width(n); err == nil && need > g.width {
			err = &refusal{num("entries kept as prefixes of ", uint64(g.width), num(" bytes would match honest passes too often (need ", uint64(need), " bytes)"))}
		}
		if err != nil {
			return err
		}
		total += n
	}
	if s.groups == nil {
		s.groups = make(map[groupKey]*group, len(gs))
	}
	for i := range gs {
		s.groups[gs[i].key] = &gs[i].group
	}
	s.entries = total
	return nil
}

// merge merges a and b, two lists of records of aw and bw bytes each in
// ascending order, into a new list of their first w bytes (w ≤ aw, bw) in
// strictly ascending order: records that then share their first w bytes
// become one. a and b are not written to.
func merge(a []byte, aw int, b []byte, bw, w int) []byte {
	out := make([]byte, 0, (len(a)/aw+len(b)/bw)*w)
	for len(a) > 0 || len(b) > 0 {
		var r []byte
		if len(b) == 0 || len(a) > 0 && bytes.Compare(a[:w], b[:w]) <= 0 {
			r, a = a[:w], a[aw:]
		} else {
			r, b = b[:w], b[bw:]
		}
		if len(out) < w || !bytes.Equal(out[len(out)-w:], r) {
			out = append(out, r...)
		}
	}
	return out
}

// sortDedup sorts g's prefixes and removes repeats, in place.
func sortDedup(g *group) {
	w := g.width
	sort.Sort(records{g.sums, w})
	out := g.sums[:0]
	for i := 0; i+w <= len(g.sums); i += w {
		r := g.sums[i : i+w]
		if len(out) >= w && bytes.Equal(out[len(out)-w:], r) {
			continue
		}
		out = append(out, r...)
	}
	g.sums = out
}

type records struct {
	b []byte
	w int
}

func (r records) Len() int           { return len(r.b) / r.w }
func (r records) Less(i, j int) bool { return bytes.Compare(r.rec(i), r.rec(j)) < 0 }
func (r records) Swap(i, j int) {
	var tmp [HashLen]byte
	a, b := r.rec(i), r.rec(j)
	copy(tmp[:], a)
	copy(a, b)
	copy(b, tmp[:r.w])
}
func (r records) rec(i int) []byte { return r.b[i*r.w : i*r.w+r.w] }

// refusal is the error of a part or a set that is refused: why. Most
// refusals are the values below, made by the linker, not by code: this
// code runs in the WebAssembly module (which is also why there is no fmt).
type refusal struct{ why string }

func (e *refusal) Error() string { return "revocation: " + e.why }

var (
	errNotPart     = &refusal{"malformed part: too large, or not a revocation part (magic or version)"}
	errGroupHeader = &refusal{"malformed part: a group's count, kid, hash type, entry width, entry count or Rice parameter out of range, more entries than its bits can hold, or groups out of order"}
	errEntries     = &refusal{"malformed part: entries not strictly ascending, a damaged gap, or bits after the last entry"}
	errTruncated   = &refusal{"malformed part: truncated, or bytes after the last group"}
	errGroups      = &refusal{"more than 65536 groups"}
	errEntryCount  = &refusal{"more than 16777216 entries"}
)

// num returns prefix, n in decimal, and suffix: the one place the
// messages above turn numbers into text (one copy in the WebAssembly
// module instead of one a message).
//
//go:noinline
func num(prefix string, n uint64, suffix string) string {
	return prefix + strconv.FormatUint(n, 10) + suffix
}

// leadingBits returns the first min(w, 8) bytes of rec as a big-endian
// integer.
func leadingBits(rec []byte) uint64 {
	var v uint64
	for i := 0; i < len(rec) && i < 8; i++ {
		v = v<<8 | uint64(rec[i])
	}
	return v
}

// riceK is the Rice parameter for n values spread over 2^(8*min(w,8)).
func riceK(n, w int) int {
	b := 8 * min(w, 8)
	k := b - bits.Len(uint(n))
	return max(0, k)
}

// Has reports whether s holds entry e (its prefix, under its kid and type).
func (s *Set) Has(e Entry) bool {
	if s == nil {
		return false
	}
	g := s.groups[keyOf(e.KID, e.Type)]
	return g != nil && g.contains(e.Sum[:])
}

// Groups calls f for each (kid, hash type) group of s with its number of
// entries; kid is nil for UNKNOWN_KID. The order is unspecified.
func (s *Set) Groups(f func(kid []byte, t HashType, n int)) {
	if s == nil {
		return
	}
	for k, g := range s.groups {
		var kid []byte
		if len(k) > 1 {
			kid = []byte(k[1:])
		}
		f(kid, HashType(k[0]), g.len())
	}
}
