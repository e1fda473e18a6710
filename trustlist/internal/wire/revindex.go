package wire

import (
	"errors"

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

// MaxIndexParts caps the parts one index names.
const MaxIndexParts = 64

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
// ignored.
func DecodeIndex(b []byte, lim cbor.Limits) (*Index, error) {
	h, fields, _, err := readTop(b, lim, IndexKeyParts+1, IndexVersion, nil)
	switch {
	case err != nil:
		return nil, err
	case fields[KeySigners] != nil:
		return nil, errors.New("a trust-list bundle (key 5), not a revocation index")
	case fields[IndexKeyParts] == nil:
		return nil, errors.New("key 16 (parts) is missing")
	}
	ix := &Index{Version: h.version, Sequence: h.sequence, IssuedAt: h.issuedAt, ExpiresAt: h.expiresAt}
	pr := cbor.NewReader(fields[IndexKeyParts], strict(lim))
	np, err := pr.Array(2)
	if err == nil && np > MaxIndexParts {
		err = errors.New("more than 64 parts")
	}
	if err == nil {
		ix.Parts = make([]IndexPart, np)
	}
	for i := range ix.Parts {
		p := &ix.Parts[i]
		at := pr.Offset()
		var m int
		m, err = pr.Array(3)
		if err == nil && m != 3 {
			err = errorAt(at, "a part is not [sha256, size, entries]")
		}
		if err == nil {
			p.SHA256, err = pr.Bytes()
		}
		if err == nil && len(p.SHA256) != 32 {
			err = errorAt(at, "a part's SHA-256 is not 32 bytes")
		}
		if err == nil {
			p.Size, err = pr.Uint()
		}
		if err == nil {
			p.Entries, err = pr.Uint()
		}
		if err != nil {
			break
		}
	}
	if err != nil {
		// Without fmt here: one call site less in the WebAssembly module
		// (wire's other readers still use it).
		return nil, prefixed("key 16 (parts): ", err)
	}
	return ix, nil
}

// prefixedError is err with prefix before its message; errors.Is and
// errors.As see err.
type prefixedError struct {
	prefix string
	err    error
}

func prefixed(prefix string, err error) error { return &prefixedError{prefix, err} }

func (e *prefixedError) Error() string { return e.prefix + e.err.Error() }
func (e *prefixedError) Unwrap() error { return e.err }
