package trustlist

import (
	"errors"

	"github.com/passcheck/passcheck/dcc"
)

// Codes of the errors and warnings of [Load], [ParsePublicKeysPEM] and
// [Judge]: the Code of a *[dcc.Error] or a [dcc.Message], stable like dcc's
// own codes. Each is in dcc's registry with the class [dcc.CannotCheck]: a
// pass cannot be checked without a good trust list. Their messages are here
// ([Message]).
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
	// Missing: no trust list has been loaded ([Judge] with no list and no
	// load error).
	Missing dcc.Code = "TRUSTLIST_MISSING"
)

// messages explain the codes above to a venue worker, code by code. The
// pages translate the codes; this text is for logs and the command line.
// A table, not a map: the WebAssembly module holds it as data, without the
// code that would build a map at start-up.
var messages = [...]struct {
	code dcc.Code
	msg  string
}{
	{Invalid, "The trust list is damaged: passes cannot be checked until a good one is loaded."},
	{SignatureInvalid, "The trust list is not signed by a trusted publisher: passes cannot be checked."},
	{Expired, "The trust list is out of date: connect to the network to update it."},
	{Rollback, "The trust list offered is older than the one already seen: it was refused."},
	{VersionUnknown, "The trust list has a format this version cannot read: update the verifier."},
	{KeyInvalid, "The pinned publisher key is not a valid P-256 public key."},
	{Missing, "No trust list is loaded, so the certificate cannot be checked."},
}

// Message returns the plain sentence that explains one of this package's
// codes, or "" for another code. (Not inlined: it is called in several
// places, and one copy keeps the WebAssembly module small.)
//
//go:noinline
func Message(c dcc.Code) string {
	for _, m := range messages {
		if m.code == c {
			return m.msg
		}
	}
	return ""
}

// newMessage returns the Message for one of this package's codes: its plain
// message, followed by detail in parentheses when detail is not empty.
func newMessage(code dcc.Code, detail string) dcc.Message {
	m := dcc.Message{Code: code, Message: Message(code)}
	if detail != "" {
		m.Message += " (" + detail + ")"
	}
	return m
}

// ErrorMessage returns the Message for an error of [Load] or
// [ParsePublicKeysPEM]: its code and plain message, with the cause in
// parentheses. An error of another kind (reading the bundle, say) gives
// [Invalid] with its text as the cause.
//
// Not inlined: it is called in many places, and one copy keeps the
// WebAssembly module small.
//
//go:noinline
func ErrorMessage(err error) dcc.Message {
	var e *dcc.Error
	if !errors.As(err, &e) {
		return newMessage(Invalid, err.Error())
	}
	detail := ""
	if e.Err != nil {
		detail = e.Err.Error()
	}
	if Message(e.Code) == "" {
		return dcc.NewMessage(e.Code, detail)
	}
	return newMessage(e.Code, detail)
}

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
