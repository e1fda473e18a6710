// Package encode writes trust-list bundles: deterministic CBOR and the
// COSE_Sign1 envelope, with github.com/fxamacker/cbor/v2. Only the writer
// (trustlist/publish) and tests import it; the reader (trustlist, part of the
// WebAssembly module) reads with trustlist/internal/wire alone, so that no
// reflection-based CBOR code reaches the module.
package encode

import (
	"github.com/fxamacker/cbor/v2"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

// encMode writes deterministic CBOR (RFC 8949 §4.2.1: sorted keys, shortest
// forms), so that a bundle's bytes depend only on its content.
var encMode = func() cbor.EncMode {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return em
}()

// Marshal encodes v (a [wire.Payload], a [wire.Protected], or any value a
// test needs) as deterministic CBOR.
func Marshal(v any) ([]byte, error) { return encMode.Marshal(v) }

type sign1 struct {
	_           struct{} `cbor:",toarray"`
	Protected   []byte
	Unprotected cbor.RawMessage
	Payload     []byte
	Signature   []byte
}

// Sign1 returns the tagged COSE_Sign1 message (RFC 9052 §4.2) with an empty
// unprotected header. The signature covers the Sig_structure of protected
// and payload (cose.SigStructure in internal/cose).
func Sign1(protected, payload, signature []byte) ([]byte, error) {
	b, err := encMode.Marshal(sign1{
		Protected:   protected,
		Unprotected: cbor.RawMessage{0xa0}, // {}
		Payload:     payload,
		Signature:   signature,
	})
	if err != nil {
		return nil, err
	}
	return append([]byte{wire.TagSign1}, b...), nil
}
