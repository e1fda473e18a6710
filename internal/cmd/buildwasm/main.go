// Command buildwasm builds the WebAssembly module with the one recipe the
// site build uses too (internal/wasmbuild): make wasm and make wasm-size
// run it.
//
//	go run ./internal/cmd/buildwasm [-tags noqr] [-version V] -o dist/passcheck.wasm
//
// The version defaults to git describe --always --dirty of the module root.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/passcheck/passcheck/internal/wasmbuild"
)

func main() {
	out := flag.String("o", "dist/passcheck.wasm", "the module to write")
	tags := flag.String("tags", "", "comma-separated build tags (noqr: without the QR decoder)")
	version := flag.String("version", "", "the version to stamp (default: git describe of the module root)")
	flag.Parse()
	o := wasmbuild.Options{Dir: ".", Out: *out, Version: *version}
	if *tags != "" {
		o.Tags = strings.Split(*tags, ",")
	}
	if err := wasmbuild.Build(o); err != nil {
		fmt.Fprintln(os.Stderr, "buildwasm:", err)
		os.Exit(1)
	}
}
