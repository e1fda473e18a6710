package wire

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/passcheck/passcheck/trustlist/internal/frozen/cbor"
)

// VersionError is the error of [DecodePayload] for a payload of another
// format version than [Version].
type VersionError struct{ Version uint64 }

// Error names the version found and the one this code reads.
func (e *VersionError) Error() string {
	return fmt.Sprintf("format version %d; this verifier reads version %d", e.Version, Version)
}

// DecodeSign1 reads a COSE_Sign1 message, tagged (18) or not, within lim.
// The byte strings of the result alias b.
func DecodeSign1(b []byte, lim cbor.Limits) (*Sign1, error) {
	if len(b) > 0 && b[0] == TagSign1 {
		b = b[1:]
	}
	v, err := decodeStrict(b, lim)
	if err != nil {
		return nil, fmt.Errorf("COSE_Sign1: %w", err)
	}
	a, ok := v.([]any)
	if !ok || len(a) != 4 {
		return nil, errors.New("COSE_Sign1: not an array of four items")
	}
	prot, ok := a[0].([]byte)
	if !ok {
		return nil, errors.New("COSE_Sign1: the protected header is not a byte string")
	}
	unprot, ok := a[1].(map[any]any)
	if !ok {
		return nil, errors.New("COSE_Sign1: the unprotected header is not a map")
	}
	for k := range unprot {
		if _, ok := k.(int64); !ok {
			return nil, fmt.Errorf("COSE_Sign1: unprotected header label %q is not an integer", k)
		}
	}
	payload, ok := a[2].([]byte)
	if !ok {
		return nil, errors.New("COSE_Sign1: no payload (detached, or not a byte string)")
	}
	sig, ok := a[3].([]byte)
	if !ok {
		return nil, errors.New("COSE_Sign1: the signature is not a byte string")
	}
	return &Sign1{Protected: prot, Payload: payload, Signature: sig}, nil
}

// DecodeProtected reads a serialized protected header. Labels other than
// alg, crit and kid are ignored; a crit label is refused, since this reader
// understands no critical header (RFC 9052 §3.1). An absent alg reads as 0.
// KID aliases b.
func DecodeProtected(b []byte, lim cbor.Limits) (*Protected, error) {
	v, err := decodeStrict(b, lim)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[any]any)
	if !ok {
		return nil, errors.New("not a map")
	}
	if c, ok := m[int64(HeaderCrit)]; ok {
		return nil, fmt.Errorf("critical headers %v are not understood", c)
	}
	var p Protected
	if a, ok := m[int64(HeaderAlg)]; ok {
		if p.Alg, ok = a.(int64); !ok {
			return nil, fmt.Errorf("alg %v is not an integer", a)
		}
	}
	if k, ok := m[int64(HeaderKID)]; ok {
		if p.KID, ok = k.([]byte); !ok {
			return nil, errors.New("kid is not a byte string")
		}
	}
	return &p, nil
}

// decodeStrict decodes one item with internal/cbor after checking that b
// holds no indefinite-length item and no tag.
func decodeStrict(b []byte, lim cbor.Limits) (any, error) {
	r := reader{b: b, lim: lim}
	if err := r.skip(1); err != nil {
		return nil, err
	}
	if r.off != len(b) {
		return nil, cbor.ErrTrailing
	}
	return cbor.Decode(b, lim)
}

// DecodePayload reads a payload within lim: the whole of it is checked to be
// well-formed first, then its format version, then the fields of this
// version. It returns the raw CBOR of the top-level keys above [KeySigners]
// (reserved for later content; not interpreted, only checked to be
// well-formed). The byte strings of the result alias b.
//
// It reads the payload itself rather than through internal/cbor, which
// would not give the reserved content's raw bytes nor a sequence number of
// 2⁶³ or more exactly, and would build a map for every signer. What it
// accepts: definite lengths only, no tags, text strings in valid UTF-8,
// unsigned integer keys at the top level, integer or text keys in entries,
// no duplicate key in any map that it reads (the top level and the signer
// entries), and each field of the
// type the format gives it. Unknown keys of an entry are skipped.
func DecodePayload(b []byte, lim cbor.Limits) (*Payload, map[uint64][]byte, error) {
	// The top-level walk checks every value (raw), so the whole payload is
	// known to be well-formed before its version is looked at.
	r := reader{b: b, lim: lim}
	n, err := r.container(5, 1)
	if err != nil {
		return nil, nil, err
	}
	var fields [KeySigners + 1][]byte
	var reserved map[uint64][]byte
	for range n {
		at := r.off
		major, _, key, err := r.head()
		if err != nil {
			return nil, nil, err
		}
		if major != 0 {
			return nil, nil, r.errorAt(at, "payload key is not an unsigned integer")
		}
		v, err := r.raw(2)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case key <= KeySigners: // key 0 is no field: checked, then ignored
			if fields[key] != nil {
				return nil, nil, r.errorAt(at, "duplicate payload key")
			}
			fields[key] = v
		default:
			if _, dup := reserved[key]; dup {
				return nil, nil, r.errorAt(at, "duplicate payload key")
			}
			if reserved == nil {
				reserved = map[uint64][]byte{}
			}
			reserved[key] = v
		}
	}
	if r.off != len(b) {
		return nil, nil, cbor.ErrTrailing
	}
	if fields[KeyVersion] == nil {
		return nil, nil, errors.New("no format version")
	}
	version, err := readUint(fields[KeyVersion], lim)
	if err != nil {
		return nil, nil, fmt.Errorf("format version: %w", err)
	}
	if version != Version {
		return nil, nil, &VersionError{Version: version}
	}
	for key := KeySequence; key <= KeySigners; key++ {
		if fields[key] == nil {
			return nil, nil, fmt.Errorf("key %d is missing", key)
		}
	}
	p := &Payload{Version: version}
	if p.Sequence, err = readUint(fields[KeySequence], lim); err != nil {
		return nil, nil, fmt.Errorf("key %d (sequence): %w", KeySequence, err)
	}
	if p.IssuedAt, err = readInt(fields[KeyIssuedAt], lim); err != nil {
		return nil, nil, fmt.Errorf("key %d (issuedAt): %w", KeyIssuedAt, err)
	}
	if p.ExpiresAt, err = readInt(fields[KeyExpiresAt], lim); err != nil {
		return nil, nil, fmt.Errorf("key %d (expiresAt): %w", KeyExpiresAt, err)
	}
	if p.Signers, err = readEntries(fields[KeySigners], lim); err != nil {
		return nil, nil, fmt.Errorf("key %d (signers): %w", KeySigners, err)
	}
	return p, reserved, nil
}

