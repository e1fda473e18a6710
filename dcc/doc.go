// Package dcc reads and verifies EU Digital COVID Certificates: the "HC1:"
// QR codes of the EU DCC framework and of the 50-odd countries that joined
// it. It takes the text of a QR code through base45, zlib, COSE_Sign1 and
// the CWT claims to the DCC payload, and checks the pass against trusted
// document signers.
//
// Start with [Check], which decodes and verifies in one call and returns a
// [Result]: the contract that the command line, the WebAssembly module and
// the pages share. For two steps, [Decode] reads a pass without checking it
// and [Verify] checks a decoded [Pass]; [DecodeEnvelope] and
// [Pass.DecodeClaims] split the decode further for a caller that verifies
// the signature elsewhere (the browser's WebCrypto, see [Options.VerifiedBy]).
//
// The trusted signers come from a [KeyProvider]: [Signers] for signers held
// in memory, or a trust list (package trustlist).
//
// # Verdicts and codes
//
// Every failed check is a [Message] with a stable [Code]. Each code has a
// [Class] in one registry ([Codes]), and [Decide] turns the classes of a
// Result's errors into its [Verdict]: valid (green: let in), invalid (red),
// cannot-check (amber: no trusted key for the pass, or no usable trust
// list) or not-a-pass (the text is no readable pass). A Result is never
// valid with an error in it.
//
// # Security
//
// Signatures are checked with ES256 (ECDSA with SHA-256 on P-256, and on
// P-384 and P-521 as some member states use) and PS256 (RSASSA-PSS with
// SHA-256), against the key of every trusted signer with the pass's kid.
// Key usage (the extended key usage OIDs of hcert §5.1.1), the signer's
// validity and the pass's exp and iat (both required) are checked at the
// validation clock [Options.Now].
//
// Nothing in a [Pass] is trusted before [Verify] has run, and a Result's
// holder and certificate are unverified whenever its Signer is nil: show
// them only as such.
//
// Every parser is bounded before it allocates: [MaxInputLen] bytes of text,
// [MaxDecompressed] bytes after inflating, [MaxCBORDepth] and
// [MaxCBORItems] for CBOR. The package imports no networking, no file
// system and no X.509 parser, so that it stays small in WebAssembly.
package dcc
