// Package site builds and serves the scanner site: the page (site/index.html
// and site/js, site/css, site/i18n), the WebAssembly verifier compiled from
// this module's ./wasm, the service worker, the public ES module
// passcheck.js and the <passcheck-verifier> widget.
//
// Start with [Build], which writes the site into a folder any static host
// serves, and [Handler], which serves such a folder with the headers
// production should send. [BuildSingleFile] writes the page as one HTML
// file that carries the module and a trust list and works from file://.
//
// The package carries its page sources and, through the module's root
// package, the module's Go sources: an installed passcheck command builds a
// site anywhere, compiling the module with the go command on PATH in a
// temporary folder, offline ([Options.Dir] builds from a source tree on
// disk instead, [Options.WasmFile] takes a module built already).
//
// The pages import their build-time data from the virtual module
// "passcheck:build", a [PageConfig]: the settings, the string tables, the
// EU value sets (from package dcc's tables) and the verifier's limits.
//
// # Security
//
// The page pins the publisher keys given in [Options.TrustKeysPEM]: it
// trusts only trust lists signed by one of them. Its Content-Security-Policy
// ([CSP]) allows no inline script and no third-party origin but the trust
// list's; nothing about a pass leaves the page.
package site
