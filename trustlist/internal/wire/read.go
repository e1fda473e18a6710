package wire

import (
	"bytes"
	"errors"
	"fmt"
	"math"

	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/internal/cose"
)

// VersionError is the error of [DecodePayload] for a payload of another
// format version than [Version].
type VersionError struct{ Version uint64 }

// Error names the version found and the one this code reads.
func (e *VersionError) Error() string {
	return fmt.Sprintf("format version %d; this verifier reads version %d", e.Version, Version)
}

// DecodeSign1 reads a bundle's COSE_Sign1 envelope (internal/cose) within
// lim: tagged (18, as the byte [TagSign1]) or not, with no other tag and no
// indefinite length anywhere, a protected header that is a map without
// crit, and integer labels in the unprotected header, which is otherwise
// ignored. Alg and KID come from the protected header; an absent alg reads
// as 0. The byte strings of the result alias b.
func DecodeSign1(b []byte, lim cbor.Limits) (cose.Sign1, error) {
	return cose.Decode(b, cose.Options{Limits: strict(lim), Strict: true})
}

// strict returns lim refusing what bundles never hold: indefinite lengths
// and tags.
func strict(lim cbor.Limits) cbor.Limits {
	lim.DefiniteOnly, lim.NoTags = true, true
	return lim
}

// DecodePayload reads a payload within lim: the whole of it is checked to be
// well-formed first, then its format version, then the fields of this
// version. It returns the raw CBOR of the top-level keys above [KeySigners]
// (reserved for later content; not interpreted, only checked to be
// well-formed). The byte strings of the result alias b.
//
// It reads the payload field by field with a [cbor.Reader], which gives the
// reserved content's raw bytes and a sequence number of 2⁶³ or more
// exactly, without building a map for every signer. What it accepts: definite lengths only, no tags, text strings in valid UTF-8,
// unsigned integer keys at the top level, integer or text keys in entries,
// no duplicate key in any map that it reads (the top level and the signer
// entries), and each field of the
// type the format gives it. Unknown keys of an entry are skipped.
func DecodePayload(b []byte, lim cbor.Limits) (*Payload, map[uint64][]byte, error) {
	h, fields, reserved, err := readTop(b, lim, KeySigners+1, Version, []int{KeySigners})
	if err != nil {
		return nil, nil, err
	}
	p := &Payload{Version: h.version, Sequence: h.sequence, IssuedAt: h.issuedAt, ExpiresAt: h.expiresAt}
	if p.Signers, err = readEntries(fields[KeySigners], lim); err != nil {
		return nil, nil, fmt.Errorf("key %d (signers): %w", KeySigners, err)
	}
	return p, reserved, nil
}

// header is what a bundle's payload and a revocation index share: keys 1
// to 4.
type header struct {
	version, sequence   uint64
	issuedAt, expiresAt int64
}

// readTop reads the top-level map of a payload (a bundle's or a revocation
// index's): every key an unsigned integer and given once, every value
// well-formed (the whole payload is known to be well-formed before its
// version is looked at). The value of each key below nfields is in
// fields, the others in rest. The version (key 1) must be version; keys
// 2 to 4 and those of need must be there.
func readTop(b []byte, lim cbor.Limits, nfields int, version uint64, need []int) (h header, fields [][]byte, rest map[uint64][]byte, err error) {
	r := cbor.NewReader(b, strict(lim))
	n, err := r.Map(1)
	if err != nil {
		return h, nil, nil, err
	}
	fields = make([][]byte, nfields)
	for range n {
		at := r.Offset()
		major, key, err := r.Head()
		if err != nil {
			return h, nil, nil, err
		}
		if major != 0 {
			return h, nil, nil, errorAt(at, "payload key is not an unsigned integer")
		}
		v, err := r.Raw(2)
		if err != nil {
			return h, nil, nil, err
		}
		if key < uint64(nfields) { // key 0 is no field: checked, then ignored
			if fields[key] != nil {
				return h, nil, nil, errorAt(at, "duplicate payload key")
			}
			fields[key] = v
			continue
		}
		if _, dup := rest[key]; dup {
			return h, nil, nil, errorAt(at, "duplicate payload key")
		}
		if rest == nil {
			rest = map[uint64][]byte{}
		}
		rest[key] = v
	}
	if err := r.End(); err != nil {
		return h, nil, nil, err
	}
	if fields[KeyVersion] == nil {
		return h, nil, nil, errors.New("no format version")
	}
	if h.version, err = readUint(fields[KeyVersion], lim); err != nil {
		return h, nil, nil, fmt.Errorf("format version: %w", err)
	}
	if h.version != version {
		return h, nil, nil, &VersionError{Version: h.version}
	}
	for _, key := range append([]int{KeySequence, KeyIssuedAt, KeyExpiresAt}, need...) {
		if fields[key] == nil {
			return h, nil, nil, fmt.Errorf("key %d is missing", key)
		}
	}
	if h.sequence, err = readUint(fields[KeySequence], lim); err != nil {
		return h, nil, nil, fmt.Errorf("key %d (sequence): %w", KeySequence, err)
	}
	if h.issuedAt, err = readInt(fields[KeyIssuedAt], lim); err != nil {
		return h, nil, nil, fmt.Errorf("key %d (issuedAt): %w", KeyIssuedAt, err)
	}
	if h.expiresAt, err = readInt(fields[KeyExpiresAt], lim); err != nil {
		return h, nil, nil, fmt.Errorf("key %d (expiresAt): %w", KeyExpiresAt, err)
	}
	return h, fields, rest, nil
}