// readEntries reads the array of signer entries.
func readEntries(b []byte, lim cbor.Limits) ([]Entry, error) {
	r := reader{b: b, lim: lim}
	n, err := r.container(4, 2)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, n)
	for i := range entries {
		if err := r.entry(&entries[i]); err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
	}
	return entries, nil
}

// entry reads one signer entry into e.
func (r *reader) entry(e *Entry) error {
	n, err := r.container(5, 3)
	if err != nil {
		return err
	}
	var seen uint8       // known keys read, as bits
	var unknown [][]byte // the encoded unknown keys, to refuse duplicates
	for range n {
		at := r.off
		major, _, key, err := r.head()
		if err != nil {
			return err
		}
		if major != 0 || key < EntryKID || key > EntrySPKI {
			// Unknown keys are ignored, but not twice; like labels
			// (RFC 9052 §1.4), they are integers or text strings.
			if major != 1 && major != 3 && major != 0 {
				return r.errorAt(at, "entry key is neither an integer nor a text string")
			}
			if err := r.skipFrom(at, 4); err != nil {
				return err
			}
			k := r.b[at:r.off]
			if major <= 1 {
				k = appendHead(nil, major, key) // 1 and 0x1801 are one key
			}
			for _, u := range unknown {
				if bytes.Equal(u, k) {
					return r.errorAt(at, "duplicate key")
				}
			}
			unknown = append(unknown, k)
			if err := r.skip(4); err != nil {
				return err
			}
			continue
		}
		if seen&(1<<key) != 0 {
			return r.errorAt(at, "duplicate key")
		}
		seen |= 1 << key
		switch key {
		case EntryKID:
			e.KID, err = r.str(2)
		case EntryCountry:
			e.Country, err = r.text()
		case EntryNotBefore:
			e.NotBefore, err = r.int()
		case EntryNotAfter:
			e.NotAfter, err = r.int()
		case EntryUsage:
			var u uint64
			if u, err = r.uint(); err == nil && u > math.MaxUint8 {
				err = r.errorAt(at, "usage above 255")
			}
			e.Usage = uint8(u)
		case EntrySubject:
			e.Subject, err = r.text()
		case EntrySPKI:
			e.SPKI, err = r.str(2)
		}
		if err != nil {
			return fmt.Errorf("key %d: %w", key, err)
		}
	}
	return nil
}

// readUint reads b as exactly one unsigned integer.
func readUint(b []byte, lim cbor.Limits) (uint64, error) {
	r := reader{b: b, lim: lim}
	v, err := r.uint()
	if err == nil && r.off != len(b) {
		err = r.errorAt(r.off, "extra data after the integer")
	}
	return v, err
}

// readInt reads b as exactly one integer in int64's range.
func readInt(b []byte, lim cbor.Limits) (int64, error) {
	r := reader{b: b, lim: lim}
	v, err := r.int()
	if err == nil && r.off != len(b) {
		err = r.errorAt(r.off, "extra data after the integer")
	}
	return v, err
}

// reader reads the subset of CBOR (RFC 8949) that bundles are written in:
// definite lengths only, no tags.
type reader struct {
	b   []byte
	off int
	lim cbor.Limits
}

func (r *reader) errorAt(off int, reason string) error {
	return &cbor.Error{Offset: off, Reason: reason}
}

