package trustlist

import (
	"crypto"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

// MaxIndexSize caps the bytes of a revocation index (64 parts take about
// 3 KB).
const MaxIndexSize = 64 << 10

// RevocationIndex is a loaded revocation index: the signed list of the
// revocation parts (package revocation reads them) that make up the
// revocation list, each named by its SHA-256. It is published beside the
// bundle, signed by the same publisher key, with its own sequence and
// expiry, so that a revocation update does not force a new bundle download
// nor the other way round.
type RevocationIndex struct {
	// Sequence grows with each index published; keep the highest one seen
	// and pass it to the next [LoadRevocationIndex].
	Sequence uint64
	// IssuedAt and ExpiresAt bound the time the publisher vouches for the
	// index. An index past its expiry still loads: its entries still
	// revoke, and the verifier reports the list stale (REVOCATION_STALE).
	IssuedAt, ExpiresAt time.Time
	// PublisherKID is the key ID in the index's protected header.
	PublisherKID []byte
	// Parts are the parts, in the order they are to be added.
	Parts []RevocationPart
}

// RevocationPart is one part an index names.
type RevocationPart struct {
	SHA256  [32]byte
	Size    int // bytes
	Entries int // entries it holds
}

// Name returns the part's file name in a published tree,
// trustlist-<SHA-256 hex>.part, beside the pointer.
func (p RevocationPart) Name() string {
	return "trustlist-" + hex.EncodeToString(p.SHA256[:]) + ".part"
}

// Entries returns the entries of every part.
func (ix *RevocationIndex) Entries() int {
	n := 0
	for _, p := range ix.Parts {
		n += p.Entries
	}
	return n
}

// LoadRevocationIndex checks a revocation index and returns it. The checks,
// in order, each with the code of the same check of [Load]:
//
//  1. size (at most [MaxIndexSize]) and COSE_Sign1 structure: [Invalid];
//  2. the ES256 signature over the bytes as received, by one of pinned:
//     [SignatureInvalid];
//  3. the payload's format version: [VersionUnknown]; then its fields
//     (a bundle is not an index): [Invalid];
//  4. the sequence against lastSeenSequence, the highest index sequence the
//     caller has accepted before: below it is a [Rollback] (TUF §5.4.3).
//
// Expiry is not a reason to refuse an index: the caller judges it
// (revocation.Status), since an expired list still knows what it revoked.
// Of the options, only [WithSignatureCheckedBy] applies.
func LoadRevocationIndex(b []byte, pinned []crypto.PublicKey, lastSeenSequence uint64, opts ...Option) (*RevocationIndex, error) {
	msg, err := openSized(b, MaxIndexSize)
	if err != nil {
		return nil, err
	}
	if err := newConfig(opts).verify(msg, pinned); err != nil {
		return nil, err
	}
	ix, err := decodeIndex(msg.Payload, msg.KID)
	if err != nil {
		return nil, err
	}
	if ix.Sequence < lastSeenSequence {
		return nil, &dcc.Error{Code: Rollback, Err: errors.New("the revocation index has sequence " + strconv.FormatUint(ix.Sequence, 10) + ", below " + strconv.FormatUint(lastSeenSequence, 10) + " seen before")}
	}
	return ix, nil
}

// ParseRevocationIndexUnverified reads an index without checking its
// signature or sequence: for tools that show what it holds and for the
// publisher's bookkeeping. Never check passes against what it names; use
// [LoadRevocationIndex].
func ParseRevocationIndexUnverified(b []byte) (*RevocationIndex, error) {
	msg, err := openSized(b, MaxIndexSize)
	if err != nil {
		return nil, err
	}
	return decodeIndex(msg.Payload, msg.KID)
}

func decodeIndex(payload, kid []byte) (*RevocationIndex, error) {
	w, err := wire.DecodeIndex(payload, limits)
	if err != nil {
		code := Invalid
		var v *wire.VersionError
		if errors.As(err, &v) {
			code = VersionUnknown
		}
		return nil, fail(code, "revocation index: %w", err)
	}
	// The checks below build their messages without fmt, as wire's do:
	// this code runs in the WebAssembly module.
	bad := ""
	if w.ExpiresAt <= w.IssuedAt {
		bad = "expires not after issued"
	}
	ix := &RevocationIndex{
		Sequence:     w.Sequence,
		IssuedAt:     time.Unix(w.IssuedAt, 0).UTC(),
		ExpiresAt:    time.Unix(w.ExpiresAt, 0).UTC(),
		PublisherKID: kid,
		Parts:        make([]RevocationPart, len(w.Parts)),
	}
	for i, p := range w.Parts {
		rp := &ix.Parts[i]
		copy(rp.SHA256[:], p.SHA256)
		// At most wire.MaxIndexParts parts: comparing each with those
		// before it costs less than a map, in time and in code.
		for _, q := range ix.Parts[:i] {
			if q.SHA256 == rp.SHA256 {
				bad = "part " + strconv.Itoa(i+1) + " named twice"
			}
		}
		if p.Size == 0 || p.Size > maxPartSize || p.Entries > maxIndexEntries {
			bad = "part " + strconv.Itoa(i+1) + ": size or entry count out of range"
		}
		rp.Size, rp.Entries = int(p.Size), int(p.Entries)
	}
	if bad != "" {
		return nil, &dcc.Error{Code: Invalid, Err: errors.New("revocation index: " + bad)}
	}
	return ix, nil
}

// Caps on what an index may name; package revocation enforces its own
// limits on the parts themselves.
const (
	maxPartSize     = 64 << 20
	maxIndexEntries = 16 << 20
)
