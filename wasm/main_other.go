//go:build !js || !wasm

package main

import (
	"fmt"
	"os"
)

// main explains that this command is built for WebAssembly only; the
// session logic beside it compiles natively for its unit tests.
func main() {
	fmt.Fprintln(os.Stderr, "passcheck wasm: build with GOOS=js GOARCH=wasm (make wasm)")
	os.Exit(2)
}
