// Package cbor is a small, strict CBOR (RFC 8949) reader for the structures
// passcheck reads inside the WebAssembly module: COSE_Sign1, CWT claims, the
// DCC payload and the trust bundle. It decodes one data item into plain Go
// values without reflection, which makes a pass decode several times faster
// than a general library and keeps the module smaller; encoding stays with
// github.com/fxamacker/cbor/v2 in the tools. A differential fuzz test holds
// it to fxamacker's reading of the same bytes.
//
// [Decode], [DecodeJSON] and [DecodeJSONAt] read a whole item into a tree; a
// [Reader] reads a format field by field (the trust-list bundle's payload),
// with unsigned integers exact to 2⁶⁴−1 and the raw bytes of an item where
// the format keeps content unread. [Limits] bound both, and can refuse
// indefinite lengths and tags for formats that never hold them.
//
// Values decode to: uint64/int64 → int64 (or float64 when out of int64's
// range), float16/32/64 → float64, byte string → []byte, text string →
// string (valid UTF-8 required), array → []any, map → map[any]any (keys
// int64 or string; other key types and duplicate keys are errors), tag →
// [Tag], false/true → bool, null/undefined → nil; other simple values are
// errors.
package cbor

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
	"unsafe"
)

// Tag is a tagged data item.
type Tag struct {
	Number  uint64
	Content any
}

// Limits bound what one Decode or Reader may read, and which encodings it
// takes.
type Limits struct {
	MaxDepth int // nesting of arrays, maps and tags; the top item is depth 1
	MaxItems int // elements of one array, pairs of one map

	// DefiniteOnly refuses indefinite-length strings, arrays and maps (and
	// so every break byte), for formats written in definite lengths only.
	DefiniteOnly bool
	// NoTags refuses every tag, for formats that hold none.
	NoTags bool
}

// Error is a decode failure at a byte offset.
type Error struct {
	Offset int
	Reason string
}

// Error says what is wrong and where.
func (e *Error) Error() string { return fmt.Sprintf("cbor: %s at offset %d", e.Reason, e.Offset) }

// ErrTrailing reports bytes after the single data item.
var ErrTrailing = errors.New("cbor: extra data after the item")

// Decode reads exactly one data item from data.
func Decode(data []byte, lim Limits) (any, error) {
	d := decoder{Reader: Reader{data: data, lim: lim}}
	v, err := d.item(1)
	if err != nil {
		return nil, err
	}
	if d.off != len(data) {
		return nil, ErrTrailing
	}
	return v, nil
}

// DecodeJSONAt reads exactly one data item from data, as Decode does,
// except for the value found by following the integer keys of path from the
// top-level map, map by map: that value is read as a JSON-shaped tree, as
// JSON would hold it. Its maps become map[string]any and must have text
// keys only; byte strings become their standard base64 (as encoding/json
// writes []byte); tags are replaced by their content; NaN and infinities
// become nil. Every check and limit of Decode applies all the same.
//
// It reads a CWT's payload (path -260, 1 in the DCC's claims) in one pass,
// without building the generic tree first and converting it after. The
// text strings it returns share data's memory instead of copying it (most
// of a payload's allocations otherwise): data must not change afterwards.
// raw is the encoding of the value at path, a part of data (nil when path
// leads nowhere), for [AppendJSON].
func DecodeJSONAt(data []byte, lim Limits, path ...int64) (v any, raw []byte, err error) {
	d := decoder{Reader: Reader{data: data, lim: lim}, path: path, share: true}
	v, err = d.item(1)
	if err != nil {
		return nil, nil, err
	}
	if d.off != len(data) {
		return nil, nil, ErrTrailing
	}
	return v, d.raw, nil
}

// DecodeJSON reads exactly one data item from data as a JSON-shaped tree,
// as [DecodeJSONAt] reads the value at its path: map[string]any (text keys
// only), []any, string, int64 or float64, bool and nil. It reads content
// that a format stores as JSON written in CBOR (the trust bundle's business
// rules and value sets), with the checks and limits of Decode. Unlike
// DecodeJSONAt it copies text strings out of data.
func DecodeJSON(data []byte, lim Limits) (any, error) {
	d := decoder{Reader: Reader{data: data, lim: lim}}
	v, err := d.jsonItem(1)
	if err != nil {
		return nil, err
	}
	if d.off != len(data) {
		return nil, ErrTrailing
	}
	return v, nil
}

type decoder struct {
	Reader

	// path leads to the value read as JSON (DecodeJSONAt); onPath holds
	// while the item being read is the one that path's next key leads into.
	path   []int64
	onPath bool

	share bool   // text strings point into data (DecodeJSONAt)
	raw   []byte // the encoding of the value at path (DecodeJSONAt)
}

