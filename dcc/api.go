package dcc

import (
	"bytes"
	"crypto"
	"time"
)

// Code is a stable identifier of a failed check. Codes are the contract shared
// by the command line, the WebAssembly API and the pages: they are never
// renamed. The pages translate the code; the message is for people reading
// logs and the command line.
type Code string

// Decode-chain codes. A decode failure stops the chain: nothing after it runs.
const (
	InputTooLarge      Code = "INPUT_TOO_LARGE"     // the text is longer than MaxInputLen: no QR code holds that much
	PrefixInvalid      Code = "PREFIX_INVALID"      // the text does not start with "HC1:"
	Base45Invalid      Code = "BASE45_INVALID"      // the text after the prefix is not RFC 9285 base45
	CompressionInvalid Code = "COMPRESSION_INVALID" // not zlib, broken, or larger than MaxDecompressed
	COSEInvalid        Code = "COSE_INVALID"        // not a COSE_Sign1 message
	CBORInvalid        Code = "CBOR_INVALID"        // the CWT claims or the payload are not well-formed CBOR of the right shape
)

// Checks that [Verify] runs independently and all reports.
const (
	SchemaInvalid        Code = "SCHEMA_INVALID"        // the payload breaks the DCC schema (an error, or a tolerated deviation as a warning)
	KIDUnknown           Code = "KID_UNKNOWN"           // no trusted signer has the pass's key identifier
	AlgorithmUnsupported Code = "ALGORITHM_UNSUPPORTED" // neither ES256 nor PS256, or a key that does not fit the algorithm
	SignatureInvalid     Code = "SIGNATURE_INVALID"     // no trusted signer with the kid verified the signature
	CertExpired          Code = "CERT_EXPIRED"          // the pass's exp is before the validation clock
	CertNotYetValid      Code = "CERT_NOT_YET_VALID"    // the pass's iat is after the validation clock
	ClaimMissing         Code = "CLAIM_MISSING"         // the pass has no exp or no iat claim (hcert §3.3.1: both SHALL be present)
	SignerExpired        Code = "SIGNER_EXPIRED"        // the signer's certificate had expired at the validation clock
	SignerNotYetValid    Code = "SIGNER_NOT_YET_VALID"  // the signer's certificate was not yet valid at the validation clock
	KeyUsageMismatch     Code = "KEY_USAGE_MISMATCH"    // the signer may not sign this kind of certificate
	ValueUnknown         Code = "VALUE_UNKNOWN"         // a warning: a code that is not in the EU value sets
)

// Codes of the revocation check (package revocation makes them): a pass
// whose hash is on its issuer's revocation list, and the state of that list.
const (
	CertRevoked         Code = "CERT_REVOKED"         // a hash of the pass is in the revocation list: red, whatever else is amber
	RevocationStale     Code = "REVOCATION_STALE"     // the revocation list is past its expiry, or a part of it could not be fetched or verified
	RevocationUnchecked Code = "REVOCATION_UNCHECKED" // a warning: the pass was checked without a revocation list (the command line's --dsc, a module session never given one)
)

// Codes of a call that read no pass, for any interface that hands out
// Results (the WebAssembly module's JavaScript API and exports).
const (
	InputInvalid  Code = "INPUT_INVALID"  // an argument has the wrong type or is out of range (a number for the text, a short pixel buffer, a bad clock)
	InternalError Code = "INTERNAL_ERROR" // a bug, recovered: the caller keeps working
	QRUnavailable Code = "QR_UNAVAILABLE" // an image was given to a build without the QR decoder
)

// Limits on hostile input. Every parser enforces them before it allocates.
const (
	MaxInputLen     = 8 << 10  // bytes of QR text, before trimming
	MaxDecompressed = 64 << 10 // bytes of COSE after inflating
	MaxCBORDepth    = 16       // nesting of CBOR arrays and maps
	MaxCBORItems    = 512      // elements of one CBOR array or pairs of one map
)

// Kind is the kind of certificate a pass carries.
type Kind string

// The kinds of certificate. KindNone is used when the payload could not be read.
const (
	KindNone        Kind = ""
	KindVaccination Kind = "vaccination"
	KindTest        Kind = "test"
	KindRecovery    Kind = "recovery"
)

// KeyUsage is the set of kinds a signer may sign, from the extended key usage
// OIDs of its certificate (hcert specification §5.1.1). The zero value means
// the certificate names none of them, so it may sign every kind.
type KeyUsage uint8

// Key usage bits.
const (
	UsageTest        KeyUsage = 1 << iota // OID 1.3.6.1.4.1.1847.2021.1.1 or 1.3.6.1.4.1.0.1847.2021.1.1
	UsageVaccination                      // OID 1.3.6.1.4.1.1847.2021.1.2 or 1.3.6.1.4.1.0.1847.2021.1.2
	UsageRecovery                         // OID 1.3.6.1.4.1.1847.2021.1.3 or 1.3.6.1.4.1.0.1847.2021.1.3
)

// Allows reports whether a signer with usage u may sign a certificate of kind k.
func (u KeyUsage) Allows(k Kind) bool {
	if u == 0 {
		return true
	}
	switch k {
	case KindTest:
		return u&UsageTest != 0
	case KindVaccination:
		return u&UsageVaccination != 0
	case KindRecovery:
		return u&UsageRecovery != 0
	}
	return false
}

