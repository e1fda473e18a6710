// Package passcheck carries the Go sources of the verifier's WebAssembly
// module, so that an installed passcheck command can compile the module
// anywhere, with no source tree and no network: package site writes
// [WasmSources] into a temporary folder and builds ./wasm there.
//
// To verify passes, start with package dcc; to read a trust list,
// package trustlist.
package passcheck

import "io/fs"

//go:generate go run ./internal/cmd/genwasmsrc

// WasmSources returns the files that compiling ./wasm needs, with their
// paths in the module: go.mod, go.sum, and the non-test Go files of wasm/
// and of the module's packages it imports (for GOOS=js GOARCH=wasm, with
// and without -tags noqr). The module imports nothing outside the standard
// library and itself.
func WasmSources() fs.FS { return wasmSources }
