package cbor

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var strict = Limits{MaxDepth: 16, MaxItems: 512, DefiniteOnly: true, NoTags: true}

// TestDecodeStrict: DefiniteOnly and NoTags refuse what they name, and
// change nothing else.
func TestDecodeStrict(t *testing.T) {
	for _, tc := range []struct {
		name, hex string
		lim       Limits
		err       string // "" when accepted
	}{
		{"definite items", "a2 01 83 01 42 0102 63 616263 02 f5", strict, ""},
		{"indefinite array", "9f 01 ff", Limits{MaxDepth: 4, MaxItems: 4, DefiniteOnly: true}, "indefinite"},
		{"indefinite map", "bf 01 02 ff", Limits{MaxDepth: 4, MaxItems: 4, DefiniteOnly: true}, "indefinite"},
		{"indefinite byte string", "5f 41 00 ff", Limits{MaxDepth: 4, MaxItems: 4, DefiniteOnly: true}, "indefinite"},
		{"indefinite text string", "7f 61 61 ff", Limits{MaxDepth: 4, MaxItems: 4, DefiniteOnly: true}, "indefinite"},
		{"stray break", "ff", Limits{MaxDepth: 4, MaxItems: 4, DefiniteOnly: true}, "break"},
		{"tags allowed when indefinite lengths are not", "c1 01", Limits{MaxDepth: 4, MaxItems: 4, DefiniteOnly: true}, ""},
		{"tag", "c1 01", Limits{MaxDepth: 4, MaxItems: 4, NoTags: true}, "tag"},
		{"tag in an array", "82 01 d8 3d 02", strict, "tag"},
		{"indefinite lengths allowed when tags are not", "9f 01 ff", Limits{MaxDepth: 4, MaxItems: 4, NoTags: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := unhex(t, tc.hex)
			got, err := Decode(b, tc.lim)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one about %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, err := Decode(b, Limits{MaxDepth: 16, MaxItems: 512})
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%#v, want %#v (%v)", got, want, err)
			}
		})
	}
}

func TestReaderNumbers(t *testing.T) {
	r := NewReader(unhex(t, "1bffffffffffffffff 1b7fffffffffffffff 3b7fffffffffffffff 3b8000000000000000 20 1801"), strict)
	if u, err := r.Uint(); err != nil || u != math.MaxUint64 {
		t.Fatalf("Uint: %d, %v", u, err)
	}
	if n, err := r.Int(); err != nil || n != math.MaxInt64 {
		t.Fatalf("Int: %d, %v", n, err)
	}
	if n, err := r.Int(); err != nil || n != math.MinInt64 {
		t.Fatalf("Int: %d, %v", n, err)
	}
	if _, err := r.Int(); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Fatalf("Int below int64: %v", err)
	}
	if _, err := r.Uint(); err == nil || !strings.Contains(err.Error(), "not an unsigned integer") {
		t.Fatalf("Uint of -1: %v", err)
	}
	if m, arg, err := r.PeekHead(); err != nil || m != 0 || arg != 1 || r.Offset() != 37 {
		t.Fatalf("PeekHead: %d %d %v at %d", m, arg, err, r.Offset())
	}
	if m, arg, err := r.Head(); err != nil || m != 0 || arg != 1 { // non-shortest 1
		t.Fatalf("Head: %d %d %v", m, arg, err)
	}
	if err := r.End(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Int(); err == nil || !strings.Contains(err.Error(), "end of data") {
		t.Fatalf("Int past the end: %v", err)
	}
	if err := NewReader([]byte{0, 0}, strict).End(); !errors.Is(err, ErrTrailing) {
		t.Fatalf("End with data left: %v", err)
	}
	if _, err := NewReader([]byte{0xf6}, strict).Int(); err == nil || !strings.Contains(err.Error(), "not an integer") {
		t.Fatalf("Int of null: %v", err)
	}
}

func TestReaderStrings(t *testing.T) {
	data := unhex(t, "42 0102 62 c3a9 61 ff 41 00 61")
	r := NewReader(data, strict)
	b, err := r.Bytes()
	if err != nil || !bytes.Equal(b, []byte{1, 2}) || cap(b) != 2 || &b[0] != &data[1] {
		t.Fatalf("Bytes: %x (cap %d), %v; want an alias of the data, capped", b, cap(b), err)
	}
	if s, err := r.Text(); err != nil || s != "é" {
		t.Fatalf("Text: %q, %v", s, err)
	}
	if _, err := r.Text(); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("Text of invalid UTF-8: %v", err)
	}
	if _, err := r.Text(); err == nil || !strings.Contains(err.Error(), "not a text string") {
		t.Fatalf("Text of a byte string: %v", err)
	}
	r = NewReader(unhex(t, "61"), strict)
	if _, err := r.Bytes(); err == nil || !strings.Contains(err.Error(), "not a byte string") {
		t.Fatalf("Bytes of a text string: %v", err)
	}
	r = NewReader(unhex(t, "5a00010000 00"), strict)
	if _, err := r.Bytes(); err == nil || !strings.Contains(err.Error(), "longer than the data") {
		t.Fatalf("Bytes past the end: %v", err)
	}
	// Head takes definite items only, whatever the Limits.
	r = NewReader(unhex(t, "5f ff"), Limits{MaxDepth: 4, MaxItems: 4})
	if _, err := r.Bytes(); err == nil || !strings.Contains(err.Error(), "indefinite") {
		t.Fatalf("Bytes of an indefinite string: %v", err)
	}
}