// head reads an initial byte and its argument (RFC 8949 §3). An
// indefinite length, a break and the reserved additional information
// values are errors.
func (r *reader) head() (major, info byte, arg uint64, err error) {
	if r.off >= len(r.b) {
		return 0, 0, 0, r.errorAt(r.off, "unexpected end of data")
	}
	at := r.off
	c := r.b[r.off]
	r.off++
	major, info = c>>5, c&0x1f
	switch {
	case info < 24:
		return major, info, uint64(info), nil
	case info <= 27:
		n := 1 << (info - 24)
		if len(r.b)-r.off < n {
			return 0, 0, 0, r.errorAt(at, "unexpected end of data")
		}
		for _, c := range r.b[r.off : r.off+n] {
			arg = arg<<8 | uint64(c)
		}
		r.off += n
		return major, info, arg, nil
	case info == 31:
		return 0, 0, 0, r.errorAt(at, "indefinite-length item or break (bundles use definite lengths)")
	}
	return 0, 0, 0, r.errorAt(at, "reserved additional information")
}

// skip checks one well-formed data item at depth (the top item is 1) and
// moves past it: a text string must be valid UTF-8, nesting and sizes stay
// within r.lim, tags are refused.
func (r *reader) skip(depth int) error {
	return r.skipFrom(r.off, depth)
}

func (r *reader) skipFrom(at, depth int) error {
	r.off = at
	major, info, arg, err := r.head()
	if err != nil {
		return err
	}
	switch major {
	case 0, 1:
		return nil
	case 2, 3:
		if arg > uint64(len(r.b)-r.off) {
			return r.errorAt(at, "string longer than the data")
		}
		s := r.b[r.off : r.off+int(arg)]
		r.off += int(arg)
		if major == 3 && !utf8.Valid(s) {
			return r.errorAt(at, "text string is not valid UTF-8")
		}
		return nil
	case 4, 5:
		if depth > r.lim.MaxDepth {
			return r.errorAt(at, "nested too deeply")
		}
		if arg > uint64(r.lim.MaxItems) {
			return r.errorAt(at, "too many elements")
		}
		n := int(arg)
		if major == 5 {
			n *= 2
		}
		for range n {
			if err := r.skip(depth + 1); err != nil {
				return err
			}
		}
		return nil
	case 6:
		return r.errorAt(at, "tag (bundles hold none)")
	}
	// Major type 7: a simple value in the initial byte, a float, or a
	// simple value of 32 or more in one extra byte (RFC 8949 §3.3).
	if info == 24 && arg < 32 {
		return r.errorAt(at, "simple value not well-formed")
	}
	return nil
}

// raw skips the item at depth and returns its bytes.
func (r *reader) raw(depth int) ([]byte, error) {
	at := r.off
	if err := r.skip(depth); err != nil {
		return nil, err
	}
	return r.b[at:r.off], nil
}

// container reads the head of an array (major 4) or map (major 5) at depth
// and returns its number of elements or pairs.
func (r *reader) container(major byte, depth int) (int, error) {
	at := r.off
	m, _, n, err := r.head()
	if err != nil {
		return 0, err
	}
	if m != major {
		if major == 4 {
			return 0, r.errorAt(at, "not an array")
		}
		return 0, r.errorAt(at, "not a map")
	}
	if depth > r.lim.MaxDepth {
		return 0, r.errorAt(at, "nested too deeply")
	}
	if n > uint64(r.lim.MaxItems) {
		return 0, r.errorAt(at, "too many elements")
	}
	return int(n), nil
}

func (r *reader) uint() (uint64, error) {
	at := r.off
	major, _, arg, err := r.head()
	if err != nil {
		return 0, err
	}
	if major != 0 {
		return 0, r.errorAt(at, "not an unsigned integer")
	}
	return arg, nil
}

func (r *reader) int() (int64, error) {
	at := r.off
	major, _, arg, err := r.head()
	if err != nil {
		return 0, err
	}
	if major > 1 {
		return 0, r.errorAt(at, "not an integer")
	}
	if arg > math.MaxInt64 {
		return 0, r.errorAt(at, "integer out of range")
	}
	if major == 1 {
		return -1 - int64(arg), nil
	}
	return int64(arg), nil
}

// str reads a byte string (major 2) or the bytes of a text string (3),
// aliasing r.b.
func (r *reader) str(major byte) ([]byte, error) {
	at := r.off
	m, _, n, err := r.head()
	if err != nil {
		return nil, err
	}
	if m != major {
		if major == 2 {
			return nil, r.errorAt(at, "not a byte string")
		}
		return nil, r.errorAt(at, "not a text string")
	}
	if n > uint64(len(r.b)-r.off) {
		return nil, r.errorAt(at, "string longer than the data")
	}
	s := r.b[r.off : r.off+int(n) : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

// text reads a text string in valid UTF-8.
func (r *reader) text() (string, error) {
	at := r.off
	s, err := r.str(3)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(s) {
		return "", r.errorAt(at, "text string is not valid UTF-8")
	}
	return string(s), nil
}
