package dcc

// The registry of codes.
//
// Every code that a Result can carry is in one table, registry, with its
// [Class]: the verdict ([Verdict]), the command line's exit code, the
// WebAssembly module and the pages' translation check all read it. The
// table holds the plain message of the codes this package owns; an owner
// outside dcc keeps its constants and messages itself and has only its
// codes' classes here, because dcc must classify them without importing
// their owner (package trustlist imports dcc). The table is a literal,
// built once when the package is initialised and never written: no code
// registers itself at run time, so the set of codes does not depend on
// which packages a program links.
//
// To add a code: declare its constant and message where it belongs, and
// add one line with its class here. A test in each owner (dcc's
// TestEveryCodeHasAMessage, trustlist's TestRegistry) checks that each of
// its codes is here and has a message.

// Class is what a code in [Result.Errors] means for the verdict.
type Class string

// The classes.
const (
	// NotAPass: the text is not a readable pass (the decode codes): the page
	// says "scan again", a kiosk does not count it.
	NotAPass Class = "not-a-pass"
	// Invalid: a check of the pass failed (red).
	Invalid Class = "invalid"
	// CannotCheck: the pass could not be checked (amber): no trusted key for
	// it, or no usable trust list.
	CannotCheck Class = "cannot-check"
	// Warning: a code that is only ever reported in [Result.Warnings]. In
	// Errors, which no code of this package does, it counts as Invalid.
	Warning Class = "warning"
)

// entry is a code's line in the registry.
type entry struct {
	class   Class
	message string // "" for a code whose owner is outside dcc
}

// decisive are the codes of class Invalid that make the verdict invalid
// whatever else is amber (see [Decide]): the issuer revoked a pass with
// this identifier or this signature, so neither an unknown signer nor a
// stale list makes that amber.
var decisive = map[Code]bool{CertRevoked: true}

// registry is every code, by owner, with its class. See the comment above.
var registry = map[Code]entry{
	// dcc: decoding. A decode failure stops the chain.
	InputTooLarge:      {NotAPass, "This is not a health pass: the code holds far more text than a pass can."},
	PrefixInvalid:      {NotAPass, "This is not an EU Digital COVID Certificate: the code does not start with HC1:."},
	Base45Invalid:      {NotAPass, "The code is damaged: its text is not valid base45."},
	CompressionInvalid: {NotAPass, "The code is damaged: its content could not be decompressed."},
	COSEInvalid:        {NotAPass, "The code is damaged: its signed envelope could not be read."},
	CBORInvalid:        {NotAPass, "The code is damaged: its content could not be read."},

	// dcc: the checks of Verify.
	SchemaInvalid:        {Invalid, "The certificate's content does not follow the EU format."},
	KIDUnknown:           {CannotCheck, "The certificate was signed by a key that is not in the trust list."},
	AlgorithmUnsupported: {CannotCheck, "The certificate uses a signature method that is not allowed."},
	SignatureInvalid:     {Invalid, "The signature does not match: the certificate was altered or forged."},
	CertExpired:          {Invalid, "The certificate has expired."},
	CertNotYetValid:      {Invalid, "The certificate is not valid yet: it was issued in the future."},
	ClaimMissing:         {Invalid, "The certificate lacks its issue or expiry date, which every pass must carry."},
	SignerExpired:        {Invalid, "The key that signed the certificate had expired."},
	SignerNotYetValid:    {Invalid, "The key that signed the certificate was not valid yet."},
	KeyUsageMismatch:     {Invalid, "The signing key may not sign this kind of certificate."},
	ValueUnknown:         {Warning, "The certificate contains a code that is not in the EU value sets."},

	// dcc: the revocation check (package revocation adds them to a Result).
	CertRevoked:         {Invalid, "This pass has been revoked by its issuer."}, // decisive, see below
	RevocationStale:     {CannotCheck, "The revocation list is out of date: a revoked pass might not be recognised."},
	RevocationUnchecked: {Warning, "The pass was not checked against a revocation list."},

	// dcc: calls that read no pass.
	InputInvalid:  {NotAPass, "The verifier was called with an argument it cannot use."},
	InternalError: {CannotCheck, "The verifier hit a bug; it keeps working."},
	QRUnavailable: {CannotCheck, "This build has no QR decoder: use the browser's barcode detector."},

	// Package trustlist: the trust list (constants and messages there).
	"TRUSTLIST_INVALID":           {CannotCheck, ""},
	"TRUSTLIST_SIGNATURE_INVALID": {CannotCheck, ""},
	"TRUSTLIST_EXPIRED":           {CannotCheck, ""}, // also within a grace period
	"TRUSTLIST_ROLLBACK":          {CannotCheck, ""},
	"TRUSTLIST_VERSION":           {CannotCheck, ""},
	"TRUSTLIST_KEY_INVALID":       {CannotCheck, ""},
	"TRUSTLIST_MISSING":           {CannotCheck, ""},

	// Business rules (rules.go; package rules evaluates them). In a Result,
	// a failed rule's message is the rule's English description, an open
	// rule's names the rule and why.
	RuleFailed:   {Invalid, "The pass is not accepted here: a business rule of the chosen country refuses it."},
	RuleOpen:     {CannotCheck, "A business rule could not be checked."},
	RulesMissing: {CannotCheck, "The chosen rule country has no business rule in force: the pass cannot be checked against its rules."},

	// The ES module (site/js/passcheck.js) only: its messages are there.
	"TRUSTLIST_UNAVAILABLE": {CannotCheck, ""}, // the pointer or bundle could not be fetched
	"WASM_UNAVAILABLE":      {CannotCheck, ""}, // load() could not start the module
}

