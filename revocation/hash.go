// Package revocation checks passes against the revocation lists that member
// states publish through the EU DCC gateway, offline.
//
// A revocation entry is the first 16 bytes of a SHA-256 ([Hash]) of one of
// three [HashType]s: the pass's unique certificate identifier (UCI), the
// issuing country code followed by the UCI, or the COSE signature. Start
// with [PassHashes], which computes every hash a pass can be revoked by, and
// [Set.Revoked], which looks them up.
//
// # False matches
//
// A [Set] stores each entry as a prefix of its hash, as short as the
// [MaxFalseMatch] rate allows for the number of entries it is compared with:
// an honest pass is reported revoked at most once in 10¹² passes checked,
// the rate the EU's own distribution accepts for its Bloom filters.
package revocation

import (
	"crypto/sha256"

	"github.com/passcheck/passcheck/dcc"
)

// HashType says what a revocation entry is the hash of.
type HashType uint8

// The hash types of the EU DCC gateway.
const (
	// UCI: the UTF-8 bytes of the pass's unique certificate identifier
	// (the ci field of its one v, t or r entry).
	UCI HashType = iota + 1
	// CountryCodeUCI: the issuing country code followed by the UCI.
	CountryCodeUCI
	// Signature: the COSE_Sign1 signature; for ES256 only its first half
	// (r: the second half, s, can be changed without breaking the
	// signature), for PS256 the whole.
	Signature
)

// String returns the gateway's name of t ("UCI", "COUNTRYCODEUCI",
// "SIGNATURE").
func (t HashType) String() string {
	switch t {
	case UCI:
		return "UCI"
	case CountryCodeUCI:
		return "COUNTRYCODEUCI"
	case Signature:
		return "SIGNATURE"
	}
	return "UNKNOWN"
}

// ParseHashType reads the gateway's name of a hash type.
func ParseHashType(s string) (HashType, bool) {
	for _, t := range []HashType{UCI, CountryCodeUCI, Signature} {
		if t.String() == s {
			return t, true
		}
	}
	return 0, false
}

// HashLen is the length of a revocation hash: the first 16 bytes of SHA-256.
const HashLen = 16

// Hash is one hash a pass may be revoked by.
type Hash struct {
	Type HashType
	Sum  [HashLen]byte
}

// Sum returns the revocation hash of b: the first 16 bytes of its SHA-256.
//
// Not inlined: SHA-256's set-up would be copied into every caller, in the
// WebAssembly module too, for no speed that a hash's own cost would show.
//
//go:noinline
func Sum(b []byte) [HashLen]byte {
	full := sha256.Sum256(b)
	var out [HashLen]byte
	copy(out[:], full[:HashLen])
	return out
}

// PassHashes returns every hash pass p may be revoked by: its UCI; its
// country code and UCI, once with the CWT issuer claim (iss) and once with
// the entry's country (co) when the two differ, since real verifiers
// disagree on which to take; and its signature. A pass whose claims could
// not be read has only its signature hash.
func PassHashes(p *dcc.Pass) []Hash {
	var out []Hash
	for _, t := range []HashType{Signature, UCI, CountryCodeUCI} {
		for _, b := range hashInputs(p, t) {
			if b != "" {
				out = append(out, Hash{t, Sum([]byte(b))})
			}
		}
	}
	return out
}

// hashInputs returns what the hashes of type t of pass p are hashes of, at
// most two (the country code and UCI with iss, then with co); an empty
// one stands for none.
func hashInputs(p *dcc.Pass, t HashType) (in [maxHashesPerType]string) {
	if t == Signature {
		sig := p.Signature()
		if p.Alg == dcc.AlgES256 {
			sig = sig[:len(sig)/2]
		}
		in[0] = string(sig)
		return in
	}
	uci, co := entryIDs(p.Certificate)
	switch {
	case uci == "":
	case t == UCI:
		in[0] = uci
	default:
		for i, cc := range [maxHashesPerType]string{p.Issuer, co} {
			if cc != "" && (i == 0 || cc != p.Issuer) {
				in[i] = cc + uci
			}
		}
	}
	return in
}

// entryIDs returns the ci and co fields of the one v, t or r entry of a DCC
// payload tree, or "" when there is no such single entry.
func entryIDs(cert any) (ci, co string) {
	// Lookups in a nil map find nothing: no checks of their own.
	m, _ := cert.(map[string]any)
	var entry map[string]any
	n := 0
	for _, key := range [...]string{"v", "t", "r"} {
		list, _ := m[key].([]any)
		if n += len(list); len(list) > 0 {
			entry, _ = list[0].(map[string]any)
		}
	}
	if n != 1 {
		return "", ""
	}
	ci, _ = entry["ci"].(string)
	co, _ = entry["co"].(string)
	return ci, co
}
