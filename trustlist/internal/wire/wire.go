// Package wire holds the trust-list bundle's CBOR structures and reads its
// COSE_Sign1 envelope (RFC 9052 §4.2) and payload. The reader (trustlist)
// and the writer (trustlist/publish, through trustlist/internal/encode) share
// it. The bundle format is documented field by field in docs/trustlist.md.
//
// Reading uses passcheck's own strict CBOR reader (internal/cbor), not a
// general library, so that the WebAssembly module carries no reflection-based
// CBOR code: this package imports no encoder. On top of internal/cbor it
// refuses what bundles never hold: indefinite lengths and tags (other than
// the leading COSE_Sign1 tag).
package wire

// Version is the payload format version that this code writes and reads.
const Version = 1

// Top-level payload keys. Keys 6 to 8 are reserved for later content; a
// reader ignores keys it does not know, so adding one needs no new Version.
const (
	KeyVersion     = 1
	KeySequence    = 2
	KeyIssuedAt    = 3
	KeyExpiresAt   = 4
	KeySigners     = 5
	KeyValueSets   = 6 // reserved: EU value sets
	KeyRules       = 7 // reserved: business rules
	KeyRevocations = 8 // reserved: revoked certificate hashes
	// KeyExtraSigners holds signers, in the entry format of KeySigners,
	// whose key type readers of an earlier release refuse (P-384, P-521, and
	// any type added later): such readers refuse the whole bundle on a key
	// type they do not know among KeySigners, but skip this key. A reader
	// skips an entry here whose key type it does not know. See
	// docs/trustlist.md, "Signer policy".
	KeyExtraSigners = 9
)

// Signer entry keys.
const (
	EntryKID       = 1
	EntryCountry   = 2
	EntryNotBefore = 3
	EntryNotAfter  = 4
	EntryUsage     = 5
	EntrySubject   = 6
	EntrySPKI      = 7
)

// Protected header labels (RFC 9052 §3.1).
const (
	HeaderAlg  = 1
	HeaderCrit = 2
	HeaderKID  = 4
)

// Payload is the signed content of a bundle. The struct tags are the
// writer's (github.com/fxamacker/cbor/v2, in trustlist/internal/encode);
// the reader fills it by hand ([DecodePayload]).
type Payload struct {
	Version   uint64  `cbor:"1,keyasint"`
	Sequence  uint64  `cbor:"2,keyasint"`
	IssuedAt  int64   `cbor:"3,keyasint"` // Unix seconds
	ExpiresAt int64   `cbor:"4,keyasint"` // Unix seconds
	Signers   []Entry `cbor:"5,keyasint"`
	Extra     []Entry `cbor:"9,keyasint,omitempty"` // KeyExtraSigners; read by [DecodeEntries]
}

// Entry is one trusted document signer.
type Entry struct {
	KID       []byte `cbor:"1,keyasint"`           // 8 bytes: SHA-256 of the certificate DER, truncated
	Country   string `cbor:"2,keyasint"`           // ISO 3166 alpha-2, upper case
	NotBefore int64  `cbor:"3,keyasint,omitempty"` // Unix seconds; absent: unbounded
	NotAfter  int64  `cbor:"4,keyasint,omitempty"` // Unix seconds; absent: unbounded
	Usage     uint8  `cbor:"5,keyasint,omitempty"` // dcc.KeyUsage bits; absent: every kind
	Subject   string `cbor:"6,keyasint,omitempty"` // the subject's common name, for display
	SPKI      []byte `cbor:"7,keyasint"`           // DER SubjectPublicKeyInfo: P-256 or RSA; P-384, P-521 in Extra
}

// Protected is the COSE protected header of a bundle, as the writer writes
// it. A reader also looks for a crit (2) label, to refuse it.
type Protected struct {
	Alg int64  `cbor:"1,keyasint"`           // -7: ES256
	KID []byte `cbor:"4,keyasint,omitempty"` // the publisher key's ID
}

// AlgES256 is the COSE algorithm identifier of ECDSA P-256 with SHA-256.
const AlgES256 = -7

// TagSign1 is the CBOR tag of a COSE_Sign1 message (RFC 9052 §2), as its
// encoded head byte: major type 6, value 18.
const TagSign1 = 0xd2

// Sign1 is a decoded COSE_Sign1 envelope. The unprotected header is not
// kept: nothing in it is trusted.
type Sign1 struct {
	Protected []byte // the serialized protected header, as received
	Payload   []byte
	Signature []byte
}

// sigContext is the context string of a COSE_Sign1 signature.
const sigContext = "Signature1"

// SigStructure returns the bytes that a COSE_Sign1 signature covers (RFC 9052
// §4.4): ["Signature1", protected, external_aad = h”, payload].
func SigStructure(protected, payload []byte) []byte {
	b := SigStructurePrefix(protected, len(payload), len(payload))
	return append(b, payload...)
}

// SigStructurePrefix returns the Sig_structure up to the payload's content:
// the Sig_structure is the prefix followed by the payload's payloadLen bytes,
// so that a signature can be checked without copying a large payload. The
// result has room for extra more bytes.
func SigStructurePrefix(protected []byte, payloadLen, extra int) []byte {
	b := make([]byte, 0, 2+len(sigContext)+9+len(protected)+1+9+extra)
	b = append(b, 0x84, 0x60|byte(len(sigContext))) // array(4), text(10)
	b = append(b, sigContext...)
	b = appendHead(b, 2, uint64(len(protected)))
	b = append(b, protected...)
	b = append(b, 0x40) // external_aad: empty byte string
	return appendHead(b, 2, uint64(payloadLen))
}

// appendHead appends a CBOR head of major type major with argument n in its
// shortest form (RFC 8949 §4.2.1).
func appendHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return append(b, m|25, byte(n>>8), byte(n))
	case n <= 0xffffffff:
		return append(b, m|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, m|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}