func TestReaderContainers(t *testing.T) {
	lim := Limits{MaxDepth: 2, MaxItems: 3, DefiniteOnly: true, NoTags: true}
	for _, tc := range []struct {
		name, hex string
		array     bool
		depth     int
		n         int
		err       string
	}{
		{"array", "83 010203", true, 1, 3, ""},
		{"map", "a1 0102", false, 2, 1, ""},
		{"map for an array", "a0", true, 1, 0, "not an array"},
		{"array for a map", "80", false, 1, 0, "not a map"},
		{"too many", "84", true, 1, 0, "too many"},
		{"too deep", "80", true, 3, 0, "deeply"},
		{"indefinite", "9f", true, 1, 0, "indefinite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(unhex(t, tc.hex), lim)
			var n int
			var err error
			if tc.array {
				n, err = r.Array(tc.depth)
			} else {
				n, err = r.Map(tc.depth)
			}
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one about %q", err, tc.err)
				}
				return
			}
			if err != nil || n != tc.n {
				t.Fatalf("%d, %v; want %d", n, err, tc.n)
			}
		})
	}
}

// TestReaderRaw: Raw returns the exact encoding of one well-formed item.
func TestReaderRaw(t *testing.T) {
	loose := Limits{MaxDepth: 3, MaxItems: 4}
	for _, tc := range []struct {
		name, hex string
		lim       Limits
		err       string
	}{
		{"integer, non-shortest", "1b0000000000000001", strict, ""},
		{"map with byte-string keys and a repeated key", "a3 4101 f6 4101 f6 80 00", strict, ""},
		{"simple values Decode refuses", "83 f0 f8ff fa3f800000", strict, ""},
		{"simple value not well-formed", "f818", strict, "simple"},
		{"nested", "a1 01 82 a0 80", Limits{MaxDepth: 3, MaxItems: 4}, ""},
		{"too deep", "81 81 81 81 00", Limits{MaxDepth: 3, MaxItems: 4}, "deeply"},
		{"too many", "85 0000000000", loose, "too many"},
		{"indefinite when allowed", "9f 7f 6161 ff bf 01 02 ff ff", loose, ""},
		{"indefinite refused", "9f ff", strict, "indefinite"},
		{"tag when allowed", "c1 1a514b67b0", loose, ""},
		{"tag refused", "c1 00", strict, "tag"},
		{"stray break", "81 ff", loose, "break"},
		{"invalid UTF-8", "62 c328", strict, "UTF-8"},
		{"invalid UTF-8 in a chunk", "7f 62 c328 ff", loose, "UTF-8"},
		{"truncated", "83 00", strict, "end of data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			item := unhex(t, tc.hex)
			r := NewReader(append(append([]byte{}, item...), 0x07), tc.lim)
			raw, err := r.Raw(1)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one about %q", err, tc.err)
				}
				return
			}
			if err != nil || !bytes.Equal(raw, item) || r.Offset() != len(item) {
				t.Fatalf("%x, %v at %d; want %x", raw, err, r.Offset(), item)
			}
			if n, err := r.Uint(); err != nil || n != 7 {
				t.Fatalf("the item after: %d, %v", n, err)
			}
		})
	}
}

func TestAppendHead(t *testing.T) {
	for _, tc := range []struct {
		major byte
		n     uint64
		hex   string
	}{
		{0, 0, "00"}, {0, 23, "17"}, {0, 24, "1818"}, {2, 255, "58ff"}, {2, 256, "590100"},
		{3, 65535, "79ffff"}, {4, 65536, "9a00010000"}, {5, math.MaxUint32, "baffffffff"},
		{6, math.MaxUint32 + 1, "db0000000100000000"}, {1, math.MaxUint64, "3bffffffffffffffff"},
	} {
		got := AppendHead([]byte{0xaa}, tc.major, tc.n)
		if hex.EncodeToString(got) != "aa"+tc.hex {
			t.Errorf("AppendHead(%d, %d) = %x, want aa%s", tc.major, tc.n, got, tc.hex)
		}
		m, arg, err := NewReader(got[1:], strict).Head()
		if tc.major != 6 && (err != nil || m != tc.major || arg != tc.n) {
			t.Errorf("%x reads back as %d %d %v", got[1:], m, arg, err)
		}
	}
}
