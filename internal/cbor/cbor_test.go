package cbor

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
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
// package accepts, fxamacker accepts and reads the same. It holds the
// package to itself too: [Reader.Raw] takes whole every item that Decode
// takes, and Decode with DefiniteOnly and NoTags reads the same as without,
// or refuses an item that Raw finds an indefinite length or a tag in.
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
		checkStrict(t, b)
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

// checkStrict holds Decode, with and without DefiniteOnly and NoTags, and
// Reader.Raw to each other on b.
func checkStrict(t *testing.T, b []byte) {
	strict := lim
	strict.DefiniteOnly, strict.NoTags = true, true
	loose, err := Decode(b, lim)
	if err == nil {
		r := NewReader(b, lim)
		if raw, rerr := r.Raw(1); rerr != nil || len(raw) != len(b) {
			t.Fatalf("%x: Decode reads it, Raw takes %d bytes (%v)", b, len(raw), rerr)
		}
	}
	strictV, serr := Decode(b, strict)
	_, rawErr := NewReader(b, strict).Raw(1)
	switch {
	case serr == nil && err != nil:
		t.Fatalf("%x: refused (%v) but read with DefiniteOnly and NoTags", b, err)
	case serr == nil && !reflect.DeepEqual(strictV, loose) && nanFree(loose):
		t.Fatalf("%x: %#v with DefiniteOnly and NoTags, %#v without", b, strictV, loose)
	case serr == nil && rawErr != nil:
		t.Fatalf("%x: Decode reads it with DefiniteOnly and NoTags, Raw refuses: %v", b, rawErr)
	case serr != nil && err == nil && rawErr == nil:
		t.Fatalf("%x: read without DefiniteOnly and NoTags, and Raw finds neither; refused with: %v", b, serr)
	}
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

// jsonAt is the reference for DecodeJSONAt: Decode, then the value at path
// turned into a JSON-shaped tree as dcc did it before DecodeJSONAt.
func jsonAt(b []byte, path ...int64) (any, error) {
	v, err := Decode(b, lim)
	if err != nil {
		return nil, err
	}
	var conv func(v any) (any, error)
	conv = func(v any) (any, error) {
		switch x := v.(type) {
		case map[any]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				ks, ok := k.(string)
				if !ok {
					return nil, errors.New("key")
				}
				ce, err := conv(e)
				if err != nil {
					return nil, err
				}
				out[ks] = ce
			}
			return out, nil
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				ce, err := conv(e)
				if err != nil {
					return nil, err
				}
				out[i] = ce
			}
			return out, nil
		case []byte:
			return base64.StdEncoding.EncodeToString(x), nil
		case Tag:
			return conv(x.Content)
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil
			}
		}
		return v, nil
	}
	var walk func(v any, path []int64) (any, error)
	walk = func(v any, path []int64) (any, error) {
		if len(path) == 0 {
			return conv(v)
		}
		m, ok := v.(map[any]any)
		if !ok {
			return v, nil
		}
		e, ok := m[path[0]]
		if !ok {
			return v, nil
		}
		ce, err := walk(e, path[1:])
		if err != nil {
			return nil, err
		}
		out := make(map[any]any, len(m))
		for k, x := range m {
			out[k] = x
		}
		out[path[0]] = ce
		return out, nil
	}
	if len(path) == 0 {
		return v, nil // no path: Decode's tree
	}
	return walk(v, path)
}

func TestDecodeJSONAt(t *testing.T) {
	for _, tt := range []struct {
		hex  string
		path []int64
		want any
	}{
		// {1: {"a": h'0102', "b": [NaN, 1(2)]}, 2: h'01'}
		{"a201a26161420102616282f97e00c102024101", []int64{1}, nil},
		{"a201026141" + "41ab", nil, map[any]any{int64(1): int64(2), "A": []byte{0xab}}},
		// {-260: {1: {"n": {"f": "X"}}}}
		{"a1390103a101a1616ea1616661" + "58", []int64{-260, 1}, map[any]any{int64(-260): map[any]any{int64(1): map[string]any{"n": map[string]any{"f": "X"}}}}},
	} {
		b, err := hex.DecodeString(tt.hex)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := DecodeJSONAt(b, lim, tt.path...)
		want, werr := jsonAt(b, tt.path...)
		if (err == nil) != (werr == nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s at %v: %#v, %v; want %#v, %v", tt.hex, tt.path, got, err, want, werr)
		}
		if tt.want != nil && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s at %v: %#v, want %#v", tt.hex, tt.path, got, tt.want)
		}
	}
	// A non-text key in the JSON part is an error; elsewhere it is not.
	b, _ := hex.DecodeString("a101a10203") // {1: {2: 3}}
	if _, _, err := DecodeJSONAt(b, lim, 1); err == nil {
		t.Error("integer key at the path: no error")
	}
	if _, _, err := DecodeJSONAt(b, lim, 2); err != nil {
		t.Errorf("integer key off the path: %v", err)
	}
}

