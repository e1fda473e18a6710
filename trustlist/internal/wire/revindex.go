package wire

import (
	"errors"
	"fmt"

	"github.com/passcheck/passcheck/internal/cbor"
)

// IndexVersion is the format version of a revocation index payload.
const IndexVersion = 1

// Revocation index payload keys. Keys 1 to 4 mean what they mean in a
// bundle; the parts are under IndexKeyParts. An index has no key 5 (a
// bundle's signers) and a bundle has no key 16, so that neither is ever
// read as the other although both are signed by the same publisher key.
const (
	IndexKeyParts = 16
)

// Caps on what an index may name: parts, and each part's size and
// entries (package revocation enforces its own limits on the parts
// themselves).
const (
	MaxIndexParts  = 64
	MaxPartSize    = 64 << 20
	MaxPartEntries = 16 << 20
)

// Index is the signed content of a revocation index: which revocation
// parts, named by their SHA-256, make up the revocation list. The struct
// tags are the writer's.
type Index struct {
	Version   uint64      `cbor:"1,keyasint"`
	Sequence  uint64      `cbor:"2,keyasint"`
	IssuedAt  int64       `cbor:"3,keyasint"` // Unix seconds
	ExpiresAt int64       `cbor:"4,keyasint"` // Unix seconds
	Parts     []IndexPart `cbor:"16,keyasint"`
}

// IndexPart names one part: [SHA-256 (32 bytes), size in bytes, entries].
type IndexPart struct {
	_       struct{} `cbor:",toarray"`
	SHA256  []byte
	Size    uint64
	Entries uint64
}

// DecodeIndex reads a revocation index payload within lim: a map with
// unsigned integer keys, no duplicates, keys 1 to 4 and 16 present, key 5
// absent; other keys (for later versions) are checked to be well-formed and
// ignored; an expiry after the issue time; parts each named once, of 1 to
// [MaxPartSize] bytes and at most [MaxPartEntries] entries. It returns keys
// 2 to 4 and calls part with each part, in order. (No Index is built: the
// caller fills its own, and Index's types stay out of the WebAssembly
// module.)
func DecodeIndex(b []byte, lim cbor.Limits, part func(sha256 []byte, size, entries uint64)) (sequence uint64, issuedAt, expiresAt int64, err error) {
	h, fields, _, err := readTop(b, lim, IndexKeyParts+1, IndexVersion, nil)
	switch {
	case err != nil:
		return 0, 0, 0, err
	case fields[KeySigners] != nil:
		return 0, 0, 0, errors.New("a trust-list bundle (key 5), not a revocation index")
	case fields[IndexKeyParts] == nil:
		return 0, 0, 0, errors.New("key 16 (parts) is missing")
	case h.expiresAt <= h.issuedAt:
		return 0, 0, 0, errors.New("expires not after issued")
	}
	// Key 16: an array of at most MaxIndexParts arrays [SHA-256 (32
	// bytes), size, entries].
	r := cbor.NewReader(fields[IndexKeyParts], strict(lim))
	np, err := r.Array(2)
	if err == nil && np > MaxIndexParts {
		err = errors.New("more than 64 parts")
	}
	var seen [MaxIndexParts][]byte
	for i := 0; i < np && err == nil; i++ {
		at := r.Offset()
		var m int
		var sha []byte
		var size, entries uint64
		m, err = r.Array(3)
		if err == nil {
			sha, err = r.Bytes()
		}
		if err == nil {
			size, err = r.Uint()
		}
		if err == nil {
			entries, err = r.Uint()
		}
		// At most 64 parts: comparing each with those before it costs
		// less than a map, in time and in code.
		ok := m == 3 && len(sha) == 32 && size > 0 && size <= MaxPartSize && entries <= MaxPartEntries
		for _, q := range seen[:i] {
			ok = ok && string(q) != string(sha)
		}
		seen[i] = sha
		if err == nil && !ok {
			err = errorAt(at, "a part is not [32-byte SHA-256, 1 to 64 MiB, at most 16 Mi entries], or is named twice")
		}
		if err == nil {
			part(sha, size, entries)
		}
	}
	if err != nil {
		return 0, 0, 0, fmt.Errorf("key 16 (parts): %w", err)
	}
	return h.sequence, h.issuedAt, h.expiresAt, nil
}