// Message returns the plain sentence that explains the code to a venue
// worker, for the codes this package owns; "" for another code (the trust
// list's messages are package trustlist's) or an unknown one.
func (c Code) Message() string { return registry[c].message }

// Class returns the class of the code, or "" for a code not in the
// registry.
func (c Code) Class() Class { return registry[c].class }

// Codes returns every code in the registry with its class: for the pages'
// build, which injects the list, and for the check of their translations.
// The map is the caller's.
func Codes() map[Code]Class {
	out := make(map[Code]Class, len(registry))
	for c, e := range registry {
		out[c] = e.class
	}
	return out
}

// Verdict is the decision on a pass, from the classes of the codes in
// [Result.Errors]; see [Decide].
type Verdict string

// The verdicts.
const (
	VerdictValid       Verdict = "valid"        // green: let in
	VerdictInvalid     Verdict = "invalid"      // red
	VerdictCannotCheck Verdict = "cannot-check" // amber
	VerdictNotAPass    Verdict = "not-a-pass"   // neither: the text is not a readable pass
)

// Decide is the one rule that turns the errors of a Result into its
// verdict; signatureVerified tells whether a trusted signer's key verified
// the pass's signature (Result.Signer is not nil). In order:
//
//   - not-a-pass when a code of class [NotAPass] is present;
//   - else invalid when a decisive code ([CertRevoked]) is present,
//     whatever else is;
//   - else invalid when a code of class [Invalid] is present and either the
//     signature verified or no code of class [CannotCheck] is present (a
//     failed check on a pass that cannot be checked is amber: its data is
//     unverified);
//   - else cannot-check when a code of class [CannotCheck] is present;
//   - else valid.
//
// A code that is not in the registry counts as [Invalid], as does one of
// class [Warning]: an error is never green. Warnings are not given to
// Decide: they never change the verdict.
func Decide(errors []Message, signatureVerified bool) Verdict {
	var notAPass, invalid, cannotCheck, final bool
	for _, m := range errors {
		final = final || decisive[m.Code]
		switch m.Code.Class() {
		case NotAPass:
			notAPass = true
		case CannotCheck:
			cannotCheck = true
		default:
			invalid = true
		}
	}
	switch {
	case notAPass:
		return VerdictNotAPass
	case final, invalid && (signatureVerified || !cannotCheck):
		return VerdictInvalid
	case cannotCheck || invalid:
		return VerdictCannotCheck
	}
	return VerdictValid
}
