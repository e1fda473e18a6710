// Package cose reads COSE_Sign1 messages (RFC 9052 §4.2) and builds the
// Sig_structure their signature covers (§4.4), for both signed formats that
// passcheck reads: a pass (an HC1 code's COSE_Sign1, hcert §3.3) and a
// trust-list bundle. Start with [Decode]; [Options] hold what differs
// between the two. It checks no signature: the callers verify
// [Sign1.ToBeSigned] with the key they trust.
//
// # Security
//
// The protected header is kept exactly as received ([Sign1.Protected]): the
// Sig_structure is built from those bytes, never from a re-encoding. Only
// the protected header is covered by the signature; a caller that takes alg
// or kid from the unprotected one ([Options.UnprotectedFallback]) must treat
// them as hints: a wrong kid finds no key, a wrong alg no signature that
// verifies.
package cose

import (
	"errors"
	"fmt"

	"github.com/passcheck/passcheck/internal/cbor"
)

// CBOR tags (RFC 9052 §2; RFC 8392 §6).
const (
	TagSign1 = 18 // COSE_Sign1
	TagCWT   = 61 // CWT, which some pass issuers put around the COSE_Sign1
)

// Header labels (RFC 9052 §3.1).
const (
	HeaderAlg  = 1
	HeaderCrit = 2
	HeaderKID  = 4
)

// Algorithm identifiers (RFC 9053 §2.1, RFC 8230 §2).
const (
	AlgES256 = -7  // ECDSA P-256 with SHA-256
	AlgPS256 = -37 // RSASSA-PSS with SHA-256
)

// Options are what differs between the formats that [Decode] reads.
type Options struct {
	// Limits bound the CBOR of the message and of its protected header.
	// With Limits.NoTags, the only tag taken is the COSE_Sign1 tag in its
	// one-byte form (0xd2) before the message; otherwise the message may be
	// tagged 18, or 61 (CWT), or 61 around 18.
	Limits cbor.Limits

	// UnprotectedFallback takes alg and kid from the unprotected header
	// when the protected header has none, as hcert §3.3.1 allows a pass.
	// Without it the unprotected header is checked to be a map, then
	// ignored.
	UnprotectedFallback bool

	// Strict is for a format that passcheck writes itself (the trust
	// bundle): the protected header must be a serialized map (an empty byte
	// string is refused), a crit label in it is refused (this reader
	// understands no critical header, RFC 9052 §3.1), and the labels of the
	// unprotected header must be integers.
	Strict bool
}

// Sign1 is a decoded COSE_Sign1 message. Its byte strings alias the input.
type Sign1 struct {
	Protected []byte // the serialized protected header, exactly as received
	Payload   []byte
	Signature []byte // possibly empty: the caller judges it

	// Alg is the algorithm from the protected header (or the unprotected
	// one, see [Options.UnprotectedFallback]); 0 when absent.
	Alg int64
	// KID is the key identifier, from the same header as Alg's rule; nil
	// when absent.
	KID []byte
}

