// Package wire holds the trust-list bundle's CBOR structures and reads its
// COSE_Sign1 envelope (RFC 9052 §4.2) and payload. The reader (trustlist)
// and the writer (trustlist/publish, through trustlist/internal/encode) share
// it. The bundle format is documented field by field in docs/trustlist.md.
//
// Reading uses passcheck's own strict CBOR and COSE readers (internal/cbor,
// internal/cose, which read passes too), not a general library, so that the
// WebAssembly module carries no reflection-based CBOR code: this package
// imports no encoder. It sets them to refuse what bundles never hold:
// indefinite lengths and tags (other than the leading COSE_Sign1 tag). The
// signature covers cose.SigStructure of the protected header and payload.
package wire

// Version is the payload format version that this code writes and reads.
const Version = 1

// Top-level payload keys. A reader ignores keys it does not know, so adding
// one needs no new Version: readers before the business rules skip keys 10
// and 11.
const (
	KeyVersion   = 1
	KeySequence  = 2
	KeyIssuedAt  = 3
	KeyExpiresAt = 4
	KeySigners   = 5
	// KeyValueSetsJSON and KeyRulesJSON hold the value sets (one JSON text)
	// and the rules (an array of JSON texts) for readers of the previous
	// release, which read rules there only: without them such a reader
	// would take a bundle with rules for one without (technical checks
	// only, green). Builds write them beside KeyValueSets and KeyRules, with
	// the same content; this release never reads them when KeyRules or
	// KeyValueSets is there, and refuses the rules of a bundle that has
	// them alone (rules.ReadBundle), so that it never passes for one
	// without rules.
	KeyValueSetsJSON = 6
	KeyRulesJSON     = 7
	KeyRevocations   = 8 // reserved: revoked certificate hashes
	// KeyExtraSigners holds signers, in the entry format of KeySigners,
	// whose key type readers of an earlier release refuse (P-384, P-521, and
	// any type added later): such readers refuse the whole bundle on a key
	// type they do not know among KeySigners, but skip this key. A reader
	// skips an entry here whose key type it does not know. See
	// docs/trustlist.md, "Signer policy".
	KeyExtraSigners = 9
	// KeyValueSets holds the value sets, as rules see external.valueSets: a
	// byte string holding the CBOR map of value-set id (text) → array of
	// codes (text).
	KeyValueSets = 10
	// KeyRules holds the business rules: an array of byte strings, each
	// holding one rule as CBOR, the JSON tree of the gateway's model written
	// in CBOR (text-keyed maps, arrays, text, integers, floats, booleans,
	// null). Each rule is a byte string so that readers, which check every
	// key within their nesting limit (16) even when they skip it, never
	// see a rule's own nesting.
	KeyRules = 11
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
	// ValueSetsJSON and RulesJSON are written for readers of the previous
	// release only (KeyValueSetsJSON, KeyRulesJSON).
	ValueSetsJSON string   `cbor:"6,keyasint,omitempty"`
	RulesJSON     []string `cbor:"7,keyasint,omitempty"`
	ValueSets     []byte   `cbor:"10,keyasint,omitempty"` // KeyValueSets; read by package rules
	Rules         [][]byte `cbor:"11,keyasint,omitempty"` // KeyRules; read by package rules
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
