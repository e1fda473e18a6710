// Package base45 implements the base45 encoding of RFC 9285, as used by the
// EU Digital COVID Certificate QR codes.
//
// Decode is strict: it rejects characters outside the 45-character alphabet,
// a trailing group of one character, and groups whose value does not fit the
// bytes they encode ("GGW" > 65535, "::" > 255), all of which RFC 9285 §4.2
// forbids.
package base45

import (
	"errors"
	"fmt"
)

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

var decodeMap [256]int8

func init() {
	for i := range decodeMap {
		decodeMap[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		decodeMap[alphabet[i]] = int8(i)
	}
}

// ErrLength reports input whose length leaves a single character at the end.
var ErrLength = errors.New("base45: length leaves a single character")

// CorruptInputError reports an invalid character or group at an offset.
type CorruptInputError struct {
	Offset int
	Reason string
}

// Error says what is wrong and where.
func (e *CorruptInputError) Error() string {
	return fmt.Sprintf("base45: %s at offset %d", e.Reason, e.Offset)
}

// EncodedLen returns the length of the encoding of n bytes.
func EncodedLen(n int) int { return n/2*3 + n%2*2 }

// DecodedLen returns the length of the decoding of n characters, or -1 when n
// is not a valid encoded length.
func DecodedLen(n int) int {
	if n%3 == 1 {
		return -1
	}
	return n/3*2 + n%3/2
}

// Encode returns the base45 encoding of src.
func Encode(src []byte) string {
	dst := make([]byte, 0, EncodedLen(len(src)))
	for i := 0; i+1 < len(src); i += 2 {
		n := int(src[i])<<8 | int(src[i+1])
		dst = append(dst, alphabet[n%45], alphabet[n/45%45], alphabet[n/2025])
	}
	if len(src)%2 == 1 {
		n := int(src[len(src)-1])
		dst = append(dst, alphabet[n%45], alphabet[n/45])
	}
	return string(dst)
}

// Decode returns the bytes that src encodes. The error is ErrLength or a
// *CorruptInputError.
func Decode(src string) ([]byte, error) {
	if DecodedLen(len(src)) < 0 {
		return nil, ErrLength
	}
	dst := make([]byte, DecodedLen(len(src)))
	d := dst
	i := 0
	// Whole groups of three characters, two bytes each.
	for ; i+3 <= len(src); i += 3 {
		c, b, a := decodeMap[src[i]], decodeMap[src[i+1]], decodeMap[src[i+2]]
		if c|b|a < 0 {
			return nil, badChar(src, i, 3)
		}
		n := int(c) + int(b)*45 + int(a)*2025
		if n > 0xFFFF {
			return nil, &CorruptInputError{Offset: i, Reason: "group value above 65535"}
		}
		d[0], d[1] = byte(n>>8), byte(n)
		d = d[2:]
	}
	// A final group of two characters, one byte.
	if i < len(src) {
		c, b := decodeMap[src[i]], decodeMap[src[i+1]]
		if c|b < 0 {
			return nil, badChar(src, i, 2)
		}
		n := int(c) + int(b)*45
		if n > 0xFF {
			return nil, &CorruptInputError{Offset: i, Reason: "final group value above 255"}
		}
		d[0] = byte(n)
	}
	return dst, nil
}

// badChar reports the last invalid character of the group of n at i, the
// one a right-to-left reading of the group meets first.
func badChar(src string, i, n int) error {
	for j := i + n - 1; j >= i; j-- {
		if decodeMap[src[j]] < 0 {
			return &CorruptInputError{Offset: j, Reason: fmt.Sprintf("invalid character %q", src[j])}
		}
	}
	return &CorruptInputError{Offset: i, Reason: "invalid character"} // not reached: the group has one
}
