// Command wasmsize reports the size of WebAssembly modules as served: raw,
// gzip -9 and brotli (quality 11, 16 MiB window), against the budget of the
// WebAssembly issue (1.2 MB brotli for the build with the QR decoder).
// Brotli needs node. It is what make wasm-size runs:
//
//	go run ./wasm/internal/wasmsize dist/passcheck.wasm dist/passcheck-noqr.wasm
//
// It only reports; a module over budget is marked, not refused.
//
// With -growth it builds the module itself, with eight version stamps, and
// with each of the tags given, and prints what each tagged-out part adds,
// as a mean over the stamps (make wasm-growth):
//
//	go run ./wasm/internal/wasmsize -growth noqr,norevocation,norules
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// budget is the brotli size allowed for the module with the QR decoder.
const budget = 1_200_000

func main() {
	if tags, ok := growthArgs(os.Args[1:]); ok {
		if err := growth(tags); err != nil {
			fmt.Fprintln(os.Stderr, "wasmsize:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: wasmsize MODULE.wasm...")
		os.Exit(2)
	}
	fmt.Printf("%-28s %12s %12s %12s  %s\n", "module", "raw", "gzip -9", "brotli 11", "budget (brotli)")
	var first int
	for i, path := range os.Args[1:] {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "wasmsize:", err)
			os.Exit(1)
		}
		gz := gzipSize(data)
		br, err := brotliSize(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "wasmsize:", err)
			os.Exit(1)
		}
		note := fmt.Sprintf("%.0f%% of %s", 100*float64(br)/budget, mb(budget))
		if br > budget {
			note += fmt.Sprintf(", OVER by %s", mb(br-budget))
		}
		if i == 0 {
			first = br
		} else {
			note += fmt.Sprintf(", %.1f KB less than %s", float64(first-br)/1000, filepath.Base(os.Args[1]))
		}
		fmt.Printf("%-28s %12s %12s %12s  %s\n", filepath.Base(path), mb(len(data)), mb(gz), mb(br), note)
	}
}

func gzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// brotliSize compresses with Node's zlib (the C brotli library): the pure-Go
// encoder takes over a minute at quality 11 on an 8 MB module.
func brotliSize(path string) (int, error) {
	const script = `const z = require("zlib"), b = require("fs").readFileSync(process.argv[1]);
process.stdout.write(String(z.brotliCompressSync(b, {params: {
  [z.constants.BROTLI_PARAM_QUALITY]: 11, [z.constants.BROTLI_PARAM_LGWIN]: 24,
  [z.constants.BROTLI_PARAM_SIZE_HINT]: b.length}}).length));`
	out, err := exec.Command("node", "-e", script, path).Output()
	if err != nil {
		return 0, fmt.Errorf("brotli with node: %w", err)
	}
	return strconv.Atoi(strings.TrimSpace(string(out)))
}

func mb(n int) string { return fmt.Sprintf("%.3f MB", float64(n)/1e6) }
