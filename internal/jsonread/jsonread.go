// Package jsonread reads JSON text (RFC 8259) into the JSON-shaped tree the
// rest of passcheck works on: map[string]any, []any, string, float64, bool
// and nil. It exists so that code running in the WebAssembly module reads
// business rules and their data without encoding/json (whose reflection
// would grow the module), and it is strict where encoding/json is lax:
//
//   - invalid UTF-8, an unpaired surrogate escape, a duplicate object key,
//     a byte-order mark and anything after the value are errors;
//   - numbers become float64, as a JavaScript engine reads them (integers
//     beyond 2^53 lose precision, as they do there);
//   - the input size, the nesting depth, the length of a string and the
//     number of values are capped by [Limits], so hostile input ends with
//     an error in time and memory proportional to the cap.
//
// Start with [Read].
package jsonread

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits caps what [Read] accepts. A zero field takes its value from
// [DefaultLimits].
type Limits struct {
	MaxBytes  int // input length
	MaxDepth  int // nesting of arrays and objects; a scalar document has depth 0
	MaxString int // bytes of one decoded string or object key
	MaxValues int // values in the document, counting every scalar, array and object
}

// DefaultLimits suits a rule file, a rule test or a value-set document.
var DefaultLimits = Limits{MaxBytes: 8 << 20, MaxDepth: 128, MaxString: 1 << 20, MaxValues: 1 << 20}

// Error reports where the input stopped being acceptable JSON.
type Error struct {
	Offset int    // byte offset of the problem
	Msg    string // what is wrong
}

// Error returns "json: message at offset N".
func (e *Error) Error() string { return "json: " + e.Msg + " at offset " + strconv.Itoa(e.Offset) }

// IsLimit reports whether err is a [Read] error caused by a [Limits] cap.
func IsLimit(err error) bool {
	var e *Error
	return errors.As(err, &e) && len(e.Msg) > 6 && e.Msg[:6] == "limit:"
}

// Read parses data as one JSON value under lim and returns its tree.
func Read(data []byte, lim Limits) (any, error) {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultLimits.MaxBytes
	}
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultLimits.MaxDepth
	}
	if lim.MaxString <= 0 {
		lim.MaxString = DefaultLimits.MaxString
	}
	if lim.MaxValues <= 0 {
		lim.MaxValues = DefaultLimits.MaxValues
	}
	if len(data) > lim.MaxBytes {
		return nil, &Error{lim.MaxBytes, "limit: input longer than " + strconv.Itoa(lim.MaxBytes) + " bytes"}
	}
	r := reader{data: data, lim: lim}
	r.space()
	v, err := r.value(0)
	if err != nil {
		return nil, err
	}
	r.space()
	if r.off != len(r.data) {
		return nil, r.fail("data after the value")
	}
	return v, nil
}

type reader struct {
	data   []byte
	off    int
	values int
	lim    Limits
	buf    []byte // scratch for strings with escapes
}

func (r *reader) fail(msg string) error { return &Error{r.off, msg} }

func (r *reader) space() {
	for r.off < len(r.data) {
		switch r.data[r.off] {
		case ' ', '\t', '\n', '\r':
			r.off++
		default:
			return
		}
	}
}

func (r *reader) value(depth int) (any, error) {
	r.values++
	if r.values > r.lim.MaxValues {
		return nil, r.fail("limit: more than " + strconv.Itoa(r.lim.MaxValues) + " values")
	}
	if r.off >= len(r.data) {
		return nil, r.fail("unexpected end of input")
	}
	switch c := r.data[r.off]; {
	case c == '{':
		return r.object(depth + 1)
	case c == '[':
		return r.array(depth + 1)
	case c == '"':
		return r.str()
	case c == '-' || c >= '0' && c <= '9':
		return r.number()
	case c == 't':
		return true, r.literal("true")
	case c == 'f':
		return false, r.literal("false")
	case c == 'n':
		return nil, r.literal("null")
	default:
		return nil, r.fail("unexpected character " + strconv.QuoteRune(rune(c)))
	}
}

func (r *reader) literal(word string) error {
	if len(r.data)-r.off < len(word) || string(r.data[r.off:r.off+len(word)]) != word {
		return r.fail("invalid literal")
	}
	r.off += len(word)
	return nil
}

func (r *reader) object(depth int) (any, error) {
	if depth > r.lim.MaxDepth {
		return nil, r.fail("limit: nested deeper than " + strconv.Itoa(r.lim.MaxDepth))
	}
	r.off++ // {
	m := map[string]any{}
	r.space()
	if r.off < len(r.data) && r.data[r.off] == '}' {
		r.off++
		return m, nil
	}
	for {
		r.space()
		if r.off >= len(r.data) || r.data[r.off] != '"' {
			return nil, r.fail("expected a string key")
		}
		at := r.off
		k, err := r.str()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, &Error{at, "duplicate key " + strconv.Quote(k)}
		}
		r.space()
		if r.off >= len(r.data) || r.data[r.off] != ':' {
			return nil, r.fail("expected ':'")
		}
		r.off++
		r.space()
		v, err := r.value(depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
		r.space()
		if r.off >= len(r.data) {
			return nil, r.fail("unexpected end of input in an object")
		}
		switch r.data[r.off] {
		case ',':
			r.off++
		case '}':
			r.off++
			return m, nil
		default:
			return nil, r.fail("expected ',' or '}'")
		}
	}
}

