package dcc

import "fmt"

// Error is a failed check with a stable [Code]. Callers use errors.As and
// switch on Code; the text is for people.
type Error struct {
	Code Code
	Err  error // the cause; may be nil
}

// Error returns the code, its plain message and the cause.
func (e *Error) Error() string {
	msg := e.Code.Message()
	if e.Err != nil {
		return fmt.Sprintf("%s: %s (%v)", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, msg)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// Message returns the plain sentence that explains the code to a venue
// worker, or "" for a code it does not know.
func (c Code) Message() string { return messages[c] }

var messages = map[Code]string{
	PrefixInvalid:        "This is not an EU Digital COVID Certificate: the code does not start with HC1:.",
	Base45Invalid:        "The code is damaged: its text is not valid base45.",
	CompressionInvalid:   "The code is damaged: its content could not be decompressed.",
	COSEInvalid:          "The code is damaged: its signed envelope could not be read.",
	CBORInvalid:          "The code is damaged: its content could not be read.",
	SchemaInvalid:        "The certificate's content does not follow the EU format.",
	KIDUnknown:           "The certificate was signed by a key that is not in the trust list.",
	AlgorithmUnsupported: "The certificate uses a signature method that is not allowed.",
	SignatureInvalid:     "The signature does not match: the certificate was altered or forged.",
	CertExpired:          "The certificate has expired.",
	CertNotYetValid:      "The certificate is not valid yet: it was issued in the future.",
	SignerExpired:        "The key that signed the certificate had expired.",
	SignerNotYetValid:    "The key that signed the certificate was not valid yet.",
	KeyUsageMismatch:     "The signing key may not sign this kind of certificate.",
	ValueUnknown:         "The certificate contains a code that is not in the EU value sets.",

	// The trust list's codes (package trustlist) share the Result contract.
	"TRUSTLIST_INVALID":           "The trust list is damaged: passes cannot be checked until a good one is loaded.",
	"TRUSTLIST_SIGNATURE_INVALID": "The trust list is not signed by a trusted publisher: passes cannot be checked.",
	"TRUSTLIST_EXPIRED":           "The trust list is out of date: connect to the network to update it.",
	"TRUSTLIST_ROLLBACK":          "The trust list offered is older than the one already seen: it was refused.",
	"TRUSTLIST_VERSION":           "The trust list has a format this version cannot read: update the verifier.",
	"TRUSTLIST_KEY_INVALID":       "The pinned publisher key is not a valid P-256 public key.",
}
