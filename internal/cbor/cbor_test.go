package cbor

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	fx "github.com/fxamacker/cbor/v2"
	"github.com/passcheck/passcheck/internal/base45"
)

var lim = Limits{MaxDepth: 16, MaxItems: 512}

// Examples from RFC 8949 Appendix A.
func TestRFCExamples(t *testing.T) {
	for _, tt := range []struct {
		hex  string
		want any
	}{
		{"00", int64(0)},
		{"17", int64(23)},
		{"1818", int64(24)},
		{"1903e8", int64(1000)},
		{"1b000000e8d4a51000", int64(1000000000000)},
		{"1bffffffffffffffff", float64(18446744073709551615)},
		{"20", int64(-1)},
		{"3903e7", int64(-1000)},
		{"f90000", 0.0},
		{"f93c00", 1.0},
		{"f93e00", 1.5},
		{"f97bff", 65504.0},
		{"f90001", 5.960464477539063e-8},
		{"f9c400", -4.0},
		{"fa47c35000", 100000.0},
		{"fb3ff199999999999a", 1.1},
		{"f4", false},
		{"f5", true},
		{"f6", nil},
		{"f7", nil},
		{"c074323031332d30332d32315432303a30343a30305a", Tag{0, "2013-03-21T20:04:00Z"}},
		{"4401020304", []byte{1, 2, 3, 4}},
		{"6449455446", "IETF"},
		{"62225c", "\"\\"},
		{"63e6b0b4", "水"},
		{"80", []any{}},
		{"83010203", []any{int64(1), int64(2), int64(3)}},
		{"a201020304", map[any]any{int64(1): int64(2), int64(3): int64(4)}},
		{"a26161016162820203", map[any]any{"a": int64(1), "b": []any{int64(2), int64(3)}}},
		{"5f42010243030405ff", []byte{1, 2, 3, 4, 5}},
		{"7f657374726561646d696e67ff", "streaming"},
		{"9f018202039f0405ffff", []any{int64(1), []any{int64(2), int64(3)}, []any{int64(4), int64(5)}}},
		{"bf61610161629f0203ffff", map[any]any{"a": int64(1), "b": []any{int64(2), int64(3)}}},
	} {
		b, _ := hex.DecodeString(tt.hex)
		got, err := Decode(b, lim)
		if err != nil {
			t.Errorf("%s: %v", tt.hex, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %#v, want %#v", tt.hex, got, tt.want)
		}
	}
	for _, h := range []string{"f97c00", "f97e00", "f9fc00"} {
		b, _ := hex.DecodeString(h)
		v, err := Decode(b, lim)
		if f, ok := v.(float64); err != nil || !ok || !(math.IsInf(f, 0) || math.IsNaN(f)) {
			t.Errorf("%s: %v %v", h, v, err)
		}
	}
}

func TestRejects(t *testing.T) {
	deep := make([]byte, 0, 40)
	for i := 0; i < 17; i++ {
		deep = append(deep, 0x81)
	}
	deep = append(deep, 0x00)
	many := []byte{0x99, 0x02, 0x01} // array(513)
	for i := 0; i < 513; i++ {
		many = append(many, 0x00)
	}
	for name, in := range map[string][]byte{
		"empty":              {},
		"truncated int":      {0x19, 0x01},
		"truncated string":   {0x45, 0x01},
		"huge string length": {0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"invalid UTF-8":      {0x62, 0xc3, 0x28},
		"duplicate key":      {0xa2, 0x01, 0x00, 0x01, 0x00},
		"byte-string key":    {0xa1, 0x41, 0x00, 0x00},
		"array key":          {0xa1, 0x80, 0x00},
		"reserved info":      {0x1c},
		"indefinite int":     {0x1f},
		"stray break":        {0xff},
		"simple value 16":    {0xf0},
		"trailing data":      {0x00, 0x00},
		"too deep":           deep,
		"too many items":     many,
		"unterminated array": {0x9f, 0x01},
		"mixed chunks":       {0x5f, 0x61, 0x61, 0xff},
		"map of 2^32 pairs":  {0xba, 0xff, 0xff, 0xff, 0xff},
	} {
		if v, err := Decode(in, lim); err == nil {
			t.Errorf("%s: decoded %#v", name, v)
		} else {
			var e *Error
			if !errors.As(err, &e) && !errors.Is(err, ErrTrailing) {
				t.Errorf("%s: error %T", name, err)
			}
		}
	}
}

// normalize turns fxamacker's reading into this package's value shapes.
func normalize(v any) (any, bool) {
	switch x := v.(type) {
	case uint64:
		if x > math.MaxInt64 {
			return float64(x), true
		}
		return int64(x), true
	case int64, string, bool, nil, float64:
		return x, true
	case float32:
		return float64(x), true
	case []byte:
		return x, true
	case big.Int:
		return nil, false // bignum tags: fxamacker reads them as numbers
	case *big.Int:
		return nil, false
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, ok := normalize(e)
			if !ok {
				return nil, false
			}
			out[i] = n
		}
		return out, true
	case map[any]any:
		out := make(map[any]any, len(x))
		for k, e := range x {
			nk, ok := normalize(k)
			if !ok {
				return nil, false
			}
			ne, ok := normalize(e)
			if !ok {
				return nil, false
			}
			out[nk] = ne
		}
		return out, true
	case fx.Tag:
		c, ok := normalize(x.Content)
		return Tag{Number: x.Number, Content: c}, ok
	}
	return nil, false // time.Time from tags 0/1, simple values, ...
}

var fxMode = func() fx.DecMode {
	dm, err := fx.DecOptions{
		DupMapKey:        fx.DupMapKeyEnforcedAPF,
		MaxNestedLevels:  64,
		MaxArrayElements: 65536,
		MaxMapPairs:      65536,
		IndefLength:      fx.IndefLengthAllowed,
		TagsMd:           fx.TagsAllowed,
		UTF8:             fx.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return dm
}()

func nanFree(v any) bool {
	switch x := v.(type) {
	case float64:
		return !math.IsNaN(x)
	case []any:
		for _, e := range x {
			if !nanFree(e) {
				return false
			}
		}
	case map[any]any:
		for k, e := range x {
			if !nanFree(k) || !nanFree(e) {
				return false
			}
		}
	case Tag:
		return nanFree(x.Content)
	}
	return true
}

// FuzzDifferential holds the reader to fxamacker/cbor: whatever this
// package accepts, fxamacker accepts and reads the same.
func FuzzDifferential(f *testing.F) {
	// Seeds: the COSE messages of the test vectors.
	files, _ := filepath.Glob("../../testdata/vectors/valid-*.txt")
	if len(files) == 0 {
		f.Fatal("no seed vectors in testdata/vectors")
	}
	for _, file := range files {
		data, _ := os.ReadFile(file)
		_, text, _ := strings.Cut(string(data), "\n\n")
		z, err := base45.Decode(strings.TrimPrefix(strings.TrimSpace(text), "HC1:"))
		if err != nil {
			continue
		}
		zr, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			continue
		}
		raw, _ := io.ReadAll(zr)
		f.Add(raw)
	}
	for _, h := range []string{"a26161016162820203", "bf61610161629f0203ffff", "d28443a10126a104420102f6f6", "c074323031332d30332d32315432303a30343a30305a", "fb7ff8000000000000"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ours, err := Decode(b, lim)
		if err != nil {
			return
		}
		if hasInterpretedTag(ours) {
			return // fxamacker gives tags 0–3 meaning (times, bignums); we do not
		}
		var theirs any
		if err := fxMode.Unmarshal(b, &theirs); err != nil {
			t.Fatalf("we accept %x as %#v, fxamacker refuses: %v", b, ours, err)
		}
		n, ok := normalize(theirs)
		if !ok || !nanFree(ours) {
			return // a shape the two packages read differently by design
		}
		if !reflect.DeepEqual(ours, n) {
			t.Fatalf("%x: we read %#v, fxamacker %#v", b, ours, n)
		}
	})
}

// hasInterpretedTag reports a tag that fxamacker interprets.
func hasInterpretedTag(v any) bool {
	switch x := v.(type) {
	case Tag:
		return x.Number <= 3 || hasInterpretedTag(x.Content)
	case []any:
		for _, e := range x {
			if hasInterpretedTag(e) {
				return true
			}
		}
	case map[any]any:
		for k, e := range x {
			if hasInterpretedTag(k) || hasInterpretedTag(e) {
				return true
			}
		}
	}
	return false
}
