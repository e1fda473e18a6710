package reader

import "github.com/passcheck/passcheck/dcc"

// Codes of the errors and warnings of [Load] and [ParsePublicKeysPEM]: the
// Code of a *[dcc.Error], stable like dcc's own codes.
const (
	// Invalid: the bundle is not a well-formed COSE_Sign1 over a payload of
	// this format (empty, truncated, oversized, malformed, a bad entry).
	Invalid dcc.Code = "TRUSTLIST_INVALID"
	// SignatureInvalid: no pinned publisher key verified the signature.
	SignatureInvalid dcc.Code = "TRUSTLIST_SIGNATURE_INVALID"
	// Expired: the list is past its expiresAt (a warning within the grace
	// period of [WithGrace]). A frozen host serving an old list is caught here.
	Expired dcc.Code = "TRUSTLIST_EXPIRED"
	// Rollback: the list's sequence is below the last one seen.
	Rollback dcc.Code = "TRUSTLIST_ROLLBACK"
	// VersionUnknown: the payload's format version is not one this code reads.
	VersionUnknown dcc.Code = "TRUSTLIST_VERSION"
	// KeyInvalid: a pinned publisher key is not a P-256 public key in PEM.
	KeyInvalid dcc.Code = "TRUSTLIST_KEY_INVALID"
)

// Limits on a bundle, checked before anything is allocated for it.
const (
	// MaxBundleSize caps a bundle's bytes; 20,000 signers take about 4 MB.
	MaxBundleSize = 8 << 20
	// MaxSigners caps the entries of one bundle.
	MaxSigners = 100_000
	// maxDepth caps the nesting of CBOR arrays and maps in the payload,
	// including reserved content that this version skips.
	maxDepth = 16
	// maxPEM caps the pinned-keys PEM text.
	maxPEM = 64 << 10
)
