package trustlist

import (
	"crypto"
	"encoding/hex"
	"errors"
	"time"

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
func LoadRevocationIndex(b []byte, pinned []crypto.PublicKey, lastSeenSequence uint64) (*RevocationIndex, error) {
	msg, err := openSized(b, MaxIndexSize)
	if err != nil {
		return nil, err
	}
	if err := verify(msg, pinned); err != nil {
		return nil, err
	}
	ix, err := decodeIndex(msg.Payload, msg.KID)
	if err != nil {
		return nil, err
	}
	if ix.Sequence < lastSeenSequence {
		return nil, fail(Rollback, "the revocation index has sequence %d, below %d seen before", ix.Sequence, lastSeenSequence)
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
	ix := &RevocationIndex{PublisherKID: kid}
	seq, issued, expires, err := wire.DecodeIndex(payload, limits, func(sha []byte, size, entries uint64) {
		p := RevocationPart{Size: int(size), Entries: int(entries)}
		copy(p.SHA256[:], sha)
		ix.Parts = append(ix.Parts, p)
	})
	if err != nil {
		code := Invalid
		var v *wire.VersionError
		if errors.As(err, &v) {
			code = VersionUnknown
		}
		return nil, fail(code, "revocation index: %w", err)
	}
	ix.Sequence, ix.IssuedAt, ix.ExpiresAt = seq, time.Unix(issued, 0).UTC(), time.Unix(expires, 0).UTC()
	return ix, nil
}