// Decode reads one COSE_Sign1 message, which must fill b, within o. The
// errors say which part is wrong: "COSE_Sign1: …" for the envelope,
// "protected header: …" or "unprotected header: …" for a header.
func Decode(b []byte, o Options) (Sign1, error) {
	tagged := len(b) > 0 && b[0] == 0xc0|TagSign1
	if tagged {
		b = b[1:]
	}
	v, err := cbor.Decode(b, o.Limits)
	if err != nil {
		return Sign1{}, fmt.Errorf("COSE_Sign1: %w", err)
	}
	if !tagged {
		if t, ok := v.(cbor.Tag); ok && t.Number == TagCWT {
			v = t.Content
		}
		if t, ok := v.(cbor.Tag); ok {
			if t.Number != TagSign1 {
				return Sign1{}, fmt.Errorf("COSE_Sign1: CBOR tag %d is not COSE_Sign1", t.Number)
			}
			v = t.Content
		}
	}
	a, ok := v.([]any)
	if !ok || len(a) != 4 {
		return Sign1{}, errors.New("COSE_Sign1: not an array of four items")
	}
	protected, ok := a[0].([]byte)
	if !ok {
		return Sign1{}, errors.New("COSE_Sign1: the protected header is not a byte string")
	}
	unprotected, ok := a[1].(map[any]any)
	if !ok {
		return Sign1{}, errors.New("COSE_Sign1: the unprotected header is not a map")
	}
	for k := range unprotected {
		if _, isInt := k.(int64); o.Strict && !isInt {
			return Sign1{}, fmt.Errorf("COSE_Sign1: unprotected header label %q is not an integer", k)
		}
	}
	payload, ok := a[2].([]byte)
	if !ok {
		return Sign1{}, errors.New("COSE_Sign1: no payload (detached, or not a byte string)")
	}
	signature, ok := a[3].([]byte)
	if !ok {
		return Sign1{}, errors.New("COSE_Sign1: the signature is not a byte string")
	}
	m := Sign1{Protected: protected, Payload: payload, Signature: signature}
	var prot map[any]any // nil (no label) for an empty protected header
	if len(protected) > 0 || o.Strict {
		v, err := cbor.Decode(protected, o.Limits)
		if err != nil {
			return Sign1{}, fmt.Errorf("protected header: %w", err)
		}
		if prot, ok = v.(map[any]any); !ok {
			return Sign1{}, errors.New("protected header: not a map")
		}
		if c, ok := prot[int64(HeaderCrit)]; ok && o.Strict {
			return Sign1{}, fmt.Errorf("protected header: critical headers %v are not understood", c)
		}
	}
	// hcert §3.3.1: an unprotected alg or kid counts only when the
	// protected header has none.
	where := "protected header"
	alg, ok := prot[int64(HeaderAlg)]
	if !ok && o.UnprotectedFallback {
		where = "unprotected header"
		alg, ok = unprotected[int64(HeaderAlg)]
	}
	if ok {
		if m.Alg, ok = alg.(int64); !ok {
			return Sign1{}, fmt.Errorf("%s: alg %v is not an integer", where, alg)
		}
	}
	where = "protected header"
	kid, ok := prot[int64(HeaderKID)]
	if !ok && o.UnprotectedFallback {
		where = "unprotected header"
		kid, ok = unprotected[int64(HeaderKID)]
	}
	if ok {
		if m.KID, ok = kid.([]byte); !ok {
			return Sign1{}, fmt.Errorf("%s: kid is not a byte string", where)
		}
	}
	return m, nil
}

// sigContext is the context string of a COSE_Sign1 signature.
const sigContext = "Signature1"

// ToBeSigned returns the Sig_structure that m's signature covers
// ([SigStructure] of m's protected header and payload).
func (m *Sign1) ToBeSigned() []byte { return SigStructure(m.Protected, m.Payload) }

// SigStructure returns the bytes that a COSE_Sign1 signature covers (RFC
// 9052 §4.4): ["Signature1", protected, external_aad, payload], with
// protected the serialized header exactly as received and external_aad
// empty.
func SigStructure(protected, payload []byte) []byte {
	b := SigStructurePrefix(protected, len(payload), len(payload))
	return append(b, payload...)
}

// SigStructurePrefix returns the Sig_structure up to the payload's content:
// the Sig_structure is the prefix followed by the payload's payloadLen
// bytes, so that a signature over a large payload can be checked without
// copying it. The result has room for extra more bytes.
func SigStructurePrefix(protected []byte, payloadLen, extra int) []byte {
	b := make([]byte, 0, 2+len(sigContext)+9+len(protected)+1+9+extra)
	b = append(b, 0x84, 0x60|byte(len(sigContext))) // array(4), text(10)
	b = append(b, sigContext...)
	b = cbor.AppendHead(b, 2, uint64(len(protected)))
	b = append(b, protected...)
	b = append(b, 0x40) // external_aad: empty byte string
	return cbor.AppendHead(b, 2, uint64(payloadLen))
}