// readEntries reads the array of signer entries.
func readEntries(b []byte, lim cbor.Limits) ([]Entry, error) {
	r := cbor.NewReader(b, strict(lim))
	n, err := r.Array(2)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, n)
	for i := range entries {
		if err := entry(r, &entries[i]); err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
	}
	return entries, nil
}

// entry reads one signer entry into e.
func entry(r *cbor.Reader, e *Entry) error {
	n, err := r.Map(3)
	if err != nil {
		return err
	}
	var seen uint8       // known keys read, as bits
	var unknown [][]byte // the encoded unknown keys, to refuse duplicates
	for range n {
		at := r.Offset()
		major, key, k, err := r.Item(4)
		if err != nil {
			return err
		}
		if major != 0 || key < EntryKID || key > EntrySPKI {
			// Unknown keys are ignored, but not twice; like labels
			// (RFC 9052 §1.4), they are integers or text strings.
			if major != 1 && major != 3 && major != 0 {
				return errorAt(at, "entry key is neither an integer nor a text string")
			}
			if major <= 1 {
				k = cbor.AppendHead(nil, major, key) // 1 and 0x1801 are one key
			}
			for _, u := range unknown {
				if bytes.Equal(u, k) {
					return errorAt(at, "duplicate key")
				}
			}
			unknown = append(unknown, k)
			if _, err := r.Raw(4); err != nil {
				return err
			}
			continue
		}
		if seen&(1<<key) != 0 {
			return errorAt(at, "duplicate key")
		}
		seen |= 1 << key
		switch key {
		case EntryKID:
			e.KID, err = r.Bytes()
		case EntryCountry:
			e.Country, err = r.Text()
		case EntryNotBefore:
			e.NotBefore, err = r.Int()
		case EntryNotAfter:
			e.NotAfter, err = r.Int()
		case EntryUsage:
			var u uint64
			if u, err = r.Uint(); err == nil && u > math.MaxUint8 {
				err = errorAt(at, "usage above 255")
			}
			e.Usage = uint8(u)
		case EntrySubject:
			e.Subject, err = r.Text()
		case EntrySPKI:
			e.SPKI, err = r.Bytes()
		}
		if err != nil {
			return fmt.Errorf("key %d: %w", key, err)
		}
	}
	return nil
}

// readUint reads b as exactly one unsigned integer.
func readUint(b []byte, lim cbor.Limits) (uint64, error) {
	r := cbor.NewReader(b, strict(lim))
	v, err := r.Uint()
	if err == nil && r.End() != nil {
		err = errorAt(r.Offset(), "extra data after the integer")
	}
	return v, err
}

// readInt reads b as exactly one integer in int64's range.
func readInt(b []byte, lim cbor.Limits) (int64, error) {
	r := cbor.NewReader(b, strict(lim))
	v, err := r.Int()
	if err == nil && r.End() != nil {
		err = errorAt(r.Offset(), "extra data after the integer")
	}
	return v, err
}

// errorAt is a payload error at offset off.
func errorAt(off int, reason string) error {
	return &cbor.Error{Offset: off, Reason: reason}
}