func (d *decoder) item(depth int) (any, error) {
	onPath := d.onPath || depth == 1
	d.onPath = false
	major, info, arg, err := d.head()
	if err != nil {
		return nil, err
	}
	switch major {
	case 0:
		if arg > math.MaxInt64 {
			return float64(arg), nil
		}
		return int64(arg), nil
	case 1:
		if arg > math.MaxInt64 {
			return -1 - float64(arg), nil
		}
		return -1 - int64(arg), nil
	case 2, 3:
		b, err := d.str(major, info, arg)
		if err != nil {
			return nil, err
		}
		if major == 2 {
			return b, nil
		}
		if !utf8.Valid(b) {
			return nil, d.fail("text string is not valid UTF-8")
		}
		if d.share {
			return unsafe.String(unsafe.SliceData(b), len(b)), nil
		}
		return string(b), nil
	case 4:
		return d.array(info, arg, depth, d.item)
	case 5:
		out := make(map[any]any, min(arg, 32))
		err := d.each(info, arg, depth, true, func(int) error {
			at := d.off
			k, err := d.item(depth + 1)
			if err != nil {
				return err
			}
			switch k.(type) {
			case int64, string:
			default:
				return &Error{Offset: at, Reason: "map key is neither an integer nor a text string"}
			}
			if _, dup := out[k]; dup {
				return &Error{Offset: at, Reason: "duplicate map key"}
			}
			var v any
			if n, ok := k.(int64); ok && onPath && depth <= len(d.path) && n == d.path[depth-1] {
				if depth == len(d.path) {
					start := d.off
					v, err = d.jsonItem(depth + 1)
					d.raw = d.data[start:d.off:d.off]
				} else {
					d.onPath = true
					v, err = d.item(depth + 1)
				}
			} else {
				v, err = d.item(depth + 1)
			}
			if err != nil {
				return err
			}
			out[k] = v
			return nil
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	case 6:
		if depth > d.lim.MaxDepth {
			return nil, d.fail("nested too deeply")
		}
		v, err := d.item(depth + 1)
		if err != nil {
			return nil, err
		}
		return Tag{Number: arg, Content: v}, nil
	default: // 7: simple values and floats
		switch info {
		case 20:
			return false, nil
		case 21:
			return true, nil
		case 22, 23:
			return nil, nil
		case 25:
			return float16(uint16(arg)), nil
		case 26:
			return float64(math.Float32frombits(uint32(arg))), nil
		case 27:
			return math.Float64frombits(arg), nil
		case 31:
			return nil, d.fail("unexpected break")
		}
		return nil, d.fail("unsupported simple value")
	}
}

// jsonItem reads an item as DecodeJSONAt reads the value at its path.
func (d *decoder) jsonItem(depth int) (any, error) {
	at := d.off
	major, info, arg, err := d.head()
	if err != nil {
		return nil, err
	}
	switch major {
	case 2:
		b, err := d.str(major, info, arg)
		if err != nil {
			return nil, err
		}
		return base64.StdEncoding.EncodeToString(b), nil
	case 4:
		return d.array(info, arg, depth, d.jsonItem)
	case 5:
		out := make(map[string]any, min(arg, 32))
		err := d.each(info, arg, depth, true, func(int) error {
			at := d.off
			k, err := d.item(depth + 1)
			if err != nil {
				return err
			}
			ks, ok := k.(string)
			if !ok {
				if _, isInt := k.(int64); !isInt {
					return &Error{Offset: at, Reason: "map key is neither an integer nor a text string"}
				}
				return &Error{Offset: at, Reason: "map key is not a text string"}
			}
			if _, dup := out[ks]; dup {
				return &Error{Offset: at, Reason: "duplicate map key"}
			}
			v, err := d.jsonItem(depth + 1)
			out[ks] = v
			return err
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	case 6:
		if depth > d.lim.MaxDepth {
			return nil, d.fail("nested too deeply")
		}
		return d.jsonItem(depth + 1)
	}
	// Integers, text strings, simple values and floats read as Decode reads
	// them, but for non-finite floats.
	d.off = at
	v, err := d.item(depth)
	if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return nil, err
	}
	return v, err
}

// array reads the elements of an array whose head (info, arg) was just read
// at depth, each with read.
func (d *decoder) array(info byte, arg uint64, depth int, read func(depth int) (any, error)) ([]any, error) {
	out := []any{}
	err := d.each(info, arg, depth, false, func(int) error {
		v, err := read(depth + 1)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// float16 converts an IEEE 754 half-precision number (RFC 8949 Appendix D).
func float16(h uint16) float64 {
	exp := int(h>>10) & 0x1f
	mant := float64(h & 0x3ff)
	var v float64
	switch exp {
	case 0:
		v = math.Ldexp(mant, -24)
	case 31:
		if mant == 0 {
			v = math.Inf(1)
		} else {
			v = math.NaN()
		}
	default:
		v = math.Ldexp(mant+1024, exp-25)
	}
	if h&0x8000 != 0 {
		return -v
	}
	return v
}
