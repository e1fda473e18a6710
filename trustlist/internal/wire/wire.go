// Package wire holds the trust-list bundle's CBOR structures and its COSE_Sign1
// envelope (RFC 9052 §4.2), shared by the reader (trustlist) and the writer
// (trustlist/build). The bundle format is documented field by field in
// docs/trustlist.md.
package wire

import (
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

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
)

// Payload is the signed content of a bundle.
type Payload struct {
	Version   uint64  `cbor:"1,keyasint"`
	Sequence  uint64  `cbor:"2,keyasint"`
	IssuedAt  int64   `cbor:"3,keyasint"` // Unix seconds
	ExpiresAt int64   `cbor:"4,keyasint"` // Unix seconds
	Signers   []Entry `cbor:"5,keyasint"`
}

// Entry is one trusted document signer.
type Entry struct {
	KID       []byte `cbor:"1,keyasint"`           // 8 bytes: SHA-256 of the certificate DER, truncated
	Country   string `cbor:"2,keyasint"`           // ISO 3166 alpha-2, upper case
	NotBefore int64  `cbor:"3,keyasint,omitempty"` // Unix seconds; absent: unbounded
	NotAfter  int64  `cbor:"4,keyasint,omitempty"` // Unix seconds; absent: unbounded
	Usage     uint8  `cbor:"5,keyasint,omitempty"` // dcc.KeyUsage bits; absent: every kind
	Subject   string `cbor:"6,keyasint,omitempty"` // the subject's common name, for display
	SPKI      []byte `cbor:"7,keyasint"`           // DER SubjectPublicKeyInfo, P-256 or RSA
}

// Protected is the COSE protected header of a bundle.
type Protected struct {
	Alg  int64           `cbor:"1,keyasint"`           // -7: ES256
	Crit cbor.RawMessage `cbor:"2,keyasint,omitempty"` // critical headers: none is understood, so a reader refuses any
	KID  []byte          `cbor:"4,keyasint,omitempty"` // the publisher key's ID
}

// AlgES256 is the COSE algorithm identifier of ECDSA P-256 with SHA-256.
const AlgES256 = -7

// tagSign1 is the CBOR tag of a COSE_Sign1 message (RFC 9052 §2), as its
// encoded head byte: major type 6, value 18.
const tagSign1 = 0xd2

type sign1 struct {
	_           struct{} `cbor:",toarray"`
	Protected   []byte
	Unprotected cbor.RawMessage
	Payload     []byte
	Signature   []byte
}

// Sign1 is a decoded COSE_Sign1 envelope. The unprotected header is not
// kept: nothing in it is trusted.
type Sign1 struct {
	Protected []byte // the serialized protected header, as received
	Payload   []byte
	Signature []byte
}

// DecodeSign1 reads a COSE_Sign1 message, tagged (18) or not, with dm.
func DecodeSign1(dm cbor.DecMode, b []byte) (*Sign1, error) {
	if len(b) > 0 && b[0] == tagSign1 {
		b = b[1:]
	}
	var m sign1
	if err := dm.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("COSE_Sign1: %w", err)
	}
	if m.Payload == nil {
		return nil, errors.New("COSE_Sign1: no payload")
	}
	var u map[int64]cbor.RawMessage
	if err := dm.Unmarshal(m.Unprotected, &u); err != nil {
		return nil, fmt.Errorf("COSE_Sign1: unprotected header: %w", err)
	}
	return &Sign1{Protected: m.Protected, Payload: m.Payload, Signature: m.Signature}, nil
}

// encMode writes deterministic CBOR (RFC 8949 §4.2.1: sorted keys, shortest
// forms), so that a bundle's bytes depend only on its content.
var encMode = func() cbor.EncMode {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return em
}()

// Marshal encodes v as deterministic CBOR.
func Marshal(v any) ([]byte, error) { return encMode.Marshal(v) }

// EncodeSign1 returns the tagged COSE_Sign1 message with an empty unprotected
// header.
func EncodeSign1(protected, payload, signature []byte) ([]byte, error) {
	b, err := encMode.Marshal(sign1{
		Protected:   protected,
		Unprotected: cbor.RawMessage{0xa0}, // {}
		Payload:     payload,
		Signature:   signature,
	})
	if err != nil {
		return nil, err
	}
	return append([]byte{tagSign1}, b...), nil
}

// SigStructure returns the bytes that a COSE_Sign1 signature covers (RFC 9052
// §4.4): ["Signature1", protected, external_aad = h”, payload].
func SigStructure(protected, payload []byte) []byte {
	b, err := encMode.Marshal([]any{"Signature1", protected, []byte{}, payload})
	if err != nil {
		panic(err) // a string and three byte strings always encode
	}
	return b
}