func (r *reader) array(depth int) (any, error) {
	if depth > r.lim.MaxDepth {
		return nil, r.fail("limit: nested deeper than " + strconv.Itoa(r.lim.MaxDepth))
	}
	r.off++ // [
	a := []any{}
	r.space()
	if r.off < len(r.data) && r.data[r.off] == ']' {
		r.off++
		return a, nil
	}
	for {
		r.space()
		v, err := r.value(depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		r.space()
		if r.off >= len(r.data) {
			return nil, r.fail("unexpected end of input in an array")
		}
		switch r.data[r.off] {
		case ',':
			r.off++
		case ']':
			r.off++
			return a, nil
		default:
			return nil, r.fail("expected ',' or ']'")
		}
	}
}

// number reads the RFC 8259 number grammar exactly, then converts it.
func (r *reader) number() (any, error) {
	start := r.off
	d := r.data
	if d[r.off] == '-' {
		r.off++
	}
	switch {
	case r.off < len(d) && d[r.off] == '0':
		r.off++
	case r.off < len(d) && d[r.off] >= '1' && d[r.off] <= '9':
		for r.off < len(d) && d[r.off] >= '0' && d[r.off] <= '9' {
			r.off++
		}
	default:
		return nil, r.fail("invalid number")
	}
	if r.off < len(d) && d[r.off] == '.' {
		r.off++
		if !r.digits() {
			return nil, r.fail("invalid number: no digit after '.'")
		}
	}
	if r.off < len(d) && (d[r.off] == 'e' || d[r.off] == 'E') {
		r.off++
		if r.off < len(d) && (d[r.off] == '+' || d[r.off] == '-') {
			r.off++
		}
		if !r.digits() {
			return nil, r.fail("invalid number: no digit in the exponent")
		}
	}
	if r.off-start > 512 {
		return nil, &Error{start, "limit: number longer than 512 bytes"}
	}
	f, ok := parseNumber(string(d[start:r.off]))
	if !ok {
		// Only a range error is possible after the grammar check.
		return nil, &Error{start, "number out of range"}
	}
	return f, nil
}

func (r *reader) digits() bool {
	s := r.off
	for r.off < len(r.data) && r.data[r.off] >= '0' && r.data[r.off] <= '9' {
		r.off++
	}
	return r.off > s
}

// str reads a string starting at the opening quote.
func (r *reader) str() (string, error) {
	r.off++ // "
	start := r.off
	d := r.data
	// Fast path: no escape.
	for r.off < len(d) {
		c := d[r.off]
		if c == '"' {
			if r.off-start > r.lim.MaxString {
				return "", &Error{start, "limit: string longer than " + strconv.Itoa(r.lim.MaxString) + " bytes"}
			}
			s := string(d[start:r.off])
			r.off++
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", r.fail("control character in a string")
		}
		if c < utf8.RuneSelf {
			r.off++
			continue
		}
		ru, size := utf8.DecodeRune(d[r.off:])
		if ru == utf8.RuneError && size == 1 {
			return "", r.fail("invalid UTF-8")
		}
		r.off += size
	}
	b := append(r.buf[:0], d[start:r.off]...)
	for {
		if len(b) > r.lim.MaxString {
			return "", &Error{start, "limit: string longer than " + strconv.Itoa(r.lim.MaxString) + " bytes"}
		}
		if r.off >= len(d) {
			return "", r.fail("unterminated string")
		}
		c := d[r.off]
		switch {
		case c == '"':
			r.off++
			r.buf = b
			return string(b), nil
		case c == '\\':
			if r.off+1 >= len(d) {
				return "", r.fail("unterminated escape")
			}
			e := d[r.off+1]
			r.off += 2
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				ru, ok := r.hex4()
				if !ok {
					return "", r.fail("invalid \\u escape")
				}
				if utf16.IsSurrogate(ru) {
					if ru >= 0xdc00 || r.off+1 >= len(d) || d[r.off] != '\\' || d[r.off+1] != 'u' {
						return "", r.fail("unpaired surrogate in a \\u escape")
					}
					r.off += 2
					lo, ok := r.hex4()
					if !ok {
						return "", r.fail("invalid \\u escape")
					}
					ru = utf16.DecodeRune(ru, lo)
					if ru == utf8.RuneError {
						return "", r.fail("unpaired surrogate in a \\u escape")
					}
				}
				b = utf8.AppendRune(b, ru)
			default:
				return "", r.fail("invalid escape")
			}
		case c < 0x20:
			return "", r.fail("control character in a string")
		case c < utf8.RuneSelf:
			b = append(b, c)
			r.off++
		default:
			ru, size := utf8.DecodeRune(d[r.off:])
			if ru == utf8.RuneError && size == 1 {
				return "", r.fail("invalid UTF-8")
			}
			b = append(b, d[r.off:r.off+size]...)
			r.off += size
		}
	}
}

func (r *reader) hex4() (rune, bool) {
	if len(r.data)-r.off < 4 {
		return 0, false
	}
	var v rune
	for _, c := range r.data[r.off : r.off+4] {
		v <<= 4
		switch {
		case c >= '0' && c <= '9':
			v |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			v |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			v |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	r.off += 4
	return v, true
}
