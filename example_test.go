package passcheck_test

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/passcheck/passcheck"
)

func ExampleWasmSources() {
	src := passcheck.WasmSources()
	mod, _ := fs.ReadFile(src, "go.mod")
	fmt.Println(strings.SplitN(string(mod), "\n", 2)[0])
	_, err := fs.Stat(src, "wasm/main_js.go")
	fmt.Println("wasm/main_js.go:", err == nil)
	// Output:
	// module github.com/passcheck/passcheck
	// wasm/main_js.go: true
}
