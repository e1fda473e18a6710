package revocation

import (
	"strconv"
	"strings"
	"testing"
)

// TestAddNarrower merges a part whose group keeps shorter prefixes than
// the set's: the set's entries are cut to the shorter width, and those that
// then share their prefix count once, as do entries of the part they equal.
func TestAddNarrower(t *testing.T) {
	kid := []byte("kid")
	entry := func(b ...byte) Entry {
		e := Entry{KID: kid, Type: UCI}
		copy(e.Sum[:], b)
		return e
	}
	// Kept whole (16 bytes): the first two differ only after byte 6.
	wide := []Entry{entry(1, 2, 3, 4, 5, 6, 7), entry(1, 2, 3, 4, 5, 6, 8), entry(9, 9, 9, 9, 9, 9)}
	ws, err := newSet(wide, func(groupKey, int) int { return HashLen })
	if err != nil {
		t.Fatal(err)
	}
	var s Set
	if err := s.AddPart(EncodePart(ws)); err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 {
		t.Fatalf("Len = %d, want 3", s.Len())
	}
	// 6-byte prefixes: one equal to the third entry's, one new.
	narrow, err := NewSet([]Entry{entry(9, 9, 9, 9, 9, 9, 1), entry(7, 7, 7, 7, 7, 7)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddPart(EncodePart(narrow)); err != nil {
		t.Fatal(err)
	}
	// 1.2.3.4.5.6, 7.7.7.7.7.7 and 9.9.9.9.9.9.
	if s.Len() != 3 {
		t.Errorf("Len = %d after the narrower part, want 3", s.Len())
	}
	for _, e := range append(wide, entry(7, 7, 7, 7, 7, 7)) {
		if !s.Has(e) {
			t.Errorf("%x missing", e.Sum[:7])
		}
	}
	if g := s.groups[keyOf(kid, UCI)]; g.width != 6 || g.len() != 3 {
		t.Errorf("group of %d entries at %d bytes, want 3 at 6", g.len(), g.width)
	}
}

// TestLimitMessages: addGroups writes its limits into its refusals as
// constants; they must say the limits' values.
func TestLimitMessages(t *testing.T) {
	s := &Set{groups: map[groupKey]*group{}}
	for i := 0; i < MaxGroups; i++ {
		s.groups[groupKey(strconv.Itoa(i))] = &group{width: 16}
	}
	err := s.addGroups([]decodedGroup{{key: "new", group: group{width: 16, sums: make([]byte, 16)}}})
	if err == nil || !strings.Contains(err.Error(), "more than "+strconv.Itoa(MaxGroups)+" groups") {
		t.Errorf("past MaxGroups: %v", err)
	}
	s = &Set{entries: MaxEntries}
	err = s.addGroups([]decodedGroup{{key: "new", group: group{width: 16, sums: make([]byte, 16)}}})
	if err == nil || !strings.Contains(err.Error(), "more than "+strconv.Itoa(MaxEntries)+" entries") {
		t.Errorf("past MaxEntries: %v", err)
	}
}

// TestBitReaderRest: a part's bit stream may end in zero bits that pad its
// last byte, and in nothing else.
func TestBitReaderRest(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		pos  int
		want bool
	}{
		{[]byte{0b1010_0000}, 3, false}, // the 5 bits left are zero padding
		{[]byte{0b1010_0000}, 2, true},  // a one among the 6 bits left
		{[]byte{0b1010_0001}, 7, true},  // the last bit is a one
		{[]byte{0xff}, 8, false},        // all read
		{[]byte{0, 0}, 0, true},         // a whole byte left, even of zeros
		{nil, 0, false},
	} {
		r := bitReader{b: c.b, pos: c.pos}
		if got := r.rest(); got != c.want {
			t.Errorf("rest of %08b after %d bits = %v, want %v", c.b, c.pos, got, c.want)
		}
	}
}
