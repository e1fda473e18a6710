// Package frozen holds, in its subfolders, a copy of the trust-list reader
// as deployed verifiers run it: trustlist (as package reader), its wire and
// spki packages, and the internal/cbor reader, as of commit d270678, the
// last before the extra signers' key (payload key 9) and P-384/P-521 keys.
// Cached pages, installed apps and single-file kiosks keep running this
// code until they are rebuilt; the tests of trustlist/publish load every
// bundle the builder makes with it, so that a new kind of signer never turns
// them all amber.
//
// Do not edit the copy, except its import paths and package name, nor use
// it outside tests. When a release changes what deployed readers accept,
// add a copy beside this one rather than updating it.
package frozen
