package base45

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// Vectors from RFC 9285 §4.3 and §4.4.
var rfcVectors = []struct{ plain, encoded string }{
	{"AB", "BB8"},
	{"Hello!!", "%69 VD92EX0"},
	{"base-45", "UJCLQE7W581"},
	{"ietf!", "QED8WEX0"},
	{"", ""},
}

func TestRFCVectors(t *testing.T) {
	for _, v := range rfcVectors {
		t.Run(v.plain, func(t *testing.T) {
			if got := Encode([]byte(v.plain)); got != v.encoded {
				t.Errorf("Encode(%q) = %q, want %q", v.plain, got, v.encoded)
			}
			got, err := Decode(v.encoded)
			if err != nil {
				t.Fatalf("Decode(%q): %v", v.encoded, err)
			}
			if string(got) != v.plain {
				t.Errorf("Decode(%q) = %q, want %q", v.encoded, got, v.plain)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name, in string
		length   bool // want ErrLength rather than a CorruptInputError
	}{
		{"group above 65535 (RFC 9285 §4.2)", "GGW", false},
		{"final pair above 255", ":::", false}, // ":::" is a full group: 44+44*45+44*2025 > 65535
		{"length 1", "A", true},
		{"length 4", "BB8A", true},
		{"lower case", "bb8", false},
		{"two-char group above 255", "::", false},
		{"non-ASCII", "BB\xff", false},
		{"NUL", "BB\x00", false},
		{"equals sign", "BB=", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.in)
			if err == nil {
				t.Fatalf("Decode(%q) succeeded, want an error", tt.in)
			}
			var ce *CorruptInputError
			if tt.length != errors.Is(err, ErrLength) || (!tt.length && !errors.As(err, &ce)) {
				t.Errorf("Decode(%q) error = %v (%T)", tt.in, err, err)
			}
		})
	}
}

func TestEveryInvalidCharacter(t *testing.T) {
	for c := 0; c < 256; c++ {
		valid := strings.IndexByte(alphabet, byte(c)) >= 0
		for pos := 0; pos < 3; pos++ {
			in := []byte("000")
			in[pos] = byte(c)
			_, err := Decode(string(in))
			// A valid character in the last place of a group can push its value
			// above 65535, so only the first two places must decode.
			if valid && pos < 2 && err != nil {
				t.Errorf("Decode(%q): unexpected error %v", in, err)
			}
			if !valid && err == nil {
				t.Errorf("Decode(%q) accepted invalid character %#x", in, c)
			}
		}
	}
}

func TestEveryLength(t *testing.T) {
	for n := 0; n < 40; n++ {
		_, err := Decode(strings.Repeat("0", n))
		if (n%3 == 1) != (err != nil) {
			t.Errorf("length %d: err = %v", n, err)
		}
	}
}

func TestAllTwoByteValues(t *testing.T) {
	for n := 0; n <= 0xFFFF; n++ {
		in := []byte{byte(n >> 8), byte(n)}
		out, err := Decode(Encode(in))
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("round trip of %x: %x, %v", in, out, err)
		}
	}
}

func FuzzRoundTrip(f *testing.F) {
	for _, v := range rfcVectors {
		f.Add([]byte(v.plain))
	}
	f.Add([]byte{0xff, 0xff, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		enc := Encode(b)
		if len(enc) != EncodedLen(len(b)) {
			t.Fatalf("EncodedLen(%d) = %d, encoded %d", len(b), EncodedLen(len(b)), len(enc))
		}
		dec, err := Decode(enc)
		if err != nil || !bytes.Equal(dec, b) {
			t.Fatalf("round trip of %x: %x, %v", b, dec, err)
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, v := range rfcVectors {
		f.Add(v.encoded)
	}
	f.Add("GGW")
	f.Add(":::")
	f.Fuzz(func(t *testing.T, s string) {
		dec, err := Decode(s)
		if err != nil {
			var ce *CorruptInputError
			if !errors.Is(err, ErrLength) && !errors.As(err, &ce) {
				t.Fatalf("Decode(%q): error of type %T", s, err)
			}
			return
		}
		// Decoding is strict, so the encoding is canonical.
		if Encode(dec) != s {
			t.Fatalf("Decode(%q) = %x, which encodes to %q", s, dec, Encode(dec))
		}
	})
}
