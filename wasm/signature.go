package main

// The publisher's signature of a signed file (the trust-list bundle, the
// revocation index) checked outside the module, by WebCrypto, as a pass's
// signature is (session.go, prepare): the module reads the file as far as
// its signature ([session.prepareSignature]), the JavaScript side verifies
// it against the pinned keys and names the key that verified it
// ([session.signatureVerified]), and the load that follows, of the same
// bytes with the same pinned keys, then skips its own ES256 check
// (trustlist.WithSignatureCheckedBy). Everything else a load checks
// (format, sequence, expiry, the signers) stays the module's. A file that
// WebCrypto does not verify is loaded as before: the module checks its
// signature itself, so that a refusal never rests on WebCrypto alone.

import (
	"bytes"
	"crypto"

	"github.com/passcheck/passcheck/trustlist"
)

// signedFile is the file last given to prepareSignature.
type signedFile struct {
	token    uint64 // names it; any other prepareSignature or load makes it stale
	file     []byte // a copy of the bytes
	pemText  string // the pinned keys it is to be checked against
	keys     int    // how many pinned keys
	verified int    // the index of the pinned key that verified it, or -1
}

// signatureInput is the answer of prepareSignature: the Sig_structure, the
// signature, and the pinned keys.
type signatureInput struct {
	Token                 uint64
	ToBeSigned, Signature []byte
	Keys                  []crypto.PublicKey
}

// prepareSignature reads file (a bundle or a revocation index) as far as
// its signature, for a check outside the module against the keys of
// pemText, and keeps it for [session.signatureVerified]. It returns nil
// when there is nothing for an outside check to do (the file or the keys
// do not parse, the signature is not 64 bytes): the load then refuses the
// file with the code it always did.
func (s *session) prepareSignature(file []byte, pemText string) *signatureInput {
	s.dropSignature()
	keys, err := trustlist.ParsePublicKeysPEM([]byte(pemText))
	if err != nil {
		return nil
	}
	tbs, sig, err := trustlist.SignatureInput(file)
	if err != nil {
		return nil
	}
	s.signed = signedFile{token: s.signed.token, file: bytes.Clone(file), pemText: pemText, keys: len(keys), verified: -1}
	return &signatureInput{Token: s.signed.token, ToBeSigned: tbs, Signature: sig, Keys: keys}
}

// signatureVerified records that the pinned key at index (in the Keys that
// prepareSignature returned with token) verified the file's signature. It
// returns false, and records nothing, when token is stale (another
// prepareSignature or a load came between), when a key was recorded
// already, or when index names no key. (A key that is not P-256 cannot
// have verified an ES256 signature: trustlist.WithSignatureCheckedBy then
// lets the load check the signature itself.)
func (s *session) signatureVerified(token uint64, index int) bool {
	f := &s.signed
	if f.file == nil || token != f.token || f.verified >= 0 || index < 0 || index >= f.keys {
		return false
	}
	f.verified = index
	return true
}

// signatureOptions returns the options of a load of file against the keys
// of pemText: WithSignatureCheckedBy when the outside check verified these
// very bytes against these very keys, none otherwise (the load checks the
// signature itself). (Not inlined, as dropSignature: one copy is less
// module.)
//
//go:noinline
func (s *session) signatureOptions(file []byte, pemText string) []trustlist.Option {
	f := s.signed
	if f.file == nil || f.verified < 0 || pemText != f.pemText || !bytes.Equal(file, f.file) {
		return nil
	}
	return []trustlist.Option{trustlist.WithSignatureCheckedBy(f.verified)}
}

// dropSignature forgets the prepared file: every load ends with it, so
// that a token names one file for one load at most.
//
//go:noinline
func (s *session) dropSignature() {
	s.signed = signedFile{token: s.signed.token + 1, verified: -1}
}