// Signer is a trusted document signer (DSC): what the verifier needs of its
// certificate, already parsed, so that the verifier needs no X.509 parser.
type Signer struct {
	KID       []byte           // the first 8 bytes of SHA-256 of the certificate's DER
	Country   string           // ISO 3166 alpha-2 of the issuing country
	Subject   string           // the certificate's subject, for display
	NotBefore time.Time        // zero: no lower bound
	NotAfter  time.Time        // zero: no upper bound
	Usage     KeyUsage         // zero: may sign every kind
	PublicKey crypto.PublicKey // *ecdsa.PublicKey (P-256, P-384 or P-521) or *rsa.PublicKey
}

// KeyProvider gives the trusted signers that carry a key identifier. Several
// signers may share one kid; [Verify] tries each. The trust list implements it.
type KeyProvider interface {
	Signers(kid []byte) []Signer
}

// Signers is a [KeyProvider] over signers held in memory, as
// [crypto/x509.CertPool] is for certificates: for callers that have their
// signers at hand (the command line's --dsc, examples, tests). The trust list
// ([github.com/passcheck/passcheck/trustlist.List]) is the provider for
// published signers.
type Signers []Signer

// Signers returns the entries of s whose key identifier is kid.
func (s Signers) Signers(kid []byte) []Signer {
	var out []Signer
	for _, e := range s {
		if bytes.Equal(e.KID, kid) {
			out = append(out, e)
		}
	}
	return out
}

// Options control [Verify].
type Options struct {
	// Now is the validation clock. The zero value means time.Now().
	Now time.Time

	// VerifiedBy, when not nil, replaces the package's own signature
	// arithmetic with the caller's: Verify asks it, for each trusted signer
	// that the KeyProvider gives for the pass's kid and whose key fits the
	// pass's algorithm, whether the caller has verified the pass's signature
	// ([Pass.Signature] over [Pass.ToBeSigned]) with that signer's public key.
	// The signers still come only from the KeyProvider, and the algorithm and
	// key checks still run, so no answer can make a pass valid without a
	// trusted signer for its kid; but a true answer is believed, so only a
	// caller that really verified the signature may set it. It exists for the
	// WebAssembly build, which hands the signature to the browser's WebCrypto
	// (about ten times faster than Go compiled to WebAssembly). Leave it nil
	// everywhere else: the pure-Go check is the default.
	VerifiedBy func(Signer) bool
}

// Message is one failed check or warning in a [Result].
type Message struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// SignerInfo describes the signer whose key verified the pass.
type SignerInfo struct {
	Country   string `json:"country"`
	Subject   string `json:"subject"`
	NotBefore string `json:"notBefore"` // RFC 3339, or "" when unbounded
	NotAfter  string `json:"notAfter"`  // RFC 3339, or "" when unbounded
}

// Holder is the person a pass names, with whitespace around values trimmed.
type Holder struct {
	FamilyName    string `json:"familyName"`
	GivenName     string `json:"givenName"`
	FamilyNameStd string `json:"familyNameStd"`
	GivenNameStd  string `json:"givenNameStd"`
	DateOfBirth   string `json:"dateOfBirth"`
}

// Result is the verdict on one pass: the contract that the command line, the
// WebAssembly API and the pages share.
//
// Verdict is decided from the classes of the codes in Errors (see [Verdict]);
// Valid is true exactly when Verdict is [VerdictValid], which is when Errors
// is empty. Warnings never change either. Build a Result with [Check],
// [Verify] or [ErrorResult], and add to it with [Result.AddError] and
// [Result.AddWarning], which keep Valid and Verdict in step with Errors.
//
// A Result still carries the decoded holder and certificate when a check
// failed, so that staff can see why a pass is refused; but when the signature
// did not verify (Signer is nil: any of KIDUnknown, AlgorithmUnsupported,
// SignatureInvalid in Errors) that data is unverified and must never be shown
// as a verified identity.
type Result struct {
	Valid       bool        `json:"valid"`
	Verdict     Verdict     `json:"verdict"`
	Errors      []Message   `json:"errors"`
	Warnings    []Message   `json:"warnings"`
	Kind        Kind        `json:"kind"`
	Issuer      string      `json:"issuer"`
	IssuedAt    string      `json:"issuedAt"`  // RFC 3339 UTC, or "" when absent
	ExpiresAt   string      `json:"expiresAt"` // RFC 3339 UTC, or "" when absent
	KID         string      `json:"kid"`       // standard base64, or ""
	Signer      *SignerInfo `json:"signer"`    // nil unless a signer verified the signature
	Holder      *Holder     `json:"holder"`    // nil when the payload could not be read
	Certificate any         `json:"certificate"`
	// Rules is how the business rules ended (see [RulesOutcome]); nil for a
	// technical check only.
	Rules *RulesOutcome `json:"rules"`

	certificateCBOR []byte // Certificate's encoding in the pass
}

// CertificateCBOR returns the CBOR encoding of the DCC payload that
// Certificate was read from, exactly as the pass carries it, or nil when
// there is none. It shares the pass's memory: do not change it. A
// JSON writer can transcode it (internal/cbor.AppendJSON) instead of
// walking Certificate's maps.
func (r *Result) CertificateCBOR() []byte { return r.certificateCBOR }
