package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/passcheck/passcheck/internal/wasmbuild"
)

// growthStamps are the version strings growth builds each module with.
// The stamp is a few bytes of the data section, yet it moves the brotli
// size of the whole module by up to 3 KB, as any small change of the data
// does: what a feature adds is only seen in a mean over stamps.
var growthStamps = []string{"v0", "v1", "v2", "v0.1.0", "abcdef0", "28027d5-dirty", "v0.0.1-12-gabcdef1", "v1.2.3-dirty"}

// growth builds the module with every stamp, and with each of tags (a
// build without a part: noqr, norevocation, norules) too, and prints what
// each part adds: the brotli difference of the two builds with one stamp,
// as a mean and range over the stamps.
func growth(tags []string) error {
	dir, err := os.MkdirTemp("", "wasmsize-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	variants := append([]string{""}, tags...)
	sizes := map[string][]int{} // variant → brotli size per stamp
	for _, stamp := range growthStamps {
		for _, tag := range variants {
			out := filepath.Join(dir, "m.wasm")
			o := wasmbuild.Options{Dir: ".", Out: out, Version: stamp}
			if tag != "" {
				o.Tags = []string{tag}
			}
			if err := wasmbuild.Build(o); err != nil {
				return err
			}
			br, err := brotliSize(out)
			if err != nil {
				return err
			}
			sizes[tag] = append(sizes[tag], br)
		}
	}
	full := sizes[""]
	fmt.Printf("passcheck.wasm, brotli 11 over %d version stamps: %s to %s, mean %s\n", len(full), mb(slices.Min(full)), mb(slices.Max(full)), mb(mean(full)))
	for _, tag := range tags {
		diff := make([]int, len(full))
		for i := range full {
			diff[i] = full[i] - sizes[tag][i]
		}
		fmt.Printf("what -tags %s leaves out: %.1f KB brotli (mean of %d stamps; %.1f to %.1f)\n", tag, float64(mean(diff))/1000, len(diff), float64(slices.Min(diff))/1000, float64(slices.Max(diff))/1000)
	}
	return nil
}

func mean(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s / len(xs)
}

// growthArgs reports whether the arguments ask for growth ("-growth
// tag,tag"), and the tags.
func growthArgs(args []string) ([]string, bool) {
	if len(args) != 2 || args[0] != "-growth" {
		return nil, false
	}
	return strings.Split(args[1], ","), true
}