// FuzzDecodeJSONAt holds DecodeJSONAt to Decode followed by the conversion
// dcc made before it: the same value, or both an error; and DecodeJSON to
// DecodeJSONAt of the same item one level down.
func FuzzDecodeJSONAt(f *testing.F) {
	for _, h := range []string{"a1390103a101a1616ea1616661" + "58", "a201a26161420102616282f97e00c102024101", "a101a10203", "a101bf6161c1f97c00ff",
		"a2654c6f676963a163616e6482f5f4664e756d6265723903e7", "82a161610181fb3ff8000000000000"} {
		b, _ := hex.DecodeString(h)
		f.Add(b, int64(-260), int64(1))
		f.Add(b, int64(1), int64(0))
	}
	f.Fuzz(func(t *testing.T, b []byte, k1, k2 int64) {
		for _, path := range [][]int64{{k1}, {k1, k2}} {
			got, _, err := DecodeJSONAt(b, lim, path...)
			want, werr := jsonAt(b, path...)
			if (err == nil) != (werr == nil) {
				t.Fatalf("%x at %v: error %v, reference %v", b, path, err, werr)
			}
			if err == nil && nanFree(want) && !reflect.DeepEqual(got, want) {
				t.Fatalf("%x at %v: %#v, reference %#v", b, path, got, want)
			}
		}
		checkDecodeJSON(t, b)
	})
}

// checkDecodeJSON holds DecodeJSON(b) to DecodeJSONAt of {1: b} at path 1
// (one limit of depth more, for the map around b).
func checkDecodeJSON(t *testing.T, b []byte) {
	t.Helper()
	got, err := DecodeJSON(b, lim)
	deeper := lim
	deeper.MaxDepth++
	wrapped, _, werr := DecodeJSONAt(append([]byte{0xa1, 0x01}, b...), deeper, 1)
	if (err == nil) != (werr == nil) {
		t.Fatalf("DecodeJSON(%x): error %v; at path 1 of {1: it}: %v", b, err, werr)
	}
	if err == nil && nanFree(got) && !reflect.DeepEqual(map[any]any{int64(1): got}, wrapped) {
		t.Fatalf("DecodeJSON(%x) = %#v; at path 1 of {1: it}: %#v", b, got, wrapped)
	}
}

// DecodeJSON reads a whole item as JSON: text-keyed maps, integers as int64,
// floats as float64, no trailing data, Limits applied.
func TestDecodeJSON(t *testing.T) {
	for _, tt := range []struct {
		hex  string
		want any
		ok   bool
	}{
		{"a2654c6f676963a163616e6482f5f4664e756d6265723903e7", map[string]any{"Logic": map[string]any{"and": []any{true, false}}, "Number": int64(-1000)}, true},
		{"82a161610181fb3ff8000000000000", []any{map[string]any{"a": int64(1)}, []any{1.5}}, true},
		{"f6", nil, true},
		{"6161", "a", true},
		{"a10102", nil, false},         // an integer key
		{"a2616101616102", nil, false}, // a duplicate key
		{"0102", nil, false},           // trailing data
		{"c1f6", nil, true},            // a tag, taken by its content (the Limits may refuse tags)
		{"9f01ff", []any{int64(1)}, true},
	} {
		b, _ := hex.DecodeString(tt.hex)
		got, err := DecodeJSON(b, lim)
		if (err == nil) != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %#v, %v; want %#v (ok %v)", tt.hex, got, err, tt.want, tt.ok)
		}
		checkDecodeJSON(t, b)
	}
	strict := Limits{MaxDepth: 2, MaxItems: 2, DefiniteOnly: true, NoTags: true}
	for _, h := range []string{"c1f6", "9f01ff", "818181f6", "83010203", "7f6161ff"} {
		b, _ := hex.DecodeString(h)
		if v, err := DecodeJSON(b, strict); err == nil {
			t.Errorf("%s under %+v: %#v, no error", h, strict, v)
		}
	}
}
